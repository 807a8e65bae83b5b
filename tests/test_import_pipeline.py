"""Imports of realistic files built here, checked field by field in the store, on SQLite and
PostgreSQL: a clean official-layout summary sheet for a Hà Tĩnh district, the same with merged
cells / NFD names / prefix variants / subtotal rows, a CP1258 CSV, a decision list; re-import,
supersession, rollback, history, scope, and two concurrent imports."""
from __future__ import annotations

import threading
import unicodedata
from datetime import date

import pytest
from sqlalchemy import text

from loaders.importer import samples
from loaders.importer.pipeline import history, import_bytes, rollback, RollbackError
from loaders.store import get_engine, init_db

TODAY = date(2026, 11, 22)
X = "x"


@pytest.fixture
def engine(seeded_db_url):
    eng = get_engine(seeded_db_url)
    init_db(eng)   # no-op on the seeded copy (checks the schema is current)
    # Start from no status/targets so every stored row below comes from the imports under test.
    with eng.begin() as c:
        c.execute(text("DELETE FROM status"))
        c.execute(text("DELETE FROM targets"))
    return eng


def stored(eng, import_id, cols="unit_code, year, level, criteria_set, criteria_met, criteria_total, "
                                 "missing_criteria, decision_no, decision_date, provenance, note, vintage"):
    with eng.connect() as c:
        rows = c.execute(text(f"SELECT {cols} FROM status WHERE import_id = :i ORDER BY unit_code, year, level"),
                         {"i": import_id}).fetchall()
    return [tuple(r) for r in rows]


def imp(eng, data, name, **kw):
    kw.setdefault("today", TODAY)
    return import_bytes(data, name, eng, **kw)


# Hương Khê (444) on the 42-2020 register; a 19-criteria (2021–2025) report at 30/6/2024.
CLEAN = [
    {"name": "Xã Điền Mỹ", "marks": [X] * 19, "count": 19, "y_std": 2018, "y_adv": 2023},
    {"name": "Xã Hà Linh", "marks": [X] * 19, "count": 19, "y_std": 2019},
    {"name": "Xã Hương Thủy", "marks": [X] * 4 + [None] + [X] * 11 + ["CĐ"] + [X] * 2, "count": 17, "y_std": 2019,
     "note": "rớt chuẩn theo bộ tiêu chí 2021–2025"},
    {"name": "Xã Hương Lâm", "marks": [X] * 15 + [None] * 4, "count": 15, "note": "đăng ký năm 2025"},
    {"name": "Xã Phúc Trạch", "marks": [X] * 19, "count": 19, "y_std": 2015, "y_adv": 2021, "y_model": 2023},
    {"name": "Thị trấn Hương Khê", "marks": [None] * 19, "count": None},
]
EXPECTED = [
    # unit, year, level, set, met, total, missing, decision_no, decision_date, provenance, note, vintage
    ("18499", 2018, "standard", "2016-2020", None, None, None, None, None, "reported", None, "42-2020"),
    ("18499", 2023, "advanced", "2021-2025", None, None, None, None, None, "reported", None, "42-2020"),
    ("18499", 2024, "advanced", "2021-2025", 19, 19, None, None, None, "reported", None, "42-2020"),
    ("18502", 2019, "standard", "2016-2020", None, None, None, None, None, "reported", None, "42-2020"),
    ("18502", 2024, "standard", "2021-2025", 19, 19, None, None, None, "reported", None, "42-2020"),
    ("18505", 2019, "standard", "2016-2020", None, None, None, None, None, "reported", None, "42-2020"),
    ("18505", 2024, "standard", "2021-2025", 17, 19, "5;17", None, None, "reported",
     "rớt chuẩn theo bộ tiêu chí 2021–2025", "42-2020"),
    ("18547", 2015, "standard", "2009", None, None, None, None, None, "reported", None, "42-2020"),
    ("18547", 2021, "advanced", "2016-2020", None, None, None, None, None, "reported", None, "42-2020"),
    ("18547", 2023, "model", "2021-2025", None, None, None, None, None, "reported", None, "42-2020"),
    ("18547", 2024, "model", "2021-2025", 19, 19, None, None, None, "reported", None, "42-2020"),
    ("18556", 2024, "none", "2021-2025", 15, 19, "16;17;18;19", None, None, "reported", "đăng ký năm 2025",
     "42-2020"),
]


