"""Layouts: turn a grid of cells into items (one per data row) for validation.

Four layouts: the contract status table and target table (DESIGN §3), the provincial "biểu tổng
hợp kết quả thực hiện tiêu chí" sheet and a recognition decision list (reference/ntm_facts.md §G).
Detection is text-based. Sheets as offices fill them open with agency, title and "tính đến ngày"
lines and end with totals, footnotes, the date line and signature blocks ("Người lập biểu",
"Thủ trưởng đơn vị", "KT. CHỦ TỊCH", "Nơi nhận:"): none of these are units."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from .messages import Msg, err, warn
from .readers import Grid, cell_text

STATUS_COLUMNS = ["unit_code", "unit_name", "district", "vintage", "year", "level", "criteria_met",
                  "criteria_total", "criteria_set", "commune_group", "decision_no", "decision_date",
                  "source", "provenance", "note"] + [f"c{i:02d}" for i in range(1, 21)]
TARGET_COLUMNS = ["unit_code", "unit_name", "district", "vintage", "level", "target_year", "target_share",
                  "target_count", "source", "provenance", "note"]
# Vietnamese headers people type instead of the contract names.
ALIASES = {"district_name": "district", "huyện": "district", "source_id": "source", "mã xã": "unit_code",
           "mã đơn vị": "unit_code", "tên xã": "unit_name", "đơn vị": "unit_name", "tên đơn vị": "unit_name",
           "năm": "year", "mức": "level", "mức đạt": "level", "số tiêu chí đạt": "criteria_met",
           "tổng số tiêu chí": "criteria_total", "bộ tiêu chí": "criteria_set", "số quyết định": "decision_no",
           "ngày quyết định": "decision_date", "nguồn": "source", "ghi chú": "note", "năm mục tiêu": "target_year",
           "nhóm xã": "commune_group", "nhóm": "commune_group"}

ROMAN_RE = re.compile(r"^(?=[IVXLC]+$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
DISTRICT_RE = re.compile(r"^(huyện|thị xã|thành phố|tp\.?|tx\.?|h\.)\s", re.I)
# Totals, subtotals and share rows ("Tỷ lệ (%)", "Tỉ lệ đạt") between and under the data rows.
TOTAL_RE = re.compile(r"^(toàn tỉnh|toàn huyện|tổng cộng|tổng số|tổng|cộng|total|trong đó|t[ỷỉ]\s*lệ)\b", re.I)
# The foot of a sheet: who prepared and signed it, the place-and-date line, the distribution list.
FOOTER_RE = re.compile(
    r"^(người\s+(lập|tổng hợp|kiểm tra|duyệt)|thủ\s+trưởng|nơi\s+nhận|xác\s+nhận|"
    r"(kt|tm|tl|tuq|q)\s*\.?\s*(chủ\s+tịch|giám\s+đốc|ủy\s+ban|uỷ\s+ban|ubnd|trưởng|ban|sở|phòng)|"
    r"(phó\s+)?chủ\s+tịch\b|(phó\s+)?giám\s+đốc\b|trưởng\s+(phòng|ban)\b|"
    r"\(\s*ký|ký\s*(tên|,\s*ghi|và\s+ghi|,\s*đóng)|đã\s+ký)", re.I)
DATELINE_RE = re.compile(r"^[^\d,;:]{2,40},\s*ngày\b", re.I)       # "Hà Tĩnh, ngày … tháng … năm …"
FOOTNOTE_RE = re.compile(r"^(ghi\s+chú|chú\s+thích|lưu\s+ý)\s*:", re.I)
# A line of a footnote block: "- …", "* …", "1. …", "2) …", "a) …", "(*) …".
NOTE_LINE_RE = re.compile(r"^([-*•+–]|\(\*+\)|(\d{1,2}|[a-zđ])\s*[.)]\s)", re.I)
MET = {"x", "đ", "đạt", "1", "✓", "v"}
NOT_MET = {"", "cđ", "chưa đạt", "0", "-", "k", "không đạt"}


@dataclass
class Item:
    row: int
    fields: dict                      # name -> (value, column label)
    context: dict = field(default_factory=dict)


@dataclass
class Parsed:
    kind: str                         # an id of loaders.importer.kinds.KINDS
    items: list
    meta: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)    # (row, column, value, Msg)
    warnings: list = field(default_factory=list)  # Msg


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


def unknown_layout() -> Msg:
    return err("unknown_layout")


# --- the foot of a sheet -------------------------------------------------------

def is_footer(texts) -> bool:
    """True for the first row of a sheet's foot (signatures, date line, distribution list)."""
    for t in texts:
        s = unicodedata.normalize("NFC", t).strip()
        if s and (FOOTER_RE.match(s) or DATELINE_RE.match(s)):
            return True
    return False


