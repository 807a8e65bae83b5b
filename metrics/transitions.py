"""Transitions between two years (on the later year's vintage) and regressions."""
from __future__ import annotations

import numpy as np
import pandas as pd

from domain.levels import CLASSIC_LADDER, LEVEL_RANK, criteria_set

from .common import dict_rows, meta_of
from .prepare import as_prepared
from .status import commune_status

OLD_SETS = ("2009", "2016-2020")
NEW_SET = "2021-2025"


def _ladder(set_id):
    try:
        return criteria_set(set_id).ladder if set_id else None
    except KeyError:
        return None


def _change(level_a, level_b, eligible, set_a=None, set_b=None) -> tuple[str, int | None]:
    """(change, steps up the ladder) of one unit between two levels. Levels of two different
    ladders (a year before 2026 and one after, each year's criteria set in force ``set_a`` /
    ``set_b``) are never compared: ``not_comparable``."""
    if not eligible:
        return "not_applicable", None
    la, lb = _ladder(set_a), _ladder(set_b)
    if la is not None and lb is not None and la is not lb:
        return "not_comparable", None
    ladder = lb or la
    ra, rb = (ladder.rank(level_a), ladder.rank(level_b)) if ladder else (LEVEL_RANK.get(level_a),
                                                                          LEVEL_RANK.get(level_b))
    if ra is None or rb is None:
        return "unknown", None
    return ("up" if rb > ra else "down" if rb < ra else "same"), rb - ra


def transition_rows(previous: dict, communes: list[dict]) -> list[dict]:
    """``compare`` as dicts (the columns the summary quotes) from a ``resolve`` mapping of the
    previous year and the ``commune_rows`` of this year, on the same vintage."""
    out = []
    for u in communes:
        a = previous.get(u["unit_code"])
        level_a = a["level"] if a is not None else None
        change = _change(level_a, u["level"], u["eligible"], a.get("set_in_force") if a else None,
                         u.get("set_in_force"))[0]
        out.append({"unit_code": u["unit_code"], "name": u["name"], "district_code": u["district_code"],
                    "district_name": u["district_name"], "eligible": u["eligible"], "level_a": level_a,
                    "level_b": u["level"], "change": change, "provenance_b": u["provenance"]})
    return out


def compare(sa, sb: pd.DataFrame, year_a=None) -> pd.DataFrame:
    """Per unit of ``sb``'s vintage: level_a (from ``sa``, a status frame of the same vintage or a
    ``resolve`` mapping), level_b, change."""
    if isinstance(sa, dict):
        a_level = {c: r["level"] for c, r in sa.items()}
        a_prov = {c: r["provenance"] for c, r in sa.items()}
        a_mixed = {c: r["mixed"] for c, r in sa.items()}
        a_set = {c: r.get("set_in_force") for c, r in sa.items()}
    else:
        a_level = dict(zip(sa["unit_code"], sa["level"]))
        a_prov = dict(zip(sa["unit_code"], sa["provenance"]))
        a_mixed = dict(zip(sa["unit_code"], sa["mixed"]))
        a_set = dict(zip(sa["unit_code"], sa["set_in_force"])) if "set_in_force" in sa.columns else {}
        year_a = meta_of(sa, "year")
    codes = sb["unit_code"].tolist()
    la = [a_level.get(c) for c in codes]
    lb = sb["level"].tolist()
    elig = sb["eligible"].tolist()
    sets_b = sb["set_in_force"].tolist() if "set_in_force" in sb.columns else [None] * len(codes)
    changes = [_change(x, y, e, a_set.get(c), sb_set)
               for c, x, y, e, sb_set in zip(codes, la, lb, elig, sets_b)]
    df = pd.DataFrame({
        "unit_code": pd.Series(codes, dtype=object), "name": pd.Series(sb["name"].tolist(), dtype=object),
        "unit_type": pd.Series(sb["unit_type"].tolist(), dtype=object),
        "district_code": pd.Series(sb["district_code"].tolist(), dtype=object),
        "district_name": pd.Series(sb["district_name"].tolist(), dtype=object),
        "eligible": pd.Series(elig, dtype=bool), "vintage": np.array(sb["vintage"].tolist(), dtype=object),
        "level_a": pd.Series(la, dtype=object), "level_b": pd.Series(lb, dtype=object),
        "provenance_a": pd.Series([a_prov.get(c) for c in codes], dtype=object),
        "provenance_b": pd.Series(sb["provenance"].tolist(), dtype=object),
        "mixed_a": np.array([bool(a_mixed.get(c, False)) for c in codes], dtype=bool),
        "steps": pd.array([st for _, st in changes], dtype="Int64"),
        "change": pd.Series([ch for ch, _ in changes], dtype=object)})
    df["year_a"] = year_a
    df["year_b"] = meta_of(sb, "year")
    return df