def clean_sheet():
    return samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", CLEAN)], date(2024, 6, 30), n_criteria=19)


def test_clean_summary_sheet_field_by_field(engine):
    rep = imp(engine, clean_sheet(), "bth_huong_khe_2024.xlsx")
    assert rep.ok and rep.exit_code == 0, rep.errors
    assert rep.kind == "summary_sheet" and rep.province == "42" and rep.report_date == "2024-06-30"
    assert rep.rows_read == 6 and rep.rows_valid == 6 and rep.rows_written == len(EXPECTED)
    assert stored(engine, rep.import_id) == EXPECTED
    # Hương Thủy: recognised under the 2016–2020 set, 17/19 now: a warning, not an error.
    assert any("Hương Thủy" in w["message_en"] and "older set" in w["message_en"] for w in rep.warnings)
    assert any("Thị trấn Hương Khê" in w["message_en"] and "skipped" in w["message_en"] for w in rep.warnings)
    with engine.connect() as c:
        imp_row = c.execute(text("SELECT username, file_name, sha256, kind, rows_read, rows_written, state "
                                 "FROM imports WHERE import_id = :i"), {"i": rep.import_id}).one()
        src = c.execute(text("SELECT kind, title, doc_date FROM sources WHERE source_id = :s"),
                        {"s": f"import-{rep.import_id}"}).one()
        srcs = {r[0] for r in c.execute(text("SELECT DISTINCT source_id FROM status WHERE import_id = :i"),
                                         {"i": rep.import_id})}
    assert tuple(imp_row) == ("cli", "bth_huong_khe_2024.xlsx", rep.sha256, "summary_sheet", 6, 12, "active")
    assert tuple(src) == ("report", "bth_huong_khe_2024.xlsx", "2024-06-30")
    assert srcs == {f"import-{rep.import_id}"}


def test_messy_sheet_gives_the_same_records(engine):
    """Merged cells, 2-row header without numbering row, NFD text, prefix/case/spacing/tone-placement
    variants, a second district block (roman subtotal rows) with Sơn Kim I and Kì Bắc, marks variety."""
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    marks19 = ["X", "Đ", "Đạt", 1, "x"] * 3 + ["đạt", "X", "Đ", "x"]
    messy = [
        {"name": nfd("Xã Điền Mỹ"), "marks": marks19, "count": 19, "y_std": 2018, "y_adv": 2023},
        {"name": "X. Hà Linh", "marks": marks19, "count": 19, "y_std": 2019},
        {"name": "xã  HƯƠNG THUỶ", "marks": ["x"] * 4 + ["CĐ"] + ["x"] * 11 + ["Chưa đạt"] + ["x"] * 2,
         "count": 17, "y_std": 2019, "note": nfd("rớt chuẩn theo bộ tiêu chí 2021–2025")},
        {"name": "Hương Lâm", "marks": ["x"] * 15 + [0, "CĐ", None, "0"], "count": 15, "note": "đăng ký năm 2025"},
        {"name": "Xã Phúc  Trạch", "marks": marks19, "count": 19, "y_std": 2015, "y_adv": 2021, "y_model": 2023},
        {"name": "TT Hương Khê", "marks": [None] * 19},
    ]
    other = [{"name": "Xã Sơn Kim I", "marks": [X] * 19, "count": 19, "y_std": 2020}]
    third = [{"name": "X. Kì Bắc", "marks": [X] * 18 + [None], "count": 18}]
    data = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", messy), ("H. Hương Sơn", other),
                                                  ("Huyện Kỳ Anh", third)],
                                      date(2024, 6, 30), n_criteria=19, header_rows=2, numbering_row=False)
    rep = imp(engine, data, "bth_messy.xlsx")
    assert rep.ok, rep.errors
    got = stored(engine, rep.import_id)
    hk = [r for r in got if r[0] not in ("18196", "18760")]
    assert hk == EXPECTED
    assert [r[:7] for r in got if r[0] in ("18196", "18760")] == [
        ("18196", 2020, "standard", "2016-2020", None, None, None),
        ("18196", 2024, "standard", "2021-2025", 19, 19, None),
        ("18760", 2024, "none", "2021-2025", 18, 19, "19"),
    ]
    # The stored note is NFC whatever the file held.
    assert all(r[10] is None or unicodedata.is_normalized("NFC", r[10]) for r in got)


