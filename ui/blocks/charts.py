"""Plotly charts for /progress (counts/shares per level per year, targets as
reference lines, reported vs computed, national line, criteria average)."""
from __future__ import annotations

import base64
import html

import pandas as pd
import plotly.graph_objects as go

import streamlit as st

from domain.levels import CLASSIC_LADDER
from metrics.present import CHART_KINDS, chart_points, comparison_text, level_title, line_segments, progress_notes
from metrics.progress import series_notes
from ui.blocks import tables
from ui.frame.i18n import t
from ui.maps import palette

LEVELS = CLASSIC_LADDER.recognised      # the lines of the count and share charts


def area_name(ctx, code: str) -> str:
    units = ctx.dataset().units
    u = units[units["unit_code"].astype(str) == str(code)]
    return str(u.iloc[0]["name"]) if len(u) else str(code)


# how each kind of point is drawn (the pack's chart uses the same kinds: ui.export.charts)
SYMBOLS = {"reported": "diamond", "dated": "diamond-open", "computed": "circle", "at_least": "triangle-up-open"}


def level_chart(figures: dict, kind: str, lang: str, targets: list | None = None) -> go.Figure:
    """THE figure of each year per level (``{level: headline_series}``), ``kind`` "count" or
    "share": a line through the firm points of consecutive years (a report's figure, a complete
    count), a lower bound ("at least") as an open triangle never joined to the line, no point
    where no figure exists (a gap, never 0). The legend names the levels, then the kinds of
    points (reported / dated / counted / at least), so a report and a count are told apart."""
    key = "value" if kind == "count" else "share"
    scale = 1 if kind == "count" else 100
    fig = go.Figure()
    seen = set()
    for level, series in figures.items():
        pts = [p for p in chart_points(series, lang) if p[key] is not None]
        colour = palette.level_colour(level)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=level_title(level, lang),
                                 legendgroup=level, line={"color": colour, "width": 3}))
        xs, ys = line_segments(pts, key)
        fig.add_trace(go.Scatter(x=xs, y=[None if v is None else v * scale for v in ys], mode="lines",
                                 legendgroup=level, showlegend=False, connectgaps=False,
                                 line={"color": colour, "width": 3}, hoverinfo="skip"))
        for pk in CHART_KINDS:
            sel = [p for p in pts if p["kind"] == pk]
            if not sel:
                continue
            seen.add(pk)
            fig.add_trace(go.Scatter(
                x=[p["year"] for p in sel], y=[p[key] * scale for p in sel], mode="markers", legendgroup=level,
                showlegend=False, name=level_title(level, lang),
                marker={"symbol": SYMBOLS[pk], "size": 11, "color": colour, "line": {"color": colour, "width": 2}},
                text=[p["text"] for p in sel], hovertemplate="%{text}<extra></extra>"))
    for pk in CHART_KINDS:   # the kinds of points, once each, in grey
        if pk in seen:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t(f"progress.kind.{pk}", lang),
                                     marker={"symbol": SYMBOLS[pk], "size": 11, "color": "#555",
                                             "line": {"color": "#555", "width": 2}}, legendgroup="kinds"))
    if kind == "share":
        _national(fig, figures, lang)
    _targets(fig, targets or [], kind, lang)
    fig.update_layout(yaxis_title="%" if kind == "share" else t("cols.count", lang), xaxis_title=t("cols.year", lang),
                      xaxis={"dtick": 1}, height=460, margin={"l": 40, "r": 10, "t": 20, "b": 40},
                      legend={"orientation": "h", "y": -0.22}, font={"size": 14})
    return fig


def _national(fig: go.Figure, figures: dict, lang: str) -> None:
    """The national comparison figures of the standard level (each with its own date and source)."""
    pts = []
    for f in figures.get("standard", []):
        for c in f.get("comparisons") or []:
            if c["scope"] == "national" and c.get("share") is not None:
                pts.append((int(f["year"]), c["share"] * 100, f"{f['year']}: {comparison_text(c, lang)}"))
    if pts:
        fig.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], mode="markers+lines",
                                 name=t("progress.national", lang), line={"color": "#555", "dash": "dash"},
                                 marker={"symbol": "square-open", "size": 9, "color": "#555"},
                                 text=[p[2] for p in pts], hovertemplate="%{text}<extra></extra>"))


def _targets(fig: go.Figure, targets: list, kind: str, lang: str) -> None:
    """Each share target on the area's xã as a star at its year: the share, or the count it
    requires (``summary["targets"]`` rows, so a target on other units is not drawn)."""
    for r in targets:
        if r.get("level") not in LEVELS or r.get("target_share") is None:
            continue
        y = float(r["target_share"]) * 100 if kind == "share" else r.get("required")
        if y is None:
            continue
        label = t("progress.target_line", lang, level=t("levels." + str(r["level"]), lang), year=int(r["target_year"]))
        fig.add_trace(go.Scatter(x=[int(r["target_year"])], y=[y], mode="markers", name=label,
                                 marker={"symbol": "star", "size": 16, "color": palette.level_colour(str(r["level"])),
                                         "line": {"color": "#000", "width": 1}},
                                 hovertemplate=label + ": %{y}<extra></extra>"))


