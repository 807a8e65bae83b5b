"""Map budgets of today's maps (issue 12): the boundaries of 1/7/2025 and the 2026–2030
ladder, each figure beside the naive baseline of the same layer measured in the same run
(`st_folium(gdf.explore(column=...))` on the raw layer, benchmarks/baseline_app.py).

Figures (method as benchmarks/bench_map.py)
- national map of today (`/map?province=all&year=2026`, the 3,321 units of the 34 provinces,
  layer vn-2025): payload on first render (websocket + map data files; libraries left out) vs
  the baseline on vn-2025 (budget ≤ 15 %); first paint warm (budget ≤ 4 s); a year change
  2026 → 2025 on the same layer: bytes per change vs first render (budget ≤ 5 %: no geometry
  re-sent) and repaint, key press → canvas restyled and two animation frames (budget ≤ 300 ms);
- province maps of the new vintages (42-2025: 69 units, 15-2025: 99): payload of the map alone
  (examples/province_map.py) vs the baseline on the same vintage (budget ≤ 40 %), first paint
  (≤ 3 s), and on the app's /map a year change within the vintage (2026 → 2025, ≤ 10 %) and one
  across 1/7/2025 (2025 → 2024: may fetch the other vintage's geometry once; reported).

`main(short=True)`: one repetition of each (CI); the full run takes the median of three paints.
"""
from __future__ import annotations

import os
import statistics
import time

from benchmarks.bench_map import (CANVAS_READY, SVG_POLY, _browser, _mb, _ratio, first_render, open_painted,
                                  spawn_server, stop_server, wait_server, year_changes)
from domain.years import current_year

TODAY = current_year()        # the year the app opens its 2026–2030 views on (no record yet)
PROVINCES = (("42", "42-2025"), ("15", "15-2025"))


def repaint_national(pw, url: str, changes: int, timeout: float) -> dict:
    """Key press on the year slider → the national canvas restyled for the new year (the
    client's data-ntm-year attribute set after setStyle) and two animation frames, in ms (the
    clock of both documents: Date.now())."""
    browser = _browser(pw)
    try:
        opened = open_painted(browser, url, CANVAS_READY, timeout)
        if opened is None:
            return {"error": f"no paint within {timeout:.0f} s"}
        ctx, p, fr = opened
        out = []
        for _ in range(changes):
            fr.evaluate("""() => { window.__ntmT1 = null; const el = document.querySelector('[data-ntm-national]');
                const obs = new MutationObserver(() => { obs.disconnect();
                  requestAnimationFrame(() => requestAnimationFrame(() => { window.__ntmT1 = Date.now(); })); });
                obs.observe(el, {attributes: true, attributeFilter: ['data-ntm-year']}); }""")
            slider = p.page.locator("[data-testid=stSlider] input[type=range], [role=slider]").first
            slider.focus()
            t0 = p.page.evaluate("() => Date.now()")
            p.page.keyboard.press("ArrowLeft")
            deadline = time.time() + 30
            t1 = None
            while time.time() < deadline and t1 is None:
                p.pause(0.02)
                try:
                    t1 = fr.evaluate("() => window.__ntmT1")
                except Exception:   # the frame went away (a remount): no restyle to time
                    break
            out.append(None if t1 is None else t1 - t0)
            p.settle()
        ctx.close()
        got = [x for x in out if x is not None]
        return {"ms": statistics.median(got) if got else None, "runs": out}
    finally:
        browser.close()


def _paint(pw, url, selector, timeout, repeat):
    runs = [first_render(pw, url, selector, timeout) for _ in range(repeat)]
    painted = [r["paint_s"] for r in runs if r["paint_s"] is not None]
    best = dict(runs[-1])
    best["paint_s"] = statistics.median(painted) if painted else None
    return best


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISS"


def _report(what: str, ours: dict, base: dict, payload_budget: float, paint_budget: float) -> None:
    """The payload and first-paint lines of one map, ours beside the baseline."""
    ok = base["payload"] and ours["payload"] <= payload_budget * base["payload"]
    print(f"payload {what}: ours {_mb(ours['payload'])} (ws {_mb(ours['ws'])} + data {_mb(ours['data'])}) | "
          f"baseline {_mb(base['payload'])} | ratio {_ratio(ours['payload'], base['payload'])} "
          f"(budget ≤ {payload_budget:.0%}: {_verdict(ok)})")
    po, pb = ours["paint_s"], base["paint_s"]
    print(f"first paint {what}, warm: ours {'n/a' if po is None else f'{po:.2f} s'} | baseline "
          f"{'TIMEOUT' if pb is None else f'{pb:.2f} s'} (budget ≤ {paint_budget:.0f} s: "
          f"{_verdict(po is not None and po <= paint_budget)})")


