"""The index arithmetic (metrics/index.py) on hand-made numbers: rank-based normalisation, weights,
missing components, ties, the sensitivity view; and the period vocabulary (domain/periods.py)."""
import datetime as dt

import pytest

from domain import periods
from domain.indicators import INDICATORS, row_problems
from metrics import index as ix

KEYS = INDICATORS


def full(**vals):
    """A locality with every component at ``vals.get(key, 1)``."""
    return {k: vals.get(k, 1.0) for k in KEYS}


# ---------------------------------------------------------------- normalisation
def test_rank_scores_lowest_zero_highest_one_linear_in_rank():
    assert ix.rank_scores({"a": 10, "b": 20, "c": 1000}) == {"a": 0.0, "b": 0.5, "c": 1.0}


def test_rank_scores_ties_share_their_average_rank():
    # a and b tie for ranks 1 and 2 (average 1.5): (1.5 - 1) / (4 - 1)
    s = ix.rank_scores({"a": 5, "b": 5, "c": 7, "d": 9})
    assert s["a"] == s["b"] == pytest.approx(0.5 / 3)
    assert (s["c"], s["d"]) == (pytest.approx(2 / 3), 1.0)


def test_rank_scores_single_or_all_equal_is_one_half_and_missing_stays_missing():
    assert ix.rank_scores({"a": 3, "b": None}) == {"a": 0.5, "b": None}
    assert ix.rank_scores({"a": 0, "b": 0, "c": 0}) == {"a": 0.5, "b": 0.5, "c": 0.5}
    # a zero is a value (it ranks lowest), None is not
    assert ix.rank_scores({"a": 0, "b": None, "c": 4}) == {"a": 0.0, "b": None, "c": 1.0}


# ---------------------------------------------------------------- index, weights, missing
def test_index_is_weighted_mean_of_scores_times_100():
    comps = {"a": full(new_models=1, model_gardens=3), "b": full(new_models=2, model_gardens=2),
             "c": full(new_models=3, model_gardens=1)}
    w = {k: 0.0 for k in KEYS} | {"new_models": 3.0, "model_gardens": 1.0}
    r = ix.compute(comps, w)
    # scores: new_models a 0, b .5, c 1; model_gardens a 1, b .5, c 0
    assert r["a"].index == pytest.approx(100 * (3 * 0 + 1 * 1) / 4)
    assert r["b"].index == pytest.approx(50.0)
    assert r["c"].index == pytest.approx(75.0)
    assert [r[c].rank for c in "cba"] == [1, 2, 3]


def test_default_weights_are_equal_and_listed_weights_replace_only_theirs():
    assert set(ix.DEFAULT_WEIGHTS) == set(KEYS) and set(ix.DEFAULT_WEIGHTS.values()) == {1.0}
    w = ix.weights_with(ix.parse_weights("criteria_met=2, model_gardens=0"))
    assert w["criteria_met"] == 2 and w["model_gardens"] == 0
    assert all(w[k] == 1 for k in KEYS if k not in ("criteria_met", "model_gardens"))
    assert ix.weights_text(w) == "criteria_met=2,model_gardens=0"


@pytest.mark.parametrize("text", ["nope=1", "criteria_met=-1", "criteria_met=x", "criteria_met",
                                  "criteria_met=inf"])
def test_bad_weights_are_refused(text):
    with pytest.raises(ix.WeightsError):
        ix.weights_with(ix.parse_weights(text))


def test_all_zero_weights_are_refused():
    with pytest.raises(ix.WeightsError):
        ix.weights_with({k: 0 for k in KEYS})


def test_missing_weighted_component_makes_incomplete_never_zero():
    comps = {"a": full(new_models=5), "b": full(new_models=None), "c": full(new_models=1)}
    r = ix.compute(comps)
    assert r["b"].complete is False and r["b"].index is None and r["b"].rank is None
    assert r["b"].missing == ("new_models",)
    # b is not ranked below c as if it had 0: only a and c are ranked
    assert (r["a"].rank, r["c"].rank) == (1, 2)
    # its other components are still scored (they rank among everyone who has them)
    assert r["b"].scores["model_gardens"] == 0.5


def test_zero_weight_component_never_makes_incomplete():
    comps = {"a": full(new_models=5), "b": full(new_models=None)}
    r = ix.compute(comps, {"new_models": 0})
    assert r["b"].complete and r["b"].rank is not None
    assert r["a"].index == r["b"].index == 50.0    # every other component ties


def test_ties_share_a_rank_and_the_next_rank_skips():
    comps = {"a": full(new_models=3), "b": full(new_models=2), "c": full(new_models=2), "d": full(new_models=1)}
    r = ix.compute(comps)
    assert [r[c].rank for c in "abcd"] == [1, 2, 2, 4]
    names = {"a": "Z", "b": "Y", "c": "X", "d": "W"}
    assert [x.unit_code for x in ix.ordered(r, names)] == ["a", "c", "b", "d"]   # by name within a tie


