"""The leadership page's pure blocks (ui/blocks/leadership.py) and its URL parameters
(ui/frame/state.py): weights and period in the link, index classes, the ranked table, the
reporting calendar (escaped, readable without colour) — on the hand-made province 99."""
import datetime as dt

import pytest

from testing import fixture_module

leadership_fixture = fixture_module("leadership_fixture")

from metrics.indicators import Context  # noqa: E402
from metrics.leadership import build_index  # noqa: E402
from ui.blocks import leadership as lb  # noqa: E402
from ui.frame.state import Choices, parse_params  # noqa: E402

CH = Choices(years=(2023, 2024), default_year=2024, provinces=("42", "99", "all"))
NOW = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
ZERO = {k: 0 for k in ("new_models", "new_enterprises", "new_cooperatives", "model_residential_areas",
                       "villages_standard")}


def test_url_keeps_period_weights_and_locality():
    st, bad = parse_params({"period": "2024-5", "weights": "model_gardens=0,criteria_met=2", "locality": "901"}, CH)
    assert bad == []
    assert (st.period, st.locality) == ("2024-05", "901")
    assert st.weights == "criteria_met=2,model_gardens=0"          # normalised, contract key order
    assert parse_params(st.as_params(), CH) == (st, [])


@pytest.mark.parametrize("param,value", [("period", "2024-13"), ("weights", "x=1"), ("weights", "new_models=-2"),
                                         ("locality", "<script>")])
def test_bad_page_parameters_fall_back_with_a_notice(param, value):
    st, bad = parse_params({param: value}, CH)
    assert bad == [(param, value)] and getattr(st, param) is None


def test_default_weights_leave_no_parameter():
    w, ok = lb.weights_from_param(None)
    assert ok and lb.weights_param(w) is None
    w, ok = lb.weights_from_param("new_models=3")
    assert ok and w["new_models"] == 3 and lb.weights_param(w) == "new_models=3"
    assert lb.weights_from_param("bad")[1] is False


def test_index_classes_and_incomplete():
    from ui.maps import spec
    got = [spec.index_class({"index": v}) for v in (0, 19.99, 20, 59, 80, 100, None, float("nan"))]
    assert got == ["i0", "i0", "i1", "i2", "i4", "i4", "incomplete", "incomplete"]
    assert spec.index_class({"index": None, "eligible": False}) == "not_applicable"     # a phường: no locality


def test_index_map_spec_fills_every_locality_and_names_the_incomplete():
    from ui.maps import spec
    result = {"level": "district", "localities": [
        {"unit_code": "901", "index": 85.0, "complete": True}, {"unit_code": "902", "index": None, "complete": False},
        {"unit_code": "903", "index": 20.0, "complete": True}]}
    sp = lb.index_map_spec(result, "99", 2024, ["901", "902", "903"])
    assert sp.mode == "index_district" and sp.classes == {"901": "i4", "902": "incomplete", "903": "i1"}
    rows = {r.key: r for r in sp.legend}
    assert (rows["i4"].count, rows["i1"].count, rows["incomplete"].count, rows["i0"].count) == (1, 1, 1, 0)
    assert rows["i1"].text("vi") == "20–40" and rows["incomplete"].text("en") == "Incomplete"
    assert sp.den is None                                      # no shares: an index is not a count
    # after 7/2025 the localities are the xã: a phường of the layer is drawn as not applicable
    two = {"level": "commune", "localities": [{"unit_code": "90101", "index": 50.0, "complete": True}]}
    sp2 = lb.index_map_spec(two, "99", 2025, ["90101", "90102"])
    assert sp2.mode == "index_commune" and sp2.classes == {"90101": "i2", "90102": "not_applicable"}
    assert "not_applicable" not in {r.key for r in sp.legend}


def test_default_period_is_the_latest_month_not_in_the_future():
    from domain.periods import parse
    avail = [parse(p) for p in ("2024", "2024-Q1", "2024-03", "2027-01")]
    assert lb.default_period(avail, NOW) == "2024-03"
    assert lb.default_period([parse("2021")], NOW) == "2021"
    assert lb.default_period([], NOW) is None


@pytest.fixture
def ctx():
    return Context(leadership_fixture.load(), "99", now=NOW)


def test_ranked_table_lists_ranked_first_and_names_what_is_missing(ctx):
    r = build_index(ctx, "2024-05", ZERO, sensitivity=True)
    df = lb.ranked_frame(r, "vi", r["sensitivity"]["ranges"])
    assert df["Địa phương"].tolist() == ["Thị xã Hai", "Huyện Một"]
    assert df["Hạng"].tolist() == ["1", "—"]
    assert "Vườn mẫu" in df.iloc[1]["Dữ liệu"] and df.iloc[1]["Chỉ số"] == "—"
    en = lb.ranked_frame(r, "en")
    assert en.iloc[1]["Data"] == "incomplete: missing Gardens" and en.iloc[0]["Criteria"] == "19"


