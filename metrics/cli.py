"""``python -m metrics summary --province CODE --year YYYY [--district CODE] [--json]``,
``python -m metrics unit --province CODE --code UNIT --year YYYY [--json] [--illustrative]`` and
``python -m metrics index --province CODE --period P [--weights k=v,…] [--json]``.

Exit codes (DESIGN §3): 0 success, 1 invalid data, 2 usage error or unreadable input.
This module is the only place in ``metrics`` that loads the dataset.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from .common import MetricsInputError
from .fmt import format_number, format_percent


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors already; keep the message short
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m metrics", description="NTM Atlas metrics from the bundled dataset.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("summary", help="counts, shares, targets, gaps, holdouts and captions for a "
                                       "province (or district) and year",
                       description="Print counts and shares per level (eligible xã, standard, advanced, "
                                   "model; districts), reported vs computed figures, targets and gaps, "
                                   "holdouts, criteria, transitions vs the previous year and captions.")
    s.add_argument("--province", required=True, help="GSO province code, e.g. 42 (Hà Tĩnh)")
    s.add_argument("--year", required=True, type=int, help="label year, e.g. 2022")
    s.add_argument("--district", help="GSO district code, e.g. 444 (Hương Khê)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the text output")
    s.add_argument("--illustrative", action="store_true",
                   help="include the generated illustrative fill (labelled as such); default: sourced records only")
    u = sub.add_parser("unit", help="one unit as of a year: its level, the units it was formed from and "
                                    "the units it went into",
                       description="Print one commune-level (or district-level) unit as of a year: level, "
                                   "provenance, criteria set, former units (with part and level) and "
                                   "successors. The code resolves through the boundaries valid that year.")
    for flag, kw in (("--province", {"required": True, "help": "GSO province code as of that year, e.g. 42"}),
                     ("--code", {"required": True, "help": "GSO unit code, e.g. 18502"}),
                     ("--year", {"required": True, "type": int, "help": "label year, e.g. 2026"}),
                     ("--json", {"action": "store_true", "help": "print one JSON object"}),
                     ("--illustrative", {"action": "store_true", "help": "let the generated illustrative fill "
                                                                         "decide units no sourced record decides"})):
        u.add_argument(flag, **kw)
    from domain.indicators import INDICATORS
    i = sub.add_parser("index", help="the leadership-effectiveness index of every locality of a province "
                                     "for a period",
                       description="Components, index (0–100, rank-based normalisation within the province "
                                   "and period, weighted mean), rank and completeness of every locality "
                                   "(former districts before 7/2025, communes after). A locality missing a "
                                   "component of non-zero weight is incomplete (rank null).")
    i.add_argument("--province", required=True, help="GSO province code, e.g. 42 (Hà Tĩnh)")
    i.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY, e.g. 2024-05")
    i.add_argument("--weights", help="k=v,… replacing the default weight 1 of the listed components "
                                     f"({', '.join(INDICATORS)}); unlisted keep theirs")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    i.add_argument("--sensitivity", action="store_true", help="add how much the ranking moves when each "
                                                              "weight is set to 0 or doubled")
    i.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the text output")
    i.add_argument("--illustrative", action="store_true",
                   help="include the generated illustrative fill (labelled as such); default: sourced records only")
    return p


def _index_text(r: dict, lang: str) -> str:
    from domain.text import t
    f = lambda x, d=1: "—" if x is None else format_number(x, lang, d)  # noqa: E731
    out = [t("leadership.cli_title", lang, province=r["province"], period=r["period"], vintage=r["vintage"]),
           t("leadership.method_short", lang),
           "weights: " + ", ".join(f"{k}={v}" for k, v in r["weights"].items()), ""]
    for loc in r["localities"]:
        rank = "—" if loc["rank"] is None else str(loc["rank"])
        extra = "" if loc["complete"] else "  " + t("leadership.incomplete_missing", lang,
                                                    missing=", ".join(loc["missing"]))
        out.append(f"{rank:>3}  {f(loc['index'])}  {loc['unit_code']} {loc['name']}{extra}")
    return "\n".join(out)


def _index(args) -> int:
    from metrics.index import WeightsError, parse_weights, weights_with
    from domain.periods import PeriodError, parse
    try:
        period = parse(args.period)
        weights = weights_with(parse_weights(args.weights))
    except (PeriodError, WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    ds = _dataset()
    if isinstance(ds, int):
        return ds
    ds = ds.with_illustrative(args.illustrative)
    from .indicators import Context
    from .leadership import build_index
    try:
        r = build_index(Context(ds, args.province), period, weights, sensitivity=args.sensitivity)
    except MetricsInputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    r["illustrative"] = bool(args.illustrative)
    return _print(json.dumps(r, ensure_ascii=False, indent=2) if args.json else _index_text(r, args.lang))


def _dataset():
    try:
        from loaders.dataset import load_dataset
        return load_dataset()
    except (OSError, ImportError) as e:
        print(f"error: cannot read the dataset: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"error: invalid data: {e}", file=sys.stderr)
        return 1


def _print(text: str) -> int:
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _text(s: dict, lang: str) -> str:
    c = s["counts"]
    f = lambda x, d=0: format_number(x, lang, d)  # noqa: E731
    pc = lambda x: format_percent(x, lang)  # noqa: E731
    out = [s["captions"][lang] or "", ""]
    out.append(f"{s['scope']['name']} — {s['year']} — vintage {s['vintage']}"
               + (f" ({s['vintage_note']})" if s["vintage_note"] else ""))
    out.append(f"eligible xã {f(c['eligible'])}; standard+ {f(c['atleast_standard'])} ({pc(c['share_standard'])}); "
               f"advanced+ {f(c['atleast_advanced'])} ({pc(c['share_advanced'])}); model {f(c['atleast_model'])} "
               f"({pc(c['share_model'])}); unknown {f(c['unknown'])}; not applicable {f(c['not_applicable'])}; "
               f"weakest provenance {c['weakest_provenance']}")
    if s["districts"]:
        out.append("")
        out.append("districts: code name eligible standard+ advanced+ model unknown")
        for d in s["districts"]:
            out.append(f"  {d['area_code']} {d['area_name']}: {d['eligible']} {d['atleast_standard']} "
                       f"{d['atleast_advanced']} {d['atleast_model']} {d['unknown']}")
    dl = s["district_ladder"]
    if dl is not None:   # None on a two-level vintage (no district level)
        out.append(f"district-level units: huyện standard+ {dl['huyen_standard']}/{dl['huyen']} "
                   f"(unknown {dl['huyen_unknown']}); thị xã/thành phố completed {dl['completed']}/{dl['towns_cities']}")
    if s["reported_vs_computed"]:
        out.append("")
        out.append("reported vs computed:")
        for r in s["reported_vs_computed"]:
            out.append(f"  {r['area_code']} {r['metric']} (as of {r['as_of']}): reported {r['reported']}"
                       f"{'/' + str(r['reported_denominator']) if r['reported_denominator'] else ''}, computed "
                       f"{r['computed']}{'/' + str(r['computed_denominator']) if r['computed_denominator'] else ''}, "
                       f"difference {r['difference']} [{r['reported_provenance']}, {r['source_id']}]")
    if s["targets"]:
        out.append("")
        out.append("targets:")
        for t in s["targets"]:
            extra = ""
            if t["pace"] is not None:
                extra = f"; pace {t['pace']}/year over {t['pace_years']}; years to target {t['years_to_target']}; " \
                        f"on track {t['on_track']}"
            if t.get("reported_current") is not None:
                extra += (f"; reported {t['reported_current']}/{t['reported_denominator']}, gap {t['reported_gap']} "
                          f"[{t['reported_source']}]")
            out.append(f"  {t['target_id']} {t['area_name']} {t['level']} by {t['target_year']}: "
                       f"{t['current']}/{t['required']} gap {t['gap']} ({t['state']}){extra}")
    h = s["holdouts"]
    out.append("")
    out.append("holdouts:")
    for r in h["a"]:
        out.append(f"  (a) {r['name']} — {r['level']} < {r['target_level']} (target {r['target_year']})")
    for r in h["b"]:
        out.append(f"  (b) {r['name']} ({r['district_name']}) — {r['level']} < {r['target_level']}; "
                   f"{r['area_name']} at {pc(r['area_share'])} ({r['basis']})")
    if h["no_record"]:
        out.append(f"  no record: {', '.join(sorted({r['name'] for r in h['no_record']}))}")
    t = s["transitions"]
    out.append("")
    out.append(f"transitions {t['from_year']}→{t['to_year']}: " + ", ".join(f"{k} {v}" for k, v in t["counts"].items()))
    rg = t["regressions"]
    out.append(f"regressions: level drops {len(rg['level_drops'])}; not re-assessed under 2021-2025 "
               f"{len(rg['not_reassessed'])}; criteria lost {len(rg['criteria_lost'])}")
    for n in s["notes"]:
        out.append(f"note: {n[lang]}")
    return "\n".join(out)


def _unit_text(u: dict) -> str:
    out = [f"{u['unit_code']} {u['name']} ({u['unit_type']}) — {u['year']} — vintage {u['vintage']}"
           + (f" ({u['vintage_note']})" if u["vintage_note"] else ""),
           f"level {u['level']}" + (" (mixed parts)" if u["mixed"] else "") + f"; provenance {u['provenance']}; "
           f"criteria set {u['criteria_set']}; basis {u['basis']}"]
    if u["legacy"] and u["legacy"]["year"] != u["year"]:
        lg = u["legacy"]
        out.append(f"legacy level at the start of this structure ({lg['year']}): {lg['level']} "
                   f"[{lg['provenance']}]" + (" (mixed parts)" if lg["mixed"] else ""))
    for f in u["former_units"]:
        out.append(f"  formed from {f['unit_code']} {f['name']} ({f['unit_type']}, {f['part']}, {f['vintage']}): "
                   f"{f['level']} [{f['provenance']}]")
    for s in u["successors"]:
        out.append(f"  went into {s['unit_code']} {s['name']} ({s['vintage']}, {s['part']})")
    if u["note"]:
        out.append(f"note: {u['note']}")
    return "\n".join(out)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "index":
        return _index(args)
    ds = _dataset()
    if isinstance(ds, int):
        return ds
    ds = ds.with_illustrative(args.illustrative)
    try:
        if args.command == "unit":
            from .unit import unit_as_of
            u = unit_as_of(ds, args.province, args.code, args.year)
            return _print(json.dumps(u, ensure_ascii=False, indent=2) if args.json else _unit_text(u))
        from .summary import build_summary
        s = build_summary(ds, args.province, args.year, args.district)
    except MetricsInputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return _print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else _text(s, args.lang))
