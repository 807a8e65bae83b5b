"""The 1/7/2025 two-level structure through the data layer: vintages, registers, the crosswalk
chain 2019 → 2020 → 1/7/2025 and the national layer. Every expected value is a sourced fact
(resolutions 1665, 1686, 1673/NQ-UBTVQH15; ntm_facts.md §B4; ntm_facts_2025.md §1;
geodata/2025/PROVENANCE.md), not the build's own output."""
from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest

from loaders import boundaries as b
from loaders.check import run_check
from loaders.registers import load_crosswalk, load_units

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def units():
    return load_units()


@pytest.fixture(scope="module")
def cw():
    return load_crosswalk()


def names(units, vintage, level="commune"):
    u = units[(units.vintage == vintage) & (units.admin_level == level)]
    return dict(zip(u.unit_code, u.name))


def successors(cw, old_v, code, new_v):
    rows = cw[(cw.from_vintage == old_v) & (cw.from_code == code) & (cw.to_vintage == new_v)]
    return dict(zip(rows.to_code, rows.part))


def predecessors(cw, old_v, new_v, code):
    rows = cw[(cw.from_vintage == old_v) & (cw.to_vintage == new_v) & (cw.to_code == code)]
    return set(rows.from_code)


# ---------------------------------------------------------------- vintages and registers

@pytest.mark.parametrize("vintage,xa,phuong", [
    ("42-2025", 60, 9),      # 1665/NQ-UBTVQH15: 69 = 60 xã + 9 phường
    ("38-2025", 147, 19),    # 1686/NQ-UBTVQH15: 166 = 147 xã + 19 phường
    ("15-2025", 89, 10),     # 1673/NQ-UBTVQH15: 99 = 89 xã + 10 phường
])
def test_two_level_vintages(units, vintage, xa, phuong):
    com = b.load_communes(vintage)
    assert com["unit_type"].value_counts().to_dict() == {"xã": xa, "phường": phuong}
    meta = b.load_meta(vintage)
    assert meta["valid_from"] == "2025-07-01" and meta["valid_to"] is None
    assert meta["n_districts"] == 0 and meta["district_level"] is False and not b.has_district_level(vintage)
    assert b.load_districts(vintage).empty
    reg = units[units.vintage == vintage]
    assert set(reg.admin_level) == {"province", "commune"}          # no district level
    prov = vintage.split("-")[0]
    assert set(reg.loc[reg.admin_level == "commune", "parent_code"]) == {prov}
    assert all(unicodedata.is_normalized("NFC", n) for n in reg.name)
    # the 2025 attribution of geodata/2025/PROVENANCE.md, verbatim
    src = (REPO.parent / "shared" / "geodata" / "2025" / "PROVENANCE.md")
    text = src.read_text(encoding="utf-8") if src.is_file() else (REPO / "geodata" / "PROVENANCE.md").read_text(
        encoding="utf-8")
    assert f'- VI: "{meta["attribution_vi"]}"' in text and f'- EN: "{meta["attribution_en"]}"' in text
    caveats = " ".join(meta["caveats"])
    assert "NOT VERIFIED" in caveats and "127 km²" in caveats


def test_ha_tinh_2025_caveats_keep_the_known_oddities():
    caveats = " ".join(b.load_meta("42-2025")["caveats"])
    for fact in ("Bình Lộc (18448)", "209", "169", "181 vs 182", "Đại Nài", "Kỳ Lợi", "1283/NQ-UBTVQH15"):
        assert fact in caveats, fact


def test_codes_mean_different_units_across_vintages(units):
    # 18502: old Xã Hà Linh until 30/6/2025 and the new Xã Hà Linh after; 18550: Hương Trà, then Hương Đô
    n20, n25 = names(units, "42-2020"), names(units, "42-2025")
    assert (n20["18502"], n25["18502"]) == ("Xã Hà Linh", "Xã Hà Linh")
    assert (n20["18550"], n25["18550"]) == ("Xã Hương Trà", "Xã Hương Đô")
    # province 15 is the new Lào Cai from 1/7/2025 (old Yên Bái's code); 10 exists only before
    prov = units[units.admin_level == "province"]
    assert set(prov.loc[prov.unit_code == "10", "vintage"]) == {"10-2009"}
    assert set(prov.loc[prov.unit_code == "15", "vintage"]) == {"15-2025"}
    assert set(prov.loc[prov.unit_code == "15", "name"]) == {"Tỉnh Lào Cai"}


