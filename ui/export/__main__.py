"""python -m ui.export briefing|map … — briefing packs (PPTX/PDF) and map images (PNG/SVG).

Exit codes (DESIGN §3): 0 written; 1 the data cannot answer the request
(unknown province/district/year, nothing written); 2 usage error or an output
file that cannot be written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ui.export.build import BRIEFING_FORMATS, MAP_FORMATS, ExportError
from ui.export.view import LEVELS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ui.export",
        description="Build NTM Atlas exports from the bundled records. Every figure comes from "
                    "the metrics engine; illustrative rows are left out unless "
                    "--include-illustrative is given (and are then labelled).")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--province", required=True, help="GSO province code, e.g. 42 (Hà Tĩnh)")
        p.add_argument("--district", help="GSO district code, e.g. 444 (Hương Khê)")
        p.add_argument("--year", required=True, type=int, help="label year, e.g. 2023")
        p.add_argument("--lang", choices=("vi", "en"), default=os.environ.get("NTM_LANG", "vi")
                       if os.environ.get("NTM_LANG") in ("vi", "en") else "vi",
                       help="language (default vi, or NTM_LANG)")
        p.add_argument("--include-illustrative", "--illustrative", dest="include_illustrative",
                       action="store_true",
                       help="include illustrative (generated demo) rows, labelled as such")

    b = sub.add_parser("briefing", help="briefing pack, 16:9 slides (.pptx) or pages (.pdf)")
    common(b)
    b.add_argument("--out", required=True, help="output file, FILE.pptx or FILE.pdf")
    m = sub.add_parser("map", help="map image with legend, title, year and source line")
    common(m)
    m.add_argument("--level", choices=LEVELS,
                   default="standard", help="map colouring (default standard)")
    m.add_argument("--dpi", type=int, default=200, help="PNG resolution (default 200)")
    m.add_argument("--out", required=True, help="output file, FILE.png or FILE.svg")
    return parser


def _write(out: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so a failure leaves nothing behind."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # exits 2 on usage errors
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    allowed = BRIEFING_FORMATS if args.command == "briefing" else MAP_FORMATS
    if fmt not in allowed:
        parser.error(f"--out must end in {' or '.join('.' + f for f in allowed)}, got {args.out!r}")
    if not out.parent.is_dir():
        parser.error(f"output folder does not exist: {str(out.parent)!r}")
    if not args.province.isdigit() or len(args.province) != 2:
        parser.error(f"--province must be a 2-digit GSO code, got {args.province!r}")
    if args.district is not None and (not args.district.isdigit() or len(args.district) != 3):
        parser.error(f"--district must be a 3-digit GSO code, got {args.district!r}")

    from metrics.common import MetricsInputError

    from ui.export.build import build_briefing, build_map_image, dataset_for

    try:
        ds = dataset_for(args.include_illustrative)
        if args.command == "briefing":
            data = build_briefing(ds, args.province, args.year, args.district, lang=args.lang, fmt=fmt)
        else:
            data = build_map_image(ds, args.province, args.year, args.district, level=args.level,
                                   lang=args.lang, fmt=fmt, dpi=args.dpi)
    except (ExportError, MetricsInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        _write(out, data)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
