"""One import = read → detect the kind → validate → check against the store → (unless a dry run)
write in ONE transaction.

Any error means nothing is written. Every successful import is recorded in `imports` (who, when,
file name, SHA-256, kind, rows, and the rows it was confirmed to weaken with the reason) and can be
rolled back; rows it replaced stay in the table with `superseded_by` pointing at their successor."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from loaders.freshness import bump

from . import store_rules
from .kinds import detect, kind as kind_of
from .matching import Register
from .messages import err, issue, msg, warning
from .readers import MAX_BYTES, ReadError, read_grid
from .validate import Outcome, Validator


@dataclass(frozen=True)
class StoreTable:
    """A table imports write: its columns, the id of an imported row and the columns that identify
    the row a new one supersedes."""
    name: str
    columns: tuple
    id_column: str
    id_prefix: str
    key: tuple

    def row_id(self, import_id: int, vals: dict) -> str:
        return f"{self.id_prefix}{import_id}-" + "-".join(str(vals[k]) for k in self.key)


STORE_TABLES = {
    "status": StoreTable("status", (
        "record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set", "criteria_met",
        "criteria_total", "missing_criteria", "decision_no", "decision_date", "source_id", "provenance",
        "derived_from", "note", "commune_group", "import_id"), "record_id", "I",
        ("vintage", "unit_code", "year", "level")),
    "targets": StoreTable("targets", (
        "target_id", "scope", "vintage", "unit_code", "admin_level", "level", "target_year", "target_share",
        "target_count", "source_id", "provenance", "note", "import_id"), "target_id", "TI",
        ("vintage", "unit_code", "level")),
    # locality indicators (migration 0004); each import is also the report received for its
    # (unit, period): loaders.dataset derives the receipts from these rows and the import history
    "indicators": StoreTable("indicators", (
        "record_id", "vintage", "unit_code", "admin_level", "period", "indicator", "value", "qualifier", "basis",
        "definition", "source_id", "provenance", "note", "import_id"), "record_id", "NI",
        ("vintage", "unit_code", "period", "indicator", "basis")),
}
STATUS_COLS = list(STORE_TABLES["status"].columns)
TARGET_COLS = list(STORE_TABLES["targets"].columns)


@dataclass
class Report:
    ok: bool
    file: str
    kind: str | None = None
    rows_read: int = 0
    rows_valid: int = 0
    rows_written: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unmatched_units: list = field(default_factory=list)
    # Additions to the DESIGN §3 keys:
    exit_code: int = 0
    dry_run: bool = False
    sha256: str | None = None
    import_id: int | None = None
    already_imported: int | None = None
    province: str | None = None
    report_date: str | None = None
    encoding: str | None = None
    matched_units: list = field(default_factory=list)
    diff: list = field(default_factory=list)
    confirmations: list = field(default_factory=list)   # rows that lower a level / weaken provenance
    rows_to_write: int = 0                               # records the import writes (once confirmed)
    allow_downgrade: bool = False
    reason: str | None = None
    code: str | None = None                              # the outcome's message code
    message_vi: str = ""
    message_en: str = ""

    def say(self, m) -> None:
        self.code, self.message_vi, self.message_en = m.code, m.vi, m.en

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _fail_read(rep: Report, e: ReadError) -> Report:
    rep.ok, rep.exit_code = False, 2
    rep.errors.append(issue(e.msg, e.row, e.column, e.value))
    rep.say(msg("unreadable", file=rep.file, why=e.msg))
    return rep


def _detect_any_sheet(grid):
    """The first sheet in a known layout (a cover or notes sheet may come first)."""
    try:
        return detect(grid)
    except ReadError as first_error:
        for other in grid.others:
            try:
                parsed = detect(other)
            except ReadError:
                continue
            # Report rows, formulas and warnings of the sheet actually read.
            grid.rows, grid.formula_cells, grid.sheet = other.rows, other.formula_cells, other.sheet
            grid.warnings += other.warnings
            from .messages import warn
            parsed.warnings.append(warn("read_sheet", sheet=other.sheet))
            return parsed
        raise first_error


def import_file(path: str, engine: Engine, **kw) -> Report:
    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as e:
        return _fail_read(Report(False, name), ReadError(err("cannot_open", why=e.strerror)))
    return import_bytes(data, name, engine, **kw)


def import_bytes(data: bytes, filename: str, engine: Engine, *, user: str = "cli", dry_run: bool = False,
                 province: str | None = None, scope: tuple | None = None, today: date | None = None,
                 max_bytes: int | None = None, allow_downgrade: bool = False, reason: str | None = None) -> Report:
    rep = Report(False, filename, dry_run=dry_run, allow_downgrade=allow_downgrade, reason=reason or None)
    rep.sha256 = hashlib.sha256(data).hexdigest()
    try:
        grid, parsed = _read(data, filename, max_bytes)
    except ReadError as e:
        return _fail_read(rep, e)
    _describe(rep, grid, parsed)
    if _already_imported(engine, rep):
        return rep
    out = _validate(engine, grid, parsed, province=province, scope=scope, today=today)
    rep.province = out.province
    rep.report_date = out.report_date.isoformat() if out.report_date else None
    rep.matched_units, rep.unmatched_units = out.matched, out.unmatched
    keys = {(r.unit.vintage, r.unit.unit_code) for r in out.records}
    if dry_run or out.errors:
        with engine.connect() as c:
            current = store_rules.current_rows(c, keys) if keys and not out.errors else {}
        ok = _finish(rep, out, parsed, current, allow_downgrade)
        rep.ok, rep.exit_code = ok, 0 if ok else 1
        rep.say(msg("dry_run_ok", n=len(out.records)) if ok else msg("refused", n=len(rep.errors)))
        return rep
    return _write_transaction(rep, engine, out, parsed, keys, user=user, scope=scope)


def _read(data: bytes, filename: str, max_bytes: int | None):
    if max_bytes is not None and len(data) > max_bytes:
        raise ReadError(err("too_large", size=f"{len(data):,}", limit=f"{max_bytes:,}"))
    grid = read_grid(data, filename)
    return grid, _detect_any_sheet(grid)


def _describe(rep: Report, grid, parsed) -> None:
    rep.kind = parsed.kind
    rep.encoding = grid.encoding
    for m in grid.warnings + parsed.warnings:
        rep.warnings.append(warning(m))
    rep.rows_read = len(parsed.items)


def _already_imported(engine: Engine, rep: Report) -> bool:
    with engine.connect() as c:
        prev = c.execute(text("SELECT import_id FROM imports WHERE sha256 = :h AND state = 'active' "
                              "ORDER BY import_id LIMIT 1"), {"h": rep.sha256}).scalar()
    if prev is None:
        return False
    _noop(rep, int(prev))
    rep.warnings.append(warning(msg("already_imported", id=prev)))
    return True


def _noop(rep: Report, import_id: int) -> None:
    rep.ok, rep.already_imported, rep.exit_code = True, import_id, 0
    rep.say(msg("already_imported", id=import_id))


def _validate(engine, grid, parsed, *, province, scope, today) -> Outcome:
    register = Register.from_engine(engine)
    out = Validator(register, parsed, province=province, scope=scope, today=today).run(kind_of(parsed.kind).validate)
    for r, col, val, m in parsed.errors:
        out.err(r, col, val, m)
    for rn, ci, txt in grid.formula_cells:
        cname = parsed.meta.get("col_names", {}).get(ci)
        out.err(rn, grid.col_label(ci) + (f" ({cname})" if cname else ""), txt[:80], err("formula"))
    if not parsed.items and not out.errors:
        out.err(None, None, None, err("no_data_rows"))
    return out


def _finish(rep: Report, out: Outcome, parsed, current, allow_downgrade) -> bool:
    """The store rules, then the report's errors, warnings, diff and counts. True when valid."""
    rep.diff = store_rules.check(out, current, allow_downgrade)
    rep.confirmations = list(out.confirmations)
    rep.rows_to_write = len(out.records) + (0 if allow_downgrade else len(out.confirmations))
    rep.errors = sorted(out.errors, key=lambda e: (e["row"] is not None, e["row"] or 0))
    rep.warnings += out.warnings
    bad = {e["row"] for e in out.errors} | out.bad_rows
    rep.rows_valid = 0 if None in bad else sum(1 for it in parsed.items if it.row not in bad)
    return not out.errors


