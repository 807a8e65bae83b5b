"""The store: migrations, idempotent init, one-transaction seeding, load_dataset()."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from loaders import store
from loaders.dataset import Dataset, load_dataset
from loaders.store import SeedError, get_engine, init_db

REPO = Path(__file__).resolve().parents[1]


def csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def csv_true(path: Path, column: str) -> int:
    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for r in csv.DictReader(f) if r[column] == "true")


def count(engine, table):
    with engine.connect() as c:
        return c.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def write_csv(path: Path, header: list[str], rows: list[list[str]]):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def small_records(geodata_copy):
    """geodata copy whose records/ are two small hand-written files (independent of the curated ones)."""
    rec = geodata_copy / "records"
    shutil.rmtree(rec, ignore_errors=True)
    write_csv(rec / "sources.csv", [c for c, _ in store.TABLES["sources"]],
              [["qd-189", "decision", "QĐ 189/QĐ-UBND", "UBND tỉnh Hà Tĩnh", "189/QĐ-UBND", "2024-01-17",
                "", "", ""]])
    status_cols = [c for c, _ in store.TABLES["status"]]
    row = dict.fromkeys(status_cols, "")
    row.update(record_id="S-42-2020-18499-2023-standard", vintage="42-2020", unit_code="18499",
               admin_level="commune", year="2023", level="standard", decision_no="189/QĐ-UBND",
               decision_date="2024-01-17", source_id="qd-189", provenance="official")
    write_csv(rec / "status.csv", status_cols, [[row[c] for c in status_cols]])
    return geodata_copy


def test_init_twice_is_idempotent(sqlite_url, small_records):
    eng = get_engine(sqlite_url)
    first = init_db(eng, small_records)
    assert first.migrations_applied == [v for v, _, _ in store.list_migrations()]
    assert first.seeded["units"] == csv_rows(small_records / "registers" / "units.csv")
    counts = {t: count(eng, t) for t in store.TABLES}
    second = init_db(eng, small_records)
    assert second.migrations_applied == [] and second.seeded is None
    assert {t: count(eng, t) for t in store.TABLES} == counts
    assert count(eng, "schema_version") == len(store.list_migrations())


def test_load_dataset_on_fresh_sqlite_returns_seeded_frames(sqlite_url, small_records, monkeypatch):
    monkeypatch.setenv("NTM_GEODATA_DIR", str(small_records))
    ds = load_dataset(get_engine(sqlite_url))
    assert isinstance(ds, Dataset)
    assert len(ds.units) == csv_rows(small_records / "registers" / "units.csv")
    assert len(ds.crosswalk) == csv_rows(small_records / "registers" / "crosswalk.csv")
    assert len(ds.criteria) == csv_rows(small_records / "criteria" / "criteria.csv")
    assert set(ds.vintages.vintage) == {"42-2019", "42-2020", "38-2019", "38-2020", "10-2009",
                                        "42-2025", "38-2025", "15-2025"}
    assert ds.crosswalk.inferred.sum() == csv_true(small_records / "registers" / "crosswalk.csv", "inferred")
    # a divided unit keeps one row per part; a ceased district keeps its row without a successor
    dn = ds.crosswalk[(ds.crosswalk.from_vintage == "42-2020") & (ds.crosswalk.from_code == "18082")]
    assert sorted(dn.to_code) == ["18073", "18652"] and set(dn.part) == {"partial"}
    lh = ds.crosswalk[(ds.crosswalk.from_vintage == "42-2020") & (ds.crosswalk.from_code == "448")].iloc[0]
    assert lh.relation == "ceased" and pd.isna(lh.to_code)
    assert ds.vintages.set_index("vintage").loc["15-2025", "predecessors"] == "10-2009"
    # codes stay strings with their leading zeros
    lc = ds.units[(ds.units.vintage == "10-2009") & (ds.units.admin_level == "district")]
    assert "080" in set(lc.unit_code)
    s = ds.status.iloc[0]
    assert (s.unit_code, int(s.year), s.decision_no, s.provenance) == ("18499", 2023, "189/QĐ-UBND", "official")
    assert ds.status["year"].dtype == "Int64" and pd.isna(s.criteria_met)
    assert len(ds.sources) == 1 and ds.targets.empty and ds.aggregates.empty


def test_load_dataset_with_the_shipped_records(db_url, monkeypatch):
    monkeypatch.delenv("NTM_GEODATA_DIR", raising=False)
    ds = load_dataset(get_engine(db_url))
    rec = REPO / "geodata" / "records"
    for name in ("sources", "status", "targets", "aggregates", "indicators", "obligations", "report_receipts"):
        expected = csv_rows(rec / f"{name}.csv") if (rec / f"{name}.csv").is_file() else 0
        fill = rec / "illustrative" / store.ILLUSTRATIVE_FILES.get(name, "-")
        if fill.is_file():
            expected += csv_rows(fill)
        assert len(getattr(ds, name)) == expected, name


def test_superseded_rows_are_not_current(sqlite_url, small_records, monkeypatch):
    monkeypatch.setenv("NTM_GEODATA_DIR", str(small_records))
    eng = get_engine(sqlite_url)
    init_db(eng, small_records)
    with eng.begin() as c:
        c.execute(text("INSERT INTO status (record_id, vintage, unit_code, admin_level, year, level, "
                       "source_id, provenance, import_id) VALUES ('S-new', '42-2020', '18499', 'commune', "
                       "2024, 'advanced', 'qd-189', 'reported', 7)"))
        c.execute(text("UPDATE status SET superseded_by = (SELECT id FROM status WHERE record_id='S-new') "
                       "WHERE record_id = 'S-42-2020-18499-2023-standard'"))
    ds = load_dataset(eng)
    assert list(ds.status.record_id) == ["S-new"] and int(ds.status.import_id.iloc[0]) == 7


def test_changed_geodata_is_reloaded_keeping_imported_rows(db_url, small_records, monkeypatch):
    monkeypatch.setenv("NTM_GEODATA_DIR", str(small_records))
    eng = get_engine(db_url)
    init_db(eng)
    with eng.begin() as c:   # what an import does: write its row, supersede the seeded one
        c.execute(text("INSERT INTO sources (source_id, kind, title) VALUES ('import-7', 'report', 'upload')"))
        c.execute(text("INSERT INTO status (record_id, vintage, unit_code, admin_level, year, level, "
                       "source_id, provenance, import_id) VALUES ('S-imp', '42-2020', '18499', 'commune', "
                       "2023, 'advanced', 'import-7', 'reported', 7)"))
        c.execute(text("UPDATE status SET superseded_by = (SELECT id FROM status WHERE record_id='S-imp') "
                       "WHERE record_id = 'S-42-2020-18499-2023-standard'"))
    assert init_db(eng).seeded is None                      # unchanged files: nothing written
    status_csv = small_records / "records" / "status.csv"
    with open(status_csv, "a", encoding="utf-8", newline="") as f:   # a curator adds a record
        f.write("S-42-2020-18502-2023-standard,42-2020,18502,commune,2023,standard,,,,,189/QĐ-UBND,"
                "2024-01-17,qd-189,official,,\n")
    res = init_db(eng)
    assert res.reseeded and res.seeded["status"] == 2 and "reloaded" in res.summary()
    ds = load_dataset(eng)
    assert sorted(ds.status.record_id) == ["S-42-2020-18502-2023-standard", "S-imp"]
    assert set(ds.sources.source_id) == {"qd-189", "import-7"}
    assert len(ds.units) == csv_rows(small_records / "registers" / "units.csv")
    # a broken edit is refused and the database keeps its last good state
    with open(status_csv, "a", encoding="utf-8") as f:
        f.write("S-x,42-2020,18502,commune,soon,standard,,,,,,,qd-189,reported,,\n")
    with pytest.raises(SeedError):
        init_db(eng)
    assert sorted(load_dataset(eng, refresh=False).status.record_id) == \
        ["S-42-2020-18502-2023-standard", "S-imp"]


def test_bad_value_refuses_seed_and_writes_nothing(sqlite_url, small_records):
    with open(small_records / "records" / "status.csv", "a", encoding="utf-8") as f:
        f.write("S-bad,42-2020,18502,commune,twenty,standard,,,,,,,qd-189,official,,\n")
    eng = get_engine(sqlite_url)
    with pytest.raises(SeedError) as e:
        init_db(eng, small_records)
    msg = str(e.value)
    assert "records/status.csv" in msg and "row 3" in msg and "'year'" in msg and "'twenty'" in msg
    assert count(eng, "units") == 0 and count(eng, "status") == 0


def test_constraint_error_midway_rolls_back_everything(sqlite_url, small_records):
    # a duplicate record_id only fails at INSERT time, after units/crosswalk/criteria were inserted
    path = small_records / "records" / "status.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    eng = get_engine(sqlite_url)
    with pytest.raises(Exception):
        init_db(eng, small_records)
    for table in store.TABLES:
        assert count(eng, table) == 0, table
    # once the file is fixed, init seeds normally
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert init_db(eng, small_records).seeded["status"] == 1


def test_migrations_apply_once_in_order(sqlite_url, tmp_path, monkeypatch):
    mig = tmp_path / "migrations"
    mig.mkdir()
    shutil.copy(store.MIGRATIONS_DIR / "0001_initial.sql", mig)
    monkeypatch.setattr(store, "MIGRATIONS_DIR", mig)
    eng = get_engine(sqlite_url)
    assert store.migrate(eng) == [1]
    (mig / "0002_extra.sql").write_text("-- test\nCREATE TABLE extra (id {{ID}}, x TEXT);\n"
                                        "INSERT INTO extra (x) VALUES ('a');\n", encoding="utf-8")
    assert store.migrate(eng) == [2]
    assert store.migrate(eng) == []
    assert count(eng, "extra") == 1
    with eng.connect() as c:
        assert [tuple(r) for r in c.execute(text("SELECT version, name FROM schema_version ORDER BY version"))] \
            == [(1, "initial"), (2, "extra")]


def test_failed_migration_is_not_recorded(sqlite_url, tmp_path, monkeypatch):
    mig = tmp_path / "migrations"
    mig.mkdir()
    (mig / "0001_bad.sql").write_text("CREATE TABLE t1 (x TEXT);\nCREATE TABLE t1 (x TEXT);\n")
    monkeypatch.setattr(store, "MIGRATIONS_DIR", mig)
    eng = get_engine(sqlite_url)
    with pytest.raises(Exception):
        store.migrate(eng)
    assert store.applied_versions(eng) == set()
    from sqlalchemy import inspect
    assert not inspect(eng).has_table("t1")


def test_cli_init(tmp_path):
    env = {"NTM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "PATH": "/usr/bin:/bin"}
    run = lambda: subprocess.run([sys.executable, "-m", "loaders", "init"], cwd=REPO, env=env,  # noqa: E731
                                 capture_output=True, text=True, timeout=120)
    r1, r2 = run(), run()
    assert r1.returncode == 0 and "seeded from geodata/" in r1.stdout, r1.stderr
    assert r2.returncode == 0 and "already seeded" in r2.stdout


# The same store behaviour on PostgreSQL (throwaway server from tests/pg_fixture.py, when present).
try:
    from pg_fixture import db_url, pg_server, pg_url  # noqa: F401  (pytest fixtures)
except ImportError:  # pragma: no cover - fixture module not in this checkout
    @pytest.fixture(params=["sqlite"])
    def db_url(request, tmp_path):
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"


def test_init_seed_and_rollback_on_each_backend(db_url, small_records, monkeypatch):
    monkeypatch.setenv("NTM_GEODATA_DIR", str(small_records))
    eng = get_engine(db_url)
    path = small_records / "records" / "status.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")   # duplicate record_id
    with pytest.raises(Exception):
        init_db(eng, small_records)
    assert all(count(eng, t) == 0 for t in store.TABLES)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert init_db(eng, small_records).seeded["status"] == 1
    assert init_db(eng, small_records).seeded is None
    ds = load_dataset(eng)
    assert len(ds.units) == csv_rows(small_records / "registers" / "units.csv")
    assert ds.crosswalk.inferred.dtype == bool
    assert ds.crosswalk.inferred.sum() == csv_true(small_records / "registers" / "crosswalk.csv", "inferred")
    assert set(ds.crosswalk.part.dropna()) == {"full", "partial"}
    assert ds.status.unit_code.tolist() == ["18499"]


def test_commune_group_is_stored_and_read_as_an_integer(sqlite_url, small_records, monkeypatch):
    """Migration 0003: a 2026-2030 record keeps its commune group (51/2025/QĐ-TTg groups 1-3);
    older records and files without the column read as missing."""
    monkeypatch.setenv("NTM_GEODATA_DIR", str(small_records))
    path = small_records / "records" / "status.csv"
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    new = dict(rows[0], record_id="S-x-2026", year="2026", criteria_set="2026-2030", commune_group="3")
    cols = [c for c, _ in store.TABLES["status"]]
    write_csv(path, cols, [[r[c] for c in cols] for r in rows + [new]])
    ds = load_dataset(get_engine(sqlite_url))
    assert ds.status["commune_group"].dtype == "Int64"
    by_id = ds.status.set_index("record_id")["commune_group"]
    assert by_id["S-x-2026"] == 3 and pd.isna(by_id["S-42-2020-18499-2023-standard"])
    with get_engine(sqlite_url).connect() as c:
        names = {r[0] for r in c.execute(text("SELECT name FROM schema_version"))}
    assert "status_commune_group" in names
