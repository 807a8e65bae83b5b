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

import numpy as np
import pandas as pd

from domain.levels import CLASSIC_LADDER, LADDER, UNDECIDED, LEVEL_RANK, PROVENANCE, criteria_set_for_year
from domain.units import COMMUNE_ELIGIBLE, DISTRICT_COMPLETED_TYPES

from .common import MetricsInputError, dict_rows, meta_of
from .prepare import Prepared, as_prepared, record_order

OUT_COLS = ["unit_code", "vintage", "name", "unit_type", "district_code", "district_name", "eligible",
            "level", "provenance", "source_id", "decision_no", "decision_date", "record_year",
            "criteria_set", "criteria_met", "criteria_total", "missing_criteria", "mixed",
            "illustrative", "note", "record_id", "record_vintage", "basis", "parts"]
RULES = ("lowest", "highest")


REC_FIELDS = ("record_id", "vintage", "year", "level", "provenance", "source_id", "decision_no",
              "decision_date", "criteria_set", "criteria_met", "criteria_total", "missing_criteria", "note",
              "commune_group", "derived_from")


def _best(recs, year: int):
    """Latest record with label year <= year: latest year, then strongest provenance, then
    highest level. ``recs`` may join several sorted lists, so compare keys."""
    best = None
    key = None
    for r in recs:
        if r["year"] > year:
            continue
        k = (r["year"], -r["prov_rank"], r["level_rank"])
        if key is None or k > key:
            best, key = r, k
    return best


def _last_upto(lst, year: int):
    """The best record <= year of ONE list sorted by (year, -prov_rank, level_rank): its last
    qualifying element."""
    for r in reversed(lst):
        if r["year"] <= year:
            return r
    return None


def _later_none(recs, year: int, set_id: str):
    """The 'none' record after ``year`` that says the unit was not recognised in ``year``: the
    earliest later 'none' of the criteria set in force in ``year`` (``set_id``; strongest
    provenance on ties), provided no recognition lies between. A 'none' under another set says
    nothing of ``year`` (the unit was assessed against other criteria), and a recognition in
    between shows the status did not simply carry forward."""
    for r in sorted((r for r in recs if r["year"] > year), key=lambda r: (r["year"], r["prov_rank"])):
        if r["level"] != "none":
            return None
        if r["criteria_set"] == set_id:
            return r
    return None


def _row(r, basis, **extra):
    out = {f: r[f] for f in REC_FIELDS}
    out["basis"] = basis
    out.update(extra)
    return out


def _blank(**kw) -> dict:
    row = dict.fromkeys(REC_FIELDS)
    row.update(kw)
    return row


def _weakest(provenances):
    return max(provenances, key=lambda p: PROVENANCE.index(p) if p in PROVENANCE else 9)


def _joined(values) -> str | None:
    """Distinct non-empty values joined with ';' (first-seen order), or None."""
    out = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return ";".join(out) or None


# ---- the rules, one function each ------------------------------------------------------------

def _merged_parts(prep, recs, year, admin_level, pv, parts, set_id, rule, names, types):
    """A merger's parts of one older vintage, each resolved on its own records, then combined:
    ('decided', row) with the lowest (or highest) level, ('unknown', {'desc', 'mixed'}) when a
    part has no record, or None when no part is on the ladder (phường / thị trấn only)."""
    if admin_level == "commune":
        parts = [pc for pc in parts if types.get((pv, pc)) == COMMUNE_ELIGIBLE]
        if not parts:
            return None
    got = []
    for pc in parts:
        precs = recs.get((admin_level, pv, pc), ())
        got.append((pc, _last_upto(precs, year) or _later_none(precs, year, set_id)))
    desc = "; ".join(f"{names.get((pv, pc), pc)}: " + (f"{r['level']} ({r['year']})" if r else "unknown")
                     for pc, r in got)
    mixed = len({r["level"] if r else "unknown" for _, r in got}) > 1
    if any(r is None for _, r in got):
        return "unknown", {"desc": desc, "mixed": mixed}
    known = [r for _, r in got]
    pick = (min if rule == "lowest" else max)(known, key=lambda r: r["level_rank"])
    row = _blank(level=pick["level"], year=max(r["year"] for r in known), vintage=pv,
                 provenance=_weakest(r["provenance"] for r in known),
                 source_id=";".join(sorted({r["source_id"] for r in known if r["source_id"]})) or None,
                 record_id=_joined(r["record_id"] for r in known), criteria_set=pick["criteria_set"],
                 note=f"merger ({rule} level among the parts): {desc}", basis="merger", mixed=mixed, parts=desc)
    return "decided", row


