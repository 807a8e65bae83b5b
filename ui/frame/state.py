"""URL state (DESIGN §3): every view is restorable from its link.

`parse_params` is pure (tested without Streamlit): it takes the raw query
parameters and the valid choices, and returns the view state plus a list of
notices for values it had to replace by defaults. `read_state` / `write_param`
bind it to `st.query_params` and keep a copy in the session, because a page
switch through the navigation menu drops the query string.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from domain.levels import RECOGNISED_LEVELS, STANDARD
from domain.vintages import Vintage, choose, province_in_year, provinces_in_year
from domain.periods import PeriodError
from domain.periods import parse as parse_period
from metrics.index import WeightsError, parse_weights, weights_text, weights_with
from ui.frame.i18n import LANGS, default_lang

DEFAULT_PROVINCE = "42"                # DESIGN §3: Hà Tĩnh unless the link says otherwise
NATIONAL = "all"                       # the national layer
CRITERIA = "criteria"                  # the criteria layer, beside the recognised levels
FOCUS_LEVELS = RECOGNISED_LEVELS + (CRITERIA,)
DEFAULT_LEVEL = STANDARD
LAYERS = ("commune", "district")       # extension: which map layer is shown
# the leadership page's own view: a reporting period, the index weights, the selected locality
PAGE_PARAMS = ("period", "weights", "locality")
PARAMS = ("province", "district", "year", "level", "compare", "lang", "layer", "commune", "drill") + PAGE_PARAMS


class Notice(tuple):
    """A parameter the URL state had to change: ``(param, value)`` like every notice, plus the
    string-store ``key`` of a specific message and its ``params`` (None: the generic "bad
    parameter" notice)."""

    def __new__(cls, param, value, key: str | None = None, **params):
        obj = super().__new__(cls, (param, value))
        obj.key = key
        obj.params = params
        return obj


@dataclass(frozen=True)
class Choices:
    """What the current data allows; built from the dataset by the app frame.

    With ``vintages`` (the boundary vintages we carry), provinces, districts and communes are
    those of the vintage a year is drawn on: the provinces as they were that year
    (``provinces_in``), the districts of its vintage (none on a two-level vintage) and its
    communes (``units``: vintage -> (district codes, commune codes)); ``lineage`` maps
    (vintage, commune code) -> {other vintage of its lineage: the code it has there} (the unit it
    became part of, or the 1:1 predecessor), so a code follows a change of boundaries."""
    years: tuple[int, ...]
    default_year: int
    provinces: tuple[str, ...] = (DEFAULT_PROVINCE, NATIONAL)   # codes we carry (from the registers)
    districts: dict = field(default_factory=dict)   # province code -> tuple of district codes (any vintage)
    communes: dict = field(default_factory=dict)    # province code -> frozenset of commune codes (any vintage)
    vintages: tuple[Vintage, ...] = ()
    units: dict = field(default_factory=dict)       # vintage -> (district codes, commune codes)
    lineage: dict = field(default_factory=dict)     # (vintage, commune code) -> {vintage: code}
    national_layers: dict = field(default_factory=dict)      # year -> the national layer it is drawn on
    province_successors: dict = field(default_factory=dict)  # province code before 1/7/2025 -> code after

    def provinces_in(self, year: int) -> tuple[str, ...]:
        """The provinces as they were in ``year`` (default province first), then ``all``."""
        if not self.vintages:
            return self.provinces
        codes = [c for c, _ in provinces_in_year(self.vintages, int(year)) if c in self.provinces]
        return tuple(sorted(codes, key=lambda c: (c != DEFAULT_PROVINCE, self.provinces.index(c)))) + (NATIONAL,)

    def vintage_of(self, province: str, year: int) -> Vintage | None:
        """The vintage the province's ``year`` is drawn on (None: national layer, or no vintages)."""
        if not self.vintages or province == NATIONAL:
            return None
        try:
            vid = choose(self.vintages, province, int(year)).vintage
        except KeyError:
            return None
        return next(v for v in self.vintages if v.vintage == vid)

    def has_districts(self, province: str, year: int) -> bool:
        v = self.vintage_of(province, year)
        return True if v is None else v.has_districts

    def districts_in(self, province: str, year: int) -> tuple[str, ...]:
        v = self.vintage_of(province, year)
        if v is None or v.vintage not in self.units:
            return tuple(self.districts.get(province, ()))
        return tuple(self.units[v.vintage][0])

    def former_districts(self, province: str, year: int) -> tuple[str, ...]:
        """On a two-level vintage: the districts of the vintages it follows (historical areas)."""
        v = self.vintage_of(province, year)
        if v is None or v.has_districts:
            return ()
        return tuple(c for p in v.predecessors for c in self.units.get(p, ((), ()))[0])

    def communes_in(self, province: str, year: int) -> frozenset:
        v = self.vintage_of(province, year)
        if v is None or v.vintage not in self.units:
            return frozenset(self.communes.get(province, frozenset()))
        return frozenset(self.units[v.vintage][1])

    def follow(self, vintage: str, code: str, to_vintage: str) -> str | None:
        """The code a commune of ``vintage`` has on ``to_vintage`` (None: divided, or no link)."""
        if vintage == to_vintage:
            return code
        return (self.lineage.get((vintage, str(code))) or {}).get(to_vintage)


@dataclass(frozen=True)
class ViewState:
    province: str = DEFAULT_PROVINCE
    district: str | None = None
    year: int | None = None
    level: str = DEFAULT_LEVEL
    compare: int | None = None
    lang: str = "vi"
    layer: str = "commune"
    commune: str | None = None
    period: str | None = None      # YYYY-MM, YYYY-Qn or YYYY (the leadership page)
    weights: str | None = None     # k=v,… of the index weights that differ from the defaults
    locality: str | None = None    # unit code of the locality whose card is open
    drill: str | None = None       # the province the national map is drilled down to (province=all)

    def as_params(self) -> dict[str, str]:
        """Only non-default values go into the URL, so links stay short."""
        out = {"province": self.province}
        if self.district:
            out["district"] = self.district
        if self.year is not None:
            out["year"] = str(self.year)
        if self.level != DEFAULT_LEVEL:
            out["level"] = self.level
        if self.compare is not None:
            out["compare"] = str(self.compare)
        if self.layer != "commune":
            out["layer"] = self.layer
        if self.commune:
            out["commune"] = self.commune
        if self.drill and self.province == NATIONAL:
            out["drill"] = self.drill
        for key in PAGE_PARAMS:
            if getattr(self, key):
                out[key] = getattr(self, key)
        out["lang"] = self.lang
        return out


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def parse_params(params: dict, choices: Choices) -> tuple[ViewState, list[tuple[str, str]]]:
    """Validate raw query parameters. Returns (state, notices) where a notice is
    (param, bad value) for each value replaced by its default."""
    p = {k: _first(v) for k, v in dict(params).items()}
    notices: list[tuple[str, str]] = []

    lang = (p.get("lang") or "").strip().lower() or default_lang()
    if lang not in LANGS:
        notices.append(("lang", p.get("lang")))
        lang = default_lang()

    year = choices.default_year
    if p.get("year") not in (None, ""):
        y = _int(p.get("year"))
        if y in choices.years:
            year = y
        else:
            notices.append(("year", p.get("year")))

    province = (p.get("province") or DEFAULT_PROVINCE).strip().lower()
    if province not in choices.provinces:
        notices.append(("province", p.get("province")))
        province = DEFAULT_PROVINCE
    elif province not in choices.provinces_in(year):
        # a code of another time (10 after 1/7/2025, 15 before it): the province as it was
        moved = province_in_year(choices.vintages, province, year)
        if moved is not None and moved in choices.provinces_in(year):
            notices.append(Notice("province", p.get("province"), "app.province_in_year",
                                  old=province, new=moved, year=year))
            province = moved

    level = (p.get("level") or DEFAULT_LEVEL).strip().lower()
    if level not in FOCUS_LEVELS:
        notices.append(("level", p.get("level")))
        level = DEFAULT_LEVEL

    two_level = province != NATIONAL and not choices.has_districts(province, year)
    layer = (p.get("layer") or "commune").strip().lower()
    if layer not in LAYERS:
        notices.append(("layer", p.get("layer")))
        layer = "commune"
    elif layer == "district" and two_level:
        notices.append(Notice("layer", p.get("layer"), "app.no_district_layer", year=year,
                              date=choices.vintage_of(province, year).valid_from))
        layer = "commune"

    district = (p.get("district") or "").strip() or None
    if district is not None and district not in choices.districts_in(province, year):
        if two_level and district in choices.former_districts(province, year):
            # a district of the vintage before the two-level one: a historical area (``/area``)
            v = choices.vintage_of(province, year)
            ends = [p.valid_to for p in choices.vintages if p.vintage in v.predecessors and p.valid_to]
            notices.append(Notice("district", district, "app.former_district", district=district, year=year,
                                  date=v.valid_from, end=max(ends) if ends else None))
        else:
            notices.append(("district", p.get("district")))
            district = None

    compare = None
    if p.get("compare") not in (None, ""):
        c = _int(p.get("compare"))
        if c in choices.years and c != year:
            compare = c
        else:
            notices.append(("compare", p.get("compare")))

    commune = (p.get("commune") or "").strip() or None
    if commune is not None and commune not in choices.communes_in(province, year):
        # a code is read on the vintage of the year: a code of another vintage follows its lineage
        followed = follow_code(choices, province, commune, year)
        if followed is not None:
            notices.append(Notice("commune", commune, "app.commune_followed", old=commune, new=followed,
                                  year=year))
        else:
            notices.append(("commune", p.get("commune")))
        commune = followed

    # a province code of the national layer; which codes that layer has is checked by the map
    # (its drill-down files); off the national map the parameter means nothing and is dropped
    drill = (p.get("drill") or "").strip() or None
    if drill is not None and not (drill.isalnum() and len(drill) <= 8):
        notices.append(("drill", p.get("drill")))
        drill = None
    if province != NATIONAL:
        drill = None

    period = (p.get("period") or "").strip() or None
    if period is not None:
        try:
            period = str(parse_period(period))
        except PeriodError:
            notices.append(("period", p.get("period")))
            period = None

    weights = (p.get("weights") or "").strip() or None
    if weights is not None:
        try:
            weights = weights_text(weights_with(parse_weights(weights))) or None
        except WeightsError:
            notices.append(("weights", p.get("weights")))
            weights = None

    # a locality is checked against the period's localities by the page (it depends on the period)
    locality = (p.get("locality") or "").strip() or None
    if locality is not None and not locality.isalnum():
        notices.append(("locality", p.get("locality")))
        locality = None

    for key in p:
        if key not in PARAMS and not key.startswith("embed"):
            notices.append((key, p[key]))

    return ViewState(province=province, district=district, year=year, level=level,
                     compare=compare, lang=lang, layer=layer, commune=commune, period=period,
                     weights=weights, locality=locality, drill=drill), notices


def follow_code(choices: Choices, province: str, code: str, year: int) -> str | None:
    """A commune code that is not on the vintage of (province, year), followed from the nearest
    other vintage that has it (the newest older one first) to the unit it is part of there, or
    its 1:1 predecessor (None: no such vintage, or a unit divided between several)."""
    target = choices.vintage_of(province, year)
    if target is None or not code or not code.isalnum():
        return None
    tf = target.valid_from or dt.date.min
    others = [v for v in choices.vintages if v.vintage != target.vintage and v.vintage in choices.units
              and code in choices.units[v.vintage][1]]
    others.sort(key=lambda v: (not ((v.valid_from or dt.date.min) < tf), abs(((v.valid_from or dt.date.min) - tf).days)))
    for v in others:
        got = choices.follow(v.vintage, code, target.vintage)
        if got is not None:
            return got
    return None


def follow_drill(view: "ViewState", year: int, choices: Choices) -> str | None:
    """The national map's drill-down at another year: the same province, or on the layer of
    1/7/2025 the new province an old one became part of (10 Lào Cai → 15). Going back, the new
    province's code is that of one of its former provinces (15 → Yên Bái), so it stays."""
    if not view.drill or view.year is None:
        return view.drill
    before, after = choices.national_layers.get(int(view.year)), choices.national_layers.get(int(year))
    if before is None or after is None or before == after:
        return view.drill
    if int(year) > int(view.year):
        return choices.province_successors.get(view.drill, view.drill)
    return view.drill


@dataclass(frozen=True)
class YearMove:
    """What a year change did to the view: the new view and, when the boundaries changed, the
    vintages before and after and what followed (commune, province, dropped district/layer)."""
    view: "ViewState"
    before: Vintage | None = None
    after: Vintage | None = None
    commune_from: str | None = None
    commune_to: str | None = None
    province_from: str | None = None
    dropped: tuple[str, ...] = ()         # "district", "layer"

    @property
    def crossed(self) -> bool:
        return self.before is not None and self.after is not None and self.before.vintage != self.after.vintage


def move_year(view: "ViewState", year: int, choices: Choices, compare: int | None = None) -> YearMove:
    """The view at another year (pure): the province as it is that year (10 ↔ 15 across
    1/7/2025), the selected commune on the new year's vintage (the unit it became part of, or
    its predecessor), no district layer and no district on a two-level vintage."""
    year = int(year)
    province = view.province
    before = choices.vintage_of(province, view.year) if view.year is not None else None
    moved_from = None
    if province != NATIONAL and province not in choices.provinces_in(year):
        moved = province_in_year(choices.vintages, province, year)
        if moved is not None:
            moved_from, province = province, moved
    after = choices.vintage_of(province, year)
    commune, dropped = view.commune, []
    if commune and before is not None and after is not None and before.vintage != after.vintage:
        commune = choices.follow(before.vintage, commune, after.vintage)
    district, layer = view.district, view.layer
    if after is not None and not after.has_districts:
        if layer == "district":
            layer, _ = "commune", dropped.append("layer")
        if district is not None:
            district, _ = None, dropped.append("district")
    elif district is not None and district not in choices.districts_in(province, year):
        district, _ = None, dropped.append("district")
    new = replace(view, year=year, province=province, commune=commune, district=district, layer=layer,
                  compare=compare, drill=follow_drill(view, year, choices))
    return YearMove(new, before, after, view.commune, commune, moved_from, tuple(dropped))


# ---- Streamlit binding -------------------------------------------------------

_SESSION_KEY = "ntm_view_state"


def read_state(choices: Choices) -> tuple[ViewState, list[tuple[str, str]]]:
    """Parse the URL (falling back to the session copy for parameters a page
    switch dropped), write the cleaned state back to the URL and the session."""
    import streamlit as st

    raw = {k: st.query_params.get(k) for k in st.query_params.keys()}
    saved: ViewState | None = st.session_state.get(_SESSION_KEY)
    if saved is not None:
        for key, value in saved.as_params().items():
            raw.setdefault(key, value)
    state, notices = parse_params(raw, choices)
    st.session_state[_SESSION_KEY] = state
    _sync_url(state)
    return state, notices


def _sync_url(state: ViewState) -> None:
    import streamlit as st

    wanted = state.as_params()
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    keep = {k: v for k, v in current.items() if k.startswith("embed")}
    if {**wanted, **keep} != current:
        st.query_params.from_dict({**wanted, **keep})


def update(**changes) -> ViewState:
    """Change parts of the view state (from a widget callback) and the URL."""
    import streamlit as st

    state: ViewState = st.session_state.get(_SESSION_KEY) or ViewState()
    state = replace(state, **changes)
    st.session_state[_SESSION_KEY] = state
    _sync_url(state)
    return state


MOVE_KEY = "ntm_year_move"


def change_year(year: int, choices: Choices, compare: int | None = None) -> ViewState:
    """A year control's change: the view at ``year`` (``move_year``); when the boundaries change,
    the move is kept for the page's one-line notice (``last_move``)."""
    import streamlit as st

    mv = move_year(current(), year, choices, compare)
    st.session_state[MOVE_KEY] = mv if mv.crossed or mv.province_from else None
    return update(**{k: getattr(mv.view, k) for k in ("year", "province", "commune", "district", "layer",
                                                        "compare", "drill")})


def last_move() -> YearMove | None:
    """The last year change that crossed a change of boundaries (shown once, then forgotten)."""
    import streamlit as st

    return st.session_state.pop(MOVE_KEY, None)


def current() -> ViewState:
    import streamlit as st

    return st.session_state.get(_SESSION_KEY) or ViewState()


def changed(name: str, value) -> bool:
    """True the first time `value` is seen for `name` (a map click or a search
    pick persists across reruns; only a new one should move the view)."""
    import streamlit as st

    seen = st.session_state.setdefault("ntm_seen", {})
    if seen.get(name) == value:
        return False
    seen[name] = value
    return True
