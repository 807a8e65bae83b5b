"""File readers: sniff the type from content, read CSV (encoding detected and
reported) or XLSX (openpyxl read-only, no macros, no external links) into a
grid of cells with spreadsheet row numbers. Nothing here knows about layouts."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree

MAX_BYTES = 20 * 1024 * 1024          # CLI limit; the UI uses a smaller one
MAX_UNZIPPED = 100 * 1024 * 1024      # total uncompressed XLSX members
MAX_RATIO = 100                       # compression ratio of one member (zip-bomb shape)
MAX_ROWS = 200_000
MAX_COLS = 200
MAX_SHEETS = 20

VI_LETTERS = set(unicodedata.normalize("NFC", (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")))
VI_LETTERS |= {c.upper() for c in VI_LETTERS}
OK_SYMBOLS = set("–—‘’“”…°§×·€")


class ReadError(Exception):
    """The file cannot be read at all (exit code 2)."""

    def __init__(self, vi, en, hint_vi="", hint_en="", row=None, column=None, value=None):
        super().__init__(en)
        self.vi, self.en, self.hint_vi, self.hint_en = vi, en, hint_vi, hint_en
        self.row, self.column, self.value = row, column, value


@dataclass
class Grid:
    file_format: str                     # csv | xlsx
    rows: list                           # [(row_number, [cell values])]
    encoding: str | None = None
    sheet: str | None = None
    warnings: list = field(default_factory=list)   # [(vi, en)]
    formula_cells: list = field(default_factory=list)  # [(row, col_index, text)]
    others: list = field(default_factory=list)         # the workbook's other sheets (XLSX)

    def col_label(self, idx: int) -> str:
        if self.file_format != "xlsx":
            return str(idx + 1)
        s, n = "", idx + 1
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


def read_grid(data: bytes, filename: str = "") -> Grid:
    kind = sniff(data)
    if kind == "empty":
        raise ReadError("Tệp rỗng (0 byte)", "The file is empty (0 bytes)",
                        "Chọn đúng tệp báo cáo", "Choose the right report file")
    if len(data) > MAX_BYTES:
        raise ReadError(f"Tệp quá lớn ({len(data):,} byte; tối đa {MAX_BYTES:,})",
                        f"File too large ({len(data):,} bytes; limit {MAX_BYTES:,})",
                        "Chia nhỏ tệp", "Split the file")
    if kind == "xlsx":
        return read_xlsx(data)
    if kind == "csv":
        return read_csv(data)
    if kind == "UTF-16 text":
        raise ReadError("Tệp văn bản mã hóa UTF-16, không được hỗ trợ", "UTF-16 text is not supported",
                        "Lưu lại dưới dạng CSV UTF-8", "Save it again as CSV UTF-8")
    raise ReadError(f"Không phải CSV hay XLSX (nội dung là: {kind})",
                    f"Not a CSV or XLSX file (content is: {kind})",
                    "Tải lên tệp .xlsx hoặc .csv (phần mở rộng không quyết định loại tệp)",
                    "Upload an .xlsx or .csv file (the extension does not decide the type)")


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
    raise ReadError("Không xác định được bảng mã (không phải UTF-8 hay Windows-1258/CP1258)",
                    "Unknown text encoding (neither UTF-8 nor Windows-1258/CP1258)",
                    "Mở tệp trong Excel và lưu dưới dạng 'CSV UTF-8'",
                    "Open the file in Excel and save as 'CSV UTF-8'")


def _bad_utf8(data, err, offset):
    pos = err.start + offset
    line = data[:pos].count(b"\n") + 1
    return ReadError(f"Tệp UTF-8 bị lỗi: byte không hợp lệ ở dòng {line} (vị trí {pos})",
                     f"Damaged UTF-8: invalid byte at line {line} (offset {pos})",
                     "Lưu lại tệp dưới dạng 'CSV UTF-8'", "Save the file again as 'CSV UTF-8'", row=line)


def read_csv(data: bytes) -> Grid:
    text, enc = decode_text(data)
    text = unicodedata.normalize("NFC", text)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows, prev = [], 1
    try:
        for cells in reader:
            start = prev
            prev = reader.line_num + 1
            if len(rows) >= MAX_ROWS:
                raise ReadError(f"Quá nhiều dòng (> {MAX_ROWS:,})", f"Too many rows (> {MAX_ROWS:,})",
                                "Chia nhỏ tệp", "Split the file")
            rows.append((start, [c if c.strip() != "" else None for c in cells[:MAX_COLS]]))
    except csv.Error as e:
        raise ReadError(f"CSV không hợp lệ ở dòng {reader.line_num}: {e}",
                        f"Malformed CSV at line {reader.line_num}: {e}",
                        "Kiểm tra dấu ngoặc kép", "Check the quotes", row=reader.line_num) from None
    g = Grid("csv", rows, encoding=enc)
    if enc == "cp1258":
        g.warnings.append(("Bảng mã phát hiện: Windows-1258 (CP1258); đã chuyển sang Unicode NFC",
                           "Detected encoding: Windows-1258 (CP1258); converted to Unicode NFC"))
    for rn, cells in rows:
        for ci, v in enumerate(cells):
            if isinstance(v, str) and v.lstrip()[:1] in ("=", "@") and len(v.strip()) > 1:
                g.formula_cells.append((rn, ci, v))
    return g


# --- XLSX ----------------------------------------------------------------

def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReadError(f"Tệp XLSX bị hỏng hoặc không đầy đủ ({e})", f"Damaged or truncated XLSX ({e})",
                        "Lưu lại tệp từ Excel rồi tải lên lại", "Save it again from Excel and re-upload") from None
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > 1_000_000 and i.compress_size and i.file_size / i.compress_size > MAX_RATIO:
            raise ReadError(f"XLSX có thành phần nén bất thường ({i.filename}: tỉ lệ nén "
                            f"{i.file_size // max(i.compress_size, 1)}:1) — từ chối",
                            f"XLSX member {i.filename} has a zip-bomb compression ratio "
                            f"({i.file_size // max(i.compress_size, 1)}:1) — refused",
                            "Xuất lại bảng với dữ liệu thực", "Export the table again with its real data")
    if total > MAX_UNZIPPED:
        raise ReadError(f"XLSX giải nén quá lớn ({total:,} byte)", f"XLSX expands too large ({total:,} bytes)",
                        "Chia nhỏ tệp", "Split the file")
    names = set(z.namelist())
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise ReadError("Tệp ZIP không phải bảng tính XLSX", "ZIP file is not an XLSX workbook",
                        "Tải lên tệp .xlsx lưu từ Excel/LibreOffice", "Upload an .xlsx saved by Excel/LibreOffice")
    return z


def _merged_ranges(z: zipfile.ZipFile, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_row, min_col, max_row, max_col), read from the sheet XML directly
    because openpyxl's read-only sheets do not expose them."""
    from openpyxl.utils.cell import range_boundaries
    out = []
    try:
        with z.open(sheet_path.lstrip("/")) as fh:
            for _, el in ElementTree.iterparse(fh):
                if el.tag.endswith("}mergeCell"):
                    c1, r1, c2, r2 = range_boundaries(el.get("ref"))
                    out.append((r1, c1, r2, c2))
                el.clear()
    except (KeyError, ElementTree.ParseError, ValueError):
        pass
    return out


