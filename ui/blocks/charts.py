"""Plotly charts for /progress (counts/shares per level per year, targets as
reference lines, reported vs computed, national line, criteria average)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

import streamlit as st

from domain.levels import CLASSIC_LADDER

from ui.blocks import tables
from ui.frame.i18n import t
from ui.maps import palette

LEVELS = CLASSIC_LADDER.recognised      # the lines of the count and share charts


def area_name(ctx, code: str) -> str:
    units = ctx.dataset().units
    u = units[units["unit_code"].astype(str) == str(code)]
    return str(u.iloc[0]["name"]) if len(u) else str(code)


def level_chart(series: pd.DataFrame, area: str, kind: str, lang: str, targets) -> go.Figure:
    """kind = "count" (at-least counts) or "share" (of eligible communes)."""
    s = series[series["area_code"].astype(str) == str(area)]
    fig = go.Figure()
    for level in LEVELS:
        m = s[s["metric"].astype(str) == f"count_{level}"]
        for basis, dash, sym in (("computed", "solid", "circle"), ("reported", "dot", "diamond-open")):
            b = m[m["basis"].astype(str) == basis].sort_values("year")
            if not len(b):
                continue
            y = b["value"] if kind == "count" else b["share"] * 100
            fig.add_trace(go.Scatter(
                x=[int(v) for v in b["year"]], y=[float(v) for v in y], mode="lines+markers", name=f"{t('levels.' + level, lang)} — {t('progress.' + basis, lang)}",
                line={"color": palette.level_colour(level if level != "standard" else "standard"), "dash": dash, "width": 3},
                marker={"symbol": sym, "size": 9},
                customdata=b[["eligible", "provenance"]].astype(str).values,
                hovertemplate="%{x}: %{y}<br>n = %{customdata[0]} · %{customdata[1]}<extra></extra>"))
    if kind == "share":
        nat = series[(series["area_code"].astype(str) == "VN") & (series["metric"].astype(str) == "count_standard")]
        if len(nat):
            nat = nat.sort_values("year")
            fig.add_trace(go.Scatter(x=[int(v) for v in nat["year"]], y=[float(v) for v in nat["share"] * 100], mode="lines+markers",
                                     name=t("progress.national", lang), line={"color": "#555", "dash": "dash"}))
    if targets is not None and len(targets):
        for r in targets.itertuples(index=False):
            if str(r.level) not in LEVELS or pd.isna(r.target_year):
                continue
            if kind == "share" and pd.notna(getattr(r, "target_share", None)):
                y = float(r.target_share) * 100
            elif kind == "count" and pd.notna(getattr(r, "target_count", None)):
                y = float(r.target_count)
            else:
                continue
            label = t("progress.target_line", lang, level=t("levels." + str(r.level), lang), year=int(r.target_year))
            fig.add_trace(go.Scatter(x=[int(r.target_year)], y=[y], mode="markers", name=label,
                                     marker={"symbol": "star", "size": 16, "color": palette.level_colour(str(r.level)),
                                             "line": {"color": "#000", "width": 1}},
                                     hovertemplate=label + ": %{y}<extra></extra>"))
    fig.update_layout(yaxis_title="%" if kind == "share" else t("cols.count", lang), xaxis_title=t("cols.year", lang),
                      xaxis={"dtick": 1}, height=440, margin={"l": 40, "r": 10, "t": 20, "b": 40},
                      legend={"orientation": "h", "y": -0.2}, font={"size": 14})
    return fig


def criteria_chart(series: pd.DataFrame, area: str, lang: str):
    s = series[(series["area_code"].astype(str) == str(area)) & (series["metric"].astype(str) == "avg_criteria")]
    if not len(s):
        return None
    fig = go.Figure()
    for basis, dash in (("computed", "solid"), ("reported", "dot")):
        b = s[s["basis"].astype(str) == basis].sort_values("year")
        if len(b):
            fig.add_trace(go.Scatter(x=[int(v) for v in b["year"]], y=[float(v) for v in b["value"]], mode="lines+markers", name=t("progress." + basis, lang),
                                     line={"dash": dash, "width": 3, "color": "#2166ac"}))
    fig.update_layout(xaxis={"dtick": 1}, height=360,
                      margin={"l": 40, "r": 10, "t": 20, "b": 40}, font={"size": 14},
                      legend={"orientation": "h", "y": -0.25})
    return fig


CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def province_targets(ctx) -> pd.DataFrame:
    """Province targets on communes (records), for the reference marks on charts."""
    tg = ctx.dataset().targets
    if tg is None or not len(tg):
        return pd.DataFrame()
    return tg[(tg["scope"].astype(str) == "province") & (tg["unit_code"].astype(str) == ctx.province)]


def area_picker(ctx, series: pd.DataFrame) -> str:
    """The area whose series the charts show: the province or one of its districts."""
    areas = [ctx.province] + sorted(a for a in series["area_code"].astype(str).unique()
                                    if a != ctx.province and a != "VN")
    return st.selectbox(ctx.t("progress.area"), areas, key="ntm_w_prog_area",
                        format_func=lambda a: ctx.t("progress.whole_province") if a == ctx.province
                        else area_name(ctx, a))


def level_charts(ctx, series: pd.DataFrame, area: str) -> None:
    """Counts and shares per level (targets as reference marks) and the criteria average."""
    lang = ctx.lang
    targets = province_targets(ctx) if area == ctx.province else None
    st.subheader(t("progress.counts", lang))
    st.plotly_chart(level_chart(series, area, "count", lang, targets), width="stretch",
                    key="prog_counts", config=CONFIG)
    st.subheader(t("progress.shares", lang))
    st.plotly_chart(level_chart(series, area, "share", lang, targets), width="stretch",
                    key="prog_shares", config=CONFIG)
    st.caption(t("progress.criteria_set_note", lang))
    fig = criteria_chart(series, area, lang)
    if fig is not None:
        st.subheader(t("progress.criteria_avg", lang))
        st.plotly_chart(fig, width="stretch", key="prog_criteria", config=CONFIG)


def transitions(ctx) -> None:
    """Communes by level in two chosen years, and the communes whose level changed."""
    lang = ctx.lang
    st.subheader(t("progress.transitions", lang))
    a, b = st.columns(2)
    years = list(ctx.years)
    ya = a.selectbox(t("progress.year_a", lang), years, index=max(0, years.index(ctx.year) - 1), key="ntm_w_tr_a")
    yb = b.selectbox(t("progress.year_b", lang), years, index=years.index(ctx.year), key="ntm_w_tr_b")
    tr = ctx.transitions(int(ya), int(yb))
    st.dataframe(tables.transitions_matrix(tr, lang, ya, yb), width="stretch")
    changed = tables.transitions_table(tr, lang, ya, yb)
    if len(changed):
        st.caption(t("progress.changed", lang, n=len(changed)))
        st.dataframe(changed, hide_index=True, width="stretch")