def _texts(cells) -> list[str]:
    return [cell_text(c) for c in cells if c is not None]


class _Foot:
    """Tracks the end of the data: the first footer row ends it; footnote blocks are skipped."""

    def __init__(self):
        self.ended = False
        self.in_note = False

    def skip(self, cells, numbered: bool) -> bool:
        if self.ended:
            return True
        if numbered:                 # a numbered/keyed row is data
            self.in_note = False
            return False
        texts = [t for t in _texts(cells) if t]
        if not texts:
            return True
        if not numbered and is_footer(texts):
            self.ended = True
            return True
        first = texts[0]
        if not numbered and FOOTNOTE_RE.match(first):
            self.in_note = True
            return True
        if self.in_note and NOTE_LINE_RE.match(first):
            return True
        self.in_note = False
        return False


# --- contract tables -------------------------------------------------------

def _header_row(grid: Grid, want) -> int | None:
    for i, (_, cells) in enumerate(grid.rows[:30]):
        names = [ALIASES.get(low(c), low(c)) for c in cells]
        if want(names):
            return i
    return None


def detect_target_table(grid: Grid) -> Parsed | None:
    i = _header_row(grid, lambda n: "target_year" in n and ("unit_code" in n or "unit_name" in n))
    return None if i is None else parse_table(grid, i, "target_table", TARGET_COLUMNS)


def detect_status_table(grid: Grid) -> Parsed | None:
    i = _header_row(grid, lambda n: "year" in n and "level" in n and ("unit_code" in n or "unit_name" in n))
    return None if i is None else parse_table(grid, i, "status_table", STATUS_COLUMNS)


def parse_table(grid: Grid, header_idx: int, kind: str, known: list) -> Parsed:
    hrow, hcells = grid.rows[header_idx]
    cols = {}
    p = Parsed(kind, [])
    for ci, c in enumerate(hcells):
        name = ALIASES.get(low(c), low(c))
        if not name:
            continue
        if name in cols:
            p.errors.append((hrow, grid.col_label(ci), cell_text(c), err("duplicate_column", name=name)))
        elif name in known:
            cols[name] = ci
        else:
            p.warnings.append(warn("unknown_column", header=cell_text(c), column=grid.col_label(ci)))
    p.meta["col_names"] = {ci: name for name, ci in cols.items()}
    foot = _Foot()
    key_cols = [cols[k] for k in ("unit_code", "unit_name") if k in cols]
    labels = [(name, ci, f"{grid.col_label(ci)} ({name})") for name, ci in cols.items()]
    for rn, cells in grid.rows[header_idx + 1:]:
        if all(c is None for c in cells):
            continue
        keyed = any(ci < len(cells) and cells[ci] is not None and not is_footer([cell_text(cells[ci])])
                    for ci in key_cols)
        if foot.skip(cells, numbered=keyed):
            continue
        n = len(cells)
        p.items.append(Item(rn, {name: (cells[ci] if ci < n else None, label) for name, ci, label in labels}))
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


def detect_summary(grid: Grid) -> Parsed | None:
    crit = _criteria_row(grid.rows)
    return None if crit is None else parse_summary(grid, *crit)


def _report_date(rows):
    """The reporting date of the title rows: a "tính đến ngày …" line wins over a dateline."""
    best = None
    for rn, cells in rows:
        for c in cells:
            t = cell_text(c)
            m = re.search(r"(tính\s+đến|đến\s+ngày|tại\s+thời\s+điểm|ngày)", t, re.I)
            if not m:
                continue
            try:
                d = parse_date(t)
            except ValueError:
                continue
            rank = 1 if m.group(1).casefold() == "ngày" else 0
            if best is None or rank < best[0]:
                best = (rank, d, rn)
            if rank == 0:
                return d, rn
    return (best[1], best[2]) if best else (None, None)


