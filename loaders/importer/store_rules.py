"""Rules against the store: before an import weakens the record, it says so.

For every status record of an import, against the unit's active stored rows (illustrative fill
excluded: the demo never counts as a record) and the file's own earlier years:

- **lowers the level** recorded for that year (official standard 2023 → reported none 2023);
- **regression**: below the level of an earlier year (advanced 2021 → standard 2024);
- **replaces a stronger provenance**: same unit, year and level as a stored row of a stronger class
  (official > reported > derived) but saying something else (another decision, other counts).

Such rows are errors unless the import is confirmed (``--allow-downgrade``; in the app a tick box
and a reason); confirmed, they are written and listed with the reason in the import history. A row
that only restates a stronger stored record (same unit, year and level, nothing contradicting it)
is **kept** as it is: not written, so a district's summary sheet never replaces a decision.
Levels of different ladders (a criteria-set change) are never compared."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text

from domain.levels import ILLUSTRATIVE, PROV_RANK, ladder_of

from .messages import err, warn
from .validate import Outcome, rank

COMPARED = ("criteria_set", "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date")


@dataclass(frozen=True)
class Stored:
    id: int
    year: int
    level: str
    provenance: str
    criteria_set: str | None
    criteria_met: int | None
    criteria_total: int | None
    missing_criteria: str | None
    decision_no: str | None
    decision_date: str | None


def units_where(keys, chunk: int = 5000):
    """(SQL condition, params) pieces selecting the units in ``keys`` ((vintage, code) pairs):
    one ``vintage = … AND unit_code IN (…)`` per vintage and chunk (an expanding parameter, so
    the statement is compiled once whatever the number of units)."""
    by_vintage: dict = {}
    for v, c in sorted(set(keys)):
        by_vintage.setdefault(v, []).append(c)
    for v, codes in by_vintage.items():
        for i in range(0, len(codes), chunk):
            yield {"v": v, "codes": codes[i:i + chunk]}


def select_units(conn, sql: str, keys):
    """Rows of ``sql`` (which ends in ``vintage = :v AND unit_code IN :codes``) for the units."""
    stmt = text(sql).bindparams(bindparam("codes", expanding=True))
    for params in units_where(keys):
        yield from conn.execute(stmt, params)


def current_rows(conn, keys) -> dict:
    """Active status rows per (vintage, unit_code) for the units in ``keys``."""
    out: dict = {}
    rows = select_units(conn, "SELECT vintage, unit_code, id, year, level, provenance, criteria_set, criteria_met, "
                              "criteria_total, missing_criteria, decision_no, decision_date FROM status "
                              "WHERE superseded_by IS NULL AND vintage = :v AND unit_code IN :codes", keys)
    for v, c, rid, y, lv, prov, cs, met, tot, miss, dno, ddate in rows:
        out.setdefault((v, c), []).append(Stored(rid, int(y), lv, prov, cs, met, tot, miss, dno, ddate))
    return out


def _conflicts(values: dict, s: Stored) -> list[str]:
    return [k for k in COMPARED if values.get(k) is not None and getattr(s, k) is not None
            and str(values.get(k)) != str(getattr(s, k))]


def check(out: Outcome, current: dict, allow_downgrade: bool = False) -> list[dict]:
    """Flag the rows that weaken the record (errors unless confirmed), drop the rows a stronger
    stored record already says (kept), and return the diff: one entry per status record."""
    diff, kept_rows, keep = [], [], []
    infile: dict = {}
    for r in out.records:
        if r.table == "status":
            infile.setdefault((r.unit.vintage, r.unit.unit_code), []).append(r)
    for r in out.records:
        if r.table != "status":
            keep.append(r)
            continue
        entry, same_key = _entry(r, current, infile)
        diff.append(entry)
        if entry["change"] == "kept":
            kept_rows.append(r.row)
            out.kept.append(entry)
            continue
        if entry["flags"]:
            out.confirmations.append(entry)
            m = _flag_message(entry)
            if allow_downgrade:
                out.warn(r.row, warn("downgrade_confirmed", what=m), "level")
            else:
                out.err(r.row, "level", entry["level_after"], err("needs_confirmation", what=m))
        keep.append(r)
    if kept_rows:
        out.warn(None, warn("kept_stronger", n=len(kept_rows), rows=sorted(set(kept_rows))[:30]))
    out.records = [r for r in keep if r.row not in out.bad_rows]
    return diff


def _entry(r, current, infile):
    vals, y, lv = r.values, r.values["year"], r.values["level"]
    cset = vals.get("criteria_set")
    ladder = ladder_of(cset, y)
    new_rank = rank(lv, cset, y)
    stored = [s for s in current.get((r.unit.vintage, r.unit.unit_code), []) if s.provenance != ILLUSTRATIVE]
    comparable = [s for s in stored if ladder_of(s.criteria_set, s.year) == ladder]
    before = _latest([s for s in comparable if s.year <= y], lambda s: (s.year, rank(s.level, s.criteria_set, s.year)))
    prior = _latest([o for o in infile[(r.unit.vintage, r.unit.unit_code)] if o.values["year"] < y
                     and ladder_of(o.values.get("criteria_set"), o.values["year"]) == ladder],
                    lambda o: (o.values["year"], rank(o.values["level"], o.values.get("criteria_set"), o.values["year"])))
    flags, against = [], []
    if before is not None and new_rank < rank(before.level, before.criteria_set, before.year):
        flags.append("level_down" if before.year == y else "regression")
        against.append({"year": before.year, "level": before.level, "provenance": before.provenance,
                        "decision_no": before.decision_no, "row": None})
    if prior is not None and new_rank < rank(prior.values["level"], prior.values.get("criteria_set"), prior.values["year"]) \
            and not (before is not None and before.year >= prior.values["year"]):
        flags.append("regression")
        against.append({"year": prior.values["year"], "level": prior.values["level"],
                        "provenance": prior.values["provenance"], "decision_no": prior.values.get("decision_no"),
                        "row": prior.row})
    change = "new" if before is None else ("same" if before.level == lv else (
        "up" if new_rank > rank(before.level, before.criteria_set, before.year) else "down"))
    same_key = next((s for s in stored if s.year == y and s.level == lv), None)
    if same_key is not None and PROV_RANK.get(same_key.provenance, 9) < PROV_RANK.get(vals["provenance"], 9):
        if _conflicts(vals, same_key):
            flags.append("provenance_down")
            against.append({"year": y, "level": lv, "provenance": same_key.provenance,
                            "decision_no": same_key.decision_no, "row": None})
        elif not flags:
            change = "kept"
    entry = {"row": r.row, "unit_code": r.unit.unit_code, "name": r.unit.name, "vintage": r.unit.vintage,
             "year": y, "level_before": before.level if before else None,
             "provenance_before": before.provenance if before else None,
             "decision_before": before.decision_no if before else None,
             "level_after": lv, "provenance_after": vals["provenance"], "change": change,
             "flags": flags, "against": against, "note": vals.get("note")}
    return entry, same_key


def _latest(items, key):
    return max(items, key=key) if items else None


def _flag_message(entry):
    from .messages import level, part, provenance
    parts = []
    for f, a in zip(entry["flags"], entry["against"]):
        where = (part("in_row", row=a["row"]) if a["row"] is not None
                 else part("stored", provenance=provenance(a["provenance"]), decision=a["decision_no"])
                 if a["decision_no"] else part("stored_no_decision", provenance=provenance(a["provenance"])))
        if f == "provenance_down":
            parts.append(part("replaces_stronger", unit=entry["name"], year=entry["year"], where=where,
                              after=provenance(entry["provenance_after"])))
        else:
            parts.append(part(f, unit=entry["name"], year=entry["year"], before=level(a["level"]),
                              before_year=a["year"], where=where, after=level(entry["level_after"])))
    return parts[0] if len(parts) == 1 else part("and", first=parts[0], second=parts[1])
