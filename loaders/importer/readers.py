"""File readers: sniff the type from content, read CSV (encoding detected and reported) or XLSX
(no macros, no external links) into a grid of cells with spreadsheet row numbers. Nothing here
knows about layouts.

Every read is bounded before it costs anything: the file size, the XLSX members' total and
ratio (zip bombs), then a byte-level count of each sheet's cells and rows (no parsing: a 2 MB file
holding a row of 2.5 million cells is refused in a fraction of a second), then, while reading, the
columns (``MAX_COLS``; cells further right are counted, ignored and reported). XLSX sheets are
streamed cell by cell (lxml ``iterparse``, each element dropped once read) instead of through
openpyxl's row builder, which materialises a whole row, and pads every row to the width the
sheet's ``<dimension>`` claims, before a caller can cut it; the sheet's ``<dimension>`` is not
trusted for anything."""
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
MAX_ROWS = 20_000                     # rows of a table (an 11,000-commune national table fits)
MAX_COLS = 200                        # columns read; cells further right are ignored (and reported)
MAX_CELLS = 500_000                   # cells in a workbook (or fields in a CSV), ignored ones included
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


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_PART = 10 * 1024 * 1024            # workbook.xml, relationships, styles.xml


@dataclass
class _Sheet:
    title: str
    path: str
    state: str = "visible"


@dataclass
class _Book:
    sheets: list
    shared: list
    date_formats: set
    timedelta_formats: set
    epoch: datetime