def _by_records(prep, recs, year, vintage, admin_level, rule, code, m, existed, set_id, names, types):
    """The classic rule on a three-level vintage (docs/data-model.md, domain rules): the unit's
    own and 1:1 records, else its merger's parts, else a later 'none', else unknown."""
    lists = [recs[k] for k in ((admin_level, v, c) for v, c in m["direct"]) if k in recs]
    direct = lists[0] if len(lists) == 1 else [r for lst in lists for r in lst]
    d = (_last_upto(lists[0], year) if len(lists) == 1 else _best(direct, year)) if lists else None
    row = None if d is None else _row(d, "record" if d["vintage"] == vintage else "crosswalk")
    merged_unknown = None
    for pv, parts in m["parts"].items():
        got = _merged_parts(prep, recs, year, admin_level, pv, parts, set_id, rule, names, types)
        if got is None:
            continue
        kind, val = got
        if kind == "unknown":
            merged_unknown = val
        elif row is not None and row["year"] >= val["year"]:
            row["parts"] = val["parts"]  # the unit's own record is at least as recent: it decides
        else:
            row = val
    if row is None and merged_unknown is not None:
        row = _blank(level="unknown", basis="merger_unknown_part", mixed=merged_unknown["mixed"],
                     parts=merged_unknown["desc"],
                     note="merger with a part that has no record: " + merged_unknown["desc"])
    # a later 'none' means 'not recognised' for earlier years (the unit itself; a merger
    # product only once the merger took effect)
    if row is None or (row["basis"] == "merger_unknown_part" and existed):
        ln = _later_none(direct, year, set_id)
        if ln is not None:
            row = _row(ln, "implied_none", parts=row.get("parts") if row else None,
                       note=f"not recognised: implied by the 'none' record of {ln['year']}")
    return row or _blank(level="unknown", basis="no_record")


def _by_new_set(prep, recs, year, code, m, in_force):
    """From the year a criteria set with another ladder comes into force (2026-2030, Decision
    51/2025/QĐ-TTg), a unit's status is a record of that set, on the unit itself (or a whole 1:1
    lineage); no level of an earlier set carries over, and how a merged unit's status follows
    from its parts' is not known: without such a record the unit is ``not_assessed``."""
    lists = [[r for r in recs[k] if r["criteria_set"] == in_force.id]
             for k in (("commune", v, c) for v, c in m["direct"]) if k in recs]
    own = [r for lst in lists for r in lst]
    d = _best(own, year)
    if d is not None:
        return _row(d, "record" if d["vintage"] == m["direct"][0][0] else "crosswalk")
    ln = _later_none(own, year, in_force.id)
    if ln is not None:
        return _row(ln, "implied_none", note=f"not recognised: implied by the 'none' record of {ln['year']}")
    return _blank(level="not_assessed", basis="not_assessed", criteria_set=in_force.id,
                  note=f"not yet assessed under criteria set {in_force.id} ({in_force.decision})")


def former_units(prep, year: int, vintage: str, code: str, rule: str = "lowest") -> list[dict]:
    """The units a unit of ``vintage`` was formed from (one crosswalk step back), each with its
    status on its own vintage as of ``year`` or the last year of that vintage, whichever is
    earlier: unit_code, vintage, name, unit_type, part
    (full|partial), inferred, eligible, level, provenance, record_id, record_year, criteria_set,
    source_id. Phường / thị trấn are listed as ``not_applicable``."""
    names, types = prep.unit_names("commune")
    out = []
    for link in prep.links(vintage, code, "from"):
        pv, pc = link["vintage"], link["unit_code"]
        if (pv, pc) not in types:
            continue
        end = prep.vintage_row(pv)["valid_to"]
        as_of = year if pd.isna(end) else min(year, int(end.year))   # its level when it ceased, at the latest
        st = resolve(prep, as_of, pv, "commune", rule).get(pc) or _blank(level="unknown", basis="no_record")
        eligible = types[(pv, pc)] == COMMUNE_ELIGIBLE
        out.append({"unit_code": pc, "vintage": pv, "name": names[(pv, pc)], "unit_type": types[(pv, pc)],
                    "part": link["part"], "inferred": bool(link["inferred"]), "eligible": eligible,
                    "level": st["level"] if eligible else "not_applicable",
                    **{k: st[k] for k in ("provenance", "record_id", "record_year", "criteria_set", "source_id",
                                          "basis")}})
    return out


