"""What state the store is in: `python -m loaders status` and the replicas' health endpoint.

`store_status(engine)` reads, without writing anything: the database URL (password hidden), the
schema version (migrations applied / known), the data version and the last import. `main()` is the
CLI: exit 0 when the database answers and its schema is current, 1 when migrations are pending
(run `python -m loaders init`), 2 when the database cannot be reached.
"""
from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError


def safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def store_status(engine: Engine) -> dict:
    from loaders.freshness import version_row
    from loaders.store import applied_versions, list_migrations, seeded_fingerprint
    known = [v for v, _, _ in list_migrations()]
    applied = sorted(applied_versions(engine))
    out = {"database_url": safe_url(engine), "dialect": engine.dialect.name,
           "schema_version": max(applied) if applied else None, "schema_latest": max(known) if known else None,
           "migrations_pending": [v for v in known if v not in applied],
           "data_version": None, "data_changed_at": None, "data_change": None, "last_import": None,
           "seed_fingerprint": None}
    row = version_row(engine)
    if row:
        out["data_version"], out["data_changed_at"], out["data_change"] = (
            row["version"], row["changed_at"], row["reason"])
    out["seed_fingerprint"] = (seeded_fingerprint(engine) or "")[:12] or None
    if inspect(engine).has_table("imports"):
        with engine.connect() as c:
            r = c.execute(text("SELECT import_id, created_at, username, file_name, kind, rows_written, state "
                               "FROM imports ORDER BY import_id DESC LIMIT 1")).first()
        if r is not None:
            out["last_import"] = dict(r._mapping)
    return out


def format_status(s: dict) -> str:
    li = s["last_import"]
    last = ("none" if li is None else
            f"#{li['import_id']} {li['created_at']} by {li['username']}: {li['file_name']} ({li['kind']}, "
            f"{li['rows_written']} rows, {li['state']})")
    pending = f" — pending {s['migrations_pending']}: run `python -m loaders init`" if s["migrations_pending"] else ""
    dv = ("none (schema older than migration 0005)" if s["data_version"] is None else
          f"{s['data_version']} (changed {s['data_changed_at'] or 'never'}, {s['data_change']})")
    return "\n".join([f"database:       {s['database_url']}",
                      f"schema version: {s['schema_version']} (latest {s['schema_latest']}){pending}",
                      f"data version:   {dv}",
                      f"last import:    {last}",
                      f"seeded from:    geodata/ fingerprint {s['seed_fingerprint'] or 'none (not seeded)'}"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m loaders status",
                                 description="Print the database URL (password hidden), schema version, data "
                                             "version and last import. Writes nothing. Exit 0 ok, 1 migrations "
                                             "pending, 2 database unreachable.")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--database-url", help="default: NTM_DATABASE_URL, else the SQLite file under var/")
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    from loaders.store import database_url, get_engine
    url = a.database_url or database_url()
    if url.startswith("sqlite") and "///" in url and not url.endswith(":memory:"):
        from pathlib import Path
        if not Path(url.split("///", 1)[1]).is_file():
            print(f"no database yet at {url}: run `python -m loaders init`", file=sys.stderr)
            return 1
    engine = get_engine(url)
    try:
        s = store_status(engine)
    except SQLAlchemyError as e:
        msg = str(getattr(e, "orig", e) or e).strip().splitlines()[0][:300]
        if a.json:
            print(json.dumps({"ok": False, "database_url": safe_url(engine), "error": msg}))
        print(f"Không kết nối được cơ sở dữ liệu — cannot reach the database {safe_url(engine)}: {msg}",
              file=sys.stderr)
        return 2
    s["ok"] = not s["migrations_pending"]
    print(json.dumps(s, ensure_ascii=False, default=str) if a.json else format_status(s))
    return 0 if s["ok"] else 1


def health(engine: Engine, seen_version: int | None = None) -> dict:
    """The replica health check: can the database be reached, is its schema current, which data
    version is in the store and which one this process's caches were built from (`seen_version`;
    None before the first page was served). `ok` is False when the database is unreachable or
    migrations are pending."""
    import os
    import time
    from loaders.freshness import read_version
    from loaders.store import applied_versions, list_migrations
    t0 = time.perf_counter()
    out = {"ok": False, "database": "unavailable", "database_url": safe_url(engine),
           "replica": os.environ.get("NTM_REPLICA") or None, "pid": os.getpid(),
           "data_version": None, "seen_version": seen_version, "schema_version": None,
           "migrations_pending": None}
    try:
        out["data_version"] = read_version(engine)
        applied = applied_versions(engine)
    except SQLAlchemyError as e:
        out["error"] = str(getattr(e, "orig", e) or e).strip().splitlines()[0][:300]
    else:
        pending = [v for v, _, _ in list_migrations() if v not in applied]
        out.update(database="ok", schema_version=max(applied) if applied else None,
                   migrations_pending=pending, ok=not pending)
    out["check_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return out
