"""Static commune maps drawn server-side with matplotlib.

The same geometry and colours as the dashboard (``ui/palette.py``): levels in
their palette colour, "unknown" white with a grey hatch, "not applicable" grey
with a hatch, district outlines on top, holdouts outlined in red. Used for the
PNG/SVG download and, drawn straight into a page, for the briefing pack.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # server-side only; never opens a window

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ui.maps import palette  # noqa: E402
from ui.export import fonts  # noqa: E402
from ui.export.strings import level_label, t  # noqa: E402

MODES = ("standard", "advanced", "model", "criteria")
LADDER_CLASSES = ("model", "advanced", "standard", "none")
OTHER_CLASSES = ("mixed", "completed", "unknown", "not_applicable")
HATCHES = {"unknown": "////", "not_applicable": "...."}
HATCH_COLOUR = "#8c8c8c"


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

    def to_pixel(self, lon: float, lat: float) -> tuple[int, int]:
        """Pixel (column, row) of a point in the image written by ``save`` as PNG."""
        x, y = self.ax.transData.transform((lon, lat))
        height = self.fig.get_size_inches()[1] * self.fig.dpi
        return int(round(x)), int(round(height - y))

    def save(self, out, fmt: str | None = None) -> None:
        """Write PNG or SVG (format from ``fmt`` or the file suffix); keeps the layout fixed."""
        self.fig.savefig(out, format=fmt, dpi=self.fig.dpi, facecolor="white")


def map_class(row, mode: str) -> str:
    """Colour class of one commune row: a level, or a criteria bin 'c0'…'c8'."""
    level = row.get("level") if hasattr(row, "get") else row["level"]
    if level == "not_applicable" or (row.get("eligible") is False and level != "completed"):
        return "not_applicable"
    if mode == "criteria":
        colour = palette.criteria_colour(row.get("criteria_met"), row.get("criteria_total"))
        if colour == palette.LEVEL_COLOURS["unknown"]:
            return "unknown"
        return f"c{palette.CRITERIA_COLOURS.index(colour)}"
    if level in palette.LEVEL_COLOURS:
        return level
    return "unknown"


def classify(communes: pd.DataFrame, mode: str) -> pd.Series:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    return communes.apply(lambda r: map_class(r, mode), axis=1)


def _style(key: str) -> tuple[str, str | None]:
    if key.startswith("c") and key[1:].isdigit():
        return palette.CRITERIA_COLOURS[int(key[1:])], None
    return palette.level_colour(key), HATCHES.get(key)


def legend_entries(classes: pd.Series, mode: str, lang: str) -> list[LegendEntry]:
    counts = classes.value_counts()
    entries = []
    if mode == "criteria":
        n = len(palette.CRITERIA_COLOURS)
        keys = [f"c{i}" for i in reversed(range(n))]
        for key in keys:
            i = int(key[1:])
            lo, hi = round(100 * i / n), round(100 * (i + 1) / n)
            label = f"{lo}–{hi} %" if i < n - 1 else f"≥ {lo} %"
            entries.append(LegendEntry(key, label, *_style(key)[:1], int(counts.get(key, 0))))
    else:
        for key in LADDER_CLASSES:
            colour, hatch = _style(key)
            entries.append(LegendEntry(key, level_label(key, lang), colour, int(counts.get(key, 0)), hatch))
    for key in OTHER_CLASSES:
        if counts.get(key, 0):
            colour, hatch = _style(key)
            entries.append(LegendEntry(key, level_label(key, lang), colour, int(counts[key]), hatch))
    return entries


def draw_map(ax, communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None, mode: str,
             lang: str, *, line_scale: float = 1.0) -> list[LegendEntry]:
    """Draw communes coloured by ``mode`` into ``ax``; returns legend entries with counts.

    ``communes`` needs ``geometry`` and ``level`` (and ``criteria_met``,
    ``criteria_total`` for the criteria mode); an optional boolean ``holdout``
    column outlines those units in red.
    """
    classes = classify(communes, mode)
    for key in classes.unique():
        colour, hatch = _style(key)
        part = communes[classes == key]
        part.plot(ax=ax, facecolor=colour, edgecolor=palette.OUTLINE_COLOUR,
                  linewidth=0.35 * line_scale, hatch=hatch, hatchcolor=HATCH_COLOUR)
    if districts is not None and len(districts):
        outlines = districts.geometry.apply(_drop_slivers).boundary
        outlines.plot(ax=ax, color=palette.DISTRICT_OUTLINE_COLOUR, linewidth=1.3 * line_scale)
    entries = legend_entries(classes, mode, lang)
    if "holdout" in communes.columns and communes["holdout"].fillna(False).astype(bool).any():
        held = communes[communes["holdout"].fillna(False).astype(bool)]
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


def draw_legend(ax, entries: list[LegendEntry], *, fontsize: float = 12, title: str | None = None):
    """Legend with one swatch per class and its count, in its own axes (never clipped)."""
    handles = []
    for e in entries:
        if e.key == "holdout":
            handles.append(Patch(facecolor="none", edgecolor=e.edge, linewidth=2.2))
        else:
            handles.append(Patch(facecolor=e.colour, edgecolor=e.edge, hatch=e.hatch,
                                 linewidth=0.8))
    labels = [f"{e.label}: {e.count}" for e in entries]
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


def render_map(communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None, *, mode: str,
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
    entries = draw_map(ax, communes, districts, mode, lang)
    lax = fig.add_axes((0.67, bottom, 0.32, top - bottom - 0.05 / h))
    legend_title = t("criteria_share", lang) if mode == "criteria" else None
    draw_legend(lax, entries, fontsize=12, title=legend_title)
    if source:
        fig.text(0.02, 0.12 / h, source, fontsize=9, va="bottom",
                 color="#333333", linespacing=1.3)
    return MapFigure(fig, ax, entries)
