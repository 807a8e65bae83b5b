"""Shared test helpers, instead of copies per test file and ``sys.path`` edits.

``from testing import …`` works in every test (pytest puts tests/ on the path: it has no
``__init__.py``). What is here:

- ``dataset(illustrative=False)``: the real dataset, loaded once per session, with the
  illustrative fill left out unless asked (``Dataset.with_illustrative``, the app's rule).
- ``without_illustrative(ds)``: the app's default view of any dataset.
- ``fixture_module(name)``: a helper module of ``tests/fixtures/`` or ``tests/bad_inputs/``
  (imported by path, so no ``sys.path`` edit).
- Level helpers from the domain vocabulary: ``LADDER`` (none < standard < advanced < model),
  ``RECOGNISED``, ``LEGEND_LEVELS`` (the commune legend's rows), ``at_least(level, floor)``.
- ``expected_class(layer, row)``: the class a unit has on a map layer, stated from its metrics
  row (the oracle of the map agreement tests, written apart from ``ui.maps.spec``).
- ``REPO``, ``EXAMPLES``: the checkout and its ``examples/`` apps.
- ``run_app(page, timeout, **params)``: the app through Streamlit's AppTest (query parameters
  first, then the page switched to), failing on any exception of the run.
"""
from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd

from domain.levels import CLASSIC_LADDER, COMMUNE_LEVELS, DISTRICT_LEVELS, NOT_APPLICABLE, NOT_ASSESSED, UNKNOWN

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
LADDER = CLASSIC_LADDER.levels
RECOGNISED = CLASSIC_LADDER.recognised
# The commune map's legend rows: the ladder highest first, "no record", "not applicable".
LEGEND_LEVELS = tuple(reversed(LADDER)) + (UNKNOWN, NOT_APPLICABLE)


def at_least(level, floor: str) -> bool:
    """True when ``level`` is ``floor`` or higher on the 2010–2025 ladder."""
    return CLASSIC_LADDER.at_least(level, floor)


@lru_cache(maxsize=2)
def dataset(illustrative: bool = False):
    """The store's dataset (built from geodata/ on first use), without the illustrative fill
    unless asked. Shared by the whole session: never mutate it."""
    from loaders.dataset import load_dataset
    return load_dataset().with_illustrative(illustrative)


def without_illustrative(ds):
    """The app's default view: illustrative rows only behind the toggle."""
    return ds.with_illustrative(False)


def fixture_module(name: str):
    """Import ``tests/fixtures/<name>.py`` (or ``tests/bad_inputs/<name>.py``) by its path."""
    for folder in ("fixtures", "bad_inputs"):
        path = REPO / "tests" / folder / f"{name}.py"
        if path.exists():
            if name in sys.modules:
                return sys.modules[name]
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            return module
    raise FileNotFoundError(f"no test helper module {name!r} under tests/fixtures or tests/bad_inputs")


def expected_class(layer: str, row: dict) -> str:
    """A unit's class on a province map layer from its metrics row: a district's level on the
    district layer; "not applicable" for an urban unit; its level on the commune layer; the
    ninth of criteria met (c0 … c8) on the criteria layer; else "no record" (unknown). The
    legacy level of a two-level 2025 map is the row's level too (metrics gives it)."""
    if layer == "district":
        return row["level"] if row["level"] in DISTRICT_LEVELS else UNKNOWN
    if not row["eligible"]:
        return NOT_APPLICABLE
    if layer == "commune":
        # a level of any ladder (the row's own set's), or "not yet assessed" (2026–2030: a state)
        return row["level"] if row["level"] in COMMUNE_LEVELS + (NOT_ASSESSED,) else UNKNOWN
    met, total = row["criteria_met"], row["criteria_total"]
    if pd.isna(met) or pd.isna(total) or float(total) == 0:
        return UNKNOWN
    from ui.maps.palette import CRITERIA_COLOURS
    n = len(CRITERIA_COLOURS)
    return f"c{min(int(min(float(met) / float(total), 1.0) * n), n - 1)}"


def run_app(page: str | None = None, timeout: int = 120, **params):
    """``app.py`` run in AppTest with ``params`` as query parameters, then switched to ``page``;
    fails on any exception the run raised."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = str(v)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
