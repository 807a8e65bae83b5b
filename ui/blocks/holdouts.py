"""The holdouts page's blocks: the rules' result per year, this year's list, each holdout's
timeline (its records, or a district's own level year by year) and the units without a record."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.blocks import detail, tables
from ui.frame.context import PageContext, true_holdouts


def per_year(ctx: PageContext) -> dict[int, pd.DataFrame]:
    """The rules' result for every year: who was a holdout when."""
    return {y: true_holdouts(ctx.holdouts(y)) for y in ctx.years}


def per_year_table(ctx: PageContext, held: dict) -> None:
    rows = []
    for y, h in held.items():
        if len(h):
            names = ", ".join(dict.fromkeys(h["name"].astype(str)))
            rows.append({ctx.t("cols.year"): y, ctx.t("holdouts.rule_a"): int((h["rule"] == "a").sum()),
                         ctx.t("holdouts.rule_b"): int((h["rule"] == "b").sum()), ctx.t("holdouts.units"): names})
    st.subheader(ctx.t("holdouts.per_year"))
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info(ctx.t("holdouts.none_ever"))


def this_year(ctx: PageContext, h: pd.DataFrame) -> None:
    st.subheader(ctx.t("holdouts.count", n=h["unit_code"].nunique() if len(h) else 0, year=ctx.year))
    if len(h):
        st.dataframe(tables.holdouts_table(h, ctx.lang), hide_index=True, width="stretch")
    else:
        st.info(ctx.t("holdouts.none", year=ctx.year))


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


def timelines(ctx: PageContext, held: dict, now: pd.DataFrame) -> None:
    """One expander per unit that was a holdout in some year (open: this year's)."""
    ever = [x for x in held.values() if len(x)]
    if not ever:
        return
    ever = pd.concat(ever, ignore_index=True)
    st.subheader(ctx.t("holdouts.timelines"))
    ds = ctx.dataset()
    current = set(now["unit_code"].astype(str)) if len(now) else set()
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
            st.html(detail.source_links(ds, sids))


def without_record(ctx: PageContext, all_h: pd.DataFrame) -> None:
    """Units past their target year with no record at all (not counted as holdouts)."""
    no_rec = all_h[all_h["listed_as"].astype(str) != "holdout"] if "listed_as" in all_h.columns else all_h.iloc[0:0]
    if len(no_rec):
        with st.expander(ctx.t("holdouts.no_record", n=no_rec["unit_code"].nunique()), expanded=False):
            st.dataframe(tables.holdouts_table(no_rec, ctx.lang), hide_index=True, width="stretch")
