"""Reported vs computed figures, and progress over years."""
from __future__ import annotations

import pandas as pd

from domain.levels import PROV_RANK, weakest

from .common import rows_of
from .counts import level_counts
from .prepare import as_prepared
from .status import commune_status

# reported metric -> column of level_counts holding the comparable computed figure
COUNT_METRICS = {"count_standard": "atleast_standard", "count_advanced": "atleast_advanced",
                 "count_model": "atleast_model"}
ADDED_METRICS = {"added_standard": "standard", "added_advanced": "advanced", "added_model": "model"}
RANK = {"none": 0, "standard": 1, "advanced": 2, "model": 3}


def reported_for(prep, year: int, area_code=None, metric=None) -> pd.DataFrame:
    ag = prep.aggregates
    if ag is None or ag.empty:
        return pd.DataFrame(columns=["aggregate_id", "area_code", "admin_level", "year", "as_of", "metric",
                                     "value", "denominator", "source_id", "provenance", "note"])
    m = ag["year"] == int(year)
    if area_code is not None:
        m &= ag["area_code"] == str(area_code)
    if metric is not None:
        m &= ag["metric"] == metric
    return ag[m]


def best_reported(prep, year: int, area_code: str, metric: str):
    """The reported figure to quote for an area/year/metric: the latest ``as_of`` (year-end
    figures sort after dated ones of the same year), strongest provenance on ties."""
    rows = [r for r in prep.reported(area_code, year, metric) if r["value"] == r["value"]]
    if not rows:
        return None

    def key(r):
        a = (r["as_of"] or "").replace("end-", "9999-").lstrip("~")
        return (a, -PROV_RANK.get(r["provenance"], 9))
    return max(rows, key=key)


def _levels(status) -> dict:
    """unit_code -> level, from a status frame or from a resolve() mapping."""
    if isinstance(status, dict):
        return {c: r["level"] for c, r in status.items()}
    return dict(zip(status["unit_code"], status["level"]))


RVC_COLS = ["aggregate_id", "area_code", "admin_level", "year", "metric", "as_of", "reported",
            "reported_denominator", "computed", "computed_denominator", "difference", "reported_provenance",
            "source_id", "note"]


def reported_vs_computed(prep, year, communes: list[dict], counts: list[dict], districts: list[dict] | None = None,
                         previous_status=None) -> pd.DataFrame:
    """Every reported aggregate of this year for the province or its districts, beside the
    computed figure on the year's vintage and the difference (computed - reported).
    ``communes``, ``counts`` and ``districts`` are the row dicts of ``commune_rows``,
    ``count_rows`` and ``district_rows``."""
    year = int(year)
    rows = []
    by_area = {a["area_code"]: a for a in counts}
    for r in prep.rows("aggregates"):
        if r.year != year:
            continue
        comp, comp_den, note = None, None, None
        area = by_area.get(r.area_code)
        if r.metric in COUNT_METRICS and area is not None:
            comp, comp_den = int(area[COUNT_METRICS[r.metric]]), int(area["eligible"])
            if area["unknown"]:
                note = f"{int(area['unknown'])} eligible xã have no record"
        elif r.metric == "units_total" and area is not None:
            comp = int(area["units"])
        elif r.metric in ("avg_criteria", "count_below_7") and area is not None:
            e = [u for u in communes if u["eligible"] and u["criteria_met"] is not None
                 and (r.admin_level == "province" or u["district_code"] == r.area_code)]
            if e:
                met = pd.Series([u["criteria_met"] for u in e], dtype=float)
                if r.metric == "avg_criteria":
                    comp = round(float(met.mean()), 2)
                    sets = sorted({u["criteria_set"] for u in e if u["criteria_set"] is not None})
                    note = f"average over {len(e)} xã with criteria data (sets: {', '.join(sets)})"
                else:
                    comp = int((met < 7).sum())
                    note = f"over {len(e)} xã with criteria data"
                comp_den = len(e)
        elif r.metric == "count_districts_standard" and districts is not None:
            d = [u["level"] for u in districts if u["ladder"] == "district_ntm"]
            comp = sum(1 for lv in d if RANK.get(lv, -1) >= 1)
            comp_den = len(d)
            if "unknown" in d:
                note = f"{d.count('unknown')} huyện have no record"
        elif r.metric in ADDED_METRICS and previous_status is not None:
            lvl = RANK[ADDED_METRICS[r.metric]]
            before = _levels(previous_status)
            comp = sum(1 for u in communes if u["eligible"] and RANK.get(u["level"], -1) >= lvl
                       and RANK.get(before.get(u["unit_code"]), -1) < lvl)
            note = "units reaching the level this year, previous year re-expressed on this vintage"
        diff = None
        if comp is not None and pd.notna(r.value):
            diff = round(float(comp) - float(r.value), 4)
        rows.append({"aggregate_id": r.aggregate_id, "area_code": r.area_code, "admin_level": r.admin_level,
                     "year": year, "metric": r.metric, "as_of": r.as_of,
                     "reported": None if pd.isna(r.value) else float(r.value),
                     "reported_denominator": None if pd.isna(r.denominator) else float(r.denominator),
                     "computed": comp, "computed_denominator": comp_den, "difference": diff,
                     "reported_provenance": r.provenance, "source_id": r.source_id, "note": note})
    # a frame, so that each column has one type (a computed count beside an average reads 177.0)
    return pd.DataFrame(rows, columns=RVC_COLS)


