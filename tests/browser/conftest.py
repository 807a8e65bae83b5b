"""Shared browser-test fixtures: a live Streamlit server and a Chromium helper.

- `app_server` (session): starts `streamlit run app.py` on a free port, headless,
  waits for /_stcore/health and yields the base URL. Other browser test files
  (geometry, exports) reuse it. With `NTM_BASE_URL` set it starts nothing and
  yields that URL (`make test-deployed`: the same tests through nginx).
- `examples_server` (session): the same for examples/app.py (one app per map feature).
- `map_frame(page)`: the province map's iframe (``MAP_FRAME``) once its client shows a year;
  `drawn_classes(frame, mode)`: the class of every polygon, read back from its fill.
- `launch_chromium(playwright)` launches Debian's Chromium with the project flags;
  `guard_page(context)` blocks and records every request that is not to
  localhost, and records console errors. Never run `playwright install`.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ui.maps.base import FRAME_NAME as MAP_FRAME   # in the map frame's URL and its iframe's title

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NTM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Streamlit did not become healthy at {url} within {timeout:.0f} s")


def start_server(extra_env: dict | None = None, port: int | None = None, script: str = "app.py"):
    """Start the app (or another script of the checkout, e.g. examples/app.py); returns
    (process, base_url). The caller must stop it."""
    port = port or free_port()
    env = {**os.environ, **(extra_env or {})}
    env.setdefault("NTM_LANG", "vi")
    env.pop("NTM_TILE_URL", None)
    log = open(REPO / "test-artifacts" / f"streamlit-{port}.log", "w") if (REPO / "test-artifacts").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
    except Exception:
        proc.terminate()
        raise
    return proc, url


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_server():
    """The app's base URL. With NTM_BASE_URL set (e.g. the local deployment's nginx,
    http://127.0.0.1:8080) the tests run against that server and none is started; set
    NTM_DATABASE_URL to the same database so expected figures are read from it."""
    (REPO / "test-artifacts" / "screenshots").mkdir(parents=True, exist_ok=True)
    base = (os.environ.get("NTM_BASE_URL") or "").strip().rstrip("/")
    if base:
        wait_healthy(base, timeout=30)
        yield base
        return
    proc, url = start_server()
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def examples_server():
    """examples/app.py: one small app per map feature (the streamlit-folium habit)."""
    proc, url = start_server(script="examples/app.py")
    try:
        yield url
    finally:
        stop_server(proc)


def launch_chromium(playwright, **kwargs):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **kwargs)


class Guard:
    """Records blocked (non-localhost) requests and console errors of a context."""

    def __init__(self):
        self.blocked: list[str] = []
        self.console_errors: list[str] = []

    def route(self, route):
        host = urlparse(route.request.url).hostname or ""
        scheme = urlparse(route.request.url).scheme
        if scheme in ("data", "blob", "about") or host in LOCAL_HOSTS:
            return route.continue_()
        self.blocked.append(route.request.url)
        return route.abort()

    def watch(self, page):
        def on_console(m):
            if m.type != "error":
                return
            url = (m.location or {}).get("url", "")
            if "404" in m.text and is_streamlit_probe(url):
                return
            self.console_errors.append(f"{m.text} @ {url}")
        page.on("console", on_console)
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))
        return page


def guard_context(browser, **context_kwargs):
    """A browser context whose every non-localhost request is blocked and recorded."""
    ctx = browser.new_context(**context_kwargs)
    guard = Guard()
    ctx.route("**/*", guard.route)
    return ctx, guard


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script run is over and no element is still a skeleton."""
    page.wait_for_function(
        """() => { const a = document.querySelector('.stApp');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'
                     && a.getAttribute('data-test-connection-state') === 'CONNECTED'
                     && document.querySelectorAll('[data-testid=stSkeleton]').length === 0; }""",
        timeout=timeout)
    page.wait_for_timeout(400)   # let the last deltas paint
    page.wait_for_function(
        """() => { const a = document.querySelector('.stApp');
                   return a.getAttribute('data-test-script-state') === 'notRunning'
                     && document.querySelectorAll('[data-testid=stSkeleton]').length === 0; }""",
        timeout=timeout)


def is_streamlit_probe(url: str) -> bool:
    """Streamlit's frontend probes <page path>/_stcore/health and host-config on
    deep links before falling back to the root; those 404s are not app errors."""
    return url.endswith("/_stcore/health") or url.endswith("/_stcore/host-config")


def map_frame(page):
    """The map frame's Frame once the NTM layer shows a year."""
    deadline = time.time() + 45
    while time.time() < deadline:
        for f in page.frames:
            if MAP_FRAME in f.url:
                try:
                    if f.evaluate("() => !!(window.map && window.map._ntm && window.map._ntm.shown)"):
                        return f
                except Exception:   # frame still loading
                    pass
        page.wait_for_timeout(250)
    raise AssertionError("the map never drew its commune layer")


FILLS_JS = """(districts) => { const out = {}, st = window.map._ntm;
  (districts ? st.districts : st.communes).eachLayer(l => {
    out[l.feature.properties.unit_code] = districts ? l.options.fillColor : l._path.getAttribute('fill'); });
  return [st.shown.year, st.shown.mode, out]; }"""


def drawn_classes(frame, mode) -> tuple[int, str, dict]:
    """(year shown, layer mode shown, {unit code: class}) of the province map in ``frame``, each
    polygon's class read back from the fill the client drew (``mode``: a ui.maps.spec layer mode,
    whose classes each have their own fill)."""
    def fill(style):
        return f"url(#ntm-{style.pattern})" if style.pattern else style.fill

    by_fill = {fill(c.style): c.key for c in mode.classes}
    assert len(by_fill) == len(mode.classes), "two classes share a fill"
    year, shown, fills = frame.evaluate(FILLS_JS, mode.units == "district")
    return year, shown, {code: by_fill.get(f, f) for code, f in fills.items()}


def map_frames(page, n):
    """The first n map iframes once each shows a year."""
    deadline = time.time() + 45
    while time.time() < deadline:
        ready = []
        for f in page.frames:
            if MAP_FRAME in f.url:
                try:
                    if f.evaluate("() => !!(window.map && window.map._ntm && window.map._ntm.shown)"):
                        ready.append(f)
                except Exception:
                    pass
        if len(ready) >= n:
            return ready
        page.wait_for_timeout(250)
    raise AssertionError(f"fewer than {n} maps drew their layers")


CANVAS_READY = "[data-ntm-national=ready]"   # the national map's mark once its layer is painted


def national_frame(page, timeout_s: float = 120.0):
    """The national map's iframe once its canvas layer is painted."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for f in page.frames:
            try:
                if MAP_FRAME in f.url and f.query_selector(CANVAS_READY):
                    return f
            except Exception:   # frame still loading
                pass
        page.wait_for_timeout(250)
    raise AssertionError("the national layer never painted")
