"""Targets: the state of each target as of a year, for an area or for one unit.

A target keeps its state after its year: ``met`` (by its year, or already before it), ``met_late``
(``met_year`` says when), ``past_due`` (its year has come and it is not met), ``open`` (not yet
due, not met), ``unverified`` (the records cannot tell: the whole gap lies in xã without a deciding
record), ``no_record`` (a unit target on a unit without record), ``not_computed`` (no level on
the ladder, a province-level unit target, a count of units other than xã), ``later_set`` (a
target of a criteria set that is not yet in force that year), ``reference`` (a national comparison
target, scope ``national``: stated beside the province's, never a target of it; ``verified``
False and a ``verification`` label {vi, en} when its note starts with "NOT VERIFIED", as the
proposed ≈ 65 % of communes NTM by 2030 does). A target of a criteria set no longer in force is
stated as of the last year of its ladder (``closed``: it can no longer be met).

Share and count targets are measured on THE headline figure of their area and year
(``metrics.figures``): the reported aggregate when there is one, else the computed count; the
gap to target uses it. ``records_current`` / ``gap_min`` keep what the per-commune records say.

``unit_targets`` gives one unit's targets and their state (the commune panel, /area and the
holdouts' rule (a) read it, so they agree). Pace = average yearly change of the at-least count
over the last ``PACE_YEARS`` years (never before the first record, never across a change of
ladder), re-expressed on the current vintage; years to target = gap / pace.
"""
from __future__ import annotations

import math

import pandas as pd

from domain.levels import DISTRICT_RANK, UNDECIDED, criteria_set_for_year, ladder_of, same_ladder
from domain.text import both
from domain.units import COMMUNE_ELIGIBLE

from .common import dict_rows, meta_of
from .counts import count_rows
from .figures import COMPUTED, NO_RECORD, REPORTED, figure
from .status import commune_rows, district_rows, resolve

PACE_YEARS = 3
TARGET_COLS = ["target_id", "scope", "area_code", "area_name", "admin_level", "level", "target_year",
               "target_share", "target_count", "required", "current", "eligible", "unknown", "gap",
               "gap_min", "state", "met_year", "evaluated_year", "closed", "current_basis", "current_source",
               "current_as_of", "records_current", "pace", "pace_years", "years_to_target", "on_track",
               "provenance", "source_id", "current_provenance", "reported_current", "reported_denominator",
               "reported_gap", "reported_source", "verified", "verification", "note"]


def map_code(prep, vintage_from: str, code: str, vintage_to: str, admin_level: str):
    """A unit code of one vintage on another (1:1 or the unit a part was merged into)."""
    return prep.code_on(vintage_from, code, vintage_to, admin_level)


def _last_year_of_ladder(year: int) -> int | None:
    """The last label year of the ladder in force in ``year`` (None: open end)."""
    ladder = ladder_of(None, year)
    last = None
    y = int(year)
    while criteria_set_for_year(y).ladder is ladder:
        s = criteria_set_for_year(y)
        if s.last_label_year is None:
            return None
        last = s.last_label_year
        y = last + 1
    return last


def evaluation_year(due: int | None, year: int) -> tuple[int, bool]:
    """(the year a target is stated as of, closed): the year asked, or the last year of the
    target's ladder when that ladder is no longer in force."""
    if due is None or ladder_of(None, due) is ladder_of(None, year):
        return int(year), False
    last = _last_year_of_ladder(due)
    return (int(year), False) if last is None or last >= year else (last, True)


def pace_of(prep, year: int, vintage: str, level: str, area_code: str, current: int):
    """(pace per year, 'Y0–Y1') from the at-least counts re-expressed on ``vintage``."""
    first = prep.first_record_year()
    y0 = max(int(year) - PACE_YEARS, int(first) if first is not None else int(year))
    if y0 >= year or ladder_of(None, y0) is not ladder_of(None, year):
        return None, None   # no pace across a change of ladder
    res = resolve(prep, y0, vintage, "commune")
    ladder = ladder_of(None, year)
    whole = area_code == prep.province_code
    com = prep.commune_columns(vintage)
    before = sum(1 for c, t, d in zip(com["unit_code"], com["unit_type"], com["district_code"])
                 if t == COMMUNE_ELIGIBLE and (whole or d == area_code) and ladder.at_least(res[c]["level"], level))
    return (current - before) / (year - y0), f"{y0}–{year}"


