"""Holdouts.

(a) units past their target year still below the target level: unit and district targets, and
    a province/district target of 100 % makes every xã of the area a unit target. The state is
    ``metrics.targets.unit_target_state`` (the one rule the commune panel and /area read too):
    ``past_due`` is a holdout, ``no_record`` is listed apart.
(b) the last units of an area (province or district) below a level that >= 90 % of the area's
    eligible units reached. The share is THE headline figure of the area, year and level
    (``metrics.figures``): the reported aggregate when one exists (basis 'reported'), else the
    computed count ('computed'; 'computed_incomplete' when some xã have no record, a lower bound);
    a figure counted on another structure than the map's (the 6/2025 report on the 1/7/2025 map)
    has basis 'other_structure' and lists no unit.
    Only units with a *known* level below are holdouts; eligible units without a deciding record
    are listed apart (listed_as = 'no_record').

``by_unit`` folds the rows into one per unit with every rule it meets (the /holdouts table).
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from domain.levels import UNDECIDED, ladder_of

from .common import dict_rows, meta_of
from .counts import level_counts
from .figures import COMPUTED, REPORTED, figure
from .prepare import as_prepared
from .status import commune_rows, commune_status, district_status_as_of
from .targets import concerns, map_code, target_kind, unit_target_state

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


def _rank(ladder, level) -> int:
    r = ladder.rank(level)
    return -1 if r is None else r


def _units_of(prep, t, kind, vintage, communes, districts) -> list[tuple[dict, str]]:
    """The (status row, admin level) of the units target ``t`` makes unit targets."""
    if kind == "xa_share":
        return [(u, "commune") for u in communes
                if concerns(prep, t, vintage, u["unit_code"], "commune", u) == "share"]
    if t.admin_level == "district" or t.scope == "district":
        code = map_code(prep, t.vintage, t.unit_code, vintage, "district")
        return [(u, "district") for u in districts if u["unit_code"] == code]
    code = map_code(prep, t.vintage, t.unit_code, vintage, "commune")
    return [(u, "commune") for u in communes if u["unit_code"] == code and u["eligible"]]


def rule_a(prep, year, vintage: str, communes: list[dict], districts: list[dict]) -> list[dict]:
    year = int(year)
    rows = []
    ladder = ladder_of(None, year)
    n_xa = Counter(u["district_code"] for u in communes if u["eligible"] and u["district_code"] is not None)
    n_xa[prep.province_code] = sum(1 for u in communes if u["eligible"])
    for t in prep.rows("targets"):
        if t.scope == "national" or not (t.target_year == t.target_year and t.target_year <= year):
            continue
        if ladder_of(None, int(t.target_year)) is not ladder:
            continue  # a target of another criteria set's ladder: history (its state is the targets')
        area = None
        if t.scope in ("province", "district"):
            area = prep.province_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code,
                                                                               vintage, "district")
        kind = target_kind(t, n_xa.get(area))
        if kind == "not_computed" or (kind == "xa_share" and not (
                t.target_share == t.target_share and float(t.target_share) >= 1.0 - 1e-9)):
            continue  # partial share targets are followed as gaps, not per unit
        common = {"rule": "a", "target_level": t.level, "target_year": int(t.target_year),
                  "years_overdue": year - int(t.target_year), "target_id": t.target_id}
        for u, admin in _units_of(prep, t, kind, vintage, communes, districts):
            st = unit_target_state(prep, t, year, vintage, u["unit_code"], admin)
            if st["state"] == "no_record":
                rows.append(_unit_row(u, listed_as="no_record", admin_level=admin, **common))
            elif st["state"] == "past_due":
                rows.append(_unit_row(u, listed_as="holdout", admin_level=admin, **common))
    return rows


def area_shares(prep, year, counts: list[dict], rows: list[dict] | None = None) -> list[dict]:
    """Share reached per area and level (every recognised level of the year's ladder) on THE
    headline figure of the area (see the module doc), from the ``count_rows`` of the areas."""
    if rows is None:
        rows, _ = commune_rows(prep, int(year))
    out = []
    for a in counts:
        if not a["eligible"]:
            continue
        for lvl in a["levels"]:
            f = figure(prep, year, lvl, a["area_code"], rows=rows, counts=counts)
            m = f["on_map"]
            den = f["denominator"] if f["denominator"] is not None else m["eligible"]
            basis = REPORTED if f["basis"] == REPORTED else (
                "computed_incomplete" if m["without_record"] else COMPUTED)
            if f.get("other_structure"):
                basis = "other_structure"   # counted on other units than the map's: rule (b) does not apply
            reached = f["value"] if f["value"] is not None else 0
            out.append({"area_code": a["area_code"], "area_name": a["area_name"], "admin_level": a["admin_level"],
                        "level": lvl, "reached": int(reached), "denominator": int(den),
                        "share": reached / den if den else None, "basis": basis,
                        "basis_source": f["aggregate_id"], "basis_provenance": f["provenance"],
                        "basis_as_of": f["as_of"], "unknown": m["without_record"],
                        "figure_area": f["area"]["code"]})
    return out


def rule_b(prep, year, communes: list[dict], counts: list[dict], threshold: float = THRESHOLD):
    shares = area_shares(prep, year, counts, communes)
    rows = []
    if not shares:
        return rows, shares
    el = [u for u in communes if u["eligible"]]
    ladder = ladder_of(None, year)
    for s in shares:
        if s["share"] is None or s["share"] < threshold or s["share"] >= 1.0 or s["basis"] == "other_structure":
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


REASON_KEYS = ("rule", "target_id", "target_level", "target_year", "years_overdue", "area_code", "area_name",
               "area_share", "area_reached", "area_denominator", "basis", "basis_source", "basis_provenance")
UNIT_KEYS = ("unit_code", "name", "admin_level", "unit_type", "district_code", "district_name", "level",
             "provenance", "source_id", "record_year", "mixed", "vintage", "listed_as")


def by_unit(rows: list[dict]) -> list[dict]:
    """One row per unit and listing (holdout / no_record) with every rule it meets: the unit's
    fields, ``rules`` (the distinct rule letters, e.g. ['a', 'b']) and ``reasons`` (one dict per
    rule row: rule, target, area share and its basis), ordered by admin level, then name."""
    out: dict = {}
    for r in rows:
        k = (r["admin_level"], r["unit_code"], r["listed_as"])
        u = out.get(k)
        if u is None:
            u = out[k] = {**{c: r.get(c) for c in UNIT_KEYS}, "rules": [], "reasons": []}
        if r["rule"] not in u["rules"]:
            u["rules"].append(r["rule"])
        u["reasons"].append({c: r.get(c) for c in REASON_KEYS})
    return sorted(out.values(), key=lambda u: (u["admin_level"] != "district", u["listed_as"], u["name"] or ""))


def holdouts_by_unit(ds, province_code, year, threshold=THRESHOLD) -> pd.DataFrame:
    """``holdouts`` with one row per unit and listing (see ``by_unit``): the /holdouts table."""
    df = holdouts(ds, province_code, year, threshold)
    return pd.DataFrame(by_unit(dict_rows(df)), columns=list(UNIT_KEYS) + ["rules", "reasons"])
