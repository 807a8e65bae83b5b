"""Everything the dashboard and the CLI say about one province (or district) and year, as one
JSON-able dict. Pure: takes the dataset frames, reads no file.

``build_summary`` is a sequence of named parts (one function each, below), all reading one
``_Ctx`` built once: the year's statuses, counts and district units on the year's vintage.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from domain.levels import CLASSIC_LADDER, DISTRICT_RANK, criteria_set, ladder_of, weakest
from domain.text import both

from .captions import headline
from .common import MetricsInputError, json_rows, records_to_json
from .counts import COUNT_COLS, count_rows
from .criteria import commune_criteria_rows, criteria_summary_rows
from .figures import area_of, figures_for
from .holdouts import THRESHOLD, by_unit, holdout_rows
from .prepare import Prepared, as_prepared
from .progress import reported_vs_computed
from .status import commune_rows, district_rows, resolve
from .targets import prime_year, target_rows
from .transitions import criteria_lost_rows, not_reassessed_rows, transition_rows

UNIT_COLS = ["unit_code", "name", "district_code", "district_name", "level", "provenance", "source_id",
             "record_year", "basis", "mixed"]
DISTRICT_UNIT_COLS = ["unit_code", "name", "unit_type", "ladder", "level", "provenance", "source_id", "decision_no",
                      "record_year", "basis"]
CHANGE_KEYS = ("up", "down", "same", "unknown", "not_comparable")


@dataclass
class _Ctx:
    prep: Prepared
    year: int
    district_code: str | None
    rows: list           # commune_rows of the year (all communes of the vintage)
    meta: dict
    vintage: str
    two_level: bool
    dstat: list          # district_rows
    counts: list         # count_rows (province first)
    scope_code: str
    scope: dict          # the scope's count row
    in_scope: list       # the scope's commune rows
    criteria_names: object = None

    @property
    def codes(self) -> set:
        return {u["unit_code"] for u in self.in_scope}


def _context(ds, province_code, year, district_code) -> _Ctx:
    prep = as_prepared(ds, province_code)
    pc = prep.province_code
    year = int(year)
    rows, meta = commune_rows(prep, year)
    vintage = meta["vintage"]
    two_level = not prep.has_districts(vintage)
    if two_level and district_code is not None:
        raise MetricsInputError(f"vintage {vintage} of province {pc} has no district level (the two-level "
                                f"structure from 1/7/2025): no district {district_code!r} in {year}")
    counts = count_rows(rows, pc, prep.province_name)
    scope_code = pc if district_code is None else str(district_code)
    scope = next((a for a in counts if a["area_code"] == scope_code), None)
    if scope is None:
        raise MetricsInputError(f"district {district_code!r} has no communes in vintage {vintage} of province {pc}")
    in_scope = rows if district_code is None else [u for u in rows if u["district_code"] == scope_code]
    dstat = district_rows(prep, year, vintage)
    prime_year(prep, year, rows, vintage, counts, dstat)
    return _Ctx(prep, year, None if district_code is None else scope_code, rows, meta, vintage, two_level,
                dstat, counts, scope_code, scope, in_scope, getattr(ds, "criteria", None))


# ---- the parts -------------------------------------------------------------------------------

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


def _structure(c: _Ctx) -> dict:
    """Counts per area, the district level (none on a two-level vintage) and the ladder."""
    d = c.district_code
    return {
        "counts": json_rows([c.scope], COUNT_COLS)[0],
        "districts": json_rows(a for a in c.counts if a["admin_level"] == "district") if d is None else [],
        "district_units": json_rows([u for u in c.dstat if d is None or u["unit_code"] == d], DISTRICT_UNIT_COLS),
        "district_ladder": None if c.two_level else _district_ladder(c.dstat),
        "has_districts": not c.two_level,
        "criteria_set": c.scope["criteria_set"], "levels": c.scope["levels"],
    }


def _figures(c: _Ctx) -> dict:
    """THE figure of the scope for every recognised level of the year's ladder."""
    return figures_for(c.prep, c.year, c.scope_code, rows=c.rows, counts=c.counts)


def _targets(c: _Ctx) -> tuple[list, dict | None]:
    """The targets stated as of the year (kept after their year: met, met late, past due), those
    of criteria counts no ladder measures left out once past; and a note when no target of the
    year's criteria set is recorded."""
    tg = target_rows(c.prep, c.year, c.vintage, c.rows, c.counts, c.dstat)
    tg = [t for t in tg if not (t["state"] == "not_computed" and t["target_year"] is not None
                                and t["target_year"] < c.year)]
    if c.district_code is not None:
        tg = [t for t in tg if t["area_code"] in (c.scope_code, "VN") or t["area_code"] in c.codes]
    in_force = criteria_set(c.scope["criteria_set"])
    mine = [t for t in tg if t["target_year"] is not None and ladder_of(None, t["target_year"]) is in_force.ladder
            and t["state"] not in ("not_computed", "reference")]
    note = None
    if not mine:
        period = in_force.id.replace("-", "–")
        note = {"key": "no_target", "criteria_set": in_force.id, **both("metrics.caption.no_target", period=period)}
    return tg, note


def _holdouts(c: _Ctx) -> dict:
    hold, shares = holdout_rows(c.prep, c.year, c.vintage, c.rows, c.dstat, c.counts)
    if c.district_code is not None:
        hold = [h for h in hold if (h["unit_code"] in c.codes and h["admin_level"] == "commune")
                or h["unit_code"] == c.scope_code]
    return {
        "a": json_rows(h for h in hold if h["rule"] == "a" and h["listed_as"] == "holdout"),
        "b": json_rows(h for h in hold if h["rule"] == "b" and h["listed_as"] == "holdout"),
        "no_record": json_rows(h for h in hold if h["listed_as"] == "no_record"),
        "units": json_rows(by_unit(hold)),
        "threshold": THRESHOLD,
        "areas": json_rows(sh for sh in shares if not c.district_code or sh["area_code"] == c.scope_code),
    }


