"""The sources page's filter: every source, those of the current province (its records,
reported figures and targets), or those of the figure being viewed (THE figure of the view's
area, year and level: its report, the records that decide its xã on the map, the comparison
figures beside it)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.frame.context import PageContext

CHOICES = ("figure", "province", "all")


def _ids(values) -> set[str]:
    return {part.strip() for v in values if isinstance(v, str) for part in v.split(";") if part.strip()}


def province_ids(ctx: PageContext, ds) -> set[str]:
    """The sources any record, reported figure or target of the province rests on."""
    vintages = set(ds.vintages.loc[ds.vintages["province_code"].astype(str) == ctx.province, "vintage"].astype(str))
    units = ds.units[ds.units["province_code"].astype(str) == ctx.province]
    areas = {ctx.province} | set(units.loc[units["admin_level"] == "district", "unit_code"].astype(str))
    out = _ids(ds.status.loc[ds.status["vintage"].astype(str).isin(vintages), "source_id"])
    out |= _ids(ds.aggregates.loc[ds.aggregates["area_code"].astype(str).isin(areas), "source_id"])
    out |= _ids(ds.targets.loc[ds.targets["vintage"].astype(str).isin(vintages), "source_id"])
    return out


def figure_ids(ctx: PageContext) -> tuple[set[str], dict | None]:
    """The sources of THE figure of the view (district when one is chosen): its report, the
    records deciding its xã on the map, its comparison figures; and the figure."""
    level = ctx.level if ctx.level != "criteria" else "standard"
    summary = ctx.summary(district=ctx.district)
    figs = (summary or {}).get("figures") or {}
    fig = figs.get(level) or next(iter(figs.values()), None)
    if fig is None:
        return set(), None
    ids = {fig["source_id"]} if fig.get("source_id") else set()
    ids |= set((fig.get("on_map") or {}).get("source_ids") or [])
    ids |= {c["source_id"] for c in fig.get("comparisons") or [] if c.get("source_id")}
    return ids, fig


def choose(ctx: PageContext, ds) -> pd.DataFrame:
    """The filter widget and the sources it keeps (the province's by default; all on the
    national layer)."""
    choices = CHOICES[2:] if ctx.national else CHOICES
    which = st.radio(ctx.t("sources.filter"), choices, index=choices.index("all" if ctx.national else "province"),
                     key="ntm_w_sources", horizontal=True, format_func=lambda c: ctx.t(f"sources.filter_{c}"))
    src = ds.sources
    if which == "all":
        return src
    if which == "province":
        keep = province_ids(ctx, ds)
    else:
        keep, fig = figure_ids(ctx)
        if fig is not None:
            from ui.frame import figure
            st.html(figure.header(fig, ctx.lang))
    return src[src["source_id"].astype(str).isin(keep)]
