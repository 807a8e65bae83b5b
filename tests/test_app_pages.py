"""AppTest: every page through app.py with the real data; shown numbers, captions
and tables must equal what metrics computes; widget changes and bad query
parameters behave. Expected values come from metrics calls, never literals."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics.counts import level_counts
from metrics.fmt import format_number, format_percent
from metrics.holdouts import holdouts
from metrics.present import figure_parts
from metrics.status import status_as_of
from metrics.summary import build_summary
from testing import LEGEND_LEVELS, RECOGNISED, dataset, run_app
from ui.frame.i18n import t

TIMEOUT = 120


@pytest.fixture(scope="module")
def full_ds():
    return dataset(illustrative=True)


@pytest.fixture(scope="module")
def ds():
    return dataset()


@pytest.fixture(scope="module")
def latest(ds):
    """The year the app opens on: the latest year with a sourced record (the 6/2025 figures)."""
    from ui.frame.layout import build_choices
    return build_choices(dataset(illustrative=True), ds).default_year


def run(page: str | None = None, **params) -> AppTest:
    return run_app(page, TIMEOUT, **params)


def html_bodies(at) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def caption_of(at) -> str:
    for body in html_bodies(at):
        m = re.search(r'data-testid="ntm-caption">(.*?)</p>', body, re.S)
        if m:
            return html.unescape(m.group(1))
    raise AssertionError("no caption shown")


def tile_text(at, testid: str) -> str:
    for body in html_bodies(at):
        if f'data-testid="{testid}"' in body:
            return html.unescape(re.sub(r"<[^>]+>", " ", body))
    raise AssertionError(f"no tile {testid}")


def expected_caption(ds, year, lang="vi", district=None, level="standard"):
    caps = build_summary(ds, "42", year, district_code=district)["captions"]
    return caps["levels"][level][lang]


# ---- overview ------------------------------------------------------------------

def expected_tile(ds, year, level, lang="vi", district=None):
    """What a KPI tile must say: THE figure's texts (metrics.present), not a count of its own."""
    fig = build_summary(ds, "42", year, district_code=district)["figures"][level]
    return figure_parts(fig, lang)


def test_overview_caption_and_kpis_equal_metrics(ds, latest):
    at = run()
    assert at.title[0].value == t("overview.title", "vi")
    assert caption_of(at) == expected_caption(ds, latest)
    for level in RECOGNISED:
        text = tile_text(at, f"kpi-{level}")
        p = expected_tile(ds, latest, level)
        assert p["count"] in text and p["value"] in text and p["how"] in text


def test_overview_year_widget_changes_the_figures(ds, latest):
    at = run()
    year = latest - 2
    at.select_slider(key="ntm_w_year").set_value(year).run()
    assert not at.exception
    assert caption_of(at) == expected_caption(ds, year)
    assert at.query_params["year"] == [str(year)] or at.query_params["year"] == str(year)
    assert expected_tile(ds, year, "standard")["count"] in tile_text(at, "kpi-standard")


