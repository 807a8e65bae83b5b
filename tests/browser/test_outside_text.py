"""Nothing from outside is rendered as Markdown or HTML (issue 14, item 12): a URL parameter echoed
in the "not valid" notice is shown as the visitor typed it and loads nothing (network blocked and
recorded: no request may leave localhost)."""
from __future__ import annotations

from urllib.parse import quote

from conftest import guard_context, wait_for_app

NOTE = "[x](https://example.com/a) ![](https://example.com/i.png) $\\frac{1}{2}$ :red[đỏ] <img src=x>"


def test_a_url_parameter_in_a_notice_is_text(browser, app_server):
    ctx, guard = guard_context(browser, viewport={"width": 1280, "height": 900})
    page = guard.watch(ctx.new_page())
    try:
        page.goto(f"{app_server}/?note={quote(NOTE)}&lang=vi")
        wait_for_app(page)
        alert = page.locator('[data-testid="stAlertContentWarning"]', has_text="note")
        alert.first.wait_for(timeout=30_000)
        shown = alert.first.inner_text()
        assert "[x](https://example.com/a)" in shown and "![](https://example.com/i.png)" in shown
        assert "$\\frac{1}{2}$" in shown and ":red[đỏ]" in shown and "<img src=x>" in shown
        assert alert.first.locator("a, img, .katex").count() == 0
        page.wait_for_timeout(500)
        assert not [u for u in guard.blocked if "example.com" in u], guard.blocked
    finally:
        ctx.close()
