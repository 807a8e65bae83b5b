"""File readers: sniff the type from content, read CSV (encoding detected and reported) or XLSX
(no macros, no external links) into a grid of cells with spreadsheet row numbers. Nothing here
knows about layouts.

Every read is bounded before it costs anything: the file size, the XLSX members' total and
ratio (zip bombs), the rows, the columns read (``MAX_COLS``; cells further right are counted,
ignored and reported) and the cells scanned (``MAX_CELLS``, ignored ones included). XLSX sheets
are streamed cell by cell (lxml ``iterparse``, each element dropped once read) instead of through
openpyxl's row builder, which materialises a whole row, and pads every row to the width the
sheet's ``<dimension>`` claims, before a caller can cut it."""
from __future__ import annotations

import bisect
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from .messages import Msg, err, warn

MAX_BYTES = 20 * 1024 * 1024          # CLI limit; the app's upload limit is server.maxUploadSize
MAX_UNZIPPED = 60 * 1024 * 1024       # total uncompressed XLSX members
MAX_RATIO = 100                       # compression ratio of one member (zip-bomb shape)
MAX_ROWS = 25_000                     # rows of a table (an 11,000-commune national table fits)
MAX_COLS = 200                        # columns read; cells further right are ignored (and reported)
MAX_CELLS = 1_000_000                 # cells scanned in a workbook, ignored ones included
MAX_SHEETS = 20
MAX_MERGES = 20_000

