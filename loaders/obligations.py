"""``python -m loaders obligations [--period P] [--province CODE] [--json] [--illustrative]``.

Lists the reporting obligations of the register (``geodata/records/obligations.csv``, each with
its source document) and, with a period, each locality's state for every tracked obligation:
``on_time``, ``late`` or ``missing`` (``open`` true while a missing report's deadline has not
passed), computed from the import history by the rule of ``domain.obligations``.

Exit codes: 0 success, 1 invalid data, 2 usage error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from domain import obligations as obl
from domain.localities import localities
from domain.periods import PeriodError, local_now, parse
from domain.text import t
from domain.vintages import vintages_from

OBLIGATION_KEYS = ("obligation_id", "province_code", "applies_to", "frequency", "due_day", "due_date",
                   "in_force_from", "in_force_to", "tracked_by", "source_id", "section", "title_vi",
                   "title_en", "quote", "note")


def _rows(df) -> list[dict]:
    cols = list(df.columns)
    return [dict(zip(cols, vals)) for vals in zip(*(df[c].tolist() for c in cols))] if len(df) else []


def register(ds, province: str | None = None) -> list[obl.Obligation]:
    return [obl.obligation_from(r) for r in _rows(ds.obligations)
            if province is None or str(r["province_code"]) == str(province)]


def states(ds, period, province: str | None = None, now: dt.datetime | None = None) -> list[dict]:
    """Every tracked obligation's per-locality state for the reports due in ``period``."""
    vs = vintages_from(_rows(ds.vintages))
    units = _rows(ds.units)
    receipts = _rows(ds.report_receipts)
    by_province: dict = {}
    for o in register(ds, province):
        by_province.setdefault(o.province_code, []).append(o)
    out = []
    for pc, obligations in by_province.items():
        out += obl.all_states(obligations, period, lambda month, pc=pc: localities(units, vs, pc, month),
                              receipts, now)
    return out


def _plain(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    try:
        if v != v:          # NaN
            return None
    except TypeError:       # a frame library's missing marker
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def obligation_dict(o: obl.Obligation, sources: dict) -> dict:
    d = {k: _plain(getattr(o, k)) for k in OBLIGATION_KEYS}
    d["tracked"] = o.tracked
    d["source_title"] = sources.get(o.source_id)
    return d


def report(ds, period=None, province=None, now=None) -> dict:
    """The JSON object of the command: ``{"period", "obligations": [...], "localities": [...],
    "counts": {state: n}}`` (``localities`` and ``counts`` only with a period)."""
    src = dict(zip(ds.sources["source_id"].astype(str), ds.sources["title"])) if len(ds.sources) else {}
    out = {"period": None if period is None else str(parse(period)),
           "obligations": [obligation_dict(o, src) for o in register(ds, province)]}
    if period is not None:
        rows = [{k: _plain(v) for k, v in s.items()} for s in states(ds, period, province, now)]
        out["localities"] = rows
        out["counts"] = {st: sum(1 for r in rows if r["state"] == st) for st in obl.STATES}
        out["counts"]["open"] = sum(1 for r in rows if r["open"])
    return out


def _when(iso) -> str:
    """An ISO local timestamp as "20/05/2024 23:59" (— when missing)."""
    if not iso:
        return "—"
    d = dt.datetime.fromisoformat(iso)
    return f"{d:%d/%m/%Y %H:%M}"


def _text(r: dict, lang: str) -> str:
    lines = []
    for o in r["obligations"]:
        due = o["due_date"] or (f"{t('obligations.cli_day', lang, day=o['due_day'])}" if o["due_day"] else "—")
        mark = "*" if o["tracked"] else " "
        lines.append(f"{mark} {o['obligation_id']}: {o['title_' + lang]} "
                     f"[{t('obligations.applies_to.' + o['applies_to'], lang)}; "
                     f"{t('obligations.frequency.' + o['frequency'], lang)}; {due}; {o['source_id']} §{o['section']}]")
    lines.append(t("obligations.cli_tracked", lang))
    if r.get("localities") is not None:
        lines.append("")
        for s in r["localities"]:
            state = t("obligations.states.open" if s["open"] else f"obligations.states.{s['state']}", lang)
            lines.append(f"{s['period']}  {s['unit_code']:>5} {s['name']}: {state} ({_when(s['received_at'])}; "
                         f"{t('obligations.cli_due', lang)} {_when(s['due'])})")
        c = r["counts"]
        lines.append(", ".join(f"{t('obligations.states.' + k, lang)}: {c[k]}" for k in (*obl.STATES, "open")))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m loaders obligations",
        description="List the reporting obligations (with their source documents) and, with --period, each "
                    "locality's state for the tracked ones: on_time (received by 23:59 on the due day, "
                    "Asia/Ho_Chi_Minh), late, missing.")
    ap.add_argument("--period", help="YYYY-MM, YYYY-Qn or YYYY (every month of a quarter or year)")
    ap.add_argument("--province", help="only this province's obligations (GSO code, e.g. 42)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the text output")
    ap.add_argument("--illustrative", action="store_true",
                    help="count the generated illustrative receipts (labelled as such) where no import exists")
    a = ap.parse_args(argv)
    try:
        period = None if a.period is None else parse(a.period)
    except PeriodError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        from loaders.dataset import load_dataset
        ds = load_dataset().with_illustrative(a.illustrative)
    except ValueError as e:
        print(f"error: invalid data: {e}", file=sys.stderr)
        return 1
    r = report(ds, period, a.province, local_now())
    r["illustrative"] = bool(a.illustrative)
    try:
        print(json.dumps(r, ensure_ascii=False, indent=2) if a.json else _text(r, a.lang))
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`: not an error of ours
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