def test_twenty_criteria_sheet_on_the_2019_register(engine):
    """Hà Tĩnh's 2016–2020 set has 20 criteria; a report dated 15/12/2019 names the 262-unit register."""
    communes = [
        {"name": "Xã Sơn Hòa", "marks": [X] * 20, "count": 20, "y_std": 2018},
        {"name": "Xã Sơn An", "marks": [X] * 19 + [None], "count": 19, "note": "thiếu tiêu chí 20"},
    ]
    data = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Sơn", communes)], date(2019, 12, 15), n_criteria=20)
    rep = imp(engine, data, "bth_2019.xlsx")
    assert rep.ok, rep.errors
    assert stored(engine, rep.import_id, "unit_code, vintage, year, level, criteria_set, criteria_met, "
                                         "criteria_total, missing_criteria") == [
        ("18154", "42-2019", 2019, "none", "2016-2020", 19, 20, "20"),
        ("18163", "42-2019", 2018, "standard", "2016-2020", None, None, None),
        ("18163", "42-2019", 2019, "standard", "2016-2020", 20, 20, None),
    ]


def test_layout_found_on_a_later_sheet(engine):
    from openpyxl import load_workbook
    import io
    wb = load_workbook(io.BytesIO(clean_sheet()))
    cover = wb.create_sheet("Bìa", 0)
    cover["A1"] = "BÁO CÁO KẾT QUẢ XÂY DỰNG NÔNG THÔN MỚI"
    buf = io.BytesIO()
    wb.save(buf)
    rep = imp(engine, buf.getvalue(), "co_bia.xlsx")
    assert rep.ok, rep.errors
    assert stored(engine, rep.import_id) == EXPECTED
    assert any("Read sheet 'Tổng hợp'" in w["message_en"] for w in rep.warnings)


def test_cp1258_csv_detected_reported_and_stored(engine):
    rows = [
        {"unit_name": "Xã Hương Trà", "district": "Huyện Hương Khê", "year": 2021, "level": "standard",
         "criteria_met": 19, "criteria_total": 19, "criteria_set": "2016-2020", "decision_no": "9999/QĐ-UBND",
         "decision_date": "15/03/2022", "note": "Đã rà soát"},
        {"unit_name": "Xã Kỳ Phong", "district": "Huyện Kỳ Anh", "year": 2023, "level": "none",
         "criteria_met": 16, "criteria_total": 19},
    ]
    data = samples.status_csv(rows, encoding="cp1258")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rep = imp(engine, data, "trang_thai.csv")
    assert rep.ok, rep.errors
    assert rep.encoding == "cp1258"
    assert any("CP1258" in w["message_en"] for w in rep.warnings)
    assert stored(engine, rep.import_id) == [
        ("18550", 2021, "standard", "2016-2020", 19, 19, None, "9999/QĐ-UBND", "2022-03-15", "official",
         "Đã rà soát", "42-2020"),
        ("18766", 2023, "none", "2021-2025", 16, 19, None, None, None, "reported", None, "42-2020"),
    ]


