"""Formula neutralising (DESIGN §5, issue 14 item 13): every table offered for download — the CSV
downloads and Streamlit's own dataframe download of every table shown — prefixes a cell a
spreadsheet would run (= + - @, a tab or a carriage return first, leading blanks ignored); the
upload file name stored as a source title goes through the same rule on its way out."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from ui.frame.safe import neutralise, safe_frame

HOSTILE = ["=1+2", "  =HYPERLINK(\"http://evil.example\",\"x\")", "\t=1", "@SUM(A1:A2)", "   @cmd", "+1",
           "-2", "\u00a0=1", "\r=1", "\n=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_cells_are_prefixed(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Xã Hà Linh", "1337/QĐ-UBND", "2023", "a=b", "'=already", "", None, 3])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_csv_download_neutralises_every_cell_and_header():
    from ui.blocks.downloads import safe_csv
    df = pd.DataFrame({"  =h": HOSTILE, "ok": ["x"] * len(HOSTILE)})
    rows = list(csv.reader(io.StringIO(safe_csv(df).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'  =h", "ok"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]


def test_tables_shown_are_neutralised():
    """The frames handed to st.dataframe (whose toolbar downloads them as CSV)."""
    from ui.blocks import tables
    src = pd.DataFrame({"source_id": ["import-1"], "kind": ["report"], "title": ["  =HYPERLINK(\"x\")"],
                        "issuer": [None], "doc_number": ["@1"], "doc_date": ["2024-01-17"], "url": [None],
                        "published": [None]})
    shown = tables.sources_table(src, "vi")
    assert shown.iloc[0].tolist()[:3] == ["'  =HYPERLINK(\"x\")", "", "'@1"]
    hist = pd.DataFrame({"year": [2023], "level": ["standard"], "criteria_met": [None], "criteria_total": [None],
                         "criteria_set": [None], "missing_criteria": [None], "decision_no": [" =cmd"],
                         "provenance": ["official"], "source_id": ["-1"]})
    h = tables.history_table(hist, None, "vi")
    assert " =cmd" not in h.values.tolist()[0] and "' =cmd" in h.values.tolist()[0] and "'-1" in h.values.tolist()[0]


def test_the_upload_file_name_as_a_source_title(tmp_path):
    """An import stores its file name as its source's title; the sources CSV and table neutralise it."""
    from loaders.dataset import load_dataset
    from loaders.importer import samples
    from loaders.importer.pipeline import import_bytes
    from loaders.store import get_engine, init_db
    from ui.blocks import tables
    from ui.blocks.downloads import safe_csv
    eng = get_engine(f"sqlite:///{tmp_path / 'f.sqlite'}")
    init_db(eng)
    name = " =HYPERLINK(\"http://evil.example\",\"bấm\").csv"
    rep = import_bytes(samples.status_csv([{"unit_code": "18157", "year": 2023, "level": "none", "criteria_met": 12,
                                            "criteria_total": 19}]), name, eng)
    assert rep.ok
    ds = load_dataset(eng, refresh=False)
    titles = ds.sources.loc[ds.sources["source_id"] == f"import-{rep.import_id}", "title"].tolist()
    assert titles == [name]                                 # stored as given: the rule applies on the way out
    rows = list(csv.DictReader(io.StringIO(safe_csv(ds.sources).decode("utf-8-sig"), newline="")))
    assert [r["title"] for r in rows if r["source_id"] == f"import-{rep.import_id}"] == [f"'{name}"]
    assert f"'{name}" in tables.sources_table(ds.sources, "vi").iloc[:, 0].tolist()
