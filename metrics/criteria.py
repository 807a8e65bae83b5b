"""Criteria: distribution of criteria met per commune, averages per area, communes below a
threshold, per-commune gaps ("one criterion away"), most common missing criteria per district.

Uses criteria_met / criteria_total / missing_criteria of the record in force for each eligible
xã; figures are always grouped by criteria set (2009 / 2016-2020 / 2021-2025; Hà Tĩnh's
2016-2020 records may have 20 criteria) so no figure mixes sets.
"""
from __future__ import annotations

import pandas as pd

from .common import records_to_json

BELOW = 7  # the 2014 seed's "no commune below 7 criteria"


def _with_criteria(cs: pd.DataFrame) -> pd.DataFrame:
    return cs[cs["eligible"] & cs["criteria_met"].notna()].copy()


def _missing_list(x) -> list[str]:
    if not isinstance(x, str) or not x.strip():
        return []
    return [p.strip() for p in x.split(";") if p.strip()]


def commune_gaps(cs: pd.DataFrame) -> pd.DataFrame:
    """Per commune with criteria data: met, total, missing ids, one criterion away."""
    e = _with_criteria(cs)
    e["missing"] = e["missing_criteria"].map(_missing_list)
    e["n_missing"] = (e["criteria_total"] - e["criteria_met"]).astype("Int64")
    e["one_away"] = e["n_missing"] == 1
    return e[["unit_code", "name", "district_code", "district_name", "level", "criteria_set",
              "criteria_met", "criteria_total", "n_missing", "missing", "one_away", "record_year",
              "provenance", "source_id"]].reset_index(drop=True)


def criteria_summary(cs: pd.DataFrame, threshold: int = BELOW, criteria_names: pd.DataFrame | None = None) -> dict:
    e = _with_criteria(cs)
    n_elig = int(cs["eligible"].sum())
    out = {"eligible": n_elig, "with_criteria": int(len(e)), "threshold": threshold,
           "sets": sorted(set(e["criteria_set"].dropna())), "by_set": []}
    if len(out["sets"]) > 1:
        out["set_warning"] = "criteria data come from more than one criteria set; figures are per set"
    gaps = commune_gaps(cs)
    names = {}
    if criteria_names is not None and len(criteria_names):
        names = {(str(r.criteria_set), str(r.criterion_id)): (r.name_vi, r.name_en)
                 for r in criteria_names.itertuples(index=False)}
    for cset, g in e.groupby("criteria_set"):
        dist = g["criteria_met"].astype(int).value_counts().sort_index()
        by_d = g.groupby(["district_code", "district_name"])["criteria_met"].agg(["mean", "count"]).reset_index()
        gg = gaps[gaps["criteria_set"] == cset]
        miss = gg[["district_code", "district_name", "missing"]].explode("missing").dropna(subset=["missing"])
        common = []
        for (dc, dn), m in miss.groupby(["district_code", "district_name"]):
            top = m["missing"].value_counts().head(3)
            common.append({"district_code": dc, "district_name": dn,
                           "criteria": [{"criterion_id": k, "communes": int(v),
                                         "name_vi": names.get((cset, k), (None, None))[0],
                                         "name_en": names.get((cset, k), (None, None))[1]}
                                        for k, v in top.items()]})
        below = g[g["criteria_met"] < threshold]
        out["by_set"].append({
            "criteria_set": cset,
            "communes": int(len(g)),
            "criteria_total": sorted({int(x) for x in g["criteria_total"].dropna()}),
            "average": round(float(g["criteria_met"].mean()), 2),
            "distribution": {str(int(k)): int(v) for k, v in dist.items()},
            "districts": [{"district_code": r.district_code, "district_name": r.district_name,
                           "average": round(float(r.mean), 2), "communes": int(r.count)}
                          for r in by_d.itertuples(index=False)],
            "below_threshold": int(len(below)),
            "below_units": records_to_json(below, ["unit_code", "name", "criteria_met", "criteria_total"]),
            "one_away": records_to_json(gg[gg["one_away"]], ["unit_code", "name", "criteria_met",
                                                              "criteria_total", "missing"]),
            "common_missing": common,
            "provenance": _weakest(g["provenance"]),
        })
    return out


def _weakest(p):
    from .common import weakest
    return weakest(list(p))
