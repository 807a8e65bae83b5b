"""Static commune maps drawn server-side with matplotlib.

The classes, legend rows and styles are the map specification's (``ui.maps.spec``), as on the
dashboard: each class in its palette colour, "no record" white with the grey hatch of the web
map, district outlines on top, holdouts outlined in red. A district layer mode fills the
district polygons. Used for the PNG/SVG download and, drawn straight into a page, for the
briefing pack.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # server-side only; never opens a window

import geopandas as gpd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from domain.text import t as t_store  # noqa: E402
from ui.export import fonts  # noqa: E402
from ui.export.strings import t  # noqa: E402
from ui.maps import palette, spec  # noqa: E402

# matplotlib's hatch for a style pattern ("hatch": the "/" lines of palette.HATCH).
HATCHES = {"hatch": "////"}
HATCH_COLOUR = palette.HATCH["line"]


@dataclass
class LegendEntry:
    key: str
    label: str
    colour: str
    count: int
    hatch: str | None = None
    edge: str = palette.OUTLINE_COLOUR


@dataclass
class MapFigure:
    fig: Figure
    ax: object
    entries: list[LegendEntry] = field(default_factory=list)
    classes: dict = field(default_factory=dict)   # unit code -> class key drawn

    def to_pixel(self, lon: float, lat: float) -> tuple[int, int]:
        """Pixel (column, row) of a point in the image written by ``save`` as PNG."""
        x, y = self.ax.transData.transform((lon, lat))
        height = self.fig.get_size_inches()[1] * self.fig.dpi
        return int(round(x)), int(round(height - y))

    def save(self, out, fmt: str | None = None) -> None:
        """Write PNG or SVG (format from ``fmt`` or the file suffix); keeps the layout fixed."""
        self.fig.savefig(out, format=fmt, dpi=self.fig.dpi, facecolor="white")


def legend_entries(map_spec: spec.MapSpec, lang: str) -> list[LegendEntry]:
    """The specification's legend rows, as the image's legend draws them."""
    return [LegendEntry(r.key, r.text(lang), r.style.fill, r.count, HATCHES.get(r.style.pattern),
                        r.style.edge or palette.OUTLINE_COLOUR) for r in map_spec.legend]


def draw_map(ax, communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None,
             map_spec: spec.MapSpec, lang: str, *, line_scale: float = 1.0) -> list[LegendEntry]:
    """Draw the specification's map into ``ax``; returns legend entries with counts.

    ``communes`` (and ``districts``) need ``unit_code`` and ``geometry``; the classes, the
    holdout outlines and the legend come from ``map_spec``.
    """
    layer = map_spec.layer
    on_districts = layer.units == spec.DISTRICT and districts is not None
    filled = districts if on_districts else communes
    keys = filled["unit_code"].astype(str).map(map_spec.classes).fillna(layer.missing)
    for key in keys.unique():
        style = layer.cls(key).style
        part = filled[keys == key]
        part.plot(ax=ax, facecolor=style.fill, edgecolor=(style.edge or palette.OUTLINE_COLOUR),
                  linewidth=0.35 * line_scale, hatch=HATCHES.get(style.pattern), hatchcolor=HATCH_COLOUR)
    if on_districts:
        communes.boundary.plot(ax=ax, color=palette.OUTLINE_COLOUR, linewidth=0.25 * line_scale)
    if districts is not None and len(districts):
        outlines = districts.geometry.apply(_drop_slivers).boundary
        outlines.plot(ax=ax, color=palette.DISTRICT_OUTLINE_COLOUR, linewidth=1.3 * line_scale)
    entries = legend_entries(map_spec, lang)
    if map_spec.outlines:
        held = filled[filled["unit_code"].astype(str).isin(map_spec.outlines)]
        held.boundary.plot(ax=ax, color=palette.HOLDOUT_OUTLINE_COLOUR, linewidth=1.8 * line_scale)
        entries.append(LegendEntry("holdout", _holdout_label(lang), "#ffffff", len(held),
                                   edge=palette.HOLDOUT_OUTLINE_COLOUR))
    # Equal distances on the ground: stretch longitude by 1/cos(latitude).
    minx, miny, maxx, maxy = communes.total_bounds
    ax.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)))
    padx, pady = (maxx - minx) * 0.02, (maxy - miny) * 0.02
    ax.set_xlim(minx - padx, maxx + padx)
    ax.set_ylim(miny - pady, maxy + pady)
    ax.set_axis_off()
    return entries


def draw_with_legend(ax, lax, communes, districts, map_spec: spec.MapSpec, lang: str, *,
                     fontsize: float = 12) -> list[LegendEntry]:
    """The map into ``ax`` and its legend into ``lax`` (titled with the mode's subtitle)."""
    entries = draw_map(ax, communes, districts, map_spec, lang)
    draw_legend(lax, entries, fontsize=fontsize, title=legend_title(map_spec, lang))
    return entries


def legend_title(map_spec: spec.MapSpec, lang: str, width: int = 44) -> str | None:
    """The legend's heading: the mode's own title when it has one (the 2025 legacy level, the
    2026–2030 set) and its subtitle, as on the web legend, wrapped to the legend's width."""
    layer = map_spec.layer
    parts = []
    if layer.title != spec.LayerMode.title:
        parts.append(t_store(layer.title, lang, year=map_spec.year))
    if layer.subtitle:
        parts.append(t_store(layer.subtitle, lang, **dict(layer.subtitle_params)))
    return "\n".join(wrap(p, width) for p in parts) or None


def _drop_slivers(geom):
    """District polygon without the tiny holes left where dissolved communes do not meet exactly."""
    from shapely.geometry import MultiPolygon, Polygon

    parts = getattr(geom, "geoms", [geom])
    kept = []
    for poly in parts:
        holes = [r for r in poly.interiors if Polygon(r).area > 0.01 * poly.area]
        kept.append(Polygon(poly.exterior, holes))
    return MultiPolygon(kept) if len(kept) > 1 else kept[0]


def _holdout_label(lang: str) -> str:
    return t("holdout_legend", lang)


def draw_legend(ax, entries: list[LegendEntry], *, fontsize: float = 12, title: str | None = None,
                wrap_at: int = 40):
    """Legend with one swatch per class and its count, in its own axes (never clipped)."""
    handles = []
    for e in entries:
        if e.key == "holdout":
            handles.append(Patch(facecolor="none", edgecolor=e.edge, linewidth=2.2))
        else:
            handles.append(Patch(facecolor=e.colour, edgecolor=e.edge, hatch=e.hatch,
                                 linewidth=0.8))
    labels = [wrap(f"{e.label}: {e.count}", wrap_at) for e in entries]   # long labels on two lines, never clipped
    ax.set_axis_off()
    leg = ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=fontsize,
                    title=title, title_fontsize=fontsize, alignment="left",
                    handlelength=2.0, handleheight=1.4, labelspacing=0.7, borderaxespad=0)
    for patch in leg.get_patches():
        patch.set_hatchcolor(HATCH_COLOUR) if hasattr(patch, "set_hatchcolor") else None
    return leg


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(fonts.nfc(text), width=width, break_long_words=False)) or ""


