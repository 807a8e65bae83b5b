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

from domain.text import has, level_label, provenance_label, t

from .common import MetricsInputError
from .fmt import format_number, format_percent
from .present import figure_parts, level_title


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
                     ("--lang", {"choices": ["vi", "en"], "default": "vi", "help": "language of the text output"}),
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


def _fmt(lang: str):
    return (lambda x, d=0: format_number(x, lang, d)), (lambda x: format_percent(x, lang))


def _head_lines(s: dict, lang: str) -> list[str]:
    f, _ = _fmt(lang)
    c, levels = s["counts"], s["levels"]
    vnote = next((n[lang] for n in s["notes"] if n["key"] == "vintage"), None)
    note = f" ({vnote})" if vnote else ""
    out = [s["captions"][lang] or "", "",
           t("metrics.cli.scope", lang, scope=s["area"]["name"], year=s["year"], vintage=s["vintage"], note=note)]
    for fig in s["figures"].values():   # worded as every screen words THE figure (metrics.present)
        p = figure_parts(fig, lang)
        title = f" — {p['source']['title']}" if p["source"] else ""
        out.append(t("metrics.cli.figure", lang, level=p["level"], line=p["line"], title=title))
        out += ["  " + n[lang] for n in fig["notes"]]
    # what the map draws, worded as such: counts of the per-commune records, never a share
    # beside THE figures above (150/182 = 82,4% under the report's 181/181 was a second answer)
    lv_text = "; ".join(t("metrics.cli.level_count", lang, level=level_title(lv, lang), n=f(c[f"atleast_{lv}"]))
                        for lv in levels)
    prov = c["weakest_provenance"]
    out.append(t("metrics.cli.counts", lang, eligible=f(c["eligible"]), levels=lv_text, unknown=f(c["unknown"]),
                 not_assessed=f(c["not_assessed"]), not_applicable=f(c["not_applicable"]),
                 provenance=provenance_label(prov, lang) if prov else "—"))
    return out


def _district_lines(s: dict, lang: str) -> list[str]:
    out = []
    if s["districts"]:
        out += ["", t("metrics.cli.districts", lang, levels=" / ".join(level_title(lv, lang) for lv in s["levels"]))]
        for d in s["districts"]:
            out.append(f"  {d['area_code']} {d['area_name']}: {d['eligible']} "
                       + " ".join(str(d[f"atleast_{lv}"]) for lv in s["levels"]) + f" {d['unknown']}")
    dl = s["district_ladder"]
    if dl is not None:   # None on a two-level vintage (no district level)
        out.append(t("metrics.cli.district_ladder", lang, standard=dl["huyen_standard"], huyen=dl["huyen"],
                     unknown=dl["huyen_unknown"], completed=dl["completed"], towns=dl["towns_cities"]))
    return out


def _record_lines(s: dict, lang: str) -> list[str]:
    """Reported vs computed, targets, holdouts."""
    out = []
    if s["reported_vs_computed"]:
        out += ["", t("metrics.cli.rvc", lang)]
        for r in s["reported_vs_computed"]:
            rep = f"{r['reported']}" + (f"/{r['reported_denominator']}" if r["reported_denominator"] else "")
            comp = f"{r['computed']}" + (f"/{r['computed_denominator']}" if r["computed_denominator"] else "")
            out.append(t("metrics.cli.rvc_row", lang, area=r["area_code"], metric=r["metric"], as_of=r["as_of"],
                         reported=rep, computed=comp, difference=r["difference"], provenance=r["reported_provenance"],
                         source=r["source_id"]))
    if s["targets"]:
        out += ["", t("metrics.cli.targets", lang)]
        for tg in s["targets"]:
            extra = t("metrics.cli.target_met_year", lang, year=tg["met_year"]) if tg["met_year"] else ""
            if tg["pace"] is not None:
                extra += t("metrics.cli.target_pace", lang, pace=tg["pace"], years=tg["pace_years"],
                           to_target=tg["years_to_target"], on_track=tg["on_track"])
            out.append(t("metrics.cli.target_row", lang, target=tg["target_id"], area=tg["area_name"] or tg["area_code"],
                         level=tg["level"], year=tg["target_year"], current=tg["current"], required=tg["required"],
                         gap=tg["gap"], state=tg["state"], extra=extra))
    h = s["holdouts"]
    out += ["", t("metrics.cli.holdouts", lang)]
    for u in h["units"]:
        if u["listed_as"] == "holdout":
            target = "/".join(sorted({r["target_level"] for r in u["reasons"] if r["target_level"]}))
            out.append(t("metrics.cli.holdout_row", lang, name=u["name"], level=u["level"], target=target,
                         rules="+".join(u["rules"])))
    if h["no_record"]:
        out.append(t("metrics.cli.no_record", lang, names=", ".join(sorted({r["name"] for r in h["no_record"]}))))
    return out


