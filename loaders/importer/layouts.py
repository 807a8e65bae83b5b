"""Layouts: turn a grid of cells into items (one per data row) for validation.

Four layouts: the contract status table and target table (DESIGN §3), the
provincial "biểu tổng hợp kết quả thực hiện tiêu chí" sheet and a recognition
decision list (reference/ntm_facts.md §G). Detection is text-based."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from .readers import Grid, ReadError, cell_text

STATUS_COLUMNS = ["unit_code", "unit_name", "district", "vintage", "year", "level", "criteria_met",
                  "criteria_total", "criteria_set", "decision_no", "decision_date", "source",
                  "provenance", "note"] + [f"c{i:02d}" for i in range(1, 21)]
TARGET_COLUMNS = ["unit_code", "unit_name", "district", "vintage", "level", "target_year", "target_share",
                  "target_count", "source", "provenance", "note"]
# Vietnamese headers people type instead of the contract names.
ALIASES = {"district_name": "district", "huyện": "district", "source_id": "source", "mã xã": "unit_code",
           "mã đơn vị": "unit_code", "tên xã": "unit_name", "đơn vị": "unit_name", "tên đơn vị": "unit_name",
           "năm": "year", "mức": "level", "mức đạt": "level", "số tiêu chí đạt": "criteria_met",
           "tổng số tiêu chí": "criteria_total", "bộ tiêu chí": "criteria_set", "số quyết định": "decision_no",
           "ngày quyết định": "decision_date", "nguồn": "source", "ghi chú": "note", "năm mục tiêu": "target_year"}

ROMAN_RE = re.compile(r"^(?=[IVXLC]+$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
DISTRICT_RE = re.compile(r"^(huyện|thị xã|thành phố|tp\.?|tx\.?|h\.)\s", re.I)
TOTAL_RE = re.compile(r"^(toàn tỉnh|tổng cộng|tổng số|tổng|cộng|total)\b", re.I)
MET = {"x", "đ", "đạt", "1", "✓", "v"}
NOT_MET = {"", "cđ", "chưa đạt", "0", "-", "k", "không đạt"}


@dataclass
class Item:
    row: int
    fields: dict                      # name -> (value, column label)
    context: dict = field(default_factory=dict)


@dataclass
class Parsed:
    kind: str                         # status_table | target_table | summary_sheet | decision_list
    items: list
    meta: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)    # (row, column, value, vi, en, hint_vi, hint_en)
    warnings: list = field(default_factory=list)


def low(v) -> str:
    return unicodedata.normalize("NFC", cell_text(v)).casefold()


def parse_date(v) -> date | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = cell_text(v)
    m = re.search(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", s)
    if m:
        d, mo, y = map(int, m.groups())
    else:
        m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
        if m:
            y, mo, d = map(int, m.groups())
        else:
            m = re.search(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", s, re.I)
            if not m:
                raise ValueError(s)
            d, mo, y = map(int, m.groups())
    return date(y, mo, d)


def detect(grid: Grid, filename: str) -> Parsed:
    rows = grid.rows
    for i, (rn, cells) in enumerate(rows[:30]):
        names = [ALIASES.get(low(c), low(c)) for c in cells]
        if "target_year" in names and ("unit_code" in names or "unit_name" in names):
            return parse_table(grid, i, "target_table", TARGET_COLUMNS)
        if "year" in names and "level" in names and ("unit_code" in names or "unit_name" in names):
            return parse_table(grid, i, "status_table", STATUS_COLUMNS)
    crit = _criteria_row(rows)
    if crit is not None:
        return parse_summary(grid, *crit)
    head = " ".join(low(c) for _, cells in rows[:15] for c in cells)
    if ("quyết định" in head or "qđ-" in head) and any(_level_heading(cells) for _, cells in rows):
        return parse_decision(grid)
    raise ReadError(
        "Không nhận ra mẫu bảng: cần bảng trạng thái (unit_code/unit_name, year, level), biểu tổng hợp "
        "tiêu chí (cột 1…19/20) hoặc danh sách quyết định công nhận",
        "Unrecognised layout: expected a status table (unit_code/unit_name, year, level), a criteria "
        "summary sheet (columns 1…19/20) or a recognition decision list",
        "Dùng mẫu bảng trong DESIGN §3", "Use the table layout of DESIGN §3")


# --- contract tables -------------------------------------------------------

def parse_table(grid: Grid, header_idx: int, kind: str, known: list) -> Parsed:
    hrow, hcells = grid.rows[header_idx]
    cols = {}
    p = Parsed(kind, [])
    for ci, c in enumerate(hcells):
        name = ALIASES.get(low(c), low(c))
        if not name:
            continue
        if name in cols:
            p.errors.append((hrow, grid.col_label(ci), cell_text(c), f"Cột '{name}' bị lặp",
                             f"Duplicate column '{name}'", "Xóa cột trùng", "Remove the duplicate column"))
        elif name in known:
            cols[name] = ci
        else:
            p.warnings.append((f"Bỏ qua cột không biết '{cell_text(c)}' (cột {grid.col_label(ci)})",
                               f"Ignored unknown column '{cell_text(c)}' (column {grid.col_label(ci)})"))
    p.meta["col_names"] = {ci: name for name, ci in cols.items()}
    for rn, cells in grid.rows[header_idx + 1:]:
        if all(c is None for c in cells):
            continue
        f = {}
        for name, ci in cols.items():
            f[name] = (cells[ci] if ci < len(cells) else None, f"{grid.col_label(ci)} ({name})")
        p.items.append(Item(rn, f))
    return p


# --- provincial summary sheet ------------------------------------------------

def _criteria_row(rows):
    """(index, {criterion: column}) of the row numbering the criteria 1…19 or 1…20."""
    for i, (rn, cells) in enumerate(rows[:40]):
        nums = {}
        for ci, c in enumerate(cells):
            t = cell_text(c).strip("() ")
            t = re.sub(r"^(tc|tiêu chí)\s*", "", t, flags=re.I)
            if t.isdigit() and 1 <= int(t) <= 20 and int(t) not in nums:
                nums[int(t)] = ci
        n = 20 if 20 in nums else 19
        if all(k in nums for k in range(1, n + 1)):
            cols = [nums[k] for k in range(1, n + 1)]
            if cols == sorted(cols) and cols[-1] - cols[0] == n - 1:
                return i, {k: nums[k] for k in range(1, n + 1)}
    return None


def _roman(s: str) -> bool:
    s = s.strip().rstrip(".")
    return bool(s) and bool(ROMAN_RE.match(s))


def parse_summary(grid: Grid, crit_idx: int, crit_cols: dict) -> Parsed:
    rows = grid.rows
    p = Parsed("summary_sheet", [])
    n = len(crit_cols)
    p.meta["criteria_total"] = n
    # Reporting date from the title rows.
    report_date, date_row = None, None
    for rn, cells in rows[:crit_idx + 1]:
        for c in cells:
            t = cell_text(c)
            if re.search(r"(tính đến|đến ngày|ngày)", t, re.I):
                try:
                    report_date = parse_date(t)
                    date_row = rn
                    break
                except ValueError:
                    continue
        if report_date:
            break
    p.meta["report_date"] = report_date
    p.meta["date_row"] = date_row
    if report_date is None:
        p.errors.append((None, None, None, "Không tìm thấy ngày báo cáo ('tính đến ngày dd/mm/yyyy') ở phần tiêu đề",
                         "No reporting date ('tính đến ngày dd/mm/yyyy') in the title rows",
                         "Thêm dòng 'tính đến ngày …' vào tiêu đề", "Add a 'tính đến ngày …' line to the title"))
    # Header text per column: everything above the criteria row from the first 'TT' row.
    first = crit_idx
    for j in range(crit_idx, max(-1, crit_idx - 4), -1):
        if any(low(c) in ("tt", "stt", "số tt") for c in rows[j][1]):
            first = j
    width = max(len(c) for _, c in rows[first:crit_idx + 1])
    headers = []
    for ci in range(width):
        parts = []
        for _, cells in rows[first:crit_idx + 1]:
            t = low(cells[ci]) if ci < len(cells) else ""
            if t and t not in parts:
                parts.append(t)
        headers.append(" ".join(parts))
    role = {}
    crit_set = set(crit_cols.values())
    for ci, h in enumerate(headers):
        if ci in crit_set:
            continue
        if h in ("tt", "stt", "số tt") and "tt" not in role:
            role["tt"] = ci
        elif ("mã" in h and ("gso" in h or "đơn vị" in h or "xã" in h)) and "code" not in role:
            role["code"] = ci
        elif ("đơn vị" in h or h.startswith("tên") or h in ("xã", "tên xã")) and "name" not in role:
            role["name"] = ci
        elif "kiểu mẫu" in h and "năm" in h:
            role["year_model"] = ci
        elif "nâng cao" in h and "năm" in h:
            role["year_advanced"] = ci
        elif "năm" in h and "chuẩn" in h:
            role["year_standard"] = ci
        elif "số tiêu chí" in h or "tổng số tc" in h or "số tc" in h:
            role["count"] = ci
        elif "ghi chú" in h:
            role["note"] = ci
    if "name" not in role:
        raise ReadError("Biểu tổng hợp thiếu cột 'Đơn vị'/'Tên xã'", "Summary sheet has no 'Đơn vị' (unit) column",
                        "Thêm tiêu đề cột 'Đơn vị'", "Add the 'Đơn vị' column header")
    p.meta["columns"] = {k: grid.col_label(v) for k, v in role.items()}
    district = None
    for rn, cells in rows[crit_idx + 1:]:
        get = lambda ci: cells[ci] if ci is not None and ci < len(cells) else None  # noqa: E731
        tt = cell_text(get(role.get("tt")))
        name = cell_text(get(role["name"]))
        if not name and not tt:
            continue
        # Column-number row such as (1) (2) (3) under the header.
        if re.fullmatch(r"\(?\d+\)?", name or "") and not get(role.get("code")):
            continue
        if TOTAL_RE.match(name):
            continue
        if _roman(tt) or DISTRICT_RE.match(name) or (not tt and not name[:1].isdigit() and DISTRICT_RE.match(name)):
            district = (name, rn)
            continue
        f = {"unit_name": (name, f"{grid.col_label(role['name'])} (Đơn vị)")}
        for key in ("code", "count", "year_standard", "year_advanced", "year_model", "note"):
            if key in role:
                f[key] = (get(role[key]), f"{grid.col_label(role[key])} ({key})")
        for k, ci in crit_cols.items():
            f[f"c{k:02d}"] = (get(ci), f"{grid.col_label(ci)} (tiêu chí {k})")
        p.items.append(Item(rn, f, {"district": district}))
    return p


# --- recognition decision list -------------------------------------------------

def _level_heading(cells):
    texts = [cell_text(c) for c in cells if c is not None]
    if not texts:
        return None
    t = " ".join(texts).casefold()
    # "I. Xã đạt chuẩn NTM", "B) Các xã đạt chuẩn NTM nâng cao", "Xã đạt chuẩn NTM kiểu mẫu" — not the title.
    if not re.match(r"^\s*(([ivx]+|[a-c]|\d)\s*[.)]\s*)?(các\s+)?xã\b", t):
        return None
    if not re.search(r"(đạt chuẩn|nông thôn mới|ntm)", t):
        return None
    if len(texts) > 2:
        return None
    if "kiểu mẫu" in t:
        return "model"
    if "nâng cao" in t:
        return "advanced"
    return "standard"


def parse_decision(grid: Grid) -> Parsed:
    p = Parsed("decision_list", [])
    head_rows = []
    for rn, cells in grid.rows:
        if _level_heading(cells):
            break
        head_rows.append((rn, " ".join(cell_text(c) for c in cells if c is not None)))
    head = " ".join(t for _, t in head_rows)
    m = re.search(r"(\d+\s*/\s*(?:\d{4}\s*/\s*)?QĐ\s*-\s*[A-ZĐ]+)", head, re.I)
    p.meta["decision_no"] = re.sub(r"\s+", "", m.group(1)) if m else None
    dm = re.search(r"ngày\s*(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4})", head, re.I)
    try:
        p.meta["decision_date"] = parse_date("ngày " + dm.group(1)) if dm and "tháng" in dm.group(1) else (
            parse_date(dm.group(1)) if dm else None)
    except ValueError:
        p.meta["decision_date"] = None
    bm = re.search(r"đợt\s*(\d+)", head, re.I)
    p.meta["batch"] = int(bm.group(1)) if bm else None
    ym = re.search(r"(?:đạt chuẩn|công nhận)[^.;]*?năm\s*(\d{4})", head, re.I)
    p.meta["label_year"] = int(ym.group(1)) if ym else None
    for key, vi, en in (("decision_no", "số quyết định", "decision number"),
                        ("decision_date", "ngày quyết định", "decision date"),
                        ("label_year", "năm đạt chuẩn (… năm YYYY)", "label year (… năm YYYY)")):
        if not p.meta[key]:
            p.errors.append((None, None, None, f"Không tìm thấy {vi} ở phần tiêu đề", f"No {en} in the title rows",
                             f"Thêm {vi} vào tiêu đề", f"Add the {en} to the title"))
    level, district, header = None, None, None
    for rn, cells in grid.rows[len(head_rows):]:
        lv = _level_heading(cells)
        if lv:
            level = lv
            continue
        texts = [cell_text(c) for c in cells]
        if any(t.casefold() in ("tt", "stt") for t in texts):   # (repeated) column header row
            header = {}
            for ci, t in enumerate(texts):
                tl = t.casefold()
                if tl in ("tt", "stt"):
                    header["tt"] = ci
                elif "huyện" in tl or "đơn vị cấp huyện" in tl:
                    header["district"] = ci
                elif "tên" in tl or tl in ("xã", "đơn vị"):
                    header["name"] = ci
                elif "ghi chú" in tl or "lĩnh vực" in tl:
                    header["note"] = ci
            continue
        nonempty = [t for t in texts if t]
        if not nonempty:
            continue
        if len(nonempty) == 1 and DISTRICT_RE.match(nonempty[0]):
            district = (nonempty[0], rn)
            continue
        if header is None or "name" not in header:
            p.errors.append((rn, None, " ".join(nonempty), "Dòng dữ liệu trước dòng tiêu đề cột (TT, Tên xã)",
                             "Data row before the column header row (TT, Tên xã)",
                             "Thêm dòng tiêu đề cột", "Add the column header row"))
            continue
        get = lambda k: (cells[header[k]] if k in header and header[k] < len(cells) else None)  # noqa: E731
        f = {"unit_name": (get("name"), f"{grid.col_label(header['name'])} (Tên xã)"),
             "note": (get("note"), f"{grid.col_label(header['note'])} (Ghi chú)" if "note" in header else None)}
        dist = district
        if get("district"):
            dist = (cell_text(get("district")), rn)
        p.items.append(Item(rn, f, {"district": dist, "level": level}))
    return p
