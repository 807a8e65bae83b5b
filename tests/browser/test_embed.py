"""Embed mode in a real browser: no sidebar or Streamlit chrome, the map drawn
with its legend and source line, and no request leaving localhost."""

import importlib.util
from pathlib import Path

import pytest

# The shared helpers live in this folder's conftest.py (not a package): load it by path.
_spec = importlib.util.spec_from_file_location("browser_helpers", Path(__file__).with_name("conftest.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
guard_context = _helpers.guard_context

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def test_embed_mode_shows_only_map_legend_and_source(app_server, browser):
    ctx, guard = guard_context(browser, viewport={"width": 1100, "height": 800})
    page = guard.watch(ctx.new_page())
    try:
        page.goto(f"{app_server}/?province=42&year=2023&level=standard&lang=vi&embed=1")
        img = page.locator('[data-testid="stImage"] img').first
        img.wait_for(state="visible", timeout=90_000)
        page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle(),
                               timeout=30_000)
        natural = page.evaluate("el => [el.naturalWidth, el.naturalHeight]", img.element_handle())
        box = img.bounding_box()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "embed.png"), full_page=True)

        assert natural[0] >= 1000 and natural[1] >= 600, natural   # the rendered map image
        assert box and box["width"] > 700, box                      # drawn at a readable size
        for test_id in ("stSidebar", "stHeader", "stToolbar", "stSidebarCollapsedControl"):
            loc = page.locator(f'[data-testid="{test_id}"]')
            assert loc.count() == 0 or not loc.first.is_visible(), test_id
        body = page.locator("body").inner_text()
        assert "Ranh giới" in body and "censusVN2009" in body        # source line as text
        assert not guard.blocked, guard.blocked
    finally:
        ctx.close()


def test_embed_follows_the_url_state(app_server, browser):
    """District, level and language from the URL reach the embedded map."""
    ctx, guard = guard_context(browser, viewport={"width": 900, "height": 700})
    page = guard.watch(ctx.new_page())
    try:
        page.goto(f"{app_server}/?province=42&district=444&year=2022&level=advanced&lang=en&embed=1")
        img = page.locator('[data-testid="stImage"] img').first
        img.wait_for(state="visible", timeout=90_000)
        body = page.locator("body").inner_text()
        assert "Source:" in body and "Boundaries" in body
        assert page.locator('[data-testid="stSidebar"]').count() == 0 or \
            not page.locator('[data-testid="stSidebar"]').first.is_visible()
        assert not guard.blocked, guard.blocked
        page.screenshot(path=str(ARTIFACTS / "embed-district-en.png"), full_page=True)
    finally:
        ctx.close()
