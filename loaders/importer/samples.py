"""Builders of files in the layouts the importer reads: templates for users to fill in, and
the fixtures of the tests and the benchmark. Values passed in are written as given; nothing
here is data about real communes."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

STATUS_HEADER = ["unit_code", "unit_name", "district", "year", "level", "criteria_met", "criteria_total",
                 "criteria_set", "decision_no", "decision_date", "source", "provenance", "note"]


def status_csv(rows: list[dict], encoding: str = "utf-8", header=STATUS_HEADER, delimiter=",") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=header, delimiter=delimiter, extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    text = buf.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese exports write it: letters with breve/circumflex/horn are
    precomposed, tone marks are separate combining characters."""
    import unicodedata
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in d if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def summary_sheet_xlsx(province_name: str, districts: list[tuple[str, list[dict]]], report_date: date,
                       n_criteria: int = 20, merged: bool = True, header_rows: int = 3, numbering_row=True,
                       total_row=True) -> bytes:
    """'Biểu tổng hợp kết quả thực hiện tiêu chí' (reference/ntm_facts.md §G).
    Each commune dict: name, marks (list of n values), count, y_std, y_adv, y_model, note, code (optional)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    last = 3 + n_criteria + 4
    ws.append([f"UBND TỈNH {province_name.upper()}"])
    ws.append(["BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI CẤP XÃ"])
    ws.append([f"(Số liệu tính đến ngày {report_date.day:02d}/{report_date.month:02d}/{report_date.year})"])
    ws.append([])
    if merged:
        for r in (1, 2, 3):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
    top = 5
    groups = [("I. Quy hoạch", 1, 1), ("II. Hạ tầng kinh tế - xã hội", 2, 9), ("III. Kinh tế và tổ chức sản xuất", 10, 13),
              ("IV. Văn hóa - xã hội - môi trường", 14, 17), ("V. Hệ thống chính trị", 18, 19)]
    if n_criteria == 20:
        groups.append(("Tiêu chí riêng HT", 20, 20))
    row_grp = top
    row_num = top + header_rows - 1
    fixed = ["TT", "Đơn vị", "Số tiêu chí đạt"]
    tail = ["Năm đạt chuẩn NTM", "Năm đạt NTM nâng cao", "Năm đạt NTM kiểu mẫu", "Ghi chú"]
    for i, h in enumerate(fixed, start=1):
        ws.cell(row_grp, i, h)
        if merged:
            ws.merge_cells(start_row=row_grp, start_column=i, end_row=row_num, end_column=i)
    for i, h in enumerate(tail, start=4 + n_criteria):
        ws.cell(row_grp, i, h)
        if merged:
            ws.merge_cells(start_row=row_grp, start_column=i, end_row=row_num, end_column=i)
    if header_rows == 3:
        ws.cell(row_grp, 4, "Kết quả thực hiện các tiêu chí")
        if merged:
            ws.merge_cells(start_row=row_grp, start_column=4, end_row=row_grp, end_column=3 + n_criteria)
        row_grp += 1
    for label, a, b in groups:
        ws.cell(row_grp, 3 + a, label)
        if merged and b > a:
            ws.merge_cells(start_row=row_grp, start_column=3 + a, end_row=row_grp, end_column=3 + b)
    for k in range(1, n_criteria + 1):
        ws.cell(row_num, 3 + k, k)
    r = row_num + 1
    if numbering_row:
        for i in range(1, last + 1):
            ws.cell(r, i, f"({i})")
        r += 1
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]
    for di, (dname, communes) in enumerate(districts):
        ws.cell(r, 1, roman[di])
        ws.cell(r, 2, dname)
        ws.cell(r, 3, sum(1 for c in communes if c.get("y_std")))  # subtotal: number of communes at standard
        r += 1
        for ci, c in enumerate(communes, start=1):
            ws.cell(r, 1, ci)
            ws.cell(r, 2, c["name"])
            ws.cell(r, 3, c.get("count"))
            for k, m in enumerate(c.get("marks") or [], start=1):
                if m not in (None, ""):
                    ws.cell(r, 3 + k, m)
            for j, key in enumerate(("y_std", "y_adv", "y_model", "note")):
                if c.get(key) not in (None, ""):
                    ws.cell(r, 4 + n_criteria + j, c[key])
            r += 1
    if total_row:
        ws.cell(r, 2, "Toàn tỉnh")
        ws.cell(r, 3, sum(1 for _, cs in districts for c in cs if c.get("y_std")))
    for i in range(1, last + 1):
        ws.column_dimensions[get_column_letter(i)].width = 6 if 3 < i <= 3 + n_criteria else 18
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def decision_list_xlsx(decision_no: str, decision_date: date, batch: int, label_year: int,
                       sections: dict[str, list[tuple[str, str, str]]]) -> bytes:
    """Recognition decision list. sections: level heading text -> [(district, commune name, note)]."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["DANH SÁCH CÁC XÃ ĐẠT CHUẨN NÔNG THÔN MỚI, NÔNG THÔN MỚI NÂNG CAO, KIỂU MẪU"])
    ws.append([f"(Kèm theo Quyết định số {decision_no} ngày {decision_date.day:02d}/{decision_date.month:02d}/"
               f"{decision_date.year} của UBND tỉnh)"])
    ws.append([f"Đợt {batch}: công nhận đạt chuẩn năm {label_year}"])
    ws.append([])
    roman = ["I", "II", "III"]
    for si, (heading, rows) in enumerate(sections.items()):
        ws.append([f"{roman[si]}. {heading}"])
        ws.append(["TT", "Tên xã", "Huyện", "Ghi chú"])
        for i, (district, name, note) in enumerate(rows, start=1):
            ws.append([i, name, district, note or None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def wide_row_xlsx(n_cells: int, table_rows: list[list] | None = None, with_refs: bool = False,
                  dimension: str | None = None, stray_from_col: int = 1, stray_rows: int = 1) -> bytes:
    """A workbook whose first sheet holds ``table_rows`` then ``stray_rows`` rows of ``n_cells``
    numeric cells each (the shape of a hostile upload: a small file, a huge row). Cells carry no
    ``r`` reference unless ``with_refs`` (then they start at column ``stray_from_col``), which the
    format allows; values vary so the part compresses like real data, not like a zip bomb.
    ``dimension`` writes a ``<dimension ref=…>`` (e.g. a lying "A1:XFD1048576")."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(v, ref=None):
        r = f' r="{ref}"' if ref else ""
        if isinstance(v, (int, float)):
            return f"<c{r}><v>{v}</v></c>"
        return f'<c{r} t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    rows = []
    for i, values in enumerate(table_rows or [], start=1):
        rows.append(f'<row r="{i}">' + "".join(cell(v, f"{get_column_letter(j)}{i}") for j, v in enumerate(values, 1)
                                            if v not in (None, "")) + "</row>")
    for rn in range(len(rows) + 1, len(rows) + 1 + stray_rows):
        if with_refs:
            body = "".join(cell((k * 7919 + rn) % 100_003, f"{get_column_letter(stray_from_col + k)}{rn}")
                           for k in range(n_cells))
        else:
            body = "".join(f"<c><v>{(k * 7919 + rn) % 100_003}</v></c>" for k in range(n_cells))
        rows.append(f'<row r="{rn}">{body}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'{dim}<sheetData>{"".join(rows)}</sheetData></worksheet>')
    wb = Workbook()
    wb.active.title = "Sheet1"
    base = io.BytesIO()
    wb.save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename)
            z.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
