"""Official sheets as offices fill them (tests/fixtures/sheets/, provenance in its README) and the
rules that keep an import from weakening the record, against the store seeded from geodata/
(sourced records + the illustrative fill), on SQLite and PostgreSQL.

Each test here failed on the importer before issue 14: ladder-implied years were "out of order",
signature lines were unknown communes, a file saying standard and model for the same commune and
year was accepted, an official recognition could be overwritten by a weaker row, the dry-run diff
compared against the illustrative fill, and names without diacritics got no suggestion."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from loaders.importer import samples
from loaders.importer.pipeline import history, import_bytes, import_file
from loaders.store import get_engine, init_db
from pg_fixture import dump_hash

TODAY = date(2026, 11, 22)
SHEETS = Path(__file__).resolve().parent / "fixtures" / "sheets"
REPO = Path(__file__).resolve().parents[1]
X = "x"


@pytest.fixture
def engine(seeded_db_url):
    eng = get_engine(seeded_db_url)
    init_db(eng)
    return eng


def imp(eng, data, name, **kw):
    kw.setdefault("today", TODAY)
    return import_bytes(data, name, eng, **kw)


def register_xa(district: str) -> dict:
    with open(REPO / "geodata" / "registers" / "units.csv", encoding="utf-8") as f:
        return {r["unit_code"]: r["name"] for r in csv.DictReader(f)
                if r["vintage"] == "42-2020" and r["parent_code"] == district and r["unit_type"] == "xã"}


def stored(eng, import_id, unit):
    with eng.connect() as c:
        return [tuple(r) for r in c.execute(text(
            "SELECT year, level, criteria_set, criteria_met, provenance FROM status WHERE import_id = :i "
            "AND unit_code = :u ORDER BY year, level"), {"i": import_id, "u": unit})]


# --- sheets as they are ------------------------------------------------------------

def test_realistic_summary_sheet_dry_runs_with_every_xa_matched(engine):
    rep = import_file(str(SHEETS / "bth_huong_khe_2023.xlsx"), engine, dry_run=True, today=TODAY)
    assert rep.ok and rep.errors == [], rep.errors[:3]
    assert (rep.kind, rep.province, rep.report_date) == ("summary_sheet", "42", "2023-12-31")
    # 20 xã + the town; the district subtotal, totals, footnote, date line, signatures and
    # distribution list are not rows.
    assert rep.rows_read == 21 and rep.rows_valid == 21
    assert {u["unit_code"] for u in rep.matched_units} == set(register_xa("444"))
    codes = {w["code"] for w in rep.warnings}
    assert {"ladder_implied", "urban_skipped", "older_set_short"} <= codes
    implied = next(w for w in rep.warnings if w["code"] == "ladder_implied")
    assert implied["params"]["n"] == 4            # Phú Gia, Phúc Trạch, Hương Trà, Hương Trạch


def test_province_sheet_with_a_subtotal_per_district_dry_runs_with_every_xa_matched(engine):
    """The whole province's sheet: the total above the districts, a roman-numeral subtotal row per
    district, names without "Xã", the header in NFD and repeated after a page break, a share row
    ("Tỷ lệ (%)") and a numbered footnote at the foot. Before the fix the share row was an unknown
    commune and each footnote line a row without a name."""
    rep = import_file(str(SHEETS / "bth_ha_tinh_2023_toan_tinh.xlsx"), engine, dry_run=True, today=TODAY)
    assert rep.ok and rep.errors == [], rep.errors[:3]
    assert (rep.kind, rep.province, rep.report_date) == ("summary_sheet", "42", "2023-12-31")
    # 19 xã + a ward and a town (skipped, said): no total, subtotal, share, footnote or signature row
    assert rep.rows_read == 21 and rep.rows_valid == 21
    assert {u["unit_code"] for u in rep.matched_units} == (
        set(register_xa("441")) | set(register_xa("436")) | set(register_xa("449")))
    implied = next(w for w in rep.warnings if w["code"] == "ladder_implied")
    assert implied["params"]["n"] == 9
    assert sum(w["code"] == "urban_skipped" for w in rep.warnings) == 2
    after = {d["unit_code"]: d["level_after"] for d in rep.diff if d["year"] == 2023}
    assert (after["18100"], after["18103"], after["18316"], after["18319"]) == ("model", "standard", "advanced", "none")


def test_ladder_implied_years_write_no_invented_year(engine):
    rep = import_file(str(SHEETS / "bth_huong_khe_2023.xlsx"), engine, today=TODAY)
    assert rep.ok, rep.errors[:3]
    # Hương Trà gives only its model year (2020): model 2020 and its 2023 state, nothing else.
    assert stored(engine, rep.import_id, "18550") == [
        (2020, "model", "2016-2020", None, "reported"), (2023, "model", "2021-2025", 19, "reported")]
    # Phú Gia (advanced 2021 by QĐ 1337, official): the official row is kept, the sheet adds 2023.
    assert stored(engine, rep.import_id, "18529") == [(2023, "advanced", "2021-2025", 19, "reported")]
    with engine.connect() as c:
        assert c.execute(text("SELECT provenance, decision_no FROM status WHERE unit_code = '18529' AND year = 2021 "
                              "AND superseded_by IS NULL AND provenance <> 'illustrative'")).fetchall() == [
            ("official", "1337/QĐ-UBND")]


def test_decision_list_with_signature_block(engine):
    rep = import_file(str(SHEETS / "qd_189_2024_danh_sach.xlsx"), engine, dry_run=True, today=TODAY)
    assert rep.ok and rep.errors == [], rep.errors[:3]
    assert rep.kind == "decision_list" and rep.rows_read == 7 and rep.report_date == "2024-01-17"
    assert sorted(u["name"] for u in rep.matched_units) == sorted(
        ["Xã Hà Linh", "Xã Điền Mỹ", "Xã Cẩm Quan", "Xã Kỳ Hải", "Xã Cẩm Thành", "Xã Thạch Đài", "Xã Thạch Châu"])
    assert {(d["name"], d["level_after"], d["provenance_after"]) for d in rep.diff} >= {
        ("Xã Hà Linh", "standard", "official"), ("Xã Kỳ Hải", "advanced", "official"),
        ("Xã Thạch Châu", "model", "official")}


def test_status_table_with_title_and_signature_lines(engine):
    rep = import_file(str(SHEETS / "trang_thai_huong_khe_2023.csv"), engine, dry_run=True, today=TODAY)
    assert rep.ok and rep.errors == [] and rep.rows_read == 6, rep.errors[:3]


def test_given_years_that_contradict_are_refused(engine):
    data = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", [
        {"name": "Xã Hà Linh", "marks": [X] * 19, "count": 19, "y_std": 2022, "y_adv": 2021}])],
        date(2024, 6, 30), n_criteria=19)
    rep = imp(engine, data, "nguoc.xlsx", dry_run=True)
    assert not rep.ok and [e["code"] for e in rep.errors] == ["year_order"]
    assert "advanced" in rep.errors[0]["message_en"].lower() or "nâng cao" in rep.errors[0]["message_vi"].lower()


def test_a_file_that_contradicts_itself_is_refused_naming_both_rows(engine):
    before = dump_hash(engine)
    base = {"unit_name": "Xã Hương Lâm", "district": "Huyện Hương Khê", "year": 2024, "criteria_met": 19,
            "criteria_total": 19}
    rows = [dict(base, level="standard"), dict(base, level="model")]
    rep = imp(engine, samples.status_csv(rows), "mau_thuan.csv")
    assert not rep.ok and rep.exit_code == 1 and rep.rows_written == 0
    e = next(e for e in rep.errors if e["code"] == "conflict")
    assert (e["row"], e["params"]["other"]) == (3, 2) and "Row 3 contradicts row 2" in e["message_en"]
    assert rep.rows_valid == 0                       # both rows are named bad
    rows = [dict(base, level="none", criteria_met=17), dict(base, level="none", criteria_met=18)]
    rep = imp(engine, samples.status_csv(rows), "mau_thuan_3.csv")
    assert [e["code"] for e in rep.errors] == ["conflict"] and "criteria_met" in rep.errors[0]["column"]
    assert dump_hash(engine) == before
    # An exact duplicate is one warning and one record.
    rep = imp(engine, samples.status_csv([dict(base, level="standard")] * 2), "trung.csv")
    assert rep.ok and rep.rows_written == 1
    assert [w["code"] for w in rep.warnings if w["code"] == "duplicate_row"] == ["duplicate_row"]


def test_unit_without_diacritics_gets_suggestions_never_a_match(engine):
    rows = [{"unit_name": "Xa Huong Lam", "district": "Huyện Hương Khê", "year": 2024, "level": "none",
             "criteria_met": 15, "criteria_total": 19},
            {"unit_name": "Xã Hương Lââm", "district": "Huyện Hương Khê", "year": 2024, "level": "none",
             "criteria_met": 15, "criteria_total": 19}]
    rep = imp(engine, samples.status_csv(rows), "khong_dau.csv", dry_run=True)
    assert not rep.ok and [e["code"] for e in rep.errors] == ["unknown_name", "unknown_name"]
    assert [u["suggestions"][0] for u in rep.unmatched_units] == ["Xã Hương Lâm", "Xã Hương Lâm"]
    assert "Did you mean: Xã Hương Lâm" in rep.errors[0]["message_en"]
    assert "Có phải: Xã Hương Lâm" in rep.errors[0]["message_vi"]


# --- before an import weakens the record, it says so ------------------------------------

HA_LINH_NONE_2023 = {"unit_code": "18502", "year": 2023, "level": "none", "criteria_met": 17,
                     "criteria_total": 19, "provenance": "reported", "note": "theo báo cáo huyện"}


def test_overwriting_an_official_recognition_needs_confirmation(engine):
    """Hà Linh: standard 2023 by QĐ 189/QĐ-UBND (official). A reported 'none' for 2023 lowers it."""
    before = dump_hash(engine)
    data = samples.status_csv([HA_LINH_NONE_2023])
    rep = imp(engine, data, "ha_linh.csv")
    assert not rep.ok and rep.exit_code == 1 and rep.rows_written == 0
    assert [e["code"] for e in rep.errors] == ["needs_confirmation"]
    assert "189/QĐ-UBND" in rep.errors[0]["message_en"] and "--allow-downgrade" in rep.errors[0]["action_en"]
    d = rep.diff[0]
    assert (d["level_before"], d["provenance_before"], d["decision_before"], d["level_after"], d["flags"]) == (
        "standard", "official", "189/QĐ-UBND", "none", ["level_down"])
    assert rep.confirmations == [d]
    assert dump_hash(engine) == before
    # The dry run says the same, and with the confirmation it goes through and is on record.
    dry = imp(engine, data, "ha_linh.csv", dry_run=True)
    assert not dry.ok and dry.diff[0]["flags"] == ["level_down"]
    ok = imp(engine, data, "ha_linh.csv", allow_downgrade=True, reason="Huyện rà soát lại hồ sơ")
    assert ok.ok and ok.rows_written == 1
    assert [w["code"] for w in ok.warnings if w["code"] == "downgrade_confirmed"] == ["downgrade_confirmed"]
    h = history(engine)[0]
    assert (h["import_id"], h["confirmed_downgrades"], h["reason"]) == (ok.import_id, 1, "Huyện rà soát lại hồ sơ")


def test_regression_and_weaker_provenance_are_flagged(engine):
    # Phú Gia: advanced 2021 by QĐ 1337/QĐ-UBND. Standard in 2024 is a regression.
    reg = {"unit_code": "18529", "year": 2024, "level": "standard", "criteria_met": 19, "criteria_total": 19}
    rep = imp(engine, samples.status_csv([reg]), "phu_gia.csv", dry_run=True)
    assert not rep.ok and rep.diff[0]["flags"] == ["regression"] and rep.diff[0]["level_before"] == "advanced"
    # A reported row for the same year and level naming another decision would replace the official one.
    weaker = {"unit_code": "18529", "year": 2021, "level": "advanced", "decision_no": "999/QĐ-UBND",
              "provenance": "reported"}
    rep = imp(engine, samples.status_csv([weaker]), "phu_gia_2.csv", dry_run=True)
    assert not rep.ok and rep.diff[0]["flags"] == ["provenance_down"]
    # Saying only what the decision says is no weakening: the official row is kept, nothing written.
    same = {"unit_code": "18529", "year": 2021, "level": "advanced", "provenance": "reported"}
    rep = imp(engine, samples.status_csv([same]), "phu_gia_3.csv")
    assert rep.ok and rep.rows_written == 0 and rep.diff[0]["change"] == "kept"
    assert [w["code"] for w in rep.warnings if w["code"] == "kept_stronger"] == ["kept_stronger"]


def test_a_regression_inside_the_file_needs_confirmation_too(engine):
    rows = [{"unit_code": "18157", "year": 2021, "level": "standard", "criteria_met": 19, "criteria_total": 19},
            {"unit_code": "18157", "year": 2024, "level": "none", "criteria_met": 16, "criteria_total": 19,
             "note": "rớt chuẩn"}]
    rep = imp(engine, samples.status_csv(rows), "trong_tep.csv", dry_run=True)
    assert not rep.ok and [(e["row"], e["code"]) for e in rep.errors] == [(3, "needs_confirmation")]
    assert rep.diff[1]["against"][0]["row"] == 2
    assert imp(engine, samples.status_csv(rows), "trong_tep.csv", dry_run=True, allow_downgrade=True).ok


def test_the_diff_never_compares_against_the_illustrative_fill(engine):
    """Sơn Giang (18157) has only illustrative rows (standard 2022–2024) in the seeded store."""
    with engine.connect() as c:
        provs = {r[0] for r in c.execute(text("SELECT DISTINCT provenance FROM status WHERE unit_code = '18157' "
                                              "AND vintage = '42-2020' AND superseded_by IS NULL"))}
    assert provs == {"illustrative"}
    row = {"unit_code": "18157", "year": 2024, "level": "none", "criteria_met": 12, "criteria_total": 19}
    rep = imp(engine, samples.status_csv([row]), "son_giang.csv", dry_run=True)
    assert rep.ok, rep.errors
    assert (rep.diff[0]["level_before"], rep.diff[0]["change"], rep.diff[0]["flags"]) == (None, "new", [])


def test_a_stored_record_without_a_decision_is_named_without_a_dash(engine):
    """Ân Phú (18316): advanced 2020, reported by baohatinh.vn 205022 with no decision number. The
    message says so (before: "decision —")."""
    row = {"unit_code": "18316", "year": 2022, "level": "standard", "criteria_met": 19, "criteria_total": 19}
    rep = imp(engine, samples.status_csv([row]), "an_phu.csv", dry_run=True)
    assert [e["code"] for e in rep.errors] == ["needs_confirmation"] and rep.diff[0]["flags"] == ["regression"]
    assert "(the stored record (Reported, no decision number))" in rep.errors[0]["message_en"]
    assert "(bản ghi đã lưu (Được báo cáo, không có số quyết định))" in rep.errors[0]["message_vi"]
    assert "—" not in rep.errors[0]["message_en"]
