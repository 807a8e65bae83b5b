"""Attainment levels, the ladder of each criteria set, and provenance classes.

Stored levels are what a record may say; computed states are what the metrics may answer
for a unit without a usable record. A ladder is ordered: a unit at a level is also at every
lower level of the same ladder. Levels of different ladders are never compared.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

NONE, STANDARD, ADVANCED, MODEL, MODERN, COMPLETED = (
    "none", "standard", "advanced", "model", "modern", "completed")
UNKNOWN, NOT_APPLICABLE, MIXED, NOT_ASSESSED = "unknown", "not_applicable", "mixed", "not_assessed"

STORED_LEVELS = (NONE, STANDARD, ADVANCED, MODEL, MODERN, COMPLETED)
COMPUTED_STATES = (UNKNOWN, NOT_APPLICABLE, MIXED, NOT_ASSESSED)
# a unit no record decides: nothing known, or not yet assessed under the set in force
UNDECIDED = (UNKNOWN, NOT_ASSESSED)


@dataclass(frozen=True)
class Ladder:
    """Levels in ascending order; the first is "none" (not yet recognised)."""
    levels: tuple[str, ...]

    @property
    def recognised(self) -> tuple[str, ...]:
        """The levels whose at-least counts reports quote (all but "none")."""
        return self.levels[1:]

    def rank(self, level) -> int | None:
        return self.levels.index(level) if level in self.levels else None

    def at_least(self, level, floor: str) -> bool:
        """True when a known ``level`` of this ladder is ``floor`` or higher."""
        r = self.rank(level)
        return r is not None and r >= self.levels.index(floor)


# none < standard (đạt chuẩn) < advanced (nâng cao) < model (kiểu mẫu): 2010–2025.
CLASSIC_LADDER = Ladder((NONE, STANDARD, ADVANCED, MODEL))
# 2026–2030 (Decision 51/2025/QĐ-TTg): one national level plus the pilot "xã NTM hiện đại".
LADDER_2026 = Ladder((NONE, STANDARD, MODERN))


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    decision: str
    n_criteria: int
    first_label_year: int | None     # None: open start
    last_label_year: int | None      # None: open end
    in_force_from: date | None
    ladder: Ladder
    # thresholds by commune group (51/2025: Nhóm 1, 2, 3): a record of such a set names its group
    commune_groups: tuple[int, ...] = ()


CRITERIA_SETS = (
    CriteriaSet("2009", "491/QĐ-TTg", 19, None, 2016, date(2009, 4, 16), CLASSIC_LADDER),
    CriteriaSet("2016-2020", "1980/QĐ-TTg", 19, 2017, 2021, date(2016, 10, 17), CLASSIC_LADDER),
    CriteriaSet("2021-2025", "318/QĐ-TTg", 19, 2022, 2025, date(2022, 3, 8), CLASSIC_LADDER),
    CriteriaSet("2026-2030", "51/2025/QĐ-TTg", 10, 2026, None, date(2026, 2, 15), LADDER_2026, (1, 2, 3)),
)
CRITERIA_SET_IDS = tuple(s.id for s in CRITERIA_SETS)
# Hà Tĩnh (42) added a 20th, provincial criterion to the national 19 of 2016–2020: the one set and
# province whose records and "biểu tổng hợp" sheets have a c20.
PROVINCIAL_CRITERION = ("2016-2020", frozenset({"42"}))


def has_provincial_criterion(set_id, province_code) -> bool:
    return set_id == PROVINCIAL_CRITERION[0] and str(province_code) in PROVINCIAL_CRITERION[1]
_BY_ID = {s.id: s for s in CRITERIA_SETS}


def criteria_set(set_id: str) -> CriteriaSet:
    if set_id not in _BY_ID:
        raise KeyError(f"unknown criteria set {set_id!r}; known: {', '.join(CRITERIA_SET_IDS)}")
    return _BY_ID[set_id]


@lru_cache(maxsize=None)
def criteria_set_for_year(label_year: int) -> CriteriaSet:
    """The set a record of this label year is assessed under when it does not name one."""
    y = int(label_year)
    for s in CRITERIA_SETS:
        if (s.first_label_year is None or y >= s.first_label_year) and (
                s.last_label_year is None or y <= s.last_label_year):
            return s
    return CRITERIA_SETS[-1]


def same_ladder(year_a: int, year_b: int) -> bool:
    """The two label years are assessed on the same ladder (a 2021–2025 target is not a 2026
    one: the levels of different ladders are never compared)."""
    return criteria_set_for_year(int(year_a)).ladder is criteria_set_for_year(int(year_b)).ladder


def default_criteria_set(label_year: int) -> str:
    return criteria_set_for_year(label_year).id


def ladder_of(set_id: str | None, label_year: int | None = None) -> Ladder:
    """The ladder of a criteria set (or of the set in force for a label year)."""
    if set_id:
        return criteria_set(set_id).ladder
    return criteria_set_for_year(label_year).ladder if label_year is not None else CLASSIC_LADDER


# Commune levels any ladder knows, in a stable display order (highest first per ladder).
COMMUNE_LEVELS = tuple(dict.fromkeys(lv for s in CRITERIA_SETS for lv in s.ladder.levels))
# Every level a recognised-level focus may name (the map's "at least" focus, the URL `level`).
RECOGNISED_LEVELS = tuple(dict.fromkeys(lv for s in CRITERIA_SETS for lv in s.ladder.recognised))

# Districts: huyện on the classic ladder; thị xã / thành phố "completed the NTM task", which
# counts as reaching "standard" when districts are ordered.
DISTRICT_LADDER = CLASSIC_LADDER
DISTRICT_LEVELS = DISTRICT_LADDER.levels + (COMPLETED,)
DISTRICT_RANK = {**{lv: i for i, lv in enumerate(DISTRICT_LADDER.levels)}, COMPLETED: 1}
# District-level units that reached at least "standard" or completed the task (the "done" count).
DISTRICT_DONE = DISTRICT_LADDER.recognised + (COMPLETED,)
# Thị xã / thành phố have no ladder: not yet ("none") or completed the NTM task, nothing else.
TOWN_LEVELS = (NONE, COMPLETED)
def best_first(level) -> int:
    """Sort key of a table that lists units best first: the top of a ladder (model, modern),
    down the classic ladder, then none, not yet assessed, no record, not applicable."""
    top_down = tuple(reversed(CLASSIC_LADDER.recognised))
    if level == MODERN:
        return 0
    if level in top_down:
        return top_down.index(level)
    after = (NONE, NOT_ASSESSED, UNKNOWN, NOT_APPLICABLE)
    return len(top_down) + after.index(level) if level in after else len(top_down) + len(after)


# Every level a unit can attain: a recognised level of any ladder, or a town's "completed" (what
# a target may plan; never "none").
ATTAINED_LEVELS = RECOGNISED_LEVELS + (COMPLETED,)

# ---- provenance ---------------------------------------------------------------------------
OFFICIAL, REPORTED, DERIVED, ILLUSTRATIVE = "official", "reported", "derived", "illustrative"
PROVENANCE = (OFFICIAL, REPORTED, DERIVED, ILLUSTRATIVE)   # strongest first
PROV_RANK = {p: i for i, p in enumerate(PROVENANCE)}        # higher = weaker


def weakest(provenances) -> str | None:
    """The weakest class among the values (None when there is none): what a figure quotes."""
    vals = [p for p in provenances if isinstance(p, str) and p in PROV_RANK]
    return max(vals, key=PROV_RANK.__getitem__) if vals else None


def strongest(provenances) -> str | None:
    vals = [p for p in provenances if isinstance(p, str) and p in PROV_RANK]
    return min(vals, key=PROV_RANK.__getitem__) if vals else None

# The classic ladder as plain values, for code that ranks 2010–2025 levels (commune and
# district). A 2026–2030 level is ranked on its own ladder (``ladder_of``).
LADDER = CLASSIC_LADDER.levels
LEVEL_RANK = {lv: i for i, lv in enumerate(CLASSIC_LADDER.levels)}
RECOGNISED = CLASSIC_LADDER.recognised
