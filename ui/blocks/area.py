"""The district view's blocks (/area): the district's own level and targets with their sources,
its communes with the criteria met and missing when recorded (one line saying how to fill them
when not), each commune's target from the one unit-target rule, and the district's timeline
(its own level and THE figure of its xã, year by year)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from domain.levels import ATTAINED_LEVELS
from metrics.present import figure_parts, known, target_parts, unit_target_text
from metrics.targets import main_unit_target
from ui.blocks import tables
from ui.frame import figure
from ui.frame.context import PageContext
from ui.frame.safe import safe_frame



def targets(ctx: PageContext, summary: dict) -> None:
    """The district's targets — on its xã (share or count, measured on THE figure) and its own
    recognition — each with its state and gap, and its source."""
    rows = [r for r in summary.get("targets") or []
            if str(r.get("area_code")) == str(ctx.district) and r.get("level")
            and r.get("state") not in ("not_computed", "reference")]
    if not rows:
        st.caption(ctx.t("detail.no_target"))
        return
    ds, lines = ctx.dataset(), []
    for r in sorted(rows, key=lambda r: (int(r.get("target_year") or 0), str(r.get("level")))):
        what = ctx.t("area.target_communes" if r.get("admin_level") == "commune" else "area.target_district",
                     level=ctx.t(f"levels.{r['level']}"), year=int(r["target_year"]))
        tp = target_parts(r, ctx.lang)
        src = tables.source_refs(ds, r.get("source_id"), ctx.lang)
        parts = [html.escape(tp["state"])] if tp["state"] else []
        if r.get("admin_level") == "commune" and r.get("current") is not None and r.get("required") is not None:
            parts.append(html.escape(ctx.t("area.target_progress_now", current=int(r["current"]),
                                           required=int(r["required"]))))
        parts += [figure.source_html(s) for s in src]
        lines.append(f'<li data-target="{html.escape(str(r["target_id"]))}" data-state="{html.escape(str(r["state"]))}">'
                     f'<b>{html.escape(what)}</b> — {" · ".join(parts)}</li>')
    st.html('<ul class="ntm-targets">' + "".join(lines) + "</ul>")


def _criteria(ctx: PageContext, c: dict | None) -> tuple[str, str]:
    """(met, missing) of a commune when recorded, named by the criteria list."""
    if not c or c.get("state") == "not_recorded":
        return "", ""
    met = (f"{int(c['criteria_met'])}/{int(c['criteria_total'])}"
           if c.get("criteria_met") is not None and c.get("criteria_total") is not None else "")
    missing = tables.criteria_names(ctx.dataset(), c.get("criteria_set"), ";".join(c.get("missing") or []), ctx.lang)
    return met, missing


def communes(ctx: PageContext, summary: dict, status: pd.DataFrame) -> None:
    """One row per commune of the district: level, criteria met and missing (when recorded),
    its target and state, year recognised, decision, source (a short label with a link),
    provenance. Without criteria data for any commune the two columns give way to one line
    saying so and how to fill them (import the "biểu tổng hợp")."""
    lang, ds = ctx.lang, ctx.dataset()
    crit = {c["unit_code"]: c for c in (summary.get("criteria") or {}).get("communes") or []}
    recorded = [c for c in crit.values() if c.get("state") != "not_recorded"]
    tg = ctx.unit_targets(status["unit_code"].astype(str))
    rows = []
    for r in status.itertuples(index=False):
        code, eligible = str(r.unit_code), bool(r.eligible)
        level = str(r.level) if eligible else "not_applicable"
        met, missing = _criteria(ctx, crit.get(code))
        yr = tables._num(getattr(r, "record_year", None)) if level in ATTAINED_LEVELS else None
        row = {ctx.t("cols.commune"): r.name, ctx.t("cols.level"): ctx.t(f"levels.{level}")}
        if recorded:
            row[ctx.t("cols.criteria_met")] = met
            row[ctx.t("cols.missing")] = missing
        row.update({
            ctx.t("cols.target"): unit_target_text(main, lang) if (main := main_unit_target(tg.get(code), ctx.year)) else "",
            ctx.t("cols.year_recognised"): str(yr) if yr else "",
            ctx.t("cols.decision"): tables._txt(getattr(r, "decision_no", None)),
            ctx.t("cols.source"): tables.source_text(ds, getattr(r, "source_id", None), lang),
            ctx.t("cols.link"): tables.source_url(ds, getattr(r, "source_id", None)),
            ctx.t("cols.provenance"): tables._pv(getattr(r, "provenance", None), lang) if level != "unknown" else "",
        })
        rows.append(row)
    st.dataframe(safe_frame(pd.DataFrame(rows)), hide_index=True, width="stretch", column_config=tables.link_config(lang),
                 key="area_communes")
    eligible = int(status["eligible"].astype(bool).sum())
    if not recorded:
        st.info(ctx.t("area.criteria_none", year=ctx.year), icon=":material/info:")
    elif len(recorded) < eligible:
        st.caption(ctx.t("area.criteria_some", n=eligible - len(recorded), year=ctx.year))


def timeline(ctx: PageContext) -> None:
    """The district year by year: its own level (district ladder) and THE figure of its xã at
    the standard (reported with its date, else counted, "at least" when records are missing),
    from the first year anything is known."""
    lang, ds = ctx.lang, ctx.dataset()
    series = ctx.headline_series("standard", ctx.district)
    rows = []
    for f in series:
        y = int(f["year"])
        d = ctx.district_status(y)
        d = d[d["unit_code"].astype(str) == str(ctx.district)]
        level = str(d.iloc[0]["level"]) if len(d) else None
        if f.get("basis") == "no_area" and level is None:
            continue
        p = figure_parts(f, lang) if f.get("basis") != "no_area" else None
        src = ""
        if level not in (None, "unknown"):
            src = tables.source_text(ds, d.iloc[0].get("source_id"), lang)
        rows.append({ctx.t("cols.year"): str(y),
                     ctx.t("area.col_district_level"): ctx.t(f"levels.{level}") if level else "",
                     ctx.t("area.col_figure"): (p["count"] + (f" ({p['share']})" if p["share"] else "")) if p else "",
                     ctx.t("area.col_basis"): p["how"] if p else "",
                     ctx.t("cols.source"): "; ".join(x for x in ((p["source"] or {}).get("label") if p else "", src) if x),
                     "_known": (level not in (None, "unknown")) or known(f)})
    firsts = [i for i, r in enumerate(rows) if r["_known"]]
    rows = [{k: v for k, v in r.items() if k != "_known"} for r in (rows[firsts[0]:] if firsts else [])]
    if not rows:
        st.caption(ctx.t("area.timeline_empty"))
        return
    st.dataframe(safe_frame(pd.DataFrame(rows)), hide_index=True, width="stretch", key="area_timeline")