def test_decision_list(engine):
    data = samples.decision_list_xlsx("9999/QĐ-UBND", date(2022, 7, 1), 1, 2021, {
        "Xã đạt chuẩn nông thôn mới": [("Huyện Hương Khê", "Xã Hương Trà", ""),
                                        ("Huyện Hương Sơn", "Xã Sơn Kim 2", "")],
        "Xã đạt chuẩn nông thôn mới nâng cao": [("Huyện Hương Khê", "Xã Gia Phố", "")],
        "Xã đạt chuẩn nông thôn mới kiểu mẫu": [("Huyện Hương Khê", "Xã Phúc Trạch", "lĩnh vực giáo dục")],
    })
    rep = imp(engine, data, "qd_9999.xlsx")
    assert rep.ok, rep.errors
    assert rep.kind == "decision_list" and rep.rows_read == 4 and rep.rows_written == 4
    assert stored(engine, rep.import_id) == [
        ("18199", 2021, "standard", "2016-2020", None, None, None, "9999/QĐ-UBND", "2022-07-01", "official", None, "42-2020"),
        ("18532", 2021, "advanced", "2016-2020", None, None, None, "9999/QĐ-UBND", "2022-07-01", "official", None, "42-2020"),
        ("18547", 2021, "model", "2016-2020", None, None, None, "9999/QĐ-UBND", "2022-07-01", "official",
         "lĩnh vực giáo dục", "42-2020"),
        ("18550", 2021, "standard", "2016-2020", None, None, None, "9999/QĐ-UBND", "2022-07-01", "official", None, "42-2020"),
    ]


def test_pre_merger_name_goes_through_the_crosswalk_with_a_warning(engine):
    data = samples.status_csv([{"unit_name": "Xã Sơn An", "district": "Huyện Hương Sơn", "year": 2021,
                                "level": "none", "criteria_met": 14, "criteria_total": 19}])
    rep = imp(engine, data, "ten_cu.csv")
    assert rep.ok, rep.errors
    assert stored(engine, rep.import_id, "unit_code, vintage") == [("18163", "42-2020")]
    assert any("pre-merger" in w["message_en"] and "An Hòa Thịnh" in w["message_en"] for w in rep.warnings)


def test_reimport_is_a_noop_then_supersede_and_rollback(engine):
    data = clean_sheet()   # the same bytes (openpyxl stamps the save time into the file)
    first = imp(engine, data, "a.xlsx")
    assert first.ok and first.rows_written == 12
    again = imp(engine, data, "a_copy.xlsx")
    assert again.ok and again.rows_written == 0 and again.already_imported == first.import_id
    assert "already imported" in again.message_en
    # A later report changes Hà Linh's 2024 row: the old row is kept, superseded.
    later = [dict(c) for c in CLEAN]
    later[3] = {"name": "Xã Hương Lâm", "marks": [X] * 16 + [None] * 3, "count": 16, "note": "đăng ký năm 2025"}
    data_b = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", later)], date(2024, 6, 30), n_criteria=19)
    second = imp(engine, data_b, "b.xlsx")
    assert second.ok, second.errors
    with engine.connect() as c:
        def active(unit, year):
            return c.execute(text("SELECT criteria_met, import_id FROM status WHERE unit_code = :u AND year = :y "
                                  "AND superseded_by IS NULL"), {"u": unit, "y": year}).fetchall()
        assert active("18556", 2024) == [(16, second.import_id)]
        old = c.execute(text("SELECT s.criteria_met, n.import_id FROM status s JOIN status n ON n.id = s.superseded_by "
                             "WHERE s.unit_code = '18556' AND s.year = 2024")).fetchall()
        assert old == [(15, second.import_id)]
    diff = {(d["unit_code"], d["year"]): d for d in second.diff}
    assert diff[("18556", 2024)]["level_before"] == "none" and diff[("18556", 2024)]["change"] == "same"
    # Roll back the second import: its rows go, the first import's rows are current again.
    assert rollback(engine, second.import_id) == 12
    with engine.connect() as c:
        assert c.execute(text("SELECT criteria_met, import_id FROM status WHERE unit_code = '18556' AND year = 2024 "
                              "AND superseded_by IS NULL")).fetchall() == [(15, first.import_id)]
        assert c.execute(text("SELECT COUNT(*) FROM status WHERE import_id = :i"), {"i": second.import_id}).scalar() == 0
        assert c.execute(text("SELECT COUNT(*) FROM sources WHERE source_id = :s"),
                         {"s": f"import-{second.import_id}"}).scalar() == 0
    h = history(engine)
    assert [(r["import_id"], r["state"]) for r in h] == [(second.import_id, "rolled_back"), (first.import_id, "active")]
    with pytest.raises(RollbackError):
        rollback(engine, second.import_id)
    with pytest.raises(RollbackError):
        rollback(engine, 424242)
    # After a rollback the same file may be imported again.
    again_b = imp(engine, data_b, "b.xlsx")
    assert again_b.ok and again_b.already_imported is None and again_b.rows_written == 12


