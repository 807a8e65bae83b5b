"""Golden numbers on the hand-made fixture (tests/fixtures/metrics_fixture): every domain rule of
docs/data-model.md and issue 3, one test per rule.

The fixture (province 99 "Tỉnh Mẫu"): two vintages (99-2019 -> 99-2020); Xã An Ba (standard
2016) and Xã An Bốn (none 2017) merge into Xã An Ba Bốn (code 90103 reused), re-recognised 2023;
Xã Bình Bốn renamed Xã Bình Tứ; one phường and one thị trấn (with a record that must not count);
Xã Bình Ba has no record; Xã An Hai is none 2014/2018 then standard 2020; Xã Bình Một rests on a
derived record; targets: An Hai standard by 2019, huyện An standard by 2021 (met 2023), 100 % of
xã standard by 2022, 50 % advanced by 2025.
"""
import copy
import json

import pandas as pd
import pytest

from testing import fixture_module

_fixture = fixture_module("metrics_fixture_loader")
add_status, load_fixture, lv = _fixture.add_status, _fixture.load_fixture, _fixture.lv

from metrics.common import MetricsInputError  # noqa: E402
from metrics.counts import level_counts  # noqa: E402
from metrics.criteria import criteria_summary  # noqa: E402
from metrics.history import unit_history  # noqa: E402
from metrics.holdouts import holdouts  # noqa: E402
from metrics.prepare import prepare  # noqa: E402
from metrics.progress import progress_series  # noqa: E402
from metrics.status import district_status_as_of, reexpress, status_as_of  # noqa: E402
from metrics.summary import build_summary  # noqa: E402
from metrics.transitions import regressions, transitions  # noqa: E402

P = "99"


@pytest.fixture(scope="module")
def base():
    return load_fixture()


@pytest.fixture
def ds(base):
    return copy.deepcopy(base)


# ---- vintages ----------------------------------------------------------------------------

def test_year_is_drawn_on_the_vintage_valid_on_31_december(ds):
    prep = prepare(ds, P)
    assert prep.vintage_for(2019) == ("99-2019", None)
    assert prep.vintage_for(2020) == ("99-2020", None)
    # open start: the earliest vintage, with the same note as the map (one rule, domain.vintages)
    v, note = prep.vintage_for(2010)
    assert v == "99-2019" and prep.vintage_choice(2010).reason == "open_start" and "2010" in note
    v, note = prep.vintage_for(2026)
    assert v == "99-2020" and prep.vintage_choice(2026).reason == "after_last" and "2026" in note
    assert status_as_of(ds, P, 2026).attrs["vintage_note"] == note


def test_unknown_province_and_vintage_are_clear_errors(ds):
    with pytest.raises(MetricsInputError, match="unknown province"):
        status_as_of(ds, "77", 2020)
    with pytest.raises(MetricsInputError, match="unknown vintage"):
        status_as_of(ds, P, 2020, vintage="99-1999")
    with pytest.raises(MetricsInputError, match="merger rule"):
        status_as_of(ds, P, 2020, rule="average")


# ---- status as of a year -----------------------------------------------------------------

def test_latest_record_up_to_the_year_carries_forward(ds):
    levels = {y: lv(status_as_of(ds, P, y), "90101")["level"] for y in (2014, 2015, 2019, 2021, 2022, 2023)}
    assert levels == {2014: "unknown", 2015: "standard", 2019: "standard", 2021: "advanced",
                      2022: "advanced", 2023: "model"}
    r = lv(status_as_of(ds, P, 2022), "90101")
    assert (r["record_year"], r["provenance"], r["decision_no"], r["basis"]) == (2021, "official", "2/QĐ-UBND", "record")


def test_ties_strongest_provenance_then_highest_level(ds):
    add_status(ds, record_id="X1", vintage="99-2020", unit_code="90102", admin_level="commune", year="2020",
               level="model", source_id="S-NEWS", provenance="illustrative")
    assert lv(status_as_of(ds, P, 2020), "90102")["level"] == "standard"  # official beats illustrative
    add_status(ds, record_id="X2", vintage="99-2020", unit_code="90102", admin_level="commune", year="2020",
               level="advanced", source_id="S-DEC20", provenance="official")
    r = lv(status_as_of(ds, P, 2020), "90102")
    assert (r["level"], r["record_id"]) == ("advanced", "X2")  # same provenance: highest level