def target_kind(t, eligible: int | None) -> str:
    """How a target row is read (docs/data-model.md, targets.csv):
    'unit' (a commune or district reaches a level), 'xa_share' (a share or count of the area's
    eligible xã at >= level; a share of 1 makes every xã a unit target for the holdouts),
    'not_computed' (no level on the ladder, a province-level unit target, or a count that does not
    match the share of the area's xã, i.e. a target on other units such as district-level units)."""
    level = t.level if isinstance(t.level, str) else None
    ladder = ladder_of(None, int(t.target_year)) if t.target_year == t.target_year else ladder_of(None, None)
    on_ladder = ladder.rank(level) is not None
    if not on_ladder and level != "completed":
        return "not_computed"
    has_share = t.target_share is not None and t.target_share == t.target_share
    has_count = t.target_count is not None and t.target_count == t.target_count
    if t.scope == "unit":
        return "unit"
    if has_share or has_count:
        if not on_ladder:
            return "not_computed"
        if has_share and has_count and eligible is not None \
                and int(t.target_count) != int(math.ceil(float(t.target_share) * eligible - 1e-9)):
            return "not_computed"
        return "xa_share"
    if t.scope == "district":
        return "unit"
    return "not_computed"


NOT_COMPUTED_WHY = "no level on the ladder, a province-level target, or a count of units other than xã"


# ---- one year's reading ----------------------------------------------------------------------

def prime_year(prep, y: int, rows: list, vintage: str, counts: list, districts: list) -> None:
    """Hand the year view already computed by a caller (the summary) to the target readings."""
    prep._cache.setdefault(("target_year_view", int(y)), {
        "rows": rows, "vintage": vintage, "counts": counts, "by_code": {r["unit_code"]: r for r in rows},
        "districts": {d["unit_code"]: d for d in districts}})


def _year(prep, y: int) -> dict:
    """The year's commune rows, counts, rows by code and district rows (built once per year)."""
    key = ("target_year_view", int(y))
    if key not in prep._cache:
        rows, meta = commune_rows(prep, int(y))
        prep._cache[key] = {"rows": rows, "vintage": meta["vintage"],
                            "counts": count_rows(rows, prep.province_code, prep.province_name),
                            "by_code": {r["unit_code"]: r for r in rows},
                            "districts": {d["unit_code"]: d for d in district_rows(prep, int(y), meta["vintage"])}}
    return prep._cache[key]


def _share_reading(prep, t, y: int) -> dict | None:
    """A share/count target read on the headline figure of its area in year ``y`` (None when
    the area has no unit in that year's vintage). ``decided``: True met, False not met, None the
    records cannot tell."""
    yv = _year(prep, y)
    area = prep.province_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code, yv["vintage"],
                                                                     "district")
    if area is None or (area != prep.province_code and area not in yv["districts"]):
        return None
    f = figure(prep, y, t.level, area, rows=yv["rows"], counts=yv["counts"])
    m = f["on_map"]
    den = f["denominator"] if f["denominator"] is not None else m["eligible"]
    req = int(t.target_count) if t.target_count == t.target_count else int(math.ceil(float(t.target_share) * den - 1e-9))
    if f["basis"] == NO_RECORD:
        return {"figure": f, "required": req, "current": None, "gap": None, "gap_min": None, "decided": None,
                "unknown": m["without_record"], "eligible": m["eligible"]}
    gap = max(0, req - int(f["value"]))
    unknown = m["without_record"] if f["basis"] == COMPUTED else 0
    gap_min = max(0, gap - unknown)
    decided = True if gap == 0 else (None if gap_min == 0 else False)
    return {"figure": f, "required": req, "current": int(f["value"]), "gap": gap, "gap_min": gap_min,
            "decided": decided, "unknown": unknown, "eligible": m["eligible"]}


