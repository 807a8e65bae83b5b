"""Boundary vintages and the one rule that picks the vintage a year is drawn on.

A vintage is one province's set of units for a period (``42-2020``: Hà Tĩnh 1/1/2020 –
30/6/2025). Which vintages exist, their provinces and validity are data (each
``geodata/boundaries/<vintage>/meta.json``, mirrored in the store's ``vintages`` table);
``loaders`` reads them and passes them here as ``Vintage`` values.

**The rule**: a year is drawn on the vintage of its province valid on 31 December of that
year. A year that no vintage covers is drawn on the nearest one, and the choice says so
(``exact`` False with a ``reason``), as does a year before the start of an open-start layer or
any year on a census layer. A date (a decision, a report) resolves on the vintage valid that
day (``valid_on``), with no fallback.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

CENSUS_LAYER = "2009 census layer"   # meta.json "layer" of a census-cartography vintage

# Why a choice is not exact (the wording is in the string store under "vintage.<reason>").
CENSUS = "census_layer"
OPEN_START = "open_start"
BEFORE_FIRST = "before_first"
AFTER_LAST = "after_last"


def _date(value) -> dt.date | None:
    """ISO text, a date or a pandas Timestamp as a date; empty/missing as None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):          # pandas Timestamp (NaT has no year)
        return None if value != value else value.to_pydatetime().date()
    if isinstance(value, float) and value != value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Vintage:
    vintage: str
    province_code: str
    province_name: str = ""
    valid_from: dt.date | None = None     # None: open start
    valid_to: dt.date | None = None       # None: open end
    n_communes: int = 0
    n_districts: int = 0
    layer: str | None = None
    predecessors: tuple[str, ...] = ()    # vintages this one follows (meta.json predecessor_vintages)

    @property
    def has_districts(self) -> bool:
        """False for a two-level vintage (since 1/7/2025: province → commune only)."""
        return int(self.n_districts or 0) > 0

    @property
    def census_layer(self) -> bool:
        return self.layer == CENSUS_LAYER

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


def vintage_from(row) -> Vintage:
    """A ``Vintage`` from a mapping or an object with the vintages-table fields."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))

    def _int(v):
        try:
            return int(v)
        except (TypeError, ValueError):
            return 0

    layer = get("layer")
    pred = get("predecessors")
    if pred is None:
        pred = get("predecessor_vintages")
    if isinstance(pred, str):
        pred = [p for p in pred.split(";") if p.strip()]
    elif not isinstance(pred, (list, tuple)):
        pred = []
    return Vintage(vintage=str(get("vintage")), province_code=str(get("province_code")),
                   province_name=str(get("province_name") or ""),
                   valid_from=_date(get("valid_from")), valid_to=_date(get("valid_to")),
                   n_communes=_int(get("n_communes")), n_districts=_int(get("n_districts")),
                   layer=layer if isinstance(layer, str) and layer else None,
                   predecessors=tuple(str(p).strip() for p in pred))


def vintages_from(rows: Iterable) -> list[Vintage]:
    return [vintage_from(r) for r in rows]


def drawing_day(year: int) -> dt.date:
    """The day whose vintage a year is drawn on."""
    return dt.date(int(year), 12, 31)


@dataclass(frozen=True)
class VintageChoice:
    vintage: str
    province_code: str
    year: int
    exact: bool                     # False: the UI shows the note for ``reason``
    reason: str | None = None       # CENSUS | OPEN_START | BEFORE_FIRST | AFTER_LAST
    params: dict = field(default_factory=dict)   # values for the note's wording

    @property
    def note_vi(self) -> str | None:
        return note(self, "vi")

    @property
    def note_en(self) -> str | None:
        return note(self, "en")


def _ordered(vintages: Iterable[Vintage], province_code: str) -> list[Vintage]:
    mine = [v for v in vintages if v.province_code == str(province_code)]
    return sorted(mine, key=lambda v: (v.valid_from or dt.date.min, v.valid_to or dt.date.max, v.vintage))


def province_vintages(vintages: Iterable[Vintage], province_code: str) -> list[Vintage]:
    """The province's vintages, oldest first."""
    return _ordered(vintages, province_code)