def main(short: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    from loaders import geometry as G

    t_start = time.perf_counter()
    repeat = 1 if short else 3
    print(f"bench_map_today ({'short' if short else 'full'}), {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (shared machine), year {TODAY}")
    t0 = time.perf_counter()
    for layer in ("vn-2025",) + tuple(v for _, v in PROVINCES):
        G.prepared_layer(layer, "national" if layer.startswith("vn-") else "province")
    G.prepared_layer("vn-2025", "province")
    print(f"geometry ready in {time.perf_counter() - t0:.1f} s (prepared at set-up, then from var/geometry)")

    results: dict = {"short": short}
    servers = {}
    try:
        spawned = {"app": spawn_server("app.py"), "prov": spawn_server("examples/province_map.py"),
                   "base": spawn_server("benchmarks/baseline_app.py")}
        for k, v in spawned.items():   # started together (stopped below even if one fails), then waited for
            servers[k] = (v[0], v[1])
        for k, v in spawned.items():
            wait_server(v)
        app, prov, base = servers["app"][1], servers["prov"][1], servers["base"][1]
        nat_url = f"{app}/map?province=all&year={TODAY}"
        with sync_playwright() as pw:
            # warm each server once, as a running app would be (set-up prepares the files)
            first_render(pw, nat_url, CANVAS_READY, 240)
            first_render(pw, f"{base}/?layer=vn-2025&year={TODAY}", SVG_POLY, 120)
            for code, vintage in PROVINCES:
                first_render(pw, f"{prov}/?province={code}&year={TODAY}", SVG_POLY, 90)
                first_render(pw, f"{base}/?layer={vintage}&year={TODAY}", SVG_POLY, 90)

            # ---- national map of today ----
            ours = _paint(pw, nat_url, CANVAS_READY, 60, repeat)
            naive = _paint(pw, f"{base}/?layer=vn-2025&year={TODAY}", SVG_POLY, 120, 1)
            results["national"] = {"ours": ours, "base": naive}
            _report("national of today (vn-2025, 3,321 units)", ours, naive, 0.15, 4.0)
            yc = year_changes(pw, nat_url, CANVAS_READY, 1 if short else 2, 90)
            results["national_year_change"] = yc
            if "error" in yc:
                print(f"year change national of today: {yc['error']}")
            else:
                share = yc["per_change"] / yc["first"] if yc["first"] else float("nan")
                print(f"year change national of today: {_mb(yc['per_change'])} per change vs first render "
                      f"{_mb(yc['first'])} = {share:.1%} (budget ≤ 5%: {_verdict(share <= 0.05)}); "
                      f"map kept (no remount): {yc['no_remount']}; years {', '.join(yc['years'])}")
            rp = repaint_national(pw, nat_url, 1 if short else 3, 90)
            results["national_repaint"] = rp
            ms = rp.get("ms")
            print(f"repaint national of today, key press → canvas restyled: "
                  f"{'n/a' if ms is None else f'{ms:.0f} ms'} (runs {rp.get('runs')}; budget ≤ 300 ms: "
                  f"{_verdict(ms is not None and ms <= 300)})")

            # ---- province maps of the new vintages ----
            for code, vintage in PROVINCES:
                o = _paint(pw, f"{prov}/?province={code}&year={TODAY}", SVG_POLY, 30, repeat)
                b = _paint(pw, f"{base}/?layer={vintage}&year={TODAY}", SVG_POLY, 60, 1)
                results[vintage] = {"ours": o, "base": b}
                _report(f"province {vintage}", o, b, 0.40, 3.0)
                for label, year, budget in (("within the vintage", TODAY, 0.10), ("across 1/7/2025", TODAY - 1, None)):
                    yc = year_changes(pw, f"{app}/map?province={code}&year={year}", SVG_POLY, 1, 180)
                    results[f"{vintage}_year_change_{year}"] = yc
                    if "error" in yc:
                        print(f"year change {vintage} {label}: {yc['error']}")
                        continue
                    share = yc["per_change"] / yc["first"] if yc["first"] else float("nan")
                    verdict = (f"budget ≤ {budget:.0%}: {_verdict(share <= budget)}" if budget is not None
                               else "may fetch the other vintage's geometry once")
                    print(f"year change {vintage} {label} (/map, {', '.join(yc['years'])}): {_mb(yc['per_change'])} "
                          f"vs first render {_mb(yc['first'])} = {share:.1%} ({verdict}); map kept: {yc['no_remount']}")
            for k, v in results.items():
                if isinstance(v, dict) and "ours" in v and (v["ours"]["errors"] or v["ours"]["blocked"]):
                    print(f"  note {k}: {len(v['ours']['errors'])} page errors, {v['ours']['blocked']} non-local requests blocked")
    finally:
        for proc, _ in servers.values():
            stop_server(proc)
    print(f"bench_map_today done in {time.perf_counter() - t_start:.0f} s, load average now "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return results