def chart_key(fig: go.Figure) -> str:
    """The figure's legend as HTML that wraps at any width (plotly's own legend, under the
    narrow plot of a phone, scrolled inside a small box and squeezed the plot): one swatch per
    trace the legend would show, drawn from the trace's own line and marker."""
    items = [f'<span class="ntm-key-item">{_swatch(tr)}{html.escape(tr.name)}</span>'
             for tr in fig.data if tr.showlegend is not False and tr.name]
    return '<div class="ntm-chart-key" data-testid="chart-key">' + "".join(items) + "</div>"


def _swatch(tr) -> str:
    mode = tr.mode or ""
    parts = []
    if "lines" in mode:
        dash = ' stroke-dasharray="4 3"' if tr.line.dash in ("dash", "dot") else ""
        parts.append(f'<line x1="1" y1="8" x2="29" y2="8" stroke="{tr.line.color}" '
                     f'stroke-width="{min(tr.line.width or 2, 3)}"{dash}/>')
    if "markers" in mode:
        symbol = str(tr.marker.symbol or "circle")
        open_ = symbol.endswith("-open")
        edge = (tr.marker.line.color if tr.marker.line and tr.marker.line.color else None) or tr.marker.color
        fill = "#fff" if open_ else tr.marker.color
        parts.append(_shape(symbol.removesuffix("-open"), fill, edge))
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="30" height="16" viewBox="0 0 30 16">{"".join(parts)}</svg>'
    # an image, not inline SVG: the page's HTML sanitiser drops <svg> elements
    return f'<img alt="" width="30" height="16" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'


def _shape(symbol: str, fill: str, edge: str) -> str:
    import math
    paint = f'fill="{fill}" stroke="{edge}" stroke-width="1.5"'
    if symbol == "diamond":
        pts = [(15, 2), (21, 8), (15, 14), (9, 8)]
    elif symbol == "triangle-up":
        pts = [(15, 2), (21, 14), (9, 14)]
    elif symbol == "square":
        pts = [(10, 3), (20, 3), (20, 13), (10, 13)]
    elif symbol == "star":
        pts = [(15 + r * math.sin(k * math.pi / 5), 8.5 - r * math.cos(k * math.pi / 5))
               for k, r in zip(range(10), [7.5, 3.2] * 5)]
    else:
        return f'<circle cx="15" cy="8" r="5" {paint}/>'
    return f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}" {paint}/>'


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


def area_targets(ctx, area: str) -> list:
    """The share targets on the area's xã, from the summary (each target stated once)."""
    rows = (ctx.summary().get("targets") or [])
    return [r for r in rows if str(r.get("area_code")) == str(area) and r.get("admin_level") == "commune"
            and r.get("state") not in ("not_computed", "reference")]


def area_picker(ctx, series: pd.DataFrame) -> str:
    """The area whose series the charts show: the province or one of its districts."""
    areas = [ctx.province] + sorted(a for a in series["area_code"].astype(str).unique()
                                    if a != ctx.province and a != "VN")
    return st.selectbox(ctx.t("progress.area"), areas, key="ntm_w_prog_area",
                        format_func=lambda a: ctx.t("progress.whole_province") if a == ctx.province
                        else area_name(ctx, a))


def level_charts(ctx, series: pd.DataFrame, area: str) -> None:
    """Counts and shares of THE figure per level and year (targets as reference marks), the
    notes the lines need (a dated figure, a lower bound, a change of set, ladder or structure,
    the gap years), and the criteria average."""
    lang = ctx.lang
    code = None if area == ctx.province else area
    figures = {lv: ctx.headline_series(lv, code) for lv in LEVELS}
    targets = area_targets(ctx, area)
    for kind, title in (("count", "progress.counts"), ("share", "progress.shares")):
        st.subheader(t(title, lang))
        fig = level_chart(figures, kind, lang, targets)
        st.plotly_chart(fig.update_layout(showlegend=False, height=400), width="stretch", key=f"prog_{kind}s",
                        config=CONFIG)
        st.html(chart_key(fig))
    notes = progress_notes(figures, lang) + [n[lang] for n in series_notes(series, area)]
    st.html('<div class="ntm-figure-notes" data-testid="progress-notes">'
            + "".join(f"<div>{html.escape(n)}</div>" for n in dict.fromkeys(notes)) + "</div>")
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
