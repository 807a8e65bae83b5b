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


# Leadership index (0…100) in five fixed classes: a sequential green scale (distinct from the
# level blues), "incomplete" white with the hatch of "unknown" — never the colour of a low index.
INDEX_COLOURS = {"i0": "#ffffcc", "i1": "#c2e699", "i2": "#78c679", "i3": "#31a354", "i4": "#006837",
                 "incomplete": "#ffffff"}
INDEX_TEXT_COLOURS = {"i0": "#000000", "i1": "#000000", "i2": "#000000", "i3": "#ffffff", "i4": "#ffffff",
                      "incomplete": "#000000"}
# Reporting states: blue on time, orange late, dark red missing, light grey not yet due; every
# cell also carries a letter, so colour is never the only cue.
REPORT_COLOURS = {"on_time": "#4393c3", "late": "#fdb863", "missing": "#b2182b", "open": "#e0e0e0"}
REPORT_TEXT_COLOURS = {"on_time": "#ffffff", "late": "#000000", "missing": "#ffffff", "open": "#000000"}
# Successive segments of a series split at a definition change.
SERIES_COLOURS = ("#2166ac", "#b35806", "#542788", "#1b7837")


def index_colour(key: str) -> str:
    return INDEX_COLOURS.get(key, INDEX_COLOURS["incomplete"])


def report_colour(state: str) -> str:
    return REPORT_COLOURS.get(state, REPORT_COLOURS["open"])


def report_text_colour(state: str) -> str:
    return REPORT_TEXT_COLOURS.get(state, "#000000")


def series_colour(i: int) -> str:
    return SERIES_COLOURS[i % len(SERIES_COLOURS)]
