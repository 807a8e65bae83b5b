"""The metrics on today's units (the 1/7/2025 two-level structure and the 2026-2030 criteria set),
through the data layer and the CLI, on the shipped records (sourced only): facts of
1665/NQ-UBTVQH15 (Hà Tĩnh 69 = 60 xã + 9 phường), 1673/NQ-UBTVQH15 (Sa Pa: Tả Van) and the
recognitions of batch 2/2023 (QĐ 189/QĐ-UBND: Hà Linh, Điền Mỹ), see ntm_facts_2025.md §1."""
import json
from types import SimpleNamespace

import pytest

from metrics.status import status_as_of
from metrics.summary import build_summary
from metrics.unit import unit_as_of


@pytest.fixture(scope="module")
def real():
    from loaders.store import read_seed_frames
    f = read_seed_frames()
    st = f["status"]
    return SimpleNamespace(**{**f, "status": st[st["provenance"] != "illustrative"].reset_index(drop=True)})


def test_ha_tinh_2026_has_69_units_60_eligible_xa_and_no_district_level(real):
    s = build_summary(real, "42", 2026)
    assert s["vintage"] == "42-2025" and s["has_districts"] is False
    assert (s["counts"]["units"], s["counts"]["eligible"], s["counts"]["not_applicable"]) == (69, 60, 9)
    assert s["districts"] == [] and s["district_units"] == [] and s["district_ladder"] is None
    # 51/2025 in force: every xã is not yet assessed (no record of the new set), never carried over
    assert (s["counts"]["not_assessed"], s["counts"]["atleast_standard"], s["criteria_set"]) == (60, 0, "2026-2030")
    assert s["figures"]["standard"]["basis"] == "no_record" and s["figures"]["standard"]["value"] is None
    assert s["levels"] == ["standard", "modern"]


def test_new_ha_linh_is_old_ha_linh_and_dien_my_with_legacy_level_standard(real):
    u = unit_as_of(real, "42", "18502", 2026)
    assert (u["name"], u["vintage"], u["level"], u["criteria_set"]) == ("Xã Hà Linh", "42-2025", "not_assessed",
                                                                        "2026-2030")
    assert sorted((f["unit_code"], f["name"], f["part"]) for f in u["former_units"]) == \
        [("18499", "Xã Điền Mỹ", "full"), ("18502", "Xã Hà Linh", "full")]
    # both recognised in batch 2/2023 (QĐ 189/QĐ-UBND, 17/1/2024): the lowest level among them
    assert {(f["level"], f["provenance"]) for f in u["former_units"]} == {("standard", "official")}
    lg = u["legacy"]
    assert (lg["level"], lg["provenance"], lg["basis"], lg["mixed"]) == ("standard", "derived", "legacy", False)
    assert set(lg["record_id"].split(";")) == {"S-42-2020-18499-2023-standard", "S-42-2020-18502-2023-standard"}
    # 2025 is drawn as that legacy level on the new map
    r = status_as_of(real, "42", 2025).set_index("unit_code").loc["18502"]
    assert (r["vintage"], r["level"], r["basis"], r["provenance"]) == ("42-2025", "standard", "legacy", "derived")


def test_a_code_resolves_through_the_vintage_of_its_year(real):
    old = unit_as_of(real, "42", "18502", 2023)
    assert (old["vintage"], old["level"], old["provenance"]) == ("42-2020", "standard", "official")
    assert [(s["unit_code"], s["vintage"], s["part"]) for s in old["successors"]] == [("18502", "42-2025", "full")]
    assert unit_as_of(real, "42", "18550", 2023)["name"] == "Xã Hương Trà"
    assert unit_as_of(real, "42", "18550", 2026)["name"] == "Xã Hương Đô"


def test_phuong_dai_nai_is_partial_in_two_new_units(real):
    u = unit_as_of(real, "42", "18082", 2024)
    assert u["name"] == "Phường Đại Nài" and u["level"] == "not_applicable"
    assert sorted((s["unit_code"], s["name"], s["part"]) for s in u["successors"]) == \
        [("18073", "Phường Thành Sen", "partial"), ("18652", "Phường Hà Huy Tập", "partial")]


