"""Map budgets (DESIGN §4, issue 6), each figure printed next to the naive baseline
measured in the same run: `st_folium(gdf.explore(column=...))` on the raw layer
(benchmarks/baseline_app.py, served on its own port).

Figures
- payload: what the browser receives for the map on first render — websocket
  frames (decoded) plus the map data files (JSON) fetched from static serving.
  Libraries (Leaflet, the map clients) are loaded by both sides and left out.
- server build (warm): the per-rerun work of the map element — building the map frame's
  arguments as Streamlit sends them (ours) or the folium map and the strings st_folium sends
  (the baseline) — with geometry and statuses cached.
- first paint: navigation -> first commune polygon painted, headless Chromium,
  polling the map iframe for `path.leaflet-interactive` (SVG) or our canvas layer's
  ready mark, then two animation frames.
- year change: websocket bytes received per change of the year slider (and map
  data re-fetched, if any); remount checked with a marker set in the map document.
- memory: server RSS growth divided by N concurrent sessions (Playwright contexts
  each holding the page open), after one warm-up session.

Pages: ours = the dashboard's province map rendered alone (examples/province_map.py,
so page chrome does not count) and the /map page of the app itself for the
year change; national = ui/maps/national.py (`/map?province=all`, or the harness
examples/national_map.py while the page does not call it).
`main(short=True)` (CI): one repetition, memory with 1 and 5 sessions, the
national baseline with a 60 s paint timeout.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("NTM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SVG_POLY = "path.leaflet-interactive"
CANVAS_READY = "[data-ntm-national=ready]"
LIB_SUFFIXES = (".js", ".css", ".png", ".woff", ".woff2", ".ttf", ".svg")
YEAR = 2024

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


# ---- servers ---------------------------------------------------------------------

def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: str):
    return wait_server(spawn_server(script))


def spawn_server(script: str):
    port = _free_port()
    env = {**os.environ, "NTM_LANG": "vi"}
    env.pop("NTM_TILE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.enableStaticServing", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}", script


def wait_server(spawned):
    import urllib.request
    proc, url, script = spawned
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"{script}: Streamlit did not start")


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---- one page in the browser ------------------------------------------------------------

class Probe:
    """Counts websocket bytes and map data responses of one page; blocks non-local requests."""

    def __init__(self, context):
        self.ws_bytes = 0
        self.ws_last = time.time()
        self.responses = []
        self.blocked = []
        self.errors = []
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("websocket", self._ws)
        self.page.on("response", lambda r: self.responses.append(r))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        host = route.request.url.split("/")[2].split(":")[0]
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:", "about:")):
            return route.continue_()
        self.blocked.append(route.request.url)
        return route.abort()

    def _ws(self, ws):
        def frame(payload):
            self.ws_bytes += len(payload.encode("utf-8") if isinstance(payload, str) else payload)
            self.ws_last = time.time()
        ws.on("framereceived", frame)

    def data_bytes(self, since: int = 0) -> int:
        """Map data files fetched (JSON under /app/static/), bodies as received."""
        total = 0
        for r in self.responses[since:]:
            url = r.url.split("?")[0]
            if "/app/static/" in url and url.endswith(".json"):
                try:
                    total += len(r.body())
                except Exception:
                    pass
        return total

    def lib_bytes(self) -> int:
        total = 0
        for r in self.responses:
            url = r.url.split("?")[0]
            if "/app/static/" in url and url.endswith(LIB_SUFFIXES):
                try:
                    total += len(r.body())
                except Exception:
                    pass
        return total

    def find(self, selector: str):
        for fr in self.page.frames:
            try:
                if fr.query_selector(selector):
                    return fr
            except Exception:
                continue
        return None

    def wait_paint(self, selector: str, timeout: float) -> tuple[float | None, object]:
        t0 = time.perf_counter()
        self.page.goto(self.url, wait_until="commit")
        while time.perf_counter() - t0 < timeout:
            fr = self.find(selector)
            if fr is not None:
                fr.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                return time.perf_counter() - t0, fr
            self.pause(0.05)
        return None, None

    def pause(self, seconds: float) -> None:
        """Sleep while letting Playwright deliver events (time.sleep would not)."""
        self.page.wait_for_timeout(int(seconds * 1000))

    def settle(self, quiet: float = 1.5, cap: float = 90.0) -> None:
        """Wait until the script run is over and the websocket has been quiet for `quiet` s."""
        t0 = time.time()
        self.pause(0.1)
        while time.time() - t0 < cap:
            try:
                running = self.page.evaluate(
                    "() => { const a = document.querySelector('.stApp');"
                    " return !!a && a.getAttribute('data-test-script-state') === 'running'; }")
            except Exception:
                running = False
            if not running and time.time() - self.ws_last >= quiet:
                return
            self.pause(0.1)


def _browser(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def first_render(pw, url: str, selector: str, timeout: float) -> dict:
    browser = _browser(pw)
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        p = Probe(ctx)
        p.url = url
        secs, _ = p.wait_paint(selector, timeout)
        # the payload is what arrives, painted or not: wait for it even after a paint timeout
        p.settle(cap=90.0 if secs is not None else 150.0)
        out = {"paint_s": secs, "ws": p.ws_bytes, "data": p.data_bytes(), "libs": p.lib_bytes(),
               "blocked": len(p.blocked), "errors": p.errors, "timeout": timeout}
        out["payload"] = out["ws"] + out["data"]
        ctx.close()
        return out
    finally:
        browser.close()


def open_painted(browser, url: str, selector: str, timeout: float):
    """A new page of ``url`` once its map painted and the run settled: (context, probe, map frame),
    or None when nothing painted within ``timeout``."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    p = Probe(ctx)
    p.url = url
    secs, fr = p.wait_paint(selector, timeout)
    if secs is None:
        ctx.close()
        return None
    p.settle()
    return ctx, p, fr


