"""Components of the index and the reporting rules on the hand-made province 99
(tests/fixtures/leadership_fixture.py): aggregation over periods and communes, criteria met from
the status records, compliance (on time at 23:59 on the 20th, late after, missing), localities
before and after the two-level reform, and the assembled index object."""
import datetime as dt

import pytest

from testing import fixture_module

leadership_fixture = fixture_module("leadership_fixture")

from domain import obligations as obl  # noqa: E402
from metrics.common import MetricsInputError  # noqa: E402
from metrics.indicators import Context, breaks, series  # noqa: E402
from metrics.leadership import build_index  # noqa: E402

NOW = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)


@pytest.fixture
def ctx():
    return Context(leadership_fixture.load(), "99", now=NOW)


def val(ctx, period, code, key):
    return ctx.matrix(period)[code][key]


def test_localities_are_districts_before_the_reform_and_xa_after(ctx):
    assert [u["unit_code"] for u in ctx.localities("2024-05")] == ["901", "902"]
    assert ctx.vintage("2025-Q2").vintage == "99-A"          # ends 30/6/2025
    # from 7/2025: the xã of the two-level vintage, not the phường
    assert [u["unit_code"] for u in ctx.localities("2025-07")] == ["90101", "90201"]
    assert ctx.vintage("2025").vintage == "99-B"             # a year resolves on 31 December
    with pytest.raises(MetricsInputError):
        ctx.localities("2019-05")                             # no vintage valid then


def test_flows_sum_over_months_only_when_all_are_present(ctx):
    assert val(ctx, "2024-Q1", "901", "new_models") == 9
    assert val(ctx, "2024-Q1", "902", "new_models") is None   # February missing: no sum, never a zero
    assert val(ctx, "2024-01", "902", "new_models") == 1


def test_stocks_take_the_last_month_and_an_own_row_wins(ctx):
    assert val(ctx, "2024-Q1", "901", "model_gardens") == 50
    assert val(ctx, "2024-Q1", "902", "model_gardens") == 30
    assert val(ctx, "2024-02", "901", "model_gardens") == 45


def test_district_value_from_its_communes_needs_every_xa(ctx):
    assert val(ctx, "2024-05", "902", "model_gardens") == 12     # its only xã
    assert val(ctx, "2024-05", "901", "model_gardens") is None   # Xã B has no value


def test_sourced_value_wins_over_illustrative(ctx):
    c = ctx.components("2024-04")
    row = c[(c.unit_code == "901") & (c.indicator == "new_models")].iloc[0]
    assert (row.value, row.provenance) == (7, "reported")


def test_targets_and_increases_are_not_components(ctx):
    assert val(ctx, "2024", "901", "villages_standard") is None
    assert val(ctx, "2024-06", "901", "villages_standard") is None
    t = ctx.targets(ctx.localities("2024")[0])
    assert {(r["period"], r["basis"], r["qualifier"], r["value"]) for r in t} == {
        ("2024", "target", "exact", 10), ("2024-06", "actual", "increase", 3)}


def test_criteria_met_is_computed_from_status(ctx):
    # label year 2023 for a 2024 month: Xã A recognised (19 of the 2021-2025 set), Xã B 15 → 17.0
    assert val(ctx, "2024-05", "901", "criteria_met") == 17.0
    assert val(ctx, "2024-05", "902", "criteria_met") == 19.0
    # 2023-05 reads label year 2022: no record yet → missing, not zero
    assert val(ctx, "2023-05", "901", "criteria_met") is None
    # only the set in force counts: in 2022-Q4 (label year 2022, set 2021-2025) Xã D's latest
    # record is its 2016-2020 recognition, which says nothing of the new set
    assert val(ctx, "2022-Q4", "902", "criteria_met") is None
    assert val(ctx, "2022-05", "902", "criteria_met") == 20.0      # label year 2021: the old set
    # a year falls back to the area's reported average when the records are incomplete
    c = ctx.components("2022")
    row = c[(c.unit_code == "902") & (c.indicator == "criteria_met")].iloc[0]
    assert (row.value, row.how, row.provenance) == (18.5, "reported", "reported")


def test_compliance_on_time_until_2359_on_the_20th_late_after_missing_without(ctx):
    st = {s["unit_code"]: s for s in ctx.report_states("2024-05")}
    assert st["901"]["state"] == obl.ON_TIME           # 23:59:00 local on the 20th
    assert st["902"]["state"] == obl.LATE              # 00:00 local on the 21st
    assert st["901"]["username"] == "editor-1" and st["901"]["import_id"] == 11
    st4 = {s["unit_code"]: s for s in ctx.report_states("2024-04")}
    assert (st4["901"]["state"], st4["902"]["state"]) == (obl.ON_TIME, obl.MISSING)
    assert st4["902"]["open"] is False


