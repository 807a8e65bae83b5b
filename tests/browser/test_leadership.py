"""Browser (headless Chromium, network blocked): the leadership page. A weight change re-ranks the
localities and is written into the URL; a late locality shows as late; VI and EN; screenshots at
1400 px and 390 px (test-artifacts/screenshots/leadership-*.png). Expected orders and states come
from metrics on the same store, never literals."""
from __future__ import annotations

import re

import pytest

from domain.text import t
from loaders.dataset import load_dataset
from loaders.obligations import states
from metrics.common import MetricsInputError
from metrics.indicators import Context
from metrics.index import weights_with
from metrics.leadership import build_index

from conftest import REPO, guard_context, wait_for_app

pytestmark = pytest.mark.browser
PERIOD = "2024-05"
SHOTS = REPO / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def filled():
    return load_dataset().with_illustrative(True)


def expected_names(ds, weights=None):
    return [x["name"] for x in build_index(Context(ds, "42"), PERIOD, weights)["localities"]]


def open_page(browser, app_server, lang="vi", width=1400, height=1100, query=""):
    ctx, guard = guard_context(browser, viewport={"width": width, "height": height})
    page = guard.watch(ctx.new_page())
    page.goto(f"{app_server}/leadership?period={PERIOD}&lang={lang}{query}")
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    if width < 600 and page.get_by_test_id("stExpandSidebarButton").count():
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_timeout(400)
    sidebar.get_by_text(t("app.illustrative_toggle", lang)).click()
    wait_for_app(page)
    if width < 600 and page.get_by_test_id("stSidebarCollapseButton").count():
        page.get_by_test_id("stSidebarCollapseButton").first.click()
        page.wait_for_timeout(400)
    return ctx, guard, page


def grid_rows(page, *headers: str) -> list[list[str]]:
    """The rows of the data frame whose header row has all ``headers`` (its accessible table,
    drawn once the grid is on screen)."""
    seen = []
    for frame in page.get_by_test_id("stDataFrame").all():
        frame.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        rows = frame.locator("table [role=row]").all()
        cells = [[c.inner_text().strip() for c in r.locator("th, td").all()]
                 for r in rows]
        if cells and all(h in cells[0] for h in headers):
            return cells
        seen.append(cells[0] if cells else None)
    raise AssertionError(f"no table with columns {headers!r}; tables: {seen}")


def ranking_names(page, lang="vi"):
    rows = grid_rows(page, t("leadership.col_locality", lang))
    i = rows[0].index(t("leadership.col_locality", lang))
    return [r[i] for r in rows[1:] if len(r) > i]


def test_weight_change_reranks_and_goes_into_the_url(browser, app_server, filled):
    base = {"criteria_met": 0}         # unknown for most districts in 2024 (see the page's note)
    ctx, guard, page = open_page(browser, app_server, query="&weights=criteria_met%3D0")
    try:
        assert ranking_names(page) == expected_names(filled, weights_with(base))
        sens = build_index(Context(filled, "42"), PERIOD, base, sensitivity=True)["sensitivity"]["scenarios"]
        key = max((s for s in sens if s["factor"] == 2.0), key=lambda s: s["moved"])["component"]
        box = page.get_by_label(t(f"indicators.names.{key}", "vi"), exact=True)
        if not box.is_visible():       # the weights open by themselves when they differ from 1
            page.get_by_text(t("leadership.weights", "vi")).first.click()
        box.fill("5")
        box.press("Enter")
        wait_for_app(page)
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('weights') === "
                               f"'criteria_met=0,{key}=5'", timeout=20000)
        want = expected_names(filled, weights_with({**base, key: 5.0}))
        assert want != expected_names(filled, weights_with(base))
        page.wait_for_timeout(500)
        assert ranking_names(page) == want
        assert not guard.blocked and not guard.console_errors, (guard.blocked, guard.console_errors)
    finally:
        ctx.close()


def test_rank_without_criteria_button(browser, app_server, filled):
    ctx, guard, page = open_page(browser, app_server)
    try:
        page.get_by_role("button", name=t("leadership.without_criteria", "vi")).click()
        wait_for_app(page)
        page.wait_for_function("() => new URLSearchParams(location.search).get('weights') === 'criteria_met=0'",
                               timeout=20000)
        page.wait_for_timeout(500)
        assert ranking_names(page) == expected_names(filled, weights_with({"criteria_met": 0}))
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_late_locality_shows_as_late_and_screenshots(browser, app_server, filled, lang):
    st = [s for s in states(filled, PERIOD, "42") if s["period"] == PERIOD]
    late = [s["name"] for s in st if s["state"] == "late"]
    assert late
    for width, height in ((1400, 1100), (390, 844)):
        ctx, guard, page = open_page(browser, app_server, lang, width, height)
        try:
            rows = grid_rows(page, t("leadership.col_received", lang), t("leadership.col_locality", lang))
            head = rows[0]
            shown = {r[head.index(t("leadership.col_locality", lang))]: r[head.index(t("leadership.col_state", lang))]
                     for r in rows[1:] if len(r) == len(head)}
            for name in late:
                assert shown[name] == t("obligations.states.late", lang)
            cal = page.get_by_test_id("ntm-calendar")
            assert cal.count() == 1 and cal.locator("td.ntm-cal-late").count() >= len(late)
            assert page.get_by_text(t("leadership.title", lang)).first.is_visible()
            page.screenshot(path=str(SHOTS / f"leadership-{lang}-{width}.png"), full_page=True)
            assert not guard.blocked, guard.blocked
            assert not [e for e in guard.console_errors if not re.search(r"favicon", e)], guard.console_errors
        finally:
            ctx.close()


def test_this_month_button_sets_the_period(browser, app_server):
    from domain.periods import local_now, month_of
    ctx, guard, page = open_page(browser, app_server)
    try:
        page.get_by_role("button", name=t("leadership.this_month", "vi")).click()
        wait_for_app(page)
        want = str(month_of(local_now()))
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('period') === '{want}'",
                               timeout=20000)
        # the period's localities (or, before their register exists, a notice saying so)
        shown = page.get_by_text(t("leadership.table_title", "vi", period=want)).count()
        try:
            Context(load_dataset(), "42").vintage(want)
            assert shown == 1
        except MetricsInputError:
            assert shown == 0 and page.get_by_text(t("leadership.no_vintage", "vi", period=want,
                                                     day=month_of(local_now()).end.strftime("%d/%m/%Y"))).count() == 1
    finally:
        ctx.close()