def _legacy(prep, recs, year, vintage, code, m, rule):
    """A unit of a two-level vintage (from 1/7/2025) on a year of the 2010-2025 ladder: its own
    record on the new vintage when there is one at least as recent, else its legacy level: the
    lowest level among its former xã as of ``year`` (phường / thị trấn excluded; any former xã
    without a record makes it unknown; ``mixed`` when they differ; partial parts named),
    provenance ``derived``, naming the records it rests on."""
    d = _last_upto(recs.get(("commune", vintage, code), ()), year)   # a record on the new unit itself
    former = former_units(prep, year, vintage, code, rule)
    xa = [f for f in former if f["eligible"]]
    desc = "; ".join(f"{f['name']}{' (partial)' if f['part'] == 'partial' else ''}: {f['level']}"
                     + (f" ({f['record_year']})" if f["record_year"] is not None else "") for f in xa)
    mixed = len({f["level"] for f in xa}) > 1
    if not xa:
        row = _blank(level="unknown", basis="legacy_no_xa", note="legacy level: no former xã (only phường / thị trấn)")
    elif any(f["level"] in UNDECIDED for f in xa):
        row = _blank(level="unknown", basis="legacy_unknown_part", mixed=mixed, parts=desc,
                     record_id=_joined(f["record_id"] for f in xa),
                     note=f"legacy level unknown: a former xã has no record ({desc})")
    else:
        ranks = [CLASSIC_LADDER.rank(f["level"]) for f in xa]
        pick = xa[ranks.index(min(ranks) if rule == "lowest" else max(ranks))]
        rids = _joined(f["record_id"] for f in xa)
        row = _blank(level=pick["level"], basis="legacy", mixed=mixed, parts=desc,
                     provenance=_weakest(["derived"] + [f["provenance"] for f in xa]),
                     year=max(f["record_year"] for f in xa), vintage=pick["vintage"],
                     criteria_set=pick["criteria_set"], record_id=rids, derived_from=rids,
                     source_id=_joined(s for f in xa for s in (f["source_id"] or "").split(";")),
                     note=f"legacy level ({rule} among the former xã, as of {year}): {desc}")
    if d is not None and (row["year"] is None or d["year"] >= row["year"]):
        row = _row(d, "record", parts=row.get("parts"))
    row["former"] = former
    return row


def _filled(prep, year: int) -> dict:
    """The records a unit the sourced records leave undecided is resolved with: per unit and
    vintage, its sourced records when one of them is of ``year`` or before, else its sourced and
    illustrative records together (the fill never replaces a sourced record)."""
    out = dict(prep.records)
    for key, fill in prep.illustrative.items():
        mine = prep.records.get(key)
        if not mine:
            out[key] = fill
        elif not any(r["year"] <= year for r in mine):
            out[key] = sorted(mine + fill, key=record_order)
    return out


