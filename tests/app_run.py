"""Run the app in Streamlit's AppTest: the page tests' one way in (query parameters first, then
the page switched to), failing on any exception the run raised."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def run_app(page: str | None = None, timeout: int = 120, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = str(v)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
