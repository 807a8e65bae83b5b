"""The shared deployment under load and faults (DESIGN §4 "Shared deployment"): figures, not asserts.

`python -m benchmarks deploy [--short]` brings up its OWN stack (deploy/local.py with
NTM_DEPLOY_DIR=var/bench-deploy, free 127.0.0.1 ports: PostgreSQL, 2 replicas, nginx), so a
running `make deploy-local` is never touched, and takes it down at the end. Then:

1. load — S concurrent sessions spread evenly over the 2 replicas (sticky cookie chosen per
   session), most of them light protocol clients (benchmarks/st_client.py: the page's HTML, the
   WebSocket, one script run per step, what a tab sends), a few real headless Chromium tabs.
   Each loads `/`, `/map`, changes the year (light: URL state; browser: the slider), `/area`,
   `/data`. Printed: errors, p50/p95 time to a usable page per step, RSS per replica.
2. replica kill — sessions on both replicas keep working; replica A is SIGKILLed. Its sessions
   (and one browser tab on A) reconnect through nginx to B and restore their view from the URL.
   Printed: sessions moved, time to restore, errors on B's sessions.
3. import through A while B serves sessions — a browser tab logs in on replica A and imports a
   one-row file through the import panel; sessions on B keep reloading `/` and read the KPI
   tile. Printed: seconds from the commit to the new figure on every B session (budget ≤ 5 s).
4. PostgreSQL restart — the database is stopped for a few seconds, then started, while
   sessions run: the "database unavailable, retrying" notice, no traceback, recovery by itself.
5. killed import — an import subprocess is SIGKILLed inside its transaction, on the deployed
   PostgreSQL and on a SQLite copy: row count and checksum of every table before/after, then the
   same import again.

Short mode (CI): 10 sessions, fewer steps, shorter outage; bounded by per-step timeouts.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_map import CHROMIUM, CHROMIUM_ARGS, SVG_POLY, rss_mb  # noqa: E402
from domain.levels import RECOGNISED  # noqa: E402
from benchmarks.st_client import LightSession, Run, http_get  # noqa: E402
from ui.maps.base import FRAME_NAME as MAP_FRAME  # noqa: E402  (the map frame, in its URL)

STACK_DIR = REPO / "var" / "bench-deploy"
PROVINCE = "42"
YEAR = 2022
YEARS = (2022, 2021, 2020, 2019)
EDITOR = ("bench_editor", "bench-editor-pass-1")
RUN_TIMEOUT = 180.0
THINK = (1.0, 3.0)   # seconds between two runs of a session that reads a page (a person reloading)
CONFIG = {
    False: dict(light=46, browsers=4, year_changes=3, kill_light=20, import_light=20, outage_s=10.0,
                phase_cap=420.0),
    True: dict(light=8, browsers=2, year_changes=1, kill_light=6, import_light=6, outage_s=6.0,
               phase_cap=240.0),
}


def pct(values, q):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def fmt_s(x):
    return "n/a" if x is None else f"{x:.2f} s"


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---- the stack ----------------------------------------------------------------------------------

class Stack:
    """The benchmark's own deployment (deploy/local.py in var/bench-deploy)."""

    def __init__(self):
        from deploy.local import free_ports
        self.listen = free_ports(18080, 1)[0]
        self.env_base = {**os.environ, "NTM_DEPLOY_DIR": str(STACK_DIR), "NTM_DEPLOY_PORT": str(self.listen),
                         "NTM_REPLICA_BASE_PORT": "18601", "NTM_PG_PORT": "54350"}
        self.env: dict = {}

    def _local(self, *args, check=True):
        return subprocess.run([sys.executable, str(REPO / "deploy" / "local.py"), *args], cwd=REPO,
                              env=self.env_base, capture_output=True, text=True, check=check, timeout=600)

    def up(self) -> float:
        t0 = time.perf_counter()
        shutil.rmtree(STACK_DIR, ignore_errors=True)   # logs of the last run go; this run's stay after it
        p = self._local("up", "2", check=False)
        if p.returncode != 0:
            raise RuntimeError(f"deploy/local.py up failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
        from deploy.local import read_env
        self.env = read_env(STACK_DIR / "env")
        return time.perf_counter() - t0

    def down(self) -> None:
        self._local("down", "--purge", check=False)

    @property
    def base(self) -> str:
        return self.env["NTM_DEPLOY_URL"]

    @property
    def ports(self) -> list[int]:
        return [int(p) for p in self.env["NTM_REPLICA_PORTS"].split(",")]

    @property
    def db_url(self) -> str:
        return self.env["NTM_DATABASE_URL"]

    def health(self, port: int) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_ntm/health", timeout=5) as r:
                return json.loads(r.read())
        except Exception:
            return None

    def pid(self, port: int) -> int | None:
        h = self.health(port)
        return int(h["pid"]) if h else None

    def pg(self, *args, check=True):
        cmd = [os.path.join(self.env["NTM_PG_BIN"], "pg_ctl"), "-D", self.env["NTM_PG_DATA"], *args]
        if self.env.get("NTM_PG_RUNAS"):
            cmd = ["runuser", "-u", self.env["NTM_PG_RUNAS"], "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def pg_start(self):
        opts = (f"-p {self.env['NTM_PG_PORT']} -k {self.env['NTM_PG_SOCKET']} -c listen_addresses=127.0.0.1 "
                "-c max_connections=100 -c shared_buffers=128MB")
        self.pg("-o", opts, "-l", str(Path(self.env["NTM_PG_DATA"]).parent / "log"), "-w", "-t", "60", "start")

    def wait_healthy(self, port: int, seconds: float = 120) -> float | None:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            h = self.health(port)
            if h and h.get("ok"):
                return time.perf_counter() - t0
            time.sleep(0.25)
        return None


def routes_by_replica(base: str, n_each: int, ports: list[int]) -> dict[int, list[str]]:
    """Cookie values whose consistent hash lands on each replica (asked of nginx's /healthz)."""
    out = {p: [] for p in ports}
    rnd = random.Random(15)
    for _ in range(40 * n_each * len(ports)):
        if all(len(v) >= n_each for v in out.values()):
            break
        key = f"{rnd.getrandbits(64):016x}"
        status, body = http_get(f"{base}/healthz", key, timeout=5)
        if status == 200:
            port = int(json.loads(body)["replica"])
            if len(out[port]) < n_each:
                out[port].append(key)
    return out


# ---- what a usable page is ------------------------------------------------------------------

def usable(r: Run) -> bool:
    if not r.ok:
        return False
    if r.page == "":
        return any('data-testid="kpi-standard"' in h for h in r.htmls)
    if r.page == "map":
        return r.kinds.get("component_instance", 0) >= 1
    if r.page == "area":
        return r.kinds.get("component_instance", 0) >= 1 or r.kinds.get("dataframe", 0) >= 1
    if r.page == "data":
        return r.kinds.get("download_button", 0) >= 1
    return True


KPI_RE = re.compile(r'data-testid="kpi-(standard|advanced|model)".*?<div class="big">([^<]*)</div>', re.S)


def kpis(r: Run) -> dict:
    out = {}
    for h in r.htmls:
        for level, big in KPI_RE.findall(h):
            out[level] = big.strip()
    return out


NOTICE_TEXTS: list[str] = []


def has_notice(r: Run) -> bool:
    return any(any(t in a for t in NOTICE_TEXTS) for a in r.alerts)


# ---- light sessions -----------------------------------------------------------------------------

async def light_flow(base: str, route: str, name: str, year_changes: int, stagger: float) -> LightSession:
    await asyncio.sleep(stagger)
    s = LightSession(base, route, name)
    q = f"province={PROVINCE}&year={YEAR}"
    steps = [("load /", "", q, True), ("load /map", "map", q, True)]
    for i in range(year_changes):
        steps.append(("map year change", "map", f"province={PROVINCE}&year={YEARS[(i + 1) % len(YEARS)]}", False))
    steps += [("/area", "area", f"province={PROVINCE}&district=444&year={YEAR}", False),
              ("/data", "data", f"province={PROVINCE}&year={YEAR}", False)]
    for label, page, query, load in steps:
        r = await (s.load(page, query, RUN_TIMEOUT) if load else s.run(page, query, RUN_TIMEOUT))
        r.label = label
        r.usable = usable(r)
        if r.error and "closed" in r.error:
            await s.load(page, query, RUN_TIMEOUT)   # reconnect like a tab would
    await s.close()
    return s


# ---- browser sessions ---------------------------------------------------------------------------

@contextlib.contextmanager
def chromium():
    """Debian's Chromium with the project flags. Playwright's sync API belongs to the thread that
    started it: every thread that drives a tab opens its own."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


APP_READY_JS = """() => { const a = document.querySelector('.stApp');
  return !!a && a.getAttribute('data-test-script-state') === 'notRunning'
    && a.getAttribute('data-test-connection-state') === 'CONNECTED'
    && document.querySelectorAll('[data-testid=stSkeleton]').length === 0; }"""


def _context(browser, base: str, route: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_cookies([{"name": "ntm_route", "value": route, "url": base}])
    blocked = []

    def guard(rt):
        host = rt.request.url.split("/")[2].split(":")[0] if "://" in rt.request.url else ""
        if host in ("127.0.0.1", "localhost") or rt.request.url.startswith(("data:", "blob:", "about:")):
            return rt.continue_()
        blocked.append(rt.request.url)
        return rt.abort()
    ctx.route("**/*", guard)
    return ctx, blocked


def _wait_ready(page, timeout_s: float) -> bool:
    try:
        page.wait_for_function(APP_READY_JS, timeout=timeout_s * 1000)
        page.wait_for_timeout(300)
        page.wait_for_function(APP_READY_JS, timeout=timeout_s * 1000)
        return True
    except Exception:
        return False


def _map_painted(page, timeout_s: float) -> bool:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for fr in page.frames:
            try:
                if fr.query_selector(SVG_POLY):
                    return True
            except Exception:
                pass
        page.wait_for_timeout(100)
    return False


def _exceptions(page) -> int:
    try:
        return page.locator("[data-testid=stException]").count()
    except Exception:
        return 0


def browser_flow(browser, base: str, route: str, year_changes: int, out: list) -> None:
    ctx, blocked = _context(browser, base, route)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    q = f"province={PROVINCE}&year={YEAR}"

    def step(label, fn):
        t0 = time.perf_counter()
        ok = False
        try:
            ok = fn()
        except Exception as e:
            errors.append(f"{label}: {type(e).__name__}: {e}"[:200])
        ok = ok and _exceptions(page) == 0
        out.append({"label": label, "seconds": time.perf_counter() - t0 if ok else None, "ok": ok,
                    "route": route, "kind": "browser"})

    step("load /", lambda: (page.goto(f"{base}/?{q}", wait_until="commit"), _wait_ready(page, RUN_TIMEOUT))[1])
    step("load /map", lambda: (page.goto(f"{base}/map?{q}", wait_until="commit"),
                               _wait_ready(page, RUN_TIMEOUT) and _map_painted(page, RUN_TIMEOUT))[1])
    shown = {"year": YEAR}
    remounts: list = []

    def change():
        """The page's year slider one step left; usable when the map shows that year."""
        slider = page.locator('.st-key-ntm_w_year_map input[type="range"]').first
        slider.focus()
        page.keyboard.press("ArrowLeft")
        target = shown["year"] - 1
        js = (f"() => window.map && window.map._ntm && window.map._ntm.shown "
              f"&& window.map._ntm.shown.year === {target}")
        deadline = time.time() + RUN_TIMEOUT
        while True:
            fr = next((f for f in page.frames if MAP_FRAME in f.url), None)
            try:
                if fr is None:
                    raise RuntimeError("no map frame")
                fr.wait_for_function(js, timeout=max(1.0, deadline - time.time()) * 1000)
                break
            except Exception as e:
                if time.time() > deadline:
                    raise
                if "detached" in str(e):   # the map was mounted anew: count it, read the new one
                    remounts.append(target)
                page.wait_for_timeout(200)
        shown["year"] = target
        return _wait_ready(page, RUN_TIMEOUT)
    for _ in range(year_changes):
        step("map year change", change)
    step("/area", lambda: (page.goto(f"{base}/area?province={PROVINCE}&district=444&year={YEAR}",
                                     wait_until="commit"), _wait_ready(page, RUN_TIMEOUT))[1])
    step("/data", lambda: (page.goto(f"{base}/data?{q}", wait_until="commit"), _wait_ready(page, RUN_TIMEOUT))[1])
    out.append({"label": "_page_errors", "n": len(errors) + len(blocked), "detail": (errors + blocked)[:3]})
    out.append({"label": "_remounts", "n": len(remounts)})
    ctx.close()


# ---- phase 1: load ----------------------------------------------------------------------------------

class RssSampler(threading.Thread):
    def __init__(self, pids: dict[int, int]):
        super().__init__(daemon=True)
        self.pids, self.max = pids, {p: 0.0 for p in pids}
        self.stop_evt = threading.Event()

    def run(self):
        while not self.stop_evt.is_set():
            for port, pid in self.pids.items():
                try:
                    self.max[port] = max(self.max[port], rss_mb(pid))
                except OSError:
                    pass
            self.stop_evt.wait(0.5)


def phase_load(stack: Stack, cfg: dict, routes: dict) -> dict:
    ports = stack.ports
    pids = {p: stack.pid(p) for p in ports}
    rss0 = {p: rss_mb(pid) for p, pid in pids.items()}
    sampler = RssSampler(pids)
    sampler.start()
    n_light, n_browser = cfg["light"], cfg["browsers"]
    light_routes = [routes[ports[i % 2]][i // 2] for i in range(n_light)]
    browser_routes = [routes[ports[i % 2]][-(i // 2) - 1] for i in range(n_browser)]
    b_outs: list[list] = [[] for _ in browser_routes]

    def one_browser(route, out):
        with chromium() as b:
            browser_flow(b, stack.base, route, cfg["year_changes"], out)

    t0 = time.perf_counter()
    bts = [threading.Thread(target=one_browser, args=(r, o), daemon=True) for r, o in zip(browser_routes, b_outs)]
    for bt in bts:
        bt.start()

    async def lights():
        tasks = [light_flow(stack.base, r, f"s{i}", cfg["year_changes"], stagger=i * 5.0 / max(1, n_light))
                 for i, r in enumerate(light_routes)]
        return await asyncio.wait_for(asyncio.gather(*tasks), timeout=cfg["phase_cap"])
    sessions = asyncio.run(lights())
    for bt in bts:
        bt.join(timeout=cfg["phase_cap"])
    b_results = [x for o in b_outs for x in o]
    wall = time.perf_counter() - t0
    sampler.stop_evt.set()
    rss1 = {p: rss_mb(pid) for p, pid in pids.items()}

    runs = [r for s in sessions for r in s.runs if hasattr(r, "label")]
    by_label: dict = {}
    for r in runs:
        by_label.setdefault(r.label, []).append(r.seconds if getattr(r, "usable", False) else None)
    for b in b_results:
        if b["label"].startswith("_"):
            continue
        by_label.setdefault(b["label"], []).append(b["seconds"])
    light_err = [r for r in runs if not getattr(r, "usable", False)]
    browser_err = [b for b in b_results if not b["label"].startswith("_") and not b["ok"]]
    page_errors = sum(b["n"] for b in b_results if b["label"] == "_page_errors")
    remounts = sum(b["n"] for b in b_results if b["label"] == "_remounts")
    all_times = [r.seconds for r in runs if getattr(r, "usable", False)] + \
                [b["seconds"] for b in b_results if b.get("seconds")]
    return {"sessions": n_light + n_browser, "light": n_light, "browsers": n_browser, "wall_s": wall,
            "steps": len(runs) + len([b for b in b_results if not b["label"].startswith("_")]),
            "errors": len(light_err) + len(browser_err) + page_errors,
            "error_examples": [f"{r.label}: {r.error or r.exceptions[:1] or 'not usable'}" for r in light_err[:3]]
                              + [f"browser {b['label']}" for b in browser_err[:2]]
                              + [d for b in b_results if b["label"] == "_page_errors" for d in b["detail"]][:2],
            "p50": pct(all_times, 0.5), "p95": pct(all_times, 0.95),
            "per_step": {k: {"n": len(v), "ok": sum(x is not None for x in v), "p50": pct(v, 0.5), "p95": pct(v, 0.95)}
                         for k, v in by_label.items()},
            "browser_map_remounts": remounts,
            "rss_before": rss0, "rss_max": sampler.max, "rss_after": rss1,
            "bytes_per_session": statistics.mean([sum(r.bytes for r in s.runs) for s in sessions]) if sessions else 0}


# ---- phase 2: replica kill ----------------------------------------------------------------------------

async def _loop_session(s: LightSession, page: str, query: str, stop: asyncio.Event, log: list,
                        reconnect: bool = True, pause: float | tuple = 0.5):
    """Load `page`, then rerun it until `stop`, `pause` seconds (or a random think time in the
    (low, high) range) between runs; a lost connection is reloaded like a tab retries it."""
    rnd = random.Random(s.name)
    r = await s.load(page, query, RUN_TIMEOUT)
    log.append(("load", time.time(), r))
    while not stop.is_set():
        r = await s.run(page, query, RUN_TIMEOUT)
        log.append(("run", time.time(), r))
        if r.error and reconnect:
            t_lost = time.time()
            while not stop.is_set():   # the frontend retries the WebSocket; so do we
                r2 = await s.load(page, query, RUN_TIMEOUT)
                log.append(("reconnect", t_lost, r2))
                if r2.ok:
                    break
                await asyncio.sleep(0.5)
        await asyncio.sleep(rnd.uniform(*pause) if isinstance(pause, tuple) else pause)
    await s.close()


def phase_kill_replica(stack: Stack, cfg: dict, routes: dict) -> dict:
    a, b = stack.ports
    pid_a = stack.pid(a)
    n = cfg["kill_light"]
    on_a = routes[a][:n // 2]
    on_b = routes[b][:n - n // 2]
    logs = {k: [] for k in on_a + on_b}
    result: dict = {"replica": a, "sessions_a": len(on_a), "sessions_b": len(on_b)}
    browser_out: dict = {}
    ready = threading.Event()
    killed_at: dict = {}

    def browser_on_a():
        try:
            with chromium() as br:
                _browser_on_a(br)
        except Exception as e:
            browser_out["error"] = f"{type(e).__name__}: {e}"[:300]
            ready.set()

    def _browser_on_a(br):
        ctx, _ = _context(br, stack.base, routes[a][-1])
        page = ctx.new_page()
        url = f"{stack.base}/map?province={PROVINCE}&year=2021&lang=en"
        page.goto(url, wait_until="commit")
        browser_out["before"] = _wait_ready(page, RUN_TIMEOUT) and _map_painted(page, RUN_TIMEOUT)
        ready.set()
        while "t" not in killed_at:
            page.wait_for_timeout(100)
        page.wait_for_timeout(1500)   # the tab notices the lost connection
        t_back = None
        deadline = time.time() + 120
        while time.time() < deadline:
            if page.evaluate(APP_READY_JS) and _map_painted(page, 1):
                t_back = time.time()
                break
            page.wait_for_timeout(250)
        browser_out["restored_s"] = None if t_back is None else t_back - killed_at["t"]
        browser_out["url_kept"] = "year=2021" in page.url and "lang=en" in page.url
        title = page.locator("h1").first.inner_text(timeout=5000) if t_back else ""
        browser_out["title"] = title
        browser_out["exceptions"] = _exceptions(page)
        ctx.close()

    bt = threading.Thread(target=browser_on_a, daemon=True)
    bt.start()

    async def scenario():
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_loop_session(LightSession(stack.base, k, k), "map",
                                                   f"province={PROVINCE}&year={YEAR}", stop, logs[k]))
                 for k in on_a + on_b]
        t0 = time.time()
        while (not all(any(e[0] == "load" and e[2].ok for e in logs[k]) for k in logs) or not ready.is_set()) \
                and time.time() - t0 < cfg["phase_cap"] / 2:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        killed_at["t"] = time.time()
        os.kill(pid_a, signal.SIGKILL)
        await asyncio.sleep(12.0)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=cfg["phase_cap"])
    asyncio.run(scenario())
    bt.join(timeout=180)
    t_kill = killed_at["t"]
    restored, lost, b_errors = [], 0, 0
    for k in on_a:
        after = [e for e in logs[k] if e[0] == "reconnect" and e[2].ok]
        if after:
            restored.append(after[0][2].ended - t_kill)
        elif any(e[2].error for e in logs[k] if e[1] >= t_kill):
            lost += 1
    for k in on_b:
        b_errors += sum(1 for e in logs[k] if not e[2].ok or e[2].exceptions)
    a_exceptions = sum(len(e[2].exceptions) for k in on_a for e in logs[k])
    result.update(moved=len(restored), not_restored=lost, restore_p50=pct(restored, 0.5),
                  restore_max=max(restored) if restored else None, b_errors=b_errors, a_exceptions=a_exceptions,
                  browser=browser_out, replica_back_s=stack.wait_healthy(a, 120))
    return result


# ---- phase 3: import through A while B serves -------------------------------------------------------------

def sourced_dataset(db_url: str):
    """The store's data without the illustrative fill (what the public pages show)."""
    import dataclasses
    from loaders.dataset import load_dataset
    from loaders.store import get_engine
    ds = load_dataset(get_engine(db_url), refresh=False)
    keep = ds.status["provenance"].astype(str) != "illustrative"
    return dataclasses.replace(ds, status=ds.status[keep].copy())


def choose_import_row(db_url: str):
    """A rural commune of the province at `standard` or `advanced` (sourced rows) in YEAR: the
    one-row file that raises it to `model`."""
    from metrics.status import status_as_of
    ds = sourced_dataset(db_url)
    year = YEAR
    st_ = status_as_of(ds, PROVINCE, year)
    units = ds.units[(ds.units["admin_level"] == "commune") & (ds.units["unit_type"] == "xã")]
    cand = st_[st_["unit_code"].astype(str).isin(set(units["unit_code"].astype(str)))
               & st_["level"].astype(str).isin(RECOGNISED[:2])]
    code = str(sorted(cand["unit_code"].astype(str))[0])
    from loaders.importer.samples import status_csv
    body = status_csv([{"unit_code": code, "year": year, "level": "model", "decision_no": "999/QĐ-UBND-BENCH",
                        "decision_date": f"{year}-12-20", "provenance": "official",
                        "source": "benchmark import (deploy)"}])
    return code, year, body


def expected_model(db_url: str, year: int) -> str:
    """The overview's KPI 'model' for the province and year, as metrics computes it from the store."""
    from metrics.counts import level_counts
    from metrics.fmt import format_number
    from metrics.status import status_as_of
    ds = sourced_dataset(db_url)
    row = level_counts(status_as_of(ds, PROVINCE, year)).iloc[0]
    return format_number(int(row["atleast_model"]), "vi")


def import_through_ui(base: str, route: str, path: Path, out: dict) -> None:
    try:
        with chromium() as br:
            _import_through_ui(br, base, route, path, out)
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"[:400] + f" (screenshot: {STACK_DIR / 'import-failure.png'})"


def _import_through_ui(br, base: str, route: str, path: Path, out: dict) -> None:
    ctx, _ = _context(br, base, route)
    page = ctx.new_page()
    try:
        _import_steps(page, base, path, out)
    except Exception:
        page.screenshot(path=str(STACK_DIR / "import-failure.png"), full_page=True)
        raise
    finally:
        ctx.close()


def _import_steps(page, base: str, path: Path, out: dict) -> None:
    page.goto(f"{base}/data?province={PROVINCE}&lang=vi", wait_until="commit")
    _wait_ready(page, RUN_TIMEOUT)
    from domain.text import t
    page.get_by_label(t("editor.login.user", "vi")).fill(EDITOR[0])
    page.get_by_label(t("editor.login.password", "vi")).fill(EDITOR[1])
    page.get_by_role("button", name=t("editor.login.submit", "vi")).click()
    page.wait_for_timeout(500)
    _wait_ready(page, RUN_TIMEOUT)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    def words(key):   # the panel's wording up to its first {value}
        return re.escape(t(key, "vi").split("{", 1)[0].strip())
    confirm = page.get_by_role("button", name=re.compile(words("import.panel.confirm")))
    confirm.wait_for(timeout=RUN_TIMEOUT * 1000)
    out["clicked"] = time.time()
    confirm.click()
    page.get_by_text(re.compile(words("import.panel.done"))).first.wait_for(timeout=RUN_TIMEOUT * 1000)
    out["done_ui"] = time.time()
    out["exceptions"] = _exceptions(page)


def phase_import(stack: Stack, cfg: dict, routes: dict) -> dict:
    from loaders.store import get_engine
    from sqlalchemy import text
    a, b = stack.ports
    env = {**os.environ, "NTM_DATABASE_URL": stack.db_url}
    p = subprocess.run([sys.executable, "-m", "loaders", "users", "add", EDITOR[0], "--role", "editor",
                        "--province", PROVINCE, "--password-stdin"], cwd=REPO, env=env, input=EDITOR[1] + "\n",
                       capture_output=True, text=True, timeout=120)
    if p.returncode not in (0,) and "exists" not in (p.stderr + p.stdout).lower():
        return {"error": f"cannot create the editor account: {p.stderr[-300:]}"}
    code, year, body = choose_import_row(stack.db_url)
    before = expected_model(stack.db_url, year)
    tmp = Path(tempfile.mkdtemp(prefix="ntm-bench-")) / "bench_import.csv"
    tmp.write_bytes(body)
    eng = get_engine(stack.db_url)
    with eng.connect() as c:
        n_imports0 = c.execute(text("SELECT COUNT(*) FROM imports")).scalar_one()
    n = cfg["import_light"]
    on_b = routes[b][:n]
    logs = {k: [] for k in on_b}
    ui: dict = {}
    commit: dict = {}

    def watch_commit():
        deadline = time.time() + cfg["phase_cap"]
        while time.time() < deadline and "t" not in commit and "stop" not in commit:
            with eng.connect() as c:
                if c.execute(text("SELECT COUNT(*) FROM imports WHERE state = 'active'")).scalar_one() > n_imports0:
                    commit["t"] = time.time()
                    commit["version"] = c.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one()
                    break
            time.sleep(0.02)
        while "t" in commit and time.time() - commit["t"] < 30:   # B's caches rebuilt from the new version
            h = stack.health(b) or {}
            if h.get("seen_version") is not None and h["seen_version"] >= commit["version"]:
                commit["b_caches"] = time.time() - commit["t"]
                return
            time.sleep(0.05)

    async def scenario():
        stop = asyncio.Event()
        q = f"province={PROVINCE}&year={year}"
        tasks = [asyncio.create_task(_loop_session(LightSession(stack.base, k, k), "", q, stop, logs[k],
                                                   pause=THINK)) for k in on_b]
        t0 = time.time()
        while not all(any(e[0] == "load" and e[2].ok for e in logs[k]) for k in logs) \
                and time.time() - t0 < cfg["phase_cap"] / 2:
            await asyncio.sleep(0.2)
        wt = threading.Thread(target=watch_commit, daemon=True)
        wt.start()
        it = threading.Thread(target=import_through_ui, args=(stack.base, routes[a][0], tmp, ui), daemon=True)
        it.start()
        while it.is_alive():
            await asyncio.sleep(0.2)
        t_end = time.time()
        while wt.is_alive() and time.time() - t_end < 10:
            await asyncio.sleep(0.1)
        commit["stop"] = True
        t_commit = commit.get("t")
        deadline = time.time() + 20
        while t_commit and time.time() < deadline:   # until every B session showed the new figure
            if all(any(e[1] >= t_commit and kpis(e[2]).get("model") == after_holder["v"] for e in logs[k])
                   for k in logs):
                break
            await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=cfg["phase_cap"])

    after_holder = {"v": None}

    def after_value():
        while "t" not in commit and "stop" not in commit:
            time.sleep(0.05)
        if "t" in commit:
            after_holder["v"] = expected_model(stack.db_url, year)
    threading.Thread(target=after_value, daemon=True).start()
    asyncio.run(scenario())
    t_commit = commit.get("t")
    lags, errors, sessions_seen, stale = [], 0, 0, [0.0]
    for k in on_b:
        errors += sum(1 for e in logs[k] if not e[2].ok or e[2].exceptions)
        seen = [e[2].ended for e in logs[k] if t_commit and e[2].started >= t_commit - 30
                and kpis(e[2]).get("model") == after_holder["v"] and e[2].ended >= t_commit]
        if seen:
            sessions_seen += 1
            lags.append(min(seen) - t_commit)
        # staleness window: the latest start, after the commit, of a run that still showed the old figure
        stale += [e[2].started - t_commit for e in logs[k] if t_commit and e[2].ok and e[2].started >= t_commit
                  and kpis(e[2]).get("model") == before]
    ha = stack.health(a) or {}
    hb = stack.health(b) or {}
    return {"unit": code, "year": year, "before": before, "after": after_holder["v"], "sessions_b": len(on_b),
            "seen_by": sessions_seen, "lag_p50": pct(lags, 0.5), "lag_max": max(lags) if lags else None,
            "stale_window": max(stale) if t_commit else None,
            "run_p50": pct([e[2].seconds for k in on_b for e in logs[k] if e[2].ok], 0.5),
            "errors_b": errors, "ui": ui, "committed": t_commit is not None,
            "ui_to_commit": (t_commit - ui["clicked"]) if t_commit and "clicked" in ui else None,
            "b_caches_s": commit.get("b_caches"),
            "versions": (ha.get("data_version"), ha.get("seen_version"), hb.get("data_version"), hb.get("seen_version"))}


# ---- phase 4: PostgreSQL restart ---------------------------------------------------------------------

def phase_pg_restart(stack: Stack, cfg: dict, routes: dict) -> dict:
    a, b = stack.ports
    keys = routes[a][:3] + routes[b][:3]
    logs = {k: [] for k in keys}
    http_tracebacks, health_codes, page_codes = [0], [], []
    times: dict = {}

    def prober(stop_evt):
        while not stop_evt.is_set():
            for url in (f"{stack.base}/healthz", f"{stack.base}/?province={PROVINCE}", f"{stack.base}/map"):
                status, body = http_get(url, None, timeout=10)
                if b"Traceback" in body:
                    http_tracebacks[0] += 1
                (health_codes if url.endswith("/healthz") else page_codes).append((time.time(), status))
            stop_evt.wait(0.5)

    async def scenario():
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_loop_session(LightSession(stack.base, k, k), "",
                                                   f"province={PROVINCE}&year={YEAR}", stop, logs[k], pause=0.5))
                 for k in keys]
        await asyncio.sleep(3.0)
        st_evt = threading.Event()
        pt = threading.Thread(target=prober, args=(st_evt,), daemon=True)
        pt.start()
        times["stop"] = time.time()
        await asyncio.to_thread(stack.pg, "-m", "fast", "-w", "stop")
        times["stopped"] = time.time()
        await asyncio.sleep(cfg["outage_s"])
        await asyncio.to_thread(stack.pg_start)
        times["started"] = time.time()
        await asyncio.sleep(10.0)
        stop.set()
        st_evt.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=cfg["phase_cap"])
    asyncio.run(scenario())
    during = [e[2] for k in keys for e in logs[k] if times["stopped"] <= e[2].started <= times["started"]]
    after = [e for k in keys for e in logs[k] if e[2].started >= times["started"]]
    recovered = {}
    for k in keys:
        clean = [e[2].ended - times["started"] for e in logs[k]
                 if e[2].started >= times["started"] and e[2].ok and not has_notice(e[2])]
        recovered[k] = min(clean) if clean else None
    exc = sum(len(e[2].exceptions) for k in keys for e in logs[k])
    errs = sum(1 for k in keys for e in logs[k] if e[2].error)
    h_down = sum(1 for t, s in health_codes if times["stopped"] <= t <= times["started"] and s == 503)
    h_total_down = sum(1 for t, s in health_codes if times["stopped"] <= t <= times["started"])
    return {"outage_s": times["started"] - times["stop"], "runs_during": len(during),
            "with_notice": sum(1 for r in during if has_notice(r)), "exceptions": exc, "transport_errors": errs,
            "runs_after": len(after), "recovered_p50": pct(list(recovered.values()), 0.5),
            "recovered_max": max([v for v in recovered.values() if v is not None], default=None),
            "not_recovered": sum(v is None for v in recovered.values()), "http_tracebacks": http_tracebacks[0],
            "health_503_during": f"{h_down}/{h_total_down}",
            "page_http_errors": sum(1 for _, s in page_codes if s != 200), "page_http": len(page_codes)}


def browser_db_notice(stack: Stack, cfg: dict, routes: dict) -> dict:
    """One tab: reload during a database outage shows the notice (EN); it goes by itself after."""
    out: dict = {}
    try:
        with chromium() as br:
            _browser_db_notice(br, stack, cfg, routes, out)
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"[:300]
        if stack.pg("status", check=False).returncode != 0:
            stack.pg_start()
    return out


def _browser_db_notice(br, stack: Stack, cfg: dict, routes: dict, out: dict) -> None:
    from domain.text import t
    ctx, _ = _context(br, stack.base, routes[stack.ports[1]][0])
    page = ctx.new_page()
    url = f"{stack.base}/?province={PROVINCE}&year={YEAR}&lang=en"
    page.goto(url, wait_until="commit")
    _wait_ready(page, RUN_TIMEOUT)
    stack.pg("-m", "fast", "-w", "stop")
    t_stop = time.time()
    page.wait_for_timeout(3000)   # past the freshness interval: the next run checks the database
    page.goto(url, wait_until="commit")
    _wait_ready(page, RUN_TIMEOUT)
    text_en = t("app.db_unavailable", "en")
    out["notice_shown"] = page.get_by_text(text_en).count() > 0
    out["exceptions_during"] = _exceptions(page)
    out["figures_kept"] = page.locator("[data-testid=kpi-standard]").count() > 0
    page.wait_for_timeout(max(0, int((cfg["outage_s"] - (time.time() - t_stop)) * 1000)))
    stack.pg_start()
    t_start = time.time()
    gone = None
    while time.time() - t_start < 60:
        if page.get_by_text(text_en).count() == 0:
            gone = time.time() - t_start
            break
        page.wait_for_timeout(250)
    out["notice_gone_s"] = gone   # without any action in the tab (the notice retries by itself)
    out["exceptions_after"] = _exceptions(page)
    ctx.close()


# ---- phase 5: killed import -----------------------------------------------------------------------------

def table_fingerprint(db_url: str) -> dict:
    """Row count and a checksum of every table (rows sorted, values as text)."""
    from sqlalchemy import inspect, text
    from loaders.store import get_engine
    eng = get_engine(db_url)
    out = {}
    with eng.connect() as c:
        for t in sorted(inspect(eng).get_table_names()):
            rows = [tuple("" if v is None else str(v) for v in r) for r in c.execute(text(f"SELECT * FROM {t}"))]
            rows.sort()
            out[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    eng.dispose()
    return out


def big_import_file(db_url: str) -> bytes:
    """Every rural commune of the province with a sourced level, every year 2020–2024, restated at
    the level it already has (a large, valid file that changes no level)."""
    from loaders.importer.samples import status_csv
    from metrics.status import status_as_of
    ds = sourced_dataset(db_url)
    rows = []
    for year in range(2020, 2025):
        st_ = status_as_of(ds, PROVINCE, year)
        for r in st_.itertuples(index=False):
            if str(r.level) in RECOGNISED and str(getattr(r, "unit_type", "xã")) == "xã":
                rows.append({"unit_code": str(r.unit_code), "year": year, "level": str(r.level),
                             "decision_no": f"{year}/BENCH-KILL", "decision_date": f"{year}-12-31",
                             "provenance": "official", "source": "benchmark killed import"})
    return status_csv(rows)


def kill_mid_transaction(db_url: str, path: Path, dialect: str) -> dict:
    from sqlalchemy import text
    from loaders.store import get_engine
    before = table_fingerprint(db_url)
    url = db_url
    if dialect == "postgresql":
        url += ("&" if "?" in url else "?") + "application_name=ntm_bench_kill"
    env = {**os.environ, "NTM_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "loaders", "import", str(path), "--json"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    killed, where = False, None
    watch = get_engine(db_url) if dialect == "postgresql" else None
    journal = Path(db_url.split("///", 1)[1] + "-journal") if dialect == "sqlite" else None
    while time.time() - t0 < 120 and proc.poll() is None:
        if dialect == "postgresql":
            with watch.connect() as c:
                row = c.execute(text(
                    "SELECT a.state, left(a.query, 50) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                    "WHERE a.application_name = 'ntm_bench_kill' AND l.relation = 'import_lock'::regclass "
                    "AND l.mode = 'RowExclusiveLock' AND l.granted")).first()
            # inside the import's write transaction (it holds the lock row) and past its first statements
            if row is not None and not str(row[1]).startswith(("UPDATE import_lock", "SELECT import_id",
                                                               "SELECT vintage")):
                where = f"inside the write transaction ({row[0]}: {row[1]!r}…)"
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.005)
        else:
            try:
                size = journal.stat().st_size
            except FileNotFoundError:
                size = 0
            if size > 3 * 4104 + 512:   # the journal holds 3+ pages: the lock row, imports, ... written
                where = f"inside the write transaction (rollback journal {size // 1024} kB)"
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.001)
    proc.wait(timeout=30)
    if dialect == "postgresql":
        deadline = time.time() + 30   # the server notices the dead client and rolls back
        while time.time() < deadline:
            with watch.connect() as c:
                if not c.execute(text("SELECT 1 FROM pg_stat_activity WHERE application_name = 'ntm_bench_kill'")).first():
                    break
            time.sleep(0.1)
        watch.dispose()
    after = table_fingerprint(db_url)
    changed = [t for t in before if before[t] != after.get(t)]
    t1 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "loaders", "import", str(path), "--json"], cwd=REPO,
                       env={**os.environ, "NTM_DATABASE_URL": db_url}, capture_output=True, text=True, timeout=300)
    again = json.loads(p.stdout) if p.stdout.strip().startswith("{") else {"ok": False, "errors": [p.stderr[-300:]]}
    return {"dialect": dialect, "killed": killed, "where": where, "after_s": time.time() - t0,
            "tables": len(before), "rows": sum(v[0] for v in before.values()), "changed_tables": changed,
            "next_ok": bool(again.get("ok")) and p.returncode == 0, "next_rows": again.get("rows_written"),
            "next_s": time.perf_counter() - t1, "next_errors": again.get("errors", [])[:2]}


