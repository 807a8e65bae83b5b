"""The progress chart (counts per level over the years) for the briefing pack."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from domain.levels import CLASSIC_LADDER, NONE  # noqa: E402
from ui.maps import palette  # noqa: E402
from ui.export import fonts  # noqa: E402

# Line colours: the palette's level colours, "standard" darkened a little so a
# thin line stays visible on white.
_LINE = {**{lv: palette.LEVEL_COLOURS[lv] for lv in CLASSIC_LADDER.recognised}, NONE: "#d6604d"}
# how each kind of point is drawn (the screen's chart, ui.blocks.charts, uses the same kinds):
# a report's year figure ◆, a report dated within its year ◇, a complete count ●, a lower bound △
_KIND = {"reported": ("D", True), "dated": ("D", False), "computed": ("o", True), "at_least": ("^", False)}


def draw_progress(ax, progress: pd.DataFrame, set_changes: list[int], *, fontsize: float = 14,
                  ylabel: str = "", set_label: str = "", kind_labels: dict | None = None) -> None:
    """THE figure of each year per level (``key``, ``label``) from ``metrics.present.chart_points``
    rows (``year, value, kind, joined``): a line through the joined (firm, consecutive) points,
    markers by kind (filled: a report's year figure or a complete count; hollow: a dated report or
    a lower bound, never joined), no point where no figure exists (a gap, never 0). The legend
    names the levels, then the kinds of points (``kind_labels``).

    A dotted vertical line marks each year a new criteria set starts, so no
    trend reads across the change unannounced.
    """
    if progress.empty:
        ax.set_axis_off()
        return
    from metrics.present import line_segments

    seen = set()
    for key, part in progress.groupby("key", sort=False):
        part = part.sort_values("year")
        colour = _LINE.get(key, "#444444")
        xs, ys = line_segments(part.to_dict("records"))
        ax.plot([x if x is not None else float("nan") for x in xs], [y if y is not None else float("nan") for y in ys],
                color=colour, linewidth=3.2)
        ax.plot([], [], color=colour, linewidth=3.2, label=part["label"].iloc[0])
        for kind, (marker, filled) in _KIND.items():
            sel = part[part["kind"] == kind]
            if not len(sel):
                continue
            seen.add(kind)
            ax.plot(sel["year"], sel["value"], linestyle="none", marker=marker, markersize=9,
                    markerfacecolor=colour if filled else "white", markeredgecolor=colour, markeredgewidth=2)
    for kind, (marker, filled) in _KIND.items():
        if kind in seen and kind_labels:
            ax.plot([], [], linestyle="none", marker=marker, markersize=9, markerfacecolor="#555555" if filled else "white",
                    markeredgecolor="#555555", markeredgewidth=2, label=fonts.nfc(kind_labels[kind]))
    years = sorted(progress["year"].unique())
    for year in set_changes:
        if years[0] < year <= years[-1]:
            ax.axvline(year - 0.5, color="#777777", linestyle=":", linewidth=1.5)
            ax.text(year - 0.45, 1.0, fonts.nfc(set_label.format(year=year)), rotation=90,
                    va="top", ha="left", fontsize=fontsize * 0.75, color="#555555",
                    transform=ax.get_xaxis_transform())
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], fontsize=fontsize)
    ax.tick_params(axis="y", labelsize=fontsize)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))   # counts of communes
    ax.set_ylabel(fonts.nfc(ylabel), fontsize=fontsize)
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    # Legend outside the plot, on the right, so it never hides a point.
    ax.legend(fontsize=fontsize * 0.85, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0)


def progress_png(progress: pd.DataFrame, set_changes: list[int], out, *, size=(12.3, 5.4),
                 dpi: int = 200, ylabel: str = "", set_label: str = "", kind_labels: dict | None = None) -> None:
    fonts.setup_matplotlib()
    fig = Figure(figsize=size, dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.07, 0.1, 0.62, 0.86))
    draw_progress(ax, progress, set_changes, fontsize=15, ylabel=ylabel, set_label=set_label,
                  kind_labels=kind_labels)
    fig.savefig(out, format="png", dpi=dpi, facecolor="white")