def _text(s: dict, lang: str) -> str:
    out = _head_lines(s, lang) + _district_lines(s, lang) + _record_lines(s, lang)
    tr, rg = s["transitions"], s["transitions"]["regressions"]
    out += ["", t("metrics.cli.transitions", lang, a=tr["from_year"], b=tr["to_year"],
                  counts=", ".join(f"{k} {v}" for k, v in tr["counts"].items())),
            t("metrics.cli.regressions", lang, drops=len(rg["level_drops"]), not_reassessed=len(rg["not_reassessed"]),
              lost=len(rg["criteria_lost"]))]
    out += [t("metrics.cli.note", lang, text=n[lang]) for n in s["notes"] if n["key"] != "vintage"]
    return "\n".join(out)


def _unit_text(u: dict, lang: str = "en") -> str:
    mixed = lambda flag: t("metrics.cli.unit_mixed", lang) if flag else ""  # noqa: E731
    lvl = lambda v: level_label(v, lang) if v else "—"  # noqa: E731
    prov = lambda v: provenance_label(v, lang) if v else "—"  # noqa: E731
    part = lambda v: t(f"metrics.cli.part.{v}", lang) if has(f"metrics.cli.part.{v}") else (v or "—")  # noqa: E731
    basis = lambda v: t(f"metrics.cli.basis.{v}", lang) if has(f"metrics.cli.basis.{v}") else (v or "—")  # noqa: E731
    note = f" ({u['vintage_note']})" if u["vintage_note"] else ""
    out = [t("metrics.cli.unit_head", lang, code=u["unit_code"], name=u["name"], type=u["unit_type"], year=u["year"],
             vintage=u["vintage"], note=note),
           t("metrics.cli.unit_level", lang, level=lvl(u["level"]), mixed=mixed(u["mixed"]),
             provenance=prov(u["provenance"]), criteria_set=u["criteria_set"] or "—", basis=basis(u["basis"]))]
    if u["legacy"] and u["legacy"]["year"] != u["year"]:
        lg = u["legacy"]
        out.append(t("metrics.cli.unit_legacy", lang, year=lg["year"], level=lvl(lg["level"]),
                     provenance=prov(lg["provenance"]), mixed=mixed(lg["mixed"])))
    for f in u["former_units"]:
        out.append(t("metrics.cli.unit_former", lang, code=f["unit_code"], name=f["name"], type=f["unit_type"],
                     part=part(f["part"]), vintage=f["vintage"], level=lvl(f["level"]),
                     provenance=prov(f["provenance"])))
    for s in u["successors"]:
        out.append(t("metrics.cli.unit_successor", lang, code=s["unit_code"], name=s["name"], vintage=s["vintage"],
                     part=part(s["part"])))
    if u["note"]:
        out.append(t("metrics.cli.note", lang, text=u["note"]))
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
            return _print(json.dumps(u, ensure_ascii=False, indent=2) if args.json else _unit_text(u, args.lang))
        from .summary import build_summary
        s = build_summary(ds, args.province, args.year, args.district)
    except MetricsInputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return _print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else _text(s, args.lang))