def test_month_table_puts_late_and_missing_first(ctx):
    states = ctx.report_states("2024-04") + ctx.report_states("2024-05")
    may = [s for s in states if s["period"] == "2024-05"]
    df = lb.month_table(may, "vi")
    assert df["Tình trạng"].tolist() == ["Trễ hạn", "Đúng hạn"]
    assert df.iloc[0]["Người nhập"] == "editor-2" and df.iloc[0]["Nhận lúc"] == "21/05/2024 00:00"
    assert df.iloc[1]["Nhận lúc"] == "20/05/2024 23:59"
    assert lb.counts_line(may, "en") == "Missing: 0 · Late: 1 · Not yet due: 0 · On time: 1"


def test_calendar_escapes_names_and_marks_states_with_letters(ctx):
    states = [s for m in ("2024-04", "2024-05") for s in ctx.report_states(m)]
    states = [dict(s, name="<b>Xã & co</b>") if s["unit_code"] == "901" else s for s in states]
    page = lb.calendar_html(states, ["2024-04", "2024-05"], "vi")
    assert "<b>Xã" not in page and "&lt;b&gt;Xã &amp; co&lt;/b&gt;" in page
    assert page.count('class="ntm-cal-late"') == 1 and page.count('class="ntm-cal-missing"') == 1
    assert page.count('class="ntm-cal-on_time"') == 2
    assert "✗" in page and "!" in page and "✓" in page       # not colour alone


def test_components_frame_marks_computed_columns(ctx):
    f = lb.components_frame(ctx.components("2024-05"), "vi")
    assert set(f["indicator"]) == set(lb.INDICATORS)
    assert f.loc[f["indicator"] == "criteria_met", "computed"].all()
    assert not f.loc[f["indicator"] == "model_gardens", "computed"].any()
    assert (f["period"] == "2024-05").all()


def test_card_figure_splits_the_line_at_a_definition_change():
    import pandas as pd
    s = pd.DataFrame([
        {"period": "2020", "indicator": "model_gardens", "value": 30.0, "definition": "2016-2020"},
        {"period": "2021", "indicator": "model_gardens", "value": 40.0, "definition": "2016-2020"},
        {"period": "2022", "indicator": "model_gardens", "value": 5.0, "definition": "2021-2025"},
        {"period": "2023", "indicator": "model_gardens", "value": 9.0, "definition": "2021-2025"}])
    fig = lb.card_figure(s, "model_gardens", "vi")
    lines = [tr for tr in fig.data if tr.mode == "lines+markers"]
    assert [list(tr.x) for tr in lines] == [["2020", "2021"], ["2022", "2023"]]     # two segments, no join
    assert any("đổi định nghĩa" in a.text for a in fig.layout.annotations)


def test_card_figure_without_a_value_is_no_chart_and_counts_start_at_zero():
    import pandas as pd
    empty = pd.DataFrame([{"period": p, "indicator": "new_models", "value": None, "definition": None}
                          for p in ("2024-04", "2024-05")])
    assert lb.card_figure(empty, "new_models", "vi") is None          # "no record", never an empty axis
    tg = [{"indicator": "new_models", "period": "2024-05", "value": 3, "qualifier": "exact"}]
    assert lb.card_figure(empty, "new_models", "vi", tg) is not None   # a target alone is still a point
    s = pd.DataFrame([{"period": "2018", "indicator": "model_gardens", "value": 2300.0, "definition": "2016-2020"},
                      {"period": "2025-09", "indicator": "model_gardens", "value": 1753.0,
                       "definition": "2021-2025"}])
    assert lb.card_figure(s, "model_gardens", "en").layout.yaxis.rangemode == "tozero"


def test_index_map_of_the_real_districts_draws_every_locality():
    from loaders.dataset import load_dataset
    from metrics.indicators import Context
    from metrics.leadership import build_index
    from ui.frame import data
    from ui.maps import spec
    r = build_index(Context(load_dataset().with_illustrative(True), "42"), "2024-05", {"criteria_met": 0})
    districts, communes = data.districts_geo(r["vintage"]), data.communes_geo(r["vintage"])
    sp = lb.index_map_spec(r, "42", 2024, districts["unit_code"].astype(str))
    assert set(sp.classes) == {x["unit_code"] for x in r["localities"]} == set(districts["unit_code"].astype(str))
    for x in r["localities"]:
        assert sp.classes[x["unit_code"]] == spec.index_class({"index": x["index"]})
    assert sum(row.count for row in sp.legend) == len(r["localities"])
    png = lb.index_map_png(sp, communes, districts, lang="vi", illustrative=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
