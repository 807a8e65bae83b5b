"""Boundary vintages through loaders.boundaries: counts, facts, CRS, validity, vintage choice, meta."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from loaders import boundaries as b

REPO = Path(__file__).resolve().parents[1]

# (communes, districts) per vintage: PROVENANCE.md and ntm_facts.md §B4 (262 / 216), §D (Triệu Sơn);
# from 1/7/2025 (no district level): 1665 (Hà Tĩnh 69), 1686 (Thanh Hóa 166), 1673 (Lào Cai 99)/NQ-UBTVQH15
COUNTS = {"42-2019": (262, 13), "42-2020": (216, 13), "38-2019": (36, 1), "38-2020": (34, 1),
          "10-2009": (164, 9), "42-2025": (69, 0), "38-2025": (166, 0), "15-2025": (99, 0)}


def test_all_vintages_listed():
    assert set(COUNTS) <= set(b.list_vintages())


@pytest.mark.parametrize("vintage", sorted(COUNTS))
def test_counts_crs_validity_and_meta(vintage):
    com, dist = b.load_communes(vintage), b.load_districts(vintage)
    meta = b.load_meta(vintage)
    assert (len(com), len(dist)) == COUNTS[vintage]
    assert (meta["n_communes"], meta["n_districts"]) == COUNTS[vintage]
    for g in (com, dist):
        assert g.crs.to_epsg() == 4326
        assert g.geometry.is_valid.all()
        assert g["unit_code"].is_unique
        assert all(isinstance(c, str) for c in g["unit_code"])
        assert (g["vintage"] == vintage).all()
        assert all(unicodedata.is_normalized("NFC", n) for n in g["name"])
    if COUNTS[vintage][1]:
        assert set(com["district_code"]) == set(dist["unit_code"])
    else:   # two-level vintage: no district layer, no district codes
        assert com["district_code"].isna().all() and not b.has_district_level(vintage)
        assert not (REPO / "geodata" / "boundaries" / vintage / "districts.parquet").exists()
    assert set(b.META_KEYS) <= set(meta)


def test_huong_khe_has_20_xa_and_1_thi_tran_in_2020():
    com = b.load_communes("42-2020")
    hk = com[com["district_code"] == "444"]
    assert set(hk["district_name"]) == {"Huyện Hương Khê"}
    assert hk["unit_type"].value_counts().to_dict() == {"xã": 20, "thị trấn": 1}
    assert "Xã Điền Mỹ" in set(hk["name"]) and "Xã Phương Điền" not in set(hk["name"])


def test_ha_tinh_unit_types_match_the_gso_snapshots():
    # ntm_facts.md §B4: 229 xã + 21 phường + 12 TT (2019); 182 xã + 21 phường + 13 TT (2020)
    assert b.load_communes("42-2019")["unit_type"].value_counts().to_dict() == \
        {"xã": 229, "phường": 21, "thị trấn": 12}
    assert b.load_communes("42-2020")["unit_type"].value_counts().to_dict() == \
        {"xã": 182, "phường": 21, "thị trấn": 13}


def test_eligible_xa_per_district():
    c20 = b.load_communes("42-2020")
    xa20 = c20[c20["unit_type"] == "xã"].groupby("district_code").size()
    assert xa20["444"] == 20                      # Hương Khê
    assert xa20.sum() == 182
    c19 = b.load_communes("42-2019")
    xa19 = c19[c19["unit_type"] == "xã"].groupby("district_code").size()
    assert xa19["442"] == 17                      # Nghi Xuân: NTM district 2018 with 17/17 xã


def test_trieu_son_2020_has_32_xa_and_2_thi_tran():
    com = b.load_communes("38-2020")
    assert com["unit_type"].value_counts().to_dict() == {"xã": 32, "thị trấn": 2}
    assert set(com["district_code"]) == {"397"}


@pytest.mark.parametrize("province,year,vintage,exact", [
    ("42", 2019, "42-2019", True), ("42", 2020, "42-2020", True), ("42", 2024, "42-2020", True),
    ("38", 2018, "38-2019", False), ("38", 2019, "38-2020", True),   # 31/12/2019 is after 1/12/2019
    ("42", 2012, "42-2019", False), ("10", 2024, "10-2009", False),
    # a year is drawn on the vintage valid on 31 December: 2025 is drawn on the 1/7/2025 units
    ("42", 2025, "42-2025", True), ("42", 2026, "42-2025", True), ("38", 2025, "38-2025", True),
    ("15", 2026, "15-2025", True), ("10", 2025, "10-2009", False),   # province 10 ceased on 30/6/2025
])
def test_vintage_for_year(province, year, vintage, exact):
    assert b.vintage_for(province, year) == vintage
    choice = b.vintage_choice(province, year)
    assert choice.exact is exact
    if not exact:
        assert choice.note_vi and choice.note_en and str(year) in choice.note_en
        assert b.vintage_note(province, year, "en") == choice.note_en


def test_vintage_for_unknown_province_raises():
    with pytest.raises(KeyError):
        b.vintage_for("99", 2020)


def test_meta_attribution_is_verbatim_and_illustrative_note_present():
    prov = (REPO / "geodata" / "PROVENANCE.md").read_text(encoding="utf-8")
    for v in COUNTS:
        meta = b.load_meta(v)
        assert meta["attribution_vi"] in prov and meta["attribution_en"] in prov
        assert "minh họa" in meta["illustrative_note_vi"] and "illustrative" in meta["illustrative_note_en"]
    assert "2009" in b.load_meta("10-2009")["layer"]
    assert "not built" in " ".join(b.load_meta("10-2009")["caveats"])
    assert b.load_meta("42-2020")["valid_from"] == "2020-01-01"
    assert b.load_meta("42-2019")["valid_to"] == "2019-12-31"


def test_meta_json_is_nfc_utf8():
    for p in (REPO / "geodata" / "boundaries").glob("*/meta.json"):
        text = p.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text)
        json.loads(text)


def test_source_columns_kept():
    com = b.load_communes("42-2020")
    for col in ("predecessors_2019", "lineage_note", "merged", "adm3_code_jan2020"):
        assert col in com.columns
    assert "successor_code_2021_2024" in b.load_communes("42-2019").columns


def test_lao_cai_codes_are_gso_or_marked_census_ids():
    com = b.load_communes("10-2009")
    assert com["unit_code"].map(lambda c: bool(re.fullmatch(r"\d{5}|C\d{7}", c))).all()
    assert (com["unit_code"].str.startswith("C") == com["gso_code_2019"].isna()).all()


def test_national_layer():
    nat = b.load_national()
    assert len(nat) == 11163 and nat.crs.to_epsg() == 4326
    assert len(b.load_national("district")) == 703
    for p in (REPO / "geodata" / "national").glob("*.parquet"):
        assert p.stat().st_size < 5 * 1024 * 1024, p.name


def test_loaders_return_copies():
    a = b.load_communes("42-2020")
    a.loc[a.index[0], "name"] = "changed"
    assert b.load_communes("42-2020").loc[0, "name"] != "changed"


def test_vintage_for_every_year_is_the_one_valid_on_31_december():
    table = b.vintages_table()
    for prov in table.province_code.unique():
        mine = table[table.province_code == prov]
        for year in range(2000, 2041):
            day = f"{year}-12-31"
            valid = [r.vintage for r in mine.itertuples()
                     if (r.valid_from or "0000") <= day <= (r.valid_to or "9999")]
            choice = b.vintage_choice(prov, year)
            assert choice.vintage in set(mine.vintage)
            assert len(valid) <= 1, (prov, year, valid)       # vintages never overlap
            if valid:
                assert choice.vintage == valid[0]
            else:
                assert not choice.exact and choice.note_vi
