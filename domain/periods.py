"""Reporting periods: a month (``YYYY-MM``), a quarter (``YYYY-Qn``) or a year (``YYYY``).

A period is a span of days. Its **vintage** is the boundary vintage valid on its last day (the
31 December rule of ``domain.vintages`` for a year, extended to months and quarters), so a unit
code in a period's row always resolves on that vintage. Periods order by their first day, then by
length (a year before its first quarter, a quarter before its first month), so a mixed list sorts
as a timeline.

Deadlines are local: the province reports in Asia/Ho_Chi_Minh time (UTC+7, no daylight saving).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

try:
    from zoneinfo import ZoneInfo
    LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # no tz database on this machine: Vietnam has kept UTC+7 since 1975
    LOCAL_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = (MONTH, QUARTER, YEAR)          # finest first
_LENGTH = {MONTH: 1, QUARTER: 3, YEAR: 12}   # in months

_RE = re.compile(r"^\s*(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?\s*$")


class PeriodError(ValueError):
    """Text that is not a period; ``text`` is the offending value."""

    def __init__(self, text):
        self.text = text
        super().__init__(f"not a period: {text!r} (use YYYY-MM, YYYY-Qn or YYYY, e.g. 2024-05, 2024-Q2, 2024)")


@dataclass(frozen=True)
class Period:
    kind: str      # MONTH | QUARTER | YEAR
    year: int
    n: int = 0     # month 1–12, quarter 1–4; 0 for a year

    def __post_init__(self):
        if self.kind not in KINDS:
            raise PeriodError(f"{self.year}-{self.kind}")
        top = {MONTH: 12, QUARTER: 4, YEAR: 0}[self.kind]
        if (self.kind == YEAR and self.n != 0) or (self.kind != YEAR and not 1 <= self.n <= top):
            raise PeriodError(f"{self.year}-{self.n}")

    def __str__(self) -> str:
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.n:02d}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.n}"
        return f"{self.year:04d}"

    # ---- span ---------------------------------------------------------------------------
    @property
    def first_month(self) -> int:
        return {MONTH: self.n, QUARTER: 3 * self.n - 2, YEAR: 1}[self.kind]

    @property
    def last_month(self) -> int:
        return self.first_month + _LENGTH[self.kind] - 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day (the day whose vintage the period resolves on)."""
        m = self.last_month
        return dt.date(self.year, m, calendar.monthrange(self.year, m)[1])

    @property
    def months(self) -> int:
        return _LENGTH[self.kind]

    def sort_key(self) -> tuple:
        return (self.start, -self.months)

    def __lt__(self, other: "Period") -> bool:
        return self.sort_key() < other.sort_key()

    def contains(self, other: "Period") -> bool:
        """True when ``other`` lies inside this period (a period contains itself)."""
        return self.start <= other.start and other.end <= self.end

    def children(self, kind: str) -> list["Period"]:
        """The finer periods of ``kind`` that make up this one, in order ([] when not finer)."""
        if _LENGTH[kind] >= self.months:
            return []
        if kind == MONTH:
            return [Period(MONTH, self.year, m) for m in range(self.first_month, self.last_month + 1)]
        return [Period(QUARTER, self.year, q) for q in range(1, 5)]

    def previous(self) -> "Period":
        """The period of the same kind just before (2024-01 → 2023-12, 2024-Q1 → 2023-Q4)."""
        if self.kind == YEAR:
            return Period(YEAR, self.year - 1)
        if self.n > 1:
            return Period(self.kind, self.year, self.n - 1)
        return Period(self.kind, self.year - 1, 12 if self.kind == MONTH else 4)

    def next(self) -> "Period":
        if self.kind == YEAR:
            return Period(YEAR, self.year + 1)
        top = 12 if self.kind == MONTH else 4
        if self.n < top:
            return Period(self.kind, self.year, self.n + 1)
        return Period(self.kind, self.year + 1, 1)


def parse(text) -> Period:
    """``2024-05`` / ``2024-5`` → month, ``2024-Q2`` → quarter, ``2024`` → year; PeriodError else."""
    if isinstance(text, Period):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise PeriodError(text)
    m = _RE.match(text)
    if not m:
        raise PeriodError(text)
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(text)
        return Period(MONTH, year, month)
    if m.group(3):
        return Period(QUARTER, year, int(m.group(3)))
    return Period(YEAR, year)


def is_period(text) -> bool:
    try:
        parse(text)
        return True
    except PeriodError:
        return False


def ordered(periods: Iterable) -> list[Period]:
    """Distinct periods (text or Period) as a timeline."""
    return sorted({parse(p) for p in periods}, key=Period.sort_key)


def month_of(day: dt.date | dt.datetime) -> Period:
    return Period(MONTH, day.year, day.month)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (aware, any zone; naive = UTC) in the province's time zone; default: the clock."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(LOCAL_TZ)


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 local time on ``day``: a deadline "by the 20th" holds until then."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL_TZ)


def to_local(value) -> dt.datetime | None:
    """An ISO timestamp (text or datetime; naive = UTC, as the store writes) in local time."""
    if isinstance(value, str):
        if not value.strip():
            return None
        value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    elif hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if not isinstance(value, dt.datetime):   # None, NaN, NaT or a frame library's missing marker
        return None
    return local_now(value)
