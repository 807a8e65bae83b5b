"""The examples (examples/app.py, one small app per map feature) as fixtures, as
streamlit-folium tests its own examples: one server for all of them, each page opened in
headless Chromium with every non-localhost request blocked; each draws its map, in the classes
the metrics give (read back from the fills), with a legend that counts them, and no error."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import CANVAS_READY, drawn_classes, guard_context, map_frame, map_frames, national_frame, wait_for_app
from testing import dataset, expected_class
from ui.maps import spec

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, examples_server):
    ctx, guard = guard_context(browser, viewport={"width": 1400, "height": 1000})
    page = guard.watch(ctx.new_page())

    def go(path, timeout=60_000):
        page.goto(f"{examples_server}/{path}")
        wait_for_app(page, timeout=timeout)
        return page
    yield go
    assert guard.blocked == [] and guard.console_errors == []
    ctx.close()


def _want(layer, province, year, district=None):
    from metrics.status import district_status_as_of, status_as_of
    rows = (district_status_as_of if layer == "district" else status_as_of)(dataset(), province, year)
    if district is not None:
        rows = rows[rows["district_code"].astype(str) == district]
    return {str(r["unit_code"]): expected_class(layer, r) for r in rows.to_dict("records")}


def _legend_counts(page) -> dict:
    out = {}
    for row in page.locator("tr[data-class]").all():
        out[row.get_attribute("data-class")] = int(row.locator("td[data-count]").get_attribute("data-count"))
    return out


@pytest.mark.parametrize("path,layer,province,year,district", [
    ("province_map?province=42&year=2024", "commune", "42", 2024, None),
    ("district_layer?province=42&year=2021", "district", "42", 2021, None),
    ("criteria_layer?province=38&year=2019", "criteria", "38", 2019, None),
    ("district_view?province=42&year=2023&district=444", "commune", "42", 2023, "444"),
])
def test_example_draws_its_layer_in_the_metrics_classes(open_page, path, layer, province, year, district):
    page = open_page(path)
    mode = spec.mode_for(layer, year)
    shown_year, shown_mode, drawn = drawn_classes(map_frame(page), mode)
    assert (shown_year, shown_mode) == (year, mode.id)
    assert drawn == _want(layer, province, year, district)
    legend = _legend_counts(page)
    if not path.startswith("province_map"):      # the province map example is the map alone
        assert {k: v for k, v in legend.items() if v} == dict(Counter(drawn.values()))


def test_compare_example_shows_two_years(open_page):
    page = open_page("compare_years?province=42&year=2022&compare=2019")
    frames = map_frames(page, 2)
    years = sorted(f.evaluate("() => window.map._ntm.shown.year") for f in frames)
    assert years == [2019, 2022]
    mode = spec.mode_for("commune", 2022)
    for f in frames:
        year, _, drawn = drawn_classes(f, mode)
        assert drawn == _want("commune", "42", year)


def test_national_example_paints_the_census_layer(open_page):
    # a fresh server prepares the national layer and its statuses first (as the app's test allows)
    frame = national_frame(open_page("national_map?year=2024", timeout=240_000), 240)
    assert frame.get_attribute(CANVAS_READY, "data-ntm-features") == "11163"
    assert frame.get_attribute("[data-ntm-year]", "data-ntm-year") == "2024"