class _AlreadyImported(Exception):
    def __init__(self, import_id):
        self.import_id = import_id


class _Invalid(Exception):
    pass


def _write_transaction(rep: Report, engine: Engine, out: Outcome, parsed, keys, *, user, scope) -> Report:
    """The write: one transaction, serialised through the lock row; the store rules run again under
    the lock (another import may have committed since the caller's dry run)."""
    try:
        with engine.begin() as c:
            c.execute(text("UPDATE import_lock SET holder = :u, acquired_at = :t WHERE lock_id = 1"),
                      {"u": user[:200], "t": _now()})
            prev = c.execute(text("SELECT import_id FROM imports WHERE sha256 = :h AND state = 'active'"),
                             {"h": rep.sha256}).scalar()
            if prev is not None:
                raise _AlreadyImported(int(prev))
            if not _finish(rep, out, parsed, store_rules.current_rows(c, keys), rep.allow_downgrade):
                raise _Invalid()
            import_id = _record_import(c, rep, out, parsed, user, scope)
            written = _write(c, import_id, out, parsed, rep.file)
            c.execute(text("UPDATE imports SET rows_written = :n, report = :j WHERE import_id = :i"),
                      {"n": written, "i": import_id, "j": json.dumps(_history_report(rep), ensure_ascii=False,
                                                                     default=str)})
            bump(c, f"import {import_id}")   # other processes drop their caches (loaders/freshness.py)
    except _AlreadyImported as e:
        _noop(rep, e.import_id)
        return rep
    except _Invalid:
        rep.ok, rep.exit_code = False, 1
        rep.say(msg("refused", n=len(rep.errors)))
        return rep
    except OperationalError as e:   # e.g. SQLite "database is locked" after the busy timeout
        return _database_failure(rep, e, "busy", 2)
    except SQLAlchemyError as e:    # a value the database refuses (length, type, constraint)
        return _database_failure(rep, e, "database", 1)
    rep.ok, rep.exit_code, rep.import_id, rep.rows_written = True, 0, int(import_id), written
    rep.say(msg("imported", n=written, id=import_id))
    return rep


