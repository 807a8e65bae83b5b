"""Unit registers, the 2019→2020 crosswalk and criteria sets through loaders.registers."""
from __future__ import annotations

import filecmp
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from loaders import boundaries as b
from loaders.registers import load_criteria, load_crosswalk, load_units

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def test_units_cover_every_boundary_feature_once():
    units = load_units()
    assert not units.duplicated(["vintage", "unit_code"]).any()
    for v in b.list_vintages():
        for level, layer in (("commune", b.load_communes(v)), ("district", b.load_districts(v))):
            reg = units[(units.vintage == v) & (units.admin_level == level)]
            assert dict(zip(reg.unit_code, reg.name)) == dict(zip(layer.unit_code, layer.name))
        prov = units[(units.vintage == v) & (units.admin_level == "province")]
        assert len(prov) == 1
    assert all(unicodedata.is_normalized("NFC", n) for n in units.name)
    hk = units[(units.vintage == "42-2020") & (units.unit_code == "444")].iloc[0]
    assert (hk["name"], hk["unit_type"], hk["parent_code"]) == ("Huyện Hương Khê", "huyện", "42")


def test_2019_layer_maps_onto_2020_with_no_orphan():
    cw = load_crosswalk()
    units = load_units()
    c19 = set(units[(units.vintage == "42-2019") & (units.admin_level == "commune")].unit_code)
    c20 = set(units[(units.vintage == "42-2020") & (units.admin_level == "commune")].unit_code)
    assert (len(c19), len(c20)) == (262, 216)
    part = cw[(cw.from_vintage == "42-2019") & (cw.to_vintage == "42-2020") & cw.from_code.isin(c19)]
    assert sorted(part.from_code) == sorted(c19)          # each 2019 unit exactly once
    assert set(part.to_code) == c20                       # every 2020 unit reached
    assert set(part.relation) <= {"same", "renamed", "merged_into"} and set(part.part) == {"full"}
    assert set(cw.relation) <= {"same", "renamed", "merged_into", "ceased"}


def test_known_mergers():
    cw = load_crosswalk().set_index(["from_vintage", "from_code"])
    # Điền Mỹ = Phương Mỹ (18499) + Phương Điền (18511) (ntm_facts §B4)
    assert cw.loc[("42-2019", "18499"), "to_code"] == "18499"
    assert cw.loc[("42-2019", "18511"), "to_code"] == "18499"
    assert cw.loc[("42-2019", "18511"), "relation"] == "merged_into"
    # Thạch Bằng → Thị trấn Lộc Hà keeps its code: a rename
    assert cw.loc[("42-2019", "18568"), "relation"] == "renamed"
    # Triệu Sơn: 36 → 34, every 2019 unit once
    ts = load_crosswalk()
    ts = ts[(ts.from_vintage == "38-2019") & (ts.from_code.str.len() == 5)]
    assert len(ts) == 36 and ts.from_code.is_unique and ts.to_code.nunique() == 34


def test_inferred_lineages_are_flagged():
    cw = load_crosswalk()
    cw = cw[cw.to_vintage.isin(["42-2020", "38-2020"])]      # the 2019 → 2020 lineages
    inferred = cw[cw.inferred]
    assert set(zip(inferred.from_code, inferred.to_code)) == {
        ("18703", "18673"),   # Cẩm Huy → TT Cẩm Xuyên
        ("18610", "18601"),   # Việt Xuyên → Việt Tiến
        ("15694", "15664"),   # Minh Dân → TT Triệu Sơn
        ("15697", "15664"),   # Minh Châu → TT Triệu Sơn
    }
    assert cw.inferred.dtype == bool
    assert all("inferred" in n for n in inferred.note)


def test_criteria_sets():
    cr = load_criteria()
    assert not cr.duplicated(["criteria_set", "criterion_id"]).any()
    sizes = cr.groupby("criteria_set").size().to_dict()
    # 51/2025/QĐ-TTg: 10 criteria for 2026-2030 (ntm_facts_2025.md §2)
    assert sizes == {"2009": 19, "2016-2020": 20, "2021-2025": 19, "2026-2030": 10}
    c26 = cr[cr.criteria_set == "2026-2030"].set_index("criterion_id")
    assert c26.loc["1", "name_vi"] == "Quy hoạch" and c26.loc["10", "name_vi"].startswith("Tiếp cận pháp luật")
    assert c26["note"].str.contains("51/2025/QĐ-TTg").all()
    c20 = cr[(cr.criteria_set == "2016-2020") & (cr.criterion_id == "20")].iloc[0]
    assert c20["scope"] == "42" and "vườn mẫu" in c20["name_vi"]
    nat = cr[cr.scope == "national"]
    assert nat.groupby("criteria_set").size().to_dict() == {"2009": 19, "2016-2020": 19, "2021-2025": 19, "2026-2030": 10}
    new = cr[cr.criteria_set == "2021-2025"].set_index("criterion_id")
    assert new.loc["11", "name_vi"] == "Nghèo đa chiều" and new.loc["11", "group_id"] == "III"
    assert cr[cr.criteria_set == "2016-2020"].set_index("criterion_id").loc["11", "name_vi"] == "Hộ nghèo"
    assert cr[cr.criteria_set == "2009"]["note"].str.contains("not in our sources").all()


@pytest.mark.skipif(not (SHARED / "geodata" / "PROVENANCE.md").is_file(), reason="../shared not present")
def test_build_is_reproducible(tmp_path):
    out = tmp_path / "geodata"
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_geodata.py"), "--source", str(SHARED),
                    "--out", str(out)], check=True, capture_output=True)
    built = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    shipped = sorted(str(p.relative_to(REPO / "geodata")) for sub in ("boundaries", "registers", "criteria",
                                                                      "national")
                     for p in (REPO / "geodata" / sub).rglob("*") if p.is_file()) + ["PROVENANCE.md"]
    assert built == sorted(shipped)     # no file missing, none left over (two-level: no districts.parquet)
    for rel in built:
        assert filecmp.cmp(out / rel, REPO / "geodata" / rel, shallow=False), rel