def transitions(ds, province_code, year_a, year_b, vintage=None) -> pd.DataFrame:
    """One row per commune of the later year's vintage: level_a (year_a re-expressed on that
    vintage through the crosswalk), level_b, change (up | down | same | unknown | not_applicable)."""
    prep = as_prepared(ds, province_code)
    if vintage is None:
        vintage, _ = prep.vintage_for(max(int(year_a), int(year_b)))
    sa, _ = commune_status(prep, year_a, vintage)
    sb, _ = commune_status(prep, year_b, vintage)
    df = compare(sa, sb)
    df.attrs.update({"vintage": vintage, "year_a": int(year_a), "year_b": int(year_b)})
    return df


NOT_REASSESSED_COLS = ["unit_code", "name", "district_code", "district_name", "level", "criteria_set",
                       "record_year", "provenance", "source_id"]
CRITERIA_LOST_COLS = ["unit_code", "criteria_set", "criteria_met_before", "criteria_met_now", "record_year",
                      "source_id"]


def _reassessed(prep, vintage: str, code: str, year: int) -> bool:
    """A record of the 2021-2025 set up to ``year`` reaches the unit."""
    return any(r["criteria_set"] == NEW_SET and r["year"] <= year
               for v, c in prep.sources(vintage, "commune", code)
               for r in prep.records.get(("commune", v, c), ()))


def not_reassessed(prep, cs: pd.DataFrame) -> pd.DataFrame:
    """Eligible xã recognised (standard or above) on a record of an older criteria set
    (2016-2020, or 2009) with no record of the 2021-2025 set up to the year."""
    rows = not_reassessed_rows(prep, dict_rows(cs), int(meta_of(cs, "year")), meta_of(cs, "vintage"))
    codes = {r["unit_code"] for r in rows}   # the rule lives in not_reassessed_rows; keep the frame's dtypes
    return cs[cs["unit_code"].isin(codes)][NOT_REASSESSED_COLS].reset_index(drop=True)


def not_reassessed_rows(prep, communes: list[dict], year: int, vintage: str) -> list[dict]:
    """``not_reassessed`` as dicts, from the ``commune_rows`` of ``year`` on ``vintage``."""
    if int(year) < 2022:
        return []
    return [{c: u[c] for c in NOT_REASSESSED_COLS} for u in communes
            if u["eligible"] and u["level"] in CLASSIC_LADDER.recognised and u["criteria_set"] in OLD_SETS
            and u["basis"] != "merger" and not _reassessed(prep, vintage, u["unit_code"], int(year))]


def criteria_lost(prep, cs: pd.DataFrame) -> pd.DataFrame:
    """Units whose latest record with criteria data shows fewer criteria met than an earlier
    record of the same criteria set (up to the year; the unit's own and 1:1 lineage records)."""
    return pd.DataFrame(criteria_lost_rows(prep, int(meta_of(cs, "year")), meta_of(cs, "vintage")),
                        columns=CRITERIA_LOST_COLS)


def criteria_lost_rows(prep, year: int, vintage: str) -> list[dict]:
    """``criteria_lost`` as dicts."""
    rows = []
    for code, m in prep.lineage_map(vintage, "commune").items():
        by_set: dict = {}
        for v, c in m["direct"]:
            for r in prep.records.get(("commune", v, c), ()):
                if r["year"] <= year and r["criteria_met"] is not None:
                    by_set.setdefault(r["criteria_set"], []).append(r)
        for cset, lst in by_set.items():
            if len(lst) < 2:
                continue
            lst.sort(key=lambda r: (r["year"], -r["prov_rank"]))
            last = lst[-1]
            best = max(r["criteria_met"] for r in lst[:-1])
            if last["criteria_met"] < best:
                rows.append({"unit_code": code, "criteria_set": cset, "criteria_met_before": int(best),
                             "criteria_met_now": int(last["criteria_met"]), "record_year": int(last["year"]),
                             "source_id": last["source_id"]})
    return rows


def regressions(ds, province_code, year, previous_year=None) -> dict:
    """Level drops since ``previous_year`` (default year - 1), units recognised under an older
    criteria set not yet re-assessed under 2021-2025, and criteria lost."""
    prep = as_prepared(ds, province_code)
    y = int(year)
    py = int(previous_year) if previous_year is not None else y - 1
    tr = transitions(prep, prep.province_code, py, y)
    cs, _ = commune_status(prep, y)
    return {"level_drops": tr[tr["change"] == "down"].reset_index(drop=True),
            "not_reassessed": not_reassessed(prep, cs),
            "criteria_lost": criteria_lost(prep, cs)}
