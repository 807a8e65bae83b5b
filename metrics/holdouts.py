"""Holdouts.

(a) units past their target year still below the target level: unit and district targets, and
    a province/district target of 100 % makes every xã of the area a unit target;
(b) the last units of an area (province or district) below a level that >= 90 % of the area's
    eligible units reached. The share comes from the computed statuses when every eligible unit
    has a record, otherwise from a reported aggregate for that area/year when there is one
    (basis 'reported'), otherwise from the computed count as a lower bound
    ('computed_incomplete'). Only units with a *known* level below are holdouts; eligible units
    without a record are listed apart (listed_as = 'no_record').
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from domain.levels import DISTRICT_RANK, ladder_of

from .common import dict_rows, meta_of
from .counts import level_counts
from .prepare import as_prepared
from .progress import best_reported
from .status import commune_status, district_status_as_of
from .targets import map_code, target_kind

THRESHOLD = 0.9
HOLDOUT_COLS = ["rule", "listed_as", "unit_code", "name", "admin_level", "unit_type", "district_code",
                "district_name", "level", "target_level", "target_year", "years_overdue", "area_code",
                "area_name", "area_share", "area_reached", "area_denominator", "basis", "basis_source",
                "basis_provenance", "target_id", "provenance", "source_id", "record_year", "mixed", "vintage"]


def _unit_row(u, **kw):
    return {"unit_code": u["unit_code"], "name": u["name"], "unit_type": u["unit_type"],
            "district_code": u.get("district_code"), "district_name": u.get("district_name"),
            "level": u["level"], "provenance": u["provenance"], "source_id": u["source_id"],
            "record_year": u["record_year"], "mixed": bool(u.get("mixed", False)), "vintage": u["vintage"], **kw}


UNIT_FIELDS = ["unit_code", "name", "unit_type", "district_code", "district_name", "level", "provenance",
               "source_id", "record_year", "mixed", "vintage", "eligible"]


UNDECIDED = ("unknown", "not_assessed")


def _rank(ladder, level) -> int:
    r = ladder.rank(level)
    return -1 if r is None else r


def rule_a(prep, year, vintage: str, communes: list[dict], districts: list[dict]) -> list[dict]:
    year = int(year)
    rows = []
    due = [t for t in prep.rows("targets") if t.target_year == t.target_year and t.target_year <= year]
    com_rows = {u["unit_code"]: u for u in communes}
    dis_rows = {u["unit_code"]: u for u in districts}
    n_xa = Counter(u["district_code"] for u in communes if u["eligible"] and u["district_code"] is not None)
    n_xa[prep.province_code] = sum(1 for u in communes if u["eligible"])
    ladder = ladder_of(None, year)
    for t in due:
        if ladder_of(None, int(t.target_year)) is not ladder:
            continue  # a target of another criteria set's ladder: its state is the targets' (history)
        if t.level not in DISTRICT_RANK and ladder.rank(t.level) is None:
            continue
        need = DISTRICT_RANK[t.level] if t.level in DISTRICT_RANK else ladder.rank(t.level)
        common = {"rule": "a", "target_level": t.level, "target_year": int(t.target_year),
                  "years_overdue": year - int(t.target_year), "target_id": t.target_id}
        area = None
        if t.scope in ("province", "district"):
            area = prep.province_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code,
                                                                               vintage, "district")
        kind = target_kind(t, n_xa.get(area))
        if kind == "not_computed":
            continue
        if kind == "xa_share":
            full = pd.notna(t.target_share) and float(t.target_share) >= 1.0 - 1e-9
            if not full:
                continue  # partial share targets are followed as gaps, not per unit
            units = [u for u in communes if u["eligible"] and (t.scope != "district" or u["district_code"] == area)]
            for u in units:
                if u["level"] in UNDECIDED:
                    rows.append(_unit_row(u, listed_as="no_record", admin_level="commune", **common))
                elif _rank(ladder, u["level"]) < need:
                    rows.append(_unit_row(u, listed_as="holdout", admin_level="commune", **common))
            continue
        if t.admin_level == "district" or t.scope == "district":
            code = map_code(prep, t.vintage, t.unit_code, vintage, "district")
            if code not in dis_rows:
                continue
            u = dis_rows[code]
            lvl = u["level"]
            if lvl == "unknown":
                rows.append(_unit_row(u, listed_as="no_record", admin_level="district", **common))
            elif DISTRICT_RANK.get(lvl, -1) < need:
                rows.append(_unit_row(u, listed_as="holdout", admin_level="district", **common))
        else:
            code = map_code(prep, t.vintage, t.unit_code, vintage, "commune")
            if code not in com_rows:
                continue
            u = com_rows[code]
            if not u["eligible"]:
                continue
            if u["level"] in UNDECIDED:
                rows.append(_unit_row(u, listed_as="no_record", admin_level="commune", **common))
            elif _rank(ladder, u["level"]) < need:
                rows.append(_unit_row(u, listed_as="holdout", admin_level="commune", **common))
    return rows


def area_shares(prep, year, counts: list[dict]) -> list[dict]:
    """Share reached per area and level, with the basis used (see module doc), from the
    ``count_rows`` of the areas."""
    rows = []
    for a in counts:
        if not a["eligible"]:
            continue
        undecided = int(a["unknown"]) + int(a.get("not_assessed") or 0)
        for lvl in a["levels"]:
            reached, den = int(a[f"atleast_{lvl}"]), int(a["eligible"])
            basis, src, prov, as_of = "computed", None, a["weakest_provenance"], None
            if undecided:
                rep = best_reported(prep, year, a["area_code"], f"count_{lvl}")
                if rep is not None:
                    reached = int(rep["value"])
                    den = int(rep["denominator"]) if rep["denominator"] == rep["denominator"] \
                        and rep["denominator"] is not None else int(a["eligible"])
                    basis, src, prov, as_of = "reported", rep["aggregate_id"], rep["provenance"], rep["as_of"]
                else:
                    basis = "computed_incomplete"
            rows.append({"area_code": a["area_code"], "area_name": a["area_name"], "admin_level": a["admin_level"],
                         "level": lvl, "reached": reached, "denominator": den,
                         "share": reached / den if den else None, "basis": basis, "basis_source": src,
                         "basis_provenance": prov, "basis_as_of": as_of, "unknown": undecided})
    return rows


def rule_b(prep, year, communes: list[dict], counts: list[dict], threshold: float = THRESHOLD):
    shares = area_shares(prep, year, counts)
    rows = []
    if not shares:
        return rows, shares
    el = [u for u in communes if u["eligible"]]
    ladder = ladder_of(None, year)
    for s in shares:
        if s["share"] is None or s["share"] < threshold or s["share"] >= 1.0:
            continue
        units = el if s["admin_level"] == "province" else [u for u in el if u["district_code"] == s["area_code"]]
        need = ladder.rank(s["level"])
        common = {"rule": "b", "target_level": s["level"], "area_code": s["area_code"], "area_name": s["area_name"],
                  "area_share": s["share"], "area_reached": s["reached"], "area_denominator": s["denominator"],
                  "basis": s["basis"], "basis_source": s["basis_source"], "basis_provenance": s["basis_provenance"],
                  "admin_level": "commune"}
        for u in units:
            if u["level"] in UNDECIDED:
                rows.append(_unit_row(u, listed_as="no_record", **common))
            elif _rank(ladder, u["level"]) < need:
                rows.append(_unit_row(u, listed_as="holdout", **common))
    return rows, shares


def holdout_rows(prep, year, vintage: str, communes: list[dict], districts: list[dict], counts: list[dict],
                 threshold=THRESHOLD) -> tuple[list[dict], list[dict]]:
    """(holdout rows, area shares) as plain dicts, from the row dicts of the communes (status on
    ``vintage``), the district-level units and the area counts; a unit below a level in both the
    province and its district is listed once (province first)."""
    seen = set()
    out = []
    b_rows, shares = rule_b(prep, year, communes, counts, threshold)
    for r in rule_a(prep, year, vintage, communes, districts) + b_rows:
        k = (r["rule"], r["listed_as"], r["unit_code"], r["admin_level"], r["target_level"])
        if k in seen:
            continue
        seen.add(k)
        row = dict.fromkeys(HOLDOUT_COLS)
        row.update(r)
        row["year"] = int(year)
        out.append(row)
    return out, shares


def holdouts_from(prep, year, cs, dstat, counts, threshold=THRESHOLD):
    """(holdouts frame, area shares frame) from the status, district status and counts frames."""
    rows, shares = holdout_rows(prep, year, meta_of(cs, "vintage"), dict_rows(cs, UNIT_FIELDS),
                                dict_rows(dstat, UNIT_FIELDS), dict_rows(counts), threshold)
    df = pd.DataFrame(rows, columns=HOLDOUT_COLS + ["year"])
    for c in ("target_year", "years_overdue", "record_year", "area_reached", "area_denominator"):
        df[c] = df[c].astype("Int64")
    return df, pd.DataFrame(shares)


def holdouts(ds, province_code, year, threshold=THRESHOLD) -> pd.DataFrame:
    """Rule a and b holdouts of the province for ``year`` (rows with listed_as = 'holdout'), and
    the eligible units the rules could not judge for lack of a record (listed_as = 'no_record')."""
    prep = as_prepared(ds, province_code)
    cs, meta = commune_status(prep, year)
    dstat = district_status_as_of(prep, prep.province_code, year)
    df, _ = holdouts_from(prep, year, cs, dstat, level_counts(cs, prep.province_code, prep.province_name),
                          threshold)
    return df