def _parse_part(z: zipfile.ZipFile, path: str):
    from lxml import etree
    info = z.getinfo(path)
    if info.file_size > MAX_PART:
        raise ReadError(err("unzipped_too_large", size=f"{info.file_size:,}", limit=f"{MAX_PART:,}"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(z.read(path), parser)


def _rels(z: zipfile.ZipFile, part: str) -> dict:
    """Relationship id → (type, target path) of a package part."""
    import posixpath
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in z.namelist():
        return {}
    out = {}
    for rel in _parse_part(z, rels_path).iter("{%s}Relationship" % PKG_REL_NS):
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
    return out


def _book(z: zipfile.ZipFile) -> _Book:
    """The workbook's structure: sheets (name, part, state), shared strings, date styles, epoch.
    Read from the package directly: openpyxl's loader parses every sheet without a <dimension>
    in full just to size it."""
    from openpyxl.reader.strings import read_string_table
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
    root_rels = _rels(z, "")
    wb_path = next((p for t, p in root_rels.values() if t == "officeDocument"), "xl/workbook.xml")
    if wb_path not in z.namelist():
        raise ReadError(err("zip_not_xlsx"))
    wb = _parse_part(z, wb_path)
    rels = _rels(z, wb_path)
    sheets = []
    for el in wb.iter("{%s}sheet" % MAIN_NS):
        rel = rels.get(el.get("{%s}id" % REL_NS))
        if rel and rel[1] in z.namelist():
            sheets.append(_Sheet(el.get("name") or "", rel[1], el.get("state") or "visible"))
    pr = wb.find("{%s}workbookPr" % MAIN_NS)
    epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else CALENDAR_WINDOWS_1900
    shared = []
    for kind, path in rels.values():
        if kind == "sharedStrings" and path in z.namelist():
            with z.open(path) as src:
                shared = read_string_table(src)
    dates, spans = set(), set()
    for kind, path in rels.values():
        if kind == "styles" and path in z.namelist():
            dates, spans = _date_styles(_parse_part(z, path))
    return _Book(sheets, shared, dates, spans, epoch)


def _date_styles(styles) -> tuple[set, set]:
    """Indexes of the cell formats (``s``) that show a date or a time span."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    ns = "{%s}" % MAIN_NS
    custom = {int(nf.get("numFmtId")): nf.get("formatCode") or "" for nf in styles.iter(ns + "numFmt")
              if (nf.get("numFmtId") or "").isdigit()}
    dates, spans = set(), set()
    xfs = styles.find(ns + "cellXfs")
    for idx, xf in enumerate(xfs if xfs is not None else []):
        fid = xf.get("numFmtId") or "0"
        code = custom.get(int(fid)) if fid.isdigit() else None
        code = code or (BUILTIN_FORMATS.get(int(fid)) if fid.isdigit() else None)
        if code and is_date_format(code):
            dates.add(idx)
            if is_timedelta_format(code):
                spans.add(idx)
    return dates, spans


def read_xlsx(data: bytes) -> Grid:
    z = _check_zip(data)
    names = z.namelist()
    macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    links = any(n.startswith("xl/externalLinks/") for n in names)
    try:
        book = _book(z)
    except ReadError:
        raise
    except Exception as e:   # a damaged package part
        raise ReadError(err("cannot_open_xlsx", detail=f"{type(e).__name__}: {e}")) from None
    sheets = [s for s in book.sheets if s.state == "visible"] or book.sheets
    if not sheets:
        raise ReadError(err("no_sheet"))
    budget = _Budget()
    for sh in sheets[:MAX_SHEETS]:          # every sheet is counted before any is parsed
        _prescan(z, sh.path, sh.title, budget)
    grids = [_read_sheet(book, sh, z) for sh in sheets[:MAX_SHEETS]]
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


_PREFIX = re.compile(rb"<(\w+:)?worksheet[\s>]")


def _prescan(z: zipfile.ZipFile, path: str, sheet: str, budget: _Budget) -> None:
    """Count the sheet's cells and rows from its bytes (C speed, no XML tree) and refuse a sheet
    past the limits before any parsing."""
    prefix, tail, cells, rows = None, b"", 0, 0
    with z.open(path) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            if prefix is None:
                m = _PREFIX.search(buf[:8192])
                prefix = (m.group(1) or b"") if m else b""
                pats_c = [b"<" + prefix + b"c" + e for e in (b" ", b">", b"/>")]
                pats_r = [b"<" + prefix + b"row" + e for e in (b" ", b">")]
            cut = max(0, len(buf) - 8)      # a pattern across the chunk boundary is counted next time
            cells += sum(buf.count(p, 0, cut + len(p) - 1) for p in pats_c)
            rows += sum(buf.count(p, 0, cut + len(p) - 1) for p in pats_r)
            tail = buf[cut:]
            if budget.cells + cells > MAX_CELLS or budget.rows + rows > MAX_ROWS:
                break                    # refused below: no need to read the rest
    if tail:
        cells += sum(tail.count(p) for p in pats_c) if prefix is not None else 0
        rows += sum(tail.count(p) for p in pats_r) if prefix is not None else 0
    budget.cells += cells
    budget.rows += rows
    if budget.cells > MAX_CELLS:
        raise ReadError(err("too_many_cells", limit=f"{MAX_CELLS:,}", sheet=sheet))
    if budget.rows > MAX_ROWS:
        raise ReadError(err("too_many_rows", limit=f"{MAX_ROWS:,}"))


def _read_sheet(book: _Book, sheet: _Sheet, z: zipfile.ZipFile) -> Grid:
    from lxml import etree
    ns = "{%s}" % MAIN_NS
    row_tag, cell_tag, merge_tag = ns + "row", ns + "c", ns + "mergeCell"
    path = sheet.path
    cell = _CellReader(ns, book)
    rows, formulas, merges = [], [], []
    ignored, first_wide = 0, None
    src = z.open(path)
    try:
        events = etree.iterparse(src, events=("start", "end"), tag=(row_tag, cell_tag, merge_tag),
                                 resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        row_no, vals, col_counter = 0, [], 0
        for event, el in events:
            tag = el.tag
            if tag == cell_tag:
                if event == "start":
                    continue
                col = _col_index(el.get("r")) or col_counter + 1
                col_counter = col
                if col > MAX_COLS:
                    if len(el):                      # a value, a formula or inline text
                        ignored += 1
                        first_wide = first_wide or row_no
                else:
                    v, is_formula = cell.value(el)
                    if is_formula or (isinstance(v, str) and is_formula_text(v)):
                        formulas.append((row_no, col - 1, str(v)))
                    if v is not None:
                        while len(vals) < col:
                            vals.append(None)
                        vals[col - 1] = v
                el.getparent().remove(el)            # the row never holds more than one cell
            elif tag == row_tag:
                if event == "start":
                    r = el.get("r")
                    row_no = int(r) if r and r.isdigit() else row_no + 1
                    vals, col_counter = [], 0
                    continue
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
    g = Grid("xlsx", rows, sheet=sheet.title, formula_cells=formulas)
    _spread_merges(rows, merges)
    if ignored:
        g.warnings.append(warn("columns_ignored", n=f"{ignored:,}", limit=MAX_COLS,
                               column=column_letter(MAX_COLS), first_row=first_wide, sheet=sheet.title))
    return g


class _CellReader:
    """The value of one ``<c>`` element: shared and inline strings, numbers, dates (by the cell's
    number format), booleans, errors; a formula as its text ("=…", flagged)."""

    def __init__(self, ns: str, book: _Book):
        self.v, self.f, self.is_, self.t = ns + "v", ns + "f", ns + "is", ns + "t"
        self.shared = book.shared
        self.date_formats = book.date_formats
        self.timedelta_formats = book.timedelta_formats
        self.epoch = book.epoch

    def value(self, el):
        f = el.find(self.f)
        if f is not None:
            return "=" + (f.text or ""), True
        t = el.get("t", "n")
        if t == "inlineStr":
            node = el.find(self.is_)
            text = "".join(x.text or "" for x in node.iter(self.t)) if node is not None else ""
            return _clean(text), False
        raw = el.findtext(self.v)
        if raw is None or raw == "":
            return None, False
        if t == "s":
            i = int(raw)
            return (_clean(str(self.shared[i])) if 0 <= i < len(self.shared) else None), False
        if t in ("str", "e"):
            return _clean(raw), False
        if t == "b":
            return raw.strip() in ("1", "true"), False
        if t == "d":
            from openpyxl.utils.datetime import from_ISO8601
            return from_ISO8601(raw), False
        num = float(raw)
        if num.is_integer() and "." not in raw and "e" not in raw.lower():
            num = int(raw)
        style = el.get("s")
        if style and int(style) in self.date_formats:
            from openpyxl.utils.datetime import from_excel
            try:
                return from_excel(num, self.epoch, timedelta=int(style) in self.timedelta_formats), False
            except (OverflowError, ValueError):
                return raw, False
        return num, False


def _clean(v: str):
    v = unicodedata.normalize("NFC", v)
    return None if v.strip() == "" else v


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
