"""THE headline figure on screen: the HTML of a KPI tile, of a figure's header line (legend,
/area, /progress) and of a source link, from ``metrics.present`` (the words) and
``metrics.figures`` (the number). Every headline place goes through here, so the same area ×
year × level shows the same number, basis, date and source everywhere. Pure (no Streamlit).

Each figure element carries ``data-figure-*`` attributes (value, denominator, basis, source id,
as-of, level, area) so a test can read what a screen shows without parsing prose.
"""
from __future__ import annotations

import html

from metrics.present import figure_parts, target_parts


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def source_html(ref: dict | None) -> str:
    """A source as its short human label, linked when it has a web address; the title on hover."""
    if not ref:
        return ""
    label = _e(ref["label"])
    title = _e(ref.get("title") or "")
    if ref.get("url"):
        return (f'<a href="{_e(ref["url"])}" target="_blank" rel="noopener" title="{title}" '
                f'data-source="{_e(ref["source_id"])}">{label}</a>')
    return f'<span title="{title}" data-source="{_e(ref["source_id"])}">{label}</span>'


def data_attrs(fig: dict) -> str:
    """The figure's identity as data attributes (what the tests read)."""
    area = fig.get("area") or {}
    vals = {"level": fig.get("level"), "year": fig.get("year"), "area": area.get("code"),
            "value": fig.get("value"), "den": fig.get("denominator"), "basis": fig.get("basis"),
            "at-least": int(bool(fig.get("at_least"))), "source": fig.get("source_id") or "",
            "as-of": fig.get("as_of") or ""}
    return " ".join(f'data-figure-{k}="{_e("" if v is None else v)}"' for k, v in vals.items())


def tile(fig: dict, lang: str, colour: str, target: dict | None = None, testid: str = "",
         notes: list[str] | None = None) -> str:
    """A KPI tile of one figure: label, the number, "181/181 xã · 100,0%", how it is known (basis,
    as-of date, source link), its own notes, and the target with its gap (on the figure)."""
    p = figure_parts(fig, lang)
    sub = " · ".join(x for x in (p["count"], p["share"]) if x)
    how = " · ".join(x for x in (_e(p["how"]), source_html(p["source"])) if x)
    note_html = "".join(f'<div class="note">{_e(n)}</div>' for n in (p["notes"] if notes is None else notes))
    tg = target_parts(target, lang)
    sw = f'<span class="ntm-sw" style="background-color:{_e(colour)}"></span>' if colour else ""
    return (f'<div class="ntm-tile" data-testid="{_e(testid)}" {data_attrs(fig)}>'
            f'<div class="lbl">{sw}{_e(p["level"])}</div>'
            f'<div class="big">{_e(p["value"])}</div><div class="sub">{_e(sub)}</div>'
            f'<div class="how">{how}</div>{note_html}'
            f'<div class="tgt" data-target-state="{_e(tg["key"] or "")}">{_e(tg["text"])}</div></div>')


def header(fig: dict, lang: str, *, with_notes: bool = True) -> str:
    """A figure on one line above a map, a chart or a table: the level, "181/181 xã (100,0%)",
    how it is known and its source; then what the map can draw and the notes."""
    p = figure_parts(fig, lang)
    count = p["count"] + (f" ({p['share']})" if p["share"] else "")
    how = " · ".join(x for x in (_e(p["how"]), source_html(p["source"])) if x)
    notes = [n for n in ([p["on_map"]] if p["on_map"] else []) + p["notes"]] if with_notes else []
    note_html = "".join(f'<div class="note">{_e(n)}</div>' for n in notes)
    return (f'<div class="ntm-figure" {data_attrs(fig)}><div><b>{_e(p["level"])}: {_e(count)}</b>'
            f'{" · " + how if how else ""}</div>{note_html}</div>')