def _database_failure(rep: Report, e, code: str, exit_code: int) -> Report:
    rep.ok, rep.exit_code, rep.rows_written = False, exit_code, 0
    detail = str(getattr(e, "orig", e)).strip().splitlines()[0][:200] if str(getattr(e, "orig", e)).strip() else ""
    rep.errors.append({**issue(err(code)), "detail": detail})
    rep.say(msg(code))
    return rep


def _history_report(rep: Report) -> dict:
    return {"warnings": len(rep.warnings), "diff": rep.diff[:2000], "allow_downgrade": rep.allow_downgrade,
            "reason": rep.reason, "confirmed": rep.confirmations[:2000]}


def _record_import(c, rep: Report, out: Outcome, parsed, user: str, scope) -> int:
    return c.execute(text(
        "INSERT INTO imports (username, created_at, file_name, sha256, kind, province_code, scope_code, "
        "rows_read, rows_written, state) VALUES (:u, :t, :f, :h, :k, :p, :s, :r, 0, 'active') "
        "RETURNING import_id"),
        {"u": user[:200], "t": _now(), "f": rep.file, "h": rep.sha256, "k": parsed.kind, "p": out.province,
         "s": scope[1] if scope else None, "r": rep.rows_read}).scalar_one()


def _write(c, import_id: int, out: Outcome, parsed, filename: str) -> int:
    meta = parsed.meta
    src_id = f"import-{import_id}"
    doc_date = meta.get("decision_date") or meta.get("report_date")
    c.execute(text("INSERT INTO sources (source_id, kind, title, issuer, doc_number, doc_date, url, published, note) "
                   "VALUES (:i, :k, :t, NULL, :n, :d, NULL, NULL, :note)"),
              {"i": src_id, "k": kind_of(parsed.kind).source_kind, "t": filename, "n": meta.get("decision_no"),
               "d": doc_date.isoformat() if doc_date else None,
               "note": f"imported file (import #{import_id}, {parsed.kind})"})
    by_table: dict = {}
    for r in out.records:
        vals = dict(r.values)
        vals["source_id"] = vals.get("source_id") or src_id
        vals["import_id"] = import_id
        spec = STORE_TABLES[r.table]
        vals[spec.id_column] = spec.row_id(import_id, vals)
        by_table.setdefault(r.table, []).append(vals)
    for table, rows in by_table.items():
        _insert_superseding(c, STORE_TABLES[table], import_id, rows)
    return sum(len(rows) for rows in by_table.values())


