"""Build the prepared (simplified, quantised) commune layers and check them.

    python scripts/build_geometry.py [--vintage V ...] [--detail D ...] [--json]

Reads the commune layers in geodata/ (geodata/boundaries/<vintage>/communes.parquet
and the national 2009 layer in geodata/national/); with `--source DIR` (e.g.
../shared/geodata) it reads the shared GeoPackages instead, for a checkout whose
geodata/ is not built yet. Writes the cache under var/geometry/ (see
loaders/geometry.py) and prints, per layer: vertices, validity, overlap and gap
area before/after, area error, problems. Exit 1 if any check fails.
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

VINTAGES = ["42-2019", "42-2020", "38-2019", "38-2020", "10-2009", G.NATIONAL]

# --source: shared GeoPackage layer per vintage (same content as geodata/).
_GPKG = {"42-2019": ("hatinh_adm.gpkg", "adm3_2019"), "42-2020": ("hatinh_adm.gpkg", "adm3_2020_2024"),
         "38-2019": ("thanhhoa_trieuson_adm.gpkg", "adm3_2019"),
         "38-2020": ("thanhhoa_trieuson_adm.gpkg", "adm3_2020_2024"),
         "10-2009": ("laocai_adm_2009.gpkg", "adm3_2009"), G.NATIONAL: ("vn_adm3_2009.gpkg", "adm3_2009")}


def present_vintages() -> list[str]:
    """Every vintage with a commune layer in geodata/ (from meta.json), then the national layer."""
    from loaders.boundaries import list_vintages
    out = [v for v in list_vintages() if G.source_path(v).is_file()]
    return out + ([G.NATIONAL] if G.source_path(G.NATIONAL).is_file() else [])


def _stage_source(source: Path, vintages: list[str]) -> Path:
    """Write the shared GeoPackages as a minimal geodata/ tree (temp dir)."""
    import geopandas as gpd

    root = Path(tempfile.mkdtemp(prefix="ntm-geodata-"))
    for v in vintages:
        fname, layer = _GPKG[v]
        gdf = gpd.read_file(source / fname, layer=layer)
        if v == G.NATIONAL:
            out = root / "national" / "vn_adm3_2009.parquet"
        else:
            gdf = gdf.rename(columns={"adm3_code": "unit_code", "adm3_name": "name", "adm3_type": "unit_type",
                                      "adm2_code": "district_code", "adm2_name": "district_name",
                                      "adm1_code": "province_code", "adm1_name": "province_name"})
            if "unit_code" not in gdf:   # 2009 layers: GSO 2019 code, else census id
                gdf["unit_code"] = gdf["gso_code_2019"].fillna("C" + gdf["census_commune_id"].astype(str))
            gdf["vintage"] = v
            out = root / "boundaries" / v / "communes.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        gdf.to_parquet(out, index=False)
    return root


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vintage", action="append",
                    help="default: every vintage present in geodata/ (with --source: " + ", ".join(VINTAGES) + ")")
    ap.add_argument("--detail", action="append", choices=sorted(G.DETAILS), help="default: all")
    ap.add_argument("--source", type=Path, help="read the shared GeoPackages in this folder (e.g. ../shared/geodata)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    vintages = args.vintage or (VINTAGES if args.source else present_vintages())
    if args.source and set(vintages) - set(_GPKG):
        print(f"--source knows only {', '.join(VINTAGES)}", file=sys.stderr)
        return 2
    details = args.detail or list(G.DETAILS)
    if args.source:
        if not args.source.is_dir():
            print(f"--source {args.source}: not a folder", file=sys.stderr)
            return 2
        os.environ["NTM_GEODATA_DIR"] = str(_stage_source(args.source, vintages))
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
