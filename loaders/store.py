"""The store: SQLAlchemy 2.x over SQLite (default, `var/ntm_atlas.sqlite`) or PostgreSQL
(`NTM_DATABASE_URL=postgresql+psycopg://...`).

Schema changes are ordered SQL files `loaders/migrations/NNNN_name.sql`, each applied once in its own
transaction and recorded in `schema_version`. The SQL is portable; the one dialect token `{{ID}}`
becomes an auto-increment primary key. `init_db()` migrates and, when the database is empty, seeds it
from `geodata/` in ONE transaction: any bad value or constraint error leaves the database unchanged.
A fingerprint of the seeded files is kept in `seed_state`; when `geodata/` changes (a `git pull`), the
next `init_db()` reloads the geodata-derived rows in one transaction and keeps imported rows.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from loaders.boundaries import vintages_table
from loaders.freshness import bump
from loaders.paths import VAR_DIR, criteria_dir, geodata_dir, records_dir, registers_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_RE = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")

# Column kinds of every seeded table, in file order. `str` stays text (codes keep leading zeros).
TABLES: dict[str, list[tuple[str, str]]] = {
    "vintages": [("vintage", "str"), ("province_code", "str"), ("province_name", "str"),
                 ("valid_from", "str"), ("valid_to", "str"), ("n_communes", "int"),
                 ("n_districts", "int"), ("layer", "str"), ("predecessors", "str")],
    "units": [("vintage", "str"), ("unit_code", "str"), ("admin_level", "str"), ("name", "str"),
              ("unit_type", "str"), ("parent_code", "str"), ("province_code", "str")],
    "crosswalk": [("from_vintage", "str"), ("from_code", "str"), ("to_vintage", "str"),
                  ("to_code", "str"), ("relation", "str"), ("part", "str"), ("inferred", "bool"),
                  ("note", "str")],
    "criteria": [("criteria_set", "str"), ("criterion_id", "str"), ("name_vi", "str"),
                 ("name_en", "str"), ("group_id", "str"), ("group_vi", "str"), ("group_en", "str"),
                 ("scope", "str"), ("note", "str")],
    "sources": [("source_id", "str"), ("kind", "str"), ("title", "str"), ("issuer", "str"),
                ("doc_number", "str"), ("doc_date", "str"), ("url", "str"), ("published", "str"),
                ("note", "str")],
    "status": [("record_id", "str"), ("vintage", "str"), ("unit_code", "str"), ("admin_level", "str"),
               ("year", "int"), ("level", "str"), ("criteria_set", "str"), ("criteria_met", "int"),
               ("criteria_total", "int"), ("missing_criteria", "str"), ("decision_no", "str"),
               ("decision_date", "str"), ("source_id", "str"), ("provenance", "str"),
               ("derived_from", "str"), ("note", "str"), ("commune_group", "int")],
    "targets": [("target_id", "str"), ("scope", "str"), ("vintage", "str"), ("unit_code", "str"),
                ("admin_level", "str"), ("level", "str"), ("target_year", "int"),
                ("target_share", "float"), ("target_count", "int"), ("source_id", "str"),
                ("provenance", "str"), ("note", "str")],
    "aggregates": [("aggregate_id", "str"), ("area_code", "str"), ("admin_level", "str"),
                   ("year", "int"), ("as_of", "str"), ("metric", "str"), ("value", "float"),
                   ("denominator", "float"), ("source_id", "str"), ("provenance", "str"),
                   ("note", "str"), ("vintage", "str")],
    # Locality indicators (migration 0004): entered values only; criteria_met and reports_on_time
    # are computed by the metrics from the status and receipt records.
    "indicators": [("record_id", "str"), ("vintage", "str"), ("unit_code", "str"),
                   ("admin_level", "str"), ("period", "str"), ("indicator", "str"), ("value", "float"),
                   ("qualifier", "str"), ("basis", "str"), ("definition", "str"), ("source_id", "str"),
                   ("provenance", "str"), ("note", "str")],
    "obligations": [("obligation_id", "str"), ("province_code", "str"), ("applies_to", "str"),
                    ("frequency", "str"), ("due_day", "int"), ("due_date", "str"),
                    ("in_force_from", "str"), ("in_force_to", "str"), ("tracked_by", "str"),
                    ("source_id", "str"), ("section", "str"), ("title_vi", "str"), ("title_en", "str"),
                    ("quote", "str"), ("note", "str")],
    # Who reported on which (unit, period) and when (UTC ISO): the illustrative fill's receipts.
    # Receipts of real imports are read from the import history (loaders.dataset.import_receipts).
    "report_receipts": [("vintage", "str"), ("unit_code", "str"), ("period", "str"),
                        ("received_at", "str"), ("username", "str"), ("provenance", "str"),
                        ("note", "str")],
}
# Columns a file may omit (filled with empty values).
# `status.commune_group` (2026-2030 set only) is optional so files written before it existed
# (and the illustrative fill) still load; so is `aggregates.vintage` (the unit set a reported
# denominator counts, when the build knows it).
OPTIONAL = {"criteria": {"note"}, "status": {"commune_group"}, "aggregates": {"vintage"},
            "indicators": {"definition", "note"}, "report_receipts": {"note"}}
# Tables whose rows keep history (current rows: superseded_by IS NULL), with their record key.
HISTORY_TABLES = ("status", "targets", "indicators")
HISTORY_KEYS = {"status": "record_id", "targets": "target_id", "indicators": "record_id"}
# Seeded tables whose illustrative fill lives in records/illustrative/<table>_illustrative.csv.
ILLUSTRATIVE_FILES = {"status": "status_illustrative.csv", "indicators": "indicators_illustrative.csv",
                      "report_receipts": "report_receipts_illustrative.csv"}


class SeedError(Exception):
    """Seeding refused; `errors` lists (file, row, column, value, message). Nothing was written."""

    def __init__(self, errors: list[tuple]):
        self.errors = errors
        lines = [f"{f}: row {r}, column {c!r}, value {v!r}: {m}" for f, r, c, v, m in errors[:20]]
        more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__("cannot seed the database:\n" + "\n".join(lines) + more)


# ---------------------------------------------------------------- engine and migrations

def database_url() -> str:
    url = os.environ.get("NTM_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{VAR_DIR / 'ntm_atlas.sqlite'}"


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url)

        # pysqlite runs DDL outside transactions; take over BEGIN so migrations and seeding are atomic.
        @event.listens_for(eng, "connect")
        def _connect(dbapi_conn, _rec):
            dbapi_conn.isolation_level = None

        @event.listens_for(eng, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")

        return eng
    # a database that is down or restarting must fail a request in seconds, not hang it
    args = {} if "connect_timeout" in url else {"connect_timeout": 5}
    return create_engine(url, pool_pre_ping=True, connect_args=args)


def get_engine(url: str | None = None) -> Engine:
    return _engine(url or database_url())


def list_migrations() -> list[tuple[int, str, Path]]:
    out = []
    for p in sorted(MIGRATIONS_DIR.iterdir()):
        m = _MIGRATION_RE.match(p.name)
        if m:
            out.append((int(m.group(1)), m.group(2), p))
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers in {MIGRATIONS_DIR}")
    return out


def _statements(sql: str, dialect: str) -> list[str]:
    auto_id = ("INTEGER PRIMARY KEY AUTOINCREMENT" if dialect == "sqlite"
               else "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    sql = sql.replace("{{ID}}", auto_id)
    sql = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", sql) if s.strip()]


def applied_versions(engine: Engine) -> set[int]:
    if not inspect(engine).has_table("schema_version"):
        return set()
    with engine.connect() as c:
        return {int(r[0]) for r in c.execute(text("SELECT version FROM schema_version"))}


def migrate(engine: Engine | None = None) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now."""
    engine = engine or get_engine()
    with engine.begin() as c:
        c.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                       "name VARCHAR(128) NOT NULL, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"))
    done = applied_versions(engine)
    applied = []
    for version, name, path in list_migrations():
        if version in done:
            continue
        with engine.begin() as c:
            for stmt in _statements(path.read_text(encoding="utf-8"), engine.dialect.name):
                c.exec_driver_sql(stmt)
            c.execute(text("INSERT INTO schema_version (version, name) VALUES (:v, :n)"),
                      {"v": version, "n": name})
        applied.append(version)
    return applied


