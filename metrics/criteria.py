"""Criteria: distribution of criteria met per commune, averages per area, communes below a
threshold, per-commune gaps ("one criterion away"), most common missing criteria per district.

Uses criteria_met / criteria_total / missing_criteria of the record in force for each eligible
xã; figures are always grouped by criteria set (2009 / 2016-2020 / 2021-2025; Hà Tĩnh's
2016-2020 records may have 20 criteria) so no figure mixes sets.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from domain.levels import weakest

from .common import dict_rows

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


CRITERIA_COLS = ["unit_code", "name", "district_code", "district_name", "eligible", "criteria_set", "criteria_met",
                 "criteria_total", "missing_criteria", "provenance"]


def criteria_summary(cs: pd.DataFrame, threshold: int = BELOW, criteria_names: pd.DataFrame | None = None) -> dict:
    """Per criteria set: communes with data, average, distribution, averages per district, communes
    below ``threshold``, communes one criterion away, the most common missing criteria per district,
    and the weakest provenance behind the figures."""
    return criteria_summary_rows(dict_rows(cs, CRITERIA_COLS), threshold, criteria_names)


def criteria_summary_rows(rows: list[dict], threshold: int = BELOW,
                          criteria_names: pd.DataFrame | None = None) -> dict:
    """``criteria_summary`` from commune status rows (dicts with the CRITERIA_COLS)."""
    n_elig = sum(1 for r in rows if r["eligible"])
    rows = [r for r in rows if r["eligible"] and r["criteria_met"] == r["criteria_met"]
            and r["criteria_met"] is not None]
    sets = sorted({r["criteria_set"] for r in rows if r["criteria_set"]})
    out = {"eligible": n_elig, "with_criteria": len(rows), "threshold": threshold, "sets": sets, "by_set": []}
    if len(sets) > 1:
        out["set_warning"] = "criteria data come from more than one criteria set; figures are per set"
    names = {}
    if criteria_names is not None and len(criteria_names):
        names = {(str(cs), str(cid)): (vi, en) for cs, cid, vi, en in zip(
            *(criteria_names[k].tolist() for k in ("criteria_set", "criterion_id", "name_vi", "name_en")))}
    for cset in sets:
        g = [r for r in rows if r["criteria_set"] == cset]
        met = [int(r["criteria_met"]) for r in g]
        dist = Counter(met)
        by_d: dict = {}
        miss_d: dict = {}
        one_away, below = [], []
        for r in g:
            key = (r["district_code"], r["district_name"])
            by_d.setdefault(key, []).append(r["criteria_met"])
            missing = _missing_list(r["missing_criteria"])
            miss_d.setdefault(key, Counter()).update(missing)
            tot = r["criteria_total"]
            if tot == tot and tot is not None and tot - r["criteria_met"] == 1:
                one_away.append({"unit_code": r["unit_code"], "name": r["name"], "criteria_met": int(r["criteria_met"]),
                                 "criteria_total": int(tot), "missing": missing})
            if r["criteria_met"] < threshold:
                below.append({"unit_code": r["unit_code"], "name": r["name"], "criteria_met": int(r["criteria_met"]),
                              "criteria_total": None if tot != tot or tot is None else int(tot)})
        common = []
        for (dc, dn), cnt in sorted(miss_d.items(), key=lambda x: (x[0][0] or "")):
            if not cnt:
                continue
            top = sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            common.append({"district_code": dc, "district_name": dn,
                           "criteria": [{"criterion_id": k, "communes": v,
                                         "name_vi": names.get((cset, k), (None, None))[0],
                                         "name_en": names.get((cset, k), (None, None))[1]} for k, v in top]})
        out["by_set"].append({
            "criteria_set": cset,
            "communes": len(g),
            "criteria_total": sorted({int(r["criteria_total"]) for r in g
                                      if r["criteria_total"] == r["criteria_total"] and r["criteria_total"] is not None}),
            "average": round(sum(met) / len(met), 2),
            "distribution": {str(k): dist[k] for k in sorted(dist)},
            "districts": [{"district_code": dc, "district_name": dn, "average": round(sum(v) / len(v), 2),
                           "communes": len(v)} for (dc, dn), v in sorted(by_d.items(), key=lambda x: x[0][0] or "")],
            "below_threshold": len(below),
            "below_units": below,
            "one_away": one_away,
            "common_missing": common,
            "provenance": weakest([r["provenance"] for r in g]),
        })
    return out


COMMUNE_CRITERIA_KEYS = ("unit_code", "name", "district_code", "district_name", "state", "criteria_set",
                         "criteria_met", "criteria_total", "met", "missing", "record_year", "provenance", "source_id")


def _set_ids(criteria_names) -> dict:
    """{criteria set: sorted criterion ids} of the criteria register (sub-criteria "05.1" left out)."""
    out: dict = {}
    if criteria_names is None or not len(criteria_names):
        return out
    for s, i in zip(criteria_names["criteria_set"].astype(str).tolist(),
                    criteria_names["criterion_id"].astype(str).tolist()):
        if "." not in i:
            out.setdefault(s, set()).add(i)
    return {s: sorted(v) for s, v in out.items()}


def commune_criteria_rows(rows: list[dict], criteria_names: pd.DataFrame | None = None) -> list[dict]:
    """Per eligible xã: the criteria met and missing when its record says: state ``recorded``
    (every missing criterion named, or none missing: ``missing`` and, when the set's list is
    known, ``met``), ``partial`` (how many are met and some of the missing named), ``count_only``
    (how many are met, not which), else ``not_recorded`` (no criteria data in the record in force:
    the /area page says so and how to fill it). ``met`` / ``missing`` are lists of criterion ids."""
    out = []
    set_ids = _set_ids(criteria_names)
    for r in rows:
        if not r["eligible"]:
            continue
        met_n, tot = r.get("criteria_met"), r.get("criteria_total")
        if r.get("basis") == "implied_none":   # the criteria of a later record say nothing of this year
            met_n, tot = None, None
        has_met = met_n is not None and met_n == met_n
        missing = _missing_list(r.get("missing_criteria")) if met_n is not None else []
        has_tot = tot is not None and tot == tot
        # every missing criterion named (or none missing): the record says which are met
        complete = has_met and has_tot and int(tot) - int(met_n) == len({m.split(".")[0] for m in missing})
        if complete:
            state = "recorded"
        elif missing:
            state = "partial"
        elif has_met:
            state = "count_only"
        else:
            state = "not_recorded"
        ids = set_ids.get(r.get("criteria_set") or "", []) if state == "recorded" else []
        gone = {m.split(".")[0] for m in missing}
        out.append({"unit_code": r["unit_code"], "name": r["name"], "district_code": r.get("district_code"),
                    "district_name": r.get("district_name"), "state": state,
                    "criteria_set": r.get("criteria_set") if state != "not_recorded" else None,
                    "criteria_met": int(met_n) if has_met else None,
                    "criteria_total": int(tot) if tot is not None and tot == tot else None,
                    "met": [i for i in ids if i not in gone] if ids else [], "missing": missing,
                    "record_year": r.get("record_year"), "provenance": r.get("provenance"),
                    "source_id": r.get("source_id")})
    return out
