"""Status of every unit as of a year, on a boundary vintage (docs/data-model.md, domain rules).

- Status as of Y = the unit's latest record with label year <= Y (ties: strongest provenance,
  then highest level). Recognitions carry forward.
- A ``none`` record at a later year means "not recognised" for earlier years too (only for the
  unit itself, not for the parts of a merger before the merger).
- Older vintages reach the target vintage through the crosswalk: 1:1 lineages carry the record;
  a merger takes the lowest level among its parts (any unknown part -> unknown), flagged
  ``mixed`` when the parts differ. A record on the unit itself that is at least as recent wins.
- No record -> ``unknown``; phường / thị trấn -> ``not_applicable`` on the commune ladder.
"""
from __future__ import annotations

import pandas as pd

from .common import (
    COMMUNE_ELIGIBLE, DISTRICT_COMPLETED_TYPES, LADDER, MetricsInputError, PROVENANCE,
)
from .prepare import Prepared, as_prepared

OUT_COLS = ["unit_code", "vintage", "name", "unit_type", "district_code", "district_name", "eligible",
            "level", "provenance", "source_id", "decision_no", "decision_date", "record_year",
            "criteria_set", "criteria_met", "criteria_total", "missing_criteria", "mixed",
            "illustrative", "note", "record_id", "record_vintage", "basis", "parts"]
REC_COLS = ["record_id", "vintage", "year", "level", "provenance", "source_id", "decision_no",
            "decision_date", "criteria_set", "criteria_met", "criteria_total", "missing_criteria",
            "note", "level_rank", "prov_rank"]
RULES = ("lowest", "highest")


def _latest(recs: pd.DataFrame, key: str) -> pd.DataFrame:
    """One record per key: latest year, then strongest provenance, then highest level."""
    if recs.empty:
        return recs
    r = recs.sort_values([key, "year", "prov_rank", "level_rank"], ascending=[True, True, False, True])
    return r.drop_duplicates(subset=[key], keep="last").set_index(key)


def _earliest_none(recs: pd.DataFrame, key: str) -> pd.DataFrame:
    r = recs[recs["level"] == "none"]
    if r.empty:
        return r.set_index(key) if key in r.columns else r
    r = r.sort_values([key, "year", "prov_rank"], ascending=[True, True, True])
    return r.drop_duplicates(subset=[key], keep="first").set_index(key)