def read_xlsx(data: bytes) -> Grid:
    import warnings as _w
    from openpyxl import load_workbook
    z = _check_zip(data)
    macros = any(n.lower().endswith("vbaproject.bin") for n in z.namelist())
    links = any(n.startswith("xl/externalLinks/") for n in z.namelist())
    try:
        with _w.catch_warnings():
            _w.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False,
                               keep_links=False)
    except Exception as e:  # openpyxl raises many types on damaged packages
        raise ReadError(f"Không mở được XLSX ({type(e).__name__}: {e})",
                        f"Cannot open the XLSX ({type(e).__name__}: {e})",
                        "Lưu lại tệp từ Excel rồi tải lên lại", "Save it again from Excel and re-upload") from None
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or wb.worksheets
        if not sheets:
            raise ReadError("Bảng tính không có trang nào", "The workbook has no sheet", "", "")
        grids, total = [], 0
        for ws in sheets[:MAX_SHEETS]:
            g = _read_sheet(ws, z, MAX_ROWS - total)
            total += len(g.rows)
            grids.append(g)
    finally:
        wb.close()
    first = grids[0]
    first.others = grids[1:]
    if macros:
        first.warnings.append(("Tệp có macro (VBA); macro bị bỏ qua, không chạy", "The file has VBA macros; ignored, never run"))
    if links:
        first.warnings.append(("Tệp có liên kết ngoài; liên kết bị bỏ qua", "The file has external links; ignored"))
    return first


def _read_sheet(ws, z: zipfile.ZipFile, max_rows: int) -> Grid:
    rows = []
    formulas = []
    try:
        for r_idx, row in enumerate(ws.iter_rows(values_only=False), start=1):
            if r_idx > max_rows:
                raise ReadError(f"Quá nhiều dòng (> {MAX_ROWS:,})", f"Too many rows (> {MAX_ROWS:,})",
                                "Chia nhỏ tệp", "Split the file")
            vals = []
            rn = None
            for cell in row[:MAX_COLS]:
                v = getattr(cell, "value", None)
                if rn is None and getattr(cell, "row", None):
                    rn = cell.row
                if getattr(cell, "data_type", None) == "f" or (isinstance(v, str) and v.startswith("=")):
                    formulas.append((rn or r_idx, len(vals), str(v)))
                if isinstance(v, str):
                    v = unicodedata.normalize("NFC", v)
                    if v.strip() == "":
                        v = None
                vals.append(v)
            rows.append((rn or r_idx, vals))
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(f"XLSX bị hỏng khi đọc dữ liệu ({type(e).__name__}: {e})",
                        f"XLSX damaged while reading cells ({type(e).__name__}: {e})",
                        "Lưu lại tệp từ Excel rồi tải lên lại", "Save it again from Excel and re-upload") from None
    merges = _merged_ranges(z, getattr(ws, "_worksheet_path", "") or "")
    # Spread each merged value over its range (group headers, merged year/notes cells).
    index = {rn: i for i, (rn, _) in enumerate(rows)}
    for r1, c1, r2, c2 in merges:
        if r1 not in index:
            continue
        top = rows[index[r1]][1]
        v = top[c1 - 1] if c1 - 1 < len(top) else None
        if v is None:
            continue
        for r in range(r1, r2 + 1):
            if r not in index:
                continue
            cells = rows[index[r]][1]
            while len(cells) < min(c2, MAX_COLS):
                cells.append(None)
            for c in range(c1, min(c2, MAX_COLS) + 1):
                if cells[c - 1] is None:
                    cells[c - 1] = v
    return Grid("xlsx", rows, sheet=ws.title, formula_cells=formulas)


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(v)).strip()