# ---------------------------------------------------------------- reading geodata for the seed

def seed_files(root: Path | None = None) -> dict[str, list[Path]]:
    """The CSV files each table is seeded from (records are optional until they exist)."""
    root = Path(root) if root is not None else geodata_dir()
    rec = records_dir(root)
    files = {
        "units": [registers_dir(root) / "units.csv"],
        "crosswalk": [registers_dir(root) / "crosswalk.csv"],
        "criteria": [criteria_dir(root) / "criteria.csv"],
    }
    for t in ("sources", "status", "targets", "aggregates", "indicators", "obligations"):
        files[t] = [p for p in [rec / f"{t}.csv"] if p.is_file()]
    files["report_receipts"] = []
    illus = rec / "illustrative"
    for t, name in ILLUSTRATIVE_FILES.items():
        files[t] += [p for p in [illus / name] if p.is_file()]
    return files


def _convert(df: pd.DataFrame, table: str, fname: str, errors: list) -> pd.DataFrame:
    out = {}
    for col, kind in TABLES[table]:
        if col not in df.columns:
            if col in OPTIONAL.get(table, ()):
                out[col] = [None] * len(df)
                continue
            errors.append((fname, 1, col, "", f"required column {col!r} is missing from the header"))
            continue
        vals = []
        for i, v in enumerate(df[col].tolist()):
            v = v.strip() if isinstance(v, str) else v
            if v is None or v == "":
                vals.append(None)
                continue
            try:
                if kind == "int":
                    f = float(v)
                    if f != int(f):
                        raise ValueError
                    vals.append(int(f))
                elif kind == "float":
                    vals.append(float(v))
                elif kind == "bool":
                    if v.lower() not in ("true", "false"):
                        raise ValueError
                    vals.append(v.lower() == "true")
                else:
                    vals.append(v)
            except ValueError:
                errors.append((fname, i + 2, col, v, f"expected {'true/false' if kind == 'bool' else kind}"
                                                       f" — fix the value in the file"))
                vals.append(None)
        out[col] = vals
    return pd.DataFrame(out)


