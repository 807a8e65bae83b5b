"""History of one unit: its level in every year, with the record each year rests on."""
from __future__ import annotations

import pandas as pd

from .common import MetricsInputError
from .prepare import prepare
from .status import commune_status


def unit_records(ds, unit_code, vintage) -> pd.DataFrame:
    """All status records reaching the unit (its own, its 1:1 predecessors', and its merged parts')."""
    prep = _prep_for(ds, unit_code, vintage)
    lin = prep.lineage(vintage, "commune")
    m = lin[lin["to_code"] == str(unit_code)]
    recs = prep.status[prep.status["admin_level"] == "commune"].merge(
        m, left_on=["vintage", "unit_code"], right_on=["src_vintage", "src_code"])
    return recs.drop(columns=["src_vintage", "src_code", "to_code", "level_rank", "prov_rank"]) \
        .sort_values(["year", "record_id"]).reset_index(drop=True)


def _prep_for(ds, unit_code, vintage):
    units = ds.units
    row = units[(units["vintage"].astype(str) == str(vintage)) & (units["unit_code"].astype(str) == str(unit_code))]
    if row.empty:
        raise MetricsInputError(f"unit {unit_code!r} not in vintage {vintage!r}")
    return prepare(ds, str(row["province_code"].iloc[0]))


def unit_history(ds, unit_code, vintage, years=None) -> pd.DataFrame:
    """One row per year (default: first record year .. last record year, at least to the end of
    the vintage's validity, or its first year when open-ended; pass ``years`` to reach the current
    year): level, provenance, record in force, basis, criteria, changed."""
    prep = _prep_for(ds, unit_code, vintage)
    code = str(unit_code)
    recs = unit_records(ds, unit_code, vintage)
    if years is None:
        if recs.empty:
            return pd.DataFrame(columns=["year", "level"])
        y0 = int(recs["year"].min())
        row = prep.vintage_row(vintage)
        vt, vf = row["valid_to"], row["valid_from"]
        # to the end of the vintage's validity; an open one at least to its first year
        y1 = max(int(recs["year"].max()), int(vt.year) if pd.notna(vt) else int(vf.year) if pd.notna(vf) else 0)
        years = range(y0, y1 + 1)
    rows = []
    for y in years:
        s, _ = commune_status(prep, y, vintage)
        r = s[s["unit_code"] == code].iloc[0]
        rows.append({"year": int(y), **{c: r[c] for c in (
            "level", "provenance", "source_id", "decision_no", "decision_date", "record_year", "record_id",
            "basis", "criteria_set", "criteria_met", "criteria_total", "missing_criteria", "mixed", "note")}})
    df = pd.DataFrame(rows)
    df["changed"] = df["level"].ne(df["level"].shift())
    df.loc[df.index[:1], "changed"] = False
    return df
