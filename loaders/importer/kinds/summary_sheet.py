"""The provincial "biểu tổng hợp kết quả thực hiện tiêu chí" sheet (reference/ntm_facts.md §G):
per commune the criteria met at the reporting date and the years it reached each level.

A row may give only its latest level's year (the lower ones were earlier and are left blank, as
offices fill these sheets): the ladder implies the lower levels by that year, with the year not
known, so no record with an invented year is written (a unit at a level counts at every lower
level). Only given years that contradict each other are an error."""
from __future__ import annotations

from dataclasses import dataclass, field

from domain.levels import CLASSIC_LADDER, PROVINCIAL_CRITERION, default_criteria_set, has_provincial_criterion
from domain.units import is_eligible_commune

from ..layouts import Item
from ..matching import Unit
from ..messages import err, warn
from ..readers import cell_text
from ..validate import Validator, rank, to_int

YEAR_COLUMNS = tuple((lv, f"year_{lv}") for lv in CLASSIC_LADDER.recognised)


@dataclass
class Sheet:
    n: int                                  # criteria in the sheet (19, or 20 for Hà Tĩnh 2016–2020)
    report_date: object
    vintage: str
    cset: str
    districts: dict = field(default_factory=dict)
    implied: list = field(default_factory=list)     # rows whose lower levels the ladder implies


@dataclass
class Row:
    it: Item
    nerr: int
    unit: Unit | None = None
    met: int = 0
    missing: list | None = None
    count_col: str | None = None
    years: dict = field(default_factory=dict)       # level -> year, as given
    current: str = "none"


def validate(v: Validator) -> None:
    sheet = _sheet(v)
    if sheet is None:
        return
    for it in v.p.items:
        r = Row(it, len(v.out.errors))
        if all(rule(v, sheet, r) for rule in RULES):
            _records(v, sheet, r)
    if sheet.implied:
        v.out.warn(None, warn("ladder_implied", n=len(sheet.implied), rows=sheet.implied[:30]))


def _sheet(v: Validator) -> Sheet | None:
    """The sheet's reporting date, register and criteria set."""
    meta = v.p.meta
    n, rdate = meta["criteria_total"], meta.get("report_date")
    v.out.report_date = rdate
    if rdate is None:
        return None
    if rdate > v.today:
        v.out.err(meta.get("date_row"), None, rdate.isoformat(), err("report_in_future"))
        return None
    vintage = v.vintage(rdate)
    if vintage is None:
        v.out.err(meta.get("date_row"), None, rdate.isoformat(), err("no_register_on_report"))
        return None
    cset = PROVINCIAL_CRITERION[0] if n == 20 else default_criteria_set(rdate.year)
    if n == 20 and not has_provincial_criterion(cset, v.province):
        v.out.warn(None, warn("twenty_criteria_sheet"))
    return Sheet(n, rdate, vintage, cset)


def unit(v: Validator, s: Sheet, r: Row) -> bool:
    v.text_ok(r.it, "note")
    d = r.it.context.get("district")
    district = None
    if d:
        if d not in s.districts:
            s.districts[d] = v.district(r.it, s.vintage, d[0], v.p.meta["columns"].get("name"), row=d[1])
        district, ok = s.districts[d]
        if not ok:
            v.out.bad_rows.add(r.it.row)
            return False
    r.unit = v.match(r.it, s.vintage, code_field="code", district=district)
    return r.unit is not None


def criteria(v: Validator, s: Sheet, r: Row) -> bool:
    """The count and the per-criterion marks agree (either may be left out)."""
    met, missing, marks_ok, any_mark = v.marks(r.it, s.n)
    cnt_v, r.count_col = r.it.fields.get("count", (None, None))
    try:
        cnt = to_int(cnt_v)
    except ValueError:
        v.out.err(r.it.row, r.count_col, cell_text(cnt_v), err("not_whole", column="Số tiêu chí đạt"))
        return False
    if cnt is not None and not 0 <= cnt <= s.n:
        v.out.err(r.it.row, r.count_col, cnt, err("count_out_of_range", count=cnt, n=s.n))
        return False
    if cnt is not None and any_mark and marks_ok and cnt != met:
        v.out.err(r.it.row, r.count_col, cnt, err("marks_disagree", count=cnt, marks=met))
        return False
    if not marks_ok:
        return False
    r.met, r.missing = (cnt, None) if (cnt is not None and not any_mark) else (met, missing)
    return True


def years(v: Validator, s: Sheet, r: Row) -> bool:
    """Each given year is a year not after the report; given years follow the ladder."""
    for lv, key in YEAR_COLUMNS:
        if key in r.it.fields:
            y, _ = v.year(r.it, key, s.report_date.year, required=False)
            if y is not None:
                r.years[lv] = y
    if len(v.out.errors) > r.nerr:
        return False
    given = [(lv, r.years[lv]) for lv, _ in YEAR_COLUMNS if lv in r.years]
    for (lo, y_lo), (hi, y_hi) in zip(given, given[1:]):
        if y_hi < y_lo:
            col = v.p.meta["columns"].get(f"year_{hi}")
            v.out.err(r.it.row, col, f"{y_lo} / {y_hi}", err("year_order", low=lo, low_year=y_lo, high=hi, high_year=y_hi))
            return False
    r.current = max(r.years, key=lambda lv: rank(lv), default="none")
    return True


def eligible(v: Validator, s: Sheet, r: Row) -> bool:
    """Phường / thị trấn rows are skipped (not on the commune ladder) unless they claim a level."""
    if r.unit.admin_level == "commune" and not is_eligible_commune(r.unit.unit_type):
        if r.years:
            v.unit_level_ok(r.it, r.unit, "standard", v.p.meta["columns"].get("year_standard"))
        else:
            v.out.warn(r.it.row, warn("urban_skipped", unit=r.unit.name, unit_type=r.unit.unit_type))
        return False
    return v.unit_level_ok(r.it, r.unit, "none", None)


def level_vs_criteria(v: Validator, s: Sheet, r: Row) -> bool:
    """A level reached under the sheet's own criteria set needs every criterion met; one reached
    under an older set and short of the new one is a warning (the re-assessment)."""
    if r.current == "none" or r.met >= s.n:
        return True
    y_cur = r.years[r.current]
    if default_criteria_set(y_cur) == s.cset:
        col = r.count_col or v.p.meta["columns"].get("year_standard")
        v.out.err(r.it.row, col, f"{r.met}/{s.n}", err("recognised_short", level=r.current, year=y_cur,
                                                       met=r.met, n=s.n))
        return False
    v.out.warn(r.it.row, warn("older_set_short", unit=r.unit.name, year=y_cur, met=r.met, n=s.n, criteria_set=s.cset))
    return True


RULES = (unit, criteria, years, eligible, level_vs_criteria)


def _records(v: Validator, s: Sheet, r: Row) -> None:
    note = cell_text(r.it.fields.get("note", (None,))[0]) or None
    if any(rank(lv) < rank(r.current) and lv not in r.years for lv, _ in YEAR_COLUMNS):
        s.implied.append(r.it.row)
    for lv, y in r.years.items():
        if y != s.report_date.year or lv != r.current:
            v.add(r.it, r.unit, y, lv, {"criteria_set": default_criteria_set(y), "provenance": "reported"})
    v.add(r.it, r.unit, s.report_date.year, r.current, {
        "criteria_set": s.cset, "criteria_met": r.met, "criteria_total": s.n,
        "missing_criteria": ";".join(r.missing) if r.missing else None,
        "provenance": "reported", "note": note})
