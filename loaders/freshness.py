"""The data version: how every process learns that the store's data changed.

The store holds one row `data_version (id = 1, version, changed_at, reason)` (migration 0005).
Every write of data — seed, reseed, import, rollback — calls `bump(conn, reason)` inside its own
transaction, so the new number commits or rolls back together with the rows.

A process that caches data (each Streamlit replica) owns a `Watcher`. `Watcher.changed()` reads the
row at most every `NTM_FRESHNESS_SECONDS` seconds (default 1; one primary-key lookup) and returns
True once per change; the caller then drops its caches. Between two reads it answers from memory, so
calling it on every script run costs nothing. The same polling works on SQLite and PostgreSQL (no
LISTEN/NOTIFY connection to keep alive across a database restart): an import on one replica is
visible on every other within the interval plus one script run.

When the database cannot be reached, `changed()` returns False (the caches stay: the last data
loaded is better than none) and `unavailable_since` says since when; the UI shows a notice and
retries. The change of state is logged once each way (`db_unavailable`, `db_available` with the
outage's length; loaders/logs.py). Never imports streamlit.
"""
from __future__ import annotations

import math
import os
import threading
import time
from datetime import datetime, timezone

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

DEFAULT_INTERVAL = 1.0


def interval_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("NTM_FRESHNESS_SECONDS", DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def bump(conn, reason: str) -> None:
    """Increment the data version inside the caller's transaction (migration 0005 made the row)."""
    conn.execute(text("UPDATE data_version SET version = version + 1, changed_at = :t, reason = :r "
                      "WHERE id = 1"), {"t": _now(), "r": str(reason)[:64]})


def read_version(engine: Engine) -> int:
    """The current data version (0 while the schema has no data_version table yet).
    Raises SQLAlchemyError when the database cannot be reached."""
    try:
        with engine.connect() as c:
            return int(c.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one())
    except SQLAlchemyError:
        if not inspect(engine).has_table("data_version"):   # reachable, not migrated yet
            return 0
        raise


def version_row(engine: Engine) -> dict | None:
    """`{"version", "changed_at", "reason"}`, or None before migration 0005."""
    if not inspect(engine).has_table("data_version"):
        return None
    with engine.connect() as c:
        r = c.execute(text("SELECT version, changed_at, reason FROM data_version WHERE id = 1")).first()
    return None if r is None else {"version": int(r[0]), "changed_at": r[1], "reason": r[2]}


def is_unavailable(exc: BaseException) -> bool:
    """True for errors that mean "the database cannot be reached right now" (down, restarting,
    connection dropped, SQLite locked), as opposed to a bug or bad data."""
    from sqlalchemy.exc import InterfaceError, OperationalError
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Watcher:
    """Rate-limited check of one store's data version, shared by the threads of a process."""

    def __init__(self, engine: Engine, interval: float | None = None, clock=time.monotonic):
        self.engine = engine
        self.interval = interval_seconds() if interval is None else float(interval)
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at = -math.inf
        self.seen: int | None = None           # version the caller's caches were built from
        self.unavailable_since: float | None = None   # wall-clock time of the first failed read
        self.last_error: str | None = None

    def changed(self, force: bool = False) -> bool:
        """True exactly once per change of the data version (and on the first successful read,
        since caches may have been filled before it); False between reads or when unreachable."""
        with self._lock:
            now = self._clock()
            if not force and now - self._checked_at < self.interval:
                return False
            self._checked_at = now
            try:
                version = read_version(self.engine)
            except SQLAlchemyError as e:
                self.last_error = f"{type(e).__name__}: {str(getattr(e, 'orig', e) or e)[:200]}"
                if self.unavailable_since is None:
                    self.unavailable_since = time.time()
                    from loaders import logs
                    logs.event("db_unavailable", level="error", database=self._url(), error=self.last_error)
                return False
            if self.unavailable_since is not None:
                from loaders import logs
                logs.event("db_available", database=self._url(),
                           outage_s=round(time.time() - self.unavailable_since, 1))
            self.unavailable_since, self.last_error = None, None
            if version == self.seen:
                return False
            self.seen = version
            return True

    def _url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def available(self) -> bool:
        return self.unavailable_since is None


_watchers: dict[str, Watcher] = {}
_watchers_lock = threading.Lock()


def watcher(url: str | None = None) -> Watcher:
    """The process-wide watcher of the store at `url` (default: NTM_DATABASE_URL)."""
    from loaders.store import database_url, get_engine
    url = url or database_url()
    with _watchers_lock:
        w = _watchers.get(url)
        if w is None:
            w = _watchers[url] = Watcher(get_engine(url))
        return w
