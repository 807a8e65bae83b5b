"""Reported vs computed figures, and progress over years."""
from __future__ import annotations

import pandas as pd

from domain.levels import CLASSIC_LADDER, LEVEL_RANK, PROV_RANK, ladder_of, weakest

from .common import rows_of
from .figures import best_reported  # noqa: F401  (the one rule choosing a reported figure; re-exported)
from .counts import level_counts
from .prepare import as_prepared
from .status import commune_status

# reported metric -> column of level_counts holding the comparable computed figure
COUNT_METRICS = {"count_standard": "atleast_standard", "count_advanced": "atleast_advanced",
                 "count_model": "atleast_model"}
ADDED_METRICS = {"added_standard": "standard", "added_advanced": "advanced", "added_model": "model"}
RANK = LEVEL_RANK      # the classic ladder: none 0 < standard < advanced < model


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


PROGRESS_COLS = ["year", "area_code", "area_name", "metric", "value", "eligible", "share", "provenance", "basis",
                 "vintage", "unknown", "criteria_set", "source_id", "aggregate_id", "as_of", "at_least", "legacy",
                 "set_change", "ladder_break", "structure_change"]


def _count_points(prep, y: int, st, meta) -> list[dict]:
    """The computed at-least counts of one year, per area and recognised level of the year's
    ladder. A year in which no eligible xã of the area has a deciding record is a gap (value
    None, never 0); with some xã undecided the count is a lower bound (``at_least``)."""
    c = level_counts(st, prep.province_code, prep.province_name)
    legacy = not prep.has_districts(meta["vintage"]) and ladder_of(None, y) is CLASSIC_LADDER
    rows = []
    for a in rows_of(c):
        undecided = int(a.unknown) + int(a.not_assessed)
        for lvl in a.levels:
            gap = a.known == 0
            rows.append({"year": y, "area_code": a.area_code, "area_name": a.area_name,
                         "metric": f"count_{lvl}", "value": None if gap else getattr(a, f"atleast_{lvl}"),
                         "eligible": a.eligible, "share": None if gap else getattr(a, f"share_{lvl}"),
                         "provenance": a.weakest_provenance, "basis": "computed", "vintage": meta["vintage"],
                         "unknown": undecided, "criteria_set": a.criteria_set, "source_id": None,
                         "at_least": bool(undecided) and not gap, "legacy": legacy})
    return rows


def _criteria_points(prep, y: int, st, vintage: str) -> list[dict]:
    e = st[st["eligible"] & st["criteria_met"].notna()]
    return [{"year": y, "area_code": prep.province_code, "area_name": prep.province_name,
             "metric": "avg_criteria", "value": round(float(g["criteria_met"].mean()), 2),
             "eligible": int(len(g)), "share": None, "provenance": weakest(g["provenance"]), "basis": "computed",
             "vintage": vintage, "unknown": None, "criteria_set": cs, "source_id": None, "at_least": False,
             "legacy": False}
            for cs, g in e.groupby("criteria_set")]


def _reported_points(prep, y: int, names: dict) -> list[dict]:
    rows = []
    for r in rows_of(reported_for(prep, y)):
        share = (float(r.value) / float(r.denominator)
                 if pd.notna(r.denominator) and r.denominator and r.metric.startswith("count_") else None)
        rows.append({"year": y, "area_code": r.area_code, "area_name": names.get(r.area_code), "metric": r.metric,
                     "value": r.value, "eligible": r.denominator, "share": share, "provenance": r.provenance,
                     "basis": "reported", "vintage": None, "unknown": None, "criteria_set": None,
                     "source_id": r.source_id, "aggregate_id": r.aggregate_id, "as_of": r.as_of,
                     "at_least": False, "legacy": False})
    return rows


