"""Targets and gaps: per unit, district and province; on track / off track at the current pace.

Pace = average yearly change of the at-least count over the last available years (up to
``PACE_YEARS`` years before the current one, each re-expressed on the current vintage, never
before the first record); years to target = gap / pace.
"""
from __future__ import annotations

import math

import pandas as pd

from domain.levels import DISTRICT_RANK, ladder_of
from domain.units import COMMUNE_ELIGIBLE

from .common import dict_rows, meta_of
from .progress import best_reported
from .status import resolve

PACE_YEARS = 3
TARGET_COLS = ["target_id", "scope", "area_code", "area_name", "admin_level", "level", "target_year",
               "target_share", "target_count", "required", "current", "eligible", "unknown", "gap",
               "gap_min", "state", "pace", "pace_years", "years_to_target", "on_track", "provenance", "source_id",
               "current_provenance", "reported_current", "reported_denominator", "reported_gap",
               "reported_source", "note"]


def map_code(prep, vintage_from: str, code: str, vintage_to: str, admin_level: str):
    """A unit code of one vintage on another (1:1 or the unit a part was merged into)."""
    return prep.code_on(vintage_from, code, vintage_to, admin_level)


def pace_of(prep, year: int, vintage: str, level: str, area_code: str, current: int):
    """(pace per year, 'Y0–Y1') from the at-least counts re-expressed on ``vintage``."""
    first = prep.first_record_year()
    y0 = max(int(year) - PACE_YEARS, int(first) if first is not None else int(year))
    if y0 >= year:
        return None, None
    if ladder_of(None, y0) is not ladder_of(None, year):
        return None, None   # no pace across a change of ladder
    res = resolve(prep, y0, vintage, "commune")
    ladder = ladder_of(None, year)
    need = ladder.rank(level)
    whole = area_code == prep.province_code
    com = prep.commune_columns(vintage)
    before = sum(1 for c, t, d in zip(com["unit_code"], com["unit_type"], com["district_code"])
                 if t == COMMUNE_ELIGIBLE and (whole or d == area_code)
                 and ladder.at_least(res[c]["level"], level))
    return (current - before) / (year - y0), f"{y0}–{year}"


def target_kind(t, eligible: int | None) -> str:
    """How a target row is read (docs/data-model.md, targets.csv):
    'unit' (a commune or district reaches a level), 'xa_share' (a share or count of the area's
    eligible xã at >= level; a share of 1 makes every xã a unit target for the holdouts),
    'not_computed' (no level on the ladder, a province-level unit target, or a count that does not
    match the share of the area's xã, i.e. a target on other units such as district-level units)."""
    level = t.level if isinstance(t.level, str) else None
    ladder = ladder_of(None, int(t.target_year)) if t.target_year == t.target_year else ladder_of(None, None)
    on_ladder = ladder.rank(level) is not None
    if not on_ladder and level != "completed":
        return "not_computed"
    has_share = t.target_share is not None and t.target_share == t.target_share
    has_count = t.target_count is not None and t.target_count == t.target_count
    if t.scope == "unit":
        return "unit"
    if has_share or has_count:
        if not on_ladder:
            return "not_computed"
        if has_share and has_count and eligible is not None \
                and int(t.target_count) != int(math.ceil(float(t.target_share) * eligible - 1e-9)):
            return "not_computed"
        return "xa_share"
    if t.scope == "district":
        return "unit"
    return "not_computed"


NOT_COMPUTED_WHY = "no level on the ladder, a province-level target, or a count of units other than xã"


