"""The holes a hostile review found in the import path (issue 14, hardening), each reproduced:

- a small XLSX holding one row of 2.5 million cells took 49 s and 1.8 GB (openpyxl builds the
  row, and sizes a sheet without <dimension> by parsing all of it, before anything can cut it);
- cells beyond the columns read were dropped without a word;
- a sheet whose <dimension> claims A1:XFD1048576 made the reader walk a million empty rows;
- a 2,000-character source passed the dry run and crashed the real import on PostgreSQL
  (status.source_id is VARCHAR(128)); database errors escaped as tracebacks.

Speed and memory figures are measured by `python -m benchmarks` (bench_import), not here."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from loaders.importer import readers, samples
from loaders.importer.pipeline import import_bytes
from loaders.importer.validate import TEXT_LIMITS
from loaders.store import get_engine, init_db
from pg_fixture import dump_hash

TABLE = [["unit_code", "year", "level", "criteria_met", "criteria_total"], ["18157", 2023, "none", 12, 19]]


def test_a_huge_row_is_refused_before_any_cell_is_parsed(monkeypatch):
    data = samples.wide_row_xlsx(2_500_000)
    assert len(data) < 10 * 1024 * 1024

    def never(*a, **k):
        raise AssertionError("the sheet was parsed")
    monkeypatch.setattr(readers, "_read_sheet", never)
    with pytest.raises(readers.ReadError) as e:
        readers.read_grid(data)
    assert e.value.code == "too_many_cells" and "Sheet1" in e.value.en and "500,000" in e.value.en


def test_the_import_of_a_huge_row_fails_cleanly(tmp_path):
    eng = get_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    init_db(eng)
    rep = import_bytes(samples.wide_row_xlsx(600_000, table_rows=TABLE), "rong.xlsx", eng, dry_run=True)
    assert (rep.ok, rep.exit_code, [e["code"] for e in rep.errors]) == (False, 2, ["too_many_cells"])
    assert rep.errors[0]["action_en"] and rep.errors[0]["message_vi"]


def test_cells_beyond_the_columns_read_are_ignored_and_said(tmp_path):
    eng = get_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    init_db(eng)
    data = samples.wide_row_xlsx(5_000, table_rows=TABLE, with_refs=True, stray_from_col=readers.MAX_COLS + 100)
    rep = import_bytes(data, "le.xlsx", eng, dry_run=True)
    assert rep.ok, rep.errors
    w = next(w for w in rep.warnings if w["code"] == "columns_ignored")
    assert (w["params"]["n"], w["params"]["column"], w["params"]["first_row"]) == ("5,000", "GR", 3)
    assert "GR" in w["message_vi"] and "5,000" in w["message_en"]


def test_a_lying_dimension_costs_nothing():
    data = samples.wide_row_xlsx(3, table_rows=TABLE, with_refs=True, dimension="A1:XFD1048576")
    g = readers.read_grid(data)
    assert [rn for rn, _ in g.rows] == [1, 2, 3]
    assert max(len(cells) for _, cells in g.rows) <= len(TABLE[0])


def test_a_sheet_without_dimension_is_read_once():
    """openpyxl sizes such a sheet by parsing it whole on load; the reader never asks it to."""
    data = samples.wide_row_xlsx(2, table_rows=TABLE)
    assert b"<dimension" not in __import__("zipfile").ZipFile(__import__("io").BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")
    g = readers.read_grid(data)
    assert g.rows[1] == (2, ["18157", 2023, "none", 12, 19])


def test_csv_with_a_million_separators_is_refused(tmp_path):
    data = b"unit_code,year,level\r\n18157,2023,none" + b"," * 1_000_000 + b"\r\n"
    with pytest.raises(readers.ReadError) as e:
        readers.read_grid(data)
    assert e.value.code == "too_many_cells"


# --- column lengths agree with validation on every backend --------------------------------

STORED_AS = {"note": ("status", "note"), "decision_no": ("status", "decision_no"), "source": ("status", "source_id")}


def _row(**kw):
    base = {"unit_code": "18157", "year": 2023, "level": "none", "criteria_met": 12, "criteria_total": 19}
    base.update(kw)
    return base


@pytest.mark.postgres
def test_every_maximum_fits_the_postgresql_columns(pg_url):
    eng = get_engine(pg_url)
    init_db(eng)
    cols = {t: {c["name"]: c["type"] for c in inspect(eng).get_columns(t)} for t in ("status", "targets")}
    for field, (table, column) in STORED_AS.items():
        length = getattr(cols[table][column], "length", None)
        assert length is None or TEXT_LIMITS[field] <= length, (field, length)
    # targets take the same source column
    assert getattr(cols["targets"]["source_id"], "length", None) >= TEXT_LIMITS["source"]


def test_the_longest_allowed_values_are_written_and_one_more_is_refused(db_url):
    eng = get_engine(db_url)
    init_db(eng)
    longest = _row(note="ghi chú " * 400, decision_no="1" * TEXT_LIMITS["decision_no"],
                   source="s" * TEXT_LIMITS["source"], provenance="reported")
    longest["note"] = longest["note"][:TEXT_LIMITS["note"] - 1] + "."
    rep = import_bytes(samples.status_csv([longest]), "dai.csv", eng)
    assert rep.ok and rep.rows_written == 1, rep.errors
    with eng.connect() as c:
        got = c.execute(text("SELECT note, decision_no, source_id FROM status WHERE import_id = :i"),
                        {"i": rep.import_id}).one()
    assert tuple(got) == (longest["note"], longest["decision_no"], longest["source"])
    before = dump_hash(eng)
    for field in STORED_AS:
        too_long = _row(**{field: "x" * (TEXT_LIMITS[field] + 1)})
        dry = import_bytes(samples.status_csv([too_long]), f"qua_dai_{field}.csv", eng, dry_run=True)
        assert [e["code"] for e in dry.errors] == ["text_too_long"] and dry.errors[0]["row"] == 2, field
        assert field in dry.errors[0]["column"]
    # The original failure: a 2,000-character source is refused by the dry run already.
    rep = import_bytes(samples.status_csv([_row(source="nguồn " * 400)]), "nguon.csv", eng, dry_run=True)
    assert not rep.ok and rep.errors[0]["code"] == "text_too_long"
    assert dump_hash(eng) == before


@pytest.mark.postgres
def test_a_database_error_is_a_clean_nothing_written_failure(pg_url, monkeypatch):
    """Should a limit ever disagree with the schema again, the database's refusal is reported as
    an error of the import (exit 1, nothing written), not a traceback."""
    eng = get_engine(pg_url)
    init_db(eng)
    monkeypatch.setitem(TEXT_LIMITS, "source", 2000)
    before = dump_hash(eng)
    rep = import_bytes(samples.status_csv([_row(source="s" * 300)]), "s.csv", eng)
    assert (rep.ok, rep.exit_code, rep.rows_written) == (False, 1, 0)
    assert [e["code"] for e in rep.errors] == ["database"] and "nothing written" in rep.errors[0]["message_en"]
    assert "too long" in rep.errors[0]["detail"]
    assert dump_hash(eng) == before
