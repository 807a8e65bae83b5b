"""The map legend, drawn in Streamlit beside the map: one row per class of the map
specification (``ui.maps.spec``) — swatch, label, the number of units the map draws in it — so
the legend and the map cannot disagree. Like the exported map's legend it shows counts, never a
share: a share of the register's xã beside THE headline figure (the report's 181/181, 100%)
would be a second answer to "how many" (issue "one truth per figure"); the register's count is a
note under the rows."""
from __future__ import annotations

import html

from metrics.fmt import format_number
from ui.frame.i18n import t
from ui.maps import palette
from ui.maps.spec import MapSpec, Style


def hatch_css() -> str:
    """The "no record" hatch as CSS: the same lines as the map's SVG pattern ("/", palette.HATCH)."""
    h = palette.HATCH
    gap = h["size"] - h["width"]
    return (f"repeating-linear-gradient(135deg, {h['background']} 0 {gap}px, "
            f"{h['line']} {gap}px {h['size']}px)")


def page_css() -> str:
    """The legend's CSS that depends on the palette, for the page's style sheet (sent once per
    page, not with every legend)."""
    return f".ntm-hatch {{ background: {hatch_css()}; }}"


# The legend is re-sent with every year change: its fixed styling is in the page's style sheet
# (``ui.frame.layout``), only a class's own colour is written inline.

def swatch(style: Style) -> str:
    if style.pattern == "hatch":
        return '<span class="ntm-sw ntm-hatch"></span>'
    return f'<span class="ntm-sw" style="background:{html.escape(style.fill)}"></span>'


def line_swatch(style: Style) -> str:
    """An outline class (an overlay's): a short dashed line in its edge colour."""
    dash = "dashed" if style.dash else "solid"
    return f'<span class="ntm-sw ntm-line" style="border-top:2px {dash} {html.escape(style.edge or "#444")}"></span>'


def legend_html(spec: MapSpec, lang: str, overlays: tuple = ()) -> str:
    """The legend of one map: title (year), the mode's subtitle, a row per class with the number
    of units drawn in it, the overlays drawn over it (the former districts' outlines) and the
    footnotes (the xã the map counts, where the mode counts them)."""
    layer = spec.layer
    body = [f'<tr><td colspan="2"></td><td class="num">{html.escape(t("map.legend_count", lang))}</td></tr>']
    for r in spec.legend:
        body.append(f'<tr data-class="{html.escape(r.key)}"><td>{swatch(r.style)}</td>'
                    f'<td>{html.escape(r.text(lang))}</td>'
                    f'<td class="num" data-count="{r.count}">{format_number(r.count, lang)}</td></tr>')
    for style, label, key in overlays:     # (Style, text, class key) of each overlay drawn
        body.append(f'<tr data-overlay="{html.escape(key)}"><td>{line_swatch(style)}</td>'
                    f'<td colspan="2">{html.escape(label)}</td></tr>')
    foot = []
    if layer.note and spec.den is not None:
        foot.append(html.escape(t(layer.note, lang, den=format_number(spec.den, lang))))
    if spec.outlines:
        foot.append(f'<span style="color:{palette.HOLDOUT_OUTLINE_COLOUR}">▭</span> '
                    + html.escape(t("map.legend_holdout", lang)))
    subtitle = (f'<div class="ntm-legend-sub" data-testid="ntm-legend-subtitle">'
                f'{html.escape(t(layer.subtitle, lang, **dict(layer.subtitle_params)))}</div>'
                if layer.subtitle else "")
    footer = f'<div class="ntm-legend-foot">{"<br>".join(foot)}</div>' if foot else ""
    return (f'<div class="ntm-legend-box" data-mode="{html.escape(spec.mode)}">'
            f'<b data-testid="ntm-legend-title">{html.escape(t(layer.title, lang, year=spec.year))}</b>'
            f'{subtitle}<table class="ntm-legend">{"".join(body)}</table>{footer}</div>')
