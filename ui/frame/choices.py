"""The choices of the current data: the years (to the current year), the default year, the
provinces and vintages we carry, each vintage's districts and communes and the communes'
lineage across vintages. Read once per data version (``choices()``); ``build_choices`` is the
pure function behind it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.frame import data, state
from ui.frame.state import Choices


@st.cache_data(show_spinner=False)
def _choices(tok: str) -> Choices:
    return build_choices(data.dataset(True), data.dataset(False))


def build_choices(ds, sourced=None) -> Choices:
    """The choices of the current data (pure): the years from the first status record to the
    current year, the default year (the latest with a sourced record: a unit's status or a
    reported aggregate of one of our provinces), the provinces and vintages we carry, each
    vintage's districts and communes, and the communes' lineage across vintages."""
    from domain.vintages import vintages_from
    from domain.years import current_year

    sourced = ds if sourced is None else sourced
    carried = sorted(set(ds.vintages["province_code"].astype(str)), reverse=True)
    status_years = record_years(ds, tables=("status",))
    first = min(status_years) if status_years else current_year()
    # years run to the current year; the view opens on the latest year with a sourced record
    span = tuple(range(first, max(current_year(), first) + 1))
    default = max((y for y in record_years(sourced, carried) if y <= span[-1]), default=span[-1])
    units = ds.units
    provinces = tuple(sorted(carried, key=lambda c: c != state.DEFAULT_PROVINCE)) + (state.NATIONAL,)
    districts, communes, by_vintage = {}, {}, {}
    for prov in carried:
        u = units[units["province_code"].astype(str) == prov]
        districts[prov] = tuple(sorted(u.loc[u["admin_level"] == "district", "unit_code"].astype(str).unique()))
        communes[prov] = frozenset(u.loc[u["admin_level"] == "commune", "unit_code"].astype(str))
    for vid, u in units.groupby(units["vintage"].astype(str)):
        by_vintage[vid] = (tuple(sorted(u.loc[u["admin_level"] == "district", "unit_code"].astype(str))),
                           frozenset(u.loc[u["admin_level"] == "commune", "unit_code"].astype(str)))
    return Choices(years=span, default_year=default, provinces=provinces, districts=districts,
                   communes=communes, vintages=tuple(vintages_from(ds.vintages.to_dict("records"))),
                   units=by_vintage, lineage=commune_lineage(ds, carried), **national_choices(span))


def national_choices(years) -> dict:
    """The national layer of each year and the provinces' codes across 1/7/2025 (the national
    map's drill-down follows a year change); empty without national layers."""
    from loaders.boundaries import national_layer_for, national_layers, province_successors

    if not national_layers():
        return {}
    return {"national_layers": {int(y): national_layer_for(int(y)) for y in years},
            "province_successors": province_successors()}


def record_years(ds, provinces=None, tables=("status", "aggregates")) -> list[int]:
    """The years with a record (a unit's status or a reported aggregate; of ``provinces`` when
    given, by the unit's or area's province code)."""
    out: set[int] = set()
    for name in tables:
        table = getattr(ds, name, None)
        if table is None or not len(table) or "year" not in table.columns:
            continue
        if provinces is not None:
            if name == "status":
                prov_of = dict(zip(ds.vintages["vintage"].astype(str), ds.vintages["province_code"].astype(str)))
                keep = table["vintage"].astype(str).map(prov_of).isin(set(provinces))
            else:   # an aggregate of one of the provinces' areas (the province, a district)
                u = ds.units[ds.units["province_code"].astype(str).isin(set(provinces))]
                keep = table["area_code"].astype(str).isin(set(u["unit_code"].astype(str)))
            table = table[keep]
        out |= {int(y) for y in pd.to_numeric(table["year"], errors="coerce").dropna().unique()}
    return sorted(out)


def commune_lineage(ds, provinces) -> dict:
    """(vintage, commune code) -> {other vintage of its province's lineage: its code there}: the
    unit it became part of (``metrics.prepare`` ``code_on``), or going back, its predecessor
    (the one keeping its code, else the first whole part) one crosswalk step at a time."""
    from metrics.prepare import as_prepared

    out: dict = {}
    for prov in provinces:
        prep = as_prepared(ds, prov)
        order = [v for v in prep.vintage_names()]
        dated = {r["vintage"]: r["valid_to"] for r in prep.dicts("vintages")}
        order.sort(key=lambda v: (pd.Timestamp(dated[v]) if isinstance(dated[v], str) else pd.Timestamp.max))
        for i, a in enumerate(order):
            for c in prep.unit_columns(a, "commune")["unit_code"]:
                key = (a, str(c))
                for b in order[i + 1:]:
                    got = prep.code_on(a, c, b, "commune")
                    if got is not None:
                        out.setdefault(key, {})[b] = str(got)
                cur = str(c)
                for b in reversed(order[:i]):
                    back = [lk for lk in prep.links(order[order.index(b) + 1], cur, "from") if lk["vintage"] == b]
                    if not back:
                        break
                    pick = next((lk for lk in back if lk["unit_code"] == cur), None) or next(
                        (lk for lk in back if lk["part"] == "full"), back[0])
                    cur = str(pick["unit_code"])
                    out.setdefault(key, {})[b] = cur
    return out


def choices() -> Choices:
    return _choices(data.token(True))
