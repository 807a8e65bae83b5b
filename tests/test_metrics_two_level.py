"""The 1/7/2025 two-level structure and the 2026-2030 criteria set, on the hand-made fixture
(tests/fixtures/metrics_fixture_2025, see its loader): no district level, legacy levels for 2025,
"not yet assessed" from 2026, one ladder per criteria set, partial parts, a province that changed
code. Golden values are worked out by hand from the fixture's rows."""
import copy

import pandas as pd
import pytest

from testing import fixture_module

_fixture = fixture_module("metrics_fixture_loader")
add_status, load_fixture, lv = _fixture.add_status, _fixture.load_fixture, _fixture.lv

from metrics.common import MetricsInputError  # noqa: E402
from metrics.counts import level_counts  # noqa: E402
from metrics.holdouts import holdouts  # noqa: E402
from metrics.progress import progress_series  # noqa: E402
from metrics.status import status_as_of  # noqa: E402
from metrics.summary import build_summary  # noqa: E402
from metrics.transitions import transitions  # noqa: E402
from metrics.unit import FORMER_KEYS, SUCCESSOR_KEYS, UNIT_KEYS, unit_as_of  # noqa: E402

P = "99"


@pytest.fixture(scope="module")
def base():
    return load_fixture(two_level=True)


@pytest.fixture
def ds(base):
    return copy.deepcopy(base)


# ---- structure ---------------------------------------------------------------------------

def test_a_two_level_year_has_no_district_level(ds):
    for year in (2025, 2026):
        s = build_summary(ds, P, year)
        assert s["vintage"] == "99-2025" and s["has_districts"] is False
        assert s["districts"] == [] and s["district_units"] == [] and s["district_ladder"] is None
        assert (s["counts"]["units"], s["counts"]["eligible"], s["counts"]["not_applicable"]) == (7, 5, 2)
        st = status_as_of(ds, P, year)
        assert st["district_code"].isna().all()
        assert list(level_counts(st)["admin_level"]) == ["province"]
    with pytest.raises(MetricsInputError, match="no district level"):
        build_summary(ds, P, 2026, "901")
    # the year before the reform keeps its districts
    s = build_summary(ds, P, 2024)
    assert s["vintage"] == "99-2020" and s["has_districts"] and {d["area_code"] for d in s["districts"]} == {"901", "902"}


# ---- 2025: legacy levels -----------------------------------------------------------------

def test_2025_is_drawn_as_the_legacy_level_lowest_among_the_former_xa(ds):
    st = status_as_of(ds, P, 2025)
    r = lv(st, "90101")   # An Một (model 2023) + An Hai (standard 2020)
    assert (r["level"], r["basis"], r["provenance"], r["mixed"]) == ("standard", "legacy", "derived", True)
    assert r["record_id"] == "R03;R05" and r["derived_from"] == "R03;R05"
    assert [f["unit_code"] for f in r["former"]] == ["90101", "90102"]
    r = lv(st, "90103")   # An Ba Bốn (standard 2023) + Thị trấn An: the thị trấn takes no part
    assert (r["level"], r["mixed"], r["record_id"]) == ("standard", False, "R08")
    assert "Thị trấn" not in r["parts"]
    r = lv(st, "90106")   # three whole xã and part of An Tám, all standard: the partial part is named
    assert (r["level"], r["mixed"]) == ("standard", False)
    assert "Xã An Tám (partial): standard (2017)" in r["parts"]
    r = lv(st, "90201")   # Bình Một standard + Bình Ba without a record
    assert (r["level"], r["basis"], r["mixed"]) == ("unknown", "legacy_unknown_part", True)
    r = lv(st, "90204")   # unchanged unit: its own none of 2024, still a derived legacy level
    assert (r["level"], r["basis"], r["provenance"]) == ("none", "legacy", "derived")
    assert lv(st, "90110")["level"] == "not_applicable"
    c = level_counts(st).iloc[0]
    assert (c["atleast_standard"], c["none"], c["unknown"], c["criteria_set"]) == (3, 1, 1, "2021-2025")
    # the summary tells the UI what the 2025 map draws (its legend title), and 2026 does not
    s = build_summary(ds, P, 2025)
    assert s["legacy"]["basis"] == "legacy" and "30/6/2025" in s["legacy"]["vi"] and s["figures"]["standard"]["on_map"]["legacy"]
    assert build_summary(ds, P, 2026)["legacy"] is None and build_summary(ds, P, 2024)["legacy"] is None


