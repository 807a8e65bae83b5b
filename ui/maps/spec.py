"""The map specification: for a layer mode, a scope and a year, each unit's class and the legend.

Every map reads it and none derives a class itself: the Leaflet client (class keys per unit and
year in the status payload, ``ui.maps.province``), the national canvas client
(``ui.maps.national``), the map image (``ui.export.mapimage``) and the legend
(``ui.maps.legend``). Pure: no Streamlit, no I/O; it takes the metrics' frames.

A layer mode is ONE entry in ``MODES`` (``register``): which polygons it fills (``units``), the
map layer it answers (``layer``: the page's choice) and the years it draws (``applies``; per
layer, the first registered mode that applies to a year draws it), its classes in legend order
(key, label key, style from the palette, a legend row even at zero?, in the denominator?) and
``classify(row) -> class key``. ``ladder_mode`` builds the mode of a level ladder, so a new
ladder (the 2026–2030 one, a legacy level) is one call.

    spec = map_spec("commune", Scope("42"), 2024, Frames(status=..., holdouts=...))
    spec.classes["18499"]   # "standard"
    spec.legend[0]          # LegendRow(key="model", label="levels.model", count=12, den=182, …)
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping

import pandas as pd

from domain.levels import (CLASSIC_LADDER, COMPLETED, CRITERIA_SETS, DISTRICT_LADDER, NOT_APPLICABLE,
                           NOT_ASSESSED, UNKNOWN, Ladder, criteria_set_for_year)
from domain.text import t
from ui.maps import palette

COMMUNE, DISTRICT, NATIONAL = "commune", "district", "national"   # the polygons a mode fills
NO_DATA = "no_data"          # national layer: a unit our records do not reach
# The boundaries a mode draws on (``LayerMode.structure``): a two-level vintage (from 1/7/2025:
# no district level) or a three-level one; None: either.
TWO_LEVEL, THREE_LEVEL = "two_level", "three_level"


@dataclass(frozen=True)
class Style:
    """How a class is drawn, by every renderer. ``pattern`` "hatch" is "no record": white with
    grey diagonal lines (palette.HATCH), the same on the web map, in the legend and in the
    image. ``edge``/``dash``: the unit's own outline (None: the map's default)."""
    fill: str
    pattern: str | None = None
    edge: str | None = None
    dash: str | None = None
    opacity: float = 0.9

    def as_json(self) -> dict:
        """The style as the browser clients read it (unset values and the default opacity left out)."""
        return {k: v for k, v in (("fill", self.fill), ("pattern", self.pattern), ("edge", self.edge),
                                  ("dash", self.dash), ("opacity", None if self.opacity == 0.9 else self.opacity))
                if v is not None}


NO_RECORD_STYLE = Style(palette.HATCH["background"], "hatch", palette.HATCH_EDGE, palette.HATCH_DASH)


@dataclass(frozen=True)
class MapClass:
    key: str
    label: str                       # string-store key
    style: Style
    always: bool = True              # a legend row even when no unit is in it
    in_denominator: bool = True      # counted in the legend's denominator
    params: tuple = ()               # (name, value) pairs for the label (criteria bins: lo, hi)


@dataclass(frozen=True)
class LayerMode:
    id: str
    units: str                                   # COMMUNE | DISTRICT | NATIONAL
    classes: tuple[MapClass, ...]
    classify: Callable[[Mapping], str]
    layer: str = ""                              # the map layer it answers (default: its id)
    source: str = ""                             # the rows it reads (default: by its units)
    applies: Callable[[int], bool] = lambda year: True
    missing: str = UNKNOWN                       # the class of a unit without a row
    shares: bool = True                          # the legend shows denominators and shares
    subtitle: str | None = None                  # legend subtitle key
    note: str | None = None                      # legend footnote key ({den})
    structure: str | None = None                 # TWO_LEVEL | THREE_LEVEL | None (any vintage)
    title: str = "map.legend_title"              # legend title key ({year})
    subtitle_params: tuple = ()                  # (name, value) pairs for the subtitle
    overlay: bool = False                        # drawn over the layer shown (outlines), not chosen
    tip: str | None = None                       # the tooltip's level-line key (default map.tip.level)

    def fits(self, year: int, two_level: bool = False) -> bool:
        """Draws ``year`` on a vintage of that structure."""
        if self.structure == TWO_LEVEL and not two_level or self.structure == THREE_LEVEL and two_level:
            return False
        return self.applies(int(year))

    def __post_init__(self):
        keys = [c.key for c in self.classes]
        if len(set(keys)) != len(keys) or self.missing not in keys:
            raise ValueError(f"layer mode {self.id!r}: class keys must be unique and include {self.missing!r}")

    @property
    def layer_name(self) -> str:
        return self.layer or self.id

    @property
    def source_name(self) -> str:
        """"status" (commune rows), "districts" (district rows), "national", or a key of
        ``Frames.other`` (a mode drawn from other rows, e.g. an index per locality)."""
        return self.source or {COMMUNE: "status", DISTRICT: "districts", NATIONAL: "national"}[self.units]

    def cls(self, key: str) -> MapClass:
        return next(c for c in self.classes if c.key == key)

    def class_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.classes)


MODES: dict[str, LayerMode] = {}


def register(mode: LayerMode) -> LayerMode:
    """Add a layer mode (one entry: the payload, the clients, the legend and the image follow)."""
    if mode.id in MODES:
        raise ValueError(f"layer mode {mode.id!r} is registered already")
    MODES[mode.id] = mode
    return mode


def mode(mode_id: str) -> LayerMode:
    if mode_id not in MODES:
        raise KeyError(f"unknown layer mode {mode_id!r}; known: {', '.join(MODES)}")
    return MODES[mode_id]


def modes(units: Iterable[str] | None = None) -> list[LayerMode]:
    wanted = set(units) if units is not None else None
    return [m for m in MODES.values() if wanted is None or m.units in wanted]


def layers(sources: Iterable[str] = ("status", "districts"), year: int | None = None,
           two_level: bool = False) -> list[str]:
    """The map layers of the registered modes that read ``sources``, in registration order
    (the province map's layer choice); with ``year``, only those a mode draws that year on a
    vintage of that structure (no district layer on a two-level vintage)."""
    return list(dict.fromkeys(m.layer_name for m in MODES.values() if m.source_name in sources
                              and not m.overlay and (year is None or m.fits(year, two_level))))


def overlays(year: int, two_level: bool = False) -> list[LayerMode]:
    """The overlay modes drawn over a map of ``year`` on a vintage of that structure (the
    former districts' outlines on a two-level vintage)."""
    return [m for m in MODES.values() if m.overlay and m.fits(year, two_level)]


def mode_for(layer: str, year: int, two_level: bool = False) -> LayerMode:
    """The mode that draws ``layer`` in ``year`` on a vintage of that structure (``two_level``:
    from 1/7/2025, no districts): the first registered one that fits, else the first registered
    for the layer."""
    of_layer = [m for m in MODES.values() if m.layer_name == layer and not m.overlay]
    if not of_layer:
        raise KeyError(f"no layer mode draws layer {layer!r}")
    return next((m for m in of_layer if m.fits(year, two_level)), of_layer[0])


# ---- the registered modes -------------------------------------------------------------------

def _get(row, key, default=None):
    return row.get(key, default) if hasattr(row, "get") else getattr(row, key, default)


def _eligible(row) -> bool:
    """Assessed on the commune ladder: the status row's ``eligible`` (xã), not "not applicable"."""
    e = _get(row, "eligible", True)
    return (e is None or pd.isna(e) or bool(e)) and _get(row, "level") != NOT_APPLICABLE


def level_classes(levels: Iterable[str]) -> tuple[MapClass, ...]:
    """Ladder levels (highest first) as classes with their palette colour."""
    return tuple(MapClass(lv, f"levels.{lv}", Style(palette.level_colour(lv))) for lv in levels)


def ladder_mode(mode_id: str, ladder: Ladder, *, layer: str = COMMUNE,
                applies: Callable[[int], bool] = lambda year: True,
                note: str | None = "map.legend_den", structure: str | None = None,
                title: str = "map.legend_title", subtitle: str | None = None,
                subtitle_params: tuple = (), assessed: bool = False) -> LayerMode:
    """The commune map of a level ladder: its levels (highest first), then "not yet assessed"
    (``assessed``: a ladder whose units start unassessed — a state, counted in the denominator,
    never a zero), "no record" and "not applicable" (urban units, outside the denominator)."""
    levels = tuple(reversed(ladder.levels))
    known = levels + ((NOT_ASSESSED,) if assessed else ())

    def classify(row) -> str:
        if not _eligible(row):
            return NOT_APPLICABLE
        lv = _get(row, "level")
        return lv if lv in known else UNKNOWN

    classes = level_classes(levels) + (
        (MapClass(NOT_ASSESSED, f"levels.{NOT_ASSESSED}", Style(palette.level_colour(NOT_ASSESSED))),)
        if assessed else ()) + (
        MapClass(UNKNOWN, f"levels.{UNKNOWN}", NO_RECORD_STYLE),
        MapClass(NOT_APPLICABLE, f"levels.{NOT_APPLICABLE}", Style(palette.level_colour(NOT_APPLICABLE)),
                 in_denominator=False))
    return LayerMode(mode_id, COMMUNE, classes, classify, layer=layer, applies=applies, note=note,
                     structure=structure, title=title, subtitle=subtitle, subtitle_params=subtitle_params)


def _classic_year(year: int) -> bool:
    return criteria_set_for_year(year).ladder is CLASSIC_LADDER


def criteria_bin(row, n: int = len(palette.CRITERIA_COLOURS)) -> str:
    """The class of a commune's share of criteria met: "c0" … "c8", or no record."""
    if not _eligible(row):
        return NOT_APPLICABLE
    try:
        share = float(_get(row, "criteria_met")) / float(_get(row, "criteria_total"))
    except (TypeError, ValueError, ZeroDivisionError):
        return UNKNOWN
    if math.isnan(share):
        return UNKNOWN
    return f"c{min(int(min(max(share, 0.0), 1.0) * n), n - 1)}"


def _criteria_classes() -> tuple[MapClass, ...]:
    n = len(palette.CRITERIA_COLOURS)
    bins = tuple(MapClass(f"c{i}", "map.legend_bin", Style(palette.CRITERIA_COLOURS[i]),
                          params=(("lo", i / n), ("hi", (i + 1) / n))) for i in reversed(range(n)))
    return bins + (MapClass(UNKNOWN, f"levels.{UNKNOWN}", NO_RECORD_STYLE),
                   MapClass(NOT_APPLICABLE, f"levels.{NOT_APPLICABLE}", Style(palette.level_colour(NOT_APPLICABLE)),
                            always=False, in_denominator=False))


def _district_class(row) -> str:
    lv = _get(row, "level")
    return lv if lv in DISTRICT_CLASSES else UNKNOWN


DISTRICT_CLASSES = tuple(reversed(DISTRICT_LADDER.recognised)) + (COMPLETED, DISTRICT_LADDER.levels[0])



def _later_year(year: int) -> bool:
    return not _classic_year(year)


LATER_SET = next(s for s in CRITERIA_SETS if s.ladder is not CLASSIC_LADDER)   # 2026–2030 (51/2025)

# A year of the 2021–2025 ladder drawn on a two-level vintage (2025 on the 1/7/2025 map): each new
# unit's legacy level, the lowest among its former xã (metrics: basis "legacy"); the legend says so.
register(replace(ladder_mode("legacy", CLASSIC_LADDER, applies=_classic_year, structure=TWO_LEVEL,
                             title="map.legend_title_legacy", subtitle="map.legend_legacy"), tip="map.tip.legacy"))
register(ladder_mode("commune", CLASSIC_LADDER, applies=_classic_year, structure=THREE_LEVEL))
# The 2026–2030 ladder (none < standard < modern): every xã "not yet assessed" until a record of
# that set says otherwise.
register(replace(ladder_mode("commune_2026", LATER_SET.ladder, applies=_later_year, assessed=True,
                             title="map.legend_title_set", subtitle="map.legend_set",
                             subtitle_params=(("set", LATER_SET.id), ("decision", LATER_SET.decision))),
                 tip="map.tip.level_set"))
register(LayerMode("district", DISTRICT, level_classes(DISTRICT_CLASSES) + (
    MapClass(UNKNOWN, f"levels.{UNKNOWN}", NO_RECORD_STYLE),), _district_class, structure=THREE_LEVEL))
register(LayerMode("criteria", COMMUNE, _criteria_classes(), criteria_bin, shares=False,
                   subtitle="map.legend_criteria"))


def national_mode(mode_id: str, ladder: Ladder, *, applies, structure: str | None = None,
                  assessed: bool = False, title: str = "map.legend_title", subtitle: str | None = None,
                  subtitle_params: tuple = ()) -> LayerMode:
    """The national layer of a ladder: its levels, "not yet assessed" (``assessed``), not
    applicable, and the units our records do not reach ("no data in NTM Atlas": a class of its
    own, neutral, never "none")."""
    keys = ladder.levels + ((NOT_ASSESSED,) if assessed else ()) + (NOT_APPLICABLE,)

    def classify(row) -> str:
        lv = _get(row, "level")
        return lv if lv in keys else NO_DATA

    return LayerMode(mode_id, NATIONAL, level_classes(keys) + (
        MapClass(NO_DATA, "national.no_record", Style(palette.NEUTRAL, opacity=palette.NEUTRAL_OPACITY)),),
        classify, layer=NATIONAL, missing=NO_DATA, shares=False, applies=applies, structure=structure,
        title=title, subtitle=subtitle, subtitle_params=subtitle_params)


# Over a two-level vintage: the districts of the vintage it follows, as thin labelled outlines for
# orientation (they no longer exist; the legend row says until when).
FORMER = "former_district"
register(LayerMode("former_districts", DISTRICT, (
    MapClass(FORMER, "map.former_districts", Style("none", edge=palette.FORMER_DISTRICT_COLOUR,
                                                   dash=palette.FORMER_DISTRICT_DASH, opacity=0.0),
             in_denominator=False),), lambda row: FORMER, source="former", missing=FORMER, shares=False,
    structure=TWO_LEVEL, overlay=True))

register(national_mode("national_legacy", CLASSIC_LADDER, applies=_classic_year, structure=TWO_LEVEL,
                       title="map.legend_title_legacy", subtitle="map.legend_legacy"))
register(national_mode("national", CLASSIC_LADDER, applies=_classic_year))
register(national_mode("national_2026", LATER_SET.ladder, applies=_later_year, assessed=True,
                       title="map.legend_title_set", subtitle="map.legend_set",
                       subtitle_params=(("set", LATER_SET.id), ("decision", LATER_SET.decision))))


# ---- the specification ----------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What a map covers: a province, one of its districts, or the national layer."""
    province: str
    district: str | None = None

    @property
    def national(self) -> bool:
        return self.province == "all"


NATIONAL_SCOPE = Scope("all")


@dataclass(frozen=True)
class Frames:
    """The metrics' answers a map is drawn from (whatever the mode needs)."""
    status: pd.DataFrame | None = None      # metrics.status.status_as_of rows (communes)
    districts: pd.DataFrame | None = None   # metrics.status.district_status_as_of rows
    holdouts: frozenset = frozenset()       # unit codes the holdout rules list (any level)
    national: Mapping | None = None         # national layer: unit code -> {"level", "provenance"}
    units: tuple = ()                       # national layer (or another source): every unit code drawn
    other: Mapping = field(default_factory=dict)   # source name -> {unit code: row} (other modes)


@dataclass(frozen=True)
class LegendRow:
    key: str
    label: str                   # string-store key
    params: tuple
    count: int
    den: int | None
    share: float | None
    style: Style

    def text(self, lang: str) -> str:
        """The row's label; a criteria bin's bounds as percentages."""
        from metrics.fmt import format_percent
        return t(self.label, lang, **{k: format_percent(v, lang) for k, v in self.params})


@dataclass(frozen=True)
class MapSpec:
    mode: str
    scope: Scope
    year: int
    classes: dict                # unit code -> class key (every unit the mode fills)
    legend: tuple                # LegendRow, in legend order
    den: int | None              # the legend's denominator (None: no shares)
    outlines: frozenset = field(default_factory=frozenset)   # holdouts among the units

    @property
    def layer(self) -> LayerMode:
        return mode(self.mode)

    def count(self, key: str) -> int:
        return next((r.count for r in self.legend if r.key == key), 0)


def _rows(m: LayerMode, scope: Scope, frames: Frames) -> list[tuple[str, object]]:
    source = m.source_name
    if source not in ("status", "districts"):
        have = (frames.national if source == "national" else frames.other.get(source)) or {}
        codes = frames.units or tuple(have)
        return [(str(c), have.get(str(c))) for c in codes]
    frame = frames.status if source == "status" else frames.districts
    if frame is None or not len(frame):
        return []
    if scope.district is not None:
        col = "district_code" if m.units == COMMUNE else "unit_code"
        frame = frame[frame[col].astype(str) == str(scope.district)]
    return [(str(r["unit_code"]), r) for r in frame.to_dict("records")]


def unit_classes(mode_id: str, scope: Scope, frames: Frames) -> dict[str, str]:
    """unit code -> class key for every unit the mode fills in the scope."""
    m = mode(mode_id)
    return {code: (m.classify(row) if row is not None else m.missing) for code, row in _rows(m, scope, frames)}


def map_spec(mode_id: str, scope: Scope, year: int, frames: Frames) -> MapSpec:
    """Each unit's class and the legend rows of one map."""
    m = mode(mode_id)
    classes = unit_classes(mode_id, scope, frames)
    counts = Counter(classes.values())
    den = sum(counts[c.key] for c in m.classes if c.in_denominator) if m.shares else None
    legend = []
    for c in m.classes:
        n = counts.get(c.key, 0)
        if not (c.always or n):
            continue
        row_den = den if c.in_denominator else None
        share = (n / row_den) if row_den else None
        legend.append(LegendRow(c.key, c.label, c.params, n, row_den, share, c.style))
    outlines = frozenset(str(h) for h in frames.holdouts) & frozenset(classes)
    return MapSpec(mode_id, scope, int(year), classes, tuple(legend), den, outlines)


def client_modes(ids: Iterable[str] | None = None) -> dict:
    """The modes (default: all) as the browser clients read them: the polygons each fills, its
    missing class and each class's style (no class is derived in the browser)."""
    chosen = [mode(i) for i in ids] if ids is not None else list(MODES.values())
    return {m.id: {"id": m.id, "units": m.units, "missing": m.missing,
                   "classes": {c.key: c.style.as_json() for c in m.classes}} for m in chosen}


# ---- the leadership index ------------------------------------------------------------------

# The leadership index (0–100) per locality, in fixed classes so a class means the same in every
# period; a locality without an index (a component of non-zero weight missing) is "incomplete",
# drawn as no record, never as a low index; a unit that is no locality (a phường after 7/2025) is
# not applicable. Rows: Frames.other["index"] = {unit code: {"index", "eligible"}}.
INDEX_BINS = (20, 40, 60, 80)
INDEX_INCOMPLETE = "incomplete"


def index_class(row) -> str:
    """``i0``…``i4`` by the fixed bins, ``incomplete`` without an index, ``not_applicable`` for a
    unit that is not a locality of the index."""
    if _get(row, "eligible", True) is False:
        return NOT_APPLICABLE
    v = _get(row, "index")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return INDEX_INCOMPLETE
    return f"i{sum(1 for edge in INDEX_BINS if v >= edge)}"


def _index_classes() -> tuple[MapClass, ...]:
    bins = tuple(MapClass(f"i{i}", f"leadership.index_bins.i{i}", Style(palette.index_colour(f"i{i}")))
                 for i in reversed(range(len(INDEX_BINS) + 1)))
    return bins + (MapClass(INDEX_INCOMPLETE, "leadership.incomplete", NO_RECORD_STYLE),
                   MapClass(NOT_APPLICABLE, f"levels.{NOT_APPLICABLE}", Style(palette.level_colour(NOT_APPLICABLE)),
                            always=False, in_denominator=False))


for _units in (DISTRICT, COMMUNE):      # districts before 7/2025, the xã after
    register(LayerMode(f"index_{_units}", _units, _index_classes(), index_class, source="index",
                       missing=INDEX_INCOMPLETE, shares=False, subtitle="leadership.legend_title"))
