"""Targets and gaps: per unit, district and province; on track / off track at the current pace.

Pace = average yearly change of the at-least count over the last available years (up to
``PACE_YEARS`` years before the current one, each re-expressed on the current vintage, never
before the first record); years to target = gap / pace.
"""
from __future__ import annotations

import math

import pandas as pd

from .common import DISTRICT_RANK, LEVEL_RANK, meta_of
from .counts import level_counts
from .status import commune_status

PACE_YEARS = 3
TARGET_COLS = ["target_id", "scope", "area_code", "area_name", "admin_level", "level", "target_year",
               "target_share", "target_count", "required", "current", "eligible", "unknown", "gap",
               "state", "pace", "pace_years", "years_to_target", "on_track", "provenance", "source_id",
               "note"]


def map_code(prep, vintage_from: str, code: str, vintage_to: str, admin_level: str):
    """A unit code of one vintage on another (1:1 or the unit a part was merged into)."""
    if vintage_from == vintage_to or not vintage_from:
        return code
    lin = prep.lineage(vintage_to, admin_level)
    m = lin[(lin["src_vintage"] == vintage_from) & (lin["src_code"] == code)]
    return m["to_code"].iloc[0] if len(m) else None


def pace_of(prep, year: int, vintage: str, level: str, area_code: str, current: int):
    """(pace per year, 'Y0–Y1') from the at-least counts re-expressed on ``vintage``."""
    first = prep.status["year"].min() if len(prep.status) else year
    y0 = max(int(year) - PACE_YEARS, int(first) if pd.notna(first) else int(year))
    if y0 >= year:
        return None, None
    ck = ("counts", y0, vintage)
    if ck not in prep._cache:
        st0, _ = commune_status(prep, y0, vintage)
        prep._cache[ck] = level_counts(st0, prep.province_code, prep.province_name).set_index("area_code")
    c0 = prep._cache[ck]
    if area_code not in c0.index:
        return None, None
    before = int(c0.loc[area_code, f"atleast_{level}"])
    return (current - before) / (year - y0), f"{y0}–{year}"


def targets_and_gaps(prep, year: int, commune_status: pd.DataFrame, counts: pd.DataFrame,
                     district_status: pd.DataFrame | None = None, with_pace: bool = True) -> pd.DataFrame:
    year = int(year)
    vintage = meta_of(commune_status, "vintage")
    tg = prep.targets
    if tg is None or tg.empty:
        return pd.DataFrame(columns=TARGET_COLS)
    by_area = counts.set_index("area_code")
    com = commune_status.set_index("unit_code")
    dis = district_status.set_index("unit_code") if district_status is not None else None
    rows = []
    for t in tg.sort_values(["target_year", "target_id"]).itertuples(index=False):
        base = {"target_id": t.target_id, "scope": t.scope, "level": t.level,
                "target_year": int(t.target_year) if pd.notna(t.target_year) else None,
                "target_share": None if pd.isna(t.target_share) else float(t.target_share),
                "target_count": None if pd.isna(t.target_count) else int(t.target_count),
                "provenance": t.provenance, "source_id": t.source_id,
                "note": getattr(t, "note", None)}
        due = base["target_year"]
        if t.level not in LEVEL_RANK and t.level != "completed":
            continue
        if t.scope in ("province", "district") and (pd.notna(t.target_share) or pd.notna(t.target_count)):
            code = t.unit_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code,
                                                                      vintage, "district")
            if code not in by_area.index:
                continue
            a = by_area.loc[code]
            e = int(a["eligible"])
            cur = int(a[f"atleast_{t.level}"])
            req = int(t.target_count) if pd.notna(t.target_count) else int(math.ceil(float(t.target_share) * e - 1e-9))
            gap = max(0, req - cur)
            row = {**base, "area_code": code, "area_name": a["area_name"], "admin_level": "commune",
                   "required": req, "current": cur, "eligible": e, "unknown": int(a["unknown"]), "gap": gap}
            if gap == 0:
                row["state"] = "met"
            else:
                row["state"] = "past_due" if due is not None and year >= due else "open"
                if with_pace:
                    pace, yrs = pace_of(prep, year, vintage, t.level, code, cur)
                    row["pace"], row["pace_years"] = (round(pace, 3) if pace is not None else None), yrs
                    if pace and pace > 0:
                        row["years_to_target"] = round(gap / pace, 2)
                        row["on_track"] = bool(due is not None and year + gap / pace <= due)
                    elif pace is not None:
                        row["on_track"] = False
            rows.append(row)
            continue
        # a single unit (commune, or a district on the district ladder)
        if t.admin_level == "district":
            code = map_code(prep, t.vintage, t.unit_code, vintage, "district")
            if dis is None or code not in dis.index:
                continue
            u = dis.loc[code]
            lvl = u["level"]
            name, area_name = u["name"], u["name"]
            rank = DISTRICT_RANK
        else:
            code = map_code(prep, t.vintage, t.unit_code, vintage, "commune")
            if code not in com.index:
                continue
            u = com.loc[code]
            lvl, name, area_name = u["level"], u["name"], u["district_name"]
            rank = LEVEL_RANK
        row = {**base, "area_code": code, "area_name": name, "admin_level": t.admin_level,
               "required": 1, "eligible": 1, "unknown": int(lvl == "unknown")}
        if lvl == "unknown":
            row.update(state="no_record", current=None, gap=None)
        elif lvl == "not_applicable":
            continue
        else:
            met = rank.get(lvl, -1) >= DISTRICT_RANK.get(t.level, 99)
            row.update(current=int(met), gap=0 if met else 1,
                       state="met" if met else ("past_due" if due is not None and year >= due else "open"))
        rows.append(row)
    out = pd.DataFrame(rows, columns=TARGET_COLS)
    return out
