"""Records added with the 1/7/2025 structure: the recognitions of named_units_additional.csv, the
national series of national_ntm_timeseries.csv, the reported counts after 6/2025 on the pre-merger
units, targets on the unit set they were set on, and the columns reaching the store. Expected values
come from the shared reference files (read here) or are pinned from ntm_facts*.md."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loaders.store import read_seed_frames

REPO = Path(__file__).resolve().parents[1]
RECORDS = REPO / "geodata" / "records"
REFERENCE = REPO.parent / "shared" / "reference"


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def status():
    return rows(RECORDS / "status.csv")


@pytest.fixture(scope="module")
def aggregates():
    return {r["aggregate_id"]: r for r in rows(RECORDS / "aggregates.csv")}


@pytest.fixture(scope="module")
def targets():
    return {r["target_id"]: r for r in rows(RECORDS / "targets.csv")}


@pytest.fixture(scope="module")
def units():
    return {(r["vintage"], r["unit_code"]): r for r in rows(REPO / "geodata" / "registers" / "units.csv")}


def levels_of(status, units, vintage, name, year):
    codes = [c for (v, c), u in units.items() if v == vintage and u["name"] == name]
    assert len(codes) == 1, (vintage, name, codes)
    return {r["level"]: r for r in status if r["vintage"] == vintage and r["unit_code"] == codes[0]
            and r["year"] == str(year)}


def test_the_seven_xa_of_2013(status, units):
    # ntm_facts_2025.md §3: Cẩm Bình, Kỳ Tân, Tùng Ảnh, Thạch Châu, Thiên Lộc, Thuận Lộc, Thạch Hạ
    for name in ("Xã Cẩm Bình", "Xã Kỳ Tân", "Xã Tùng Ảnh", "Xã Thạch Châu", "Xã Thiên Lộc", "Xã Thuận Lộc",
                 "Xã Thạch Hạ"):
        r = levels_of(status, units, "42-2019", name, 2013)["standard"]
        assert (r["provenance"], r["source_id"]) == ("reported", "thuongyenho-10246004")


def test_every_sourced_recognition_of_named_units_additional_is_stored_or_explained(status, units):
    with open(REFERENCE / "named_units_additional.csv", encoding="utf-8", newline="") as f:
        raw = list(csv.reader(f))
    head, stored, left_out = raw[0], 0, []
    for vals in raw[1:]:
        r = dict(zip(head, vals))
        if r["level"] != "ntm" or not r["commune"]:
            continue
        vintage = {"Hà Tĩnh": "42-2019", "Lào Cai": "10-2009"}[r["province"]]   # all rows are ≤ 2019 / ≤ 2024
        hit = [x for x in status if x["vintage"] == vintage and x["year"] == r["label_year"]
               and x["level"] == "standard" and units[(vintage, x["unit_code"])]["name"].endswith(" " + r["commune"])]
        if hit:
            stored += 1
        else:
            left_out.append(r["commune"])
            # only a unit we do not carry: no such xã in Sa Pa (088) of the 2009 layer
            assert not [u for (v, _), u in units.items() if v == vintage and u["parent_code"] == "088"
                        and u["name"] == f"Xã {r['commune']}"], r["commune"]
    # Mường Hoa and Thanh Bình (Sa Pa, formed in 2020) are not units of the Lào Cai 2009 layer
    assert sorted(left_out) == ["Mường Hoa", "Thanh Bình"]
    assert stored == 48          # 7 (2013) + 33 (2017) + 7 (batch 1/2018) + Tả Van (2024)


def test_ky_lam_2017_keeps_both_statements(status, units):
    lv = levels_of(status, units, "42-2019", "Xã Kỳ Lâm", 2017)
    assert set(lv) == {"none", "standard"}
    assert (lv["none"]["criteria_met"], lv["none"]["criteria_total"]) == ("19", "20")
    assert "INFERRED" in lv["standard"]["note"]


def test_lao_cai_2015_and_ta_van_2024(status, units, aggregates):
    lc15 = [r for r in status if r["vintage"] == "10-2009" and r["year"] == "2015" and r["level"] == "standard"]
    # 11 xã voted NTM in 2015 (named_units_additional.csv); the province then had 20
    assert len(lc15) == 11 and int(aggregates["A-10-2015-count_standard"]["value"]) == 20
    tv = levels_of(status, units, "10-2009", "Xã Tả Van", 2024)["standard"]
    assert tv["source_id"] == "baolaocai-399761" and tv["unit_code"] == "03040"


def test_qd_429_is_dated_2017_and_its_22_targets_are_for_2018(targets):
    qd = [t for t in targets.values() if t["target_id"].startswith("T-42-2018-qd429-")]
    assert len(qd) == 22
    assert {(t["vintage"], t["target_year"], t["level"], t["scope"]) for t in qd} == {("42-2019", "2018", "standard", "unit")}
    src = {r["source_id"]: r for r in rows(RECORDS / "sources.csv")}["hatinh24h-a18"]
    assert src["doc_number"] == "429/QĐ-UBND" and "~2017-02" in src["note"]


def test_targets_stay_on_the_units_they_were_set_on(targets):
    # the plan of 24/11/2021: "by 2025" on the 2020-2024 units, not on the 60 xã of 42-2025
    for tid in ("T-42-2025-standard-share", "T-42-2025-advanced-share", "T-42-2025-model-share"):
        assert targets[tid]["vintage"] == "42-2020"
    nat = targets["T-VN-2030-standard-share"]
    assert (nat["scope"], nat["unit_code"], nat["vintage"], nat["target_share"]) == ("national", "VN", "", "0.65")
    assert "NOT VERIFIED" in nat["note"]


def test_reported_counts_after_6_2025_describe_the_pre_merger_communes(aggregates):
    # ntm_facts.md §B1/§B2: 169/169 xã NTM, 69 advanced, 18 model at 6/2025 (vietnamnet 2025-09-14)
    for metric, value in (("count_standard", "169"), ("count_advanced", "69"), ("count_model", "18")):
        a = aggregates[f"A-42-2025-{metric}"]
        assert (a["value"], a["denominator"], a["as_of"], a["vintage"]) == (value, "169", "2025-06", "42-2020")
    assert aggregates["A-VN-2021-count_standard-2021-10"]["vintage"] == ""


def test_national_series_reaches_the_aggregates(aggregates):
    national = [a for a in aggregates.values() if a["area_code"] == "VN"]
    for r in rows(REFERENCE / "national_ntm_timeseries.csv"):
        if "target" in r["as_of"]:
            continue                      # the 2030 figure is a target, not a reported count
        year = int(r["as_of"][:4])
        if r["ntm_communes"]:
            hits = [a for a in national if a["metric"] == "count_standard" and a["year"] == str(year)
                    and float(a["value"]) == float(r["ntm_communes"])]
        else:
            hits = [a for a in national if a["metric"] == "share_standard" and a["year"] == str(year)
                    and abs(float(a["value"]) - float(r["ntm_share_pct"]) / 100) < 1e-9]
        assert hits, r["as_of"]
    assert aggregates["A-VN-2025-count_provinces_completed-2025-06"]["value"] == "12"


def test_new_columns_reach_the_store():
    frames = read_seed_frames()
    ag = frames["aggregates"].set_index("aggregate_id")
    assert ag.loc["A-42-2025-count_standard", "vintage"] == "42-2020"
    assert ag.loc["A-VN-2020-share_standard", "value"] == 0.62
    cw = frames["crosswalk"]
    assert set(cw.part.dropna()) == {"full", "partial"}
    assert frames["vintages"].set_index("vintage").loc["42-2025", "predecessors"] == "42-2020"
