"""URL state (DESIGN §3): every view is restorable from its link.

`parse_params` is pure (tested without Streamlit): it takes the raw query
parameters and the valid choices, and returns the view state plus a list of
notices for values it had to replace by defaults. `read_state` / `write_param`
bind it to `st.query_params` and keep a copy in the session, because a page
switch through the navigation menu drops the query string.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from domain.levels import RECOGNISED_LEVELS, STANDARD
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
PARAMS = ("province", "district", "year", "level", "compare", "lang", "layer", "commune") + PAGE_PARAMS


@dataclass(frozen=True)
class Choices:
    """What the current data allows; built from the dataset by the app frame."""
    years: tuple[int, ...]
    default_year: int
    provinces: tuple[str, ...] = (DEFAULT_PROVINCE, NATIONAL)   # codes we carry (from the registers)
    districts: dict = field(default_factory=dict)   # province code -> tuple of district codes
    communes: dict = field(default_factory=dict)    # province code -> frozenset of commune codes


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

    province = (p.get("province") or DEFAULT_PROVINCE).strip().lower()
    if province not in choices.provinces:
        notices.append(("province", p.get("province")))
        province = DEFAULT_PROVINCE

    year = choices.default_year
    if p.get("year") not in (None, ""):
        y = _int(p.get("year"))
        if y in choices.years:
            year = y
        else:
            notices.append(("year", p.get("year")))

    level = (p.get("level") or DEFAULT_LEVEL).strip().lower()
    if level not in FOCUS_LEVELS:
        notices.append(("level", p.get("level")))
        level = DEFAULT_LEVEL

    layer = (p.get("layer") or "commune").strip().lower()
    if layer not in LAYERS:
        notices.append(("layer", p.get("layer")))
        layer = "commune"

    district = (p.get("district") or "").strip() or None
    if district is not None and district not in choices.districts.get(province, ()):
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
    if commune is not None and commune not in choices.communes.get(province, frozenset()):
        notices.append(("commune", p.get("commune")))
        commune = None

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
                     weights=weights, locality=locality), notices


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
