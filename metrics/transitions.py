"""Transitions between two years (on the later year's vintage) and regressions."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import LEVEL_RANK, meta_of
from .prepare import as_prepared
from .status import commune_status

OLD_SETS = ("2009", "2016-2020")
NEW_SET = "2021-2025"


def compare(sa, sb: pd.DataFrame, year_a=None) -> pd.DataFrame:
    """Per unit of ``sb``'s vintage: level_a (from ``sa``, a status frame of the same vintage or a
    ``resolve`` mapping), level_b, change."""
    if isinstance(sa, dict):
        a_level = {c: r["level"] for c, r in sa.items()}
        a_prov = {c: r["provenance"] for c, r in sa.items()}
        a_mixed = {c: r["mixed"] for c, r in sa.items()}
    else:
        a_level = dict(zip(sa["unit_code"], sa["level"]))
        a_prov = dict(zip(sa["unit_code"], sa["provenance"]))
        a_mixed = dict(zip(sa["unit_code"], sa["mixed"]))
        year_a = meta_of(sa, "year")
    codes = sb["unit_code"].tolist()
    la = [a_level.get(c) for c in codes]
    lb = sb["level"].tolist()
    elig = sb["eligible"].tolist()
    steps, change = [], []
    for x, y, e in zip(la, lb, elig):
        rx, ry = LEVEL_RANK.get(x), LEVEL_RANK.get(y)
        if not e:
            change.append("not_applicable")
            steps.append(None)
        elif rx is None or ry is None:
            change.append("unknown")
            steps.append(None)
        else:
            change.append("up" if ry > rx else "down" if ry < rx else "same")
            steps.append(ry - rx)
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
        "steps": pd.array(steps, dtype="Int64"), "change": pd.Series(change, dtype=object)})
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


def not_reassessed(prep, cs: pd.DataFrame) -> pd.DataFrame:
    """Eligible xã recognised (standard or above) on a record of an older criteria set
    (2016-2020, or 2009) with no record of the 2021-2025 set up to the year."""
    year = int(meta_of(cs, "year"))
    vintage = meta_of(cs, "vintage")
    cols = ["unit_code", "name", "district_code", "district_name", "level", "criteria_set", "record_year",
            "provenance", "source_id"]
    if year < 2022:
        return cs.iloc[0:0][cols]
    rec = cs[cs["eligible"] & cs["level"].isin(["standard", "advanced", "model"])
             & cs["criteria_set"].isin(OLD_SETS) & (cs["basis"] != "merger")]
    keep = []
    for code in rec["unit_code"]:
        done = any(r["criteria_set"] == NEW_SET and r["year"] <= year
                   for v, c in prep.sources(vintage, "commune", code)
                   for r in prep.records.get(("commune", v, c), ()))
        keep.append(not done)
    return rec[np.array(keep, dtype=bool)][cols].reset_index(drop=True)


def criteria_lost(prep, cs: pd.DataFrame) -> pd.DataFrame:
    """Units whose latest record with criteria data shows fewer criteria met than an earlier
    record of the same criteria set (up to the year; the unit's own and 1:1 lineage records)."""
    year = int(meta_of(cs, "year"))
    lin = prep.lineage_map(meta_of(cs, "vintage"), "commune")
    rows = []
    for code, m in lin.items():
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
    return pd.DataFrame(rows, columns=["unit_code", "criteria_set", "criteria_met_before",
                                       "criteria_met_now", "record_year", "source_id"])


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
