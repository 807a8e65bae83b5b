"""Today's map in headless Chromium (every non-localhost request blocked): the 1/7/2025
boundaries and the 2026–2030 ladder.

Facts pinned from the sources, not from the code: Hà Tĩnh has 69 commune-level units from
1/7/2025 (60 xã + 9 phường), the new Lào Cai (15) 99, the country 3,321; in 2026 no commune is
assessed under Decision 51/2025/QĐ-TTg yet; Điền Mỹ (18499) became part of the new Xã Hà Linh
(18502) on 1/7/2025, which was formed from old Hà Linh and Điền Mỹ."""
from __future__ import annotations

from collections import Counter

import pytest

from conftest import MAP_FRAME, drawn_classes, guard_context, map_frame, national_frame, wait_for_app
from testing import dataset, expected_class
from ui.maps import spec

pytestmark = pytest.mark.browser


@pytest.fixture()
def page_of(browser):
    opened = []

    def open_(url, width=1440, height=1100):
        ctx, guard = guard_context(browser, viewport={"width": width, "height": height})
        page = guard.watch(ctx.new_page())
        opened.append(ctx)
        page.goto(url)
        wait_for_app(page, timeout=240_000)
        return page, guard
    yield open_
    for ctx in opened:
        ctx.close()


def _legend_counts(page) -> dict:
    out = {}
    for row in page.locator("tr[data-class]").all():
        cell = row.locator("td[data-count]")
        if cell.count():
            out[row.get_attribute("data-class")] = int(cell.first.get_attribute("data-count"))
    return out


@pytest.mark.parametrize("province,n_units,n_xa", [("42", 69, 60), ("15", 99, 89)])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_2026_map_draws_the_new_units_on_the_51_2025_ladder(page_of, app_server, province, n_units, n_xa, lang):
    from domain.text import t
    from metrics.status import status_as_of
    page, guard = page_of(f"{app_server}/map?province={province}&year=2026&lang={lang}")
    frame = map_frame(page)
    mode = spec.mode_for("commune", 2026, two_level=True)
    year, shown, drawn = drawn_classes(frame, mode)
    assert (year, shown, len(drawn)) == (2026, "commune_2026", n_units)
    want = {str(r["unit_code"]): expected_class("commune", r)
            for r in status_as_of(dataset(), province, 2026).to_dict("records")}
    assert drawn == want
    # nobody assessed under 51/2025 yet: every xã "not yet assessed", none "not yet recognised"
    assert Counter(drawn.values()) == {"not_assessed": n_xa, "not_applicable": n_units - n_xa}
    legend = page.locator(".ntm-legend-box").first
    assert legend.get_attribute("data-mode") == "commune_2026"
    counts = _legend_counts(page)
    assert counts["not_assessed"] == n_xa and counts["none"] == 0 and counts["modern"] == 0
    assert "advanced" not in counts and "model" not in counts            # 2021–2025 levels are history
    text = legend.inner_text()
    assert t("levels.not_assessed", lang) in text and "51/2025" in text
    assert t("structure.two_level", lang, date="1/7/2025", n=str(n_units)) in page.inner_text("[data-testid=ntm-structure]")
    # no district layer to choose on a two-level vintage
    assert page.get_by_text(t("map.layer_district", lang), exact=True).count() == 0
    assert guard.blocked == [] and guard.console_errors == []


def test_national_map_of_today_draws_3321_units(page_of, app_server):
    page, guard = page_of(f"{app_server}/map?province=all&year=2026&lang=vi")
    frame = national_frame(page, timeout_s=240)
    el = "[data-ntm-national=ready]"
    assert frame.get_attribute(el, "data-ntm-features") == "3321"
    assert frame.get_attribute(el, "data-ntm-layer") == "vn-2025"
    assert frame.get_attribute(el, "data-ntm-mode") == "national_2026"
    legend = frame.inner_text(".ntm-national-legend")
    assert "3.321" in legend and "Chưa được đánh giá" in legend
    assert "3.321" in page.inner_text("[data-testid=ntm-structure]")
    assert frame.evaluate("() => document.querySelector('.ntm-national-legend details').open")
    assert guard.blocked == [] and guard.console_errors == []


def test_national_legend_folds_on_a_phone(page_of, app_server):
    """At 390 px the open key would hide half the country: it folds under its title, one tap opens it."""
    page, guard = page_of(f"{app_server}/map?province=all&year=2026&lang=en", width=390, height=844)
    frame = national_frame(page, timeout_s=240)
    assert not frame.evaluate("() => document.querySelector('.ntm-national-legend details').open")
    assert "3,321" in frame.inner_text(".ntm-national-legend summary")
    frame.click(".ntm-national-legend summary")
    assert frame.evaluate("() => document.querySelector('.ntm-national-legend details').open")
    assert guard.blocked == [] and guard.console_errors == []


def test_year_move_across_the_reform_switches_the_map_and_follows_the_commune(page_of, app_server):
    """2024 → 2025 with Điền Mỹ selected: the map switches to the 1/7/2025 boundaries (legacy
    level), the new Xã Hà Linh is selected and highlighted, and one line says what happened."""
    page, guard = page_of(f"{app_server}/map?province=42&year=2024&commune=18499&lang=vi")
    frame = map_frame(page)
    assert frame.evaluate("() => window.map._ntm.shown.n") == 216
    slider = page.locator('.st-key-ntm_w_year_map input[type="range"]').first
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('year=2025')", timeout=60_000)
    wait_for_app(page, timeout=120_000)
    frame = None
    for _ in range(120):   # the other vintage's map (its own topology)
        for f in page.frames:
            try:
                if MAP_FRAME in f.url and f.evaluate(
                        "() => !!(window.map && window.map._ntm && window.map._ntm.shown"
                        " && window.map._ntm.shown.year === 2025)"):
                    frame = f
            except Exception:
                pass
        if frame:
            break
        page.wait_for_timeout(500)
    assert frame is not None, "the map never showed 2025"
    shown = frame.evaluate("() => window.map._ntm.shown")
    assert (shown["mode"], shown["n"], shown["highlight"]) == ("legacy", 69, "18502")
    assert "commune=18502" in page.url
    notice = page.locator('[data-testid="stAlertContentInfo"]').all_inner_texts()
    assert any("Xã Điền Mỹ nay thuộc Xã Hà Linh" in n and "1/7/2025" in n for n in notice), notice
    assert page.get_by_text("Xã Hà Linh", exact=False).count() > 0
    assert guard.blocked == [] and guard.console_errors == []


@pytest.mark.parametrize("width", [1440, 390])
def test_area_of_a_new_commune(page_of, app_server, width):
    page, guard = page_of(f"{app_server}/area?province=42&year=2026&commune=18502&lang=vi", width=width)
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.inner_text("section.main, [data-testid=stMain]")
    assert "Xã Hà Linh" in body
    grid = page.locator('[data-testid="stDataFrame"] [role=gridcell]')
    grid.first.wait_for(state="attached", timeout=30_000)
    cells = grid.all_inner_texts()
    assert "Xã Điền Mỹ" in cells and "Xã Hà Linh" in cells                  # its former units
    assert "Chưa được đánh giá" in body                                      # its 2026 status, a state
    assert "CHƯA KIỂM CHỨNG" in body                                         # the national ≈65 % only so
    frame = map_frame(page)
    assert frame.evaluate("() => window.map._ntm.shown.highlight") == "18502"
    assert guard.blocked == [] and guard.console_errors == []