def test_a_record_on_the_new_unit_overrides_its_legacy_level(ds):
    add_status(ds, record_id="X1", vintage="99-2025", unit_code="90201", admin_level="commune", year="2025",
               level="standard", criteria_set="2021-2025", source_id="S-NEWS", provenance="reported")
    r = lv(status_as_of(ds, P, 2025), "90201")
    assert (r["level"], r["basis"], r["record_id"]) == ("standard", "record", "X1")


# ---- 2026: the 2026-2030 set ---------------------------------------------------------------

def test_from_2026_every_unit_is_not_assessed_until_a_record_says_otherwise(ds):
    st = status_as_of(ds, P, 2026)
    assert lv(st, "90103")["level"] == "not_assessed"    # legacy standard is never carried over
    assert lv(st, "90106")["level"] == "not_assessed"
    r = lv(st, "90101")
    assert (r["level"], r["record_id"], r["criteria_set"], r["commune_group"]) == ("standard", "R30", "2026-2030", 2)
    assert lv(st, "90204")["level"] == "none"
    assert set(st["set_in_force"]) == {"2026-2030"}
    c = level_counts(st).iloc[0]
    assert c["levels"] == ["standard", "modern"] and c["criteria_set"] == "2026-2030"
    assert (c["atleast_standard"], c["atleast_modern"], c["not_assessed"], c["unknown"], c["known"]) == (1, 0, 3, 0, 2)
    # the 2010-2025 advanced / model levels are history, not 2026 levels
    assert c["advanced"] is None and c["atleast_model"] is None and c["share_advanced"] is None


def test_a_2026_2030_none_says_nothing_of_2025(ds):
    assert lv(status_as_of(ds, P, 2025), "90204")["record_id"] == "R16"   # the 2024 record, not R31
    add_status(ds, record_id="X2", vintage="99-2025", unit_code="90106", admin_level="commune", year="2027",
               level="none", criteria_set="2026-2030", source_id="S-NEWS", provenance="reported")
    assert lv(status_as_of(ds, P, 2025), "90106")["level"] == "standard"
    r = lv(status_as_of(ds, P, 2026), "90106")   # within the set, a later none implies none
    assert (r["level"], r["basis"]) == ("none", "implied_none")


def test_transitions_never_compare_levels_of_two_ladders(ds):
    t = transitions(ds, P, 2025, 2026)
    el = t[t["eligible"]]
    assert set(el["change"]) == {"not_comparable"}
    t = transitions(ds, P, 2024, 2025)   # both on the classic ladder, re-expressed on 99-2025
    assert "not_comparable" not in set(t["change"])
    s = build_summary(ds, P, 2026)
    assert s["transitions"]["counts"]["not_comparable"] == 5 and s["transitions"]["changed"] == []


def test_progress_marks_the_ladder_break_and_the_structure_change(ds):
    p = progress_series(ds, P, range(2023, 2027))
    c = p[(p["basis"] == "computed") & (p["metric"] == "count_standard") & (p["area_code"] == P)].set_index("year")
    assert list(c["ladder_break"]) == [False, False, False, True]
    assert list(c["structure_change"]) == [False, False, True, False]
    assert list(c["criteria_set"]) == ["2021-2025", "2021-2025", "2021-2025", "2026-2030"]
    assert c.loc[2025, "legacy"] and not c.loc[2026, "legacy"]
    assert (c.loc[2026, "value"], c.loc[2026, "unknown"], c.loc[2026, "at_least"]) == (1, 3, True)
    assert set(p[p["year"] == 2026]["metric"]) >= {"count_standard", "count_modern"}
    assert "count_advanced" not in set(p[(p["year"] == 2026) & (p["basis"] == "computed")]["metric"])