def test_validity_of_the_older_vintages():
    # a year is drawn on the vintage valid on 31 December: 2024 on the old units, 2025 on the new
    assert b.load_meta("10-2009")["valid_to"] == "2025-06-30"          # province 10 ceased
    for v in ("42-2020", "38-2020"):
        assert b.load_meta(v)["valid_to"] == "2025-06-30"
        assert "1/1/2025" in b.load_meta(v)["valid_to_note"]
    assert (b.vintage_for("42", 2024), b.vintage_for("42", 2025)) == ("42-2020", "42-2025")
    assert (b.vintage_for("38", 2024), b.vintage_for("38", 2025)) == ("38-2020", "38-2025")
    assert b.vintage_for("15", 2025) == "15-2025"
    assert b.successors("10-2009") == ["15-2025"] and b.successors("42-2020") == ["42-2025"]


# ---------------------------------------------------------------- crosswalk chain

def test_new_ha_linh_is_old_ha_linh_and_dien_my(cw, units):
    assert predecessors(cw, "42-2020", "42-2025", "18502") == {"18502", "18499"}
    assert names(units, "42-2020")["18499"] == "Xã Điền Mỹ"
    assert successors(cw, "42-2020", "18502", "42-2025") == {"18502": "full"}      # old Hà Linh
    # and back to 2019: Điền Mỹ = Phương Mỹ (18499) + Phương Điền (18511)
    assert predecessors(cw, "42-2019", "42-2020", "18499") == {"18499", "18511"}


def test_dai_nai_and_ky_loi_are_partial(cw):
    assert successors(cw, "42-2020", "18082", "42-2025") == {"18073": "partial", "18652": "partial"}
    assert successors(cw, "42-2020", "18796", "42-2025") == {
        "18754": "partial", "18823": "partial", "18832": "partial"}
    # only these two old Hà Tĩnh units were divided (PROVENANCE.md)
    ht = cw[(cw.from_vintage == "42-2020") & (cw.to_vintage == "42-2025")]
    assert set(ht.loc[ht.part == "partial", "from_code"]) == {"18082", "18796"}


def test_every_2020_2024_ha_tinh_xa_has_a_2025_unit(cw, units):
    xa = units[(units.vintage == "42-2020") & (units.unit_type == "xã")]
    assert len(xa) == 182
    new = set(names(units, "42-2025"))
    for code in xa.unit_code:
        assert set(successors(cw, "42-2020", code, "42-2025")) <= new
        assert successors(cw, "42-2020", code, "42-2025"), code


def test_the_1_1_2025_arrangement_is_carried_by_the_geometry(cw):
    # ntm_facts.md §B4 (name-inferred there): Sơn Châu + Sơn Bình → Châu Bình, Sơn Trà + Sơn Long →
    # Mỹ Long, Sơn Trường + Sơn Hàm → Hàm Trường; the removed unit must land with its partner.
    for gone, partner in (("18193", "18178"), ("18205", "18202"), ("18214", "18223")):
        row = cw[(cw.from_vintage == "42-2020") & (cw.from_code == gone) & (cw.to_vintage == "42-2025")]
        assert len(row) == 1 and row.inferred.iloc[0] and "1283/NQ-UBTVQH15" in row.note.iloc[0]
        assert set(row.to_code) == set(successors(cw, "42-2020", partner, "42-2025"))
    # Trung Lộc and Phú Phong were dissolved on 1/1/2025: linked, flagged inferred
    for gone in ("18472", "18535"):
        row = cw[(cw.from_vintage == "42-2020") & (cw.from_code == gone) & (cw.to_vintage == "42-2025")]
        assert len(row) == 1 and row.inferred.iloc[0]


# Triệu Sơn's 8 new xã (ntm_facts_2025.md §1, names of the GSO list of 1/3/2025) and the 1/1/2025
# arrangement 1238/NQ-UBTVQH15: Xuân Thịnh into Xuân Lộc, Thọ Vực (15760) took the name Thọ Phú.
TRIEU_SON = {
    "15664": ["Thị trấn Triệu Sơn", "Xã Minh Sơn", "Xã Dân Lực", "Xã Dân Lý", "Xã Dân Quyền"],
    "15667": ["Xã Thọ Sơn", "Xã Thọ Bình", "Xã Bình Sơn"],
    "15682": ["Xã Hợp Lý", "Xã Hợp Tiến", "Xã Hợp Thành", "Xã Triệu Thành", "Xã Hợp Thắng"],
    "15715": ["Thị trấn Nưa", "Xã Thái Hòa", "Xã Văn Sơn"],
    "15724": ["Xã Đồng Lợi", "Xã Đồng Tiến", "Xã Đồng Thắng"],
    "15754": ["Xã Thọ Tiến", "Xã Xuân Thọ", "Xã Thọ Ngọc", "Xã Thọ Cường"],
    "15763": ["Xã Xuân Lộc", "Xã Xuân Thịnh", "Xã Thọ Dân", "Xã Thọ Tân", "Xã Thọ Phú", "Xã Thọ Vực",
              "Xã Thọ Thế"],
    "15766": ["Xã An Nông", "Xã Tiến Nông", "Xã Khuyến Nông", "Xã Nông Trường"],
}