def phase_killed_import(stack: Stack) -> list[dict]:
    body = big_import_file(stack.db_url)
    d = Path(tempfile.mkdtemp(prefix="ntm-bench-kill-"))
    f = d / "bench_kill.csv"
    f.write_bytes(body)
    out = [kill_mid_transaction(stack.db_url, f, "postgresql")]
    from loaders.store import get_engine, init_db
    sq = d / "copy.sqlite"
    eng = get_engine(f"sqlite:///{sq}")
    init_db(eng)
    eng.dispose()
    out.append(kill_mid_transaction(f"sqlite:///{sq}", f, "sqlite"))
    out[0]["file_rows"] = out[1]["file_rows"] = body.count(b"\n") - 1
    shutil.rmtree(d, ignore_errors=True)
    return out


# ---- main ------------------------------------------------------------------------------------------

def main(short: bool = False) -> dict:
    from domain.text import t
    NOTICE_TEXTS[:] = [t("app.db_unavailable", lang) for lang in ("vi", "en")] + \
                      [t("app.db_unavailable_nodata", lang) for lang in ("vi", "en")]
    cfg = CONFIG[short]
    res: dict = {"short": short}
    print(f"bench_deploy ({'short' if short else 'full'}): {os.cpu_count()} cores, load average {loadavg()} "
          f"(shared machine); own stack in {STACK_DIR.relative_to(REPO)}")
    stack = Stack()
    try:
        up_s = stack.up()
        a, b = stack.ports
        print(f"stack up in {up_s:.0f} s: nginx {stack.base} → replicas {a}, {b} → PostgreSQL "
              f"127.0.0.1:{stack.env['NTM_PG_PORT']}")
        need = max(cfg["light"], cfg["kill_light"], cfg["import_light"]) // 2 + cfg["browsers"] + 4
        routes = routes_by_replica(stack.base, need, stack.ports)
        # 1. load
        ld = phase_load(stack, cfg, routes)
        res["load"] = ld
        print(f"load: {ld['sessions']} concurrent sessions ({ld['light']} protocol clients + {ld['browsers']} "
              f"Chromium tabs) over 2 replicas, {ld['steps']} page steps in {ld['wall_s']:.0f} s: "
              f"errors {ld['errors']}; time to usable page p50 {fmt_s(ld['p50'])}, p95 {fmt_s(ld['p95'])}")
        for k, v in ld["per_step"].items():
            print(f"  {k:16s} n={v['n']:3d} ok={v['ok']:3d}  p50 {fmt_s(v['p50'])}  p95 {fmt_s(v['p95'])}")
        for p in stack.ports:
            print(f"  replica {p}: RSS {ld['rss_before'][p]:.0f} MB idle → max {ld['rss_max'][p]:.0f} MB "
                  f"under load → {ld['rss_after'][p]:.0f} MB after")
        print(f"  websocket bytes per protocol session (whole flow): {ld['bytes_per_session'] / 1024:.0f} kB; "
              f"Chromium tabs' maps mounted anew during a year change: {ld['browser_map_remounts']}")
        for ex in ld["error_examples"]:
            print(f"  error: {ex}")
        # 2. kill a replica
        kr = phase_kill_replica(stack, cfg, routes)
        res["kill_replica"] = kr
        br = kr["browser"]
        print(f"replica kill: SIGKILL of replica {kr['replica']} with {kr['sessions_a']} sessions on it and "
              f"{kr['sessions_b']} on the other: {kr['moved']}/{kr['sessions_a']} reconnected and restored "
              f"their view through nginx (p50 {fmt_s(kr['restore_p50'])}, max {fmt_s(kr['restore_max'])}), "
              f"{kr['not_restored']} not restored, {kr['b_errors']} errors on the other replica's sessions, "
              f"{kr['a_exceptions']} tracebacks; replica back (supervisor restart) in {fmt_s(kr['replica_back_s'])}")
        print(f"  Chromium tab on the killed replica: restored in {fmt_s(br.get('restored_s'))}, URL state kept "
              f"{br.get('url_kept')}, title {br.get('title')!r}, exceptions {br.get('exceptions')}"
              + (f", error {br['error']}" if br.get("error") else ""))
        # 3. import through A
        im = phase_import(stack, cfg, routes)
        res["import"] = im
        if "error" in im:
            print(f"import through A: {im['error']}")
        else:
            ok5 = (im["stale_window"] is not None and im["stale_window"] <= 5.0
                   and im["seen_by"] == im["sessions_b"])
            print(f"import through replica A (browser, import panel) while B serves {im['sessions_b']} sessions "
                  f"(each reloads '/' every {THINK[0]:.0f}–{THINK[1]:.0f} s): commune {im['unit']} → model in "
                  f"{im['year']}; KPI 'model' {im['before']} → {im['after']}; seen by {im['seen_by']}/"
                  f"{im['sessions_b']} B sessions; "
                  + ("every page started after the commit showed the new figure" if im["stale_window"] == 0 else
                     f"a page started more than {fmt_s(im['stale_window'])} after the commit always showed the "
                     f"new figure")
                  + f" (budget ≤ 5 s: {'OK' if ok5 else 'MISS'}); commit → new "
                  f"figure on screen p50 {fmt_s(im['lag_p50'])}, max {fmt_s(im['lag_max'])} (includes think time "
                  f"and the run: B's page runs p50 {fmt_s(im['run_p50'])}); errors on B {im['errors_b']}; "
                  f"UI {im['ui'].get('error') or 'ok'}")
            print(f"  replica B's caches at the new data version {fmt_s(im['b_caches_s'])} after the commit "
                  f"(checked at the start of its next script run)")
        # 4. PostgreSQL restart
        pr = phase_pg_restart(stack, cfg, routes)
        res["pg_restart"] = pr
        print(f"PostgreSQL restart ({pr['outage_s']:.1f} s down) under 6 sessions: {pr['runs_during']} runs during "
              f"the outage, {pr['with_notice']} showed the 'database unavailable, retrying' notice (the others "
              f"ran within the freshness interval, from cache), tracebacks {pr['exceptions']}, transport errors "
              f"{pr['transport_errors']}, page HTTP errors {pr['page_http_errors']}/{pr['page_http']}, "
              f"HTTP bodies with a traceback {pr['http_tracebacks']}, /healthz 503 "
              f"during the outage {pr['health_503_during']}; after restart every session clean in p50 "
              f"{fmt_s(pr['recovered_p50'])}, max {fmt_s(pr['recovered_max'])} ({pr['not_recovered']} not)")
        bn = browser_db_notice(stack, cfg, routes)
        res["pg_restart_browser"] = bn
        print(f"  Chromium tab (EN): notice shown {bn.get('notice_shown')}, figures kept {bn.get('figures_kept')}, "
              f"tracebacks {bn.get('exceptions_during')}/{bn.get('exceptions_after')}, notice gone by itself "
              f"{fmt_s(bn.get('notice_gone_s'))} after the database came back"
              + (f", error {bn['error']}" if bn.get("error") else ""))
        # 5. killed import
        kills = phase_killed_import(stack)
        res["killed_import"] = kills
        for k in kills:
            print(f"killed import ({k['dialect']}, {k['file_rows']} rows): SIGKILL {k['where'] or 'NOT caught'} "
                  f"after {k['after_s']:.2f} s; {k['tables']} tables / {k['rows']} rows, changed: "
                  f"{k['changed_tables'] or 'none'}; next import ok {k['next_ok']} ({k['next_rows']} rows, "
                  f"{k['next_s']:.1f} s)" + (f" errors {k['next_errors']}" if not k["next_ok"] else ""))
        # lost imports: the UI import is still there after the kill, the restarts and the killed imports
        from loaders.store import get_engine
        from sqlalchemy import text
        eng = get_engine(stack.db_url)
        with eng.connect() as c:
            n_active = c.execute(text("SELECT COUNT(*) FROM imports WHERE state = 'active'")).scalar_one()
        eng.dispose()
        expected = (1 if res.get("import", {}).get("committed") else 0) + sum(1 for k in kills if k["dialect"] ==
                                                                               "postgresql" and k["next_ok"])
        res["lost_imports"] = expected - n_active
        print(f"imports recorded at the end: {n_active} active (expected {expected}): lost {expected - n_active}")
        total_errors = (res["load"]["errors"] + res["kill_replica"]["b_errors"] + res["kill_replica"]["not_restored"]
                        + res.get("import", {}).get("errors_b", 0) + res["pg_restart"]["exceptions"]
                        + res["pg_restart"]["http_tracebacks"] + res["pg_restart"]["page_http_errors"]
                        + res["pg_restart"]["transport_errors"])
        print(f"summary: errors {total_errors}, lost imports {res['lost_imports']}, staleness window on the other "
              f"replica {fmt_s(res.get('import', {}).get('stale_window'))}, load average now {loadavg()}")
    finally:
        stack.down()
    return res
