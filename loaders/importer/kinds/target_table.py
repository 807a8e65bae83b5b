"""The target table (DESIGN §3): a unit, a level and the year it is planned for."""
from __future__ import annotations

import math
from datetime import date

from domain.levels import ATTAINED_LEVELS

from ..layouts import low
from ..messages import err
from ..readers import cell_text
from ..validate import LEVEL_ALIASES, Record, Validator


def validate(v: Validator) -> None:
    for it in v.p.items:
        nerr = len(v.out.errors)
        for name in ("note", "source", "district"):   # unit_name: checked when matching
            v.text_ok(it, name)
        year, _ = v.year(it, "target_year")
        lv_raw, lcol = it.fields.get("level", (None, None))
        level = LEVEL_ALIASES.get(low(lv_raw), low(lv_raw))
        if level not in ATTAINED_LEVELS:   # a plan names a level to reach, never "none"
            v.out.err(it.row, lcol, cell_text(lv_raw), err("target_level", levels=ATTAINED_LEVELS))
            continue
        if year is None:
            continue
        unit = _unit(v, it, year, level, lcol)
        if unit is None:
            continue
        share, count = _amounts(v, it)
        if len(v.out.errors) > nerr:
            continue
        prov = low(it.fields.get("provenance", (None,))[0]) or "reported"
        rec = {"scope": "unit" if unit.admin_level == "commune" else "district", "vintage": unit.vintage,
               "unit_code": unit.unit_code, "admin_level": unit.admin_level, "level": level,
               "target_year": year, "target_share": share, "target_count": count,
               "source_id": cell_text(it.fields.get("source", (None,))[0]) or None, "provenance": prov,
               "note": cell_text(it.fields.get("note", (None,))[0]) or None}
        v.out.records.append(Record(it.row, "targets", unit, rec, ("T", unit.vintage, unit.unit_code, level)))
        v.matched(it.row, unit)


def _unit(v: Validator, it, year, level, lcol):
    # A plan names units as they are when it is written: the vintage of the target year,
    # else the province's newest register.
    vintage = v.vintage(date(year, 12, 31)) or v.vintage(v.today) or (
        v.reg.province_vintages(v.province) or [None])[-1]
    if vintage is None:
        v.out.err(it.row, None, year, err("no_register", province=v.province))
        return None
    dn, dcol = it.fields.get("district", (None, None))
    # A target "by Y" may name the units of any vintage valid during Y: the 2021–2025 plans name
    # the 2020–2024 units although 31/12/2025 falls on the 1/7/2025 register (no districts).
    early = v.vintage(date(year, 1, 1))
    if early and early != vintage and cell_text(dn) and not v.reg.find_district(vintage, cell_text(dn)) \
            and v.reg.find_district(early, cell_text(dn)):
        vintage = early
    district, okd = v.district(it, vintage, cell_text(dn), dcol)
    if not okd:
        return None
    unit = v.match(it, vintage, district=district)
    if unit is None or not v.unit_level_ok(it, unit, level, lcol):
        return None
    return unit


def _amounts(v: Validator, it):
    share, count = None, None
    for name in ("target_share", "target_count"):
        val, col = it.fields.get(name, (None, None))
        if val is None:
            continue
        try:
            x = float(cell_text(val).replace(",", "."))
            if math.isnan(x) or (name == "target_share" and not 0 <= x <= 1) or (
                    name == "target_count" and (x < 0 or not x.is_integer())):
                raise ValueError
        except ValueError:
            v.out.err(it.row, col, cell_text(val), err("target_amount", column=name))
            continue
        share, count = (x, count) if name == "target_share" else (share, int(x))
    return share, count
