"""Unit matching and readers in isolation (no database)."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from domain.vintages import Vintage
from loaders.boundaries import vintage_list
from loaders.importer.matching import Register, Unit, name_key, vintage_for
from loaders.importer.readers import ReadError, decode_text, read_grid, sniff
from loaders.importer.samples import to_cp1258


def U(code, name, typ="xã", parent="444", vintage="42-2020", level="commune"):
    return Unit(vintage, code, level, name, typ, parent, "42")


REG = Register(
    [U("444", "Huyện Hương Khê", "huyện", "42", level="district"),
     U("447", "Huyện Kỳ Anh", "huyện", "42", level="district"),
     U("439", "Huyện Hương Sơn", "huyện", "42", level="district"),
     U("18496", "Thị trấn Hương Khê", "thị trấn"),
     U("18505", "Xã Hương Thủy"),
     U("18760", "Xã Kỳ Bắc", parent="447"),
     U("18196", "Xã Sơn Kim 1", parent="439"),
     U("18199", "Xã Sơn Kim 2", parent="439"),
     U("18163", "Xã An Hòa Thịnh", parent="439"),
     U("90001", "Xã Hòa Hải", parent="444"),
     U("90002", "Xã Hòa Hải", parent="447"),
     # the older vintage, for pre-merger names
     U("439", "Huyện Hương Sơn", "huyện", "42", vintage="42-2019", level="district"),
     U("18154", "Xã Sơn An", parent="439", vintage="42-2019"),
     U("18163", "Xã Sơn Hòa", parent="439", vintage="42-2019")],
    [{"from_vintage": "42-2019", "from_code": "18154", "to_vintage": "42-2020", "to_code": "18163",
      "relation": "merged_into"},
     {"from_vintage": "42-2019", "from_code": "18163", "to_vintage": "42-2020", "to_code": "18163",
      "relation": "merged_into"}],
    [Vintage("42-2019", "42", valid_to=date(2019, 12, 31)),
     Vintage("42-2020", "42", valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31))])


@pytest.mark.parametrize("variant", [
    "Xã Hương Thủy", "Xã Hương Thuỷ", "xã hương thủy", "XÃ  HƯƠNG   THỦY", "X. Hương Thủy", "Hương Thủy",
    unicodedata.normalize("NFD", "Xã Hương Thủy"), "Xã Hương-Thủy"])
def test_name_variants_match(variant):
    hk = REG.find_district("42-2020", "Huyện Hương Khê")[0]
    m = REG.match_commune("42-2020", variant, hk)
    assert m.unit is not None and m.unit.unit_code == "18505" and not m.warnings


@pytest.mark.parametrize("variant,code,district", [
    ("Xã Kì Bắc", "18760", "H. Kỳ Anh"), ("Kỳ Bắc", "18760", "Kỳ Anh"),
    ("Xã Sơn Kim I", "18196", "Huyện Hương Sơn"), ("Sơn Kim II", "18199", "Hương Sơn"),
    ("TT Hương Khê", "18496", "Huyện Hương Khê"), ("Thị trấn Hương Khê", "18496", "Huyện Hương Khê")])
def test_prefix_numeral_and_spelling_variants(variant, code, district):
    d = REG.find_district("42-2020", district)
    assert len(d) == 1
    assert REG.match_commune("42-2020", variant, d[0]).unit.unit_code == code


def test_different_names_do_not_match():
    hk = REG.find_district("42-2020", "Huyện Hương Khê")[0]
    for other in ("Xã Hương Thúy", "Xã Hương Thủy 2", "Xã Hương", "Xã Hương Thủyy"):
        m = REG.match_commune("42-2020", other, hk)
        assert m.unit is None, other
    m = REG.match_commune("42-2020", "Xã Hương Thủyy", hk)
    assert m.suggestions == ["Xã Hương Thủy"] and "Did you mean: Xã Hương Thủy?" in m.error_en


def test_ambiguous_without_district_and_resolved_with_it():
    m = REG.match_commune("42-2020", "Xã Hòa Hải")
    assert m.unit is None and "Ambiguous" in m.error_en and "90001" in m.error_en and "90002" in m.error_en
    ka = REG.find_district("42-2020", "Huyện Kỳ Anh")[0]
    assert REG.match_commune("42-2020", "Xã Hòa Hải", ka).unit.unit_code == "90002"


def test_pre_merger_name_through_the_crosswalk():
    hs = REG.find_district("42-2020", "Huyện Hương Sơn")[0]
    m = REG.match_commune("42-2020", "Xã Sơn An", hs)
    assert m.unit.unit_code == "18163" and m.warnings and "pre-merger" in m.warnings[0].en


def test_name_key_tone_placement_and_y_i():
    assert name_key("Xã Hoà Hải")[0] == name_key("Hòa Hải")[0]
    assert name_key("Kỳ Anh")[0] == name_key("Kì Anh")[0]
    assert name_key("Xã Thủy")[0] != name_key("Xã Thúy")[0]
    assert name_key("Xã Xa Lộc")[0] == "xa lôc_j"     # a name starting with "Xa" keeps it


def test_vintage_for_dates():
    reg = Register([], [], vintage_list())   # the validity of geodata/'s meta.json files
    assert vintage_for("42", date(2019, 12, 31), reg) == "42-2019"
    assert vintage_for("42", date(2020, 1, 1), reg) == "42-2020"   # NQ 819/NQ-UBTVQH14 in force 1/1/2020
    assert vintage_for("38", date(2019, 12, 15), reg) == "38-2020"  # NQ 786/NQ-UBTVQH14 in force 1/12/2019


def test_encoding_detection_is_reported_never_silent():
    text = "unit_name,year\r\nXã Kỳ Phong,2023\r\nXã Hương Trạch,2022\r\n"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    got, enc = decode_text(to_cp1258(text))
    assert enc == "cp1258" and got == text
    g = read_grid(to_cp1258(text))
    assert g.encoding == "cp1258" and "CP1258" in g.warnings[0].en
    assert g.rows[1] == (2, ["Xã Kỳ Phong", "2023"])
    with pytest.raises(ReadError, match="Damaged UTF-8: invalid byte at line 4"):
        decode_text(text.encode("utf-8") + b"Xa\xff\r\n")
    with pytest.raises(ReadError, match="Unknown text encoding"):
        decode_text("東京,2023".encode("shift_jis"))


def test_sniff_by_content():
    assert sniff(b"PK\x03\x04rest") == "xlsx"
    assert sniff(b"\x89PNG\r\n") == "PNG image"
    assert sniff(b"a,b\n1,2\n") == "csv"
    assert sniff(b"a,b\x00\n") == "binary"
    assert sniff(b"") == "empty"


def test_semicolon_csv_with_vietnamese_headers_and_bom():
    from loaders.importer.kinds import detect
    text = "\ufeffTên xã;Huyện;Năm;Mức;Số tiêu chí đạt;Ghi chú\r\nXã Hà Linh;Huyện Hương Khê;2023;none;15;\r\n"
    g = read_grid(text.encode("utf-8"))
    assert g.encoding == "utf-8-sig"
    p = detect(g, "x.csv")
    assert p.kind == "status_table"
    f = p.items[0].fields
    assert (f["unit_name"][0], f["district"][0], f["year"][0], f["criteria_met"][0]) == \
        ("Xã Hà Linh", "Huyện Hương Khê", "2023", "15")
    assert f["criteria_met"][1] == "5 (criteria_met)"


def test_macros_and_external_links_are_ignored_with_a_warning():
    import io
    import zipfile
    from loaders.importer import samples
    good = samples.status_csv([{"unit_name": "Xã Hà Linh", "year": 2023, "level": "none"}])
    from openpyxl import Workbook
    wb = Workbook()
    for line in good.decode().splitlines():
        wb.active.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake macro project")
        z.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    g = read_grid(out.getvalue())
    msgs = " ".join(w.en for w in g.warnings)
    assert "macros" in msgs and "external links" in msgs
    assert g.rows[1][1][:2] == [None, "Xã Hà Linh"]   # unit_code empty, unit_name