def year_changes(pw, url: str, selector: str, changes: int, timeout: float) -> dict:
    """Bytes per change of the year slider (ArrowLeft on the first slider), and
    whether the map document survived (no remount)."""
    browser = _browser(pw)
    try:
        opened = open_painted(browser, url, selector, timeout)
        if opened is None:
            return {"error": f"no paint within {timeout:.0f} s"}
        ctx, p, fr = opened
        first = p.ws_bytes + p.data_bytes()
        fr.evaluate("() => { window.__ntmBenchMark = 1; }")
        per_change, kept, moved = [], True, []
        for _ in range(changes):
            ws0, n0 = p.ws_bytes, len(p.responses)
            slider = p.page.locator("[data-testid=stSlider] input[type=range], [role=slider]").first
            before = slider.get_attribute("aria-valuetext")
            slider.focus()
            p.page.keyboard.press("ArrowLeft")
            t_wait = time.time()   # wait for the rerun to start answering, then for quiet
            while p.ws_bytes == ws0 and time.time() - t_wait < 20:
                p.pause(0.05)
            p.settle()
            per_change.append(p.ws_bytes - ws0 + p.data_bytes(n0))
            moved.append(f"{before}->{slider.get_attribute('aria-valuetext')}")
            fr2 = p.find(selector)
            try:
                kept = kept and fr2 is not None and fr2.evaluate("() => window.__ntmBenchMark === 1")
            except Exception:
                kept = False
            fr = fr2 or fr
        ctx.close()
        return {"first": first, "per_change": statistics.mean(per_change), "no_remount": kept, "years": moved}
    finally:
        browser.close()


