"""Build, at set-up, everything a first visitor would otherwise wait for.

    python scripts/prepare_static.py [--quiet]

For every boundary vintage present (geodata/boundaries/*/meta.json with a commune layer) and every
national layer of geodata/national/meta.json (the 2009 census layer and the 3,321 units of
1/7/2025): the prepared geometry (var/geometry/, see loaders/geometry.py) and the
content-addressed map files the app serves from static/ — the province topology (on a two-level
vintage: with the former districts' outlines), one topology per district (the district view),
each national layer and its per-province layers, the map style files per language. The app writes exactly the same files
(same names: content hashes) when one is missing, so this step only moves the wait from the first
visitor to the set-up; running it twice writes nothing new. Files that depend on the data
(statuses per year) are written by the app once per data version.

`make run` and `make deploy-local` run it. Exit 1 if a layer cannot be built.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


from build_geometry import present_vintages  # noqa: E402  (same folder)


def prepare_vintage(vintage: str) -> int:
    """Prepared layers and topology files of one province vintage (on a two-level vintage with
    the former districts' outlines); returns files referenced."""
    from ui.frame import data
    from ui.maps import views
    communes = data.communes_geo(vintage)
    n = len(views.geometry_urls_of(vintage))
    # a two-level vintage (from 1/7/2025) has no districts, hence no district views
    for code in sorted(communes["district_code"].dropna().astype(str).unique()):
        n += len(views.geometry_urls_of(vintage, district=code))
    return n


def prepare_national(layer: str) -> int:
    from ui.maps import national as national_map
    urls = national_map.geometry_urls(layer)   # builds the national and province detail layers it draws
    return 1 + len(urls["provinces"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quiet", action="store_true", help="print only problems and the total")
    args = ap.parse_args(argv)
    from streamlit import logger as st_logger
    st_logger.set_log_level("error")   # "no runtime found": expected, the caches work without one
    from loaders import geometry as G
    from ui.maps import province as ntm_map
    from ui.frame.i18n import LANGS
    t_all = time.perf_counter()
    failed = []
    total = 0
    for v in present_vintages():
        t0 = time.perf_counter()
        try:
            n = prepare_national(v) if v in G.national_layer_ids() else prepare_vintage(v)
        except Exception as exc:   # name the layer and go on with the others
            failed.append(v)
            print(f"{v}: cannot prepare: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        total += n
        if not args.quiet:
            print(f"{v}: {n} map files ready [{time.perf_counter() - t0:.1f} s]", flush=True)
    for lang in LANGS:
        ntm_map.style_url(lang)
    print(f"prepared geometry and map files: {total} files for {len(present_vintages()) - len(failed)} vintages "
          f"in {time.perf_counter() - t_all:.1f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
