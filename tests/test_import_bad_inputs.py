"""The bad-input corpus (tests/bad_inputs/make_corpus.py, generated here): every file is refused
with exit 1 (invalid data) or 2 (unreadable), a message naming the file (and row/column for data
errors), and the database left byte-identical — on SQLite and on PostgreSQL."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from testing import fixture_module

build = fixture_module("make_corpus").build

from loaders.importer import cli  # noqa: E402
from loaders.importer.pipeline import import_file  # noqa: E402
from loaders.store import get_engine, init_db  # noqa: E402
from pg_fixture import dump_hash  # noqa: E402

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad_inputs")
    return d, build(d)


# The reason each file of the issue-14 hardening is refused (its message code).
WHY = {"huge_row.xlsx": "too_many_cells", "huge_csv_row.csv": "too_many_cells", "long_source.csv": "text_too_long",
       "formula_after_blanks.csv": "formula", "formula_at.xlsx": "formula",
       "standard_and_model_same_year.csv": "conflict", "summary_unknown_commune.xlsx": "unknown_name",
       "ceased_code_2026.csv": "ceased", "old_name_without_diacritics_2026.csv": "unknown_name",
       "weakens_official.csv": "needs_confirmation",
       "summary_years_out_of_order.xlsx": "year_order", "zip_bomb.xlsx": "zip_bomb"}


def test_corpus_is_big_enough(corpus):
    _, files = corpus
    assert len(files) >= 25
    names = {n for n, _ in files}
    for required in ("truncated.xlsx", "png_renamed.xlsx", "empty.csv", "header_only.csv", "random_10mb.xlsx",
                     "formulas.xlsx", "html_in_name.csv", "html_in_note.xlsx", "duplicate_conflict.csv",
                     "unknown_unit.csv", "impossible_numbers.csv", "shift_jis.csv", "zip_bomb.xlsx",
                     "huge_row.xlsx", "huge_csv_row.csv", "long_source.csv", "formula_after_blanks.csv",
                     "formula_at.xlsx", "standard_and_model_same_year.csv", "ceased_code_2026.csv",
                     "old_name_without_diacritics_2026.csv",
                     "weakens_official.csv"):
        assert required in names


def test_every_bad_file_is_refused_and_writes_nothing(corpus, seeded_db_url):
    d, files = corpus
    eng = get_engine(seeded_db_url)
    init_db(eng)
    # One successful import first, so 'nothing written' is checked against a history too.
    from loaders.importer import samples
    good = samples.status_csv([{"unit_code": "18157", "year": 2023, "level": "none", "criteria_met": 12,
                                "criteria_total": 19, "note": "gốc"}])
    from loaders.importer.pipeline import import_bytes
    assert import_bytes(good, "good.csv", eng, today=TODAY).ok
    before = dump_hash(eng)
    sqlite_path = seeded_db_url.split("///", 1)[1] if seeded_db_url.startswith("sqlite") else None
    file_before = hashlib.sha256(Path(sqlite_path).read_bytes()).hexdigest() if sqlite_path else None
    problems = []
    for name, codes in files:
        rep = import_file(str(d / name), eng, today=TODAY)
        if rep.exit_code not in codes or rep.ok or rep.rows_written:
            problems.append((name, rep.exit_code, rep.errors[:1]))
            continue
        if name in WHY and WHY[name] not in {e["code"] for e in rep.errors}:
            problems.append((name, "refused for another reason", [e["code"] for e in rep.errors]))
        if not rep.errors or not all(e["message_vi"] and e["message_en"] for e in rep.errors):
            problems.append((name, "no bilingual message"))
        if rep.exit_code == 1 and rep.rows_read and not any(e["row"] is not None for e in rep.errors) \
                and name not in ("summary_no_date.xlsx", "decision_without_number.xlsx"):
            problems.append((name, "data error without a row"))
    assert problems == []
    assert dump_hash(eng) == before
    if sqlite_path:
        eng.dispose()
        assert hashlib.sha256(Path(sqlite_path).read_bytes()).hexdigest() == file_before


def test_cli_messages_name_file_row_and_column(corpus, tmp_path, monkeypatch, capsys):
    """Through the command line (SQLite): the exit code and the message printed for each file."""
    d, files = corpus
    monkeypatch.setenv("NTM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    expect_cell = {"html_in_note.xlsx": ":2:M (note)", "impossible_numbers.csv": ":2:6 (criteria_met)",
                   "summary_bad_mark.xlsx": ":10:V (tiêu chí 19)", "formula_injection.csv": ":2:13 (note)",
                   "damaged_utf8.csv": ":3"}
    for name, codes in files:
        if name.startswith(("random_10mb", "huge_")):
            continue   # covered in-process above; keeps this test short
        code = cli.main(["import", str(d / name), "--province", "42"] if name == "header_only.csv"
                        else ["import", str(d / name)])
        err = capsys.readouterr().err
        assert code in codes, (name, code, err)
        assert name in err, (name, err)
        if name in expect_cell:
            assert f"{name}{expect_cell[name]}" in err, (name, err)
