"""Reporting obligations and the compliance rule.

An obligation (a row of ``geodata/records/obligations.csv``, each with its source document) says
who reports what by when: "monthly progress report before the 20th" (13/3/2023), "re-assessment
plan by 15/4/2023", "meet the new sets by 31/12/2023"… Only obligations the system can see being
met are **tracked**: today the localities' monthly progress report, evidenced by an indicator
table imported for that locality and month (``tracked_by = indicator_report``).

**The rule.** A report for a period is due at 23:59:59 local time (Asia/Ho_Chi_Minh) on its due
day — the 20th of the reported month for the monthly report. Its state is ``on_time`` when the
first receipt (the import that wrote the locality's rows for that period) arrived by then,
``late`` when it arrived after, ``missing`` when none arrived; a missing report whose deadline has
not passed yet is still ``open``. Receipts from sourced imports come first; an illustrative receipt
is used only where no real one exists.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable

from domain.levels import ILLUSTRATIVE
from domain.periods import MONTH, Period, end_of_day, local_now, parse, to_local

ON_TIME, LATE, MISSING = "on_time", "late", "missing"
STATES = (ON_TIME, LATE, MISSING)
MONTHLY, QUARTERLY, ONCE = "monthly", "quarterly", "once"
FREQUENCIES = (MONTHLY, QUARTERLY, ONCE)
LOCALITY, DEPARTMENT, OFFICE = "locality", "department", "office"
APPLIES_TO = (LOCALITY, DEPARTMENT, OFFICE)
INDICATOR_REPORT = "indicator_report"     # evidence: an imported indicator table for the period
TRACKERS = (INDICATOR_REPORT,)


def _missing(v) -> bool:
    """None, NaN, empty text, or a missing marker of a data frame library (whose comparisons
    cannot be made true or false)."""
    if v is None:
        return True
    try:
        return bool(v != v) or (isinstance(v, str) and not v.strip())
    except TypeError:
        return True


def _day(v) -> dt.date | None:
    if _missing(v):
        return None
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _int(v) -> int | None:
    if _missing(v):
        return None
    return int(float(v))


def _text(v) -> str | None:
    if _missing(v):
        return None
    s = str(v).strip()
    return s or None


@dataclass(frozen=True)
class Obligation:
    obligation_id: str
    province_code: str
    applies_to: str                 # LOCALITY | DEPARTMENT | OFFICE
    frequency: str                  # MONTHLY | QUARTERLY | ONCE
    due_day: int | None = None      # day of the reported month (monthly)
    due_date: dt.date | None = None  # the date (once)
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    tracked_by: str | None = None   # INDICATOR_REPORT, or None: listed, not computed
    source_id: str | None = None
    section: str | None = None
    title_vi: str = ""
    title_en: str = ""
    quote: str | None = None
    note: str | None = None

    @property
    def tracked(self) -> bool:
        return self.tracked_by in TRACKERS

    def in_force(self, day: dt.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to)

    def due(self, period) -> dt.datetime | None:
        """The deadline of the report on ``period`` (a month for monthly obligations), local time."""
        p = parse(period)
        if self.frequency == MONTHLY and p.kind == MONTH and self.due_day:
            return end_of_day(dt.date(p.year, p.n, min(self.due_day, p.end.day)))
        if self.frequency == ONCE and self.due_date and p.start <= self.due_date <= p.end:
            return end_of_day(self.due_date)
        return None

    def due_periods(self, period) -> list[Period]:
        """The reports due within ``period`` while the obligation is in force (for a monthly
        obligation: the months of ``period``; a year has up to 12)."""
        p = parse(period)
        if self.frequency != MONTHLY:
            return [p] if self.due(p) and self.in_force(self.due(p).date()) else []
        months = [p] if p.kind == MONTH else p.children(MONTH)
        return [m for m in months if self.due(m) is not None and self.in_force(self.due(m).date())]


def obligation_from(row) -> Obligation:
    """An ``Obligation`` from a register row (mapping or namespace)."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    return Obligation(
        obligation_id=str(get("obligation_id")), province_code=str(get("province_code")),
        applies_to=str(get("applies_to")), frequency=str(get("frequency")),
        due_day=_int(get("due_day")), due_date=_day(get("due_date")),
        in_force_from=_day(get("in_force_from")), in_force_to=_day(get("in_force_to")),
        tracked_by=_text(get("tracked_by")), source_id=_text(get("source_id")),
        section=_text(get("section")), title_vi=_text(get("title_vi")) or "",
        title_en=_text(get("title_en")) or "", quote=_text(get("quote")), note=_text(get("note")))


def state_of(received: dt.datetime | None, due: dt.datetime) -> str:
    """``on_time`` up to and including the deadline, ``late`` after it, ``missing`` without one."""
    if received is None:
        return MISSING
    return ON_TIME if to_local(received) <= due else LATE


def first_receipts(receipts: Iterable[dict]) -> dict:
    """(vintage, unit_code, period) → the receipt that counts: the earliest sourced one, else the
    earliest illustrative one."""
    best: dict = {}
    for r in receipts:
        when = to_local(r.get("received_at"))
        if when is None:
            continue
        key = (str(r.get("vintage")), str(r.get("unit_code")), str(parse(r.get("period"))))
        rank = (r.get("provenance") == ILLUSTRATIVE, when)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, dict(r, received_local=when))
    return {k: v for k, (_, v) in best.items()}


def locality_states(obligation: Obligation, period, localities_for: Callable[[Period], list],
                    receipts: Iterable[dict], now: dt.datetime | None = None) -> list[dict]:
    """One row per locality and due report of ``period``: its state, deadline and receipt.

    ``localities_for(month)`` gives the localities of a month as dicts with ``unit_code``,
    ``vintage`` and ``name``; ``receipts`` are dicts with ``vintage, unit_code, period,
    received_at`` (ISO, naive = UTC) and optionally ``username, import_id, provenance``."""
    if not obligation.tracked:
        return []
    now_local = local_now(now)
    firsts = first_receipts(receipts)
    out = []
    for m in obligation.due_periods(period):
        due = obligation.due(m)
        for loc in localities_for(m):
            rec = firsts.get((str(loc["vintage"]), str(loc["unit_code"]), str(m)))
            when = rec["received_local"] if rec else None
            state = state_of(when, due)
            out.append({
                "obligation_id": obligation.obligation_id, "period": str(m),
                "unit_code": str(loc["unit_code"]), "vintage": str(loc["vintage"]),
                "name": loc.get("name"), "state": state, "due": due.isoformat(),
                "received_at": when.isoformat() if when else None,
                "username": rec.get("username") if rec else None,
                "import_id": rec.get("import_id") if rec else None,
                "provenance": rec.get("provenance") if rec else None,
                "open": state == MISSING and now_local <= due,
            })
    return out


def all_states(obligations: Iterable[Obligation], period, localities_for: Callable[[Period], list],
               receipts: Iterable[dict], now: dt.datetime | None = None) -> list[dict]:
    """``locality_states`` of every tracked obligation, in register order."""
    receipts = list(receipts)
    return [s for o in obligations for s in locality_states(o, period, localities_for, receipts, now)]
