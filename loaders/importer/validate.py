"""Validation: turn layout items into store records, collecting every error.

The ``Validator`` holds what every layout shares (the register, the province, the account's
scope, the rules for units, years, marks and text); each kind's own rules live in
``loaders/importer/kinds/``; the rules across rows (conflicts, duplicates) are at the end of this
module and the rules against the store in ``store_rules``. Each error names the row, the column
and the value and carries a message code (wording in the string store, see ``messages``).
Nothing here writes to the database."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from domain.levels import COMPLETED, DISTRICT_RANK, TOWN_LEVELS, ladder_of
from domain.units import DISTRICT_COMPLETED_TYPES, DISTRICT_LADDER_TYPES, is_eligible_commune
from domain.years import FIRST_YEAR, LAST_YEAR

from .layouts import MET, NOT_MET, Item, Parsed, low
from .matching import Register, Unit, vintage_for
from .messages import Msg, err, issue, warn, warning
from .readers import cell_text

YEAR_MIN, YEAR_MAX = FIRST_YEAR, LAST_YEAR
LEVEL_ALIASES = {"đạt chuẩn": "standard", "ntm": "standard", "nâng cao": "advanced", "kiểu mẫu": "model",
                 "chưa đạt": "none", "hoàn thành": "completed", "hiện đại": "modern", "ntm hiện đại": "modern"}
HTML_RE = re.compile(r"<\s*/?\s*[a-z!?][^>]*>|javascript\s*:|\bon[a-z]+\s*=", re.I)
CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The longest text the validator lets through, per input field: never more than the store column
# it lands in holds on any backend (tests/test_import_limits.py reflects the PostgreSQL schema).
TEXT_LIMITS = {"note": 2000, "decision_no": 200, "source": 128, "district": 200, "unit_name": 200}
SUGGESTION_BUDGET = 200      # unmatched names that get "did you mean" suggestions (bounded work)


@dataclass
class Record:
    row: int
    table: str                    # status | targets
    unit: Unit
    values: dict                  # column -> value for the store
    key: tuple
    match_warning: bool = False


@dataclass
class Outcome:
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    matched: list = field(default_factory=list)
    bad_rows: set = field(default_factory=set)
    province: str | None = None
    report_date: date | None = None
    confirmations: list = field(default_factory=list)   # rows that need --allow-downgrade (store_rules)
    kept: list = field(default_factory=list)            # rows a stronger stored record already says

    def err(self, row, column, value, m: Msg):
        self.errors.append(issue(m, row, column, value))
        if row is not None:
            self.bad_rows.add(row)

    def warn(self, row, m: Msg, column=None):
        self.warnings.append(warning(m, row, column))


def to_int(v):
    """Integer value of a cell, or raise ValueError."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v) or not v.is_integer():
            raise ValueError
        return int(v)
    s = cell_text(v)
    if s == "":
        return None
    if not re.fullmatch(r"[+-]?\d{1,9}(\.0+)?", s):
        raise ValueError
    return int(float(s))


def to_mark(v):
    """True/False for a criterion mark; 'partial' for a percentage; raise ValueError otherwise."""
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        if v == 1:
            return True
        if v == 0:
            return False
        if 0 < v < 1:
            return "partial"
        raise ValueError
    s = low(v)
    if s in MET:
        return True
    if s in NOT_MET:
        return False
    if re.fullmatch(r"\d{1,2}(\.\d+)?\s*%", s):
        return "partial"
    raise ValueError


def rank(level, criteria_set=None, year=None) -> int:
    """Rank of a level on the ladder of its criteria set; a district's 'completed' ranks as
    standard. Callers never compare levels of different ladders."""
    r = ladder_of(criteria_set, year).rank(level)
    return DISTRICT_RANK.get(level, 0) if r is None else r


