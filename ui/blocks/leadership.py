"""The leadership page's blocks (``/leadership``): the ranked table, the index classes for the
map, the sensitivity table, the reporting calendar, a locality's card — built from the metrics'
results (``metrics.leadership.build_index``, ``metrics.indicators.Context``); the page only reads
widgets and lays these out. Everything shown is escaped; all words come from the string store."""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace

import pandas as pd

from domain import obligations as obl
from domain.indicators import COMPUTED, INDICATORS
from domain.periods import KINDS, MONTH, Period, local_now, month_of, parse
from metrics.common import is_missing
from metrics.fmt import format_number, format_percent
from metrics.index import DEFAULT_WEIGHTS, WeightsError, parse_weights, weights_text, weights_with
from ui.frame.i18n import t
from ui.maps import palette, spec

# ---------------------------------------------------------------- URL values
def weights_from_param(text: str | None) -> tuple[dict, bool]:
    """(full weights, ok) from the ``weights`` query parameter; bad text → defaults, ok False."""
    try:
        return weights_with(parse_weights(text)), True
    except WeightsError:
        return dict(DEFAULT_WEIGHTS), False


def weights_param(weights: dict) -> str | None:
    """The ``weights`` query parameter (None when every weight is the default)."""
    return weights_text(weights) or None


def period_choices(available: list[Period], kind: str) -> list[str]:
    return [str(p) for p in available if p.kind == kind]


def default_period(available: list[Period], now: dt.datetime | None = None) -> str | None:
    """The latest month with data not after this month, else the latest period of any kind."""
    this_month = month_of(local_now(now))
    months = [p for p in available if p.kind == MONTH and p.sort_key() <= this_month.sort_key()]
    if months:
        return str(months[-1])
    return str(available[-1]) if available else None


def kind_of(period: str) -> str:
    return parse(period).kind


# ---------------------------------------------------------------- formatting
def fmt_value(key: str, v, lang: str) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "—"
    if key == "reports_on_time":
        return format_percent(v, lang)
    return format_number(v, lang, 1 if key == "criteria_met" and float(v) != int(v) else 0)


def fmt_change(change: dict, lang: str) -> str:
    r = change.get("rank")
    if r is None:
        return "—"
    if r > 0:
        return f"▲ {r}"
    if r < 0:
        return f"▼ {-r}"
    return "="


def index_map_spec(result: dict, province: str, year: int, unit_codes) -> spec.MapSpec:
    """The index map of a result (``metrics.leadership.build_index``): every unit of the layer
    drawn (``unit_codes``: districts before 7/2025, communes after), each locality in its index
    class, a unit that is no locality (a phường) not applicable."""
    mode_id = f"index_{spec.DISTRICT if result['level'] == 'district' else spec.COMMUNE}"
    rows = {str(c): {"eligible": False} for c in unit_codes}
    rows.update({str(x["unit_code"]): {"index": x["index"], "eligible": True} for x in result["localities"]})
    frames = spec.Frames(units=tuple(rows), other={"index": rows})
    return spec.map_spec(mode_id, spec.Scope(province), year, frames)


def index_map_png(map_spec: spec.MapSpec, communes, districts, *, lang: str, illustrative: bool) -> bytes:
    """The index map as a PNG, drawn like the exported map images from the same specification
    (classes, hatch for incomplete, legend with counts), the legend under the map in two columns
    so that it stays legible on a phone; the page prints the title, rule and attribution as text."""
    import io

    from matplotlib.figure import Figure

    from ui.export import fonts
    from ui.export.mapimage import draw_legend, draw_map, wrap

    fonts.setup_matplotlib()
    fig = Figure(figsize=(6.4, 7.8), dpi=110, facecolor="white")
    top = 0.995
    if illustrative:
        fig.text(0.02, top, t("export.illustrative_label", lang), fontsize=13, fontweight="bold", va="top",
                 color=palette.HOLDOUT_OUTLINE_COLOUR)
        top -= 0.035
    ax = fig.add_axes((0.01, 0.33, 0.98, top - 0.34))
    entries = draw_map(ax, communes, districts, map_spec, lang)
    fig.text(0.03, 0.315, t("leadership.legend_title", lang), fontsize=15, va="top")
    entries = [replace(e, label=wrap(e.label, 20)) for e in entries]    # two columns under the map
    half = (len(entries) + 1) // 2
    for x, part in ((0.03, entries[:half]), (0.50, entries[half:])):
        draw_legend(fig.add_axes((x, 0.01, 0.46, 0.265)), part, fontsize=14)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, facecolor="white")
    return buf.getvalue()


