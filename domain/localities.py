"""Localities (địa phương): the units a province follows for leadership and reporting.

A period's localities are the units of the vintage the period resolves on (valid on its last
day): the **district-level units** (huyện, thị xã, thành phố) of a vintage that has a district
level, else — since 1/7/2025, when there are only provinces and communes — its **xã** (phường and
đặc khu are urban or special units, not assessed on the NTM ladder). So a period up to 6/2025 ranks
the former districts and a period from 7/2025 the new communes, read from the vintages' own data.
"""
from __future__ import annotations

from typing import Iterable

from domain.periods import Period, parse
from domain.units import COMMUNE, COMMUNE_ELIGIBLE, DISTRICT
from domain.vintages import Vintage, valid_on


def period_vintage(vintages: Iterable[Vintage], province_code: str, period) -> Vintage | None:
    """The province's vintage valid on the period's last day (None when none is)."""
    p: Period = parse(period)
    return valid_on(list(vintages), str(province_code), p.end)


def locality_level(vintage: Vintage) -> str:
    """``district`` for a vintage with a district level, else ``commune``."""
    return DISTRICT if vintage.has_districts else COMMUNE


def is_locality(admin_level, unit_type, level: str) -> bool:
    """Is a unit (its admin level and type) a locality when localities are at ``level``?"""
    if level == DISTRICT:
        return admin_level == DISTRICT
    return admin_level == COMMUNE and unit_type == COMMUNE_ELIGIBLE


def localities(units: Iterable, vintages: Iterable[Vintage], province_code: str, period) -> list[dict]:
    """The localities of ``period`` in a province: the unit rows (mappings with ``vintage,
    unit_code, admin_level, unit_type``…) of the period's vintage that are localities, in code
    order; [] when no vintage of the province is valid on the period's last day."""
    v = period_vintage(vintages, province_code, period)
    if v is None:
        return []
    level = locality_level(v)
    return sorted((dict(u) for u in units if str(u["vintage"]) == v.vintage
                   and is_locality(u["admin_level"], u["unit_type"], level)),
                  key=lambda u: str(u["unit_code"]))