def test_a_none_record_means_not_recognised_in_earlier_years(ds):
    st = status_as_of(ds, P, 2017)
    r = lv(st, "90102")  # none 2014 record in force
    assert (r["level"], r["record_year"], r["basis"]) == ("none", 2014, "record")
    r = lv(status_as_of(ds, P, 2013), "90102")  # An Hai: its first record is a 2014 'none' (2009 set)
    assert (r["level"], r["basis"], r["record_year"]) == ("none", "implied_none", 2014)
    levels = [lv(status_as_of(ds, P, y), "90102")["level"] for y in (2017, 2018, 2019, 2020)]
    assert levels == ["none", "none", "none", "standard"]  # none-then-standard


def test_no_record_is_unknown_never_none(ds):
    st = status_as_of(ds, P, 2022)
    r = lv(st, "90203")
    assert (r["level"], r["basis"], r["provenance"]) == ("unknown", "no_record", None)
    c = level_counts(st).set_index("area_code")
    assert c.loc["902", "unknown"] == 1 and c.loc["902", "none"] == 0


def test_wards_and_townships_are_not_applicable_and_never_in_a_denominator(ds):
    st = status_as_of(ds, P, 2019)
    assert lv(st, "90202")["level"] == "not_applicable"
    r = lv(st, "90105")  # thị trấn with a 'standard' record
    assert r["level"] == "not_applicable" and not r["eligible"]
    c = level_counts(st).set_index("area_code")
    assert c.loc["99", "eligible"] == 14 and c.loc["99", "not_applicable"] == 2
    assert c.loc["901", "eligible"] == 11  # the thị trấn's standard record is not counted


def test_merger_takes_the_lowest_level_and_reports_mixed(ds):
    r = lv(status_as_of(ds, P, 2022), "90103")
    assert r["name"] == "Xã An Ba Bốn"
    assert (r["level"], r["mixed"], r["basis"], r["record_year"]) == ("none", True, "merger", 2017)
    assert r["parts"] == "Xã An Ba: standard (2016); Xã An Bốn: none (2017)"
    assert r["provenance"] == "reported"  # weakest of official + reported
    assert lv(status_as_of(ds, P, 2022, rule="highest"), "90103")["level"] == "standard"


def test_a_later_record_on_the_new_vintage_overrides_the_merger(ds):
    r = lv(status_as_of(ds, P, 2023), "90103")
    assert (r["level"], r["basis"], r["mixed"], r["record_id"]) == ("standard", "record", False, "R08")


def test_a_none_under_one_criteria_set_says_nothing_of_years_under_another(ds):
    # An Bốn's only record is a 2017 'none' under 2016-2020: 2014 (2009 set in force) stays unknown
    r = lv(status_as_of(ds, P, 2014), "90104")
    assert (r["level"], r["basis"]) == ("unknown", "no_record")
    # Bình Bốn: standard 2018 (2016-2020), none 2024 (2021-2025): 2017 is neither implied none
    # by the 2024 record (another set, and a recognition lies between) nor anything else
    r = lv(status_as_of(ds, P, 2017), "90204")
    assert (r["level"], r["basis"]) == ("unknown", "no_record")
    # within one set the rule stands: a 2016-2020 'none' of 2018 implies none in 2017
    add_status(ds, record_id="X9", vintage="99-2019", unit_code="90106", admin_level="commune", year="2019",
               level="none", criteria_set="2016-2020", source_id="S-NEWS", provenance="reported")
    ds.status = ds.status[ds.status["record_id"] != "R20"]
    r = lv(status_as_of(ds, P, 2018), "90106")
    assert (r["level"], r["basis"], r["record_id"]) == ("none", "implied_none", "X9")
    # ... but not across a recognition in between
    add_status(ds, record_id="X10", vintage="99-2019", unit_code="90106", admin_level="commune", year="2018",
               level="standard", criteria_set="2016-2020", source_id="S-NEWS", provenance="reported")
    r = lv(status_as_of(ds, P, 2017), "90106")
    assert (r["level"], r["basis"]) == ("unknown", "no_record")