# ---------------------------------------------------------------- tables
def ranked_frame(result: dict, lang: str, ranges: dict | None = None) -> pd.DataFrame:
    """The ranked table: rank, locality, index, change, rank range (sensitivity), then one column
    per component with its raw value; incomplete localities last, saying what is missing."""
    rows = []
    for loc in result["localities"]:
        row = {
            t("leadership.col_rank", lang): "—" if loc["rank"] is None else str(loc["rank"]),
            t("leadership.col_locality", lang): loc["name"],
            t("leadership.col_index", lang): "—" if loc["index"] is None else format_number(loc["index"], lang, 1),
            t("leadership.col_change", lang): fmt_change(loc.get("change") or {}, lang),
        }
        if ranges is not None:
            rg = ranges.get(loc["unit_code"])
            row[t("leadership.col_range", lang)] = "—" if not rg else (
                str(rg[0]) if rg[0] == rg[1] else f"{rg[0]}–{rg[1]}")
        for k in INDICATORS:
            row[t(f"indicators.short.{k}", lang)] = fmt_value(k, loc["components"].get(k), lang)
        row[t("leadership.col_status", lang)] = (t("leadership.complete", lang) if loc["complete"] else
                                                 t("leadership.incomplete_missing", lang, missing=", ".join(
                                                     t(f"indicators.short.{k}", lang) for k in loc["missing"])))
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity_frame(sens: dict, lang: str) -> pd.DataFrame:
    rows = []
    for s in sens["scenarios"]:
        what = t("leadership.sens_drop" if s["factor"] == 0 else "leadership.sens_double", lang,
                 component=t(f"indicators.names.{s['component']}", lang))
        rows.append({t("leadership.col_scenario", lang): what,
                     t("leadership.col_moved", lang): s["moved"],
                     t("leadership.col_max_shift", lang): s["max_shift"]})
    return pd.DataFrame(rows)