class Validator:
    def __init__(self, register: Register, parsed: Parsed, *, province=None, scope=None, today=None):
        self.reg, self.p = register, parsed
        self.out = Outcome()
        self.province = province
        self.scope = scope            # None (all) | ("province", code) | ("district", code)
        self.today = today or date.today()
        self._suggestions_left = SUGGESTION_BUDGET

    def run(self, validate_kind) -> Outcome:
        """Place the table in a province, run the kind's rules, then the rules across rows."""
        self.province = self.infer_province()
        self.out.province = self.province
        if not self.province and not self.p.items:
            return self.out
        if not self.province:
            self.unplaceable_rows()
            self.out.err(None, None, None, err("no_province"))
            return self.out
        validate_kind(self)
        cross_row_rules(self.out)
        return self.out

    # --- text ------------------------------------------------------------
    def text_ok(self, item: Item, name: str) -> bool:
        v, col = item.fields.get(name, (None, None))
        if v is None:
            return True
        s = cell_text(v)
        if HTML_RE.search(s) or CTRL_RE.search(s):
            self.out.err(item.row, col, s, err("markup"))
            return False
        limit = TEXT_LIMITS.get(name, 2000)
        if len(s) > limit:
            self.out.err(item.row, col, s[:60] + "…", err("text_too_long", n=len(s), limit=limit))
            return False
        return True

    # --- province, scope, vintage -------------------------------------------
    def infer_province(self) -> str | None:
        if self.province:
            return self.province
        if self.scope:
            return self.scope[1][:2] if self.scope[0] == "province" else self.district_province(self.scope[1])
        votes = {}
        for it in self.p.items:
            code = cell_text(it.fields.get("unit_code", (None,))[0] or it.fields.get("code", (None,))[0])
            for prov in (self._provinces_of(code, it) if code else ()):
                votes[prov] = votes.get(prov, 0) + 1
            d = it.context.get("district") or ((cell_text(it.fields.get("district", (None,))[0]), it.row))
            if d and d[0]:
                for v in self.reg.vintages:
                    for u in self.reg.find_district(v, d[0]):
                        votes[u.province_code] = votes.get(u.province_code, 0) + 1
            elif not code:
                # A name alone (a two-level register has no district to say where): the provinces
                # whose register of the row's year has a unit of that name.
                for prov in self._provinces_of_name(it):
                    votes[prov] = votes.get(prov, 0) + 1
        if len(votes) == 1:
            return next(iter(votes))
        if votes:
            best = sorted(votes.items(), key=lambda kv: -kv[1])
            if best[0][1] > 2 * best[1][1]:
                return best[0][0]
        return None

    def _provinces_of(self, code: str, it) -> set[str]:
        """The provinces a code names, on the registers of the row's year when it has one (a code
        is reused across vintages and, since 1/7/2025, across merged provinces)."""
        every = self.reg.provinces_of_code(code)
        try:
            year = to_int(it.fields.get("year", (None,))[0])
        except ValueError:
            year = None
        if year is None:
            return every
        on = date(year, 12, 31)
        valid = {p for p in every if (vintage_for(p, on, self.reg), code) in self.reg.by_code}
        if valid:
            return valid
        # A code of a province that ceased (10 Lào Cai, merged into the new 15 on 1/7/2025): the
        # province it became part of, whose register then says what became of the unit.
        return {self.reg.province_successor(p, on) or p for p in every}

    def _provinces_of_name(self, it) -> set[str]:
        from .matching import name_key
        name = cell_text(it.fields.get("unit_name", (None,))[0])
        try:
            year = to_int(it.fields.get("year", (None,))[0])
        except ValueError:
            year = None
        # A table without a year column (a decision list) names units on the register of its date.
        on = date(year, 12, 31) if year is not None else (self.p.meta.get("decision_date")
                                                           or self.p.meta.get("report_date"))
        if not name or not isinstance(on, date):
            return set()
        key, _ = name_key(name)
        return {u.province_code for v in self.reg.validity if v.valid_on(on)
                for u in self.reg.communes_any.get((v.vintage, key), [])}

    def unplaceable_rows(self):
        """Without a province, still name the rows whose code or district is in no register."""
        for it in self.p.items:
            code, ccol = it.fields.get("unit_code", (None, None))
            code = cell_text(code)
            if code and not self.reg.provinces_of_code(code):
                self.out.err(it.row, ccol, code, err("code_in_no_register", code=code))
            d, dcol = it.fields.get("district", (None, None))
            d = cell_text(d)
            if d and not any(self.reg.find_district(v, d) for v in self.reg.vintages):
                self.out.err(it.row, dcol, d, err("district_in_no_register", district=d))

    def district_province(self, code):
        for (v, c), u in self.reg.by_code.items():
            if c == code and u.admin_level == "district":
                return u.province_code
        return None

    def vintage(self, on: date) -> str | None:
        return vintage_for(self.province, on, self.reg)

    def in_scope(self, unit: Unit) -> bool:
        if not self.scope:
            return True
        kind, code = self.scope
        if kind == "province":
            return unit.province_code == code
        return unit.unit_code == code or unit.parent_code == code

    # --- units -------------------------------------------------------------
    def district(self, item, vintage, dname, col, row=None):
        """(district unit or None, ok)."""
        if not dname:
            return None, True
        if not self.reg.has_districts(vintage):
            self.out.warn(row or item.row, warn("district_ignored", district=dname, vintage=vintage), col)
            return None, True
        found = self.reg.find_district(vintage, dname)
        if len(found) == 1:
            return found[0], True
        self.out.err(row or item.row, col, dname,
                     err("unknown_district" if not found else "ambiguous_district", district=dname, vintage=vintage))
        return None, False

    def match(self, item, vintage, code_field="unit_code", district=None, name_field="unit_name"):
        code, ccol = item.fields.get(code_field, (None, None))
        name, ncol = item.fields.get(name_field, (None, None))
        code = cell_text(code)
        if code:
            return self._match_code(item, vintage, code, ccol, cell_text(name), ncol)
        if not name or not cell_text(name):
            self.out.err(item.row, ncol or ccol, None, err("missing_unit"))
            return None
        if not self.text_ok(item, name_field):
            return None
        name = cell_text(name)
        if district is None and re.match(r"^(huyện|thị xã|thành phố)\s", name, re.I):
            found = self.reg.find_district(vintage, name)
            if len(found) == 1:
                return found[0]
        suggest = self._suggestions_left > 0
        m = self.reg.match_commune(vintage, name, district, suggest=suggest)
        if m.unit is None:
            if m.suggestions is not None and suggest:
                self._suggestions_left -= 1
            self.out.err(item.row, ncol, name, m.error)
            self.out.unmatched.append({"row": item.row, "name": name, "vintage": vintage,
                                       "district": district.name if district else None,
                                       "suggestions": m.suggestions or []})
            return None
        for w in m.warnings:
            self.out.warn(item.row, w, ncol)
        return m.unit

    def _match_code(self, item, vintage, code, ccol, name, ncol):
        u = self.reg.match_code(vintage, code)
        if u is None and code.isdigit() and len(code) < 5:
            u = self.reg.match_code(vintage, code.zfill(5 if len(code) > 3 else 3))
        if u is None:
            self.out.err(item.row, ccol, code, self.reg.code_error(vintage, code))
            self.out.unmatched.append({"row": item.row, "unit_code": code, "name": name,
                                       "vintage": vintage, "suggestions": []})
            return None
        if name and u.admin_level == "commune":
            parent = self.reg.by_code.get((vintage, u.parent_code)) if self.reg.has_districts(vintage) else None
            m = self.reg.match_commune(vintage, name, parent, suggest=False)
            if (m.unit is not None and m.unit.unit_code != u.unit_code) or (m.error is not None and m.error.code == "ceased"):
                # Another unit, or a unit of before 1/7/2025 (its code may now name the new unit).
                self.out.err(item.row, ncol, name, err("code_name_mismatch", name=name, code=code, unit=u.name))
                return None
        return u

    def unit_level_ok(self, item, unit, level, col) -> bool:
        """The level suits the unit (xã on the commune ladder, huyện on the district ladder, thị xã /
        thành phố 'completed'); the unit is in the account's scope and the table's province."""
        m = None
        if unit.admin_level == "commune" and not is_eligible_commune(unit.unit_type):
            m = err("not_eligible", unit=unit.name, unit_type=unit.unit_type)
        elif unit.admin_level == "commune" and level == COMPLETED:
            m = err("completed_for_commune")
        elif unit.admin_level == "district" and unit.unit_type in DISTRICT_COMPLETED_TYPES and level not in TOWN_LEVELS:
            m = err("town_only_completed", unit=unit.name)
        elif unit.admin_level == "district" and unit.unit_type in DISTRICT_LADDER_TYPES and level == COMPLETED:
            m = err("completed_for_huyen")
        elif unit.admin_level not in ("commune", "district"):
            m = err("status_unit_level")
        if m is not None:
            self.out.err(item.row, col, unit.unit_code if m.code == "status_unit_level" else level, m)
            return False
        if not self.in_scope(unit):
            self.out.err(item.row, col, unit.name, err("scope", unit=unit.name))
            return False
        if self.province and unit.province_code != self.province:
            self.out.err(item.row, col, unit.name, err("other_province", unit=unit.name, province=self.province))
            return False
        return True

    # --- values ------------------------------------------------------------
    def year(self, item, name, latest: int | None = None, required=True):
        """(year or None, ok)."""
        v, col = item.fields.get(name, (None, None))
        try:
            y = to_int(v)
        except ValueError:
            self.out.err(item.row, col, cell_text(v), err("year_invalid"))
            return None, False
        if y is None:
            if required:
                self.out.err(item.row, col, None, err("year_missing"))
                return None, False
            return None, True
        if not YEAR_MIN <= y <= YEAR_MAX:
            self.out.err(item.row, col, y, err("year_out_of_range", year=y, first=YEAR_MIN, last=YEAR_MAX))
            return None, False
        if latest is not None and y > latest:
            self.out.err(item.row, col, y, err("year_after_date", year=y, latest=latest))
            return None, False
        return y, True

    def marks(self, item, n):
        """(met, missing criteria, ok, any mark given) over criteria columns c01…c{n}."""
        met, missing, ok, any_mark = 0, [], True, False
        for k in range(1, n + 1):
            v, col = item.fields.get(f"c{k:02d}", (None, None))
            if col is None:
                continue
            try:
                m = to_mark(v)
            except ValueError:
                self.out.err(item.row, col, cell_text(v), err("mark", k=k))
                ok = False
                continue
            if v is not None:
                any_mark = True
            if m == "partial":
                self.out.warn(item.row, warn("partial_mark", k=k, value=cell_text(v)), col)
            if m is True:
                met += 1
            else:
                missing.append(str(k))
        return met, missing, ok, any_mark

    # --- records -------------------------------------------------------------
    def add(self, it, unit, year, level, vals):
        base = {"vintage": unit.vintage, "unit_code": unit.unit_code, "admin_level": unit.admin_level,
                "year": year, "level": level, "criteria_set": None, "criteria_met": None, "criteria_total": None,
                "missing_criteria": None, "decision_no": None, "decision_date": None, "source_id": None,
                "provenance": "reported", "derived_from": None, "note": None, "commune_group": None}
        base.update(vals)
        self.out.records.append(Record(it.row, "status", unit, base, ("S", unit.vintage, unit.unit_code, year)))
        self.matched(it.row, unit)

    def matched(self, row, unit):
        if not self.out.matched or self.out.matched[-1]["row"] != row:
            self.out.matched.append({"row": row, "unit_code": unit.unit_code, "name": unit.name,
                                     "vintage": unit.vintage})


