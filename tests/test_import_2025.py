"""Imports on today's units (issue 12, item 8), against the real registers of geodata/: from
1/7/2025 a row names a unit of the two-level vintage (42-2025, 38-2025, 15-2025) by its code or
name; an old code or name is an error naming the unit it became part of; rows of the 2026–2030
set (Decision 51/2025/QĐ-TTg) take c01…c10, a commune group and the ladder none < standard <
modern. A unit is (code, vintage): 18502 is old Xã Hà Linh in 2023 and the new one in 2026."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from loaders.importer import samples
from loaders.importer.pipeline import import_bytes
from loaders.store import get_engine, init_db

TODAY = date(2026, 11, 22)
X = "x"
HEADER = samples.STATUS_HEADER + ["commune_group"] + [f"c{i:02d}" for i in range(1, 21)]


@pytest.fixture
def engine(seeded_db_url):
    eng = get_engine(seeded_db_url)
    init_db(eng)
    return eng


def imp(eng, rows, name="t.csv", **kw):
    kw.setdefault("today", TODAY)
    return import_bytes(samples.status_csv(rows, header=HEADER), name, eng, **kw)


def row(**kw):
    base = {"year": 2026, "level": "none", "criteria_set": "2026-2030"}
    base.update(kw)
    return base


def test_a_2026_row_for_dien_my_is_refused_naming_ha_linh(engine):
    rep = imp(engine, [row(unit_code="18499")], dry_run=True)
    assert not rep.ok and [e["code"] for e in rep.errors] == ["ceased"]
    assert rep.errors[0]["message_en"] == "18499 Điền Mỹ ceased on 1/7/2025; it is part of 18502 Xã Hà Linh"
    assert rep.errors[0]["message_vi"] == "18499 Điền Mỹ không còn từ ngày 1/7/2025; nay thuộc 18502 Xã Hà Linh"
    assert (rep.errors[0]["row"], rep.errors[0]["column"]) == (2, "1 (unit_code)")


def test_the_old_name_is_refused_the_same_way(engine):
    rep = imp(engine, [row(unit_name="Xã Điền Mỹ", district="Huyện Hương Khê")], dry_run=True)
    assert [e["code"] for e in rep.errors] == ["ceased"] and "18502 Xã Hà Linh" in rep.errors[0]["message_en"]
    assert any(w["code"] == "district_ignored" for w in rep.warnings)       # no district level any more


def test_an_old_name_without_diacritics_suggests_the_unit_it_became_part_of(engine):
    """Issue 14 item 5 on today's units: "Dien My" in 2026 is no unit of 42-2025 and no exact old
    name either; the "did you mean" names the former commune and the new unit to write instead
    (before: no suggestion at all). The suggestions offered are names of the year's register."""
    rep = imp(engine, [row(unit_name="Dien My", province="42"), row(unit_name="Xã Điiền Mỹ", province="42")],
              dry_run=True, province="42")
    assert [e["code"] for e in rep.errors] == ["unknown_name", "unknown_name"]
    for e in rep.errors:
        assert "Xã Điền Mỹ → 18502 Xã Hà Linh" in e["message_en"] and "ceased on 1/7/2025" in e["message_en"]
        assert "Xã Điền Mỹ → 18502 Xã Hà Linh" in e["message_vi"] and "không còn từ ngày 1/7/2025" in e["message_vi"]
    assert ["Xã Hà Linh" in u["suggestions"] for u in rep.unmatched_units] == [True, True]
    assert rep.rows_written == 0


def test_a_divided_unit_names_every_part(engine):
    rep = imp(engine, [row(unit_code="18082")], dry_run=True)               # Phường Đại Nài, divided
    msg = rep.errors[0]["message_en"]
    assert rep.errors[0]["code"] == "ceased" and "18073 Phường Thành Sen *" in msg and "18652 Phường Hà Huy Tập *" in msg
    assert msg.endswith("(* in part)")


def test_lao_cai_codes_of_the_2009_layer(engine):
    rep = imp(engine, [row(unit_code="03040")], dry_run=True)               # old Tả Van → new Xã Tả Van
    assert rep.errors[0]["code"] == "ceased" and "03037 Xã Tả Van" in rep.errors[0]["message_en"]