def test_level_down_against_the_store_needs_confirmation(engine):
    up = samples.status_csv([{"unit_code": "18550", "year": 2021, "level": "standard", "criteria_met": 19,
                              "criteria_total": 19}])
    assert imp(engine, up, "up.csv").ok
    down = {"unit_code": "18550", "year": 2024, "level": "none", "criteria_met": 17, "criteria_total": 19,
            "note": "rớt chuẩn theo bộ tiêu chí mới"}
    # A note alone no longer lets a regression through: the import must be confirmed.
    rep = imp(engine, samples.status_csv([down]), "down.csv")
    assert not rep.ok and rep.exit_code == 1 and rep.rows_written == 0
    assert rep.errors[0]["code"] == "needs_confirmation" and rep.errors[0]["row"] == 2
    assert rep.diff[0]["flags"] == ["regression"] and rep.diff[0]["level_before"] == "standard"
    rep = imp(engine, samples.status_csv([down]), "down.csv", allow_downgrade=True, reason="rà soát 2024")
    assert rep.ok and rep.rows_written == 1
    h = history(engine)[0]
    assert (h["import_id"], h["confirmed_downgrades"], h["reason"]) == (rep.import_id, 1, "rà soát 2024")


def test_all_errors_are_collected_and_nothing_is_written(engine):
    rows = [
        {"unit_name": "Xã Hà Linh", "district": "Huyện Hương Khê", "year": 2023, "level": "standard",
         "criteria_met": 12, "criteria_total": 19},                                     # level vs criteria
        {"unit_name": "Xã Hương Lâm", "district": "Huyện Hương Khê", "year": 2035, "level": "none"},   # year
        {"unit_name": "Xã Không Tồn Tại", "district": "Huyện Hương Khê", "year": 2023, "level": "none"},  # unknown
        {"unit_name": "Xã Gia Phố", "district": "Huyện Hương Khê", "year": 2023, "level": "none",
         "criteria_met": 30, "criteria_total": 19},                                     # impossible
        {"unit_name": "Xã Hương Trà", "district": "Huyện Hương Khê", "year": 2023, "level": "none",
         "criteria_met": 10, "criteria_total": 19},                                     # valid row
    ]
    rep = imp(engine, samples.status_csv(rows), "nhieu_loi.csv")
    assert not rep.ok and rep.exit_code == 1 and rep.rows_written == 0
    assert [(e["row"], e["column"]) for e in rep.errors] == [
        (2, "5 (level)"), (3, "4 (year)"), (4, "2 (unit_name)"), (5, "6 (criteria_met)")]
    assert rep.rows_read == 5 and rep.rows_valid == 1
    assert rep.unmatched_units[0]["row"] == 4
    assert all(e["message_vi"] and e["message_en"] and e["action_vi"] and e["action_en"] for e in rep.errors)
    with engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM status")).scalar() == 0
        assert c.execute(text("SELECT COUNT(*) FROM imports")).scalar() == 0


def test_editor_scope_is_enforced(engine):
    rows = [{"unit_code": "18550", "year": 2023, "level": "none", "criteria_met": 10, "criteria_total": 19},
            {"unit_code": "18766", "year": 2023, "level": "none", "criteria_met": 10, "criteria_total": 19}]
    rep = imp(engine, samples.status_csv(rows), "scope.csv", scope=("district", "444"), user="hk_editor")
    assert not rep.ok and [(e["row"], e["code"]) for e in rep.errors] == [(3, "scope")]
    rep = imp(engine, samples.status_csv(rows), "scope.csv", scope=("province", "42"), user="ht_editor")
    assert rep.ok and rep.rows_written == 2
    with engine.connect() as c:
        assert c.execute(text("SELECT username, scope_code FROM imports")).fetchall() == [("ht_editor", "42")]