def test_every_trieu_son_unit_maps_onto_one_of_its_8_new_xa(cw, units):
    old, new = names(units, "38-2020"), names(units, "38-2025")
    assert len(old) == 34
    assert {new[c] for c in TRIEU_SON} == {"Xã Triệu Sơn", "Xã Thọ Bình", "Xã Hợp Tiến", "Xã Tân Ninh",
                                          "Xã Đồng Tiến", "Xã Thọ Ngọc", "Xã Thọ Phú", "Xã An Nông"}
    got = {}
    for code, name in old.items():
        succ = successors(cw, "38-2020", code, "38-2025")
        assert len(succ) == 1 and set(succ.values()) == {"full"}, (code, name, succ)
        got.setdefault(next(iter(succ)), []).append(name)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in TRIEU_SON.items()}
    # 15736 is Xuân Thịnh in 2020–2024 and 'Xã Xuân Lộc' on the 1/3/2025 list; old Xuân Lộc 15739 is gone
    assert old["15736"] == "Xã Xuân Thịnh" and old["15739"] == "Xã Xuân Lộc"
    row = cw[(cw.from_vintage == "38-2020") & (cw.from_code == "15739")]
    assert row.inferred.iloc[0] and not cw[(cw.from_vintage == "38-2020") & (cw.from_code == "15736")].inferred.iloc[0]


def test_ta_van_and_its_2009_units(cw, units):
    # 1673/NQ-UBTVQH15: Tả Van (03037) = Hoàng Liên + Mường Hoa + Tả Van (old units of 1/3/2025)
    com = b.load_communes("15-2025").set_index("unit_code")
    assert com.loc["03037", "name"] == "Xã Tả Van"
    assert com.loc["03037", "old_units_20250301"] == "03019 Xã Hoàng Liên;03037 Xã Mường Hoa;03040 Xã Tả Van"
    # The 2009 layer predates them: Mường Hoa was formed in 2020 from Hầu Thào + Sử Pán
    # (896/NQ-UBTVQH14), so 03037 is Xã Sử Pán there and Hoàng Liên (03019) has no 2009 unit.
    n09 = names(units, "10-2009")
    assert n09["03037"] == "Xã Sử Pán" and n09["03025"] == "Xã Hầu Thào" and n09["03040"] == "Xã Tả Van"
    assert "03019" not in n09
    into = predecessors(cw, "10-2009", "15-2025", "03037")
    assert {"03025", "03037", "03040"} <= into
    hau_thao = cw[(cw.from_vintage == "10-2009") & (cw.from_code == "03025")]
    assert hau_thao.inferred.iloc[0] and "not on the GSO list of 1/3/2025" in hau_thao.note.iloc[0]


def test_every_gso_coded_lao_cai_2009_unit_has_a_2025_unit(cw, units):
    com = b.load_communes("10-2009")
    new = set(names(units, "15-2025"))
    coded = com[com["gso_code_2019"].notna()]
    assert len(coded) == 156
    for code in com["unit_code"]:                      # the 8 census-id units too
        succ = successors(cw, "10-2009", code, "15-2025")
        assert succ and set(succ) <= new, code
    prov = cw[(cw.from_vintage == "10-2009") & (cw.from_code == "10")]
    assert list(zip(prov.to_vintage, prov.to_code, prov.relation)) == [("15-2025", "15", "merged_into")]


def test_districts_ceased_on_1_7_2025(cw, units):
    for old, new in (("42-2020", "42-2025"), ("38-2020", "38-2025"), ("10-2009", "15-2025")):
        dist = set(names(units, old, "district"))
        rows = cw[(cw.from_vintage == old) & (cw.to_vintage == new) & cw.from_code.isin(dist)]
        assert set(rows.from_code) == dist and set(rows.relation) == {"ceased"}
        assert (rows.to_code == "").all() and (rows.part == "").all()
    # Lộc Hà had already gone into Thạch Hà on 1/1/2025
    loc_ha = cw[(cw.from_vintage == "42-2020") & (cw.from_code == "448")].note.iloc[0]
    assert "not a district on the GSO list of 1/3/2025" in loc_ha