def _unit_reading(prep, level: str, y: int, code: str | None, admin_level: str) -> dict | None:
    """One unit (on year ``y``'s vintage) against a target level: {'unit', 'decided' (True at
    or above, False below, None no deciding record)}; None when it is not there (or not eligible)."""
    if code is None:
        return None
    yv = _year(prep, y)
    if admin_level == "district":
        u = yv["districts"].get(code)
        if u is None:
            return None
        if u["level"] in UNDECIDED:
            return {"unit": u, "decided": None}
        return {"unit": u, "decided": DISTRICT_RANK.get(u["level"], -1) >= DISTRICT_RANK.get(level, 99)}
    u = yv["by_code"].get(code)
    if u is None or not u["eligible"]:
        return None
    ladder = ladder_of(None, y)
    if u["level"] in UNDECIDED or ladder.rank(level) is None:
        return {"unit": u, "decided": None}
    return {"unit": u, "decided": ladder.at_least(u["level"], level)}


def _state(read, due: int | None, y_eval: int) -> tuple[str, int | None, int]:
    """(state, met_year, the year that decides) from ``read(year)`` -> True (met) / False (not
    met) / None (cannot tell), stated as of ``y_eval``: met (by its year, or not yet due),
    met_late (first met after its year, ``met_year``), past_due, open, unverified. When the
    records of ``y_eval`` cannot tell, the latest year since the target's year that can decides."""
    now = read(y_eval)
    if now is True:
        if due is None or y_eval <= due:
            return "met", None, y_eval
        first = y_eval
        for y in range(y_eval - 1, due - 1, -1):  # back to its year: when was it first met?
            r = read(y)
            if r is True:
                first = y
            elif r is False:
                break
            else:
                return "met", None, y_eval   # a year without record: on time or late is not known
        return ("met", None, y_eval) if first <= due else ("met_late", first, y_eval)
    if now is False:
        return ("past_due" if due is not None and y_eval >= due else "open"), None, y_eval
    if due is not None and y_eval > due:
        for y in range(y_eval - 1, due - 1, -1):
            if read(y) is not None:
                return _state(read, due, y)
    return "unverified", None, y_eval


def _code_in(prep, vintage: str, code: str, y: int, admin_level: str):
    v = _year(prep, y)["vintage"]
    return code if v == vintage else prep.code_on(vintage, code, v, admin_level)


def unit_target_state(prep, t, year: int, vintage: str, unit_code: str, admin_level: str = "commune") -> dict:
    """THE state of target ``t`` for one unit of ``vintage`` as of ``year`` (the one rule the
    commune panel, /area and the holdouts' rule (a) share): state (met | met_late | past_due |
    open | no_record | later_set), met_year, closed, evaluated_year, level_now, unit (its status
    row in the evaluation year)."""
    due = int(t.target_year) if t.target_year == t.target_year else None
    if due is not None and ladder_of(None, due) is not ladder_of(None, year) and due > year:
        return {"state": "later_set", "met_year": None, "closed": False, "evaluated_year": None,
                "level_now": None, "unit": None}
    y_eval, closed = evaluation_year(due, year)

    def read(y):
        r = _unit_reading(prep, t.level, y, _code_in(prep, vintage, unit_code, y, admin_level), admin_level)
        return None if r is None else r["decided"]

    now = _unit_reading(prep, t.level, y_eval, _code_in(prep, vintage, unit_code, y_eval, admin_level), admin_level)
    if now is None or now["decided"] is None:   # a unit no record decides is not judged on older years
        state, met_year = "no_record", None
    else:
        state, met_year, _ = _state(read, due, y_eval)
    return {"state": state, "met_year": met_year, "closed": closed, "evaluated_year": y_eval,
            "level_now": now["unit"]["level"] if now else None, "unit": now["unit"] if now else None}