def test_merger_with_an_unknown_part_is_unknown(ds):
    # 2018 on 99-2020: An Ba is standard (2016), An Bốn none (2017): known; 2015: An Ba has no
    # record yet and An Bốn's 2017 'none' (another set) says nothing of 2015
    r = lv(status_as_of(ds, P, 2015, vintage="99-2020"), "90103")
    assert (r["level"], r["basis"], r["mixed"]) == ("unknown", "merger_unknown_part", False)
    ds.status = ds.status[ds.status["record_id"] != "R07"]
    add_status(ds, record_id="X11", vintage="99-2019", unit_code="90104", admin_level="commune", year="2015",
               level="none", criteria_set="2009", source_id="S-NEWS", provenance="reported")
    r = lv(status_as_of(ds, P, 2015, vintage="99-2020"), "90103")
    assert (r["level"], r["basis"], r["mixed"]) == ("unknown", "merger_unknown_part", True)


def test_rename_carries_the_record_over(ds):
    r = lv(status_as_of(ds, P, 2022), "90204")
    assert (r["name"], r["level"], r["basis"], r["record_vintage"]) == ("Xã Bình Tứ", "standard", "crosswalk", "99-2019")


def test_code_reuse_across_vintages_is_resolved_per_vintage(ds):
    # 90103 is Xã An Ba in 99-2019 and Xã An Ba Bốn in 99-2020; the new unit's 2023 record must not
    # leak back onto the old Xã An Ba (a merger product maps back to none of its parts)
    r = lv(status_as_of(ds, P, 2024, vintage="99-2019"), "90103")
    assert (r["name"], r["level"], r["record_id"]) == ("Xã An Ba", "standard", "R06")
    r = lv(status_as_of(ds, P, 2024, vintage="99-2019"), "90204")  # 1:1 lineage maps back
    assert (r["level"], r["record_id"]) == ("none", "R16")


def test_reexpress_on_the_same_vintage_is_the_identity(ds):
    a = status_as_of(ds, P, 2019)
    b = reexpress(ds, a, "99-2019")
    assert b.astype(str).equals(a.astype(str))


def test_reexpress_through_the_crosswalk_matches_resolving_the_records(ds):
    for y in (2015, 2017, 2019):
        a = reexpress(ds, status_as_of(ds, P, y), "99-2020")
        b = status_as_of(ds, P, y, vintage="99-2020")
        assert list(a["level"]) == list(b["level"])
        assert list(a["mixed"]) == list(b["mixed"])
    a = reexpress(ds, status_as_of(ds, P, 2019), "99-2020")
    assert lv(a, "90103")["level"] == "none" and lv(a, "90103")["mixed"]


def test_district_status_and_completed_task(ds):
    d = district_status_as_of(ds, P, 2022).set_index("unit_code")
    assert (d.loc["901", "ladder"], d.loc["901", "level"]) == ("district_ntm", "none")
    assert (d.loc["902", "ladder"], d.loc["902", "level"]) == ("completed_task", "completed")
    assert district_status_as_of(ds, P, 2023).set_index("unit_code").loc["901", "level"] == "standard"
    assert district_status_as_of(ds, P, 2018).set_index("unit_code").loc["902", "level"] == "unknown"


# ---- counts ------------------------------------------------------------------------------

def test_counts_and_shares_golden_2022(ds):
    c = level_counts(status_as_of(ds, P, 2022)).set_index("area_code")
    assert list(c.index) == ["99", "901", "902"]
    p = c.loc["99"]
    assert (p["eligible"], p["known"], p["none"], p["standard"], p["advanced"], p["model"], p["unknown"],
            p["not_applicable"], p["mixed"]) == (13, 12, 1, 10, 1, 0, 1, 2, 1)
    assert (p["atleast_standard"], p["atleast_advanced"], p["atleast_model"]) == (11, 1, 0)
    assert p["share_standard"] == pytest.approx(11 / 13) and p["share_model"] == 0
    assert p["weakest_provenance"] == "derived"  # Xã Bình Một rests on a derived record
    a = c.loc["901"]
    assert (a["area_name"], a["eligible"], a["atleast_standard"], a["weakest_provenance"]) == \
        ("Huyện An", 10, 9, "reported")
    assert c.loc["902", "share_standard"] == pytest.approx(2 / 3)