def valid_on(vintages: Iterable[Vintage], province_code: str, day: dt.date) -> Vintage | None:
    """The province's vintage valid on ``day`` (None when none is)."""
    for v in _ordered(vintages, province_code):
        if v.valid_on(day):
            return v
    return None


def choose(vintages: Iterable[Vintage], province_code: str, year: int) -> VintageChoice:
    """The vintage ``year`` is drawn on (see the module docstring). KeyError when the
    province has no vintage at all."""
    pc = str(province_code)
    spans = _ordered(vintages, pc)
    if not spans:
        raise KeyError(f"no boundary vintage for province {pc!r}")
    y = int(year)
    day = drawing_day(y)
    for v in spans:
        if not v.valid_on(day):
            continue
        if v.census_layer:
            return VintageChoice(v.vintage, pc, y, False, CENSUS, {"year": y, "vintage": v.vintage})
        if v.valid_from is None and v.valid_to is not None and v.valid_to.year > y:
            return VintageChoice(v.vintage, pc, y, False, OPEN_START,
                                 {"year": y, "vintage": v.vintage, "set_year": v.valid_to.year})
        return VintageChoice(v.vintage, pc, y, True)
    first = spans[0]
    if first.valid_from is not None and day < first.valid_from:
        return VintageChoice(first.vintage, pc, y, False, BEFORE_FIRST, {"year": y, "vintage": first.vintage})
    last = max(spans, key=lambda v: v.valid_to or dt.date.max)
    return VintageChoice(last.vintage, pc, y, False, AFTER_LAST, {"year": y, "vintage": last.vintage})


def provinces_in_year(vintages: Iterable[Vintage], year: int) -> list[tuple[str, str]]:
    """(province code, name) of every province with a vintage valid on 31 December of
    ``year``, in code order: the provinces as they were that year."""
    day = drawing_day(year)
    seen: dict[str, str] = {}
    for v in vintages:
        if v.valid_on(day):
            seen.setdefault(v.province_code, v.province_name)
    return sorted(seen.items())


def _linked(vintages: list[Vintage], start: Iterable[Vintage]) -> list[Vintage]:
    """The vintages reachable from ``start`` through predecessor links, either way (a
    province's own earlier and later vintages, and across a change of code: old Lào Cai
    ``10-2009`` ↔ new Lào Cai ``15-2025``), nearest first."""
    by_id = {v.vintage: v for v in vintages}
    successors: dict[str, list[str]] = {}
    for v in vintages:
        for p in v.predecessors:
            successors.setdefault(p, []).append(v.vintage)
    seen = [v.vintage for v in start]
    queue = list(seen)
    while queue:
        cur = queue.pop(0)
        for nxt in list(by_id[cur].predecessors) + successors.get(cur, []):
            if nxt in by_id and nxt not in seen:
                seen.append(nxt)
                queue.append(nxt)
    return [by_id[v] for v in seen]


def province_in_year(vintages: Iterable[Vintage], province_code: str, year: int) -> str | None:
    """The province code a carried province has in ``year``: its own when one of its vintages is
    valid on 31 December of the year, else the code of the linked vintage (predecessor or
    successor, any code) valid then (10 in 2026 → 15, the new Lào Cai; 15 in 2023 → 10, old Lào
    Cai: Yên Bái itself is not carried); None when no linked vintage is valid that year."""
    vs = list(vintages)
    pc = str(province_code)
    day = drawing_day(year)
    own = [v for v in vs if v.province_code == pc]
    if any(v.valid_on(day) for v in own):
        return pc
    for v in _linked(vs, own):
        if v.valid_on(day):
            return v.province_code
    return None


def note(choice: VintageChoice, lang: str) -> str | None:
    """The visible note of an inexact choice, in ``lang`` (None when exact)."""
    if choice.exact or not choice.reason:
        return None
    from domain.text import t
    return t(f"vintage.{choice.reason}", lang, **choice.params)
