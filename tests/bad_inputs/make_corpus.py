"""Build the bad-input corpus: every file must be refused (exit 1 or 2) with a message naming
file/row/column, writing nothing. Generated at test time (no binaries in git).

    python tests/bad_inputs/make_corpus.py OUT_DIR     # writes the files and prints the list
"""
from __future__ import annotations

import io
import random
import sys
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from loaders.importer import samples

HEADER = samples.STATUS_HEADER


def _csv(rows, header=HEADER, encoding="utf-8"):
    return samples.status_csv(rows, encoding=encoding, header=header)


def _row(**kw):
    base = {"unit_name": "Xã Hà Linh", "district": "Huyện Hương Khê", "year": 2023, "level": "none",
            "criteria_met": 15, "criteria_total": 19}
    base.update(kw)
    return base


def _xlsx_table(rows, header=HEADER, formula_cell=None):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([r.get(h) for h in header])
    if formula_cell:
        ws[formula_cell[0]] = formula_cell[1]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary(communes, report_date=date(2024, 6, 30), **kw):
    return samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", communes)], report_date, n_criteria=19, **kw)


def _zip_bomb() -> bytes:
    good = _xlsx_table([_row()])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        # 60 MB of one repeated byte compresses to ~60 KB: the shape of a zip bomb.
        z.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def build(out_dir: Path) -> list[tuple[str, tuple[int, ...]]]:
    """Write the corpus; returns (file name, accepted exit codes)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20261122)
    good_xlsx = _xlsx_table([_row()])
    X = "x"
    files: dict[str, tuple[bytes, tuple[int, ...]]] = {
        "empty.csv": (b"", (2,)),
        "header_only.csv": (_csv([]), (1,)),
        "header_only.xlsx": (_xlsx_table([]), (1,)),
        "truncated.xlsx": (good_xlsx[: len(good_xlsx) // 2], (2,)),
        "png_renamed.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(2000)), (2,)),
        "pdf_renamed.csv": (b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", (2,)),
        "old_excel.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, (2,)),
        "random_10mb.xlsx": (rnd.randbytes(10 * 1024 * 1024), (2,)),
        "random_10mb.csv": (rnd.randbytes(10 * 1024 * 1024), (2,)),
        "zip_bomb.xlsx": (_zip_bomb(), (2,)),
        "zip_not_xlsx.xlsx": (_plain_zip(), (2,)),
        "utf16.csv": (("\ufeff" + _csv([_row()]).decode()).encode("utf-16-le"), (2,)),
        "damaged_utf8.csv": (_csv([_row(note="Xã đạt chuẩn năm nay, tiến độ tốt")]) + b"\xff\xfe broken\r\n", (2,)),
        "shift_jis.csv": (_csv([_row(note="東京都の報告")]).decode().encode("shift_jis", "replace"), (2,)),
        "not_a_layout.csv": (b"a,b,c\r\n1,2,3\r\n", (2,)),
        "formulas.xlsx": (_xlsx_table([_row(), _row(unit_name="Xã Hương Lâm")],
                                      formula_cell=("F2", "=SUM(F3:F3)")), (1,)),
        "formula_injection.csv": (_csv([_row(note='=HYPERLINK("http://evil.example","bấm")')]), (1,)),
        "html_in_name.csv": (_csv([_row(unit_name="<script>alert('x')</script>")]), (1,)),
        "html_in_note.xlsx": (_xlsx_table([_row(note='<img src=x onerror="alert(1)">')]), (1,)),
        "duplicate_conflict.csv": (_csv([_row(), _row(criteria_met=16)]), (1,)),
        "unknown_unit.csv": (_csv([_row(unit_name="Xã Hương Lâmm Mới")]), (1,)),
        "unknown_code.csv": (_csv([_row(unit_code="99999", unit_name="", district="")]), (1,)),
        "unknown_district.csv": (_csv([_row(district="Huyện Không Có")]), (1,)),
        "impossible_numbers.csv": (_csv([_row(criteria_met=25)]), (1,)),
        "negative_count.csv": (_csv([_row(criteria_met=-3)]), (1,)),
        "not_a_number.csv": (_csv([_row(criteria_met="mười lăm")]), (1,)),
        "total_21.csv": (_csv([_row(criteria_total=21)]), (1,)),
        "year_1890.csv": (_csv([_row(year=1890)]), (1,)),
        "year_2045.csv": (_csv([_row(year=2045)]), (1,)),
        "year_after_decision.csv": (_csv([_row(level="standard", criteria_met=19, year=2023,
                                               decision_no="9999/QĐ-UBND", decision_date="01/07/2022")]), (1,)),
        "bad_level.csv": (_csv([_row(level="excellent")]), (1,)),
        "standard_with_15.csv": (_csv([_row(level="standard", criteria_met=15)]), (1,)),
        "thi_tran_level.csv": (_csv([_row(unit_name="Thị trấn Hương Khê", level="standard", criteria_met=19)]), (1,)),
        "level_down_no_note.csv": (_csv([_row(year=2021, level="standard", criteria_met=19),
                                         _row(year=2024, level="none", criteria_met=15)]), (1,)),
        "official_without_decision.csv": (_csv([_row(level="standard", criteria_met=19, provenance="official")]), (1,)),
        "summary_marks_disagree.xlsx": (_summary([{"name": "Xã Hà Linh", "marks": [X] * 17 + [None, None],
                                                   "count": 19}]), (1,)),
        "summary_bad_mark.xlsx": (_summary([{"name": "Xã Hà Linh", "marks": [X] * 18 + ["có lẽ"], "count": 18}]), (1,)),
        "summary_no_date.xlsx": (_summary_without_date(), (1,)),
        # Advanced before standard, both given (a row giving only its advanced year is fine: the
        # ladder implies standard by then).
        "summary_years_out_of_order.xlsx": (_summary([{"name": "Xã Hà Linh", "marks": [X] * 19, "count": 19,
                                                       "y_std": 2022, "y_adv": 2021}]), (1,)),
        "summary_year_after_report.xlsx": (_summary([{"name": "Xã Hà Linh", "marks": [X] * 19, "count": 19,
                                                      "y_std": 2025}]), (1,)),
        "decision_without_number.xlsx": (_decision_without_number(), (1,)),
        # issue 14, hardening
        "huge_row.xlsx": (samples.wide_row_xlsx(2_500_000), (2,)),           # refused before parsing
        "huge_csv_row.csv": (_csv([_row()]).rstrip(b"\r\n") + b"," * 600_000 + b"\r\n", (2,)),
        "long_source.csv": (_csv([_row(source="nguồn " * 400)]), (1,)),      # VARCHAR(128) on PostgreSQL
        "formula_after_blanks.csv": (_csv([_row(note="   =1+2")]), (1,)),
        "formula_at.xlsx": (_xlsx_table([_row(note="@SUM(1,2)")]), (1,)),
        "standard_and_model_same_year.csv": (_csv([_row(year=2024, level="standard", criteria_met=19),
                                                   _row(year=2024, level="model", criteria_met=19)]), (1,)),
        "ceased_code_2026.csv": (_csv([{"unit_code": "18499", "year": 2026, "level": "none",
                                        "criteria_set": "2026-2030"}], header=HEADER), (1,)),   # Điền Mỹ → Hà Linh
        "old_name_without_diacritics_2026.csv": (_csv([{"unit_code": "18502", "year": 2026, "level": "none",
                                                        "criteria_set": "2026-2030"},
                                                       {"unit_name": "Dien My", "year": 2026, "level": "none",
                                                        "criteria_set": "2026-2030"}], header=HEADER), (1,)),
        "weakens_official.csv": (_csv([{"unit_code": "18502", "year": 2023, "level": "none", "criteria_met": 17,
                                        "criteria_total": 19}]), (1,)),   # QĐ 189/QĐ-UBND says standard
        "summary_unknown_commune.xlsx": (_summary([{"name": "Xã Hà Linh", "marks": [X] * 19, "count": 19,
                                                      "y_std": 2023}, {"name": "Xã Không Có Thật", "marks": [X] * 19,
                                                                       "count": 19}]), (1,)),
    }
    for name, (data, _) in files.items():
        (out_dir / name).write_bytes(data)
    return [(name, codes) for name, (_, codes) in files.items()]


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "không phải bảng tính")
    return out.getvalue()


def _summary_without_date() -> bytes:
    from openpyxl import load_workbook
    data = _summary([{"name": "Xã Hà Linh", "marks": ["x"] * 19, "count": 19}], merged=False)
    wb = load_workbook(io.BytesIO(data))
    wb.active["A3"] = "(Số liệu báo cáo tháng)"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _decision_without_number() -> bytes:
    from openpyxl import load_workbook
    data = samples.decision_list_xlsx("9999/QĐ-UBND", date(2022, 7, 1), 1, 2021,
                                      {"Xã đạt chuẩn nông thôn mới": [("Huyện Hương Khê", "Xã Hà Linh", "")]})
    wb = load_workbook(io.BytesIO(data))
    wb.active["A2"] = "(Kèm theo Quyết định của UBND tỉnh)"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


if __name__ == "__main__":
    for name, codes in build(Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs_out")):
        print(name, codes)