# ---- the province's targets ----------------------------------------------------------------------

def _base(t) -> dict:
    return {"target_id": t.target_id, "scope": t.scope, "level": t.level,
            "target_year": int(t.target_year) if pd.notna(t.target_year) else None,
            "target_share": None if pd.isna(t.target_share) else float(t.target_share),
            "target_count": None if pd.isna(t.target_count) else int(t.target_count),
            "provenance": t.provenance, "source_id": t.source_id, "note": getattr(t, "note", None)}


def target_rows(prep, year: int, vintage: str, communes: list[dict], counts: list[dict],
                districts: list[dict] | None = None, with_pace: bool = True) -> list[dict]:
    """One dict per target of the province (every TARGET_COLS key present), stated as of ``year``
    (see the module docstring); ``communes``/``districts`` are kept for the signature (the
    readings come from the cached year views)."""
    year = int(year)
    by_area = {r["area_code"]: r for r in counts}
    out = []
    for t in sorted(prep.rows("targets"), key=lambda t: (t.target_year if t.target_year == t.target_year else 9999,
                                                         t.target_id or "")):
        row = _target_row(prep, t, year, vintage, by_area, with_pace)
        if row is not None:
            full = dict.fromkeys(TARGET_COLS)
            full.update(row)
            out.append(full)
    return out


NOT_VERIFIED = "NOT VERIFIED"   # targets.csv note prefix of a target no text read confirms (ntm_facts)


def verified(t) -> bool:
    """False for a target whose note says NOT VERIFIED (shown only with that label)."""
    note = getattr(t, "note", None)
    return not (isinstance(note, str) and note.strip().upper().startswith(NOT_VERIFIED))


def _national_row(t, base: dict, year: int) -> dict | None:
    """A national comparison target (scope national, area VN): stated for reference, with its
    verification label; never a target of the province (no state, no gap)."""
    due = base["target_year"]
    if due is not None and ladder_of(None, due) is not ladder_of(None, year):
        return None   # a comparison of another criteria set's period
    ok = verified(t)
    return {**base, "area_code": "VN", "area_name": None, "admin_level": "national", "state": "reference",
            "verified": ok, "verification": None if ok else both("metrics.target.not_verified")}


def _target_row(prep, t, year: int, vintage: str, by_area: dict, with_pace: bool) -> dict | None:
    base = _base(t)
    due = base["target_year"]
    if t.scope == "national":
        return _national_row(t, base, year)
    area = None
    if t.scope in ("province", "district"):
        area = prep.province_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code, vintage,
                                                                         "district")
    elig = int(by_area[area]["eligible"]) if area in by_area else None
    kind = target_kind(t, elig)
    name = by_area[area]["area_name"] if area in by_area else None
    if kind == "not_computed":
        return {**base, "area_code": area or t.unit_code, "admin_level": t.admin_level, "area_name": name,
                "state": "not_computed", "note": f"{base['note'] or ''} [not computed: {NOT_COMPUTED_WHY}]"}
    if due is not None and ladder_of(None, due) is not ladder_of(None, year) and due > year:
        return {**base, "area_code": area or t.unit_code, "admin_level": t.admin_level, "area_name": name,
                "state": "later_set", "note": f"{base['note'] or ''} [a target of criteria set "
                                              f"{criteria_set_for_year(due).id}, not yet in force in {year}]"}
    if kind == "xa_share":
        return _share_row(prep, t, base, year, vintage, with_pace)
    return _unit_row(prep, t, base, year, vintage)


