"""One colour table for every map, legend, chart and export.

Ordinal levels use a red→blue scheme (ColorBrewer RdBu), which stays
distinguishable for the common colour-vision deficiencies: "none" is warm,
the three attained levels are increasingly dark blues. "unknown" (no record)
is white with a grey hatch and "not applicable" (urban units) is mid grey, so
neither can be mistaken for "none".
"""
from domain.levels import (ADVANCED, COMPLETED, MIXED, MODEL, MODERN, NONE, NOT_APPLICABLE, NOT_ASSESSED, STANDARD,
                           UNKNOWN)

LEVEL_COLOURS = {
    NONE: "#f4a582",
    STANDARD: "#92c5de",
    ADVANCED: "#4393c3",
    MODEL: "#053061",
    MODERN: "#01665e",         # 2026–2030 pilot "xã NTM hiện đại" (its own ladder: a teal, not a blue)
    NOT_ASSESSED: "#e0d7ec",   # 2026–2030: not yet assessed under the new set (a state, not "none")
    COMPLETED: "#8073ac",      # thị xã / thành phố "completed the NTM task"
    MIXED: "#fddbc7",          # merged unit whose parts differ (re-expressed years)
    UNKNOWN: "#ffffff",
    NOT_APPLICABLE: "#bdbdbd",
}

# "No record": white with grey diagonal lines ("/", 6 px apart, 2 px wide) and a dashed lighter
# outline — drawn the same by the web map (an SVG pattern), the legend swatch (CSS) and the image.
HATCH = {"background": "#ffffff", "line": "#8c8c8c", "size": 6, "width": 2}
HATCH_EDGE = "#7a7a7a"
HATCH_DASH = "3 2"
# The national layer's units our records do not reach.
NEUTRAL = "#d9d9d9"
NEUTRAL_OPACITY = 0.55
OUTLINE_COLOUR = "#444444"
HOLDOUT_OUTLINE_COLOUR = "#d7191c"
DISTRICT_OUTLINE_COLOUR = "#222222"
# Former districts over a two-level map (orientation only): thin, dashed, dark grey.
FORMER_DISTRICT_COLOUR = "#4d4d4d"
FORMER_DISTRICT_DASH = "5 4"

# Criteria met (0…20): a sequential single-hue scale, light = few criteria.
CRITERIA_COLOURS = (
    "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
    "#4292c6", "#2171b5", "#08519c", "#08306b",
)


# The big number of a KPI tile (briefing PDF and slides): the darkest readable tone of its
# level's hue on a light tile.
VALUE_COLOURS = {NONE: "#b2182b", STANDARD: "#2166ac", ADVANCED: "#2166ac", MODEL: "#053061",
                 COMPLETED: "#542788", UNKNOWN: "#555555"}
VALUE_DEFAULT = "#222222"


def value_colour(level: str) -> str:
    return VALUE_COLOURS.get(level, VALUE_DEFAULT)


def level_colour(level: str) -> str:
    """Fill colour for a level; unrecognised values fall back to "unknown"."""
    return LEVEL_COLOURS.get(level, LEVEL_COLOURS[UNKNOWN])


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