def resolve(prep: Prepared, year: int, vintage: str, admin_level: str, rule: str = "lowest") -> dict:
    """Resolved record per unit of ``vintage``: {unit_code: row dict}; no unit metadata yet.

    The rule by year and vintage: a year of a criteria set with its own ladder (2026+) takes
    records of that set only (``_by_new_set``); a two-level vintage on an earlier year takes its
    units' legacy levels (``_legacy``); otherwise the records and the crosswalk (``_by_records``).
    The sourced records decide first; the illustrative fill, when present, resolves only the
    units they leave undecided (the one place of the rule "the fill fills gaps only")."""
    if rule not in RULES:
        raise MetricsInputError(f"unknown merger rule {rule!r}; use one of {RULES}")
    year = int(year)
    ck = ("resolve", year, vintage, admin_level, rule)
    if ck in prep._cache:
        return prep._cache[ck]
    in_force = criteria_set_for_year(year)
    new_set = admin_level == "commune" and in_force.ladder is not CLASSIC_LADDER
    legacy = admin_level == "commune" and not new_set and not prep.has_districts(vintage)
    lin = prep.lineage_map(vintage, admin_level)
    vf = prep.vintage_row(vintage)["valid_from"]
    existed = pd.isna(vf) or pd.Timestamp(year=year, month=12, day=31) >= vf
    names, types = prep.unit_names(admin_level)

    def one(recs, code, m):
        if new_set:
            return _by_new_set(prep, recs, year, code, m, in_force)
        if legacy:
            return _legacy(prep, recs, year, vintage, code, m, rule)
        return _by_records(prep, recs, year, vintage, admin_level, rule, code, m, existed, in_force.id, names, types)

    res = {code: one(prep.records, code, m) for code, m in lin.items()}
    if prep.illustrative and not legacy:   # a legacy level rests on former units already filled
        fill = None
        for code, m in lin.items():
            if res[code]["level"] in UNDECIDED:
                fill = fill or _filled(prep, year)
                res[code] = one(fill, code, m)   # still undecided or not, it only adds to the sourced
    for code, r in res.items():
        r["unit_code"] = code
        r["mixed"] = bool(r.get("mixed")) and r["basis"] in MERGED_BASES
        r["record_year"] = r.pop("year")
        r["record_vintage"] = r.pop("vintage")
        r.setdefault("parts", None)
        r.setdefault("former", None)
        r["set_in_force"] = in_force.id
    prep._cache[ck] = res
    return res


MERGED_BASES = ("merger", "merger_unknown_part", "legacy", "legacy_unknown_part")


def status_as_of(ds, province_code, year, vintage=None, rule="lowest") -> pd.DataFrame:
    """One row per commune of the vintage valid on 31 Dec of ``year`` (or of ``vintage``).
    ``attrs`` name the province, year, vintage (and a note when the year falls outside every
    vintage's validity) and the merger rule."""
    prep = as_prepared(ds, province_code)
    df, meta = commune_status(prep, year, vintage, rule)
    out = df.copy()
    out.attrs.update(meta)
    return out


# besides OUT_COLS: the criteria set in force that year, the record's commune group (2026-2030),
# what a derived level rests on, and (two-level vintages, 2010-2025 years) the former units
COMMUNE_COLS = OUT_COLS + ["year", "district_type", "set_in_force", "commune_group", "derived_from", "former"]
# the fields of a resolved record (``resolve``) besides its unit_code
RESOLVED_FIELDS = ("level", "provenance", "source_id", "decision_no", "decision_date", "record_year", "record_id",
                   "record_vintage", "criteria_set", "criteria_met", "criteria_total", "missing_criteria", "mixed",
                   "note", "basis", "parts", "commune_group", "derived_from", "set_in_force", "former")
DISTRICT_COLS = ["unit_code", "vintage", "name", "unit_type", "ladder", "level", "provenance", "source_id",
                 "decision_no", "decision_date", "record_year", "record_id", "basis", "mixed", "illustrative",
                 "note", "year"]


def _commune_columns(prep: Prepared, year: int, vintage: str, rule: str) -> dict:
    """The COMMUNE_COLS as lists, one entry per commune of ``vintage`` (cached on ``prep``)."""
    ck = ("commune_columns", year, vintage, rule)
    if ck not in prep._cache:
        res = resolve(prep, year, vintage, "commune", rule)
        cols = dict(prep.commune_columns(vintage))  # unit_code, vintage, name, unit_type, district_*
        got = [res[c] for c in cols["unit_code"]]
        cols.update({f: [g[f] for g in got] for f in RESOLVED_FIELDS})
        cols["eligible"] = [t == COMMUNE_ELIGIBLE for t in cols["unit_type"]]
        cols["level"] = [lv if e else "not_applicable" for lv, e in zip(cols["level"], cols["eligible"])]
        cols["illustrative"] = [p == "illustrative" for p in cols["provenance"]]
        cols["year"] = [year] * len(got)
        prep._cache[ck] = cols
    return prep._cache[ck]


