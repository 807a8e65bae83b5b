"""The progress chart (counts per level over the years) for the briefing pack."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ui.maps import palette  # noqa: E402
from ui.export import fonts  # noqa: E402

# Line colours: the palette's level colours, "standard" darkened a little so a
# thin line stays visible on white.
_LINE = {"standard": palette.LEVEL_COLOURS["standard"], "advanced": palette.LEVEL_COLOURS["advanced"],
         "model": palette.LEVEL_COLOURS["model"], "none": "#d6604d"}
_MARK = {"standard": "o", "advanced": "s", "model": "D"}


def draw_progress(ax, progress: pd.DataFrame, set_changes: list[int], *, fontsize: float = 14,
                  ylabel: str = "", set_label: str = "") -> None:
    """Lines per series (``key``, ``label``) over ``year``; reported figures as hollow markers.

    A dotted vertical line marks each year a new criteria set starts, so no
    trend reads across the change unannounced.
    """
    if progress.empty:
        ax.set_axis_off()
        return
    for key, part in progress.groupby("key", sort=False):
        part = part.sort_values("year")
        colour = _LINE.get(key, "#444444")
        label = part["label"].iloc[0]
        computed = part[part["basis"] != "reported"]
        reported = part[part["basis"] == "reported"]
        if len(computed):
            ax.plot(computed["year"], computed["value"], color=colour, linewidth=3.5,
                    marker=_MARK.get(key, "o"), markersize=7, label=label)
        if len(reported):
            ax.plot(reported["year"], reported["value"], linestyle="none", marker=_MARK.get(key, "o"),
                    markersize=10, markerfacecolor="white", markeredgecolor=colour,
                    markeredgewidth=2, label=f"{label} ({part['reported_label'].iloc[0]})")
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
                 dpi: int = 200, ylabel: str = "", set_label: str = "") -> None:
    fonts.setup_matplotlib()
    fig = Figure(figsize=size, dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.07, 0.1, 0.62, 0.86))
    draw_progress(ax, progress, set_changes, fontsize=15, ylabel=ylabel, set_label=set_label)
    fig.savefig(out, format="png", dpi=dpi, facecolor="white")
