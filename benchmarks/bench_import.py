"""Import of an 11,000-row status table with validation (DESIGN §4 target: ≤ 3 s), printed as
figures with the peak Python memory (tracemalloc) and the process's max RSS.

The table names units by commune + district name (the slower matching path) against a SYNTHETIC
register (vintage `99-2020`, 11,000 invented communes in 100 districts) written into a temporary
SQLite database — synthetic so the size matches a national table; nothing of it is shown as data.
``main(short=True)`` runs once; the full run takes the median of three.
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date

N_ROWS = 11_000
N_DISTRICTS = 100
SYLLABLES = ["An", "Bình", "Cẩm", "Đông", "Hà", "Hòa", "Hương", "Kỳ", "Lạc", "Minh", "Mỹ", "Phú", "Quang",
             "Sơn", "Tân", "Thạch", "Thủy", "Trung", "Vĩnh", "Xuân", "Yên", "Thịnh", "Lộc", "Đức"]


def _names():
    out = []
    for a in SYLLABLES:
        for b in SYLLABLES:
            for c in ("", " Thượng", " Hạ", " Tây", " Nam", " Bắc", " Trung", " Đông", " Mới", " Lâm", " Thành",
                      " Phong", " Hưng", " Long", " Hải", " Giang", " Điền", " Khê", " Trạch", " Liên"):
                if a != b:
                    out.append(f"{a} {b}{c}")
    return out


def make_db(path: str):
    from sqlalchemy import text

    from loaders.store import get_engine, init_db
    eng = get_engine(f"sqlite:///{path}")
    init_db(eng)
    names = _names()
    units = [{"v": "99-2020", "c": "99", "l": "province", "n": "Tỉnh Tổng Hợp", "t": "tỉnh", "p": None}]
    communes = []
    for d in range(N_DISTRICTS):
        units.append({"v": "99-2020", "c": f"9{d:02d}", "l": "district", "n": f"Huyện Thử {d + 1}", "t": "huyện", "p": "99"})
    for i in range(N_ROWS):
        d = i % N_DISTRICTS
        code = f"9{i:04d}"
        name = f"Xã {names[i]}"
        units.append({"v": "99-2020", "c": code, "l": "commune", "n": name, "t": "xã", "p": f"9{d:02d}"})
        communes.append((name, f"Huyện Thử {d + 1}"))
    with eng.begin() as c:
        c.execute(text("INSERT INTO vintages (vintage, province_code, province_name, valid_from, valid_to, "
                       "n_communes, n_districts) VALUES ('99-2020', '99', 'Tỉnh Tổng Hợp (synthetic)', "
                       "'2020-01-01', '2024-12-31', :n, :d)"), {"n": N_ROWS, "d": N_DISTRICTS})
        c.execute(text("INSERT INTO units (vintage, unit_code, admin_level, name, unit_type, parent_code, "
                       "province_code) VALUES (:v, :c, :l, :n, :t, :p, '99')"), units)
    return eng, communes


def make_table(communes) -> bytes:
    from loaders.importer.samples import status_csv
    rows = []
    for i, (name, district) in enumerate(communes):
        met = 10 + (i * 7) % 10
        level = "standard" if met == 19 else "none"
        rows.append({"unit_name": name, "district": district, "year": 2023, "level": level,
                     "criteria_met": met, "criteria_total": 19, "note": "dòng thử" if i % 5 == 0 else ""})
    return status_csv(rows)


def run_once(data: bytes, measure_memory: bool):
    from loaders.importer.pipeline import import_bytes
    with tempfile.TemporaryDirectory() as tmp:
        eng, _ = make_db(os.path.join(tmp, "bench.sqlite"))
        if measure_memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        rep = import_bytes(data, "bench_11000.csv", eng, province="99", today=date(2026, 1, 1))
        dt = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] if measure_memory else None
        if measure_memory:
            tracemalloc.stop()
        eng.dispose()
    assert rep.ok and rep.rows_written == N_ROWS, rep.errors[:3]
    return dt, peak


def main(short: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        _, communes = make_db(os.path.join(tmp, "names.sqlite"))
    data = make_table(communes)
    print(f"table: {N_ROWS:,} rows, {len(data) / 1e6:.2f} MB CSV (names matched within district)")
    times = [run_once(data, False)[0] for _ in range(1 if short else 3)]
    t = statistics.median(times)
    _, peak = run_once(data, True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "OK" if t <= 3.0 else "OVER BUDGET"
    print(f"import with validation + write (SQLite): {t:.2f} s (target ≤ 3 s) {verdict}; runs: "
          + ", ".join(f"{x:.2f}" for x in times))
    print(f"peak Python memory during the import (tracemalloc): {peak / 1e6:.1f} MB; process max RSS: {rss:.0f} MB")
    return {"seconds": t, "peak_mb": peak / 1e6, "max_rss_mb": rss}


if __name__ == "__main__":
    main(short="--short" in sys.argv)
