"""Counts and shares per level, for the province and each district.

Denominator = eligible units (xã only). phường / thị trấn are counted apart as not applicable;
units with no record are ``unknown`` (before 2026) or ``not_assessed`` (a criteria set that
starts its own ladder, 2026-2030) and are never counted as ``none``. Each area carries the weakest
provenance among the records its counts rest on.

The levels counted are those of the ladder of the criteria set in force that year
(``domain.levels``): none < standard < advanced < model up to 2025, none < standard < modern from
2026. A level that is not on that year's ladder has None (not 0) in every count and share key.
A two-level vintage (from 1/7/2025) has no district: only the province row is returned.
"""
from __future__ import annotations

import pandas as pd

from domain.levels import (ILLUSTRATIVE, MIXED, NONE, NOT_APPLICABLE, NOT_ASSESSED, PROV_RANK, PROVENANCE,
                           RECOGNISED_LEVELS, UNDECIDED, UNKNOWN, criteria_set, criteria_set_for_year)

RECOGNISED_ALL = RECOGNISED_LEVELS   # every ladder's recognised levels: standard, advanced, model, modern
# the columns of the units no level counts: undecided (unknown, not assessed), then the others
_OTHER_STATES = UNDECIDED + (NOT_APPLICABLE, MIXED)
COUNT_COLS = (["area_code", "area_name", "admin_level", "units", "eligible", "known", NONE]
              + list(RECOGNISED_ALL) + list(_OTHER_STATES)
              + [f"atleast_{lv}" for lv in RECOGNISED_ALL] + [f"share_{lv}" for lv in RECOGNISED_ALL]
              + ["share_known", "weakest_provenance", "illustrative", "criteria_set", "levels"])
_STATES = ("units", "eligible") + _OTHER_STATES


def _empty(levels) -> dict:
    d = dict.fromkeys(_STATES + tuple(levels), 0)
    d["prov_rank"] = -1
    d["illustrative"] = False
    return d


def _finish(code, name, admin_level, t: dict, cset) -> dict:
    e = t["eligible"]
    levels = cset.ladder.levels
    out = {"area_code": code, "area_name": name, "admin_level": admin_level,
           **{k: t[k] for k in _STATES}, **dict.fromkeys(RECOGNISED_ALL)}
    out[NONE] = t[NONE]
    out["known"] = e - sum(t[s] for s in UNDECIDED)
    above = 0
    for lv in reversed(levels[1:]):   # at-least counts, from the top of the ladder down
        out[lv] = t[lv]
        above += t[lv]
        out[f"atleast_{lv}"] = above
    for lv in RECOGNISED_ALL:
        out.setdefault(f"atleast_{lv}", None)
        out[f"share_{lv}"] = out[f"atleast_{lv}"] / e if e and out[f"atleast_{lv}"] is not None else None
    out["share_known"] = out["known"] / e if e else None
    out["weakest_provenance"] = PROVENANCE[t["prov_rank"]] if t["prov_rank"] >= 0 else None
    out["illustrative"] = t["illustrative"]
    out["criteria_set"] = cset.id
    out["levels"] = list(levels[1:])
    return out


_IN = ("district_code", "district_name", "eligible", "level", "mixed", "provenance")


def _count(units, province_code, province_name, cset) -> list[dict]:
    """The COUNT_COLS dicts from (district_code, district_name, eligible, level, mixed,
    provenance) tuples, one per commune; communes without a district (a two-level vintage) count
    in the province only."""
    levels = cset.ladder.levels
    prov = _empty(levels)
    dist: dict = {}
    names: dict = {}
    for dcode, dname, elig, level, mixed, p in units:
        tallies = [prov]
        if dcode is not None:
            d = dist.get(dcode)
            if d is None:
                d = dist[dcode] = _empty(levels)
                names[dcode] = dname
            tallies.append(d)
        for t in tallies:
            t["units"] += 1
            if not elig:
                t[NOT_APPLICABLE] += 1
                continue
            t["eligible"] += 1
            t[level if level in levels or level == NOT_ASSESSED else UNKNOWN] += 1
            if mixed:
                t[MIXED] += 1
            if level not in UNDECIDED and p in PROV_RANK:
                t["prov_rank"] = max(t["prov_rank"], PROV_RANK[p])
                t["illustrative"] = t["illustrative"] or p == ILLUSTRATIVE
    out = [_finish(province_code, province_name, "province", prov, cset)]
    for code in sorted(dist):
        out.append(_finish(code, names[code], "district", dist[code], cset))
    return [{c: r[c] for c in COUNT_COLS} for r in out]


def _set_of(set_id, year) -> object:
    if set_id:
        return criteria_set(set_id)
    return criteria_set_for_year(year) if year is not None else criteria_set("2021-2025")


def count_rows(rows, province_code, province_name, set_id=None) -> list[dict]:
    """``level_counts`` as dicts (COUNT_COLS keys) from commune status rows (dicts); the ladder
    is that of the rows' criteria set in force (``set_in_force``) unless ``set_id`` names one."""
    rows = list(rows)
    sid = set_id or next((r.get("set_in_force") for r in rows if r.get("set_in_force")), None)
    year = next((r.get("year") for r in rows), None)
    return _count(([r[c] for c in _IN] for r in rows), province_code, province_name, _set_of(sid, year))


def level_counts(commune_status: pd.DataFrame, province_code=None, province_name=None) -> pd.DataFrame:
    """One row per area: the province first, then each district (sorted by code). The province
    code and name come from the arguments or from the status frame's ``attrs``."""
    df = commune_status
    province_code = province_code or df.attrs.get("province_code")
    province_name = province_name or df.attrs.get("province_name", province_code)
    sid = df["set_in_force"].iat[0] if "set_in_force" in df.columns and len(df) else None
    year = df.attrs.get("year") or (int(df["year"].iat[0]) if "year" in df.columns and len(df) else None)
    rows = _count(zip(*(df[c].tolist() for c in _IN)), province_code, province_name, _set_of(sid, year))
    return pd.DataFrame(rows, columns=COUNT_COLS)
