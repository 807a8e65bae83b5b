"""The deployment files: a replica's health endpoint (deploy/serve.py) on a live server, the
backup script's dump restored into an empty database (same rows and checksums), the replica
script's refusal to start without the shared cookie secret, the nginx site file rendered by the
local stack, and the var/deploy/env contract (KEY=value lines). The whole stack (nginx + replicas
+ PostgreSQL) is exercised by `make deploy-local`, `make test-deployed` and `python -m benchmarks deploy`."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from loaders.store import get_engine, init_db
from pg_fixture import _free_port

REPO = Path(__file__).resolve().parents[1]


def fingerprint(url: str) -> dict:
    eng = get_engine(url)
    out = {}
    with eng.connect() as c:
        for t in sorted(inspect(eng).get_table_names()):
            rows = sorted(tuple("" if v is None else str(v) for v in r) for r in c.execute(text(f"SELECT * FROM {t}")))
            out[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    eng.dispose()
    return out


def get_json(url: str, timeout: float = 5) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def start_replica(db_url: str, tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "NTM_DATABASE_URL": db_url, "STREAMLIT_SERVER_COOKIE_SECRET": "test-secret",
           "NTM_PYTHON": sys.executable, "NTM_LOG_FILE": str(tmp_path / f"app-{port}.jsonl")}
    log = open(tmp_path / f"replica-{port}.log", "w")
    proc = subprocess.Popen([str(REPO / "deploy" / "run-replica.sh"), str(port)], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc, port
        except OSError:
            if proc.poll() is not None:
                raise AssertionError((tmp_path / f"replica-{port}.log").read_text()[-2000:])
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("replica did not start")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_replica_health_endpoint_reports_database_and_versions(tmp_path, _seeded_sqlite):
    import shutil
    db = tmp_path / "db.sqlite"
    shutil.copyfile(_seeded_sqlite, db)
    url = f"sqlite:///{db}"
    from loaders.freshness import read_version
    proc, port = start_replica(url, tmp_path)
    try:
        status, body = get_json(f"http://127.0.0.1:{port}/_ntm/health")
        assert status == 200 and body["ok"] and body["database"] == "ok"
        assert body["data_version"] == read_version(get_engine(url)) and body["replica"] == str(port)
        assert body["migrations_pending"] == [] and body["pid"] == proc.pid   # run-replica.sh execs Streamlit
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:   # the app itself is served
            assert r.status == 200 and b"<html" in r.read(2000).lower()
    finally:
        stop(proc)


def test_replica_health_is_503_when_the_database_is_down(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/none"
    proc, port = start_replica(url, tmp_path)
    try:
        status, body = get_json(f"http://127.0.0.1:{port}/_ntm/health")
        assert status == 503 and body["ok"] is False and body["database"] == "unavailable" and body["error"]
        assert "Traceback" not in json.dumps(body)
    finally:
        stop(proc)


def test_replica_script_requires_the_shared_cookie_secret():
    env = {k: v for k, v in os.environ.items() if k != "STREAMLIT_SERVER_COOKIE_SECRET"}
    p = subprocess.run([str(REPO / "deploy" / "run-replica.sh"), "1"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "STREAMLIT_SERVER_COOKIE_SECRET" in p.stderr


@pytest.mark.postgres
def test_backup_script_dump_restores_to_the_same_rows(pg_server, tmp_path):
    name = pg_server.create_db()
    url = pg_server.url(name)
    init_db(get_engine(url))
    env = {**os.environ, "NTM_DATABASE_URL": url, "BACKUP_DIR": str(tmp_path / "backups"), "KEEP_DAYS": "30"}
    p = subprocess.run([str(REPO / "deploy" / "backup" / "ntm-atlas-backup.sh")], env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    (dump,) = list((tmp_path / "backups").glob("ntm_atlas-*.dump"))
    assert oct(dump.stat().st_mode & 0o777) == "0o600"
    target = pg_server.create_db()
    r = subprocess.run(["pg_restore", "--no-owner", "-h", "127.0.0.1", "-p", str(pg_server.port), "-U", "postgres",
                        "-d", target, str(dump)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert fingerprint(pg_server.url(target)) == fingerprint(url)
    for n in (name, target):
        get_engine(pg_server.url(n)).dispose()
        pg_server.drop_db(n)


def test_local_stack_renders_nginx_site_and_env_contract(tmp_path, monkeypatch):
    monkeypatch.setenv("NTM_DEPLOY_DIR", str(tmp_path / "stack"))
    import importlib
    import deploy.local as local
    local = importlib.reload(local)   # picks up NTM_DEPLOY_DIR
    try:
        conf = local.render_nginx(18080, [18601, 18602])
        site = (tmp_path / "stack" / "nginx" / "ntm-atlas.conf").read_text()
        assert not re.search(r"@[A-Z_]+@", site), "every placeholder filled"
        assert "server 127.0.0.1:18601 " in site and "server 127.0.0.1:18602 " in site
        assert "listen 127.0.0.1:18080;" in site and "hash $ntm_route consistent;" in site
        assert (tmp_path / "stack" / "www" / "app" / "static").resolve() == (REPO / "static").resolve()
        assert str(tmp_path / "stack" / "nginx" / "ntm-atlas.conf") in conf.read_text()
        local.write_env({"NTM_DATABASE_URL": "postgresql+psycopg://u:p@127.0.0.1:1/db", "NTM_REPLICA_PORTS": "1,2"})
        env_file = tmp_path / "stack" / "env"
        assert local.read_env(env_file) == {"NTM_DATABASE_URL": "postgresql+psycopg://u:p@127.0.0.1:1/db",
                                            "NTM_REPLICA_PORTS": "1,2"}
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        assert all(re.fullmatch(r"[A-Z_]+=\S*", line) for line in env_file.read_text().splitlines())
        # shell KEY=value lines: a POSIX shell reads the same values
        out = subprocess.run(["sh", "-c", f". {env_file} && echo $NTM_REPLICA_PORTS"], capture_output=True, text=True)
        assert out.stdout.strip() == "1,2"
    finally:
        monkeypatch.delenv("NTM_DEPLOY_DIR")
        importlib.reload(local)


WRITER = """
import sys, threading
sys.path.insert(0, sys.argv[1])
import ui.maps.province as P, ui.maps.national as N
from pathlib import Path
P.GENERATED = Path(sys.argv[2]); N.DATA_DIR = Path(sys.argv[2])
body = "x" * 400_000
errors = []
def go(i):
    try:
        P._write_once(f"race-{i % 3}", body)
        N._write_once(f"nrace-{i % 3}", body)
    except Exception as e:
        errors.append(repr(e))
ts = [threading.Thread(target=go, args=(i,)) for i in range(12)]
[t.start() for t in ts]; [t.join() for t in ts]
print(len(errors), errors[:1])
"""


def test_content_addressed_files_survive_concurrent_writers(tmp_path):
    """Replicas (processes) and sessions (threads) write the same map file at the same moment,
    e.g. every replica after an import: no writer fails and every file is whole."""
    out = tmp_path / "static"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(REPO), str(out)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
        assert stdout.startswith("0 "), stdout
    files = sorted(f.name for f in out.iterdir())
    assert len(files) == 6 and not [f for f in files if f.endswith(".tmp")]
    assert all((out / f).stat().st_size == 400_000 for f in files)