def resolve(prep: Prepared, year: int, vintage: str, admin_level: str, rule: str = "lowest") -> pd.DataFrame:
    """Resolved record per unit of ``vintage`` (index: unit_code); no unit metadata yet."""
    if rule not in RULES:
        raise MetricsInputError(f"unknown merger rule {rule!r}; use one of {RULES}")
    year = int(year)
    ck = (year, vintage, admin_level, rule)
    if ck in prep._status_cache:
        return prep._status_cache[ck]
    lin = prep.lineage(vintage, admin_level)
    st = prep.status[prep.status["admin_level"] == admin_level]
    recs = st.merge(lin, left_on=["vintage", "unit_code"], right_on=["src_vintage", "src_code"], how="inner")
    codes = sorted(set(prep.units_of(vintage, admin_level)["unit_code"]))
    out = pd.DataFrame(index=pd.Index(codes, name="unit_code"))

    direct = recs[recs["kind"] == "direct"]
    d_now = _latest(direct[direct["year"] <= year], "to_code")
    d_later_none = _earliest_none(direct[direct["year"] > year], "to_code")

    # mergers: resolve each part on its own, then combine per target unit
    parts_map = lin[lin["kind"] == "part"]
    merged = None
    if not parts_map.empty:
        precs = recs[recs["kind"] == "part"].copy()
        precs["pkey"] = precs["src_vintage"] + "|" + precs["src_code"]
        p_now = _latest(precs[precs["year"] <= year], "pkey")
        p_later = _earliest_none(precs[precs["year"] > year], "pkey")
        pm = parts_map.copy()
        pm["pkey"] = pm["src_vintage"] + "|" + pm["src_code"]
        pm = pm.set_index("pkey")
        cols = ["year", "level", "level_rank", "provenance", "prov_rank", "source_id", "record_id"]
        got = p_now[cols] if not p_now.empty else pd.DataFrame(columns=cols)
        pm = pm.join(got, how="left")
        if not p_later.empty:
            fill = p_later[cols].reindex(pm.index)
            miss = pm["level"].isna() & fill["level"].notna()
            for c in cols:
                pm.loc[miss, c] = fill.loc[miss, c]
        pm["level"] = pm["level"].fillna("unknown")
        names = prep.units[["vintage", "unit_code", "name"]]
        pm = pm.reset_index().merge(names, left_on=["src_vintage", "src_code"],
                                    right_on=["vintage", "unit_code"], how="left")
        rows = []
        for to_code, g in pm.groupby("to_code", sort=False):
            levels = list(g["level"])
            mixed = len(set(levels)) > 1
            desc = "; ".join(f"{n or c}: {lv}" + (f" ({int(y)})" if pd.notna(y) else "")
                             for n, c, lv, y in zip(g["name"], g["src_code"], levels, g["year"]))
            if "unknown" in levels:
                level, rank = "unknown", None
            else:
                ranks = g["level_rank"].astype(int)
                pick = ranks.idxmin() if rule == "lowest" else ranks.idxmax()
                level, rank = g.loc[pick, "level"], int(g.loc[pick, "level_rank"])
            known = g[g["level"] != "unknown"]
            provs = [p for p in known["provenance"] if isinstance(p, str)]
            rows.append({
                "to_code": to_code, "m_level": level, "m_rank": rank, "m_mixed": mixed, "m_parts": desc,
                "m_year": int(known["year"].max()) if len(known) else None,
                "m_prov": max(provs, key=PROVENANCE.index) if provs else None,
                "m_sources": ";".join(sorted({s for s in known["source_id"] if isinstance(s, str)})) or None,
                "m_records": ";".join(str(r) for r in known["record_id"] if isinstance(r, str)) or None,
                "m_vintage": g["src_vintage"].iloc[0],
            })
        merged = pd.DataFrame(rows).set_index("to_code")

    # assemble: start from the direct record in force
    take = REC_COLS
    res = out.join(d_now[take] if not d_now.empty else pd.DataFrame(columns=take), how="left")
    res["basis"] = None
    has_d = res["level"].notna()
    res.loc[has_d, "basis"] = ["record" if v == vintage else "crosswalk"
                               for v in res.loc[has_d, "vintage"]]
    res["mixed"] = False
    res["parts"] = None
    if merged is not None:
        res = res.join(merged, how="left")
        is_m = res["m_level"].notna()
        res.loc[is_m, "parts"] = res.loc[is_m, "m_parts"]
        res.loc[is_m, "mixed"] = res.loc[is_m, "m_mixed"].astype(bool)
        # the merger result wins over an older (or absent) direct record, when it is known
        use_m = is_m & (res["m_level"] != "unknown") & (
            res["level"].isna() | (res["year"].fillna(-1) < res["m_year"].fillna(-1)))
        res.loc[use_m, "level"] = res.loc[use_m, "m_level"]
        res.loc[use_m, "year"] = res.loc[use_m, "m_year"]
        res.loc[use_m, "provenance"] = res.loc[use_m, "m_prov"]
        res.loc[use_m, "source_id"] = res.loc[use_m, "m_sources"]
        res.loc[use_m, "record_id"] = res.loc[use_m, "m_records"]
        res.loc[use_m, "vintage"] = res.loc[use_m, "m_vintage"]
        for c in ("decision_no", "decision_date", "criteria_set", "criteria_met", "criteria_total",
                  "missing_criteria"):
            res.loc[use_m, c] = None
        res.loc[use_m, "note"] = "merger (" + rule + " level among the parts): " + res.loc[use_m, "m_parts"]
        res.loc[use_m, "basis"] = "merger"
        # a merger with an unknown part stays unknown unless the unit's own record decides
        unk_m = is_m & (res["m_level"] == "unknown") & res["level"].isna()
        res.loc[unk_m, "level"] = "unknown"
        res.loc[unk_m, "basis"] = "merger_unknown_part"
        res.loc[unk_m, "note"] = "merger with a part that has no record: " + res.loc[unk_m, "m_parts"]
        res = res.drop(columns=[c for c in res.columns if c.startswith("m_")])

    # a later "none" record means "not recognised" for earlier years (the unit itself only;
    # a merger product before the merger took effect keeps its parts' result)
    if not d_later_none.empty:
        vf = prep.vintage_row(vintage)["valid_from"]
        existed = pd.isna(vf) or pd.Timestamp(year=year, month=12, day=31) >= vf
        can = res["level"].isna() | ((res["basis"] == "merger_unknown_part") & existed)
        idx = res.index[can].intersection(d_later_none.index)
        if len(idx):
            for c in take:
                res.loc[idx, c] = d_later_none.loc[idx, c]
            res.loc[idx, "note"] = [f"not recognised: implied by the 'none' record of {int(y)}"
                                    for y in d_later_none.loc[idx, "year"]]
            res.loc[idx, "basis"] = "implied_none"
    rest = res["level"].isna()
    res.loc[rest, "level"] = "unknown"
    res.loc[rest, "basis"] = "no_record"
    # "mixed" describes a merger result; a unit's own later record is not mixed
    res["mixed"] = res["mixed"].fillna(False).astype(bool) & res["basis"].isin(["merger", "merger_unknown_part"])
    res = res.rename(columns={"year": "record_year", "vintage": "record_vintage"})
    prep._status_cache[ck] = res
    return res