def _flag_breaks(df: pd.DataFrame) -> pd.DataFrame:
    """``set_change``: the criteria set in force (counts) or of the records (averages) differs
    from the previous year's; ``ladder_break``: the ladder differs, so no line may join the two
    years; ``structure_change``: the boundary vintage differs (the denominators change)."""
    df["set_change"] = False
    df["ladder_break"] = False
    df["structure_change"] = False
    comp = df["basis"] == "computed"
    counts = comp & df["metric"].str.startswith("count_")
    if counts.any():
        by_year = df[counts].groupby("year").agg(cs=("criteria_set", "first"), v=("vintage", "first"))
        ys = list(by_year.index)
        prev = {y: by_year.loc[ys[i - 1]] for i, y in enumerate(ys) if i}
        sc = {y: prev[y]["cs"] != by_year.loc[y, "cs"] for y in prev}
        lb = {y: ladder_of(prev[y]["cs"]) is not ladder_of(by_year.loc[y, "cs"]) for y in prev}
        vc = {y: prev[y]["v"] != by_year.loc[y, "v"] for y in prev}
        years = df.loc[counts, "year"]
        df.loc[counts, "set_change"] = [sc.get(y, False) for y in years]
        df.loc[counts, "ladder_break"] = [lb.get(y, False) for y in years]
        df.loc[counts, "structure_change"] = [vc.get(y, False) for y in years]
    # an average whose criteria set was absent the previous year: no single trend line may be
    # drawn across a change of set without saying so
    crit = comp & (df["metric"] == "avg_criteria")
    if crit.any():
        sets_by_year = df[crit].groupby("year")["criteria_set"].agg(set).to_dict()
        years_sorted = sorted(sets_by_year)
        prev = {y: sets_by_year[years_sorted[i - 1]] for i, y in enumerate(years_sorted) if i}
        df.loc[crit, "set_change"] = [y in prev and cs not in prev[y]
                                      for y, cs in zip(df.loc[crit, "year"], df.loc[crit, "criteria_set"])]
    return df


def progress_series(ds, province_code, years) -> pd.DataFrame:
    """Long frame (PROGRESS_COLS): per year, area and metric, a computed point on the year's own
    vintage (counts at least at each level of the year's ladder; ``avg_criteria`` per criteria
    set) and every reported aggregate of the year (``basis`` 'computed' | 'reported').

    Years no record decides are gaps (value None, never 0); ``at_least`` marks a computed
    count with undecided xã (a lower bound); ``legacy`` a count of legacy levels (a year before
    2026 on the two-level vintage). ``ladder_break`` marks the first year of another ladder (2026:
    none < standard < modern): a line must break there; ``set_change`` a change of criteria set
    (a note), ``structure_change`` a change of boundary vintage.
    """
    prep = as_prepared(ds, province_code)
    names = dict(zip(prep.tables["units"]["unit_code"], prep.tables["units"]["name"]))
    rows = []
    for y in sorted({int(y) for y in years}):
        st, meta = commune_status(prep, y)
        rows += _count_points(prep, y, st, meta)
        rows += _criteria_points(prep, y, st, meta["vintage"])
        rows += _reported_points(prep, y, names)
    df = pd.DataFrame([{c: r.get(c) for c in PROGRESS_COLS} for r in rows], columns=PROGRESS_COLS)
    if df.empty:
        return df
    return _flag_breaks(df)


def series_notes(series: pd.DataFrame, area_code: str | None = None) -> list[dict]:
    """What a progress chart must say beside its lines, from a ``progress_series`` frame (one
    area's computed counts: ``area_code``, default the province's): a break of ladder, a change of
    criteria set, a change of boundary vintage, legacy levels, the gap years. Each {key, year(s),
    vi, en}; wording from the string store (``metrics.progress.*``)."""
    from domain.levels import criteria_set
    from domain.text import both
    if series is None or series.empty:
        return []
    c = series[(series["basis"] == "computed") & series["metric"].str.startswith("count_")]
    if area_code is not None:
        c = c[c["area_code"] == area_code]
    else:
        c = c[c["area_code"] == c["area_code"].iloc[0]] if len(c) else c
    by_year = c.groupby("year").agg(cs=("criteria_set", "first"), v=("vintage", "first"), lb=("ladder_break", "any"),
                                    sc=("set_change", "any"), st=("structure_change", "any"), lg=("legacy", "any"),
                                    gap=("value", lambda s: s.isna().all()))
    notes = []
    for y, r in by_year.iterrows():
        s = criteria_set(r["cs"]) if r["cs"] else None
        if r["lb"] and s:
            notes.append({"key": "ladder_break", "year": int(y),
                          **both("metrics.progress.ladder_break", year=int(y), set=s.id, decision=s.decision)})
        elif r["sc"] and s:
            notes.append({"key": "set_change", "year": int(y),
                          **both("metrics.progress.set_change", year=int(y), set=s.id, decision=s.decision)})
        if r["st"]:
            notes.append({"key": "structure_change", "year": int(y),
                          **both("metrics.progress.structure_change", year=int(y), vintage=r["v"])})
        if r["lg"]:
            notes.append({"key": "legacy", "year": int(y), **both("metrics.progress.legacy", year=int(y), vintage=r["v"])})
    gaps = [int(y) for y, r in by_year.iterrows() if r["gap"]]
    if gaps:
        notes.append({"key": "gaps", "years": gaps, **both("metrics.progress.gaps", years=", ".join(map(str, gaps)))})
    return notes
