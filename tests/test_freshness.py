"""The data version and the cross-process freshness check (loaders/freshness.py), on SQLite and
PostgreSQL: every data write bumps it in its own transaction (a failed write leaves it unchanged),
the watcher sees a change made by another process, the UI data module drops its caches on a change,
`python -m loaders status` and the health check report it, and the JSON logs carry imports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from loaders import freshness, logs
from loaders.boundaries import vintage_for
from loaders.importer import pipeline
from loaders.importer.pipeline import import_bytes, rollback
from loaders.importer.samples import status_csv
from loaders.status import format_status, health, store_status
from loaders.store import get_engine, init_db, list_migrations
from pg_fixture import _free_port

REPO = Path(__file__).resolve().parents[1]
YEAR = 2022
LATEST = max(v for v, _, _ in list_migrations())


def one_row_file(eng, level: str = "standard") -> tuple[bytes, str]:
    """A one-row status table for the first rural commune (xã) of Hà Tĩnh on the vintage of YEAR, whose
    existing status rows are removed first (so the row is new, never a downgrade)."""
    vintage = vintage_for("42", YEAR)
    with eng.begin() as c:
        code = c.execute(text("SELECT unit_code FROM units WHERE vintage = :v AND admin_level = 'commune' AND unit_type = 'xã' "
                              "ORDER BY unit_code LIMIT 1"), {"v": vintage}).scalar_one()
        c.execute(text("DELETE FROM status WHERE vintage = :v AND unit_code = :u"), {"v": vintage, "u": code})
    data = status_csv([{"unit_code": code, "year": YEAR, "level": level, "decision_no": "12/QĐ-UBND",
                        "decision_date": f"{YEAR}-12-01", "provenance": "official",
                        "source": f"Quyết định 12/QĐ-UBND ngày 1/12/{YEAR}"}])
    return data, code


def version(eng) -> int:
    return freshness.read_version(eng)


@pytest.fixture
def eng(seeded_db_url):
    e = get_engine(seeded_db_url)
    init_db(e)
    return e


def test_seed_sets_a_version_with_its_reason(db_url):
    e = get_engine(db_url)
    init_db(e)
    row = freshness.version_row(e)
    assert row["reason"] == "seed" and row["version"] == 2   # 1 from the migration, +1 by the seed
    init_db(e)   # nothing changed: nothing written, same version
    assert version(e) == 2


def test_import_and_rollback_bump_once_each_dry_run_and_errors_do_not(eng):
    data, _ = one_row_file(eng)
    v0 = version(eng)
    assert import_bytes(data, "t.csv", eng, dry_run=True).ok
    assert version(eng) == v0
    bad = status_csv([{"unit_code": "99999999", "year": YEAR, "level": "standard", "provenance": "official"}])
    assert not import_bytes(bad, "bad.csv", eng).ok
    assert version(eng) == v0
    rep = import_bytes(data, "t.csv", eng)
    assert rep.ok and rep.import_id
    assert freshness.version_row(eng)["reason"] == f"import {rep.import_id}"
    assert version(eng) == v0 + 1
    assert import_bytes(data, "t.csv", eng).already_imported == rep.import_id   # re-import: nothing written
    assert version(eng) == v0 + 1
    rollback(eng, rep.import_id)
    assert version(eng) == v0 + 2


def test_a_write_that_fails_after_the_bump_leaves_the_version_and_rows(eng, monkeypatch):
    data, code = one_row_file(eng)
    v0 = version(eng)
    with eng.connect() as c:
        n0 = c.execute(text("SELECT COUNT(*) FROM status")).scalar_one()
    real_write = pipeline._write

    def failing_write(*a, **kw):
        real_write(*a, **kw)
        raise RuntimeError("disk full (simulated) after the rows were written")
    monkeypatch.setattr(pipeline, "_write", failing_write)
    with pytest.raises(RuntimeError):
        import_bytes(data, "t.csv", eng)
    assert version(eng) == v0
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM status")).scalar_one() == n0
        assert c.execute(text("SELECT COUNT(*) FROM imports")).scalar_one() == 0


def test_watcher_rate_limit_and_change_detection(eng):
    now = [100.0]
    w = freshness.Watcher(eng, interval=2.0, clock=lambda: now[0])
    assert w.changed() is True          # first read: caches may predate it
    assert w.seen == version(eng)
    assert w.changed() is False
    with eng.begin() as c:
        freshness.bump(c, "test")
    now[0] += 1.0
    assert w.changed() is False         # within the interval: no query, no news
    now[0] += 1.5
    assert w.changed() is True and w.seen == version(eng)
    now[0] += 3
    assert w.changed() is False
    with eng.begin() as c:
        freshness.bump(c, "test")
    assert w.changed(force=True) is True


def test_watcher_reports_an_unreachable_database_and_recovers(tmp_path, monkeypatch):
    log = tmp_path / "events.jsonl"
    monkeypatch.setenv("NTM_LOG_FILE", str(log))
    e = get_engine(f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/nothing")
    w = freshness.Watcher(e, interval=0)
    assert w.changed() is False and not w.available
    assert w.unavailable_since is not None and "OperationalError" in w.last_error
    assert w.changed() is False   # still away: logged once, not on every check
    with pytest.raises(Exception) as ei:
        freshness.read_version(e)
    assert freshness.is_unavailable(ei.value)
    # the same watcher pointed at a reachable store recovers by itself
    ok = get_engine(f"sqlite:///{tmp_path / 'ok.sqlite'}")
    init_db(ok)
    w.engine = ok
    assert w.changed() is True and w.available and w.last_error is None
    events = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [r["event"] for r in events] == ["db_unavailable", "db_available"]
    assert events[0]["level"] == "error" and "nothing" in events[0]["database"] and events[1]["outage_s"] >= 0


def test_an_import_in_another_process_is_seen_by_this_process(eng):
    url = eng.url.render_as_string(hide_password=False)
    data, _ = one_row_file(eng)
    w = freshness.Watcher(eng, interval=0)
    w.changed()
    assert w.changed() is False
    f = Path(os.environ.get("TMPDIR", "/tmp")) / f"ntm-fresh-{os.getpid()}.csv"
    f.write_bytes(data)
    try:
        p = subprocess.run([sys.executable, "-m", "loaders", "import", str(f), "--json"], cwd=REPO,
                           env={**os.environ, "NTM_DATABASE_URL": url}, capture_output=True, text=True,
                           timeout=120)
    finally:
        f.unlink()
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    assert rep["rows_written"] == 1
    assert w.changed() is True
    assert freshness.version_row(eng)["reason"] == f"import {rep['import_id']}"


def test_ui_data_drops_its_caches_when_another_process_changed_the_store(eng, monkeypatch):
    """ui.data's hook: a token taken after a change elsewhere differs, and dataset() then holds
    the other process's row."""
    from ui.frame import data as ui_data
    url = eng.url.render_as_string(hide_password=False)
    monkeypatch.setenv("NTM_DATABASE_URL", url)
    freshness._watchers.pop(url, None)
    monkeypatch.setattr(freshness, "interval_seconds", lambda: 0.0)
    data, code = one_row_file(eng, level="model")
    ui_data.clear()
    tok0 = ui_data.token(True)
    before = ui_data.dataset(True).status
    assert not ((before["unit_code"] == code) & (before["level"] == "model")).any()
    assert ui_data.token(True) == tok0          # nothing changed: same token, cached dataset kept
    assert import_bytes(data, "other.csv", eng).rows_written == 1   # (another process: see the test above)
    tok1 = ui_data.token(True)
    assert tok1 != tok0
    after = ui_data.dataset(True).status
    assert ((after["unit_code"] == code) & (after["level"] == "model")).any()
    ui_data.clear()
    freshness._watchers.pop(url, None)


