"""Cached access to the dataset, geometry and metrics for the pages.

- The dataset is loaded once per process (`st.cache_resource`); `clear()` drops
  it after an import so the next run reads the store again, and `sync()` (called
  by `token()` on every run) does so when another process changed the store.
- Geometry is cached as a resource keyed by (vintage, detail) and never mutated.
- Metric tables are cached with `st.cache_data`, keyed by small strings plus the
  dataset's identity (`tok`), so a cleared dataset also misses these caches.
Illustrative rows (provenance = illustrative) are filtered out unless the user
switched them on; every function takes `illustrative` for that reason.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.dataset import load_dataset


@st.cache_resource(show_spinner=False)
def _dataset_resource():
    return {"ds": load_dataset(), "version": 0}


_version = [0]


def clear() -> None:
    """Forget the dataset and every derived table (call after an import)."""
    _version[0] += 1
    _dataset_resource.clear()
    _filtered.clear()
    st.cache_data.clear()
    from loaders.freshness import watcher
    watcher().changed(force=True)   # note the version now, or the next check would reload again


@st.cache_resource(show_spinner=False)
def _filtered(illustrative: bool, version: int):
    return _dataset_resource()["ds"].with_illustrative(illustrative)


def dataset(illustrative: bool = False):
    return _filtered(bool(illustrative), _version[0])


def has_illustrative() -> bool:
    return _dataset_resource()["ds"].has_illustrative


def sync() -> None:
    """Drop the caches when another process changed the store (loaders/freshness.py: at most one
    indexed read every few seconds). Runs at the start of every script run, through token()."""
    from loaders.freshness import watcher
    if watcher().changed():
        clear()


def token(illustrative: bool = False) -> str:
    sync()
    return f"{_version[0]}:{int(bool(illustrative))}"


# ---- geometry ---------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def communes_geo(vintage: str, detail: str = "province"):
    """Commune polygons of a vintage (the prepared, simplified layer). Shared: never mutate the
    result."""
    from loaders.geometry import prepared_layer
    return prepared_layer(vintage, detail=detail)


@st.cache_resource(show_spinner=False)
def districts_geo(vintage: str):
    """District polygons dissolved from the (coverage-clean) commune layer: the
    raw district files carry hundreds of sliver holes left by the source's
    thinning, which draw as black specks at outline width."""
    from loaders.boundaries import load_districts
    raw = load_districts(vintage)
    communes = communes_geo(vintage)
    shapes = communes[["district_code", "geometry"]].dissolve("district_code").reset_index()
    shapes = shapes.rename(columns={"district_code": "unit_code"})
    meta_cols = [c for c in raw.columns if c != "geometry"]
    out = shapes.merge(raw[meta_cols], on="unit_code", how="left")
    return out[meta_cols + ["geometry"]].set_crs(raw.crs, allow_override=True)


@st.cache_data(show_spinner=False)
def meta(vintage: str) -> dict:
    from loaders.boundaries import load_meta
    return dict(load_meta(vintage))


def vintage_for(province: str, year: int) -> str:
    from loaders.boundaries import vintage_for as _vf
    return _vf(province, year)


# ---- metrics (cached) ---------------------------------------------------------

@st.cache_data(show_spinner=False)
def status(province: str, year: int, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.status import status_as_of
    return status_as_of(dataset(illustrative), province, year)


@st.cache_data(show_spinner=False)
def district_status(province: str, year: int, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.status import district_status_as_of
    return district_status_as_of(dataset(illustrative), province, year)


@st.cache_data(show_spinner=False)
def counts(province: str, year: int, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.counts import level_counts
    return level_counts(status(province, year, tok, illustrative))


@st.cache_data(show_spinner=False)
def summary(province: str, year: int, district: str | None, tok: str, illustrative: bool = False) -> dict:
    from metrics.summary import build_summary
    return build_summary(dataset(illustrative), province, year, district_code=district)


@st.cache_data(show_spinner=False)
def holdouts(province: str, year: int, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.holdouts import holdouts as _h
    return _h(dataset(illustrative), province, year)


@st.cache_data(show_spinner=False)
def progress(province: str, years: tuple, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.progress import progress_series
    return progress_series(dataset(illustrative), province, list(years))


@st.cache_data(show_spinner=False)
def headline_series(province: str, years: tuple, level: str, area: str | None, tok: str,
                    illustrative: bool = False) -> list:
    from metrics.figures import headline_series as _hs
    return _hs(dataset(illustrative), province, list(years), level, area)


@st.cache_data(show_spinner=False)
def unit_targets(province: str, year: int, codes: tuple, admin_level: str, tok: str,
                 illustrative: bool = False) -> dict:
    """{unit code: its targets and their state} (``metrics.targets.unit_targets``, the one rule
    the commune panel, /area and /holdouts read)."""
    from metrics.targets import unit_targets as _ut
    return {c: _ut(dataset(illustrative), province, year, c, admin_level) for c in codes}


@st.cache_data(show_spinner=False)
def transitions(province: str, year_a: int, year_b: int, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.transitions import transitions as _t
    return _t(dataset(illustrative), province, year_a, year_b)


@st.cache_data(show_spinner=False)
def unit(province: str, unit_code: str, year: int, tok: str, illustrative: bool = False) -> dict:
    """One unit as of a year (``metrics.unit.unit_as_of``: the ``metrics unit`` object)."""
    from metrics.unit import unit_as_of
    return unit_as_of(dataset(illustrative), province, unit_code, year)


@st.cache_data(show_spinner=False)
def history(unit_code: str, vintage: str, tok: str, illustrative: bool = False) -> pd.DataFrame:
    from metrics.history import unit_history
    return unit_history(dataset(illustrative), unit_code, vintage)


# ---- the leadership index and reporting ------------------------------------------

RECHECK_MINUTES = 10   # a report's "not yet due" turns "missing" at its deadline: re-read this often


@st.cache_resource(show_spinner=False, max_entries=8)
def _leadership(province: str, tok: str, illustrative: bool, now_key: str):
    from datetime import datetime

    from metrics.indicators import Context
    return Context(dataset(illustrative), province, now=datetime.fromisoformat(now_key))


def leadership(province: str, tok: str, illustrative: bool = False):
    """The province's indicator context (``metrics.indicators.Context``), shared by the sessions and
    rebuilt after an import (``tok``) and every few minutes (deadlines pass)."""
    from domain.periods import local_now
    now = local_now()
    now = now.replace(minute=now.minute - now.minute % RECHECK_MINUTES, second=0, microsecond=0)
    return _leadership(str(province), tok, bool(illustrative), now.isoformat())
