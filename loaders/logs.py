"""Structured logs: one JSON object per line, for imports, logins and errors.

    {"ts": "2026-12-01T10:00:00.123Z", "level": "info", "event": "import", "request_id": "…",
     "replica": "8501", "pid": 1234, …fields}

Lines go to standard error (systemd's journal, or the deploy script's log file), or to the file
named by `NTM_LOG_FILE`. `request_id` is the id of the current request: the app sets one per
script run (`set_request_id`), derived from the X-Request-Id header nginx gave the session's
websocket, so an app line can be matched with nginx's access log; command-line runs get a fresh id.
`NTM_REPLICA` names the process (the deploy scripts set it to the replica's port). Passwords and file
contents are never logged. Never imports streamlit.
"""
from __future__ import annotations

import contextvars
import json
import os
import sys
import threading
import traceback
import uuid
from datetime import datetime, timezone

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("ntm_request_id", default=None)
_lock = threading.Lock()


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def set_request_id(rid: str | None) -> str:
    rid = rid or new_request_id()
    _request_id.set(rid)
    return rid


def request_id() -> str:
    rid = _request_id.get()
    return rid if rid else set_request_id(None)


def _write(line: str) -> None:
    path = os.environ.get("NTM_LOG_FILE")
    with _lock:
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        else:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()


def event(name: str, level: str = "info", **fields) -> dict:
    """Write one JSON line; returns the record (tests read it back)."""
    now = datetime.now(timezone.utc)
    rec = {"ts": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z", "level": level,
           "event": name, "request_id": request_id(), "replica": os.environ.get("NTM_REPLICA") or None,
           "pid": os.getpid()}
    rec.update(fields)
    _write(json.dumps(rec, ensure_ascii=False, default=str))
    return rec


def error(name: str, exc: BaseException, **fields) -> dict:
    """An error with its type, message and traceback (one JSON string, never shown to users)."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return event(name, level="error", error_type=type(exc).__name__, error=str(exc)[:500],
                 traceback=tb[-4000:], **fields)


def import_event(report, user: str, source: str) -> dict:
    """One import (or dry run) as reported by loaders.importer.pipeline.Report."""
    return event("import", level="info" if report.ok else "warning", source=source, user=user,
                 file=report.file, sha256=report.sha256, kind=report.kind, ok=report.ok,
                 dry_run=report.dry_run, import_id=report.import_id, rows_read=report.rows_read,
                 rows_written=report.rows_written, errors=len(report.errors),
                 already_imported=report.already_imported, exit_code=report.exit_code)
