"""Everything the dashboard and the CLI say about one province (or district) and year, as one
JSON-able dict. Pure: takes the dataset frames, reads no file."""
from __future__ import annotations

from collections import Counter

from domain.levels import DISTRICT_RANK, ladder_of, weakest

from .captions import headline
from .common import MetricsInputError, clean, json_rows, records_to_json
from .counts import COUNT_COLS, count_rows
from .criteria import criteria_summary_rows
from .holdouts import THRESHOLD, holdout_rows
from .prepare import as_prepared
from .progress import reported_vs_computed
from .status import commune_rows, district_rows, resolve
from .targets import target_rows
from .transitions import criteria_lost_rows, not_reassessed_rows, transition_rows

UNIT_COLS = ["unit_code", "name", "district_code", "district_name", "level", "provenance", "source_id",
             "record_year", "basis", "mixed"]


def _district_ladder(dstat: list[dict]) -> dict:
    rows = [(d["ladder"], d["level"], d["provenance"]) for d in dstat]
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


def build_summary(ds, province_code, year, district_code=None) -> dict:
    """The summary of one province (or one of its districts) for a year. ``ds`` is a Dataset or a
    ``Prepared`` of the province (reusing one skips the preparation; its caches are per year).
    Works on row dicts throughout (the frames' per-call overhead would dominate on a province)."""
    prep = as_prepared(ds, province_code)
    pc = prep.province_code
    year = int(year)
    cs, meta = commune_rows(prep, year)
    vintage = meta["vintage"]
    two_level = not prep.has_districts(vintage)
    if two_level and district_code is not None:
        raise MetricsInputError(f"vintage {vintage} of province {pc} has no district level (the two-level "
                                f"structure from 1/7/2025): no district {district_code!r} in {year}")
    dstat = district_rows(prep, year, vintage)
    counts = count_rows(cs, pc, prep.province_name)
    scope_code = pc if district_code is None else str(district_code)
    scope = next((a for a in counts if a["area_code"] == scope_code), None)
    if scope is None:
        raise MetricsInputError(f"district {district_code!r} has no communes in vintage {vintage} "
                                f"of province {pc}")
    in_scope = cs if district_code is None else [u for u in cs if u["district_code"] == scope_code]

    prev = resolve(prep, year - 1, vintage, "commune")  # the previous year on this year's vintage
    rvc = reported_vs_computed(prep, year, cs, counts, dstat, prev)
    tg = target_rows(prep, year, vintage, cs, counts, dstat)
    # the targets that speak to this year: not yet due, or due and unmet
    tg = [t for t in tg if t["target_year"] is None or t["target_year"] >= year or t["state"] == "past_due"]
    hold, shares = holdout_rows(prep, year, vintage, cs, dstat, counts)
    trans = transition_rows(prev, cs)
    reg_nr = not_reassessed_rows(prep, cs, year, vintage)
    reg_cl = criteria_lost_rows(prep, year, vintage)
    if district_code is not None:
        codes = {u["unit_code"] for u in in_scope}
        rvc = rvc[rvc["area_code"] == scope_code]
        tg = [t for t in tg if t["area_code"] == scope_code or t["area_code"] in codes]
        hold = [h for h in hold if (h["unit_code"] in codes and h["admin_level"] == "commune")
                or h["unit_code"] == scope_code]
        trans = [t for t in trans if t["district_code"] == scope_code]
        reg_nr = [r for r in reg_nr if r["unit_code"] in codes]
        reg_cl = [r for r in reg_cl if r["unit_code"] in codes]

    ladder = ladder_of(None, year)
    undecided = int(scope["unknown"]) + int(scope["not_assessed"])
    # captions: one per level, on the basis the holdout rule uses for this area
    captions = {"vi": None, "en": None, "levels": {}}
    el = [(u["level"], u["district_name"], u["district_type"]) for u in in_scope if u["eligible"]]
    area = None if district_code is None else (scope["area_name"], in_scope[0]["district_type"])
    for sh in shares:
        if sh["area_code"] != scope_code:
            continue
        lvl = sh["level"]
        below = [(dn, dt) for lv, dn, dt in el if ladder.rank(lv) is not None and ladder.rank(lv) < ladder.rank(lvl)]
        c = {lang: headline(year, vintage, int(sh["reached"]), int(sh["denominator"]), sh["basis"],
                            sh["basis_provenance"], below, undecided, lang, lvl, area,
                            sh["basis_as_of"])
             for lang in ("vi", "en")}
        c.update({"basis": sh["basis"], "basis_source": clean(sh["basis_source"]),
                  "basis_as_of": clean(sh["basis_as_of"]), "provenance": clean(sh["basis_provenance"])})
        captions["levels"][lvl] = c
    if "standard" in captions["levels"]:
        captions["vi"] = captions["levels"]["standard"]["vi"]
        captions["en"] = captions["levels"]["standard"]["en"]

    tcounts = Counter(t["change"] for t in trans if t["eligible"])
    holdouts = {
        "a": json_rows(h for h in hold if h["rule"] == "a" and h["listed_as"] == "holdout"),
        "b": json_rows(h for h in hold if h["rule"] == "b" and h["listed_as"] == "holdout"),
        "no_record": json_rows(h for h in hold if h["listed_as"] == "no_record"),
        "threshold": THRESHOLD,
        "areas": json_rows(sh for sh in shares if not district_code or sh["area_code"] == scope_code),
    }
    notes = []
    if meta["vintage_note"]:
        notes.append(meta["vintage_note"])
    if scope["unknown"]:
        notes.append(f"{int(scope['unknown'])} eligible xã have no record for {year} (unknown, not counted "
                     f"as 'none')")
    if scope["not_assessed"]:
        notes.append(f"{int(scope['not_assessed'])} eligible xã not yet assessed under criteria set "
                     f"{scope['criteria_set']} in {year} (no level of an earlier set is carried over)")
    return {
        "province": {"code": pc, "name": prep.province_name},
        "scope": {"admin_level": "province" if district_code is None else "district", "code": scope_code,
                  "name": scope["area_name"]},
        "year": year, "vintage": vintage, "vintage_note": meta["vintage_note"],
        "merger_rule": "lowest",
        "counts": json_rows([scope], COUNT_COLS)[0],
        "districts": json_rows(a for a in counts if a["admin_level"] == "district") if district_code is None
        else [],
        "district_units": json_rows([d for d in dstat if district_code is None or d["unit_code"] == scope_code],
                                    ["unit_code", "name", "unit_type", "ladder", "level", "provenance",
                                     "source_id", "decision_no", "record_year", "basis"]),
        "district_ladder": None if two_level else _district_ladder(dstat),
        "has_districts": not two_level,
        "criteria_set": scope["criteria_set"], "levels": scope["levels"],
        "reported_vs_computed": records_to_json(rvc),
        "targets": json_rows(tg),
        "holdouts": holdouts,
        "criteria": criteria_summary_rows(in_scope, criteria_names=getattr(ds, "criteria", None)),
        "transitions": {
            "from_year": year - 1, "to_year": year, "vintage": vintage,
            "counts": {k: int(tcounts.get(k, 0)) for k in ("up", "down", "same", "unknown", "not_comparable")},
            "changed": json_rows([t for t in trans if t["change"] in ("up", "down")],
                                 ["unit_code", "name", "district_name", "level_a", "level_b", "change",
                                  "provenance_b"]),
            "regressions": {
                "level_drops": json_rows([t for t in trans if t["change"] == "down"],
                                         ["unit_code", "name", "district_name", "level_a", "level_b"]),
                "not_reassessed": json_rows(reg_nr),
                "criteria_lost": json_rows(reg_cl),
            },
        },
        "captions": captions,
        "notes": notes,
    }
