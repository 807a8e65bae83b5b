"""The page context: one object per page run.

``ctx = frame.page("map.title")`` replaces the preamble every page repeated (leave the legacy
pages mode, read the URL state, the illustrative switch and the choices, title and caption,
the national notice). The context carries the view (language, province, year, district,
commune, level, layer, compare), the illustrative switch and the choices, and reads every
metric through ``ui.frame.data``'s caches: ``ctx.status()``, ``ctx.counts()``,
``ctx.summary()``, ``ctx.holdouts()``, ``ctx.district_status()``, … (the year defaults to the
view's). Every cached read is keyed by ``ctx.cache_key`` (``data.token``: the dataset version
and the illustrative switch), so an import invalidates them; nothing else passes it around.

A fragment rerun (the map page's year view) does not rerun the page: it takes
``ctx.refreshed()`` (the current URL state and cache key). ``ctx.at(year=…)`` is the same run
for another year (the compare map).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from ui.frame import data, layout, state
from ui.frame.i18n import t
from ui.frame.state import NATIONAL, Choices, ViewState


def true_holdouts(h: pd.DataFrame) -> pd.DataFrame:
    """The rows the holdout rules list as holdouts (not the units merely without a record)."""
    return h[h["listed_as"].astype(str) == "holdout"] if len(h) and "listed_as" in h.columns else h


def holdout_codes(h: pd.DataFrame, admin_level: str | None = None) -> set[str]:
    """Unit codes listed as holdouts (of one admin level when given)."""
    h = true_holdouts(h)
    if admin_level is not None and len(h) and "admin_level" in h.columns:
        h = h[h["admin_level"].astype(str) == admin_level]
    return set(h["unit_code"].astype(str)) if len(h) else set()


@dataclass(frozen=True)
class PageContext:
    view: ViewState
    choices: Choices
    illustrative: bool
    cache_key: str          # data.token(illustrative), taken once per run

    # ---- the view -------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def province(self) -> str:
        return self.view.province

    @property
    def year(self) -> int:
        return self.view.year if self.view.year is not None else self.choices.default_year

    @property
    def district(self) -> str | None:
        return self.view.district

    @property
    def commune(self) -> str | None:
        return self.view.commune

    @property
    def level(self) -> str:
        return self.view.level

    @property
    def layer(self) -> str:
        return self.view.layer

    @property
    def compare(self) -> int | None:
        return self.view.compare

    @property
    def years(self) -> tuple[int, ...]:
        return self.choices.years

    @property
    def national(self) -> bool:
        """The national layer (``province=all``): no province figures."""
        return self.view.province == NATIONAL

    def t(self, key: str, **values) -> str:
        """A string of the store in the page's language."""
        return t(key, self.lang, **values)

    def vintage(self, year: int | None = None) -> str:
        """The boundary vintage the year (default: the view's) is drawn on."""
        return data.vintage_for(self.province, self._y(year))

    def two_level(self, year: int | None = None) -> bool:
        """The year is drawn on a two-level vintage (from 1/7/2025: no district level); on the
        national layer, a national layer without districts."""
        if self.national:
            from ui.frame.structure import national_vintage
            v = national_vintage(self._y(year))
            return v is not None and not v.has_districts
        return not self.choices.has_districts(self.province, self._y(year))

    def at(self, **changes) -> "PageContext":
        """The same run with another view (e.g. ``year=`` the compare year)."""
        return replace(self, view=replace(self.view, **changes))

    def with_view(self, view: ViewState) -> "PageContext":
        """The same run with the view a widget just wrote (``state.update`` returns it)."""
        return replace(self, view=view)

    def refreshed(self) -> "PageContext":
        """The current URL state and cache key (a fragment rerun does not rerun the page)."""
        return replace(self, view=state.current(), cache_key=data.token(self.illustrative))

    def _y(self, year) -> int:
        return int(self.year if year is None else year)

    # ---- cached reads -----------------------------------------------------------------------
    def dataset(self):
        return data.dataset(self.illustrative)

    def status(self, year: int | None = None) -> pd.DataFrame:
        return data.status(self.province, self._y(year), self.cache_key, self.illustrative)

    def district_status(self, year: int | None = None) -> pd.DataFrame:
        return data.district_status(self.province, self._y(year), self.cache_key, self.illustrative)

    def counts(self, year: int | None = None) -> pd.DataFrame:
        return data.counts(self.province, self._y(year), self.cache_key, self.illustrative)

    def summary(self, year: int | None = None, district: str | None = None) -> dict:
        """``build_summary`` of the province (or of ``district``)."""
        return data.summary(self.province, self._y(year), district, self.cache_key, self.illustrative)

    def holdouts(self, year: int | None = None) -> pd.DataFrame:
        return data.holdouts(self.province, self._y(year), self.cache_key, self.illustrative)

    def true_holdouts(self, year: int | None = None) -> pd.DataFrame:
        return true_holdouts(self.holdouts(year))

    def holdout_codes(self, year: int | None = None, admin_level: str | None = None) -> set[str]:
        return holdout_codes(self.holdouts(year), admin_level)

    def progress(self, years=None) -> pd.DataFrame:
        return data.progress(self.province, tuple(years or self.years), self.cache_key, self.illustrative)

    def headline_series(self, level: str = "standard", area: str | None = None, years=None) -> list:
        """THE figure of each year (``metrics.figures.headline_series``) for an area."""
        return data.headline_series(self.province, tuple(years or self.years), level, area, self.cache_key,
                                    self.illustrative)

    def unit_targets(self, codes, admin_level: str = "commune", year: int | None = None) -> dict:
        """{unit code: [target with its state]} as of the year (default: the view's)."""
        return data.unit_targets(self.province, self._y(year), tuple(str(c) for c in codes), admin_level,
                                 self.cache_key, self.illustrative)

    def transitions(self, year_a: int, year_b: int) -> pd.DataFrame:
        return data.transitions(self.province, int(year_a), int(year_b), self.cache_key, self.illustrative)

    def unit(self, unit_code: str, year: int | None = None) -> dict:
        """One unit as of the year, on the year's vintage (``metrics unit``'s data)."""
        return data.unit(self.province, str(unit_code), self._y(year), self.cache_key, self.illustrative)

    def history(self, unit_code: str, vintage: str) -> pd.DataFrame:
        return data.history(str(unit_code), str(vintage), self.cache_key, self.illustrative)

    def leadership(self):
        """The province's indicator context (``metrics.indicators.Context``) for the leadership page."""
        return data.leadership(self.province, self.cache_key, self.illustrative)

    def communes_geo(self, year: int | None = None):
        return data.communes_geo(self.vintage(year))

    def districts_geo(self, year: int | None = None):
        return data.districts_geo(self.vintage(year))

    # ---- page furniture ----------------------------------------------------------------------
    def stop_if_national(self) -> None:
        """On the national layer a province page says so and ends here."""
        if self.national:
            layout.national_notice(self.lang, self.year)
            st.stop()


def context() -> PageContext:
    """The context of this run, without drawing anything (blocks outside a page)."""
    illus = layout.show_illustrative()
    return PageContext(state.current(), layout.choices(), illus, data.token(illus))


def from_url() -> PageContext:
    """The context of a page outside the app frame (``examples/``, an embedding app): the view
    parsed from this run's URL, written back to it and to the session (``state.read_state``)."""
    ch = layout.choices()
    view, _ = state.read_state(ch)
    illus = layout.show_illustrative()
    return PageContext(view, ch, illus, data.token(illus))


def page(title_key: str | None = None, *, caption: str = "year", national: str = "stop") -> PageContext:
    """The preamble of every page in one call; returns its context.

    ``caption``: "year" (province · year under the title), "province" (the province only: the
    year control is on the page) or None. ``national``: "stop" (a province page: the national
    notice, then the page ends), "allow" (the page handles ``province=all`` itself)."""
    layout.ensure_frame()
    ctx = context()
    if title_key:
        layout.page_title(title_key, ctx.view, with_year=caption == "year", caption=caption is not None)
    if national == "stop":
        ctx.stop_if_national()
    return ctx
