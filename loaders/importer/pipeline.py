"""One import = read → detect layout → validate → (unless dry-run) write in ONE transaction.

Any error means nothing is written. Every successful import is recorded in `imports`
(who, when, file name, SHA-256, kind, rows) and can be rolled back; rows it replaced
stay in the table with `superseded_by` pointing at their successor."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .layouts import detect
from .matching import Register
from .readers import ReadError, read_grid
from .validate import RANK, Outcome, Validator, check_against_store

STATUS_COLS = ["record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set",
               "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date",
               "source_id", "provenance", "derived_from", "note", "import_id"]
TARGET_COLS = ["target_id", "scope", "vintage", "unit_code", "admin_level", "level", "target_year",
               "target_share", "target_count", "source_id", "provenance", "note", "import_id"]


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
    message_vi: str = ""
    message_en: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _fail_read(rep: Report, e: ReadError) -> Report:
    rep.ok, rep.exit_code = False, 2
    rep.errors.append({"row": e.row, "column": e.column, "value": e.value, "code": "unreadable",
                       "message": f"{e.vi} — {e.en}", "message_vi": e.vi, "message_en": e.en,
                       "action_vi": e.hint_vi, "action_en": e.hint_en})
    rep.message_vi, rep.message_en = f"Không đọc được tệp {rep.file}: {e.vi}", f"Cannot read {rep.file}: {e.en}"
    return rep


def _current_levels(conn, keys) -> dict:
    """Active (year, level) rows per (vintage, unit_code) for the units in `keys`."""
    out = {}
    units = sorted({(v, c) for v, c in keys})
    for i in range(0, len(units), 500):
        chunk = units[i:i + 500]
        params = {}
        conds = []
        for j, (v, c) in enumerate(chunk):
            params[f"v{j}"], params[f"c{j}"] = v, c
            conds.append(f"(vintage = :v{j} AND unit_code = :c{j})")
        rows = conn.execute(text("SELECT vintage, unit_code, year, level, id, provenance FROM status "
                                 f"WHERE superseded_by IS NULL AND ({' OR '.join(conds)})"), params)
        for v, c, y, lv, rid, prov in rows:
            out.setdefault((v, c), []).append((int(y), lv, rid, prov))
    return out


def _diff(out: Outcome, current: dict) -> list:
    rows = []
    for r in out.records:
        if r.table != "status":
            continue
        hist = [(y, lv, prov) for y, lv, _, prov in current.get((r.unit.vintage, r.unit.unit_code), [])
                if y <= r.values["year"]]
        top = max(hist, key=lambda t: (t[0], RANK.get(t[1], 0))) if hist else None
        before = top[1] if top else None
        rows.append({"row": r.row, "unit_code": r.unit.unit_code, "name": r.unit.name, "year": r.values["year"],
                     "level_before": before, "provenance_before": top[2] if top else None,
                     "level_after": r.values["level"],
                     "change": "new" if before is None else ("same" if before == r.values["level"] else (
                         "up" if RANK.get(r.values["level"], 0) > RANK.get(before, 0) else "down"))})
    return rows


def _detect_any_sheet(grid, filename):
    """The first sheet in a known layout (a cover or notes sheet may come first)."""
    try:
        return detect(grid, filename)
    except ReadError as first_error:
        for other in grid.others:
            try:
                parsed = detect(other, filename)
            except ReadError:
                continue
            # Report rows, formulas and warnings of the sheet actually read.
            grid.rows, grid.formula_cells, grid.sheet = other.rows, other.formula_cells, other.sheet
            parsed.warnings.append((f"Đọc trang '{other.sheet}'", f"Read sheet '{other.sheet}'"))
            return parsed
        raise first_error


def import_file(path: str, engine: Engine, **kw) -> Report:
    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(50 * 1024 * 1024 + 1)
    except OSError as e:
        rep = Report(False, name)
        return _fail_read(rep, ReadError(f"Không mở được tệp: {e.strerror}", f"Cannot open the file: {e.strerror}",
                                         "Kiểm tra đường dẫn", "Check the path"))
    return import_bytes(data, name, engine, **kw)


def import_bytes(data: bytes, filename: str, engine: Engine, *, user: str = "cli", dry_run: bool = False,
                 province: str | None = None, scope: tuple | None = None, today: date | None = None,
                 max_bytes: int | None = None) -> Report:
    rep = Report(False, filename, dry_run=dry_run)
    rep.sha256 = hashlib.sha256(data).hexdigest()
    try:
        if max_bytes is not None and len(data) > max_bytes:
            raise ReadError(f"Tệp quá lớn ({len(data):,} byte; tối đa {max_bytes:,})",
                            f"File too large ({len(data):,} bytes; limit {max_bytes:,})", "Chia nhỏ tệp", "Split the file")
        grid = read_grid(data, filename)
        parsed = _detect_any_sheet(grid, filename)
    except ReadError as e:
        return _fail_read(rep, e)
    rep.kind = parsed.kind
    rep.encoding = grid.encoding
    for vi, en in grid.warnings + parsed.warnings:
        rep.warnings.append({"row": None, "column": None, "message": f"{vi} — {en}", "message_vi": vi, "message_en": en})
    rep.rows_read = len(parsed.items)

    with engine.connect() as c:
        prev = c.execute(text("SELECT import_id FROM imports WHERE sha256 = :h AND state = 'active' "
                              "ORDER BY import_id LIMIT 1"), {"h": rep.sha256}).scalar()
    if prev is not None:
        rep.ok, rep.already_imported, rep.exit_code = True, int(prev), 0
        rep.message_vi = f"Tệp này đã được nhập (lần nhập #{prev}); không ghi gì thêm"
        rep.message_en = f"This file was already imported (import #{prev}); nothing written"
        rep.warnings.append({"row": None, "column": None, "message": f"{rep.message_vi} — {rep.message_en}",
                             "message_vi": rep.message_vi, "message_en": rep.message_en})
        return rep

    register = Register.from_engine(engine)
    v = Validator(register, parsed, province=province, scope=scope, today=today)
    out = v.run()
    for r, col, val, vi, en, hvi, hen in parsed.errors:
        out.err(r, col, val, vi, en, hvi, hen)
    for rn, ci, txt in grid.formula_cells:
        cname = parsed.meta.get("col_names", {}).get(ci)
        out.err(rn, grid.col_label(ci) + (f" ({cname})" if cname else ""), txt[:80], "Ô chứa công thức (hoặc bắt đầu bằng = hay @); không nhập công thức",
                "Cell holds a formula (or starts with = or @); formulas are not imported",
                "Sao chép và dán dạng giá trị (Paste Values)", "Copy and paste as values", code="formula")
    if rep.rows_read == 0 and not out.errors:
        out.err(None, None, None, "Không có dòng dữ liệu nào (chỉ có tiêu đề)", "No data rows (header only)",
                "Thêm dữ liệu dưới dòng tiêu đề", "Add data under the header row", code="empty")
    rep.province = out.province
    rep.report_date = out.report_date.isoformat() if out.report_date else None
    rep.matched_units = out.matched
    rep.unmatched_units = out.unmatched

    def finish(current) -> bool:
        check_against_store(out, current)
        rep.diff = _diff(out, current)
        rep.errors = sorted(out.errors, key=lambda e: (e["row"] is not None, e["row"] or 0))
        rep.warnings += out.warnings
        bad = {e["row"] for e in out.errors}
        rep.rows_valid = 0 if None in bad else sum(1 for it in parsed.items if it.row not in bad)
        return not out.errors

    keys = {(r.unit.vintage, r.unit.unit_code) for r in out.records}
    if dry_run or out.errors:
        with engine.connect() as c:
            current = _current_levels(c, keys) if keys and not out.errors else {}
        ok = finish(current)
        rep.ok, rep.exit_code = ok, 0 if ok else 1
        if ok:
            n = len(out.records)
            rep.message_vi = f"Kiểm tra thử: hợp lệ, sẽ ghi {n} dòng" 
            rep.message_en = f"Dry run: valid, would write {n} rows"
        else:
            rep.message_vi = f"{len(rep.errors)} lỗi; không ghi gì vào cơ sở dữ liệu"
            rep.message_en = f"{len(rep.errors)} error(s); nothing was written to the database"
        return rep

    # The write: one transaction, serialised through the lock row.
    try:
        with engine.begin() as c:
            c.execute(text("UPDATE import_lock SET holder = :u, acquired_at = :t WHERE lock_id = 1"),
                      {"u": user, "t": _now()})
            prev = c.execute(text("SELECT import_id FROM imports WHERE sha256 = :h AND state = 'active'"),
                             {"h": rep.sha256}).scalar()
            if prev is not None:
                raise _AlreadyImported(int(prev))
            current = _current_levels(c, keys)
            if not finish(current):
                raise _Invalid()
            scope_code = scope[1] if scope else None
            import_id = c.execute(text(
                "INSERT INTO imports (username, created_at, file_name, sha256, kind, province_code, scope_code, "
                "rows_read, rows_written, state) VALUES (:u, :t, :f, :h, :k, :p, :s, :r, 0, 'active') "
                "RETURNING import_id"),
                {"u": user, "t": _now(), "f": filename, "h": rep.sha256, "k": parsed.kind, "p": out.province,
                 "s": scope_code, "r": rep.rows_read}).scalar_one()
            written = _write(c, import_id, out, parsed, filename, current)
            c.execute(text("UPDATE imports SET rows_written = :n, report = :j WHERE import_id = :i"),
                      {"n": written, "i": import_id, "j": json.dumps({"warnings": len(rep.warnings),
                                                                       "diff": rep.diff[:2000]}, ensure_ascii=False)})
    except _AlreadyImported as e:
        rep.ok, rep.already_imported, rep.exit_code = True, e.import_id, 0
        rep.message_vi = f"Tệp này đã được nhập (lần nhập #{e.import_id}); không ghi gì thêm"
        rep.message_en = f"This file was already imported (import #{e.import_id}); nothing written"
        return rep
    except OperationalError as e:   # e.g. SQLite "database is locked" after the busy timeout
        rep.ok, rep.exit_code = False, 2
        vi = "Cơ sở dữ liệu đang bận (một lần nhập khác đang chạy); không ghi gì — hãy thử lại"
        en = "The database is busy (another import is running); nothing written — try again"
        rep.errors.append({"row": None, "column": None, "value": None, "code": "busy", "message": f"{vi} — {en}",
                           "message_vi": vi, "message_en": en, "action_vi": "Thử lại sau ít phút",
                           "action_en": "Try again in a few minutes", "detail": str(e.orig)[:200]})
        rep.message_vi, rep.message_en = vi, en
        return rep
    except _Invalid:
        rep.ok, rep.exit_code = False, 1
        rep.message_vi = f"{len(rep.errors)} lỗi; không ghi gì vào cơ sở dữ liệu"
        rep.message_en = f"{len(rep.errors)} error(s); nothing was written to the database"
        return rep
    rep.ok, rep.exit_code, rep.import_id, rep.rows_written = True, 0, int(import_id), written
    rep.message_vi = f"Đã nhập {written} dòng (lần nhập #{import_id})"
    rep.message_en = f"Imported {written} rows (import #{import_id})"
    return rep


class _AlreadyImported(Exception):
    def __init__(self, import_id):
        self.import_id = import_id


class _Invalid(Exception):
    pass


def _write(c, import_id: int, out: Outcome, parsed, filename: str, current: dict) -> int:
    meta = parsed.meta
    src_id = f"import-{import_id}"
    doc_date = meta.get("decision_date") or meta.get("report_date")
    c.execute(text("INSERT INTO sources (source_id, kind, title, issuer, doc_number, doc_date, url, published, note) "
                   "VALUES (:i, :k, :t, NULL, :n, :d, NULL, NULL, :note)"),
              {"i": src_id, "k": "decision" if parsed.kind == "decision_list" else "report",
               "t": filename, "n": meta.get("decision_no"), "d": doc_date.isoformat() if doc_date else None,
               "note": f"imported file (import #{import_id}, {parsed.kind})"})
    status, targets = [], []
    for r in out.records:
        vals = dict(r.values)
        vals["source_id"] = vals.get("source_id") or src_id
        vals["import_id"] = import_id
        if r.table == "status":
            vals["record_id"] = f"I{import_id}-{vals['vintage']}-{vals['unit_code']}-{vals['year']}-{vals['level']}"
            status.append(vals)
        else:
            vals["target_id"] = f"TI{import_id}-{vals['vintage']}-{vals['unit_code']}-{vals['level']}"
            targets.append(vals)
    if status:
        c.execute(text(f"INSERT INTO status ({', '.join(STATUS_COLS)}) VALUES ({', '.join(':' + k for k in STATUS_COLS)})"),
                  [{k: v.get(k) for k in STATUS_COLS} for v in status])
        new = {(v, u, int(y), lv): i for i, v, u, y, lv in c.execute(text(
            "SELECT id, vintage, unit_code, year, level FROM status WHERE import_id = :i"), {"i": import_id})}
        sup = []
        for (v, u), rows in current.items():
            for y, lv, rid, _prov in rows:
                if (v, u, y, lv) in new:
                    sup.append({"n": new[(v, u, y, lv)], "o": rid})
        if sup:
            c.execute(text("UPDATE status SET superseded_by = :n WHERE id = :o"), sup)
    if targets:
        c.execute(text(f"INSERT INTO targets ({', '.join(TARGET_COLS)}) VALUES ({', '.join(':' + k for k in TARGET_COLS)})"),
                  [{k: v.get(k) for k in TARGET_COLS} for v in targets])
        sup = []
        for i, v, u, lv in c.execute(text("SELECT id, vintage, unit_code, level FROM targets WHERE import_id = :i"),
                                     {"i": import_id}).fetchall():
            for (oid,) in c.execute(text("SELECT id FROM targets WHERE superseded_by IS NULL AND vintage = :v AND "
                                         "unit_code = :u AND level = :l AND (import_id IS NULL OR import_id <> :i)"),
                                    {"v": v, "u": u, "l": lv, "i": import_id}).fetchall():
                sup.append({"n": i, "o": oid})
        if sup:
            c.execute(text("UPDATE targets SET superseded_by = :n WHERE id = :o"), sup)
    return len(status) + len(targets)


# --- history and rollback ------------------------------------------------------

def history(engine: Engine, limit: int = 100) -> list[dict]:
    with engine.connect() as c:
        rows = c.execute(text("SELECT import_id, username, created_at, file_name, sha256, kind, province_code, "
                              "scope_code, rows_read, rows_written, state, rolled_back_at, rolled_back_by "
                              "FROM imports ORDER BY import_id DESC LIMIT :n"), {"n": limit})
        return [dict(r._mapping) for r in rows]


class RollbackError(Exception):
    def __init__(self, vi, en):
        super().__init__(en)
        self.vi, self.en = vi, en


def rollback(engine: Engine, import_id: int, user: str = "cli", scope: tuple | None = None) -> int:
    """Undo one import: delete its rows and re-open the rows they had superseded. Returns rows removed."""
    with engine.begin() as c:
        c.execute(text("UPDATE import_lock SET holder = :u, acquired_at = :t WHERE lock_id = 1"),
                  {"u": user, "t": _now()})
        row = c.execute(text("SELECT state, province_code, scope_code FROM imports WHERE import_id = :i"),
                        {"i": import_id}).first()
        if row is None:
            raise RollbackError(f"Không có lần nhập #{import_id}", f"No import #{import_id}")
        if row[0] != "active":
            raise RollbackError(f"Lần nhập #{import_id} đã được hoàn tác", f"Import #{import_id} was already rolled back")
        if scope and not _scope_covers(scope, row[1], row[2]):
            raise RollbackError("Lần nhập này ngoài phạm vi tài khoản của bạn", "This import is outside your account's scope")
        removed = 0
        for table in ("status", "targets"):
            mine = c.execute(text(f"SELECT id, superseded_by FROM {table} WHERE import_id = :i"), {"i": import_id}).fetchall()
            # A row this import superseded goes back to whatever superseded this import's row (or to current).
            for rid, succ in mine:
                c.execute(text(f"UPDATE {table} SET superseded_by = :s WHERE superseded_by = :r"), {"s": succ, "r": rid})
            removed += c.execute(text(f"DELETE FROM {table} WHERE import_id = :i"), {"i": import_id}).rowcount
        c.execute(text("DELETE FROM sources WHERE source_id = :s"), {"s": f"import-{import_id}"})
        c.execute(text("UPDATE imports SET state = 'rolled_back', rolled_back_at = :t, rolled_back_by = :u "
                       "WHERE import_id = :i"), {"t": _now(), "u": user, "i": import_id})
    return removed


def _scope_covers(scope, province_code, scope_code) -> bool:
    kind, code = scope
    if kind == "province":
        return province_code == code
    return scope_code == code
