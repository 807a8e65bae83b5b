-- 0003: status records of the 2026-2030 criteria set (Decision 51/2025/QĐ-TTg) name the commune
-- group whose thresholds the commune was assessed against (1, 2 or 3; Nhóm 1: next to towns or
-- little agriculture, Nhóm 3: ethnic-minority and mountain communes of khu vực II/III, Nhóm 2: the
-- others). Empty for records of earlier sets. Portable SQLite + PostgreSQL SQL (see 0001).

ALTER TABLE status ADD COLUMN commune_group INTEGER;
