"""Build the prepared (simplified, quantised) commune layers and check them.

    python scripts/build_geometry.py [--vintage V ...] [--detail D ...] [--json]

Reads the commune layers in geodata/: every boundary vintage (geodata/boundaries/<vintage>/
communes.parquet) and every national layer of geodata/national/meta.json (`vn-2009`, the 2009
census layer; `vn-2025`, the 3,321 units of 1/7/2025); the list comes from geodata/, not from
this script. With `--source DIR` (e.g. ../shared) it first builds geodata/ from the shared files
into a temporary folder (scripts/build_geodata.py), for a checkout whose geodata/ is not built.
Writes the cache under var/geometry/ (see loaders/geometry.py) and prints, per layer: vertices,
validity, overlap and gap area before/after, area error, problems. Exit 1 if any check fails.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders import geometry as G  # noqa: E402


def present_vintages() -> list[str]:
    """The layers the app's maps draw, read from geodata/: every boundary vintage with a commune
    layer, then the national layers (`vn-2009` for the years before 2025, `vn-2025` from it);
    scripts/prepare_static.py builds their map files."""
    return G.layer_ids()


def _stage_source(source: Path) -> Path:
    """geodata/ built from the shared files into a temporary folder."""
    import build_geodata

    root = Path(tempfile.mkdtemp(prefix="ntm-geodata-")) / "geodata"
    if build_geodata.main(["--source", str(source), "--out", str(root)]) != 0:
        raise SystemExit(2)
    return root


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vintage", action="append", metavar="V",
                    help="a boundary vintage or national layer id (default: every layer in geodata/)")
    ap.add_argument("--detail", action="append", choices=sorted(G.DETAILS), help="default: all")
    ap.add_argument("--source", type=Path, help="build geodata/ from this shared folder first (e.g. ../shared)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    details = args.detail or list(G.DETAILS)
    if args.source:
        if not args.source.is_dir():
            print(f"--source {args.source}: not a folder", file=sys.stderr)
            return 2
        os.environ["NTM_GEODATA_DIR"] = str(_stage_source(args.source))
    known = G.layer_ids()
    vintages = args.vintage or known
    unknown = [v for v in vintages if v not in known]
    if unknown:
        print(f"unknown layer(s) {unknown}; geodata/ has {known}", file=sys.stderr)
        return 2
    report, failed = {}, False
    for v in vintages:
        try:
            raw = G.raw_layer(v)
        except FileNotFoundError as exc:
            print(f"{v}: {exc}", file=sys.stderr)
            return 2
        source = G.overlaps_and_gaps(raw.geometry.values)
        report[v] = {"source": source, "levels": {}}
        if not args.json:
            print(f"{v}: {len(raw)} units, {int(G.shapely.get_num_coordinates(raw.geometry.values).sum())} vertices; "
                  f"source overlaps {source['overlap_km2']:.2f} km² ({source['overlap_pairs']} pairs), "
                  f"gaps {source['gap_km2']:.2f} km² ({source['gaps']})")
        for d in details:
            t0 = time.perf_counter()
            prepared = G.build_layer(v, d)
            seconds = time.perf_counter() - t0
            c = G.check_layer(raw, prepared, d, source)
            c["build_seconds"] = round(seconds, 2)
            report[v]["levels"][d] = c
            failed |= bool(c["problems"])
            if not args.json:
                p = c["prepared"]
                print(f"  {d:9s} {c['vertices']:>7d} vertices  overlaps {p['overlap_km2']:.3f} km²  "
                      f"gaps {p['gap_km2']:.2f} km² ({p['gaps']})  area error median "
                      f"{c['area_rel_median']:.2%} p99 {c['area_rel_p99']:.1%}  invalid {c['invalid']}  "
                      f"empty {c['empty']}  [{seconds:.1f} s]  {'OK' if not c['problems'] else 'FAIL'}")
                for prob in c["problems"]:
                    print(f"    problem: {prob}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
