"""Year bounds of the programme."""
from __future__ import annotations

import datetime as dt

# The programme's first year (Decision 800/QĐ-TTg of 4/6/2010 on the 2010–2020 programme; the
# first criteria set, 491/QĐ-TTg, dates from 2009).
FIRST_YEAR = 2010
# The last year a record or target may name (the 2026–2030 phase).
LAST_YEAR = 2030


def current_year(today: dt.date | None = None) -> int:
    return (today or dt.date.today()).year


def in_bounds(year: int) -> bool:
    return FIRST_YEAR <= int(year) <= LAST_YEAR
