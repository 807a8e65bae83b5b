"""Everything the dashboard and the CLI say about one province (or district) and year, as one
JSON-able dict. Pure: takes the dataset frames, reads no file."""
from __future__ import annotations

from .captions import headline
from .common import DISTRICT_RANK, LEVEL_RANK, MetricsInputError, clean, records_to_json, weakest
from .counts import level_counts
from .criteria import criteria_summary
from .holdouts import THRESHOLD, holdout_rows
from .prepare import as_prepared
from .progress import reported_vs_computed
from .status import commune_status, district_status_as_of, resolve
from .targets import target_rows
from .transitions import compare, criteria_lost, not_reassessed

UNIT_COLS = ["unit_code", "name", "district_code", "district_name", "level", "provenance", "source_id",
             "record_year", "basis", "mixed"]


def _district_ladder(dstat) -> dict:
    rows = list(zip(dstat["ladder"], dstat["level"], dstat["provenance"]))
    h = [lv for ladder, lv, _ in rows if ladder == "district_ntm"]
    t = [lv for ladder, lv, _ in rows if ladder == "completed_task"]
    r = [DISTRICT_RANK.get(lv, -1) for lv in h]
    return {
        "huyen": len(h),
        "huyen_standard": sum(x >= 1 for x in r), "huyen_advanced": sum(x >= 2 for x in r),
        "huyen_model": sum(x >= 3 for x in r), "huyen_unknown": h.count("unknown"),
        "towns_cities": len(t), "completed": t.count("completed"), "towns_cities_unknown": t.count("unknown"),
        "weakest_provenance": weakest([p for _, lv, p in rows if lv != "unknown"]),
    }


def _row(df, **match) -> dict | None:
    m = df
    for k, v in match.items():
        m = m[m[k] == v]
    return records_to_json(m)[0] if len(m) else None


