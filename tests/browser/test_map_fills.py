"""The web map draws every unit in the class the metrics give it, and the legend beside it
counts the fills drawn: Hà Tĩnh 2022 and Triệu Sơn 2019, every layer of the province map, in
headless Chromium (every non-localhost request blocked). The same classes are checked against
the status file, the legend and the PNG in tests/test_map_agreement.py."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import drawn_classes, guard_context, map_frame, wait_for_app
from testing import dataset, expected_class
from ui.maps import spec

pytestmark = pytest.mark.browser

@pytest.mark.parametrize("layer", spec.layers())
@pytest.mark.parametrize("province,year", [("42", 2022), ("38", 2019)])
def test_drawn_fills_are_the_classes_and_the_legend_counts_them(browser, app_server, province, year, layer):
    from metrics.status import district_status_as_of, status_as_of

    query = {"commune": "", "district": "&layer=district", "criteria": "&level=criteria"}[layer]
    ctx, guard = guard_context(browser, viewport={"width": 1440, "height": 1100})
    page = guard.watch(ctx.new_page())
    try:
        page.goto(f"{app_server}/map?province={province}&year={year}&lang=vi{query}")
        wait_for_app(page)
        frame = map_frame(page)
        mode = spec.mode_for(layer, year)
        shown_year, shown_mode, drawn = drawn_classes(frame, mode)
        assert (shown_year, shown_mode) == (year, mode.id)
        rows = (district_status_as_of if layer == "district" else status_as_of)(dataset(), province, year)
        want = {str(r["unit_code"]): expected_class(layer, r) for r in rows.to_dict("records")}
        assert drawn == want, [(c, drawn[c], want[c]) for c in want if drawn[c] != want[c]][:5]
        counts = Counter(drawn.values())
        for c in mode.classes:
            cell = page.locator(f'tr[data-class="{c.key}"] td[data-count]')
            if cell.count():
                assert int(cell.first.get_attribute("data-count")) == counts.get(c.key, 0), c.key
            else:
                assert not counts.get(c.key), f"{c.key} drawn but not in the legend"
        assert guard.blocked == [] and guard.console_errors == []
    finally:
        ctx.close()
