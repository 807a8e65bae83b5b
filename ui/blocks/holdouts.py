"""The holdouts page's blocks: the rules' result per year (units counted once), this year's list
(one row per unit with every rule it meets, its target and state from the one unit-target rule,
its source as a short label with a link), each holdout's timeline (its records, or a district's
own level year by year) and the units without a record."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.blocks import detail, tables
from ui.frame import figure
from ui.frame.context import PageContext, true_holdouts
from ui.frame.safe import safe_frame


def headline(ctx: PageContext, summary: dict) -> None:
    """THE figure of the province's xã at the standard (the rules measure each area on its own
    headline figure), with its source and date."""
    figs = summary.get("figures") or {}
    fig = figs.get(ctx.level) or next(iter(figs.values()), None)
    if fig is not None:
        st.html(f'<div data-testid="holdouts-figure">{figure.header(fig, ctx.lang)}</div>')


def per_year(ctx: PageContext) -> dict[int, pd.DataFrame]:
    """The rules' result for every year: who was a holdout when (one row per unit and rule)."""
    return {y: true_holdouts(ctx.holdouts(y)) for y in ctx.years}


def per_year_table(ctx: PageContext, held: dict) -> None:
    rows = []
    for y, h in held.items():
        if len(h):
            names = ", ".join(dict.fromkeys(h["name"].astype(str)))
            rows.append({ctx.t("cols.year"): str(y),
                         ctx.t("holdouts.rule_a"): int(h.loc[h["rule"] == "a", "unit_code"].nunique()),
                         ctx.t("holdouts.rule_b"): int(h.loc[h["rule"] == "b", "unit_code"].nunique()),
                         ctx.t("holdouts.units"): names})
    st.subheader(ctx.t("holdouts.per_year"))
    if rows:
        st.dataframe(safe_frame(pd.DataFrame(rows)), hide_index=True, width="stretch")
    else:
        st.info(ctx.t("holdouts.none_ever"))


def _targets(ctx: PageContext, units: list[dict]) -> dict:
    """{unit code: its targets with their state}, communes and districts (the one rule)."""
    out = {}
    for level in ("commune", "district"):
        codes = [u["unit_code"] for u in units if u.get("admin_level") == level]
        if codes:
            out.update(ctx.unit_targets(codes, level))
    return out


def this_year(ctx: PageContext, summary: dict) -> list[dict]:
    """This year's holdouts, one row per unit; returns them."""
    units = [u for u in (summary.get("holdouts") or {}).get("units") or [] if u.get("listed_as") == "holdout"]
    st.subheader(ctx.t("holdouts.count", n=len(units), year=ctx.year))
    if units:
        st.dataframe(tables.holdouts_table(units, ctx.dataset(), ctx.lang, _targets(ctx, units)), hide_index=True,
                     width="stretch", column_config=tables.link_config(ctx.lang), key="holdouts_now")
    else:
        st.info(ctx.t("holdouts.none", year=ctx.year))
    return units


def _district_history(ctx: PageContext, code: str) -> pd.DataFrame:
    """A district's own level per year (district ladder), from its first record on."""
    rows = []
    for y in ctx.years:
        d = ctx.district_status(y)
        d = d[d["unit_code"].astype(str) == code]
        if len(d):
            dr = d.iloc[0]
            rows.append({"year": y, "level": dr["level"], "provenance": dr.get("provenance"),
                         "decision_no": dr.get("decision_no"), "source_id": dr.get("source_id")})
    known = [i for i, dr in enumerate(rows) if dr["level"] != "unknown"]
    return pd.DataFrame(rows[known[0]:] if known else rows)


def timelines(ctx: PageContext, held: dict, now: list[dict]) -> None:
    """One expander per unit that was a holdout in some year (open: this year's)."""
    ever = [x for x in held.values() if len(x)]
    if not ever:
        return
    ever = pd.concat(ever, ignore_index=True)
    st.subheader(ctx.t("holdouts.timelines"))
    ds = ctx.dataset()
    current = {str(u["unit_code"]) for u in now}
    for r in ever.drop_duplicates("unit_code").itertuples(index=False):
        code = str(r.unit_code)
        years_held = sorted(int(y) for y, x in held.items() if len(x) and code in set(x["unit_code"].astype(str)))
        label = ctx.t("holdouts.timeline", name=r.name) + " — " + ", ".join(str(y) for y in years_held)
        with st.expander(label, expanded=code in current):
            if r.admin_level == "commune":
                hist = ctx.history(code, str(r.vintage))
                if not len(hist):
                    continue
            else:
                hist = _district_history(ctx, code)
            st.dataframe(tables.history_table(hist, ds, ctx.lang), hide_index=True, width="stretch")
            sids = hist["source_id"].dropna().astype(str).tolist() if "source_id" in hist.columns else []
            st.html(detail.source_links(ds, sids, ctx.lang))


def without_record(ctx: PageContext, summary: dict) -> None:
    """Units past their target year with no record at all (not counted as holdouts)."""
    units = [u for u in (summary.get("holdouts") or {}).get("units") or [] if u.get("listed_as") == "no_record"]
    if units:
        with st.expander(ctx.t("holdouts.no_record", n=len(units)), expanded=False):
            st.dataframe(tables.holdouts_table(units, ctx.dataset(), ctx.lang, _targets(ctx, units)),
                         hide_index=True, width="stretch", column_config=tables.link_config(ctx.lang))