def build_summary(ds, province_code, year, district_code=None) -> dict:
    """The summary of one province (or one of its districts) for a year. ``ds`` is a Dataset or a
    ``Prepared`` of the province (reusing one skips the preparation; its caches are per year)."""
    prep = as_prepared(ds, province_code)
    pc = prep.province_code
    year = int(year)
    cs, meta = commune_status(prep, year)
    vintage = meta["vintage"]
    dstat = district_status_as_of(prep, pc, year)
    counts = level_counts(cs, pc, prep.province_name)
    scope_code = pc if district_code is None else str(district_code)
    if scope_code not in set(counts["area_code"]):
        raise MetricsInputError(f"district {district_code!r} has no communes in vintage {vintage} "
                                f"of province {pc}")
    scope = counts[counts["area_code"] == scope_code].iloc[0]
    in_scope = cs if district_code is None else cs[cs["district_code"] == scope_code]

    prev = resolve(prep, year - 1, vintage, "commune")  # the previous year on this year's vintage
    rvc = reported_vs_computed(prep, year, cs, counts, dstat, prev)
    tg = target_rows(prep, year, cs, counts, dstat)
    # the targets that speak to this year: not yet due, or due and unmet
    tg = [t for t in tg if t["target_year"] is None or t["target_year"] >= year or t["state"] == "past_due"]
    hold, shares = holdout_rows(prep, year, cs, dstat, counts)
    trans = compare(prev, cs, year - 1)
    reg_nr = not_reassessed(prep, cs)
    reg_cl = criteria_lost(prep, cs)
    if district_code is not None:
        codes = set(in_scope["unit_code"])
        rvc = rvc[rvc["area_code"] == scope_code]
        tg = [t for t in tg if t["area_code"] == scope_code or t["area_code"] in codes]
        hold = [h for h in hold if (h["unit_code"] in codes and h["admin_level"] == "commune")
                or h["unit_code"] == scope_code]
        trans = trans[trans["district_code"] == scope_code]
        reg_nr = reg_nr[reg_nr["unit_code"].isin(codes)]
        reg_cl = reg_cl[reg_cl["unit_code"].isin(codes)]

    # captions: one per level, on the basis the holdout rule uses for this area
    captions = {"vi": None, "en": None, "levels": {}}
    el = [(lv, dn, dt) for lv, dn, dt, e in zip(in_scope["level"], in_scope["district_name"],
                                                in_scope["district_type"], in_scope["eligible"]) if e]
    area = None if district_code is None else (scope["area_name"], in_scope["district_type"].iloc[0])
    for sh in shares:
        if sh["area_code"] != scope_code:
            continue
        lvl = sh["level"]
        below = [(dn, dt) for lv, dn, dt in el if LEVEL_RANK.get(lv, 99) < LEVEL_RANK[lvl]]
        c = {lang: headline(year, vintage, int(sh["reached"]), int(sh["denominator"]), sh["basis"],
                            sh["basis_provenance"], below, int(scope["unknown"]), lang, lvl, area,
                            sh["basis_as_of"])
             for lang in ("vi", "en")}
        c.update({"basis": sh["basis"], "basis_source": clean(sh["basis_source"]),
                  "basis_as_of": clean(sh["basis_as_of"]), "provenance": clean(sh["basis_provenance"])})
        captions["levels"][lvl] = c
    if "standard" in captions["levels"]:
        captions["vi"] = captions["levels"]["standard"]["vi"]
        captions["en"] = captions["levels"]["standard"]["en"]

    tcounts = trans[trans["eligible"]]["change"].value_counts()
    js = lambda rows: [{k: clean(v) for k, v in r.items()} for r in rows]  # noqa: E731
    holdouts = {
        "a": js(h for h in hold if h["rule"] == "a" and h["listed_as"] == "holdout"),
        "b": js(h for h in hold if h["rule"] == "b" and h["listed_as"] == "holdout"),
        "no_record": js(h for h in hold if h["listed_as"] == "no_record"),
        "threshold": THRESHOLD,
        "areas": js(sh for sh in shares if not district_code or sh["area_code"] == scope_code),
    }
    notes = []
    if meta["vintage_note"]:
        notes.append(meta["vintage_note"])
    if scope["unknown"]:
        notes.append(f"{int(scope['unknown'])} eligible xã have no record for {year} (unknown, not counted "
                     f"as 'none')")
    return {
        "province": {"code": pc, "name": prep.province_name},
        "scope": {"admin_level": "province" if district_code is None else "district", "code": scope_code,
                  "name": scope["area_name"]},
        "year": year, "vintage": vintage, "vintage_note": meta["vintage_note"],
        "merger_rule": "lowest",
        "counts": records_to_json(counts[counts["area_code"] == scope_code])[0],
        "districts": records_to_json(counts[counts["admin_level"] == "district"]) if district_code is None
        else [],
        "district_units": records_to_json(dstat if district_code is None else dstat[dstat["unit_code"] == scope_code],
                                          ["unit_code", "name", "unit_type", "ladder", "level", "provenance",
                                           "source_id", "decision_no", "record_year", "basis"]),
        "district_ladder": _district_ladder(dstat),
        "reported_vs_computed": records_to_json(rvc),
        "targets": [{k: clean(v) for k, v in t.items()} for t in tg],
        "holdouts": holdouts,
        "criteria": criteria_summary(in_scope, criteria_names=getattr(ds, "criteria", None)),
        "transitions": {
            "from_year": year - 1, "to_year": year, "vintage": vintage,
            "counts": {k: int(tcounts.get(k, 0)) for k in ("up", "down", "same", "unknown")},
            "changed": records_to_json(trans[trans["change"].isin(["up", "down"])],
                                       ["unit_code", "name", "district_name", "level_a", "level_b", "change",
                                        "provenance_b"]),
            "regressions": {
                "level_drops": records_to_json(trans[trans["change"] == "down"],
                                               ["unit_code", "name", "district_name", "level_a", "level_b"]),
                "not_reassessed": records_to_json(reg_nr),
                "criteria_lost": records_to_json(reg_cl),
            },
        },
        "captions": captions,
        "notes": notes,
    }