VI_LETTERS = set(unicodedata.normalize("NFC", (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")))
VI_LETTERS |= {c.upper() for c in VI_LETTERS}
OK_SYMBOLS = set("–—‘’“”…°§×·€")


class ReadError(Exception):
    """The file cannot be read at all (exit code 2)."""

    def __init__(self, m: Msg, row=None, column=None, value=None):
        super().__init__(m.en)
        self.msg = m
        self.row, self.column, self.value = row, column, value

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def vi(self) -> str:
        return self.msg.vi

    @property
    def en(self) -> str:
        return self.msg.en


@dataclass
class Grid:
    file_format: str                     # csv | xlsx
    rows: list                           # [(row_number, [cell values])]
    encoding: str | None = None
    sheet: str | None = None
    warnings: list = field(default_factory=list)       # [Msg]
    formula_cells: list = field(default_factory=list)  # [(row, col_index, text)]
    others: list = field(default_factory=list)         # the workbook's other sheets (XLSX)

    def col_label(self, idx: int) -> str:
        if self.file_format != "xlsx":
            return str(idx + 1)
        return column_letter(idx + 1)


def column_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def sniff(data: bytes) -> str:
    """'xlsx' | 'csv' | a short description of an unsupported type."""
    if not data:
        return "empty"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    signatures = {b"\x89PNG": "PNG image", b"%PDF": "PDF", b"\xd0\xcf\x11\xe0": "old Excel (.xls) / OLE",
                  b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image", b"PK\x05\x06": "empty ZIP",
                  b"\x1f\x8b": "gzip", b"Rar!": "RAR", b"7z\xbc\xaf": "7-Zip", b"MZ": "executable"}
    for sig, name in signatures.items():
        if data.startswith(sig):
            return name
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text"
    head = data[:65536]
    if b"\x00" in head:
        return "binary"
    return "csv"


def read_grid(data: bytes, filename: str = "", max_bytes: int = MAX_BYTES) -> Grid:
    kind = sniff(data)
    if kind == "empty":
        raise ReadError(err("empty_file"))
    if len(data) > max_bytes:
        raise ReadError(err("too_large", size=f"{len(data):,}", limit=f"{max_bytes:,}"))
    if kind == "xlsx":
        return read_xlsx(data)
    if kind == "csv":
        return read_csv(data)
    if kind == "UTF-16 text":
        raise ReadError(err("utf16"))
    raise ReadError(err("not_a_table", content=kind))


# --- CSV -----------------------------------------------------------------

def _plausible_vietnamese(text: str) -> bool:
    """Every non-ASCII character of a CP1258 decoding must be a Vietnamese letter or common symbol."""
    bad = [c for c in text if ord(c) > 127 and c not in VI_LETTERS and c not in OK_SYMBOLS]
    odd_ascii = [c for c in text if ord(c) < 32 and c not in "\r\n\t"]
    return not bad and not odd_ascii


def decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise _bad_utf8(data[3:], e, 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_err = e
    # Many well-formed multi-byte UTF-8 sequences + one bad byte = a damaged UTF-8 file, not CP1258.
    if len(re.findall(rb"[\xc2-\xdf][\x80-\xbf]|\xe1[\x80-\xbf][\x80-\xbf]", data)) >= 3:
        raise _bad_utf8(data, utf8_err, 0)
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_vietnamese(unicodedata.normalize("NFC", text)):
        return unicodedata.normalize("NFC", text), "cp1258"
    raise ReadError(err("unknown_encoding"))


def _bad_utf8(data, e, offset):
    pos = e.start + offset
    line = data[:pos].count(b"\n") + 1
    return ReadError(err("damaged_utf8", line=line, offset=pos), row=line)


def read_csv(data: bytes) -> Grid:
    text, enc = decode_text(data)
    text = unicodedata.normalize("NFC", text)
    sample = text[:4096]
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delim = ","
    if text.count(delim) > MAX_CELLS:     # the csv module builds a whole line before it can be cut
        raise ReadError(err("too_many_cells", limit=f"{MAX_CELLS:,}", sheet="CSV"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows, prev, wide, ignored = [], 1, None, 0
    try:
        for cells in reader:
            start = prev
            prev = reader.line_num + 1
            if len(rows) >= MAX_ROWS:
                raise ReadError(err("too_many_rows", limit=f"{MAX_ROWS:,}"))
            if len(cells) > MAX_COLS:
                extra = [c for c in cells[MAX_COLS:] if c.strip()]
                if extra:
                    ignored += len(extra)
                    wide = wide or start
            rows.append((start, [c if c.strip() != "" else None for c in cells[:MAX_COLS]]))
    except csv.Error as e:
        raise ReadError(err("bad_csv", line=reader.line_num, detail=str(e)), row=reader.line_num) from None
    g = Grid("csv", rows, encoding=enc)
    if enc == "cp1258":
        g.warnings.append(warn("cp1258"))
    if ignored:
        g.warnings.append(warn("columns_ignored", n=f"{ignored:,}", limit=MAX_COLS,
                               column=str(MAX_COLS), first_row=wide, sheet="CSV"))
    for rn, cells in rows:
        for ci, v in enumerate(cells):
            if isinstance(v, str) and is_formula_text(v):
                g.formula_cells.append((rn, ci, v))
    return g


def is_formula_text(v: str) -> bool:
    """A text a spreadsheet would run as a formula (= or @ first, leading blanks ignored)."""
    s = v.lstrip()
    return s[:1] in ("=", "@") and len(s) > 1


# --- XLSX ----------------------------------------------------------------

def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReadError(err("damaged_xlsx", detail=str(e))) from None
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > 1_000_000 and i.compress_size and i.file_size / i.compress_size > MAX_RATIO:
            raise ReadError(err("zip_bomb", member=i.filename, ratio=i.file_size // max(i.compress_size, 1)))
    if total > MAX_UNZIPPED:
        raise ReadError(err("unzipped_too_large", size=f"{total:,}", limit=f"{MAX_UNZIPPED:,}"))
    names = set(z.namelist())
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise ReadError(err("zip_not_xlsx"))
    return z


def read_xlsx(data: bytes) -> Grid:
    import warnings as _w
    from openpyxl import load_workbook
    z = _check_zip(data)
    macros = any(n.lower().endswith("vbaproject.bin") for n in z.namelist())
    links = any(n.startswith("xl/externalLinks/") for n in z.namelist())
    try:
        with _w.catch_warnings():
            _w.simplefilter("ignore")
            # The workbook part only (sheet list, shared strings, date styles): the sheets
            # themselves are streamed below.
            wb = load_workbook(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False,
                               keep_links=False)
    except Exception as e:  # openpyxl raises many types on damaged packages
        raise ReadError(err("cannot_open_xlsx", detail=f"{type(e).__name__}: {e}")) from None
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or wb.worksheets
        if not sheets:
            raise ReadError(err("no_sheet"))
        budget = _Budget()
        grids = [_read_sheet(wb, ws, z, budget) for ws in sheets[:MAX_SHEETS]]
    finally:
        wb.close()
    first = grids[0]
    first.others = grids[1:]
    if macros:
        first.warnings.append(warn("macros"))
    if links:
        first.warnings.append(warn("external_links"))
    return first


@dataclass
class _Budget:
    cells: int = 0
    rows: int = 0


_COORD = re.compile(r"([A-Z]{1,3})(\d+)$")


def _col_index(ref: str | None) -> int | None:
    """1-based column of a cell reference ('AB12' → 28)."""
    if not ref:
        return None
    m = _COORD.match(ref)
    if not m:
        return None
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n


def _read_sheet(wb, ws, z: zipfile.ZipFile, budget: _Budget) -> Grid:
    from lxml import etree
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    ns = "{%s}" % SHEET_MAIN_NS
    row_tag, cell_tag, merge_tag = ns + "row", ns + "c", ns + "mergeCell"
    path = (getattr(ws, "_worksheet_path", "") or "").lstrip("/")
    rows, formulas, merges = [], [], []
    ignored, first_wide = 0, None
    try:
        src = z.open(path)
    except KeyError:
        raise ReadError(err("damaged_xlsx", detail=f"missing {path}")) from None
    cells_parser = WorkSheetParser(src, getattr(ws, "_shared_strings", None) or wb.shared_strings, data_only=False, epoch=wb.epoch,
                                   date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    try:
        events = etree.iterparse(src, events=("start", "end"), tag=(row_tag, cell_tag, merge_tag),
                                 resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        row_no, vals, col_counter = 0, None, 0
        for event, el in events:
            tag = el.tag
            if tag == cell_tag:
                if event == "start":
                    continue
                budget.cells += 1
                if budget.cells > MAX_CELLS:
                    raise ReadError(err("too_many_cells", limit=f"{MAX_CELLS:,}", sheet=ws.title))
                col = _col_index(el.get("r")) or col_counter + 1
                col_counter = col
                if col > MAX_COLS:
                    if el.find(ns + "v") is not None or el.find(ns + "is") is not None or el.find(ns + "f") is not None:
                        ignored += 1
                        first_wide = first_wide or row_no
                else:
                    cells_parser.row_counter, cells_parser.col_counter = row_no, col - 1
                    c = cells_parser.parse_cell(el)
                    v = c["value"]
                    if c["data_type"] == "f" or (isinstance(v, str) and is_formula_text(v)):
                        formulas.append((row_no, col - 1, str(v)))
                    if isinstance(v, str):
                        v = unicodedata.normalize("NFC", v)
                        if v.strip() == "":
                            v = None
                    if v is not None:
                        while len(vals) < col - 1:
                            vals.append(None)
                        if len(vals) == col - 1:
                            vals.append(v)
                        else:
                            vals[col - 1] = v
                parent = el.getparent()
                if parent is not None:
                    parent.remove(el)       # the row never holds more than one cell
            elif tag == row_tag:
                if event == "start":
                    r = el.get("r")
                    row_no = int(r) if r and r.isdigit() else row_no + 1
                    vals, col_counter = [], 0
                    continue
                budget.rows += 1
                if budget.rows > MAX_ROWS:
                    raise ReadError(err("too_many_rows", limit=f"{MAX_ROWS:,}"))
                rows.append((row_no, vals))
                parent = el.getparent()
                el.clear()
                if parent is not None:
                    parent.remove(el)
            elif event == "end":                      # mergeCell
                if len(merges) < MAX_MERGES:
                    m = _merge_range(el.get("ref"))
                    if m:
                        merges.append(m)
                el.clear()
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(err("damaged_cells", detail=f"{type(e).__name__}: {e}")) from None
    finally:
        src.close()
    g = Grid("xlsx", rows, sheet=ws.title, formula_cells=formulas)
    _spread_merges(rows, merges)
    if ignored:
        g.warnings.append(warn("columns_ignored", n=f"{ignored:,}", limit=MAX_COLS,
                               column=column_letter(MAX_COLS), first_row=first_wide, sheet=ws.title))
    return g


def _merge_range(ref):
    """(min_row, min_col, max_row, max_col) of 'A1:C3'."""
    if not ref or ":" not in ref:
        return None
    a, b = ref.split(":", 1)
    ca, cb = _col_index(a), _col_index(b)
    ma, mb = _COORD.match(a), _COORD.match(b)
    if not (ca and cb and ma and mb):
        return None
    return int(ma.group(2)), ca, int(mb.group(2)), cb


def _spread_merges(rows, merges) -> None:
    """Spread each merged value over its range (group headers, merged year/notes cells), over the
    rows that exist and the columns that are read."""
    numbers = [rn for rn, _ in rows]
    index = {rn: i for i, rn in enumerate(numbers)}
    for r1, c1, r2, c2 in merges:
        if r1 not in index:
            continue
        top = rows[index[r1]][1]
        v = top[c1 - 1] if c1 - 1 < len(top) else None
        if v is None or c1 > MAX_COLS:
            continue
        last = min(c2, MAX_COLS)
        for i in range(index[r1], bisect.bisect_right(numbers, r2)):
            cells = rows[i][1]
            while len(cells) < last:
                cells.append(None)
            for c in range(c1, last + 1):
                if cells[c - 1] is None:
                    cells[c - 1] = v


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(v)).strip()