def test_reported_vs_computed(ds):
    s = build_summary(ds, P, 2022)
    r = {x["aggregate_id"]: x for x in s["reported_vs_computed"]}
    assert (r["AG2"]["reported"], r["AG2"]["computed"], r["AG2"]["difference"]) == (12, 11, -1)
    assert "1 eligible xã have no record" in r["AG2"]["note"]
    assert (r["AG3"]["reported"], r["AG3"]["computed"], r["AG3"]["difference"]) == (9, 9, 0)
    r19 = build_summary(ds, P, 2019)["reported_vs_computed"]
    assert [(x["reported"], x["reported_denominator"], x["computed"], x["computed_denominator"])
            for x in r19] == [(11, 14, 11, 14)]
    r14 = build_summary(ds, P, 2014)["reported_vs_computed"][0]
    assert (r14["metric"], r14["reported"], r14["computed"]) == ("count_below_7", 1, 1)


# ---- targets and gaps --------------------------------------------------------------------

def test_targets_and_gaps_with_pace(ds):
    t19 = {x["target_id"]: x for x in build_summary(ds, P, 2019)["targets"]}
    assert (t19["T1"]["state"], t19["T1"]["gap"], t19["T1"]["current"]) == ("past_due", 1, 0)
    t = {x["target_id"]: x for x in build_summary(ds, P, 2022)["targets"]}
    # a target persists after its year: An Hai (standard by 2019) was met late, in 2020
    assert (t["T1"]["state"], t["T1"]["met_year"]) == ("met_late", 2020)
    assert (t["T2"]["state"], t["T2"]["gap"], t["T2"]["admin_level"]) == ("past_due", 1, "district")
    t3 = t["T3"]
    # the gap is measured on the headline figure: the reported 12/13 of 2022 (AG2); the
    # per-commune records (11, one xã without record) are kept beside it
    assert (t3["required"], t3["current"], t3["gap"], t3["state"], t3["current_basis"], t3["current_source"]) == \
        (13, 12, 1, "past_due", "reported", "AG2")
    assert t3["records_current"] == 11
    assert (t3["reported_current"], t3["reported_denominator"], t3["reported_gap"], t3["reported_source"]) == \
        (12, 13, 1, "AG2")
    # pace: 2019 re-expressed on 99-2020 has 10 at least standard -> (11 - 10) / 3 per year
    assert t3["pace_years"] == "2019–2022" and t3["pace"] == pytest.approx(1 / 3, abs=1e-3)
    assert t3["years_to_target"] == pytest.approx(3.0) and t3["on_track"] is False
    t4 = t["T4"]   # no reported advanced figure: the computed count, a lower bound
    assert (t4["required"], t4["current"], t4["gap"], t4["state"], t4["current_basis"]) == (7, 1, 6, "open", "computed")
    assert t4["on_track"] is False
    from metrics.targets import targets_and_gaps
    prep = prepare(ds, P)
    cs = status_as_of(prep, P, 2023)
    t23 = targets_and_gaps(prep, 2023, cs, level_counts(cs), district_status_as_of(prep, P, 2023)).set_index("target_id")
    assert (t23.loc["T2", "state"], t23.loc["T2", "met_year"]) == ("met_late", 2023)
    assert (t23.loc["T1", "state"], t23.loc["T1", "met_year"]) == ("met_late", 2020)
    assert {x["target_id"]: x["state"] for x in build_summary(ds, P, 2023)["targets"]}["T2"] == "met_late"


def test_a_target_met_on_time_and_one_unit_s_targets(ds):
    from metrics.targets import unit_targets
    add_status(ds, record_id="X5", vintage="99-2019", unit_code="90102", admin_level="commune", year="2019",
               level="standard", source_id="S-NEWS", provenance="reported")
    t = {x["target_id"]: x for x in build_summary(ds, P, 2022)["targets"]}
    assert (t["T1"]["state"], t["T1"]["met_year"]) == ("met", None)
    # the panel's, /area's and the holdouts' view of one unit: An Hai's own target and the
    # province's 100 % target (every xã a unit target)
    ut = {x["target_id"]: x for x in unit_targets(ds, P, 2022, "90102")}
    assert set(ut) == {"T1", "T3"} and ut["T1"]["via"] == "unit" and ut["T3"]["via"] == "share"
    assert ut["T1"]["state"] == "met" and ut["T3"]["state"] == "met" and ut["T3"]["level_now"] == "standard"
    b = {x["target_id"]: x for x in unit_targets(ds, P, 2022, "90203")}   # Bình Ba: no record
    assert b["T3"]["state"] == "no_record"


