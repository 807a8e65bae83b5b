"""The locality indicators of the leadership-effectiveness index (DESIGN §3, contract keys).

Hà Tĩnh's chair asked on 7/9/2014 for "a set of indicators evaluating the effectiveness of
leadership and direction of NTM building in each locality (criteria met; new production models;
new enterprises and cooperatives; compliance with the directives of the higher level…)", and for
model residential areas and model gardens. Each key below is one component of the index; every
one is "higher is better".

- **Entered** indicators come from reports (the sourced rows of ``geodata/records/indicators.csv``
  and imported indicator tables). **Computed** ones are never entered: ``criteria_met`` is read
  from the status/criteria records, ``reports_on_time`` from the reporting compliance records.
- A **flow** counts what happened within the period (new models, enterprises, cooperatives): a
  quarter or a year is the sum of its months (or quarters) when all are present. A **stock** counts
  what exists at the end of the period (model residential areas, model gardens, villages meeting
  the standard): a quarter or a year takes the value of its last month (or quarter).
- Stocks are counted against a **definition** (the standard of a programme phase); the standard of
  model residential areas changed after 2021, so a series never joins values of two definitions.
"""
from __future__ import annotations

from domain.levels import default_criteria_set

CRITERIA_MET = "criteria_met"
NEW_MODELS = "new_models"
NEW_ENTERPRISES = "new_enterprises"
NEW_COOPERATIVES = "new_cooperatives"
MODEL_RESIDENTIAL_AREAS = "model_residential_areas"
MODEL_GARDENS = "model_gardens"
VILLAGES_STANDARD = "villages_standard"
REPORTS_ON_TIME = "reports_on_time"

# The contract keys, in display order.
INDICATORS = (CRITERIA_MET, NEW_MODELS, NEW_ENTERPRISES, NEW_COOPERATIVES, MODEL_RESIDENTIAL_AREAS,
              MODEL_GARDENS, VILLAGES_STANDARD, REPORTS_ON_TIME)
COMPUTED = frozenset({CRITERIA_MET, REPORTS_ON_TIME})
ENTERED = tuple(k for k in INDICATORS if k not in COMPUTED)
FLOWS = frozenset({NEW_MODELS, NEW_ENTERPRISES, NEW_COOPERATIVES})
STOCKS = frozenset({MODEL_RESIDENTIAL_AREAS, MODEL_GARDENS, VILLAGES_STANDARD})

# How a value is to be read. `at_least`: the source says "more than" (hơn 2.300 vườn mẫu);
# `increase`: a stock's change during the period ("có thêm 6 thôn"), not its level at the end.
EXACT, AT_LEAST, INCREASE = "exact", "at_least", "increase"
QUALIFIERS = (EXACT, AT_LEAST, INCREASE)
# `actual` (what was reached) or `target` (what a plan aims for); the index uses actual values.
ACTUAL, TARGET = "actual", "target"
BASES = (ACTUAL, TARGET)


def is_indicator(key) -> bool:
    return key in INDICATORS


def definition_for(indicator: str, year: int) -> str | None:
    """The definition a value of ``indicator`` for ``year`` is counted against, when its row does
    not say: the programme phase's standard for stocks and criteria (2016-2020 up to 2021,
    2021-2025 from 2022 — the criteria sets' label-year rule), None for flows and compliance."""
    if indicator in STOCKS or indicator == CRITERIA_MET:
        return default_criteria_set(int(year))
    return None


def row_problems(indicator, period, value, qualifier=None, basis=None, definition=None) -> list[tuple]:
    """What is wrong with one indicator value, as (column, code) pairs — the wording is in the
    string store under ``import.err.indicator_<code>`` / ``import.fix.indicator_<code>`` (the data
    check and the importer both use it). Empty ``qualifier``/``basis``/``definition`` mean the defaults (exact, actual, by year)."""
    from domain.levels import CRITERIA_SET_IDS
    from domain.periods import PeriodError, parse

    out = []
    if indicator in COMPUTED:
        out.append(("indicator", "computed"))
    elif indicator not in INDICATORS:
        out.append(("indicator", "unknown"))
    try:
        parse(period)
    except PeriodError:
        out.append(("period", "period"))
    try:
        v = float(str(value).strip().replace(",", "."))
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError
        if v < 0:
            out.append(("value", "negative"))
        elif v != int(v):
            out.append(("value", "not_whole"))
    except (TypeError, ValueError):
        out.append(("value", "number"))
    if qualifier not in (None, "") and qualifier not in QUALIFIERS:
        out.append(("qualifier", "qualifier"))
    elif qualifier == INCREASE and indicator in FLOWS:
        out.append(("qualifier", "increase_flow"))
    if basis not in (None, "") and basis not in BASES:
        out.append(("basis", "basis"))
    if definition not in (None, "") and definition not in CRITERIA_SET_IDS:
        out.append(("definition", "definition"))
    return out
