"""The national commune map (`/map?province=all`) in headless Chromium with every
non-localhost request blocked: it paints all 11,163 communes of the 2009 layer,
a hovered commune's tooltip names it and shows its status (or "no record"),
a click drills down to the province at province detail and puts it in the URL (a link
opens drilled down; the back button clears it; across 1/7/2025 it follows to the new province),
and a year change restyles the same map document (no remount)."""
from __future__ import annotations

import time
from urllib.parse import urlparse

import numpy as np
import pytest
import shapely

from loaders import geometry as G
from tests.browser.conftest import LOCAL_HOSTS, MAP_FRAME, wait_for_app
from testing import RECOGNISED
from ui.frame.i18n import t

pytestmark = pytest.mark.browser
YEAR = 2024


@pytest.fixture(scope="module")
def expected():
    """A Hà Tĩnh xã kept whole through 2020 (same code in the 2009 layer) with a
    recorded level in YEAR, and a commune far from our records (Hà Nội)."""
    from loaders.dataset import load_dataset
    from metrics.status import status_as_of

    nat = G.prepared_layer(G.NATIONAL, "national")
    st = status_as_of(load_dataset(), "42", YEAR)
    known = st[st["level"].isin(RECOGNISED) & st["eligible"]]
    ht = G.raw_layer("42-2020")
    whole = set(ht.loc[~ht["merged"].astype(bool), "unit_code"].astype(str))
    area = dict(zip(nat["unit_code"].astype(str), shapely.area(nat.geometry.values)))
    # the largest such commune is the easiest to hover at national zoom
    cands = sorted((c for c in known["unit_code"].astype(str) if c in whole and c in area), key=lambda c: -area[c])
    code = cands[0]
    row = nat[nat["unit_code"].astype(str) == code].iloc[0]
    hn = nat[nat["province_code"].astype(str) == "01"]
    other = hn.iloc[int(np.argmax(shapely.area(hn.geometry.values)))]
    return {"code": code, "name": row["name"], "district": row["district_name"],
            "level": str(known.set_index(known["unit_code"].astype(str)).loc[code, "level"]),
            "point": shapely.point_on_surface(row.geometry),
            "other_name": other["name"], "other_point": shapely.point_on_surface(other.geometry),
            "n_42": int((nat["province_code"].astype(str) == "42").sum())}


@pytest.fixture(scope="module")
def national(browser, app_server):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1100})
    blocked = []

    def route(r):
        u = urlparse(r.request.url)
        if u.scheme in ("data", "blob", "about") or (u.hostname or "") in LOCAL_HOSTS:
            return r.continue_()
        blocked.append((r.request.url, r.request.frame.url if r.request.frame else ""))
        return r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_server}/map?province=all&year={YEAR}&lang=vi")
    wait_for_app(page, timeout=240_000)   # a fresh checkout prepares the national layer first
    frame = None
    deadline = time.time() + 120
    while frame is None and time.time() < deadline:
        for f in page.frames:
            try:
                if f.query_selector("[data-ntm-national=ready]"):
                    frame = f
            except Exception:
                pass
        page.wait_for_timeout(250)
    assert frame is not None, "the national layer never painted"
    yield page, frame, blocked, errors
    ctx.close()


def _screen_point(page, frame, lat, lng):
    # the whole map in view first: a click that scrolls the page between mouse down and up is a
    # drag to Leaflet, not a click (the structure line and notice above the map make it reach
    # below a 1100 px viewport)
    frame.frame_element().scroll_into_view_if_needed()
    xy = frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lng}]);"
                        f" const r = window.map.getContainer().getBoundingClientRect();"
                        f" return [p.x + r.left, p.y + r.top]; }}")
    box = frame.frame_element().bounding_box()
    return box["x"] + xy[0], box["y"] + xy[1]


def _hover_tooltip(page, frame, point) -> str:
    frame.evaluate(f"() => window.map.setView([{point.y}, {point.x}], 9, {{animate: false}})")
    page.wait_for_timeout(300)
    x, y = _screen_point(page, frame, point.y, point.x)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tip = frame.locator(".leaflet-tooltip .ntm-national-tip")
    tip.wait_for(timeout=10_000)
    return tip.inner_text()


def test_all_communes_painted_offline(national):
    page, frame, blocked, errors = national
    assert frame.get_attribute("[data-ntm-national=ready]", "data-ntm-features") == "11163"
    assert frame.query_selector("canvas") is not None          # canvas renderer, not 11k SVG paths
    assert "2009" in frame.inner_text(".ntm-national-legend")  # labelled as the 2009 census layer
    from_map = [u for u, f in blocked if MAP_FRAME in f]
    assert from_map == [], f"the map asked the internet for {from_map}"
    assert errors == []