def sessions_memory(pw, pid: int, url: str, selector: str, n: int, timeout: float) -> dict:
    """RSS growth per session with n pages open at once (after one warm-up session)."""
    browser = _browser(pw)
    try:
        warm = browser.new_context()
        wp = Probe(warm)
        wp.url = url
        wp.wait_paint(selector, timeout)
        wp.settle()
        warm.close()
        time.sleep(2)
        rss0 = rss_mb(pid)
        probes, ctxs = [], []
        for _ in range(n):
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            pr = Probe(ctx)
            pr.url = url
            pr.page.goto(url, wait_until="commit")
            probes.append(pr)
            ctxs.append(ctx)
        t0 = time.perf_counter()
        painted = set()
        while time.perf_counter() - t0 < timeout * max(1, n / 4) and len(painted) < n:
            for i, pr in enumerate(probes):
                if i not in painted and pr.find(selector) is not None:
                    painted.add(i)
            probes[0].pause(0.2)
        for pr in probes:
            pr.settle(quiet=1.0, cap=30)
        rss1 = rss_mb(pid)
        errors = sum(len(pr.errors) for pr in probes)
        exceptions = sum(pr.page.locator("[data-testid=stException]").count() for pr in probes)
        for ctx in ctxs:
            ctx.close()
        return {"n": n, "painted": len(painted), "errors": errors + exceptions,
                "rss0": rss0, "rss1": rss1, "per_session_mb": (rss1 - rss0) / n,
                "all_s": time.perf_counter() - t0}
    finally:
        browser.close()


# ---- server build time -----------------------------------------------------------------

