"""Transitions between two years (on the later year's vintage) and regressions."""
from __future__ import annotations

import pandas as pd

from .common import LEVEL_RANK, meta_of
from .prepare import as_prepared
from .status import commune_status

OLD_SETS = ("2009", "2016-2020")
NEW_SET = "2021-2025"


def compare(sa: pd.DataFrame, sb: pd.DataFrame) -> pd.DataFrame:
    a = sa.set_index("unit_code")
    b = sb.set_index("unit_code")
    df = b[["name", "unit_type", "district_code", "district_name", "eligible", "vintage"]].copy()
    df["level_a"] = a["level"].reindex(df.index)
    df["level_b"] = b["level"]
    df["provenance_a"] = a["provenance"].reindex(df.index)
    df["provenance_b"] = b["provenance"]
    df["mixed_a"] = a["mixed"].reindex(df.index).fillna(False).astype(bool)
    ra = df["level_a"].map(LEVEL_RANK)
    rb = df["level_b"].map(LEVEL_RANK)
    df["steps"] = (rb - ra).astype("Int64")
    change = pd.Series("unknown", index=df.index, dtype=object)
    both = ra.notna() & rb.notna()
    change[both & (rb > ra)] = "up"
    change[both & (rb < ra)] = "down"
    change[both & (rb == ra)] = "same"
    change[~df["eligible"]] = "not_applicable"
    df["change"] = change
    df["year_a"] = meta_of(sa, "year")
    df["year_b"] = meta_of(sb, "year")
    return df.reset_index()


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
    if year < 2022:
        return cs.iloc[0:0]
    rec = cs[cs["eligible"] & cs["level"].isin(["standard", "advanced", "model"])
             & cs["criteria_set"].isin(OLD_SETS) & (cs["basis"] != "merger")]
    lin = prep.lineage(vintage, "commune")
    st = prep.status[(prep.status["admin_level"] == "commune") & (prep.status["year"] <= year)
                     & (prep.status["criteria_set"] == NEW_SET)]
    new = st.merge(lin, left_on=["vintage", "unit_code"], right_on=["src_vintage", "src_code"])
    done = set(new["to_code"])
    out = rec[~rec["unit_code"].isin(done)]
    return out[["unit_code", "name", "district_code", "district_name", "level", "criteria_set",
                "record_year", "provenance", "source_id"]].reset_index(drop=True)


def criteria_lost(prep, cs: pd.DataFrame) -> pd.DataFrame:
    """Units whose latest record with criteria data shows fewer criteria met than an earlier
    record of the same criteria set (up to the year)."""
    year = int(meta_of(cs, "year"))
    lin = prep.lineage(meta_of(cs, "vintage"), "commune")
    st = prep.status[(prep.status["admin_level"] == "commune") & (prep.status["year"] <= year)
                     & prep.status["criteria_met"].notna()]
    st = st.merge(lin[lin["kind"] == "direct"], left_on=["vintage", "unit_code"],
                  right_on=["src_vintage", "src_code"])
    rows = []
    for (code, cset), g in st.sort_values("year").groupby(["to_code", "criteria_set"]):
        if len(g) < 2:
            continue
        last = g.iloc[-1]
        best = g.iloc[:-1]["criteria_met"].max()
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