def _fit(text: str, size: float, width: float, bold: bool = False, smallest: float = 11) -> float:
    """Largest font size ≤ ``size`` at which ``text`` fits in ``width`` inches (long names)."""
    while size > smallest and fonts.text_width(fonts.nfc(text), size, bold) * 1.03 > width:
        size -= 0.5
    return size


def render_map(communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None, *, map_spec: spec.MapSpec,
               title: str, subtitle: str, source_line: str, lang: str,
               illustrative: bool = False, size=(12.0, 7.5), dpi: int = 200) -> MapFigure:
    """A complete map image: title, subtitle, map, legend with counts, source line."""
    fonts.setup_matplotlib()
    fig = Figure(figsize=size, dpi=dpi, facecolor="white")
    w, h = size
    room = w * 0.96
    fig.text(0.02, 1 - 0.28 / h, fonts.nfc(title), fontsize=_fit(title, 20, room, True),
             fontweight="bold", va="top")
    fig.text(0.02, 1 - 0.72 / h, fonts.nfc(subtitle), fontsize=_fit(subtitle, 14, room),
             va="top", color="#333333")
    top = 1 - 1.05 / h
    if illustrative:
        fig.text(0.02, top, t("illustrative_label", lang), fontsize=12, fontweight="bold",
                 va="top", color=palette.HOLDOUT_OUTLINE_COLOUR)
        top -= 0.3 / h
    source = wrap(source_line, int(w * 13))
    # No source line (the embed view prints it as text under the image): no footer band.
    bottom = (0.3 + 0.19 * (source.count("\n") + 1)) / h if source else 0.15 / h
    ax = fig.add_axes((0.01, bottom, 0.64, top - bottom - 0.05 / h))
    lax = fig.add_axes((0.67, bottom, 0.32, top - bottom - 0.05 / h))
    entries = draw_with_legend(ax, lax, communes, districts, map_spec, lang, fontsize=12)
    if source:
        fig.text(0.02, 0.12 / h, source, fontsize=9, va="bottom",
                 color="#333333", linespacing=1.3)
    return MapFigure(fig, ax, entries, dict(map_spec.classes))