def progress_series(ds, province_code, years) -> pd.DataFrame:
    """Long frame: year, area_code, metric, value, eligible, share, provenance, basis
    ('computed' on the year's own vintage | 'reported'), vintage, unknown, criteria_set.

    ``avg_criteria`` rows carry their criteria set; a change of set between consecutive years
    is flagged in ``set_change`` so no single trend is drawn across it silently.
    """
    prep = as_prepared(ds, province_code)
    names = dict(zip(prep.tables["units"]["unit_code"], prep.tables["units"]["name"]))
    rows = []
    for y in sorted({int(y) for y in years}):
        st, meta = commune_status(prep, y)
        c = level_counts(st, prep.province_code, prep.province_name)
        v = meta["vintage"]
        for a in rows_of(c):
            for lvl in ("standard", "advanced", "model"):
                rows.append({"year": y, "area_code": a.area_code, "area_name": a.area_name,
                             "metric": f"count_{lvl}", "value": getattr(a, f"atleast_{lvl}"),
                             "eligible": a.eligible, "share": getattr(a, f"share_{lvl}"),
                             "provenance": a.weakest_provenance, "basis": "computed", "vintage": v,
                             "unknown": a.unknown, "criteria_set": None, "source_id": None})
        e = st[st["eligible"] & st["criteria_met"].notna()]
        for cs, g in e.groupby("criteria_set"):
            rows.append({"year": y, "area_code": prep.province_code, "area_name": prep.province_name,
                         "metric": "avg_criteria", "value": round(float(g["criteria_met"].mean()), 2),
                         "eligible": int(len(g)), "share": None,
                         "provenance": weakest(g["provenance"]), "basis": "computed",
                         "vintage": v, "unknown": None, "criteria_set": cs, "source_id": None})
        for r in rows_of(reported_for(prep, y)):
            share = (float(r.value) / float(r.denominator)
                     if pd.notna(r.denominator) and r.denominator and r.metric.startswith("count_")
                     else None)
            rows.append({"year": y, "area_code": r.area_code, "area_name": names.get(r.area_code),
                         "metric": r.metric,
                         "value": r.value, "eligible": r.denominator, "share": share,
                         "provenance": r.provenance, "basis": "reported", "vintage": None,
                         "unknown": None, "criteria_set": None, "source_id": r.source_id})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    # flag an average whose criteria set was absent the previous year: no single trend line
    # may be drawn across a change of set without saying so
    df["set_change"] = False
    crit = (df["metric"] == "avg_criteria") & (df["basis"] == "computed")
    if crit.any():
        sets_by_year = df[crit].groupby("year")["criteria_set"].agg(set).to_dict()
        years_sorted = sorted(sets_by_year)
        prev = {y: sets_by_year[years_sorted[i - 1]] for i, y in enumerate(years_sorted) if i}
        df.loc[crit, "set_change"] = [y in prev and cs not in prev[y]
                                      for y, cs in zip(df.loc[crit, "year"], df.loc[crit, "criteria_set"])]
    return df