# ---- holdouts ----------------------------------------------------------------------------

def _h(ds, year):
    h = holdouts(ds, P, year)
    return {(r.rule, r.listed_as, r.unit_code) for r in h.itertuples()}, h


def test_holdouts_rule_a_unit_district_and_full_share_targets(ds):
    got, _ = _h(ds, 2019)
    assert got == {("a", "holdout", "90102")}  # An Hai: target 2019, none
    got, h = _h(ds, 2022)
    a = {(lst, code) for rule, lst, code in got if rule == "a"}
    # huyện An (target 2021); 100 % by 2022 makes each xã a target: An Ba Bốn is below,
    # Bình Ba has no record (listed apart, never as a holdout)
    assert a == {("holdout", "901"), ("holdout", "90103"), ("no_record", "90203")}
    r = h[(h["rule"] == "a") & (h["unit_code"] == "901")].iloc[0]
    assert (r["target_year"], r["years_overdue"], r["admin_level"]) == (2021, 1, "district")


def test_holdouts_rule_b_computed_and_reported_basis(ds):
    got, h = _h(ds, 2021)
    b = h[h["rule"] == "b"]
    # huyện An: 9/10 computed (no unknown) -> An Ba Bốn is the last one below standard
    assert list(b["unit_code"]) == ["90103"]
    assert (b.iloc[0]["area_code"], b.iloc[0]["basis"], b.iloc[0]["area_share"]) == ("901", "computed", 0.9)
    got, h = _h(ds, 2022)
    b = h[h["rule"] == "b"]
    # the province has an unknown xã, so the share comes from the reported 12/13 = 92.3 %
    prov = b[b["area_code"] == "99"]
    assert set(zip(prov["listed_as"], prov["unit_code"])) == {("holdout", "90103"), ("no_record", "90203")}
    assert set(prov["basis"]) == {"reported"} and set(prov["basis_source"]) == {"AG2"}
    got, h = _h(ds, 2023)
    assert not (h["listed_as"] == "holdout").any()


def test_holdouts_rule_b_without_aggregate_uses_a_lower_bound(ds):
    ds.aggregates = ds.aggregates[ds.aggregates["aggregate_id"] != "AG2"]
    h = holdouts(ds, P, 2022)
    prov = h[(h["rule"] == "b") & (h["area_code"] == "99")]
    assert prov.empty  # 11/13 = 84.6 % < 90 % counting the unknown as not reached


# ---- criteria ----------------------------------------------------------------------------

def test_criteria_distribution_averages_below_threshold_and_gaps(ds):
    c = criteria_summary(status_as_of(ds, P, 2019))
    assert c["sets"] == ["2009", "2016-2020"] and "set_warning" in c
    s = {x["criteria_set"]: x for x in c["by_set"]}
    new = s["2016-2020"]
    assert new["communes"] == 3 and new["average"] == pytest.approx(round((12 + 18 + 19) / 3, 2))
    assert new["distribution"] == {"12": 1, "18": 1, "19": 1}
    assert [u["unit_code"] for u in new["one_away"]] == ["90104"]
    assert new["one_away"][0]["missing"] == ["17"]
    an = [d for d in new["common_missing"] if d["district_code"] == "901"][0]
    assert an["criteria"][0] == {"criterion_id": "17", "communes": 2, "name_vi": None, "name_en": None}
    c14 = criteria_summary(status_as_of(ds, P, 2014))
    assert c14["by_set"][0]["below_threshold"] == 1
    assert c14["by_set"][0]["below_units"][0]["unit_code"] == "90102"


# ---- transitions and regressions ---------------------------------------------------------

def test_transitions_between_years_on_the_later_vintage(ds):
    t = transitions(ds, P, 2019, 2023).set_index("unit_code")
    assert t.attrs["vintage"] == "99-2020"
    assert (t.loc["90103", "level_a"], t.loc["90103", "level_b"], t.loc["90103", "change"]) == ("none", "standard", "up")
    assert t.loc["90101", "change"] == "up" and t.loc["90101", "steps"] == 2
    assert t.loc["90203", "change"] == "unknown" and t.loc["90202", "change"] == "not_applicable"
    t2 = transitions(ds, P, 2023, 2024).set_index("unit_code")
    assert (t2["change"] == "down").sum() == 1 and t2.loc["90204", "change"] == "down"