def test_language_switch_and_lang_param(ds, latest):
    at = run()
    at.button_group(key="ntm_w_lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("overview.title", "en")
    assert caption_of(at) == expected_caption(ds, latest, "en")
    at2 = run(lang="en", year=latest - 1)
    assert caption_of(at2) == expected_caption(ds, latest - 1, "en")


@pytest.mark.parametrize("param,value", [("year", "1800"), ("province", "99"), ("level", "gold"),
                                         ("lang", "fr"), ("district", "999"), ("compare", "abc")])
def test_bad_query_params_fall_back_with_a_notice(ds, latest, param, value):
    at = run(**{param: value})
    from ui.frame.safe import literal
    notices = [w.value for w in at.warning]
    assert t("app.bad_param", "vi", param=literal(param), value=literal(value)) in notices
    # the defaults are in force: the Hà Tĩnh caption of the latest year
    assert caption_of(at) == expected_caption(ds, latest)


# ---- every page ------------------------------------------------------------------

@pytest.mark.parametrize("page", ["pages/overview.py", "pages/map.py", "pages/progress.py", "pages/holdouts.py",
                                  "pages/area.py", "pages/sources.py", "pages/data.py"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_runs(page, lang):
    at = run(page, lang=lang)
    slug = Path(page).stem
    # /area on the year the app opens on (2025, no districts since 1/7/2025) is "my commune"
    assert at.title[0].value == t("area.title_unit" if slug == "area" else f"{slug}.title", lang)


def test_map_legend_counts_equal_metrics(ds):
    year = 2022
    at = run("pages/map.py", year=year)
    legend = next(b for b in html_bodies(at) if "ntm-legend" in b)
    row = level_counts(status_as_of(ds, "42", year)).iloc[0]
    for level in LEGEND_LEVELS:
        m = re.search(rf'<tr data-class="{level}">.*?data-count="(\d+)"', legend, re.S)
        assert m and int(m.group(1)) == int(row[level]), level


def test_map_criteria_layer_and_search_pick(ds):
    at = run("pages/map.py", level="criteria", year=2022)
    assert any("ntm-legend" in b and t("map.legend_criteria", "vi") in b for b in html_bodies(at))
    at.text_input(key="ntm_w_search").set_value("huong lam").run()
    assert not at.exception
    hit = at.selectbox(key="ntm_w_hit")
    name = "Xã Hương Lâm"
    assert hit.value == 0 and hit.options[0].startswith(name + " — ")
    picked = at.query_params["commune"]
    picked = picked[0] if isinstance(picked, list) else picked
    assert status_as_of(ds, "42", 2022).set_index("unit_code").loc[picked, "name"] == name
    # the detail panel for the picked commune is shown, with its name
    assert any(t("detail.title", "vi", name=name) == s.value for s in at.subheader)


def test_district_view_lands_via_param(ds):
    year = 2022
    at = run("pages/area.py", district="444", year=year)
    assert caption_of(at) == expected_caption(ds, year, district="444")
    table = at.dataframe[0].value
    mine = status_as_of(ds, "42", year)
    mine = mine[mine["district_code"] == "444"]
    assert len(table) == len(mine)
    assert set(table[t("cols.commune", "vi")]) == set(mine["name"])
    # a commune's level column equals the metrics level (translated)
    r = mine[mine["name"] == "Xã Hà Linh"].iloc[0]
    shown = table.set_index(t("cols.commune", "vi")).loc["Xã Hà Linh", t("cols.level", "vi")]
    assert shown == t(f"levels.{r['level']}", "vi")


def test_district_widget_changes_the_view(ds):
    at = run("pages/area.py", year=2022)
    assert not at.dataframe     # no district chosen yet
    at.selectbox(key="ntm_w_district").set_value("448").run()
    assert not at.exception
    assert caption_of(at) == expected_caption(ds, 2022, district="448")
    assert at.query_params["district"] in ("448", ["448"])


def test_holdouts_page_lists_the_rule_result(ds):
    year = 2022
    at = run("pages/holdouts.py", year=year)
    h = holdouts(ds, "42", year)
    listed = h[h["listed_as"] == "holdout"]
    table = at.dataframe[1].value        # [0] is the per-year summary
    # one row per unit, with every rule it meets (no duplicate rows)
    assert len(table) == listed["unit_code"].nunique() == len(set(table[t("cols.unit", "vi")]))
    assert set(table[t("cols.unit", "vi")]) == set(listed["name"])
    assert {"Xã Điền Mỹ", "Xã Hà Linh", "Xã Hương Lâm", "Xã Hương Liên", "Huyện Lộc Hà"} <= set(listed["name"])
    both = table.set_index(t("cols.unit", "vi")).loc["Xã Điền Mỹ", t("cols.rule", "vi")]
    assert set(listed.loc[listed["name"] == "Xã Điền Mỹ", "rule"]) == {"a", "b"} and both.count(";") == 1
    # sources as short labels, never internal ids; no raw None
    shown = " ".join(table[t("cols.source", "vi")].astype(str))
    assert "hatinh-gov-12945" not in shown and "Cổng TTĐT tỉnh Hà Tĩnh, 28/06/2022" in shown
    assert "None" not in table.astype(str).to_string()
    # per-year summary: the 2022 row names the same units
    per_year = at.dataframe[0].value.set_index(t("cols.year", "vi"))
    assert set(per_year.loc[str(year), t("holdouts.units", "vi")].split(", ")) == set(listed["name"])

def test_sources_page_lists_every_source(ds):
    at = run("pages/sources.py")
    at.radio(key="ntm_w_sources").set_value("all").run()
    table = at.dataframe[0].value
    assert len(table) == len(ds.sources)
    assert set(table[t("cols.title", "vi")]) == set(ds.sources["title"])


def test_sources_page_filters_to_the_province_and_the_figure(ds):
    title = dict(zip(ds.sources["source_id"], ds.sources["title"]))
    at = run("pages/sources.py", year=2023)      # the current province by default
    shown = set(at.dataframe[0].value[t("cols.title", "vi")])
    assert title["baohatinh-post260401"] in shown                 # Hà Tĩnh's 2023 report
    assert title["baodantoc-1716171319349"] not in shown          # a Lào Cai article
    at.radio(key="ntm_w_sources").set_value("figure").run()
    fig = build_summary(ds, "42", 2023)["figures"]["standard"]
    shown = set(at.dataframe[0].value[t("cols.title", "vi")])
    want = {fig["source_id"], *fig["on_map"]["source_ids"], *(c["source_id"] for c in fig["comparisons"])}
    assert shown == {title[s] for s in want}


def test_illustrative_rows_only_behind_the_toggle(full_ds, ds, latest):
    if not (full_ds.status["provenance"].astype(str) == "illustrative").any():
        pytest.skip("no illustrative fill loaded")
    at = run()
    banner = t("app.illustrative_banner", "vi")
    assert banner not in [e.value for e in at.error]
    assert caption_of(at) == expected_caption(ds, latest)
    at.toggle(key="ntm_show_illustrative").set_value(True).run()
    assert not at.exception
    assert banner in [e.value for e in at.error]
    assert caption_of(at) == expected_caption(full_ds, latest)


def test_progress_chart_and_transitions_equal_metrics(ds):
    import json as _json
    from metrics.figures import headline_series
    from metrics.present import chart_points
    from metrics.transitions import transitions
    at = run("pages/progress.py", year=2023)
    years = sorted(int(y) for y in pd.to_numeric(ds.status["year"]).dropna().unique())
    from domain.years import current_year   # the chart runs to the current year (the 6/2025 figure included)
    want = {p["year"]: float(p["value"])
            for p in chart_points(headline_series(ds, "42", range(years[0], current_year() + 1), "standard"), "vi")}
    fig = _json.loads(at.get("plotly_chart")[0].proto.spec)
    got = {}
    for tr in fig["data"]:
        if tr.get("legendgroup") == "standard" and tr.get("mode") == "markers":
            got.update(zip([int(x) for x in tr["x"]], [float(y) for y in tr["y"]]))
    assert got == want   # the points are THE figure of each year, nothing of the chart's own
    assert (got[2018], got[2022], got[2023]) == (158, 177, 181)   # sourced: end-2018, 2022, labelled 2023
    assert not any(y in got for y in range(years[0], 2013))       # no figure before: gaps, never 0
    names = {tr.get("name") for tr in fig["data"]}
    assert {t("progress.kind.reported", "vi"), t("progress.kind.at_least", "vi")} <= names
    # the key under each chart (HTML that wraps on a phone) names what the legend would, each with a swatch
    import html as _html
    keys = [h.proto.body for h in at.get("html") if 'data-testid="chart-key"' in h.proto.body]
    listed = [tr["name"] for tr in fig["data"] if tr.get("showlegend", True) and tr.get("name")]
    assert len(keys) == 2 and fig["layout"]["showlegend"] is False
    assert [n for n in listed if f"{_html.escape(n)}</span>" not in keys[0]] == []
    assert keys[0].count("<img") == len(listed) and t("progress.kind.at_least", "vi") in listed
    # transitions 2022 → 2023: the matrix counts equal metrics' per-commune changes
    tr = transitions(ds, "42", 2022, 2023)
    el = tr[tr["eligible"].astype(bool)]
    matrix = at.dataframe[0].value
    assert int(matrix.to_numpy().sum()) == len(el)
    ups = int((el["change"] == "up").sum())
    changed = at.dataframe[1].value
    assert len(changed) == ups + int((el["change"] == "down").sum())


@pytest.mark.parametrize("province,year", [("38", None), ("10", 2024), ("15", None), ("38", 2023)])
def test_other_provinces_show_their_own_figures(ds, latest, province, year):
    year = year or latest
    at = run(province=province, year=year)
    caps = build_summary(ds, province, year)["captions"]
    assert caption_of(at) == caps["levels"]["standard"]["vi"]
    at = run("pages/map.py", province=province, year=year)
    legend = next(b for b in html_bodies(at) if "ntm-legend" in b)
    row = level_counts(status_as_of(ds, province, year)).iloc[0]
    m = re.search(r'<tr data-class="standard">.*?data-count="(\d+)"', legend, re.S)
    assert int(m.group(1)) == int(row["standard"])


def test_national_map_page():
    at = run("pages/map.py", province="all", year=2024)
    assert t("map.national_note", "vi") in [i.value for i in at.info]
    at = run("pages/map.py", province="all", year=2026)   # the 3,321 units of 1/7/2025
    assert any('data-testid="ntm-structure"' in b and "3.321" in b for b in html_bodies(at))


def test_map_focus_level_caption_and_url(ds, latest):
    at = run("pages/map.py")
    assert caption_of(at) == expected_caption(ds, latest)
    at.button_group(key="ntm_w_focus").set_value("advanced").run()
    assert not at.exception
    assert caption_of(at) == expected_caption(ds, latest, level="advanced")
    assert at.query_params["level"] in ("advanced", ["advanced"])


def test_url_parameters_in_notices_are_escaped():
    """A value echoed in the notice is a Markdown code span: its link, image and formula are shown
    as characters (the browser test loads the page and checks nothing is fetched)."""
    evil = "[x](https://example.com/a) ![](https://example.com/i.png) $x$"
    at = run(note=evil)
    bodies = [w.value for w in at.warning]
    assert any(f"`{evil}`" in b and "`note`" in b for b in bodies), bodies