def test_ta_van_of_the_new_lao_cai_gathers_hoang_lien_muong_hoa_and_ta_van(real):
    # On the 2009 layer (old Lào Cai, code 10): Hoàng Liên = Lao Chải (part) + San Sả Hồ, Mường Hoa =
    # Hầu Thào + Sử Pán (03037, the code Mường Hoa kept), and Tả Van itself.
    u = unit_as_of(real, "15", "03037", 2026)
    assert (u["name"], u["vintage"]) == ("Xã Tả Van", "15-2025")
    got = {(f["unit_code"], f["name"], f["part"]) for f in u["former_units"]}
    assert got == {("03025", "Xã Hầu Thào", "full"), ("03028", "Xã Lao Chải", "partial"),
                   ("03037", "Xã Sử Pán", "full"), ("03040", "Xã Tả Van", "full"),
                   ("C2051313", "Xã San Sả Hồ", "full")}
    assert {f["vintage"] for f in u["former_units"]} == {"10-2009"}   # across the change of province code
    old = unit_as_of(real, "10", "03040", 2024)
    assert [(s["unit_code"], s["vintage"]) for s in old["successors"]] == [("03037", "15-2025")]


def test_2025_reported_figures_stay_on_the_old_structure_with_their_date(real):
    s = build_summary(real, "42", 2025)
    f = s["figures"]["standard"]
    assert (f["value"], f["denominator"], f["as_of"], f["source_id"]) == (169, 169, "2025-06", "vietnamnet-2442705")
    assert (f["year_figure"], f["other_structure"], f["figure_vintage"]) == (False, True, "42-2020")
    assert (s["figures"]["advanced"]["value"], s["figures"]["model"]["value"]) == (69, 18)
    assert s["captions"]["vi"].startswith("Tính đến tháng 06/2025: 169/169 xã đạt chuẩn NTM")
    assert s["legacy"]["basis"] == "legacy" and f["on_map"]["legacy"] and f["on_map"]["eligible"] == 60


def test_cli_unit_and_summary_on_today_s_units(metrics_cli):
    run = metrics_cli
    r = run("summary", "--province", "42", "--year", "2026", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["districts"] == [] and s["district_units"] == [] and s["counts"]["eligible"] == 60
    assert run("summary", "--province", "42", "--year", "2026", "--district", "444").returncode == 2
    r = run("unit", "--province", "42", "--code", "18502", "--year", "2026", "--json")
    assert r.returncode == 0, r.stderr
    u = json.loads(r.stdout)
    # DESIGN §3: every key of the contract, on the unit of the year's vintage; the former units carry
    # their last level under 2021-2025 (batch 2/2023, QĐ 189/QĐ-UBND); no successor yet
    assert (u["unit_code"], u["name"], u["unit_type"], u["vintage"], u["level"], u["criteria_set"],
            u["successors"]) == ("18502", "Xã Hà Linh", "xã", "42-2025", "not_assessed", "2026-2030", [])
    assert "provenance" in u
    assert sorted((f["unit_code"], f["name"], f["unit_type"], f["part"], f["level"], f["provenance"])
                  for f in u["former_units"]) == [("18499", "Xã Điền Mỹ", "xã", "full", "standard", "official"),
                                                  ("18502", "Xã Hà Linh", "xã", "full", "standard", "official")]
    assert run("unit", "--province", "42", "--code", "18499", "--year", "2026").returncode == 2   # ceased 1/7/2025
    # the text output says it in words, Vietnamese first: no raw code or Python None in it
    vi = run("unit", "--province", "42", "--code", "18502", "--year", "2026").stdout
    assert "Chưa được đánh giá" in vi and "Đạt chuẩn NTM" in vi and "Chính thức" in vi and "Suy ra" in vi
    assert "None" not in vi and "not_assessed" not in vi and "[official]" not in vi and "full" not in vi
    en = run("unit", "--province", "42", "--code", "18502", "--year", "2026", "--lang", "en").stdout
    assert "Not yet assessed" in en and "whole" in en and "None" not in en