def _median_time(fn, repeat: int) -> float:
    fn()   # warm
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def server_build(repeat: int) -> dict:
    import warnings
    warnings.filterwarnings("ignore")
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import geopandas as gpd
    from streamlit_folium import _get_map_string

    from loaders import geometry as G
    from loaders.dataset import load_dataset
    from metrics.status import status_as_of
    from ui.maps import province as ntm_map
    from ui.maps import base as map_base
    from ui.maps import national as national_map

    ds = load_dataset()
    status = status_as_of(ds, "42", YEAR)
    raw_p = gpd.read_parquet(G.source_path("42-2020"))
    raw_n = gpd.read_parquet(G.source_path(G.NATIONAL))
    lv = dict(zip(status["unit_code"].astype(str), status["level"].astype(str)))

    def naive(gdf, code_col):
        g = gdf.copy()
        g["level"] = g[code_col].astype(str).map(lv).fillna("unknown")
        m = g.explore(column="level", legend=False)
        return _get_map_string(m)

    communes = G.prepared_layer("42-2020", "province")
    center = ntm_map.bounds_center(communes)
    geo_p = {"topology": "/app/static/generated/topo.json"}

    def ours_province():
        view = ntm_map.view(geo_p, "/app/static/generated/status.json", YEAR, "commune", "vi")
        return json.dumps(map_base.frame_args(ntm_map.CLIENT, ntm_map.base_map(center), view, 600))

    geo_n = national_map.geometry_urls()

    def ours_national():
        view = national_map.view(geo_n, "/app/static/national/data/status.json", YEAR, "vi")
        return json.dumps(map_base.frame_args(national_map.CLIENT, national_map.base_map(), view, 640))

    out = {"province": {"ours": _median_time(ours_province, repeat), "base": _median_time(lambda: naive(raw_p, "unit_code"), repeat)},
           "national": {"ours": _median_time(ours_national, repeat),
                        "base": _median_time(lambda: naive(raw_n, "gso_code_2019"), max(1, repeat // 3))}}
    out["national"]["base_html_bytes"] = len(naive(raw_n, "gso_code_2019").encode())
    out["province"]["base_html_bytes"] = len(naive(raw_p, "unit_code").encode())
    return out


# ---- report ------------------------------------------------------------------------------

def _mb(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def _ratio(a, b):
    return f"{a / b:.1%}" if b else "n/a"


def _national_page_wired() -> bool:
    text = (REPO / "pages" / "map.py").read_text(encoding="utf-8")
    return "national_map" in text


def main(short: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    from loaders import geometry as G

    t_start = time.perf_counter()
    repeat = 3 if short else 7
    sessions = [1, 5] if short else [1, 20]
    nat_timeout = 60.0 if short else 120.0
    results: dict = {"short": short}
    print(f"bench_map ({'short' if short else 'full'}), {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (shared machine), year {YEAR}")

    t0 = time.perf_counter()
    G.prepared_layer(G.NATIONAL, "national")
    G.prepared_layer(G.NATIONAL, "province")
    print(f"geometry ready in {time.perf_counter() - t0:.1f} s (prepared once, then from var/geometry)")

    sb = server_build(repeat)
    results["server_build"] = sb
    for layer in ("province", "national"):
        o, b = sb[layer]["ours"], sb[layer]["base"]
        print(f"server build warm, {layer:8s}: ours {o * 1000:7.1f} ms | baseline {b * 1000:8.1f} ms | ratio {_ratio(o, b)}"
              + ("  (budget ≤ 150 ms)" if layer == "province" else ""))

    servers = {}
    try:
        nat_script = "app.py" if _national_page_wired() else "examples/national_map.py"
        spawned = {"app": spawn_server("app.py"), "prov": spawn_server("examples/province_map.py"),
                   "base": spawn_server("benchmarks/baseline_app.py")}
        if not short:
            spawned["natmap"] = spawn_server("examples/national_map.py")
        if nat_script != "app.py":
            spawned["nat"] = spawn_server(nat_script)
        for k, v in spawned.items():   # started together, then waited for
            servers[k] = (v[0], v[1])
        for k, v in spawned.items():
            wait_server(v)
        servers.setdefault("nat", servers["app"])
        prov_url = servers["prov"][1] + f"/?year={YEAR}"
        page_url = servers["app"][1] + f"/map?province=42&year={YEAR}"
        # the 2009 layer of YEAR, as the baseline (the app opens on its latest year, on another layer)
        nat_path = "/map?province=all&" if nat_script == "app.py" else "/?"
        nat_url = servers["nat"][1] + f"{nat_path}year={YEAR}"
        base_p = servers["base"][1] + "/?layer=province"
        base_n = servers["base"][1] + "/?layer=national"
        natmap_url = servers["natmap"][1] + "/" if "natmap" in servers else None
        print(f"national map served by {nat_script}")

        with sync_playwright() as pw:
            # warm each server once (caches, geometry files), as a running app would be
            warm = [(prov_url, SVG_POLY, 90), (nat_url, CANVAS_READY, 180), (base_p, SVG_POLY, 90)]
            if not short:
                warm += [(page_url, SVG_POLY, 180), (natmap_url, CANVAS_READY, 180)]
            for url, sel, to in warm:
                first_render(pw, url, sel, to)
            fr = {"prov_ours": first_render(pw, prov_url, SVG_POLY, 30),
                  "prov_base": first_render(pw, base_p, SVG_POLY, 60),
                  "nat_ours": first_render(pw, nat_url, CANVAS_READY, 60),
                  "nat_alone": first_render(pw, natmap_url, CANVAS_READY, 60) if natmap_url else None,
                  "nat_base": first_render(pw, base_n, SVG_POLY, nat_timeout)}
            results["first_render"] = fr
            for layer, o, b, budget in (("province", fr["prov_ours"], fr["prov_base"], 0.40),
                                        ("national", fr["nat_ours"], fr["nat_base"], 0.15)):
                print(f"payload {layer:8s}: ours {_mb(o['payload'])} (ws {_mb(o['ws'])} + data {_mb(o['data'])}) | "
                      f"baseline {_mb(b['payload'])} | ratio {_ratio(o['payload'], b['payload'])} "
                      f"(budget ≤ {budget:.0%}: {'OK' if b['payload'] and o['payload'] <= budget * b['payload'] else 'MISS'})")
            for layer, o, b, budget in (("province", fr["prov_ours"], fr["prov_base"], 3.0),
                                        ("national", fr["nat_ours"], fr["nat_base"], 6.0)):
                os_, bs = o["paint_s"], b["paint_s"]
                bs_txt = f"{bs:.2f} s" if bs is not None else f"TIMEOUT (> {b['timeout']:.0f} s)"
                speed = (f"{bs / os_:.1f}x faster" if bs is not None and os_ else
                         (f"> {b['timeout'] / os_:.1f}x faster" if os_ else "n/a"))
                ok = os_ is not None and os_ <= budget and (layer == "province" or bs is None or bs >= 3 * os_)
                print(f"first paint {layer:8s}: ours {os_ if os_ is None else f'{os_:.2f} s'} | baseline {bs_txt} | "
                      f"{speed} (budget ≤ {budget:.0f} s{', ≥ 3x' if layer == 'national' else ''}: {'OK' if ok else 'MISS'})")
            if fr["nat_alone"]:
                na = fr["nat_alone"]["paint_s"]
                print(f"first paint national, map alone (examples/national_map.py, no dashboard around it): "
                      f"{'n/a' if na is None else f'{na:.2f} s'}")
            print(f"  (baseline map HTML built server-side: province {_mb(sb['province']['base_html_bytes'])}, "
                  f"national {_mb(sb['national']['base_html_bytes'])})")
            for k, v in fr.items():
                if v and (v["errors"] or v["blocked"]):
                    print(f"  note {k}: {len(v['errors'])} page errors, {v['blocked']} non-local requests blocked")

            yc = {"page_province": year_changes(pw, page_url, SVG_POLY, 1 if short else 3, 180),
                  "national": year_changes(pw, nat_url, CANVAS_READY, 1 if short else 3, 60),
                  "base_province": year_changes(pw, base_p, SVG_POLY, 1 if short else 3, 60)}
            if not short:
                yc["harness_province"] = year_changes(pw, prov_url, SVG_POLY, 3, 60)
                yc["base_national"] = year_changes(pw, base_n, SVG_POLY, 1, nat_timeout)
            results["year_change"] = yc
            for k, v in yc.items():
                if "error" in v:
                    print(f"year change {k:16s}: {v['error']}")
                    continue
                share = v["per_change"] / v["first"] if v["first"] else float("nan")
                print(f"year change {k:16s}: {_mb(v['per_change'])} per change vs first render {_mb(v['first'])} "
                      f"= {share:.1%} (budget ≤ 10%: {'OK' if share <= 0.10 else 'MISS'}); "
                      f"map document kept (no remount): {v['no_remount']}; years {', '.join(v['years'])}")

            mem = {}
            targets = [("national map", "nat", nat_url, CANVAS_READY, 90)]
            if not short:
                targets = [("province map", "prov", prov_url, SVG_POLY, 60)] + targets + [
                    ("baseline province", "base", base_p, SVG_POLY, 60)]
            for name, key, url, sel, to in targets:
                pid = servers[key][0].pid
                for n in sessions:
                    m = sessions_memory(pw, pid, url, sel, n, to)
                    mem[f"{name}/{n}"] = m
                    ok = m["painted"] == n and m["errors"] == 0 and m["per_session_mb"] <= 60
                    print(f"memory {name:17s} {n:2d} sessions: {m['per_session_mb']:6.1f} MB/session "
                          f"(RSS {m['rss0']:.0f} -> {m['rss1']:.0f} MB), painted {m['painted']}/{n}, "
                          f"errors {m['errors']}, {m['all_s']:.1f} s" + ("" if name.startswith("baseline") else
                                                                        f" (budget ≤ 60 MB, no error: {'OK' if ok else 'MISS'})"))
            results["memory"] = mem
    finally:
        for proc, _ in {id(v[0]): v for v in servers.values()}.values():
            stop_server(proc)
    print(f"bench_map done in {time.perf_counter() - t_start:.0f} s, load average now "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return results


if __name__ == "__main__":
    main("--short" in sys.argv)