def _share_row(prep, t, base, year, vintage, with_pace) -> dict | None:
    y_eval, closed = evaluation_year(base["target_year"], year)
    now = _share_reading(prep, t, y_eval)
    if now is None:
        return None
    memo = {y_eval: now}

    def read(y):
        if y not in memo:
            memo[y] = _share_reading(prep, t, y)
        return None if memo[y] is None else memo[y]["decided"]

    state, met_year, y_dec = _state(read, base["target_year"], y_eval)
    now = memo[y_dec]
    f = now["figure"]
    row = {**base, "area_code": f["area"]["code"], "area_name": f["area"]["name"], "admin_level": "commune",
           "required": now["required"], "current": now["current"], "eligible": now["eligible"],
           "unknown": now["unknown"], "gap": now["gap"], "gap_min": now["gap_min"], "state": state,
           "met_year": met_year, "evaluated_year": y_dec, "closed": closed, "current_basis": f["basis"],
           "current_source": f["aggregate_id"], "current_as_of": f["as_of"], "current_provenance": f["provenance"],
           "records_current": f["on_map"]["reached"]}
    if f["basis"] == REPORTED:
        row.update(reported_current=now["current"], reported_denominator=f["denominator"],
                   reported_gap=now["gap"], reported_source=f["aggregate_id"])
    if state in ("open", "past_due") and with_pace and not closed and now["gap"]:
        pace, yrs = pace_of(prep, year, vintage, t.level, f["area"]["code"], int(f["on_map"]["reached"] or 0))
        row["pace"], row["pace_years"] = (round(pace, 3) if pace is not None else None), yrs
        due = base["target_year"]
        if pace and pace > 0:
            row["years_to_target"] = round(now["gap"] / pace, 2)
            row["on_track"] = bool(due is not None and year + now["gap"] / pace <= due)
        elif pace is not None:
            row["on_track"] = False
    return row


def _unit_row(prep, t, base, year: int, vintage: str) -> dict | None:
    admin = "district" if (t.admin_level == "district" or t.scope == "district") else "commune"
    code = map_code(prep, t.vintage, t.unit_code, vintage, admin)
    if code is None:
        return None
    st = unit_target_state(prep, t, year, vintage, code, admin)
    u = st["unit"]
    if u is None:
        return None
    decided = None if st["state"] == "no_record" else st["state"] in ("met", "met_late")
    return {**base, "area_code": u["unit_code"], "area_name": u["name"], "admin_level": t.admin_level,
            "required": 1, "eligible": 1, "unknown": int(decided is None),
            "current": None if decided is None else int(decided),
            "gap": None if decided is None else int(not decided), "state": st["state"], "met_year": st["met_year"],
            "evaluated_year": st["evaluated_year"], "closed": st["closed"], "current_basis": "record",
            "current_provenance": u["provenance"]}


# ---- one unit's targets ------------------------------------------------------------------------

def concerns(prep, t, vintage: str, unit_code: str, admin_level: str, me: dict | None) -> str | None:
    """How target ``t`` concerns a unit of ``vintage``: 'unit' (its own target), 'share' (a 100 %
    share target of its district or province: every xã of the area), or None."""
    if t.scope == "national":
        return None
    kind = target_kind(t, None)
    if kind == "unit":
        t_admin = "district" if (t.admin_level == "district" or t.scope == "district") else "commune"
        if t_admin == admin_level and map_code(prep, t.vintage, t.unit_code, vintage, admin_level) == unit_code:
            return "unit"
        return None
    if kind != "xa_share" or admin_level != "commune" or me is None or not me["eligible"]:
        return None
    if not (t.target_share == t.target_share and float(t.target_share) >= 1.0 - 1e-9):
        return None
    if t.scope == "province":
        return "share"
    return "share" if me["district_code"] is not None and \
        map_code(prep, t.vintage, t.unit_code, vintage, "district") == me["district_code"] else None


def _area_eligible(prep, t, yv: dict) -> int | None:
    """The eligible xã of a share target's area on the year's vintage."""
    area = prep.province_code if t.scope == "province" else map_code(prep, t.vintage, t.unit_code, yv["vintage"],
                                                                     "district")
    return next((int(c["eligible"]) for c in yv["counts"] if c["area_code"] == area), None)


