"""One colour table for every map, legend, chart and export.

Ordinal levels use a red→blue scheme (ColorBrewer RdBu), which stays
distinguishable for the common colour-vision deficiencies: "none" is warm,
the three attained levels are increasingly dark blues. "unknown" (no record)
is white with a grey hatch and "not applicable" (urban units) is mid grey, so
neither can be mistaken for "none".
"""

LEVEL_ORDER = ("none", "standard", "advanced", "model")

LEVEL_COLOURS = {
    "none": "#f4a582",
    "standard": "#92c5de",
    "advanced": "#4393c3",
    "model": "#053061",
    "completed": "#8073ac",      # thị xã / thành phố "completed the NTM task"
    "mixed": "#fddbc7",          # merged unit whose parts differ (re-expressed years)
    "unknown": "#ffffff",
    "not_applicable": "#bdbdbd",
}

# Text colour that stays legible on each fill (labels drawn on polygons, KPI tiles).
LEVEL_TEXT_COLOURS = {
    "none": "#000000",
    "standard": "#000000",
    "advanced": "#ffffff",
    "model": "#ffffff",
    "completed": "#ffffff",
    "mixed": "#000000",
    "unknown": "#000000",
    "not_applicable": "#000000",
}

HATCHED_LEVELS = ("unknown", "not_applicable")
OUTLINE_COLOUR = "#444444"
HOLDOUT_OUTLINE_COLOUR = "#d7191c"
DISTRICT_OUTLINE_COLOUR = "#222222"

# Criteria met (0…20): a sequential single-hue scale, light = few criteria.
CRITERIA_COLOURS = (
    "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
    "#4292c6", "#2171b5", "#08519c", "#08306b",
)


def level_colour(level: str) -> str:
    """Fill colour for a level; unrecognised values fall back to "unknown"."""
    return LEVEL_COLOURS.get(level, LEVEL_COLOURS["unknown"])


def criteria_colour(criteria_met, criteria_total) -> str:
    """Fill colour for a share of criteria met; missing values are "unknown"."""
    try:
        share = float(criteria_met) / float(criteria_total)
    except (TypeError, ValueError, ZeroDivisionError):
        return LEVEL_COLOURS["unknown"]
    if share != share:  # NaN
        return LEVEL_COLOURS["unknown"]
    share = min(max(share, 0.0), 1.0)
    return CRITERIA_COLOURS[min(int(share * len(CRITERIA_COLOURS)), len(CRITERIA_COLOURS) - 1)]