def _insert_superseding(c, spec: StoreTable, import_id: int, rows: list) -> None:
    """Insert the rows; each active row with the same key (vintage, unit, …) now points at it."""
    old = _active_by_key(c, spec, {(r["vintage"], r["unit_code"]) for r in rows})
    cols = spec.columns
    c.execute(text(f"INSERT INTO {spec.name} ({', '.join(cols)}) VALUES ({', '.join(':' + k for k in cols)})"),
              [{k: r.get(k) for k in cols} for r in rows])
    new = {tuple(str(x) for x in row[1:]): row[0] for row in c.execute(text(
        f"SELECT id, {', '.join(spec.key)} FROM {spec.name} WHERE import_id = :i"), {"i": import_id})}
    sup = [{"n": new[k], "o": oid} for k, ids in old.items() if k in new for oid in ids]
    if sup:
        c.execute(text(f"UPDATE {spec.name} SET superseded_by = :n WHERE id = :o"), sup)


def _active_by_key(c, spec: StoreTable, units) -> dict:
    out: dict = {}
    sql = (f"SELECT id, {', '.join(spec.key)} FROM {spec.name} WHERE superseded_by IS NULL "
           "AND vintage = :v AND unit_code IN :codes")
    for row in store_rules.select_units(c, sql, units):
        out.setdefault(tuple(str(x) for x in row[1:]), []).append(row[0])
    return out


# --- history and rollback ------------------------------------------------------

def history(engine: Engine, limit: int = 100) -> list[dict]:
    """The imports, newest first, with the rows each was confirmed to weaken and the reason."""
    with engine.connect() as c:
        rows = c.execute(text("SELECT import_id, username, created_at, file_name, sha256, kind, province_code, "
                              "scope_code, rows_read, rows_written, state, rolled_back_at, rolled_back_by, report "
                              "FROM imports ORDER BY import_id DESC LIMIT :n"), {"n": limit})
        out = []
        for r in rows:
            d = dict(r._mapping)
            try:
                rep = json.loads(d.pop("report") or "{}")
            except ValueError:
                rep = {}
            d["confirmed_downgrades"] = len(rep.get("confirmed") or [])
            d["reason"] = rep.get("reason")
            out.append(d)
        return out


class RollbackError(Exception):
    def __init__(self, m):
        super().__init__(m.en)
        self.msg = m

    @property
    def vi(self):
        return self.msg.vi

    @property
    def en(self):
        return self.msg.en


def rollback(engine: Engine, import_id: int, user: str = "cli", scope: tuple | None = None) -> int:
    """Undo one import: delete its rows and re-open the rows they had superseded. Returns rows removed."""
    with engine.begin() as c:
        c.execute(text("UPDATE import_lock SET holder = :u, acquired_at = :t WHERE lock_id = 1"),
                  {"u": user[:200], "t": _now()})
        row = c.execute(text("SELECT state, province_code, scope_code FROM imports WHERE import_id = :i"),
                        {"i": import_id}).first()
        if row is None:
            raise RollbackError(err("no_such_import", id=import_id))
        if row[0] != "active":
            raise RollbackError(err("already_rolled_back", id=import_id))
        if scope and not _scope_covers(scope, row[1], row[2]):
            raise RollbackError(err("rollback_scope"))
        removed = 0
        for table in STORE_TABLES:
            mine = c.execute(text(f"SELECT id, superseded_by FROM {table} WHERE import_id = :i"), {"i": import_id}).fetchall()
            # A row this import superseded goes back to whatever superseded this import's row (or to current).
            for rid, succ in mine:
                c.execute(text(f"UPDATE {table} SET superseded_by = :s WHERE superseded_by = :r"), {"s": succ, "r": rid})
            removed += c.execute(text(f"DELETE FROM {table} WHERE import_id = :i"), {"i": import_id}).rowcount
        c.execute(text("DELETE FROM sources WHERE source_id = :s"), {"s": f"import-{import_id}"})
        c.execute(text("UPDATE imports SET state = 'rolled_back', rolled_back_at = :t, rolled_back_by = :u "
                       "WHERE import_id = :i"), {"t": _now(), "u": user[:200], "i": import_id})
        bump(c, f"rollback {import_id}")
    return removed


def _scope_covers(scope, province_code, scope_code) -> bool:
    kind, code = scope
    if kind == "province":
        return province_code == code
    return scope_code == code