def test_real_receipt_wins_over_illustrative(ctx):
    st = {s["unit_code"]: s for s in ctx.report_states("2024-06")}
    assert (st["902"]["state"], st["902"]["provenance"]) == (obl.LATE, "reported")
    assert (st["901"]["state"], st["901"]["provenance"]) == (obl.ON_TIME, "illustrative")


def test_missing_report_is_open_until_the_deadline():
    ds = leadership_fixture.load()
    before = Context(ds, "99", now=dt.datetime(2025, 7, 20, 16, 0, tzinfo=dt.timezone.utc))   # 23:00 local
    after = Context(ds, "99", now=dt.datetime(2025, 7, 20, 17, 0, tzinfo=dt.timezone.utc))    # 00:00 on the 21st
    d_before = {s["unit_code"]: s for s in before.report_states("2025-07")}["90201"]
    d_after = {s["unit_code"]: s for s in after.report_states("2025-07")}["90201"]
    assert (d_before["state"], d_before["open"]) == (obl.MISSING, True)
    assert (d_after["state"], d_after["open"]) == (obl.MISSING, False)
    # an open report is not counted against the locality yet
    assert before.matrix("2025-07")["90201"]["reports_on_time"] is None
    assert after.matrix("2025-07")["90201"]["reports_on_time"] == 0.0


def test_reports_on_time_share_and_no_obligation_before_it_is_in_force(ctx):
    # 2024-Q2 for Huyện Một: April on time, May on time (23:59), June on time (illustrative) → 1.0
    assert val(ctx, "2024-Q2", "901", "reports_on_time") == 1.0
    # Thị xã Hai: April missing, May late, June late → 0 of 3
    assert val(ctx, "2024-Q2", "902", "reports_on_time") == 0.0
    # 2024: January to March had no receipt for anyone (missing), then as above
    assert val(ctx, "2024", "901", "reports_on_time") == pytest.approx(3 / 12)
    # the obligation is in force from 1/1/2024: nothing is due in 2023
    assert val(ctx, "2023-05", "901", "reports_on_time") is None


def test_untracked_obligation_has_no_states(ctx):
    plan = next(o for o in ctx.obligations if o.obligation_id == "O-99-plan")
    assert plan.tracked is False
    assert obl.locality_states(plan, "2024-04", ctx.localities, ctx.receipts, NOW) == []


def test_build_index_contract_shape_and_incomplete(ctx):
    r = build_index(ctx, "2024-05", {"new_models": 0, "new_enterprises": 0, "new_cooperatives": 0,
                                     "model_residential_areas": 0, "villages_standard": 0})
    assert {"period", "weights", "localities"} <= set(r)
    assert r["period"] == "2024-05" and r["weights"]["new_models"] == 0 and r["weights"]["criteria_met"] == 1
    locs = {x["unit_code"]: x for x in r["localities"]}
    for x in r["localities"]:
        assert {"unit_code", "name", "components", "index", "rank", "complete"} <= set(x)
    # 901 lacks model_gardens (weight 1): incomplete, rank null; 902 is the only one ranked
    assert (locs["901"]["complete"], locs["901"]["rank"], locs["901"]["index"]) == (False, None, None)
    assert locs["901"]["missing"] == ["model_gardens"]
    assert (locs["902"]["rank"], locs["902"]["complete"]) == (1, True)
    assert [x["unit_code"] for x in r["localities"]] == ["902", "901"]      # ranked first
    # with model_gardens at weight 0 as well, both are ranked
    r2 = build_index(ctx, "2024-05", {"new_models": 0, "new_enterprises": 0, "new_cooperatives": 0,
                                      "model_residential_areas": 0, "villages_standard": 0, "model_gardens": 0})
    assert all(x["complete"] for x in r2["localities"])


def test_change_only_on_the_same_vintage(ctx):
    r = build_index(ctx, "2025-07", {k: 0 for k in ("new_models", "new_enterprises", "new_cooperatives",
                                                    "model_residential_areas", "model_gardens",
                                                    "villages_standard", "criteria_met")})
    assert r["previous_period"] is None          # 2025-06 is on the districts' vintage
    assert all(x["change"] == {"index": None, "rank": None} for x in r["localities"])
    assert {x["unit_code"]: x["rank"] for x in r["localities"]} == {"90101": 1, "90201": 2}


def test_series_and_definition_breaks():
    rows = [{"value": 230, "definition": "2016-2020"}, {"value": None, "definition": None},
            {"value": 104, "definition": "2016-2020"}, {"value": 103, "definition": "2021-2025"}]
    assert breaks(rows) == [3]
    ctx = Context(leadership_fixture.load(), "99", now=NOW)
    s = series(ctx, ctx.localities("2024-01")[0], ["2024-01", "2024-02", "2024-03", "2025-07"])
    got = s[s.indicator == "new_models"]
    assert got["period"].tolist() == ["2024-01", "2024-02", "2024-03"]      # 2025-07 is another vintage
    assert got["value"].tolist() == [2, 3, 4]
