"""The status table (DESIGN §3 columns): one row = one unit's level in one year.

Each row goes through ``RULES`` in order; a rule records its errors on the validator and returns
False when the rest of the row cannot be checked. A row with no error becomes one record."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.levels import (COMPLETED, CRITERIA_SET_IDS, RECOGNISED_LEVELS, criteria_set as criteria_set_of,
                           default_criteria_set, has_provincial_criterion, ladder_of)

from ..layouts import Item, low, parse_date
from ..matching import Unit
from ..messages import err
from ..readers import cell_text
from ..validate import LEVEL_ALIASES, Validator, to_int



@dataclass
class Row:
    it: Item
    nerr: int
    ddate: date | None = None
    year: int | None = None
    level: str | None = None
    lcol: str | None = None
    cset: str | None = None
    cset_given: bool = False
    vintage: str | None = None
    district: Unit | None = None
    unit: Unit | None = None
    met: int | None = None
    total: int | None = None
    missing: list = field(default_factory=list)
    any_mark: bool = False
    group: int | None = None
    provenance: str | None = None
    decision_no: str | None = None

    def col(self, name):
        return self.it.fields.get(name, (None, None))[1]

    def value(self, name):
        return self.it.fields.get(name, (None, None))[0]


def text_fields(v: Validator, r: Row) -> bool:
    for name in ("note", "decision_no", "source", "district"):   # unit_name: checked when matching
        v.text_ok(r.it, name)
    return True


def decision_date(v: Validator, r: Row) -> bool:
    dv, dcol = r.it.fields.get("decision_date", (None, None))
    if dv is None:
        return True
    try:
        r.ddate = parse_date(dv)
    except ValueError:
        v.out.err(r.it.row, dcol, cell_text(dv), err("date_invalid"))
        return True
    if r.ddate > v.today:
        v.out.err(r.it.row, dcol, cell_text(dv), err("decision_in_future"))
    return True


def year(v: Validator, r: Row) -> bool:
    latest = min(r.ddate.year if r.ddate else v.today.year, v.today.year)
    r.year, _ = v.year(r.it, "year", latest)
    return True


def criteria_set(v: Validator, r: Row) -> bool:
    raw = cell_text(r.value("criteria_set"))
    r.cset_given = bool(raw)
    if raw and raw not in CRITERIA_SET_IDS:
        v.out.err(r.it.row, r.col("criteria_set"), raw, err("criteria_set", known=CRITERIA_SET_IDS))
        return True
    r.cset = raw or (default_criteria_set(r.year) if r.year is not None else None)
    if raw and r.year is not None and ladder_of(raw) != ladder_of(None, r.year):
        # Each set has its own ladder: a 2026 row cannot be on the 2021–2025 ladder, nor the reverse.
        v.out.err(r.it.row, r.col("criteria_set"), raw,
                  err("criteria_set_year", criteria_set=raw, year=r.year, in_force=default_criteria_set(r.year)))
        r.cset = None
    return True


def level(v: Validator, r: Row) -> bool:
    raw, r.lcol = r.it.fields.get("level", (None, None))
    lv = LEVEL_ALIASES.get(low(raw), low(raw))
    ladder = ladder_of(r.cset, r.year)
    if lv in ladder.levels or lv == COMPLETED:
        r.level = lv
    else:
        v.out.err(r.it.row, r.lcol, cell_text(raw),
                  err("level", levels=list(ladder.levels) + [COMPLETED], criteria_set=r.cset or "—"))
    return r.year is not None


def vintage(v: Validator, r: Row) -> bool:
    vv, vcol = r.it.fields.get("vintage", (None, None))
    if vv is not None:
        r.vintage = cell_text(vv)
        if r.vintage not in v.reg.vintages:
            v.out.err(r.it.row, vcol, r.vintage, err("unknown_vintage", known=v.reg.vintages))
            return False
        return True
    on = r.ddate or date(r.year, 12, 31)
    r.vintage = v.vintage(on)
    if r.vintage is None:
        v.out.err(r.it.row, None, on.isoformat(), err("no_register_on", province=v.province, day=on.isoformat()))
        return False
    return True


def unit(v: Validator, r: Row) -> bool:
    dn, dcol = r.it.fields.get("district", (None, None))
    r.district, ok = v.district(r.it, r.vintage, cell_text(dn), dcol)
    if not ok:
        return False
    r.unit = v.match(r.it, r.vintage, district=r.district)
    if r.unit is None or r.level is None:
        return False
    return v.unit_level_ok(r.it, r.unit, r.level, r.lcol)


def known_set(v: Validator, r: Row) -> bool:
    return r.cset is not None


def counts(v: Validator, r: Row) -> bool:
    ok = True
    for name, attr in (("criteria_met", "met"), ("criteria_total", "total")):
        try:
            setattr(r, attr, to_int(r.value(name)))
        except ValueError:
            v.out.err(r.it.row, r.col(name), cell_text(r.value(name)), err("not_whole", column=name))
            ok = False
    return ok


def marks(v: Validator, r: Row) -> bool:
    n = criteria_set_of(r.cset).n_criteria
    if n == 19 and (r.value("c20") is not None or r.total == 20):
        n = 20
    extra = [k for k in range(n + 1, 21) if r.value(f"c{k:02d}") is not None]
    if extra:
        v.out.err(r.it.row, r.col(f"c{extra[0]:02d}"), cell_text(r.value(f"c{extra[0]:02d}")),
                  err("criterion_outside_set", k=extra[0], criteria_set=r.cset, n=n))
        return False
    mmet, r.missing, ok, r.any_mark = v.marks(r.it, n)
    if not ok:
        return False
    if r.total is None and (r.met is not None or r.any_mark):
        r.total = n
    if r.any_mark:
        if r.met is not None and r.met != mmet:
            v.out.err(r.it.row, r.col("criteria_met"), r.met, err("marks_disagree", count=r.met, marks=mmet))
            return False
        r.met = mmet
    return True


def totals(v: Validator, r: Row) -> bool:
    tcol = r.col("criteria_total")
    if r.unit.admin_level == "district":
        # District NTM set: 9 criteria (reference/ntm_facts.md §A4).
        if r.any_mark:
            v.out.err(r.it.row, None, None, err("marks_for_district"))
            return False
        if r.total is not None and r.total != 9:
            v.out.err(r.it.row, tcol, r.total, err("district_total"))
            return False
        return _met_in_range(v, r)
    n = criteria_set_of(r.cset).n_criteria
    allowed = (n, 20) if n == 19 else (n,)
    if r.total is not None and r.total not in allowed:
        v.out.err(r.it.row, tcol, r.total, err("commune_total", criteria_set=r.cset, n=n))
        return False
    if r.total == 20 and not has_provincial_criterion(r.cset, r.unit.province_code):
        v.out.err(r.it.row, tcol, r.total, err("twenty_only_ha_tinh"))
        return False
    return _met_in_range(v, r)


def _met_in_range(v: Validator, r: Row) -> bool:
    if r.met is not None and not (0 <= r.met <= (r.total or 19)):
        v.out.err(r.it.row, r.col("criteria_met"), r.met, err("met_out_of_range", met=r.met, total=r.total))
        return False
    return True


def level_vs_criteria(v: Validator, r: Row) -> bool:
    # A recognised level (of any ladder) claims every criterion met; "none" and a town's
    # "completed" claim no count.
    if r.met is not None and r.level in RECOGNISED_LEVELS and r.met < r.total:
        v.out.err(r.it.row, r.lcol, r.level, err("level_criteria", level=r.level, met=r.met, total=r.total))
        return False
    return True


def commune_group(v: Validator, r: Row) -> bool:
    raw, gcol = r.it.fields.get("commune_group", (None, None))
    if raw is None:
        return True
    # a set with thresholds by commune group (51/2025/QĐ-TTg: Nhóm 1, 2, 3) names its groups
    groups = criteria_set_of(r.cset).commune_groups if r.cset in CRITERIA_SET_IDS else ()
    if not groups or r.unit.admin_level != "commune":
        v.out.err(r.it.row, gcol, cell_text(raw), err("group_outside_2026", criteria_set=r.cset))
        return False
    try:
        g = to_int(raw)
    except ValueError:
        g = None
    if g not in groups:
        v.out.err(r.it.row, gcol, cell_text(raw), err("commune_group", groups=groups))
        return False
    r.group = g
    return True


def provenance(v: Validator, r: Row) -> bool:
    raw, pcol = r.it.fields.get("provenance", (None, None))
    r.decision_no = cell_text(r.value("decision_no")) or None
    r.provenance = low(raw) or ("official" if r.decision_no and r.ddate else "reported")
    if r.provenance not in ("official", "reported"):
        v.out.err(r.it.row, pcol, cell_text(raw), err("import_provenance"))
        return False
    if r.provenance == "official" and not (r.decision_no and r.ddate):
        v.out.err(r.it.row, pcol, r.provenance, err("official_needs_decision"))
        return False
    return True


RULES = (text_fields, decision_date, year, criteria_set, level, vintage, unit, known_set, counts, marks,
         totals, level_vs_criteria, commune_group, provenance)


def validate(v: Validator) -> None:
    for it in v.p.items:
        r = Row(it, len(v.out.errors))
        if all(rule(v, r) for rule in RULES) and len(v.out.errors) == r.nerr:
            _add(v, r)


def _add(v: Validator, r: Row) -> None:
    counted = r.met is not None
    vals = {"criteria_set": r.cset if (counted or r.cset_given or r.cset == "2026-2030") else None,
            "criteria_met": r.met, "criteria_total": r.total if counted else None,
            "missing_criteria": ";".join(r.missing) if r.any_mark and r.missing else None,
            "decision_no": r.decision_no, "decision_date": r.ddate.isoformat() if r.ddate else None,
            "source_id": cell_text(r.value("source")) or None,
            "provenance": r.provenance, "note": cell_text(r.value("note")) or None}
    if r.group is not None:
        vals["commune_group"] = r.group
    v.add(r.it, r.unit, r.year, r.level, vals)