def test_regressions_not_reassessed_and_criteria_lost(ds):
    r = regressions(ds, P, 2022)
    nr = set(r["not_reassessed"]["unit_code"])
    # recognised on 2016-2020 (or 2009) records, no 2021-2025 record by 2022
    assert {"90101", "90102", "90204", "90201"} <= nr and "90103" not in nr
    r24 = regressions(ds, P, 2024)
    assert list(r24["level_drops"]["unit_code"]) == ["90204"]
    nr24 = set(r24["not_reassessed"]["unit_code"])
    assert "90101" not in nr24 and "90204" not in nr24 and "90102" in nr24
    assert regressions(ds, P, 2021)["not_reassessed"].empty  # the new set starts in 2022
    add_status(ds, record_id="X3", vintage="99-2019", unit_code="90102", admin_level="commune", year="2019",
               level="none", criteria_set="2016-2020", criteria_met="10", criteria_total="19",
               source_id="S-NEWS", provenance="reported")
    cl = regressions(ds, P, 2019)["criteria_lost"]
    assert cl.to_dict("records") == [{"unit_code": "90102", "criteria_set": "2016-2020", "criteria_met_before": 12,
                                      "criteria_met_now": 10, "record_year": 2019, "source_id": "S-NEWS"}]


# ---- progress and history ----------------------------------------------------------------

def test_progress_series_computed_and_reported_and_set_change_flag(ds):
    p = progress_series(ds, P, [2019, 2022, 2023])
    comp = p[(p["basis"] == "computed") & (p["metric"] == "count_standard") & (p["area_code"] == P)]
    assert list(zip(comp["year"], comp["value"], comp["eligible"], comp["vintage"])) == \
        [(2019, 11, 14, "99-2019"), (2022, 11, 13, "99-2020"), (2023, 12, 13, "99-2020")]
    rep = p[(p["basis"] == "reported") & (p["metric"] == "count_standard")]
    assert list(zip(rep["year"], rep["area_code"], rep["area_name"], rep["value"], rep["share"])) == \
        [(2019, "99", "Tỉnh Mẫu", 11, 11 / 14), (2022, "99", "Tỉnh Mẫu", 12, 12 / 13),
         (2022, "901", "Huyện An", 9, 0.9)]
    crit = p[(p["metric"] == "avg_criteria")]
    flagged = crit[crit["set_change"]]
    assert list(zip(flagged["year"], flagged["criteria_set"])) == [(2023, "2021-2025")]


def test_unit_history_per_year(ds):
    h = unit_history(ds, "90102", "99-2020")
    assert list(h["year"]) == list(range(2014, 2025))
    assert list(h["level"][:7]) == ["none"] * 6 + ["standard"]
    assert list(h.loc[h["changed"], "year"]) == [2020]


# ---- captions and summary ----------------------------------------------------------------

def test_captions_vi_en_golden(ds):
    s = build_summary(ds, P, 2022)
    assert s["captions"]["vi"] == ("Năm 2022: 12/13 xã đạt chuẩn NTM (92,3%, theo báo cáo); "
                                   "1 xã của huyện An chưa đạt (địa giới 99-2020).")
    assert s["captions"]["en"] == ("2022: 12/13 communes (xã) met the NTM standard (92.3%, as reported); "
                                   "1 commune of An district not yet (99-2020 boundaries).")
    d = build_summary(ds, P, 2022, "901")
    # a reported aggregate of the district exists (AG3): it is the headline, and says so
    assert d["captions"]["vi"] == ("Năm 2022 (huyện An): 9/10 xã đạt chuẩn NTM (90,0%, theo báo cáo); 1 xã chưa đạt "
                                   "(địa giới 99-2020).")


