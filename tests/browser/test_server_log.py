"""The Streamlit server log stays clean while every page is visited in both languages (issue 14,
item 14): no deprecation warning (deprecated arguments of Streamlit), no traceback."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from conftest import REPO, guard_context, wait_for_app

PAGES = ["/", "/map", "/progress", "/holdouts", "/area?district=444", "/sources", "/data"]


def test_every_page_leaves_the_server_log_clean(browser, app_server):
    log = REPO / "test-artifacts" / f"streamlit-{urlparse(app_server).port}.log"
    assert log.is_file(), "the app server's log is written under test-artifacts/"
    start = log.stat().st_size
    ctx, guard = guard_context(browser, viewport={"width": 1280, "height": 900})
    page = guard.watch(ctx.new_page())
    try:
        for lang in ("vi", "en"):
            for path in PAGES:
                sep = "&" if "?" in path else "?"
                page.goto(f"{app_server}{path}{sep}province=42&year=2023&lang={lang}")
                wait_for_app(page, timeout=120_000)
    finally:
        ctx.close()
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        text = f.read()
    # deprecation warnings, tracebacks, exception lines and error-level log events (the app's own
    # JSON event lines carry counts such as "errors": 0, which are not errors)
    bad = [line for line in text.splitlines()
           if re.search(r"deprecat|traceback|\"level\":\s*\"(error|critical)\"|^\s*[\w.]*(Error|Exception):", line, re.I)]
    assert bad == [], "\n".join(bad[:20])
    assert guard.blocked == []
