"""Metrics timings (DESIGN §4): prints figures, asserts nothing.

    python -m benchmarks.bench_metrics [--short]

1. A full province-year summary (`build_summary`, preparation included) on the records of
   geodata/ for Hà Tĩnh (targets ≤ 50 ms), with the sourced records only and with the
   illustrative fill switched on (every xã has records then).
2. A national 11k-unit panel: the 11,163 communes of geodata/national/vn_adm3_2009.parquet as one
   synthetic vintage, with seeded synthetic statuses (0–3 records per xã, 2011–2024, random
   provenance; phường / thị trấn get none): status of every unit for a year + counts per level for
   the country and its ~700 districts (target ≤ 1 s), and the full summary for information.
Median of several runs (fewer with --short).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from domain.levels import RECOGNISED  # noqa: E402
from metrics.counts import level_counts  # noqa: E402
from metrics.prepare import prepare  # noqa: E402
from metrics.status import status_as_of  # noqa: E402
from metrics.summary import build_summary  # noqa: E402

NATIONAL = ROOT / "geodata" / "national" / "vn_adm3_2009.parquet"


def timed(fn, runs: int) -> tuple[float, float, float]:
    """(median wall time, best wall time, median CPU time of this process). On a shared, loaded
    machine the CPU time is the better estimate of the wall time on an idle one."""
    fn()  # warm-up (imports, first allocations)
    ts, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        ts.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(ts), min(ts), statistics.median(cpu)


def ms(x: float) -> str:
    return f"{x * 1000:8.1f} ms"


def real_dataset(illustrative: bool) -> SimpleNamespace:
    from loaders.store import read_seed_frames
    f = read_seed_frames()
    if not illustrative:
        f["status"] = f["status"][f["status"]["provenance"] != "illustrative"].reset_index(drop=True)
    return SimpleNamespace(**f)


def national_dataset(seed: int = 20091) -> SimpleNamespace:
    import pyarrow.parquet as pq
    t = pq.read_table(NATIONAL, columns=["census_commune_id", "census_district_id", "adm3_name",
                                         "adm2_name"]).to_pandas()
    v = "VN-2009"
    ctype = np.select([t["adm3_name"].str.startswith("Phường"), t["adm3_name"].str.startswith("Thị trấn")],
                      ["phường", "thị trấn"], "xã")
    d = t.drop_duplicates("census_district_id")
    dtype = np.select([d["adm2_name"].str.startswith("Thị xã"), d["adm2_name"].str.startswith("Thành phố"),
                       d["adm2_name"].str.startswith("Quận")], ["thị xã", "thành phố", "quận"], "huyện")
    units = pd.concat([
        pd.DataFrame({"vintage": [v], "unit_code": ["VN"], "admin_level": ["province"], "name": ["Việt Nam"],
                      "unit_type": ["tỉnh"], "parent_code": [None]}),
        pd.DataFrame({"vintage": v, "unit_code": d["census_district_id"].astype(str), "admin_level": "district",
                      "name": d["adm2_name"], "unit_type": dtype, "parent_code": "VN"}),
        pd.DataFrame({"vintage": v, "unit_code": t["census_commune_id"].astype(str), "admin_level": "commune",
                      "name": t["adm3_name"], "unit_type": ctype,
                      "parent_code": t["census_district_id"].astype(str)}),
    ], ignore_index=True).assign(province_code="VN")
    rng = np.random.default_rng(seed)
    xa = t.loc[ctype == "xã", "census_commune_id"].astype(str).to_numpy()
    n_rec = rng.choice([0, 1, 2, 3], size=len(xa), p=[0.1, 0.4, 0.3, 0.2])
    codes = np.repeat(xa, n_rec)
    # each xã climbs the ladder one step per record, in increasing label years
    step = np.concatenate([np.arange(k) for k in n_rec])
    years = 2011 + step * 4 + rng.integers(0, 4, size=len(codes))
    levels = np.array(RECOGNISED)[np.minimum(step, len(RECOGNISED) - 1)]
    none_first = rng.random(len(codes)) < 0.15
    levels = np.where(none_first & (step == 0), "none", levels)
    prov = rng.choice(["official", "reported", "derived", "illustrative"], size=len(codes), p=[0.5, 0.3, 0.15, 0.05])
    status = pd.DataFrame({"record_id": [f"N{i}" for i in range(len(codes))], "vintage": v, "unit_code": codes,
                           "admin_level": "commune", "year": years, "level": levels, "provenance": prov,
                           "source_id": "synthetic"})
    empty = pd.DataFrame()
    return SimpleNamespace(units=units, crosswalk=pd.DataFrame(columns=["from_vintage", "from_code", "to_vintage",
                                                                        "to_code", "relation"]),
                           status=status, vintages=pd.DataFrame({"vintage": [v], "province_code": ["VN"],
                                                                 "valid_from": [None], "valid_to": [None]}),
                           targets=empty, aggregates=empty, criteria=empty, sources=empty)


def main(short: bool = False) -> None:
    runs = 5 if short else 15
    print(f"metrics benchmark ({'short' if short else 'full'} mode; median of {runs} runs after a warm-up; "
          f"load average (1 min) at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print("\n1. province-year summary, build_summary(ds, '42', year) incl. preparation (target ≤ 50 ms)")
    for label, illus in (("sourced records only", False), ("with the illustrative fill", True)):
        ds = real_dataset(illus)
        for year in ((2022,) if short else (2014, 2022, 2023)):
            med, best, cpu = timed(lambda: build_summary(ds, "42", year), runs)
            print(f"   {label:28s} {year}: median {ms(med)}   best {ms(best)}   CPU {ms(cpu)}"
                  f"   ({len(ds.status)} records)")
    ds = real_dataset(False)
    med, best, cpu = timed(lambda: prepare(ds, "42"), runs)
    print(f"   of which prepare(ds, '42'):         median {ms(med)}   best {ms(best)}   CPU {ms(cpu)}")
    prep = prepare(ds, "42")
    med, best, cpu = timed(lambda: build_summary(dataclasses.replace(prep, _cache={}), "42", 2022), runs)
    print(f"   with a Prepared reused (cold caches) 2022: median {ms(med)}   best {ms(best)}   CPU {ms(cpu)}")

    print("\n2. national panel: 11,163 communes of geodata/national/vn_adm3_2009 as one synthetic vintage,"
          " seeded synthetic statuses (target ≤ 1 s)")
    nat = national_dataset()
    n_xa = int((nat.units["unit_type"] == "xã").sum())
    print(f"   {int((nat.units['admin_level'] == 'commune').sum())} communes ({n_xa} xã), "
          f"{int((nat.units['admin_level'] == 'district').sum())} districts, {len(nat.status)} synthetic records")
    nruns = 3 if short else 7

    def panel():
        st = status_as_of(nat, "VN", 2020)
        return level_counts(st)
    med, best, cpu = timed(panel, nruns)
    print(f"   status_as_of + level_counts, year 2020: median {ms(med)}   best {ms(best)}   CPU {ms(cpu)}")
    med, best, cpu = timed(lambda: build_summary(nat, "VN", 2020), 1 if short else 3)
    print(f"   full build_summary (for information):  median {ms(med)}   best {ms(best)}   CPU {ms(cpu)}")
    print(f"\n   machine load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(other work on the same cores slows the CPU figures too: compare runs at a similar load)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_metrics", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="fewer runs (CI mode)")
    main(short=ap.parse_args().short)