def status_as_of(ds, province_code, year, vintage=None, rule="lowest") -> pd.DataFrame:
    """One row per commune of the vintage valid on 31 Dec of ``year`` (or of ``vintage``)."""
    prep = as_prepared(ds, province_code)
    note = None
    if vintage is None:
        vintage, note = prep.vintage_for(year)
    else:
        prep.vintage_row(vintage)  # validates
    res = resolve(prep, year, vintage, "commune", rule)
    com = prep.communes(vintage)
    df = com.join(res, on="unit_code", how="left")
    df["vintage"] = vintage
    df["eligible"] = df["unit_type"] == COMMUNE_ELIGIBLE
    df.loc[~df["eligible"], "level"] = "not_applicable"
    df["illustrative"] = df["provenance"] == "illustrative"
    df["mixed"] = df["mixed"].fillna(False).astype(bool)
    df["year"] = int(year)
    df = df[OUT_COLS + ["year", "district_type"]].reset_index(drop=True)
    df.attrs.update({"province_code": prep.province_code, "province_name": prep.province_name,
                     "year": int(year), "vintage": vintage, "vintage_note": note, "rule": rule})
    return df


def district_status_as_of(ds, province_code, year, vintage=None) -> pd.DataFrame:
    """One row per district-level unit: huyện on the district ladder, thị xã / thành phố on
    "completed the NTM task" (level ``completed``); no record -> ``unknown``."""
    prep = as_prepared(ds, province_code)
    note = None
    if vintage is None:
        vintage, note = prep.vintage_for(year)
    res = resolve(prep, year, vintage, "district")
    d = prep.units_of(vintage, "district")[["unit_code", "vintage", "name", "unit_type"]]
    df = d.join(res.drop(columns=["parts"]), on="unit_code", how="left")
    df["vintage"] = vintage
    df["ladder"] = ["completed_task" if t in DISTRICT_COMPLETED_TYPES else "district_ntm"
                    for t in df["unit_type"]]
    df["illustrative"] = df["provenance"] == "illustrative"
    df["year"] = int(year)
    cols = ["unit_code", "vintage", "name", "unit_type", "ladder", "level", "provenance", "source_id",
            "decision_no", "decision_date", "record_year", "record_id", "basis", "mixed",
            "illustrative", "note", "year"]
    df = df[cols].reset_index(drop=True)
    df.attrs.update({"province_code": prep.province_code, "year": int(year), "vintage": vintage,
                     "vintage_note": note})
    return df


def level_at_least(levels: pd.Series, level: str) -> pd.Series:
    """Boolean: the (known) level is at least ``level`` on the ladder."""
    r = LADDER.index(level)
    rank = levels.map({lv: i for i, lv in enumerate(LADDER)})
    return rank.fillna(-1) >= r