def test_a_year_no_record_decides_is_a_gap_not_zero(ds):
    ds.status = ds.status[ds.status["year"].astype(int) < 2026]
    p = progress_series(ds, P, [2026])
    c = p[(p["basis"] == "computed") & (p["area_code"] == P)]
    assert c["value"].isna().all() and c["share"].isna().all()


def test_holdouts_and_targets_on_a_two_level_year(ds):
    ds.targets = pd.concat([ds.targets, pd.DataFrame([{
        "target_id": "T6", "scope": "province", "vintage": "99-2025", "unit_code": "99", "admin_level": "commune",
        "level": "standard", "target_year": "2026", "target_share": "1.0", "source_id": "S-PLAN30",
        "provenance": "official"}])], ignore_index=True)
    h = holdouts(ds, P, 2026)
    a = h[h["target_id"] == "T6"]
    # the xã assessed 'none' is a holdout; the xã not yet assessed are listed apart, never as holdouts
    assert set(a.loc[a["listed_as"] == "holdout", "unit_code"]) == {"90204"}
    assert set(a.loc[a["listed_as"] == "no_record", "unit_code"]) == {"90103", "90106", "90201"}
    assert set(a.loc[a["listed_as"] == "no_record", "level"]) == {"not_assessed"}
    s = build_summary(ds, P, 2026)
    t = {x["target_id"]: x for x in s["targets"]}["T5"]   # 80 % of xã standard by 2030
    assert (t["required"], t["current"], t["gap"], t["unknown"], t["gap_min"], t["state"]) == (4, 1, 3, 3, 0, "unverified")


# ---- one unit --------------------------------------------------------------------------------

def test_unit_resolves_its_code_through_the_vintage_of_the_year(ds):
    old = unit_as_of(ds, P, "90101", 2023)
    new = unit_as_of(ds, P, "90101", 2026)
    assert set(UNIT_KEYS) <= set(old) and set(UNIT_KEYS) <= set(new)
    assert (old["vintage"], old["level"]) == ("99-2020", "model")
    assert old["successors"] == [{"unit_code": "90101", "name": "Xã An Một", "vintage": "99-2025", "part": "full",
                                  "relation": "merged_into", "inferred": False}]
    assert (new["vintage"], new["level"], new["criteria_set"], new["provenance"]) == \
        ("99-2025", "standard", "2026-2030", "official")
    assert [(f["unit_code"], f["name"], f["part"], f["level"], f["provenance"]) for f in new["former_units"]] == \
        [("90101", "Xã An Một", "full", "model", "official"), ("90102", "Xã An Hai", "full", "standard", "official")]
    assert all(set(FORMER_KEYS) <= set(f) for f in new["former_units"])
    assert (new["legacy"]["level"], new["legacy"]["provenance"], new["legacy"]["mixed"]) == ("standard", "derived", True)
    assert new["successors"] == []


def test_a_divided_unit_has_two_partial_successors(ds):
    u = unit_as_of(ds, P, "90109", 2024)
    assert [(s["unit_code"], s["part"]) for s in u["successors"]] == [("90106", "partial"), ("90110", "partial")]
    assert all(set(SUCCESSOR_KEYS) <= set(s) for s in u["successors"])
    assert [f["part"] for f in unit_as_of(ds, P, "90110", 2026)["former_units"]] == ["partial", "full", "full", "full"]


