"""Dry runs of the largest and most hostile files the importer accepts or refuses (issue 14,
hardening 8; budget: a dry run of any accepted file < 5 s and < 300 MB; a refusal costs less).

Each case runs in a fresh Python process (the figures are that process's wall time and max RSS,
the interpreter and libraries included), against a database seeded from geodata/ (rows that
would need --allow-downgrade there are confirmed: the same work). The naive
baseline is what the importer did before: openpyxl's read-only loader and row iterator over the
same file (full mode only; it is stopped after 120 s). Files are built by
``loaders.importer.samples`` (synthetic shapes, real Hà Tĩnh unit codes; never shown as data)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 5.0, 300

CHILD = r"""
import json, resource, sys, time
from datetime import date
import loaders.importer.pipeline, loaders.store, openpyxl   # the libraries, before the clock


def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss would carry the parent's across fork + exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


base_mb = peak_mb()
t0, c0 = time.perf_counter(), time.process_time()
if sys.argv[1] == "naive":
    import io, warnings
    from openpyxl import load_workbook
    warnings.simplefilter("ignore")
    wb = load_workbook(io.BytesIO(open(sys.argv[2], "rb").read()), read_only=True)
    n = sum(1 for row in wb.worksheets[0].iter_rows(values_only=True) for _ in row[:200])
    ok, codes = True, []
else:
    from loaders.importer.pipeline import import_file
    from loaders.store import get_engine
    rep = import_file(sys.argv[2], get_engine(sys.argv[3]), dry_run=True, today=date(2026, 11, 22),
                      allow_downgrade=True)
    ok, codes = rep.ok, sorted({e["code"] for e in rep.errors})[:3]
print(json.dumps({"s": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rss_mb": peak_mb(),
                  "base_mb": base_mb, "ok": ok, "codes": codes}))
"""


def _codes():
    import csv
    with open(REPO / "geodata" / "registers" / "units.csv", encoding="utf-8") as f:
        return [r["unit_code"] for r in csv.DictReader(f) if r["vintage"] == "42-2020" and r["unit_type"] == "xã"]


def build(folder: Path, short: bool, seeded: str) -> list[tuple[str, Path, str]]:
    """(name, file, database URL)."""
    from benchmarks.bench_import import make_db
    from loaders.importer import samples
    codes = _codes()
    cases = []
    # The largest table the limits accept: 19,990 rows (MAX_ROWS 20,000) of a CSV status table,
    # commune + district names matched against a synthetic 11,000-commune register (bench_import).
    eng, communes = make_db(str(folder / "synthetic.sqlite"))
    eng.dispose()
    rows = [{"unit_name": communes[i % len(communes)][0], "district": communes[i % len(communes)][1],
             "year": 2021 + i // len(communes), "level": "none", "criteria_met": 10 + i // len(communes),
             "criteria_total": 19, "note": f"dòng {i}"} for i in range(19_990)]
    p = folder / "max_rows.csv"
    p.write_bytes(samples.status_csv(rows))
    cases.append(("CSV status table, 19,990 rows by name (MAX_ROWS 20,000)", p,
                  f"sqlite:///{folder / 'synthetic.sqlite'}"))
    # The widest accepted workbook: ~490,000 cells (MAX_CELLS 500,000), a table plus stray cells
    # far right that are ignored with a warning.
    table = [["unit_code", "year", "level", "criteria_met", "criteria_total"]] + [
        [codes[i], 2023, "none", 12, 19] for i in range(len(codes))]
    p = folder / "wide_accepted.xlsx"
    p.write_bytes(samples.wide_row_xlsx(15_000, table_rows=table, with_refs=True, stray_from_col=250,
                                        stray_rows=32 if not short else 12))
    cases.append((f"XLSX: 182-row table + {32 if not short else 12} rows of 15,000 stray cells (ignored)", p, seeded))
    # Hostile: one row of 2.5 million cells in a few MB (refused before parsing).
    p = folder / "huge_row.xlsx"
    p.write_bytes(samples.wide_row_xlsx(2_500_000))
    cases.append(("XLSX: one row of 2.5 million cells", p, seeded))
    # Hostile: a tiny table under a <dimension> of A1:XFD1048576.
    p = folder / "lying_dimension.xlsx"
    p.write_bytes(samples.wide_row_xlsx(0, table_rows=table[:50], with_refs=True, dimension="A1:XFD1048576"))
    cases.append(("XLSX: 49 rows under a <dimension> of A1:XFD1048576", p, seeded))
    return cases


def _child(mode: str, path: Path, url: str, timeout: float):
    try:
        p = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), url], cwd=REPO, capture_output=True,
                           text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(REPO)})
    except subprocess.TimeoutExpired:
        return None
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(short: bool = False) -> dict:
    from loaders.store import get_engine, init_db
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeded = f"sqlite:///{folder / 'seeded.sqlite'}"
        init_db(get_engine(seeded))
        for name, path, url in build(folder, short, seeded):
            r = _child("ours", path, url, 300)
            size = path.stat().st_size / 1e6
            verdict = "OK" if r["s"] <= BUDGET_S and r["rss_mb"] <= BUDGET_MB else "OVER BUDGET"
            state = "accepted" if r["ok"] else f"refused ({', '.join(r['codes'])})"
            line = (f"{name}: {size:.1f} MB file, dry run {r['s']:.2f} s ({r['cpu']:.2f} s CPU), max RSS {r['rss_mb']:.0f} MB "
                    f"({r['rss_mb'] - r['base_mb']:.0f} MB above the {r['base_mb']:.0f} MB of the loaded libraries), "
                    f"{state} (budget {BUDGET_S:.0f} s / {BUDGET_MB} MB) {verdict}")
            if not short and path.suffix == ".xlsx":
                n = _child("naive", path, url, 120)
                line += ("; naive openpyxl read: > 120 s (stopped)" if n is None else
                         f"; naive openpyxl read: {n['s']:.2f} s, {n['rss_mb']:.0f} MB ({n['s'] / max(r['s'], 1e-3):.1f}×)")
            print(line, flush=True)
            out[name] = r
    return out


if __name__ == "__main__":
    main(short="--short" in sys.argv)