def _transitions(c: _Ctx, prev: dict) -> dict:
    trans = transition_rows(prev, c.rows)
    reg_nr = not_reassessed_rows(c.prep, c.rows, c.year, c.vintage)
    reg_cl = criteria_lost_rows(c.prep, c.year, c.vintage)
    if c.district_code is not None:
        trans = [t for t in trans if t["district_code"] == c.scope_code]
        reg_nr = [r for r in reg_nr if r["unit_code"] in c.codes]
        reg_cl = [r for r in reg_cl if r["unit_code"] in c.codes]
    counts = Counter(t["change"] for t in trans if t["eligible"])
    return {
        "from_year": c.year - 1, "to_year": c.year, "vintage": c.vintage,
        "counts": {k: int(counts.get(k, 0)) for k in CHANGE_KEYS},
        "changed": json_rows([t for t in trans if t["change"] in ("up", "down")],
                             ["unit_code", "name", "district_name", "level_a", "level_b", "change", "provenance_b"]),
        "regressions": {
            "level_drops": json_rows([t for t in trans if t["change"] == "down"],
                                     ["unit_code", "name", "district_name", "level_a", "level_b"]),
            "not_reassessed": json_rows(reg_nr),
            "criteria_lost": json_rows(reg_cl),
        },
    }


def _captions(c: _Ctx, figures: dict) -> dict:
    """One caption per level, written from its headline figure; ``vi``/``en`` are the first
    level's (standard)."""
    ladder = ladder_of(None, c.year)
    el = [(u["level"], u["district_name"], u["district_type"]) for u in c.in_scope if u["eligible"]]
    out = {"vi": None, "en": None, "levels": {}}
    for lvl, f in figures.items():
        below = [(dn, dt) for lv, dn, dt in el if ladder.rank(lv) is not None and ladder.rank(lv) < ladder.rank(lvl)]
        cap = {lang: headline(f, below, lang) for lang in ("vi", "en")}
        cap.update({"basis": f["basis"], "basis_source": f["aggregate_id"], "basis_as_of": f["as_of"],
                    "provenance": f["provenance"]})
        out["levels"][lvl] = cap
    first = next(iter(out["levels"].values()), None)
    if first is not None:
        out["vi"], out["en"] = first["vi"], first["en"]
    return out


def _legacy(c: _Ctx) -> dict | None:
    """On a two-level vintage before 2026 the map draws legacy levels (the lowest level of each
    unit's former xã at 30/6/2025), not a status of the new units: what the legend title must say."""
    if not c.two_level or ladder_of(None, c.year) is not CLASSIC_LADDER:
        return None
    return {"basis": "legacy", "vintage": c.vintage, **both("metrics.figure.legacy", vintage=c.vintage)}


def _notes(c: _Ctx) -> list[dict]:
    """What the numbers leave out, each {key, vi, en} (wording from the string store)."""
    notes = []
    choice = c.prep.vintage_choice(c.year)
    if not choice.exact:
        notes.append({"key": "vintage", "vi": choice.note_vi, "en": choice.note_en})
    if c.scope["unknown"]:
        notes.append({"key": "no_record", **both("metrics.note.no_record", n=int(c.scope["unknown"]), year=c.year)})
    if c.scope["not_assessed"]:
        notes.append({"key": "not_assessed", **both("metrics.note.not_assessed", n=int(c.scope["not_assessed"]),
                                                     year=c.year, set=c.scope["criteria_set"])})
    return notes


def build_summary(ds, province_code, year, district_code=None) -> dict:
    """The summary of one province (or one of its districts) for a year. ``ds`` is a Dataset or a
    ``Prepared`` of the province (reusing one skips the preparation; its caches are per year).
    Works on row dicts throughout (the frames' per-call overhead would dominate on a province).
    Keys: docs/data-model.md ("build_summary keys")."""
    c = _context(ds, province_code, year, district_code)
    prev = resolve(c.prep, c.year - 1, c.vintage, "commune")  # the previous year on this year's vintage
    rvc = reported_vs_computed(c.prep, c.year, c.rows, c.counts, c.dstat, prev)
    if c.district_code is not None:
        rvc = rvc[rvc["area_code"] == c.scope_code]
    figures = _figures(c)
    targets, targets_note = _targets(c)
    return {
        "province": {"code": c.prep.province_code, "name": c.prep.province_name},
        "scope": {"admin_level": "province" if c.district_code is None else "district", "code": c.scope_code,
                  "name": c.scope["area_name"]},
        "area": area_of(c.prep, c.vintage, c.district_code),
        "year": c.year, "vintage": c.vintage, "vintage_note": c.meta["vintage_note"],
        "merger_rule": "lowest",
        **_structure(c),
        "legacy": _legacy(c),
        "figures": figures,
        "headline": next(iter(figures.values()), None),
        "reported_vs_computed": records_to_json(rvc),
        "targets": json_rows(targets),
        "targets_note": targets_note,
        "holdouts": _holdouts(c),
        "criteria": {**criteria_summary_rows(c.in_scope, criteria_names=c.criteria_names),
                     "communes": commune_criteria_rows(c.in_scope, c.criteria_names)},
        "transitions": _transitions(c, prev),
        "captions": _captions(c, figures),
        "notes": _notes(c),
    }
