"""The map legend, drawn in Streamlit beside the map (swatch, label, count,
denominator, share) from the same palette and counts the map uses."""
from __future__ import annotations

import html

import pandas as pd

from metrics.fmt import format_number, format_percent
from ui.maps import palette
from ui.frame.i18n import t

LEVEL_ROWS = ("model", "advanced", "standard", "none", "unknown", "not_applicable")


def _swatch(colour: str, hatch: bool) -> str:
    cls = "ntm-sw ntm-hatch" if hatch else "ntm-sw"
    style = "" if hatch else f"background-color:{colour}"
    return f'<span class="{cls}" style="{style}"></span>'


def level_rows(row: pd.Series) -> list[dict]:
    """One legend row per level, exclusive counts (each commune in one class).
    Shares are over eligible communes; unknown and not applicable carry none."""
    eligible = int(row["eligible"])
    out = []
    for level in LEVEL_ROWS:
        n = int(row.get(level, 0) or 0)
        share = (n / eligible) if eligible and level not in ("not_applicable",) else None
        out.append({"level": level, "count": n, "den": eligible if level != "not_applicable" else None,
                    "share": share})
    return out


def level_legend_html(row: pd.Series, year: int, lang: str, holdouts: int = 0) -> str:
    body = []
    for r in level_rows(row):
        lvl = r["level"]
        hatch = lvl == "unknown"
        count = format_number(r["count"], lang)
        den = f" / {format_number(r['den'], lang)}" if r["den"] is not None else ""
        share = format_percent(r["share"], lang) if r["share"] is not None else ""
        body.append(
            f'<tr data-level="{lvl}"><td>{_swatch(palette.level_colour(lvl), hatch)}</td>'
            f'<td>{html.escape(t("levels." + lvl, lang))}</td>'
            f'<td class="num" data-count="{r["count"]}">{count}{den}</td><td class="num">{share}</td></tr>')
    foot = [html.escape(t("map.legend_den", lang, den=format_number(int(row["eligible"]), lang)))]
    if holdouts:
        foot.append(f'<span style="color:{palette.HOLDOUT_OUTLINE_COLOUR}">▭</span> '
                    + html.escape(t("map.legend_holdout", lang)))
    return (f'<div class="ntm-legend-box"><b>{html.escape(t("map.legend_title", lang, year=year))}</b>'
            f'<table class="ntm-legend"><tr><td></td><td></td><td class="num">{html.escape(t("map.legend_count", lang))}</td>'
            f'<td class="num">{html.escape(t("map.legend_share", lang))}</td></tr>{"".join(body)}</table>'
            f'<div class="ntm-legend-foot">{"<br>".join(foot)}</div></div>')


def district_legend_html(dstatus: pd.DataFrame, year: int, lang: str) -> str:
    levels = ("model", "advanced", "standard", "completed", "none", "unknown")
    total = len(dstatus)
    body = []
    for lvl in levels:
        n = int((dstatus["level"].astype(str) == lvl).sum())
        body.append(f'<tr data-level="{lvl}"><td>{_swatch(palette.level_colour(lvl), lvl == "unknown")}</td>'
                    f'<td>{html.escape(t("levels." + lvl, lang))}</td>'
                    f'<td class="num" data-count="{n}">{format_number(n, lang)} / {format_number(total, lang)}</td>'
                    f'<td class="num">{format_percent(n / total if total else None, lang)}</td></tr>')
    return (f'<div class="ntm-legend-box"><b>{html.escape(t("map.legend_title", lang, year=year))}</b>'
            f'<table class="ntm-legend">{"".join(body)}</table></div>')


def criteria_legend_html(status: pd.DataFrame, year: int, lang: str) -> str:
    """Bins of the criteria share, with the number of communes in each."""
    el = status[status["eligible"].astype(bool)]
    met = pd.to_numeric(el["criteria_met"], errors="coerce")
    tot = pd.to_numeric(el["criteria_total"], errors="coerce")
    colours = palette.CRITERIA_COLOURS
    known = met.notna() & tot.notna() & (tot > 0)
    body = []
    n_bins = len(colours)
    idx = ((met[known] / tot[known]).clip(0, 1) * n_bins).astype(int).clip(upper=n_bins - 1)
    for i in reversed(range(n_bins)):
        lo, hi = i / n_bins, (i + 1) / n_bins
        n = int((idx == i).sum())
        label = f"{format_percent(lo, lang)}–{format_percent(hi, lang)}"
        body.append(f'<tr><td>{_swatch(colours[i], False)}</td><td>{html.escape(label)}</td>'
                    f'<td class="num" data-count="{n}">{format_number(n, lang)}</td></tr>')
    n_unknown = int((~known).sum())
    body.append(f'<tr data-level="unknown"><td>{_swatch("#fff", True)}</td><td>{html.escape(t("levels.unknown", lang))}</td>'
                f'<td class="num" data-count="{n_unknown}">{format_number(n_unknown, lang)}</td></tr>')
    return (f'<div class="ntm-legend-box"><b>{html.escape(t("map.legend_title", lang, year=year))}</b>'
            f'<div style="font-size:0.88rem">{html.escape(t("map.legend_criteria", lang))}</div>'
            f'<table class="ntm-legend">{"".join(body)}</table></div>')