def test_unit_states_and_unknown_units(ds):
    assert unit_as_of(ds, P, "90103", 2026)["level"] == "not_assessed"
    assert unit_as_of(ds, P, "90110", 2026)["level"] == "not_applicable"
    assert unit_as_of(ds, P, "90201", 2025)["level"] == "unknown"
    with pytest.raises(MetricsInputError, match="no unit '90104' in vintage 99-2020"):
        unit_as_of(ds, P, "90104", 2023)   # An Bốn ceased on 1/1/2020


def test_a_province_that_changed_code_reaches_its_former_units(ds):
    u = unit_as_of(ds, "95", "95001", 2026)
    assert [(f["unit_code"], f["vintage"], f["level"]) for f in u["former_units"]] == \
        [("97001", "97-2009", "standard"), ("97002", "97-2009", "advanced")]
    assert u["legacy"]["level"] == "standard" and u["legacy"]["mixed"]
    assert [(s["unit_code"], s["vintage"]) for s in unit_as_of(ds, "97", "97001", 2024)["successors"]] == \
        [("95001", "95-2025")]
    # the old province's targets and figures are not the new province's
    s = build_summary(ds, "95", 2025)
    assert s["counts"]["eligible"] == 2 and s["vintage"] == "95-2025"


def test_a_figure_reported_on_the_old_structure_stays_what_it_is(ds):
    """The 6/2025 report (12/13, counted before 1/7/2025) is the 2025 headline with its date and
    structure; the map beside it draws the legacy levels of the new xã."""
    s = build_summary(ds, P, 2025)
    f = s["figures"]["standard"]
    assert (f["basis"], f["value"], f["denominator"], f["as_of"]) == ("reported", 12, 13, "2025-06")
    assert (f["year_figure"], f["other_structure"], f["figure_vintage"], f["vintage"]) == \
        (False, True, "99-2020", "99-2025")
    assert f["register_denominator"] is None   # the new register's 5 xã are not the report's 13
    assert (f["on_map"]["eligible"], f["on_map"]["reached"], f["on_map"]["legacy"]) == (5, 3, True)
    assert {"dated", "other_structure", "legacy"} <= {n["key"] for n in f["notes"]}
    # 92 % of the old units: rule (b) does not name new units from it
    assert s["holdouts"]["b"] == [] and {a["basis"] for a in s["holdouts"]["areas"] if a["level"] == "standard"} == \
        {"other_structure"}
    # the new map's xã are not the units the report counts: no named shortfall across structures
    assert s["captions"]["vi"] == ("Tính đến tháng 06/2025: 12/13 xã đạt chuẩn NTM (92,3%, theo báo cáo) "
                                   "(đếm theo địa giới trước 1/7/2025; bản đồ vẽ địa giới 99-2025).")
    # 2026: no report; the computed count, at least, with the xã not yet assessed said
    s = build_summary(ds, P, 2026)
    assert s["captions"]["vi"] == ("Năm 2026: ít nhất 1/5 xã đạt chuẩn NTM (20,0%); 1 xã chưa đạt; 3 xã chưa được "
                                   "đánh giá theo bộ tiêu chí 51/2025/QĐ-TTg (địa giới 99-2025).")
    # "at least 0" says nothing: the caption says no record shows a xã at the level
    assert s["captions"]["levels"]["modern"]["en"].startswith("2026: no record shows a commune (xã) that met the modern NTM")


def test_progress_notes_say_where_the_line_breaks(ds):
    from metrics.progress import series_notes
    notes = series_notes(progress_series(ds, P, range(2023, 2027)))
    keys = [(n["key"], n.get("year")) for n in notes]
    assert ("ladder_break", 2026) in keys and ("structure_change", 2025) in keys and ("legacy", 2025) in keys
    lb = next(n for n in notes if n["key"] == "ladder_break")
    assert "51/2025/QĐ-TTg" in lb["vi"] and "51/2025/QĐ-TTg" in lb["en"]