# --- rules across rows -----------------------------------------------------------

def cross_row_rules(out: Outcome) -> None:
    """A file must not contradict itself: two rows for the same unit and year (status) or the same
    unit and level (targets) that disagree are refused, naming both rows; an exact duplicate is one
    warning and one record."""
    seen: dict = {}
    keep = []
    for r in out.records:
        prev = seen.get(r.key)
        if prev is None:
            seen[r.key] = r
            keep.append(r)
            continue
        if prev.row == r.row:       # one summary-sheet row giving two levels the same year: the higher
            if rank(r.values["level"], r.values.get("criteria_set")) > rank(prev.values["level"], prev.values.get("criteria_set")):
                keep[keep.index(prev)] = r
                seen[r.key] = r
            continue
        if prev.values == r.values:
            out.warn(r.row, warn("duplicate_row", row=r.row, other=prev.row, unit=r.unit.name))
            continue
        diff = sorted(k for k in r.values if r.values[k] != prev.values.get(k))
        what = ", ".join(f"{k}: {_shown(prev.values.get(k))} / {_shown(r.values.get(k))}" for k in diff)
        year = r.values.get("year", r.values.get("target_year", r.values.get("period")))
        out.err(r.row, ", ".join(diff), r.unit.name,
                err("conflict", row=r.row, other=prev.row, unit=r.unit.name, year=year, what=what))
        out.bad_rows.add(prev.row)
    out.records = [r for r in keep if r.row not in out.bad_rows]


def _shown(v):
    return "—" if v is None else v