def test_captions_follow_the_numbers_and_never_hide_provenance(ds):
    ds.aggregates = ds.aggregates[ds.aggregates["aggregate_id"] != "AG2"]
    s = build_summary(ds, P, 2022)
    # computed basis now: at least 11/13, the derived record is named, the unknown xã quoted
    assert s["captions"]["vi"] == ("Năm 2022: ít nhất 11/13 xã đạt chuẩn NTM (84,6%, có số liệu suy ra); "
                                   "1 xã của huyện An chưa đạt; 1 xã chưa có dữ liệu (địa giới 99-2020).")
    add_status(ds, record_id="X4", vintage="99-2020", unit_code="90203", admin_level="commune", year="2021",
               level="standard", provenance="illustrative")
    s = build_summary(ds, P, 2022)
    assert s["captions"]["vi"].startswith("Năm 2022: 12/13 xã đạt chuẩn NTM (92,3%, dữ liệu minh họa)")
    assert "illustrative data" in s["captions"]["en"]


def test_summary_is_json_and_complete(ds):
    for y in (2014, 2019, 2022, 2024):
        s = build_summary(ds, P, y)
        json.dumps(s)  # JSON-able
        for k in ("counts", "districts", "district_ladder", "reported_vs_computed", "targets", "holdouts",
                  "criteria", "transitions", "captions"):
            assert k in s
        assert s["counts"]["eligible"] == (14 if y < 2020 else 13)
    s = build_summary(ds, P, 2022)
    assert s["district_ladder"] == {"huyen": 1, "huyen_standard": 0, "huyen_advanced": 0, "huyen_model": 0,
                                    "huyen_unknown": 0, "towns_cities": 1, "completed": 1,
                                    "towns_cities_unknown": 0, "weakest_provenance": "reported"}
    assert s["transitions"]["counts"] == {"up": 0, "down": 0, "same": 12, "unknown": 1, "not_comparable": 0}
    with pytest.raises(MetricsInputError):
        build_summary(ds, P, 2022, "999")


def test_status_frame_contract_columns(ds):
    st = status_as_of(ds, P, 2022)
    for c in ("unit_code", "vintage", "name", "unit_type", "district_code", "district_name", "eligible", "level",
              "provenance", "source_id", "decision_no", "decision_date", "record_year", "criteria_set",
              "criteria_met", "criteria_total", "missing_criteria", "mixed", "illustrative", "note"):
        assert c in st.columns
    assert st.attrs["vintage"] == "99-2020" and st.attrs["province_name"] == "Tỉnh Mẫu"
    assert len(st) == 15


def test_targets_that_are_not_xa_counts_are_not_computed(ds):
    extra = pd.DataFrame([
        # "2/2 district-level units standard by 2025": the count is not 100 % of the 13 xã
        {"target_id": "T5", "scope": "province", "vintage": "99-2020", "unit_code": "99", "admin_level": "province",
         "level": "standard", "target_year": "2025", "target_share": "1.0", "target_count": "2"},
        {"target_id": "T6", "scope": "province", "vintage": "99-2020", "unit_code": "99", "admin_level": "province",
         "level": None, "target_year": "2015", "target_share": None, "target_count": "0"},
        {"target_id": "T7", "scope": "province", "vintage": "99-2020", "unit_code": "99", "admin_level": "province",
         "level": "completed", "target_year": "2025", "target_share": None, "target_count": None},
    ])
    ds.targets = pd.concat([ds.targets, extra], ignore_index=True)
    t = {x["target_id"]: x for x in build_summary(ds, P, 2022)["targets"]}
    assert t["T5"]["state"] == "not_computed" and t["T5"]["gap"] is None
    assert t["T7"]["state"] == "not_computed"
    assert "T6" not in t  # due in 2015 and not computable: not listed for 2022
    h = holdouts(ds, P, 2025)  # T5 must not make every xã a 2025 unit target
    assert "T5" not in set(h["target_id"])


def test_number_formatting_vi_en():
    from metrics.fmt import format_number, format_percent
    assert format_percent(177 / 181, "vi") == "97,8%" and format_percent(177 / 181, "en") == "97.8%"
    assert format_percent(0.5625, "vi", 2) == "56,25%" and format_percent(0.5625, "vi") == "56,3%"
    assert format_number(11163, "vi") == "11.163" and format_number(11163, "en") == "11,163"
    assert format_number(1234567.891, "vi", 2) == "1.234.567,89"
    assert format_number(-0.5, "en", 0) == "-1" and format_number(None, "vi") == "—"
    with pytest.raises(ValueError):
        format_number(1, "fr")