def components_frame(comp: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The indicator table of the period as data (CSV download): one row per locality and
    indicator with its value, how it was obtained, definition, provenance and source."""
    out = comp[["unit_code", "vintage", "name", "indicator", "value", "qualifier", "definition", "how",
                "provenance", "source_id"]].copy()
    out.insert(0, "period", comp.attrs.get("period"))
    out["computed"] = out["indicator"].isin(list(COMPUTED))
    return out


# ---------------------------------------------------------------- compliance
STATE_ORDER = (obl.MISSING, obl.LATE, "open", obl.ON_TIME)


def state_key(s: dict) -> str:
    return "open" if s.get("open") else s["state"]


def state_label(key: str, lang: str) -> str:
    return t(f"obligations.states.{key}", lang)


def _time(iso: str | None, lang: str) -> str:
    if not iso:
        return "—"
    d = dt.datetime.fromisoformat(iso)
    return f"{d:%d/%m/%Y %H:%M}"


def month_table(states: list[dict], lang: str) -> pd.DataFrame:
    """Who reported for one month: late and missing first, then not yet due, then on time."""
    rows = sorted(states, key=lambda s: (STATE_ORDER.index(state_key(s)), str(s.get("name"))))
    return pd.DataFrame([{
        t("leadership.col_locality", lang): s["name"],
        t("leadership.col_state", lang): state_label(state_key(s), lang),
        t("leadership.col_received", lang): _time(s["received_at"], lang),
        t("leadership.col_by", lang): s["username"] or "—",
        t("leadership.col_due", lang): _time(s["due"], lang),
        t("leadership.col_provenance", lang): t(f"provenance.{s['provenance']}", lang) if s["provenance"] else "—",
    } for s in rows])


def calendar_html(states: list[dict], months: list[str], lang: str) -> str:
    """Localities × months, one coloured cell per report (colour and a letter, so it reads in
    grey too): the reporting calendar. ``states`` hold the months' rows (several vintages are
    shown by name)."""
    by = {}
    names = {}
    for s in states:
        key = (s["vintage"], s["unit_code"])
        by[(key, s["period"])] = s
        names[key] = s["name"]
    letters = {obl.ON_TIME: "✓", obl.LATE: "!", obl.MISSING: "✗", "open": "…"}
    head = "".join(f'<th scope="col">{html.escape(m[5:])}/{html.escape(m[2:4])}</th>' for m in months)
    body = []
    for key in sorted(names, key=lambda k: (k[0], str(names[k]))):
        cells = []
        for m in months:
            s = by.get((key, m))
            if s is None:
                cells.append('<td class="ntm-cal-none"></td>')
                continue
            k = state_key(s)
            tip = f"{state_label(k, lang)} — {_time(s['received_at'], lang)}"
            cells.append(f'<td class="ntm-cal-{k}" title="{html.escape(tip)}" style="background:'
                         f'{palette.report_colour(k)};color:{palette.report_text_colour(k)}">{letters[k]}</td>')
        body.append(f'<tr><th scope="row">{html.escape(str(names[key]))}</th>{"".join(cells)}</tr>')
    legend = " ".join(f'<span class="ntm-cal-key" style="background:{palette.report_colour(k)};'
                      f'color:{palette.report_text_colour(k)}">{letters[k]}</span> {html.escape(state_label(k, lang))}'
                      for k in (obl.ON_TIME, obl.LATE, obl.MISSING, "open"))
    return (f'<div class="ntm-cal-wrap"><table class="ntm-cal" data-testid="ntm-calendar">'
            f'<thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
            f'<div class="ntm-cal-legend">{legend}</div>')


def recent_months(end: str, n: int = 12) -> list[str]:
    p = parse(end)
    out = [p]
    while len(out) < n:
        out.append(out[-1].previous())
    return [str(x) for x in reversed(out)]


def counts_line(states: list[dict], lang: str) -> str:
    c = {k: 0 for k in STATE_ORDER}
    for s in states:
        c[state_key(s)] += 1
    return " · ".join(f"{state_label(k, lang)}: {format_number(c[k], lang)}" for k in STATE_ORDER)


# ---------------------------------------------------------------- the locality card
def card_figure(series: pd.DataFrame, key: str, lang: str, targets: list | None = None):
    """One component of a locality over time; the line is split where the definition changes
    (a break, never a trend) and the break is marked. None when there is nothing to draw (no
    value and no target in the span): the caller says "no record" instead of an empty axis.
    Every component is a count or a share, so the axis starts at zero."""
    import plotly.graph_objects as go
    from metrics.indicators import breaks

    s = series[series["indicator"] == key].reset_index(drop=True)
    rows = s.to_dict("records")
    for r in rows:
        r["value"] = None if is_missing(r["value"]) else float(r["value"])
        r["definition"] = None if is_missing(r.get("definition")) else str(r["definition"])
    aims = [tg for tg in targets or [] if tg["indicator"] == key and tg["value"] is not None]
    if not aims and all(r["value"] is None for r in rows):
        return None
    cut = breaks(rows)
    fig = go.Figure()
    segments, start = [], 0
    for b in cut + [len(rows)]:
        segments.append(rows[start:b])
        start = b
    for i, seg in enumerate(segments):
        pts = [r for r in seg if r["value"] is not None]
        if not pts:
            continue
        d = pts[0].get("definition")
        name = t("leadership.definition", lang, definition=d) if d else t(f"indicators.names.{key}", lang)
        fig.add_trace(go.Scatter(x=[r["period"] for r in seg], y=[r["value"] for r in seg], mode="lines+markers",
                                 name=name, connectgaps=False, line={"width": 3, "color": palette.series_colour(i)},
                                 marker={"size": 8}, showlegend=bool(cut)))
    for b in cut:
        fig.add_vline(x=rows[b]["period"], line={"dash": "dot", "color": "#444"})
        fig.add_annotation(x=rows[b]["period"], y=1, yref="paper", showarrow=False, yanchor="bottom",
                           text=t("leadership.break", lang), font={"size": 12})
    for tg in aims:
        label = t("leadership.target_point" if tg["qualifier"] != "increase" else "leadership.increase_point",
                  lang, value=format_number(tg["value"], lang))
        fig.add_trace(go.Scatter(x=[tg["period"]], y=[tg["value"]], mode="markers", name=label,
                                 marker={"symbol": "star", "size": 14, "color": "#b2182b"}))
    fig.update_layout(height=260, margin={"l": 40, "r": 10, "t": 30, "b": 30}, font={"size": 13},
                      title={"text": t(f"indicators.names.{key}", lang), "font": {"size": 15}},
                      xaxis={"type": "category", "tickangle": -45, "automargin": True},
                      yaxis={"rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.35})
    return fig


def history_frame(states: list[dict], lang: str) -> pd.DataFrame:
    """A locality's reporting history (newest first)."""
    rows = sorted(states, key=lambda s: parse(s["period"]).sort_key(), reverse=True)
    return pd.DataFrame([{
        t("leadership.col_month", lang): s["period"],
        t("leadership.col_state", lang): state_label(state_key(s), lang),
        t("leadership.col_received", lang): _time(s["received_at"], lang),
        t("leadership.col_by", lang): s["username"] or "—",
    } for s in rows])


def kinds() -> tuple:
    return KINDS