def test_hover_reads_status_tooltip(national, expected):
    page, frame, _, _ = national
    text = _hover_tooltip(page, frame, expected["point"])
    assert expected["name"] in text
    assert expected["district"] in text and "Hà Tĩnh" in text
    assert f"({YEAR})" in text
    assert t(f"levels.{expected['level']}", "vi") in text
    assert expected["code"] in text


def test_hover_elsewhere_is_neutral(national, expected):
    page, frame, _, _ = national
    text = _hover_tooltip(page, frame, expected["other_point"])
    assert expected["other_name"] in text
    assert "chưa có dữ liệu" in text


def test_click_drills_down_to_province_detail(national, expected):
    page, frame, _, _ = national
    frame.evaluate("() => NtmNational.drillUp(window.map)")
    p = expected["point"]
    frame.evaluate(f"() => window.map.setView([{p.y}, {p.x}], 7, {{animate: false}})")
    page.wait_for_timeout(300)
    x, y = _screen_point(page, frame, p.y, p.x)
    page.mouse.click(x, y)
    frame.wait_for_selector("[data-ntm-drill='42']", timeout=15_000)
    n = frame.evaluate("() => window.map._ntmn.drill.getLayers().length")
    assert n == expected["n_42"]
    assert frame.query_selector(".ntm-national-back") is not None
    _wait_url(page, lambda q: q.get("drill") == ["42"])   # the link restores the drill-down


def test_back_button_clears_drill_from_url(national, expected):
    page, frame, _, _ = national
    if frame.query_selector("[data-ntm-drill='42']") is None:
        test_click_drills_down_to_province_detail(national, expected)
    frame.locator(".ntm-national-back").click()
    frame.wait_for_function("() => !document.querySelector('[data-ntm-drill]')", timeout=10_000)
    _wait_url(page, lambda q: "drill" not in q)


def _wait_url(page, ok, timeout: float = 15.0) -> dict:
    from urllib.parse import parse_qs
    deadline = time.time() + timeout
    while True:
        href = page.evaluate("() => location.href")   # the app rewrites the URL in place
        q = parse_qs(urlparse(href).query)
        if ok(q) or time.time() > deadline:
            assert ok(q), f"URL {href}"
            return q
        page.wait_for_timeout(200)


def _national_frame(page):
    deadline = time.time() + 120
    while time.time() < deadline:
        for f in page.frames:
            try:
                if f.query_selector("[data-ntm-national=ready]"):
                    return f
            except Exception:
                pass
        page.wait_for_timeout(250)
    raise AssertionError("the national layer never painted")


def test_link_opens_drilled_down_and_follows_across_1_7_2025(browser, app_server):
    """A shared link with drill=10 (old Lào Cai, 2024) opens at province detail; moving the year to
    2025 (the layer of 1/7/2025) drills into the new Lào Cai, 15, which old Lào Cai became part of
   , and the URL says so."""
    from loaders.boundaries import province_successors
    assert province_successors()["10"] == "15"
    ctx = browser.new_context(viewport={"width": 1440, "height": 1100})
    try:
        page = ctx.new_page()
        page.goto(f"{app_server}/map?province=all&year=2024&drill=10&lang=vi")
        wait_for_app(page, timeout=240_000)
        frame = _national_frame(page)
        frame.wait_for_selector("[data-ntm-drill='10']", timeout=20_000)
        assert frame.query_selector(".ntm-national-back") is not None
        slider = page.locator('.st-key-ntm_w_year_map input[type="range"]').first
        slider.focus()
        page.keyboard.press("ArrowRight")
        _wait_url(page, lambda q: q.get("year") == ["2025"] and q.get("drill") == ["15"], timeout=60)
        # a fresh checkout prepares the layer of 1/7/2025 on its first use
        frame.wait_for_selector("[data-ntm-layer='vn-2025'][data-ntm-drill='15']", timeout=300_000)
        n = frame.evaluate("() => window.map._ntmn.drill.getLayers().length")
        assert n == 99          # the new Lào Cai: 99 commune-level units
    finally:
        ctx.close()


def test_year_change_restyles_without_remount(national):
    page, frame, _, _ = national
    frame.evaluate("() => { window.__ntmTestMark = 42; }")
    slider = page.locator('.st-key-ntm_w_year_map input[type="range"]').first
    slider.focus()
    page.keyboard.press("ArrowLeft")
    frame.wait_for_selector(f"[data-ntm-year='{YEAR - 1}']", timeout=30_000)
    assert frame.evaluate("() => window.__ntmTestMark") == 42
