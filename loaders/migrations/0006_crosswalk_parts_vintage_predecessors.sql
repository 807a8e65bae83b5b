-- 0006: the crosswalk keeps one row per (old unit, new unit) with `part` (full | partial), so an
-- old unit divided between several new units (Phường Đại Nài → Thành Sen + Hà Huy Tập) has one row
-- per part; a district that ceased on 1/7/2025 (no district level) has relation `ceased` and no
-- to_code. The old primary key (from_vintage, from_code, to_vintage) allowed one row only.
-- Vintages record the vintages they follow (`predecessors`, ';'-separated), e.g. 15-2025 ← 10-2009
-- across a change of province code. A reported aggregate may name the vintage whose units its
-- denominator counts (`aggregates.vintage`: the 169/169 xã of 6/2025 count the pre-merger xã, not
-- the 60 xã of 42-2025). Portable SQLite + PostgreSQL SQL (see 0001).

CREATE TABLE crosswalk_v3 (
    from_vintage   VARCHAR(32) NOT NULL,
    from_code      VARCHAR(16) NOT NULL,
    to_vintage     VARCHAR(32) NOT NULL,
    to_code        VARCHAR(16),
    relation       VARCHAR(16) NOT NULL,
    part           VARCHAR(8),
    inferred       BOOLEAN     NOT NULL,
    note           TEXT
);

INSERT INTO crosswalk_v3 (from_vintage, from_code, to_vintage, to_code, relation, part, inferred, note)
SELECT from_vintage, from_code, to_vintage, to_code, relation, 'full', inferred, note FROM crosswalk;

DROP TABLE crosswalk;

ALTER TABLE crosswalk_v3 RENAME TO crosswalk;

CREATE UNIQUE INDEX ux_crosswalk_link ON crosswalk (from_vintage, from_code, to_vintage, to_code);

CREATE INDEX ix_crosswalk_to ON crosswalk (to_vintage, to_code);

ALTER TABLE vintages ADD COLUMN predecessors TEXT;

ALTER TABLE aggregates ADD COLUMN vintage VARCHAR(32);