def unit_targets(ds, province_code, year: int, unit_code: str, admin_level: str = "commune") -> list[dict]:
    """The targets that concern one unit as of ``year`` (its code resolved through the year's
    vintage), each with its state (``unit_target_state``). Dicts: target_id, scope, level,
    target_year, state, met_year, closed, evaluated_year, level_now, via ('unit' | 'share'),
    source_id, provenance, note."""
    from .prepare import as_prepared
    prep = as_prepared(ds, province_code)
    year = int(year)
    yv = _year(prep, year)
    me = yv["by_code"].get(unit_code) if admin_level == "commune" else None
    out = []
    for t in prep.rows("targets"):
        if t.target_year != t.target_year:
            continue
        via = concerns(prep, t, yv["vintage"], unit_code, admin_level, me)
        if via is None:
            continue
        if via == "share" and target_kind(t, _area_eligible(prep, t, yv)) != "xa_share":
            continue   # a count of other units (13/13 district-level units), not a target of this xã
        base = {k: v for k, v in _base(t).items() if k not in ("target_share", "target_count")}
        st = unit_target_state(prep, t, year, yv["vintage"], unit_code, admin_level)
        out.append({**base, **{k: st[k] for k in ("state", "met_year", "closed", "evaluated_year", "level_now")},
                    "via": via})
    return sorted(out, key=lambda r: (r["target_year"] or 9999, r["target_id"] or ""))


def targets_and_gaps(prep, year: int, commune_status: pd.DataFrame, counts: pd.DataFrame,
                     district_status: pd.DataFrame | None = None, with_pace: bool = True) -> pd.DataFrame:
    """``target_rows`` as a frame (integer columns as Int64)."""
    rows = target_rows(prep, year, meta_of(commune_status, "vintage"), dict_rows(commune_status),
                       dict_rows(counts), dict_rows(district_status) if district_status is not None else None,
                       with_pace)
    out = pd.DataFrame(rows, columns=TARGET_COLS)
    for c in ("target_year", "target_count", "required", "current", "eligible", "unknown", "gap", "gap_min",
              "met_year", "evaluated_year"):
        out[c] = pd.array([None if pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out


def headline_target(targets, area_code: str, level: str, year: int) -> dict | None:
    """The target a headline place states beside THE figure of an area and level (from
    ``summary["targets"]`` rows): a target on the area's xã at that level, due soonest at or after
    ``year``, else the latest one already due (a target is kept after its year: met, met late or
    missed). Share targets come before bare counts (a count may be of other units)."""
    rows = [r for r in targets or () if str(r.get("area_code")) == str(area_code) and r.get("level") == level
            and r.get("admin_level") == "commune" and r.get("target_year") is not None
            and r.get("state") not in ("not_computed", "reference", "later_set")
            and same_ladder(int(r["target_year"]), int(year))]   # a 2021–2025 target is not a 2026 one
    shares = [r for r in rows if r.get("target_share") is not None and r.get("target_count") is None]
    rows = shares or rows
    if not rows:
        return None
    ahead = sorted((r for r in rows if int(r["target_year"]) >= int(year)), key=lambda r: int(r["target_year"]))
    return ahead[0] if ahead else max(rows, key=lambda r: int(r["target_year"]))


def main_unit_target(targets: list[dict], year: int) -> dict | None:
    """The one target a table states for a unit (from ``unit_targets``): a target missed (past
    due) first, else the next one due at or after ``year``, else the latest one (met, met late)."""
    rows = [t for t in targets or () if t.get("level") and t.get("target_year") is not None
            and t.get("state") not in ("later_set", "not_computed")]
    if not rows:
        return None
    missed = [t for t in rows if t["state"] == "past_due"]
    if missed:
        return max(missed, key=lambda t: t["target_year"])
    ahead = [t for t in rows if t["target_year"] >= int(year) and t["state"] not in ("met", "met_late")]
    if ahead:
        return min(ahead, key=lambda t: t["target_year"])
    return max(rows, key=lambda t: t["target_year"])
