"""Briefing-pack build times (DESIGN §4 / issue 7 targets: province pack ≤ 10 s,
district pack ≤ 5 s) and map-image times, printed as figures.

Each build is timed end to end from a loaded dataset: metrics, map drawing and
writing the file into memory. ``main(short=True)`` runs each case once (CI);
the full run takes the median of three.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

CASES = [
    # (label, province, district, year, target seconds)
    ("province pack 42 (Hà Tĩnh, 216 units)", "42", None, 2023, 10.0),
    ("district pack 444 (Hương Khê, 21 units)", "42", "444", 2023, 5.0),
]


def _time(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU time shows the cost when the machine is shared)."""
    runs, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(runs), statistics.median(cpu)


def main(short: bool = False) -> dict:
    from ui.export.build import build_briefing, build_map_image, dataset_for

    repeat = 1 if short else 3
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine load (1 min): {load:.1f} on {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    ds = dataset_for(False)
    print(f"dataset load: {time.perf_counter() - t0:.2f} s (not counted below)")
    # Warm the boundary and font caches once, as a running app would be.
    build_map_image(ds, "42", 2023, None, fmt="png", dpi=50)
    results = {}
    for label, province, district, year, target in CASES:
        for fmt in ("pptx", "pdf"):
            sizes = []
            secs, cpu = _time(lambda: sizes.append(len(build_briefing(ds, province, year, district,
                                                                     lang="vi", fmt=fmt))), repeat)
            ok = "OK" if secs <= target else "OVER"
            print(f"{label} {fmt.upper()}: {secs:.2f} s wall, {cpu:.2f} s CPU "
                  f"(target ≤ {target:.0f} s, {ok}); {sizes[-1] / 1e6:.2f} MB")
            results[(label, fmt)] = secs
    for fmt in ("png", "svg"):
        secs, cpu = _time(lambda: build_map_image(ds, "42", 2023, None, fmt=fmt), repeat)
        print(f"map image 42/2023 {fmt.upper()} (200 dpi): {secs:.2f} s wall, {cpu:.2f} s CPU")
        results[("map", fmt)] = secs
    return results


if __name__ == "__main__":
    main(short="--short" in sys.argv)