def _meta(prep: Prepared, year, vintage, rule) -> dict:
    """The meta dict of a status request (the vintage of ``year`` unless given; validated)."""
    note = None
    if vintage is None:
        vintage, note = prep.vintage_for(year)
    else:
        prep.vintage_row(vintage)  # validates
    return {"province_code": prep.province_code, "province_name": prep.province_name,
            "year": int(year), "vintage": vintage, "vintage_note": note, "rule": rule}


def commune_rows(prep: Prepared, year, vintage=None, rule="lowest") -> tuple[list[dict], dict]:
    """(one dict per commune with the COMMUNE_COLS, plain Python values with None where missing;
    meta dict): the internal form of ``status_as_of``, cached on ``prep``."""
    meta = _meta(prep, year, vintage, rule)
    ck = ("commune_rows", meta["year"], meta["vintage"], rule)
    if ck not in prep._cache:
        cols = _commune_columns(prep, meta["year"], meta["vintage"], rule)
        prep._cache[ck] = ([dict(zip(COMMUNE_COLS, vals)) for vals in zip(*(cols[c] for c in COMMUNE_COLS))],
                           meta)
    return prep._cache[ck]


def commune_status(prep: Prepared, year, vintage=None, rule="lowest"):
    """(frame without attrs, meta dict): the commune status as a frame (pandas deep-copies
    ``attrs`` on every operation, which dominates the cost on frames this small)."""
    meta = _meta(prep, year, vintage, rule)
    ck = ("status", meta["year"], meta["vintage"], rule)
    if ck not in prep._cache:
        prep._cache[ck] = (make_frame(_commune_columns(prep, meta["year"], meta["vintage"], rule), COMMUNE_COLS),
                           meta)
    return prep._cache[ck]


def district_rows(prep: Prepared, year, vintage=None) -> list[dict]:
    """One dict per district-level unit (the DISTRICT_COLS): the internal form of
    ``district_status_as_of``."""
    if vintage is None:
        vintage, _ = prep.vintage_for(year)
    res = resolve(prep, year, vintage, "district")
    d = prep.unit_columns(vintage, "district")
    rows = []
    for code, name, unit_type in zip(d["unit_code"], d["name"], d["unit_type"]):
        g = res[code]
        row = {"unit_code": code, "vintage": vintage, "name": name, "unit_type": unit_type,
               "ladder": "completed_task" if unit_type in DISTRICT_COMPLETED_TYPES else "district_ntm"}
        row.update({f: g[f] for f in RESOLVED_FIELDS})
        row["illustrative"] = g["provenance"] == "illustrative"
        row["year"] = int(year)
        rows.append({f: row[f] for f in DISTRICT_COLS})
    return rows


def district_status_as_of(ds, province_code, year, vintage=None) -> pd.DataFrame:
    """One row per district-level unit: huyện on the district ladder, thị xã / thành phố on
    "completed the NTM task" (level ``completed``); no record -> ``unknown``."""
    rows = district_rows(as_prepared(ds, province_code), year, vintage)
    return make_frame({c: [r[c] for r in rows] for c in DISTRICT_COLS}, DISTRICT_COLS)


BOOL_COLS = {"eligible", "mixed", "illustrative"}
INT_COLS = {"record_year", "commune_group"}
FLOAT_COLS = {"criteria_met", "criteria_total"}


def make_frame(cols: dict, order: list) -> pd.DataFrame:
    """A frame from column lists with explicit dtypes: text as object (str/None), flags as bool,
    record_year as Int64, criteria counts as float."""
    data = {}
    for c in order:
        v = cols[c]
        if c in BOOL_COLS:
            data[c] = np.array([bool(x) for x in v], dtype=bool)
        elif c in INT_COLS:
            data[c] = pd.array([None if x is None or x != x else int(x) for x in v], dtype="Int64")
        elif c in FLOAT_COLS:
            data[c] = np.array([np.nan if x is None else float(x) for x in v], dtype=float)
        elif c == "year":
            data[c] = np.array(v, dtype=int)
        else:  # text stays object, missing stays None
            data[c] = pd.Series(v, dtype=object)
    return pd.DataFrame(data)


def level_at_least(levels: pd.Series, level: str) -> pd.Series:
    """Boolean: the (known) level is at least ``level`` on the ladder."""
    r = LADDER.index(level)
    rank = levels.map({lv: i for i, lv in enumerate(LADDER)})
    return rank.fillna(-1) >= r