def targets_and_gaps(prep, year: int, commune_status: pd.DataFrame, counts: pd.DataFrame,
                     district_status: pd.DataFrame | None = None, with_pace: bool = True) -> pd.DataFrame:
    """One row per target of the province: required, current, gap (units still needed), state
    (met | open | past_due | unverified | no_record | not_computed), pace, years to target and on track."""
    rows = target_rows(prep, year, meta_of(commune_status, "vintage"),
                       dict_rows(commune_status, ["unit_code", "level", "name", "eligible", "provenance"]),
                       dict_rows(counts), dict_rows(district_status) if district_status is not None else None,
                       with_pace)
    out = pd.DataFrame(rows, columns=TARGET_COLS)
    for c in ("target_year", "target_count", "required", "current", "eligible", "unknown", "gap", "gap_min"):
        out[c] = pd.array([None if pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out


def target_rows(prep, year: int, vintage: str, communes: list[dict], counts: list[dict],
                districts: list[dict] | None = None, with_pace: bool = True) -> list[dict]:
    """The rows of ``targets_and_gaps`` as dicts (every TARGET_COLS key present), from the row
    dicts of the communes (status on ``vintage``), the area counts and the district-level units."""
    year = int(year)
    if not prep.rows("targets"):
        return []
    by_area = {r["area_code"]: r for r in counts}
    com = {r["unit_code"]: r for r in communes}
    dis = {r["unit_code"]: r for r in districts} if districts is not None else {}
    rows = []
    for t in sorted(prep.rows("targets"), key=lambda t: (t.target_year if t.target_year == t.target_year else 9999,
                                                  t.target_id or "")):
        base = {"target_id": t.target_id, "scope": t.scope, "level": t.level,
                "target_year": int(t.target_year) if pd.notna(t.target_year) else None,
                "target_share": None if pd.isna(t.target_share) else float(t.target_share),
                "target_count": None if pd.isna(t.target_count) else int(t.target_count),
                "provenance": t.provenance, "source_id": t.source_id,
                "note": getattr(t, "note", None)}
        due = base["target_year"]
        area = None
        if t.scope in ("province", "district"):
            area = prep.province_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code,
                                                                               vintage, "district")
        elig = int(by_area[area]["eligible"]) if area in by_area else None
        kind = target_kind(t, elig)
        if kind != "not_computed" and due is not None and ladder_of(None, due) is not ladder_of(None, year):
            rows.append({**base, "area_code": area or t.unit_code, "admin_level": t.admin_level,
                         "area_name": by_area[area]["area_name"] if area in by_area else None,
                         "state": "other_ladder",
                         "note": f"{base['note'] or ''} [a target of another criteria set's ladder than {year}'s]"})
            continue
        if kind == "not_computed":
            rows.append({**base, "area_code": area or t.unit_code, "admin_level": t.admin_level,
                         "area_name": by_area[area]["area_name"] if area in by_area else None,
                         "state": "not_computed", "note": f"{base['note'] or ''} [not computed: {NOT_COMPUTED_WHY}]"})
            continue
        if kind == "xa_share":
            if area not in by_area:
                continue
            a = by_area[area]
            e = int(a["eligible"])
            cur = int(a[f"atleast_{t.level}"])
            req = int(t.target_count) if pd.notna(t.target_count) else int(math.ceil(float(t.target_share) * e - 1e-9))
            gap = max(0, req - cur)
            und = int(a["unknown"]) + int(a.get("not_assessed") or 0)   # xã no record decides
            row = {**base, "area_code": area, "area_name": a["area_name"], "admin_level": "commune",
                   "required": req, "current": cur, "eligible": e, "unknown": und, "gap": gap,
                   "current_provenance": a["weakest_provenance"]}
            if und:
                # the records are incomplete: give the reported figure of that area/year beside them
                rep = best_reported(prep, year, area, f"count_{t.level}")
                if rep is not None:
                    den = rep["denominator"] if rep["denominator"] == rep["denominator"] and rep["denominator"] else e
                    rreq = int(t.target_count) if pd.notna(t.target_count) else \
                        int(math.ceil(float(t.target_share) * den - 1e-9))
                    row.update(reported_current=int(rep["value"]), reported_denominator=int(den),
                               reported_gap=max(0, rreq - int(rep["value"])), reported_source=rep["aggregate_id"])
            # the smallest gap the records allow if every xã without a record had reached the level
            row["gap_min"] = max(0, gap - und)
            if gap == 0:
                row["state"] = "met"
            elif row["gap_min"] == 0:
                # the whole gap lies in xã with no record: the records cannot say it is missed
                row["state"] = "unverified"
            else:
                row["state"] = "past_due" if due is not None and year >= due else "open"
                if with_pace:
                    pace, yrs = pace_of(prep, year, vintage, t.level, area, cur)
                    row["pace"], row["pace_years"] = (round(pace, 3) if pace is not None else None), yrs
                    if pace and pace > 0:
                        row["years_to_target"] = round(gap / pace, 2)
                        row["on_track"] = bool(due is not None and year + gap / pace <= due)
                    elif pace is not None:
                        row["on_track"] = False
            rows.append(row)
            continue
        # a single unit: a commune, or a district on the district ladder
        if t.admin_level == "district" or t.scope == "district":
            code = map_code(prep, t.vintage, t.unit_code, vintage, "district")
            u = dis.get(code)
            if u is None:
                continue
            lvl, name, rank = u["level"], u["name"], DISTRICT_RANK
        else:
            code = map_code(prep, t.vintage, t.unit_code, vintage, "commune")
            u = com.get(code)
            if u is None or not u["eligible"]:
                continue
            lvl, name = u["level"], u["name"]
            rank = {lv: i for i, lv in enumerate(ladder_of(None, year).levels)}
        row = {**base, "area_code": code, "area_name": name, "admin_level": t.admin_level,
               "required": 1, "eligible": 1, "unknown": int(lvl in ("unknown", "not_assessed")), "current_provenance": u.get("provenance")}
        if lvl in ("unknown", "not_assessed"):
            row.update(state="no_record", current=None, gap=None)
        else:
            met = rank.get(lvl, -1) >= rank.get(t.level, 99)
            row.update(current=int(met), gap=0 if met else 1,
                       state="met" if met else ("past_due" if due is not None and year >= due else "open"))
        rows.append(row)
    out = []
    for r in rows:
        full = dict.fromkeys(TARGET_COLS)
        full.update(r)
        out.append(full)
    return out