def test_status_reports_versions_and_hides_the_password(eng):
    s = store_status(eng)
    assert s["data_version"] == version(eng) and s["schema_version"] == LATEST and s["migrations_pending"] == []
    assert s["last_import"] is None
    data, _ = one_row_file(eng)
    rep = import_bytes(data, "status.csv", eng, user="tester")
    s = store_status(eng)
    assert s["last_import"]["import_id"] == rep.import_id and s["last_import"]["username"] == "tester"
    assert f"#{rep.import_id}" in format_status(s)
    secret = get_engine("postgresql+psycopg://ntm:s3cr3t@127.0.0.1:1/ntm")
    from loaders.status import safe_url
    assert "s3cr3t" not in safe_url(secret) and "***" in safe_url(secret)


def test_status_cli_json_and_exit_codes(eng, tmp_path):
    url = eng.url.render_as_string(hide_password=False)
    env = {**os.environ, "NTM_DATABASE_URL": url}
    p = subprocess.run([sys.executable, "-m", "loaders", "status", "--json"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["ok"] and s["data_version"] == version(eng) and s["schema_version"] == LATEST
    p = subprocess.run([sys.executable, "-m", "loaders", "status"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and f"data version:   {version(eng)}" in p.stdout
    down = {**os.environ, "NTM_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/x"}
    p = subprocess.run([sys.executable, "-m", "loaders", "status"], cwd=REPO, env=down,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "cannot reach the database" in p.stderr
    missing = {**os.environ, "NTM_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}"}
    p = subprocess.run([sys.executable, "-m", "loaders", "status"], cwd=REPO, env=missing,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "loaders init" in p.stderr and not (tmp_path / "none.sqlite").exists()


def test_health_check(eng):
    h = health(eng, seen_version=None)
    assert h["ok"] and h["database"] == "ok" and h["data_version"] == version(eng)
    assert h["migrations_pending"] == [] and h["schema_version"] == LATEST
    down = health(get_engine(f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/x"))
    assert not down["ok"] and down["database"] == "unavailable" and down["error"]


def test_json_logs_of_an_import_carry_the_request_id(eng, tmp_path, monkeypatch):
    log = tmp_path / "events.jsonl"
    monkeypatch.setenv("NTM_LOG_FILE", str(log))
    monkeypatch.setenv("NTM_REPLICA", "r1")
    rid = logs.set_request_id("abc123.7")
    data, _ = one_row_file(eng)
    rep = import_bytes(data, "logged.csv", eng, user="ed")
    logs.import_event(rep, "ed", source="test")
    try:
        raise ValueError("boom")
    except ValueError as e:
        logs.error("page_error", e)
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [r["event"] for r in lines] == ["import", "page_error"]
    imp, err = lines
    assert imp["request_id"] == rid and imp["replica"] == "r1" and imp["import_id"] == rep.import_id
    assert imp["rows_written"] == 1 and imp["ok"] is True and imp["file"] == "logged.csv"
    assert err["level"] == "error" and err["error_type"] == "ValueError" and "boom" in err["traceback"]


def test_cli_import_writes_one_log_line(eng, tmp_path):
    url = eng.url.render_as_string(hide_password=False)
    data, _ = one_row_file(eng)
    f = tmp_path / "cli.csv"
    f.write_bytes(data)
    log = tmp_path / "cli.jsonl"
    p = subprocess.run([sys.executable, "-m", "loaders", "import", str(f)], cwd=REPO,
                       env={**os.environ, "NTM_DATABASE_URL": url, "NTM_LOG_FILE": str(log)},
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    (rec,) = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert rec["event"] == "import" and rec["source"] == "cli" and rec["rows_written"] == 1
    assert len(rec["request_id"]) == 16