# ---------------------------------------------------------------- the national layer of today

def test_national_2025_layer():
    layers = b.national_layers()
    assert set(layers) == {"vn-2009", "vn-2025"}
    assert b.national_layer_for(2024) == "vn-2009" and b.national_layer_for(2026) == "vn-2025"
    nat = b.load_national("commune", layer="vn-2025")
    # PROVENANCE.md: 3,321 units = 2,621 xã + 687 phường + 13 đặc khu in 34 provinces
    assert len(nat) == 3321 and nat.crs.to_epsg() == 4326 and nat.geometry.is_valid.all()
    assert nat["unit_type"].value_counts().to_dict() == {"xã": 2621, "phường": 687, "đặc khu": 13}
    prov = b.load_national("province", layer="vn-2025")
    assert len(prov) == 34 and nat["province_code"].nunique() == 34
    lc = prov.set_index("province_code").loc["15"]
    assert (lc["name"], lc["n_communes"], lc["old_province_codes"]) == ("Tỉnh Lào Cai", "99", "10;15")
    assert prov.set_index("province_code").loc["01", "name"] == "Thành phố Hà Nội"
    for p in (REPO / "geodata" / "national").iterdir():
        assert p.stat().st_size < 5 * 1024 * 1024, p.name
    meta = json.loads((REPO / "geodata" / "national" / "meta.json").read_text(encoding="utf-8"))
    assert meta["layers"]["vn-2025"]["attribution_vi"] == b.load_meta("42-2025")["attribution_vi"]


# ---------------------------------------------------------------- loaders check on broken copies

def _rewrite_crosswalk(root: Path, edit) -> None:
    path = root / "registers" / "crosswalk.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    rows = edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _errors(root):
    return [i for i in run_check(root).issues if i.severity == "error"]


def test_check_reports_a_code_link_the_geometry_contradicts(geodata_copy):
    def edit(rows):
        for r in rows:   # Điền Mỹ (Hương Khê) "by code" into Phường Thành Sen (TP Hà Tĩnh)
            if (r["from_vintage"], r["from_code"], r["to_vintage"]) == ("42-2020", "18499", "42-2025"):
                r["to_code"] = "18073"
        return rows
    _rewrite_crosswalk(geodata_copy, edit)
    errs = _errors(geodata_copy)
    hits = [e for e in errs if "contradicts this code link" in e.message and "18499" in e.message]
    assert len(hits) == 1 and hits[0].file == "registers/crosswalk.csv" and hits[0].value == "18073"
    assert "0 %" in hits[0].message


def test_check_reports_a_xa_without_2025_unit_and_an_unreached_new_unit(geodata_copy):
    _rewrite_crosswalk(geodata_copy, lambda rows: [
        r for r in rows if not (r["to_vintage"] == "42-2025" and r["to_code"] == "18502")])
    errs = _errors(geodata_copy)
    orphans = {(e.column, str(e.value)) for e in errs if "orphan" in e.message}
    # old Hà Linh and Điền Mỹ lose their 2025 unit; the new Xã Hà Linh is reached by nothing
    assert {("from_code", "18502"), ("from_code", "18499"), ("to_code", "18502")} <= orphans


def test_check_refuses_a_ceased_commune_and_a_lone_partial(geodata_copy):
    def edit(rows):
        for r in rows:
            if (r["from_vintage"], r["from_code"], r["to_vintage"]) == ("42-2020", "18556", "42-2025"):
                r.update(relation="ceased", to_code="", part="")      # Xã Hương Lâm
        return [r for r in rows if not (r["from_code"] == "18082" and r["to_code"] == "18652")]
    _rewrite_crosswalk(geodata_copy, edit)
    msgs = [e.message for e in _errors(geodata_copy)]
    assert any("only districts may cease" in m for m in msgs)
    assert any("18082 is the only row of its unit" in m for m in msgs)


def test_check_accepts_the_two_level_layout_and_refuses_districts_in_it(geodata_copy):
    assert not _errors(geodata_copy)
    path = geodata_copy / "registers" / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("42-2025,444,district,Huyện Hương Khê,huyện,42,42")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msgs = [e.message for e in _errors(geodata_copy)]
    assert any("two-level vintage (no district level): remove the district row" in m for m in msgs)