def reexpress(ds, status: pd.DataFrame, to_vintage: str, rule: str = "lowest") -> pd.DataFrame:
    """Re-express a computed commune status frame on another vintage through the crosswalk:
    1:1 lineages carry the row; a merger takes the lowest level among its parts (any unknown
    part -> unknown) and is flagged ``mixed`` when the parts differ. Units of ``to_vintage``
    with no lineage from the frame's vintage are ``unknown``."""
    if rule not in RULES:
        raise MetricsInputError(f"unknown merger rule {rule!r}; use one of {RULES}")
    pc = meta_of(status, "province_code") or _province_of(ds, status)
    prep = as_prepared(ds, pc)
    from_v = meta_of(status, "vintage")
    prep.vintage_row(to_vintage)
    lin = prep.lineage_map(to_vintage, "commune")
    src = {r["unit_code"]: r for r in dict_rows(status)}
    com = prep.communes(to_vintage)
    carry = [c for c in COMMUNE_COLS if c not in ("unit_code", "vintage", "name", "unit_type", "district_code",
                                                   "district_name", "eligible", "year", "district_type")]
    rows = []
    for code in com["unit_code"]:
        m = lin[code]
        d = [c for v, c in m["direct"] if v == from_v and c in src]
        parts = [c for c in m["parts"].get(from_v, []) if c in src and src[c]["eligible"]]
        row = dict.fromkeys(carry)
        if d:
            row.update({k: src[d[0]][k] for k in carry})
            if from_v != to_vintage and row["basis"] == "record":
                row["basis"] = "crosswalk"
        elif parts:
            got = [src[c] for c in parts]
            levels = [g["level"] for g in got]
            ranks = [LEVEL_RANK.get(lv) for lv in levels]
            row["mixed"] = len(set(levels)) > 1
            row["parts"] = "; ".join(f"{g['name']}: {g['level']}" for g in got)
            if any(r is None for r in ranks):
                row["level"], row["basis"] = "unknown", "merger_unknown_part"
            else:
                i = ranks.index(min(ranks) if rule == "lowest" else max(ranks))
                row.update({k: got[i][k] for k in carry if k not in ("mixed", "parts")})
                row["provenance"] = max((g["provenance"] for g in got),
                                        key=lambda p: PROVENANCE.index(p) if p in PROVENANCE else 9)
                row["record_year"] = max(int(g["record_year"]) for g in got if not pd.isna(g["record_year"]))
                row["basis"] = "merger"
        else:
            row.update(level="unknown", basis="no_record", mixed=False)
        rows.append(row)
    out = pd.concat([com[["unit_code", "vintage", "name", "unit_type", "district_code", "district_name"]]
                     .reset_index(drop=True), pd.DataFrame(rows, columns=carry, dtype=object)], axis=1)
    out["vintage"] = to_vintage
    out["eligible"] = (out["unit_type"] == COMMUNE_ELIGIBLE).astype(bool)
    out.loc[~out["eligible"], "level"] = "not_applicable"
    out["mixed"] = out["mixed"].fillna(False).astype(bool)
    out["illustrative"] = (out["provenance"] == "illustrative").astype(bool)
    out["district_type"] = list(com["district_type"])
    out["year"] = meta_of(status, "year")
    out["record_year"] = pd.array([None if pd.isna(v) else int(v) for v in out["record_year"]], dtype="Int64")
    for c in ("criteria_met", "criteria_total"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["commune_group"] = pd.array([None if pd.isna(v) else int(v) for v in out["commune_group"]], dtype="Int64")
    out = out[COMMUNE_COLS]
    out.attrs.update({"province_code": prep.province_code, "province_name": prep.province_name,
                      "year": meta_of(status, "year"), "vintage": to_vintage, "vintage_note": None,
                      "rule": rule, "reexpressed_from": from_v})
    return out


def _province_of(ds, status):
    u = ds.units
    v = meta_of(status, "vintage")
    r = u[(u["vintage"].astype(str) == str(v)) & (u["admin_level"].astype(str) == "province")]
    if r.empty:
        raise MetricsInputError(f"cannot tell the province of vintage {v!r}")
    return str(r["unit_code"].iloc[0])
