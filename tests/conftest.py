"""Shared, generic fixtures. Test files keep their own specific fixtures."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Under CI=true a skipped test fails the run (tests/ci_skips.py).
pytest_plugins = ["ci_skips"]

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"


@pytest.fixture
def geodata_copy(tmp_path) -> Path:
    """A writable copy of geodata/ (boundaries, registers, criteria, records; not the national
    layer) for building broken variants."""
    dst = tmp_path / "geodata"
    dst.mkdir()
    for sub in ("boundaries", "registers", "criteria", "records"):
        if (GEODATA / sub).is_dir():
            shutil.copytree(GEODATA / sub, dst / sub)
    return dst


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """URL of a fresh, empty SQLite database file in a temporary folder."""
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def metrics_cli(sqlite_url):
    """Run ``python -m metrics ARGS`` in a fresh process on a fresh SQLite database (seeded from
    the shipped records on first use); returns the CompletedProcess."""
    env = {**os.environ, "NTM_DATABASE_URL": sqlite_url}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
    return run


# Throwaway PostgreSQL server + `db_url` parametrised over SQLite and PostgreSQL (tests/pg_fixture.py).
from pg_fixture import (_seeded_pg_template, _seeded_sqlite, db_url, pg_server, pg_url,  # noqa: E402,F401
                        seeded_db_url)