def test_district_rows_use_the_district_ladder(engine):
    rows = [{"unit_code": "444", "year": 2023, "level": "none", "criteria_met": 7, "criteria_total": 9},
            {"unit_code": "436", "year": 2019, "level": "completed"},               # Thành phố Hà Tĩnh
            {"unit_code": "436", "year": 2020, "level": "standard"},                # a city: only 'completed'
            {"unit_code": "448", "year": 2023, "level": "standard", "criteria_met": 8, "criteria_total": 9}]
    rep = imp(engine, samples.status_csv(rows), "huyen.csv")
    assert [(e["row"], e["code"]) for e in rep.errors] == [(4, "town_only_completed"), (5, "level_criteria")]
    rep = imp(engine, samples.status_csv(rows[:2]), "huyen_ok.csv")
    assert rep.ok, rep.errors
    assert stored(engine, rep.import_id, "unit_code, vintage, year, level, criteria_met, criteria_total") == [
        ("436", "42-2019", 2019, "completed", None, None), ("444", "42-2020", 2023, "none", 7, 9)]
    with engine.connect() as c:
        assert c.execute(text("SELECT DISTINCT admin_level FROM status WHERE import_id = :i"),
                         {"i": rep.import_id}).fetchall() == [("district",)]


def test_target_table(engine):
    data = samples.status_csv([{"unit_name": "Xã Hương Lâm", "district": "Huyện Hương Khê", "level": "standard",
                                "target_year": 2025, "note": "đăng ký"}],
                              header=["unit_name", "district", "level", "target_year", "note"])
    rep = imp(engine, data, "muc_tieu.csv")
    assert rep.ok and rep.kind == "target_table", rep.errors
    with engine.connect() as c:
        got = c.execute(text("SELECT scope, vintage, unit_code, admin_level, level, target_year, provenance, note "
                             "FROM targets WHERE import_id = :i"), {"i": rep.import_id}).fetchall()
    assert [tuple(r) for r in got] == [("unit", "42-2020", "18556", "commune", "standard", 2025, "reported", "đăng ký")]


def test_concurrent_imports_are_serialised(engine):
    """Two sessions import overlapping reports at once: both commit one after the other, and every
    (unit, year, level) ends with exactly one current row."""
    a = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", CLEAN)], date(2024, 6, 30), n_criteria=19)
    later = [dict(c) for c in CLEAN]
    later[3] = {"name": "Xã Hương Lâm", "marks": [X] * 16 + [None] * 3, "count": 16}
    b = samples.summary_sheet_xlsx("Hà Tĩnh", [("Huyện Hương Khê", later)], date(2024, 6, 30), n_criteria=19)
    results = {}
    barrier = threading.Barrier(2)

    def run(name, data):
        barrier.wait()
        results[name] = imp(engine, data, name, user=name)

    threads = [threading.Thread(target=run, args=(n, d)) for n, d in (("a.xlsx", a), ("b.xlsx", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r.ok and r.rows_written == 12 for r in results.values()), {k: v.errors for k, v in results.items()}
    with engine.connect() as c:
        dup = c.execute(text("SELECT unit_code, year, level, COUNT(*) FROM status WHERE superseded_by IS NULL "
                             "GROUP BY unit_code, year, level HAVING COUNT(*) > 1")).fetchall()
        assert dup == []
        assert c.execute(text("SELECT COUNT(*) FROM status")).scalar() == 24
        assert c.execute(text("SELECT COUNT(*) FROM status WHERE superseded_by IS NULL")).scalar() == 12
        last = c.execute(text("SELECT MAX(import_id) FROM imports")).scalar()
        assert c.execute(text("SELECT COUNT(*) FROM status WHERE superseded_by IS NULL AND import_id = :i"),
                         {"i": last}).scalar() == 12