def parse_summary(grid: Grid, crit_idx: int, crit_cols: dict) -> Parsed:
    rows = grid.rows
    p = Parsed("summary_sheet", [])
    n = len(crit_cols)
    p.meta["criteria_total"] = n
    report_date, date_row = _report_date(rows[:crit_idx + 1])
    p.meta["report_date"] = report_date
    p.meta["date_row"] = date_row
    if report_date is None:
        p.errors.append((None, None, None, err("no_report_date")))
    role, headers = _summary_columns(rows, crit_idx, crit_cols)
    if "name" not in role:
        from .readers import ReadError
        raise ReadError(err("summary_no_name_column"))
    p.meta["columns"] = {k: grid.col_label(v) for k, v in role.items()}
    header_words = {h for h in headers if h}
    district = None
    foot = _Foot()
    for rn, cells in rows[crit_idx + 1:]:
        get = lambda ci: cells[ci] if ci is not None and ci < len(cells) else None  # noqa: E731
        tt = cell_text(get(role.get("tt")))
        name = cell_text(get(role["name"]))
        if foot.skip(cells, numbered=tt.isdigit()):
            continue
        if not name and not tt:
            continue
        # Column-number row such as (1) (2) (3) under the header; a header repeated after a page break.
        if re.fullmatch(r"\(?\d+\)?", name or "") and not get(role.get("code")):
            continue
        if low(name) in header_words and (not tt or low(tt) in header_words):
            continue
        if TOTAL_RE.match(name):
            continue
        if _roman(tt) or DISTRICT_RE.match(name):
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


def _summary_columns(rows, crit_idx, crit_cols):
    """The role of each non-criterion column, from the header text above the criteria row."""
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
    return role, headers


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
    if "hiện đại" in t:          # the 2026–2030 pilot "xã NTM hiện đại" (51/2025/QĐ-TTg)
        return "modern"
    if "kiểu mẫu" in t:
        return "model"
    if "nâng cao" in t:
        return "advanced"
    return "standard"


def detect_decision(grid: Grid) -> Parsed | None:
    rows = grid.rows
    head = " ".join(low(c) for _, cells in rows[:15] for c in cells)
    if ("quyết định" in head or "qđ-" in head) and any(_level_heading(cells) for _, cells in rows):
        return parse_decision(grid)
    return None


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
    for key in ("decision_no", "decision_date", "label_year"):
        if not p.meta[key]:
            p.errors.append((None, None, None, err(f"no_{key}")))
    level, district, header = None, None, None
    foot = _Foot()
    for rn, cells in grid.rows[len(head_rows):]:
        lv = _level_heading(cells)
        if lv:
            level = lv
            continue
        texts = [cell_text(c) for c in cells]
        if any(t.casefold() in ("tt", "stt") for t in texts):   # (repeated) column header row
            header = _decision_header(texts)
            continue
        tt = texts[header["tt"]] if header and "tt" in header and header["tt"] < len(texts) else ""
        if foot.skip(cells, numbered=tt.isdigit()):
            continue
        nonempty = [t for t in texts if t]
        if len(nonempty) == 1 and DISTRICT_RE.match(nonempty[0]):
            district = (nonempty[0], rn)
            continue
        if len(nonempty) == 1 and TOTAL_RE.match(nonempty[0]):
            continue
        if header is None or "name" not in header:
            p.errors.append((rn, None, " ".join(nonempty), err("row_before_header")))
            continue
        get = lambda k: (cells[header[k]] if k in header and header[k] < len(cells) else None)  # noqa: E731
        f = {"unit_name": (get("name"), f"{grid.col_label(header['name'])} (Tên xã)"),
             "note": (get("note"), f"{grid.col_label(header['note'])} (Ghi chú)" if "note" in header else None)}
        dist = district
        if get("district"):
            dist = (cell_text(get("district")), rn)
        p.items.append(Item(rn, f, {"district": dist, "level": level}))
    return p


def _decision_header(texts) -> dict:
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
    return header