def read_seed_frames(root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every seeded table as a typed DataFrame; raises SeedError naming file/row/column/value."""
    root = Path(root) if root is not None else geodata_dir()
    errors: list = []
    frames: dict[str, pd.DataFrame] = {}
    vt = vintages_table(root)
    if vt.empty:
        errors.append((str(root / "boundaries"), 0, "", "", "no boundary vintage (meta.json) found"))
    frames["vintages"] = _convert(vt.astype(object).where(vt.notna(), "").astype(str), "vintages",
                                  "boundaries/*/meta.json", errors)
    for table, paths in seed_files(root).items():
        parts = []
        for p in paths:
            name = str(p.relative_to(root)) if p.is_relative_to(root) else str(p)
            if not p.is_file():
                errors.append((name, 0, "", "", "file is missing"))
                continue
            try:
                raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
            except (UnicodeDecodeError, pd.errors.ParserError) as e:
                errors.append((name, 0, "", "", f"unreadable CSV: {e}"))
                continue
            parts.append(_convert(raw, table, name, errors))
        cols = [c for c, _ in TABLES[table]]
        frames[table] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    if errors:
        raise SeedError(errors)
    return frames


# ---------------------------------------------------------------- seeding

# geodata-derived rows (everything except rows written by imports) are replaced on a reseed
SEED_STATE_DDL = ("CREATE TABLE IF NOT EXISTS seed_state (id INTEGER PRIMARY KEY, fingerprint VARCHAR(64) "
                  "NOT NULL, seeded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)")


def geodata_fingerprint(root: Path | None = None) -> str:
    """sha256 over the seeded files (relative name + bytes): tells whether geodata/ changed."""
    root = Path(root) if root is not None else geodata_dir()
    h = hashlib.sha256()
    paths = [p for ps in seed_files(root).values() for p in ps]
    paths += sorted((root / "boundaries").glob("*/meta.json"))
    for p in sorted(set(paths)):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes() if p.is_file() else b"<missing>")
    return h.hexdigest()


def is_seeded(engine: Engine) -> bool:
    if not inspect(engine).has_table("units"):
        return False
    with engine.connect() as c:
        return c.execute(text("SELECT COUNT(*) FROM units")).scalar_one() > 0


def seeded_fingerprint(engine: Engine) -> str | None:
    if not inspect(engine).has_table("seed_state"):
        return None
    with engine.connect() as c:
        return c.execute(text("SELECT fingerprint FROM seed_state WHERE id = 1")).scalar_one_or_none()


def _insert(conn, table: str, df: pd.DataFrame, extra: tuple[str, ...] = ()) -> None:
    if df.empty:
        return
    cols = [c for c, _ in TABLES[table]] + list(extra)
    rows = df[cols].astype(object).where(df[cols].notna(), None).to_dict("records")
    sql = text(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})")
    conn.execute(sql, rows)


def _write_fingerprint(conn, fp: str) -> None:
    conn.execute(text(SEED_STATE_DDL))
    conn.execute(text("DELETE FROM seed_state"))
    conn.execute(text("INSERT INTO seed_state (id, fingerprint) VALUES (1, :f)"), {"f": fp})


def seed(engine: Engine, root: Path | None = None) -> dict[str, int]:
    """Insert every table from geodata/ in one transaction (database must be empty)."""
    fp = geodata_fingerprint(root)
    frames = read_seed_frames(root)
    with engine.begin() as c:
        for table in TABLES:
            _insert(c, table, frames[table])
        _write_fingerprint(c, fp)
        bump(c, "seed")
    return {t: len(f) for t, f in frames.items()}


def reseed(engine: Engine, root: Path | None = None) -> dict[str, int]:
    """Replace the geodata-derived rows with the current files, in one transaction.

    Rows written by imports (import_id set) and the sources they cite are kept; a seeded row an
    import had superseded stays superseded by that import's row (matched on record_id/target_id)."""
    fp = geodata_fingerprint(root)
    frames = read_seed_frames(root)
    with engine.begin() as c:
        for table, key in HISTORY_KEYS.items():
            sup = dict(c.execute(text(f"SELECT {key}, superseded_by FROM {table} "
                                      "WHERE import_id IS NULL AND superseded_by IS NOT NULL")).fetchall())
            c.execute(text(f"DELETE FROM {table} WHERE import_id IS NULL"))
            df = frames[table].copy()
            df["superseded_by"] = [sup.get(k) for k in df[key]]
            _insert(c, table, df, extra=("superseded_by",))
        c.execute(text("DELETE FROM report_receipts WHERE import_id IS NULL"))
        _insert(c, "report_receipts", frames["report_receipts"])
        new_sources = set(frames["sources"]["source_id"])
        kept = {r[0] for r in c.execute(text(" UNION ".join(
            f"SELECT source_id FROM {t} WHERE source_id IS NOT NULL" for t in HISTORY_TABLES)))}
        for (sid,) in c.execute(text("SELECT source_id FROM sources")).fetchall():
            if sid in new_sources or sid not in kept:
                c.execute(text("DELETE FROM sources WHERE source_id = :s"), {"s": sid})
        _insert(c, "sources", frames["sources"])
        for table in ("vintages", "units", "crosswalk", "criteria", "aggregates", "obligations"):
            c.execute(text(f"DELETE FROM {table}"))
            _insert(c, table, frames[table])
        _write_fingerprint(c, fp)
        bump(c, "reseed")
    return {t: len(f) for t, f in frames.items()}


@dataclass
class InitResult:
    url: str
    migrations_applied: list[int] = field(default_factory=list)
    seeded: dict[str, int] | None = None   # row counts when this call seeded the database
    reseeded: bool = False                 # True when geodata/ had changed and was reloaded

    def summary(self) -> str:
        safe = re.sub(r"//[^@/]*@", "//***@", self.url)
        parts = [f"database {safe}"]
        parts.append(f"migrations applied: {self.migrations_applied}" if self.migrations_applied
                     else "schema up to date")
        if self.seeded:
            verb = "geodata/ changed, reloaded (imported rows kept)" if self.reseeded else "seeded from geodata/"
            parts.append(verb + ": " + ", ".join(f"{k} {v}" for k, v in self.seeded.items()))
        else:
            parts.append("already seeded (nothing written)")
        return "; ".join(parts)


def init_db(engine: Engine | None = None, root: Path | None = None, refresh: bool = True) -> InitResult:
    """Create/upgrade the schema; seed from geodata/ when empty, and (refresh=True) reload the
    geodata-derived rows when the files changed since the last seed. Safe to call repeatedly."""
    engine = engine or get_engine()
    res = InitResult(url=str(engine.url.render_as_string(hide_password=True)))
    res.migrations_applied = migrate(engine)
    for attempt in (1, 2):
        try:
            if not is_seeded(engine):
                res.seeded = seed(engine, root)
            elif refresh and seeded_fingerprint(engine) != geodata_fingerprint(root):
                res.seeded, res.reseeded = reseed(engine, root), True
            return res
        except IntegrityError:
            # another process seeded at the same moment: its result stands if the data now matches
            if attempt == 2 or seeded_fingerprint(engine) != geodata_fingerprint(root):
                raise
            res.seeded, res.reseeded = None, False
    return res
