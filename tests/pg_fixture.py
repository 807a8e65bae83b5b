"""A throwaway PostgreSQL server for the test session (Debian's binaries, loopback only).

`pg_server` (session) runs initdb in a temp dir, starts postgres on a free 127.0.0.1 port and
stops + deletes it at the end. `pg_url` gives each test a fresh database
(`postgresql+psycopg://…`). `db_url` is parametrised over SQLite and PostgreSQL. Without the
binaries the PostgreSQL cases skip with the reason."""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile

import pytest


def _pg_bin() -> str | None:
    env = os.environ.get("NTM_PG_BIN")
    if env and os.path.exists(os.path.join(env, "initdb")):
        return env
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bindir: str):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="ntm-pg-")
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0   # initdb refuses to run as root
        self._n = itertools.count(1)

    def _run(self, *args):
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self):
        data = os.path.join(self.dir, "data")
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(self.dir, 0o700)
        self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run("pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60", "start")

    def stop(self):
        try:
            self._run("pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "-w", "stop")
        except Exception:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def admin(self):
        import psycopg
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def create_db(self, template: str | None = None) -> str:
        name = f"ntm_test_{os.getpid()}_{next(self._n)}"
        with self.admin() as c:
            c.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_db(self, name: str):
        with self.admin() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_server():
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
                    "install Debian's 'postgresql' package (make system-deps)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed")
    srv = PgServer(bindir)
    try:
        srv.start()
    except (subprocess.CalledProcessError, OSError) as e:
        srv.stop()
        detail = getattr(e, "stderr", "") or str(e)
        pytest.skip(f"could not start a throwaway PostgreSQL server: {detail.strip()[:300]}")
    yield srv
    srv.stop()


@pytest.fixture
def pg_url(pg_server):
    name = pg_server.create_db()
    url = pg_server.url(name)
    yield url
    from loaders.store import get_engine
    get_engine(url).dispose()
    pg_server.drop_db(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The same test on SQLite and on the throwaway PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def _seeded_sqlite(tmp_path_factory):
    from loaders.store import get_engine, init_db
    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite"
    eng = get_engine(f"sqlite:///{path}")
    init_db(eng)
    eng.dispose()
    return path


@pytest.fixture(scope="session")
def _seeded_pg_template(pg_server):
    from loaders.store import get_engine, init_db
    name = pg_server.create_db()
    eng = get_engine(pg_server.url(name))
    init_db(eng)
    eng.dispose()
    return name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded_db_url(request, tmp_path):
    """A database already migrated and seeded from geodata/ (copied from a per-session template),
    on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        import shutil as _sh
        dst = tmp_path / "seeded.sqlite"
        _sh.copyfile(request.getfixturevalue("_seeded_sqlite"), dst)
        yield f"sqlite:///{dst}"
        return
    srv = request.getfixturevalue("pg_server")
    name = srv.create_db(template=request.getfixturevalue("_seeded_pg_template"))
    url = srv.url(name)
    yield url
    from loaders.store import get_engine
    get_engine(url).dispose()
    srv.drop_db(name)


def dump_hash(engine) -> str:
    """sha256 of every row of every table, in a fixed order (a logical dump): equal before and
    after means the database was left byte-identical in content, on any backend."""
    import hashlib

    from sqlalchemy import inspect, text
    h = hashlib.sha256()
    insp = inspect(engine)
    with engine.connect() as c:
        for table in sorted(insp.get_table_names()):
            cols = [col["name"] for col in insp.get_columns(table)]
            h.update(f"{table}:{cols}".encode())
            order = ", ".join(f"{i + 1}" for i in range(len(cols)))
            for row in c.execute(text(f"SELECT * FROM {table} ORDER BY {order}")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()