def test_the_same_code_is_the_old_unit_before_and_the_new_one_after(engine):
    rep = imp(engine, [row(unit_code="18502", year=2024, level="standard", criteria_set="2021-2025",
                           criteria_met=19, criteria_total=19),
                       row(unit_code="18502", level="standard", commune_group=2, **{f"c{i:02d}": X for i in range(1, 11)})],
              allow_downgrade=True)
    assert rep.ok, rep.errors
    with engine.connect() as c:
        got = c.execute(text("SELECT vintage, year, level, criteria_set, criteria_met, criteria_total, commune_group "
                             "FROM status WHERE import_id = :i ORDER BY year"), {"i": rep.import_id}).fetchall()
    assert [tuple(r) for r in got] == [("42-2020", 2024, "standard", "2021-2025", 19, 19, None),
                                       ("42-2025", 2026, "standard", "2026-2030", 10, 10, 2)]


def test_a_new_unit_by_name_and_its_old_name_with_its_code(engine):
    rep = imp(engine, [row(unit_name="Xã Hương Đô")], dry_run=True)
    assert rep.ok and rep.matched_units[0]["unit_code"] == "18550" and rep.matched_units[0]["vintage"] == "42-2025"
    # 18550 was Hương Trà until 30/6/2025: the old name with the reused code is refused.
    rep = imp(engine, [row(unit_code="18550", unit_name="Xã Hương Trà")], dry_run=True)
    assert [e["code"] for e in rep.errors] == ["code_name_mismatch"] and "Xã Hương Đô" in rep.errors[0]["message_en"]


def test_the_2026_2030_ladder_and_fields(engine):
    ten = {f"c{i:02d}": X for i in range(1, 11)}
    ok = imp(engine, [row(unit_code="18502", level="modern", commune_group=1, **ten)], dry_run=True)
    assert ok.ok, ok.errors
    cases = {
        "level": row(unit_code="18502", level="advanced"),                         # not on the 2026 ladder
        "criterion_outside_set": row(unit_code="18502", **ten, c11=X),
        "commune_group": row(unit_code="18502", commune_group=4),
        "criteria_set_year": row(unit_code="18502", criteria_set="2021-2025"),
        "commune_total": row(unit_code="18502", criteria_met=19, criteria_total=19),
        "level_criteria": row(unit_code="18502", level="standard", criteria_met=9, criteria_total=10),
    }
    for code, r in cases.items():
        rep = imp(engine, [r], f"{code}.csv", dry_run=True)
        assert code in [e["code"] for e in rep.errors], (code, rep.errors)
    rep = imp(engine, [row(unit_code="18499", year=2024, criteria_set="2021-2025", commune_group=2)], dry_run=True)
    assert [e["code"] for e in rep.errors] == ["group_outside_2026"]


def test_a_district_code_after_the_district_level_was_abolished(engine):
    rep = imp(engine, [row(unit_code="444")], dry_run=True)                 # Huyện Hương Khê
    assert [e["code"] for e in rep.errors] == ["level_ceased"]
    assert rep.errors[0]["message_en"].startswith("444 Huyện Hương Khê ceased on 1/7/2025")


def test_a_summary_sheet_of_2024_still_reads_the_2020_register(engine):
    data = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", [
        {"name": "Xã Điền Mỹ", "marks": [X] * 19, "count": 19, "y_std": 2023}])], date(2024, 12, 31), n_criteria=19)
    rep = import_bytes(data, "bth_2024.xlsx", engine, dry_run=True, today=TODAY)
    assert rep.ok and rep.matched_units[0]["vintage"] == "42-2020" and rep.matched_units[0]["unit_code"] == "18499"


def test_a_2026_recognition_decision_on_the_new_communes(engine):
    """A decision of 2026 lists new communes by name alone (no district level any more): the
    province is read from the names on the register of the decision's date, "NTM hiện đại" is the
    2026–2030 ladder's modern level (before: "cannot tell which province"; hiện đại read as standard)."""
    data = samples.decision_list_xlsx("50/QĐ-UBND", date(2026, 9, 1), 1, 2026, {
        "Xã đạt chuẩn nông thôn mới": [("", "Xã Hà Linh", None), ("", "Xã Hương Đô", None)],
        "Xã đạt chuẩn nông thôn mới hiện đại": [("", "Xã Hương Khê", None)]})
    rep = import_bytes(data, "qd_50_2026.xlsx", engine, dry_run=True, today=TODAY)
    assert rep.ok and rep.province == "42", rep.errors
    got = {(d["unit_code"], d["vintage"], d["year"], d["level_after"], d["provenance_after"]) for d in rep.diff}
    hk = next(u["unit_code"] for u in rep.matched_units if u["name"] == "Xã Hương Khê")
    assert got == {("18502", "42-2025", 2026, "standard", "official"), ("18550", "42-2025", 2026, "standard", "official"),
                   (hk, "42-2025", 2026, "modern", "official")}
