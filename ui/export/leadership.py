"""The briefing pack's leadership slide: the index ranking of the year and the localities that
reported late or not at all that year — only when the data exist (at least one ranked locality
or one report received). Every figure comes from ``metrics.leadership.build_index`` and the
reporting states of ``metrics.indicators.Context``."""
from __future__ import annotations

from domain import obligations as obl
from domain.periods import MONTH, Period
from domain.text import t
from metrics.common import MetricsInputError
from metrics.fmt import format_number
from metrics.indicators import Context
from metrics.leadership import build_index
from ui.export.pack import Table

MAX_ROWS = 12        # rows that stay legible on one 16:9 slide


def leadership_slide(ds, province: str, year: int, lang: str, now=None) -> dict | None:
    """{"title", "ranking": Table, "late": Table, "note", "illustrative"} or None (no data)."""
    try:
        ctx = Context(ds, province, now=now)
        result = build_index(ctx, str(year))
    except MetricsInputError:
        return None
    months = Period("year", int(year)).children(MONTH)
    states = []
    for m in months:
        try:
            states += [s for s in ctx.report_states(m) if not s["open"]]
        except MetricsInputError:
            continue
    ranked = [x for x in result["localities"] if x["rank"] is not None]
    received = [s for s in states if s["received_at"]]
    if not ranked and not received:
        return None
    rows = [[str(x["rank"]), x["name"], format_number(x["index"], lang, 1)] for x in ranked[:MAX_ROWS]]
    more = len(ranked) - MAX_ROWS
    n_inc = sum(1 for x in result["localities"] if not x["complete"])
    notes = []
    if more > 0:
        notes.append(t("leadership.export_more", lang, n=more))
    if n_inc:
        notes.append(t("leadership.n_incomplete", lang, n=n_inc))
    ranking = Table([t("leadership.col_rank", lang), t("leadership.col_locality", lang),
                     t("leadership.col_index", lang)], rows, [1.0, 4.0, 1.5], note=" ".join(notes))
    by: dict = {}
    for s in states:
        if s["state"] in (obl.LATE, obl.MISSING):
            d = by.setdefault((s["vintage"], s["unit_code"]), {"name": s["name"], obl.LATE: [], obl.MISSING: []})
            d[s["state"]].append(s["period"][5:])
    late_rows = sorted(by.values(), key=lambda d: (-(len(d[obl.LATE]) + len(d[obl.MISSING])), str(d["name"])))
    late = Table([t("leadership.col_locality", lang), t("obligations.states.late", lang),
                  t("obligations.states.missing", lang)],
                 [[d["name"], _months(d[obl.LATE]), _months(d[obl.MISSING])] for d in late_rows[:MAX_ROWS]],
                 [3.0, 2.5, 2.5],
                 note=t("leadership.export_more", lang, n=len(late_rows) - MAX_ROWS) if len(late_rows) > MAX_ROWS
                 else "")
    illustrative = any(x["provenance"] == "illustrative" for x in result["localities"]) or any(
        s["provenance"] == "illustrative" for s in received)
    return {"title": t("leadership.export_title", lang, year=year),
            "ranking_title": t("leadership.export_ranking", lang, year=year),
            "late_title": t("leadership.export_late", lang, year=year),
            "ranking": ranking, "late": late, "illustrative": illustrative,
            "note": t("leadership.method_short", lang)}


def _months(ms: list) -> str:
    return ", ".join(ms) if ms else "—"
