"""Importing locality indicator tables (DESIGN §3, kind detected from the columns): a file with bad
rows writes nothing and names file, row, column and value; a correct one is written in one
transaction with history, becomes the locality's report for the period (on time / late by its
import time), rolls back, respects scoped editors, and survives a reseed; the command line's JSON."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from loaders.dataset import load_dataset
from loaders.importer import pipeline
from loaders.importer.pipeline import import_bytes, rollback
from loaders.obligations import states
from loaders.store import get_engine, init_db, reseed
from metrics.indicators import Context

REPO = Path(__file__).resolve().parents[1]
LONG = ["unit_code", "period", "indicator", "value", "source", "provenance"]


def table(rows, cols=LONG) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def good_rows(period="2024-05"):
    return [{"unit_code": "444", "period": period, "indicator": k, "value": v, "source": "Báo cáo tháng",
             "provenance": "reported"}
            for k, v in (("new_models", 4), ("new_enterprises", 1), ("new_cooperatives", 0),
                         ("model_residential_areas", 9), ("model_gardens", 120), ("villages_standard", 41))]


@pytest.fixture
def eng(tmp_path):
    e = get_engine(f"sqlite:///{tmp_path / 'ind.sqlite'}")
    init_db(e)
    return e


def count(e, table_name, where="1=1"):
    with e.connect() as c:
        return c.execute(text(f"SELECT COUNT(*) FROM {table_name} WHERE {where}")).scalar()


def test_bad_rows_write_nothing_and_name_row_column_value(eng):
    rows = good_rows()
    rows[0]["indicator"] = "criteria_met"            # computed, never entered
    rows[1]["period"] = "2024-13"
    rows[2]["value"] = "-3"
    rows[3]["value"] = "2,300"
    rows[4]["unit_code"] = "999"                      # no such unit
    before = (count(eng, "indicators"), count(eng, "imports"))
    rep = import_bytes(table(rows), "bao-cao-loi.csv", eng, user="cli")
    assert rep.kind == "indicator_table" and not rep.ok and rep.exit_code == 1 and rep.rows_written == 0
    assert (count(eng, "indicators"), count(eng, "imports")) == before
    # the column is named as the file has it: its position and header
    got = {(e["row"], e["column"], str(e["value"])): e for e in rep.errors}
    assert got[(2, "3 (indicator)", "criteria_met")]["code"] == "indicator_computed"
    assert got[(3, "2 (period)", "2024-13")]["code"] == "indicator_period"
    assert "2024-13" in got[(3, "2 (period)", "2024-13")]["message"]
    assert got[(4, "4 (value)", "-3")]["code"] == "indicator_negative"
    assert got[(5, "4 (value)", "2,300")]["code"] == "indicator_not_whole"
    assert "thousands" in got[(5, "4 (value)", "2,300")]["action_en"]
    assert any(e["row"] == 6 and str(e["value"]) == "999" for e in rep.errors)
    assert rep.file == "bao-cao-loi.csv"


def test_correct_file_is_written_once_and_is_the_report_of_the_period(eng, monkeypatch):
    # received at 10:00 on 18/5/2024, Vietnam time: on time for the May report
    monkeypatch.setattr(pipeline, "_now", lambda: "2024-05-18T03:00:00+00:00")
    rep = import_bytes(table(good_rows()), "huong-khe-2024-05.csv", eng, user="bien_tap")
    assert rep.ok and rep.kind == "indicator_table" and rep.rows_written == 6, rep.errors
    with eng.connect() as c:
        ids = [r[0] for r in c.execute(text("SELECT record_id FROM indicators WHERE import_id = :i"),
                                       {"i": rep.import_id})]
        assert all(i.startswith(f"NI{rep.import_id}-42-2020-444-2024-05-") for i in ids)
        assert c.execute(text("SELECT kind, username FROM imports")).fetchall() == [("indicator_table", "bien_tap")]
    ds = load_dataset(eng).with_illustrative(False)
    st = {s["unit_code"]: s for s in states(ds, "2024-05", "42")}
    assert (st["444"]["state"], st["444"]["username"], st["444"]["import_id"]) == ("on_time", "bien_tap", rep.import_id)
    assert {s["state"] for c, s in st.items() if c != "444"} == {"missing"}
    m = Context(ds, "42").matrix("2024-05")["444"]
    assert (m["model_gardens"], m["new_models"], m["reports_on_time"]) == (120, 4, 1.0)
    # the same file again writes nothing
    again = import_bytes(table(good_rows()), "huong-khe-2024-05.csv", eng, user="bien_tap")
    assert again.ok and again.already_imported == rep.import_id and count(eng, "imports") == 1


def test_a_report_imported_after_the_20th_is_late_and_a_rollback_removes_it(eng, monkeypatch):
    monkeypatch.setattr(pipeline, "_now", lambda: "2024-05-20T17:00:00+00:00")   # 00:00 on the 21st
    rep = import_bytes(table(good_rows()), "muon.csv", eng, user="bien_tap")
    assert rep.ok
    ds = load_dataset(eng).with_illustrative(False)
    assert {s["unit_code"]: s["state"] for s in states(ds, "2024-05", "42")}["444"] == "late"
    assert rollback(eng, rep.import_id, user="admin") == 6
    ds = load_dataset(eng).with_illustrative(False)
    assert {s["unit_code"]: s["state"] for s in states(ds, "2024-05", "42")}["444"] == "missing"
    assert count(eng, "indicators", "import_id IS NOT NULL") == 0


def test_wide_layout_and_names_resolve_on_the_period_vintage(eng):
    data = ("unit_name,period,new_models,model_gardens,source\n"
            "Huyện Hương Khê,2024-Q1,7,118,Báo cáo quý\n").encode("utf-8")
    rep = import_bytes(data, "quy.csv", eng, user="cli", province="42")   # names only: say the province
    assert rep.ok and rep.kind == "indicator_table" and rep.rows_written == 2, rep.errors
    ds = load_dataset(eng).with_illustrative(False)
    row = ds.indicators[ds.indicators["import_id"].notna()].set_index("indicator")
    assert row.loc["model_gardens", "vintage"] == "42-2020" and row.loc["new_models", "value"] == 7
    # a period after 30/6/2025 resolves on the two-level register 42-2025 (open end), which has no
    # district: a district's code is refused there, saying the district level ceased on the day the
    # register starts (nothing is written)
    late = import_bytes(table([dict(good_rows()[0], period="2025-09")]), "sau-sap-nhap.csv", eng, user="cli")
    assert not late.ok and late.errors[0]["code"] == "level_ceased" and late.errors[0]["row"] == 2
    assert late.errors[0]["params"] == {"code": "444", "name": "Huyện Hương Khê", "day": "1/7/2025"}
    assert late.rows_written == 0
    # a period no register of the province covers is refused, naming the period: old Lào Cai (10)
    # ceased on 30/6/2025 (its area is province 15 after)
    gone = import_bytes(table([dict(good_rows()[0], unit_code="080", period="2026-01")]), "lao-cai-cu.csv", eng,
                        user="cli", province="10")
    assert not gone.ok and gone.errors[0]["code"] == "indicator_no_vintage" and gone.errors[0]["row"] == 2
    assert gone.errors[0]["params"]["period"] == "2026-01"


def test_a_district_editor_imports_only_its_own_district(eng):
    rows = good_rows()
    rows[0]["unit_code"] = "443"                       # Can Lộc, another district
    rep = import_bytes(table(rows), "pham-vi.csv", eng, user="bien_tap", scope=("district", "444"))
    assert not rep.ok and rep.rows_written == 0
    assert [e["code"] for e in rep.errors] == ["scope"] and rep.errors[0]["row"] == 2


def test_a_file_that_contradicts_itself_is_refused(eng):
    rows = good_rows()[:1] * 2
    rows[1] = dict(rows[1], value=5)
    rep = import_bytes(table(rows), "mau-thuan.csv", eng, user="cli")
    assert not rep.ok and any(e["code"] == "conflict" and e["row"] == 3 for e in rep.errors)


def test_reseed_keeps_imported_indicators(eng, monkeypatch, geodata_copy):
    rep = import_bytes(table(good_rows()), "giu.csv", eng, user="cli")
    assert rep.ok
    (geodata_copy / "records" / "README.md").write_text("changed\n", encoding="utf-8")
    with open(geodata_copy / "records" / "indicators.csv", "a", encoding="utf-8") as f:
        f.write("N-42-2020-443-2024-model_gardens,42-2020,443,district,2024,model_gardens,50,exact,actual,,"
                "baohatinh-219053,reported,test row\n")
    reseed(eng, geodata_copy)
    assert count(eng, "indicators", f"import_id = {rep.import_id}") == 6
    assert count(eng, "indicators", "record_id = 'N-42-2020-443-2024-model_gardens'") == 1


def test_cli_json_names_file_row_column_value(tmp_path):
    bad = tmp_path / "bad.csv"
    rows = good_rows()
    rows[2]["indicator"] = "reports_on_time"
    bad.write_bytes(table(rows))
    env = {"NTM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "loaders", "import", str(bad), "--json"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert (out["ok"], out["file"], out["kind"], out["rows_written"]) == (False, "bad.csv", "indicator_table", 0)
    e = out["errors"][0]
    assert (e["row"], e["column"], e["value"]) == (4, "3 (indicator)", "reports_on_time")
    assert "computed" in e["message"]