def test_ordered_puts_incomplete_last():
    comps = {"a": full(new_models=None), "b": full(new_models=1), "c": full(new_models=2)}
    assert [x.unit_code for x in ix.ordered(ix.compute(comps))] == ["c", "b", "a"]


def test_change_since_previous_period():
    prev = ix.compute({"a": full(new_models=1), "b": full(new_models=2)})
    cur = ix.compute({"a": full(new_models=2), "b": full(new_models=1)})
    d = ix.change(cur, prev)
    assert d["a"] == (pytest.approx(100 / 8), 1)          # up one place, index +12.5
    assert d["b"] == (pytest.approx(-100 / 8), -1)
    assert ix.change(cur, None)["a"] == (None, None)


def test_sensitivity_reports_how_far_ranks_move():
    # a leads on new_models (weight 2), b on model_gardens (weight 1): a first, b second, c last
    comps = {"a": full(new_models=2, model_gardens=1), "b": full(new_models=1, model_gardens=2),
             "c": full(new_models=0, model_gardens=0)}
    w = {k: 0.0 for k in KEYS} | {"new_models": 2.0, "model_gardens": 1.0}
    assert [ix.compute(comps, w)[c].rank for c in "abc"] == [1, 2, 3]
    s = ix.sensitivity(comps, w)
    by = {(x["component"], x["factor"]): x for x in s["scenarios"]}
    assert set(by) == {("new_models", 0.0), ("new_models", 2.0), ("model_gardens", 0.0), ("model_gardens", 2.0)}
    assert (by[("new_models", 0.0)]["moved"], by[("new_models", 0.0)]["max_shift"]) == (2, 1)   # a and b swap
    assert by[("new_models", 2.0)]["moved"] == 0
    assert by[("model_gardens", 0.0)]["moved"] == 0
    assert by[("model_gardens", 2.0)]["moved"] == 1     # weights 2:2 tie a and b: b moves up to share 1st
    assert s["ranges"] == {"a": (1, 2), "b": (1, 2), "c": (3, 3)}


# ---------------------------------------------------------------- periods
@pytest.mark.parametrize("text,kind,start,end", [
    ("2024-05", "month", dt.date(2024, 5, 1), dt.date(2024, 5, 31)),
    ("2024-2", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2024-Q2", "quarter", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
    ("2025-q3", "quarter", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    ("2025", "year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
])
def test_periods_parse_to_spans(text, kind, start, end):
    p = periods.parse(text)
    assert (p.kind, p.start, p.end) == (kind, start, end)
    assert periods.parse(str(p)) == p


@pytest.mark.parametrize("bad", ["2024-13", "2024-Q5", "24-05", "2024/05", "", "May 2024", None])
def test_bad_periods_raise(bad):
    with pytest.raises(periods.PeriodError):
        periods.parse(bad)


def test_period_order_previous_children_contains():
    p = periods.parse
    assert periods.ordered(["2024-05", "2024", "2024-Q2", "2023-12"]) == [p("2023-12"), p("2024"), p("2024-Q2"),
                                                                          p("2024-05")]
    assert (p("2024-01").previous(), p("2024-Q1").previous(), p("2024").previous()) == (p("2023-12"), p("2023-Q4"),
                                                                                         p("2023"))
    assert p("2024-12").next() == p("2025-01")
    assert [str(x) for x in p("2024-Q3").children("month")] == ["2024-07", "2024-08", "2024-09"]
    assert [str(x) for x in p("2024").children("quarter")] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert p("2024").contains(p("2024-05")) and not p("2024-Q1").contains(p("2024-05"))


def test_deadline_is_2359_local_on_the_day():
    due = periods.end_of_day(dt.date(2024, 5, 20))
    assert due.isoformat().startswith("2024-05-20T23:59:59") and due.utcoffset() == dt.timedelta(hours=7)
    assert periods.to_local("2024-05-20T16:59:00") <= due < periods.to_local("2024-05-20T17:00:00")


def test_indicator_row_problems():
    assert row_problems("model_gardens", "2024-05", "12") == []
    assert row_problems("criteria_met", "2024-05", "17") == [("indicator", "computed")]
    assert row_problems("reports_on_time", "2024-05", "1") == [("indicator", "computed")]
    assert row_problems("gardens", "2024-05", "1") == [("indicator", "unknown")]
    assert row_problems("model_gardens", "2024-13", "1") == [("period", "period")]
    assert row_problems("model_gardens", "2024", "-1") == [("value", "negative")]
    assert row_problems("model_gardens", "2024", "2,300") == [("value", "not_whole")]
    assert row_problems("model_gardens", "2024", "many") == [("value", "number")]
    assert row_problems("new_models", "2024", "3", qualifier="increase") == [("qualifier", "increase_flow")]
    assert row_problems("model_gardens", "2024", "3", basis="plan") == [("basis", "basis")]
