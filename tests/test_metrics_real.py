"""The metrics on the real records of geodata/ (sourced records only; the illustrative fill is
switched off as in the dashboard's default view, and checked apart where it matters)."""
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from metrics.counts import level_counts
from metrics.holdouts import holdouts
from metrics.status import status_as_of
from metrics.summary import build_summary

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (ROOT / "geodata" / "records" / "status.csv").is_file(),
                                reason="records not built yet")


@pytest.fixture(scope="module")
def frames():
    from loaders.store import read_seed_frames
    return read_seed_frames()


@pytest.fixture(scope="module")
def real(frames):
    st = frames["status"]
    return SimpleNamespace(**{**frames, "status": st[st["provenance"] != "illustrative"].reset_index(drop=True)})


@pytest.fixture(scope="module")
def full(frames):
    return SimpleNamespace(**frames)


def names(df):
    return {n.removeprefix("Xã ").removeprefix("Huyện ") for n in df["name"]}


def test_trieu_son_2019_share_18_of_32_reported_and_computed(real):
    st = status_as_of(real, "38", 2019)
    assert st.attrs["vintage"] == "38-2020"  # valid from 1/12/2019: the 32-xã denominator
    c = level_counts(st).set_index("area_code").loc["397"]
    assert (c["eligible"], c["atleast_standard"], c["unknown"]) == (32, 18, 0)
    assert c["share_standard"] == 0.5625
    s = build_summary(real, "38", 2019, "397")
    rep = [r for r in s["reported_vs_computed"] if r["metric"] == "count_standard"][0]
    assert (rep["reported"], rep["reported_denominator"], rep["computed"], rep["computed_denominator"],
            rep["difference"]) == (18, 32, 18, 32, 0)
    assert s["captions"]["vi"].startswith("Năm 2019 (huyện Triệu Sơn): 18/32 xã đạt chuẩn NTM (56,3%")


def test_ha_tinh_eligible_xa_per_district_2020_2024(real, frames):
    u = frames["units"]
    reg = u[(u["vintage"] == "42-2020") & (u["admin_level"] == "commune") & (u["unit_type"] == "xã")]
    expected = reg.groupby("parent_code").size().to_dict()
    for y in range(2020, 2025):
        c = level_counts(status_as_of(real, "42", y)).set_index("area_code")
        assert c.loc["444", "eligible"] == 20  # Hương Khê: 20 xã (+1 thị trấn, not applicable)
        assert c.loc["444", "not_applicable"] == 1
        assert c.loc["42", "eligible"] == 182 and c.loc["42", "not_applicable"] == 34
        got = c[c["admin_level"] == "district"]["eligible"].to_dict()
        assert got == {k: v for k, v in expected.items()}
    c19 = level_counts(status_as_of(real, "42", 2019)).set_index("area_code")
    assert c19.loc["42", "eligible"] == 229 and c19.loc["444", "eligible"] == 21


def test_ha_tinh_2022_holdouts(real):
    h = holdouts(real, "42", 2022)
    held = h[h["listed_as"] == "holdout"]
    a = held[held["rule"] == "a"]
    assert names(a[a["admin_level"] == "commune"]) == {"Hương Lâm", "Hương Liên", "Hà Linh", "Điền Mỹ"}
    lh = a[a["admin_level"] == "district"]
    assert names(lh) == {"Lộc Hà"} and lh.iloc[0]["target_year"] == 2022
    b = held[held["rule"] == "b"]
    assert names(b) == {"Hương Lâm", "Hương Liên", "Hà Linh", "Điền Mỹ"}
    assert set(b["district_name"]) == {"Huyện Hương Khê"}
    # the share comes from the reported aggregate 177/181 (the per-unit records are incomplete)
    assert set(b["basis"]) == {"reported"} and set(b["area_reached"]) == {177} and set(b["area_denominator"]) == {181}
    # units without a record are never holdouts
    assert (held["level"] != "unknown").all()
    assert set(h.loc[h["listed_as"] == "no_record", "level"]) == {"unknown"}


def test_ha_tinh_2023_the_holdouts_are_recognised(real):
    h = holdouts(real, "42", 2023)
    held = h[h["listed_as"] == "holdout"]
    assert not ({"Hà Linh", "Điền Mỹ", "Lộc Hà"} & names(held))
    st = status_as_of(real, "42", 2023).set_index("name")
    assert st.loc["Xã Hà Linh", "level"] == "standard" and st.loc["Xã Điền Mỹ", "level"] == "standard"


def test_first_model_communes_2020(real):
    s19 = status_as_of(real, "42", 2019)
    assert (s19["level"] == "model").sum() == 0
    s20 = status_as_of(real, "42", 2020)
    models = s20[s20["level"] == "model"]
    assert names(models) == {"Tùng Ảnh", "Hương Trà"}
    assert set(models["record_year"]) == {2020}


@pytest.mark.parametrize("year", [2014, 2018, 2022, 2023])
def test_summary_json_for_ha_tinh(real, year):
    s = build_summary(real, "42", year)
    text = json.dumps(s, ensure_ascii=False)
    assert s["vintage"] == ("42-2019" if year < 2020 else "42-2020")
    assert s["counts"]["eligible"] == (229 if year < 2020 else 182)
    for k in ("counts", "districts", "targets", "holdouts", "criteria", "transitions", "reported_vs_computed"):
        assert k in s
    vi, en = s["captions"]["vi"], s["captions"]["en"]
    assert vi.startswith(f"Năm {year}: ") and en.startswith(f"{year}: ") and s["vintage"] in vi
    assert "\ufffd" not in text


def test_ha_tinh_2022_caption_shape(real):
    s = build_summary(real, "42", 2022)
    assert s["captions"]["vi"].startswith("Năm 2022: 177/181 xã đạt chuẩn NTM (97,8%, suy ra từ báo cáo")
    assert "4 xã của huyện Hương Khê chưa đạt" in s["captions"]["vi"]
    assert "4 communes of Hương Khê district not yet" in s["captions"]["en"]
    assert s["captions"]["levels"]["standard"]["basis"] == "reported"


def test_illustrative_fill_is_labelled(full):
    # 2024: no reported figure, the count rests partly on the fill: the caption says so
    s = build_summary(full, "42", 2024)
    assert "minh họa" in s["captions"]["vi"] and "illustrative" in s["captions"]["en"]
    assert s["counts"]["weakest_provenance"] == "illustrative"
    # 2022: the headline is the reported 177/181, which does not rest on the fill; what the map
    # draws does, and the figure says so beside it
    s = build_summary(full, "42", 2022)
    f = s["figures"]["standard"]
    assert (f["basis"], f["value"], f["denominator"]) == ("reported", 177, 181)
    assert "minh họa" not in s["captions"]["vi"]
    assert f["on_map"]["provenance"] == "illustrative" and "illustrative_on_map" in {n["key"] for n in f["notes"]}


def test_cli_summary_json_and_exit_codes(metrics_cli):
    run = metrics_cli
    r = run("summary", "--province", "42", "--year", "2022", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["year"] == 2022 and s["counts"]["eligible"] == 182
    # the headline in the JSON: the sourced figure with its source and date (ntm_facts_2025 §3: 177/181)
    h = s["headline"]
    assert (h["value"], h["denominator"], h["basis"], h["source_id"], h["as_of"]) == \
        (177, 181, "reported", "huongkhe-2023-03-06", "2023-03-06")
    assert s["figures"]["standard"] == h and h["source"]["title"]
    assert {"a", "b", "no_record"} <= set(s["holdouts"])
    r = run("summary", "--province", "42", "--year", "2023", "--district", "444")
    assert r.returncode == 0 and "Năm 2023 (huyện Hương Khê)" in r.stdout
    assert run("summary", "--province", "77", "--year", "2022").returncode == 2
    assert run("summary", "--year", "2022").returncode == 2
    assert run("summary", "--province", "42", "--year", "abc").returncode == 2
    h = run("summary", "--help")
    assert h.returncode == 0 and "--district" in h.stdout


def test_a_gap_made_only_of_communes_without_record_is_not_called_missed(real):
    # Hà Tĩnh 2024: every xã with a record is standard; the rest have no record.
    # The "100% standard by 2025" target cannot be called missed on that basis.
    t = {x["target_id"]: x for x in build_summary(real, "42", 2024)["targets"]}["T-42-2025-standard-share"]
    assert t["gap"] == t["unknown"] > 0
    assert t["gap_min"] == 0 and t["state"] == "unverified" and t["on_track"] is None


def test_cli_unit_contract_and_exit_codes(metrics_cli):
    """DESIGN §3 `python -m metrics unit`: the object's keys, the code resolved through the
    vintage of the year, exit 2 for a unit not in that vintage."""
    run = metrics_cli
    r = run("unit", "--province", "42", "--code", "18502", "--year", "2023", "--json")
    assert r.returncode == 0, r.stderr
    u = json.loads(r.stdout)
    assert {"unit_code", "name", "unit_type", "vintage", "level", "provenance", "criteria_set", "former_units",
            "successors"} <= set(u)
    # Hà Linh: recognised standard in batch 2/2023 (QĐ 189/QĐ-UBND, 17/1/2024)
    assert (u["name"], u["vintage"], u["level"], u["provenance"], u["decision_no"]) == \
        ("Xã Hà Linh", "42-2020", "standard", "official", "189/QĐ-UBND")
    for f in u["former_units"]:
        assert {"unit_code", "name", "unit_type", "part", "level", "provenance"} <= set(f)
    r = run("unit", "--province", "42", "--code", "18499", "--year", "2023")
    assert r.returncode == 0 and "Điền Mỹ" in r.stdout
    assert run("unit", "--province", "42", "--code", "00000", "--year", "2023").returncode == 2
    assert run("unit", "--province", "42", "--year", "2023").returncode == 2
    h = run("unit", "--help")
    assert h.returncode == 0 and "--code" in h.stdout and "--illustrative" in h.stdout


# ---- one truth per figure (issue 13): the sourced figures, with their source and date ---------

@pytest.mark.parametrize("province, year, district, level, value, den, source, as_of", [
    ("42", 2018, None, "standard", 158, 229, "nongnghiep-post234588", "end-2018"),
    ("42", 2022, None, "standard", 177, 181, "huongkhe-2023-03-06", "2023-03-06"),
    ("42", 2023, None, "standard", 181, 181, "baohatinh-post260401", "~2024-01"),
    ("42", 2023, None, "advanced", 60, 181, "baohatinh-post260401", "~2024-01"),
    ("42", 2023, None, "model", 15, 181, "baohatinh-post260401", "~2024-01"),
    ("38", 2019, "397", "standard", 18, 32, "seed-003-ts-2020", "2020-02-12"),
    ("38", 2019, None, "standard", 18, 32, "seed-003-ts-2020", "2020-02-12"),
])
def test_the_headline_figure_is_the_sourced_one_everywhere(real, province, year, district, level, value, den,
                                                           source, as_of):
    from metrics.figures import figure
    from metrics.prepare import prepare
    s = build_summary(real, province, year, district)
    f = s["figures"][level]
    assert (f["value"], f["denominator"], f["basis"], f["source_id"], f["as_of"]) == (value, den, "reported", source,
                                                                                      as_of)
    assert f["year_figure"] and f["source"]["title"]
    assert figure(prepare(real, province), year, level, district) == f   # one computation, one answer
    # the caption quotes the same number, its basis and the boundary vintage
    cap = s["captions"]["levels"][level]
    assert f"{value}/{den} xã" in cap["vi"] and "báo cáo" in cap["vi"] and s["vintage"] in cap["vi"]
    assert (cap["basis"], cap["basis_source"], cap["basis_as_of"]) == ("reported", f["aggregate_id"], as_of)
    if level == "standard":
        assert s["headline"] == f


def test_what_the_map_draws_sits_beside_the_figure_not_against_it(real):
    f = build_summary(real, "42", 2023)["figures"]["standard"]
    m = f["on_map"]
    assert (m["eligible"], m["with_record"] + m["without_record"]) == (182, 182) and m["without_record"] > 0
    keys = {n["key"]: n for n in f["notes"]}
    assert keys["register"]["values"] == {"register": 182, "report": 181}   # the register's count as a note
    assert keys["on_map"]["vi"] == (f"Trên bản đồ: {m['with_record']} xã có bản ghi, "
                                    f"{m['without_record']} xã chưa có bản ghi.")


def test_a_dated_figure_is_not_called_the_year_s(real):
    s = build_summary(real, "42", 2019)
    f = s["figures"]["standard"]
    assert (f["value"], f["denominator"], f["as_of"], f["year_figure"]) == (173, None, "2019-09-23", False)
    assert s["captions"]["vi"].startswith("Tính đến ngày 23/09/2019: 173 xã đạt chuẩn NTM")
    assert not s["captions"]["vi"].startswith("Năm 2019")
    assert "dated" in {n["key"] for n in f["notes"]}


def test_trieu_son_figures_name_the_district_not_the_province(real):
    s = build_summary(real, "38", 2019)
    assert (s["area"]["code"], s["area"]["name"], s["area"]["covers"]) == ("397", "Huyện Triệu Sơn", "district_only")
    assert s["captions"]["vi"].startswith("Năm 2019 (huyện Triệu Sơn): 18/32")
    assert "Thanh Hóa" not in s["captions"]["vi"] and "Thanh Hóa" not in s["captions"]["en"]


def test_gaps_to_target_use_the_headline_figure(real):
    t = {x["target_id"]: x for x in build_summary(real, "42", 2022)["targets"]}["T-42-2022-standard-all"]
    assert (t["current"], t["required"], t["gap"], t["current_basis"], t["state"]) == (177, 181, 4, "reported",
                                                                                       "past_due")
    t = {x["target_id"]: x for x in build_summary(real, "42", 2024)["targets"]}["T-42-2022-standard-all"]
    assert (t["state"], t["met_year"]) == ("met_late", 2023)   # 181/181 reported for 2023: persists


def test_the_illustrative_fill_keeps_every_sourced_record(real, full):
    for year in (2018, 2022, 2023):
        a = status_as_of(real, "42", year)["provenance"].value_counts()
        b = status_as_of(full, "42", year)["provenance"].value_counts()
        for cls in ("official", "reported", "derived"):
            assert a.get(cls, 0) == b.get(cls, 0), (year, cls)
    a, b = status_as_of(real, "42", 2023), status_as_of(full, "42", 2023)
    # 76 reported since the recognitions of named_units_additional.csv (2013, 2017, batch 1/2018)
    assert (a["provenance"] == "official").sum() == 38 and (a["provenance"] == "reported").sum() == 76
    # the fill decides only units no sourced record decides
    filled = set(b.loc[b["eligible"] & (b["provenance"] == "illustrative"), "unit_code"])
    assert filled and filled <= set(a.loc[a["eligible"] & (a["level"] == "unknown"), "unit_code"])


def test_holdouts_list_each_unit_once_with_all_its_rules(real):
    s = build_summary(real, "42", 2022)
    units = [u for u in s["holdouts"]["units"] if u["listed_as"] == "holdout" and u["admin_level"] == "commune"]
    assert sorted(u["name"] for u in units) == sorted({"Xã Hương Lâm", "Xã Hương Liên", "Xã Hà Linh", "Xã Điền Mỹ"})
    assert all(u["rules"] == ["a", "b"] for u in units)
    keys = [(u["admin_level"], u["unit_code"], u["listed_as"]) for u in s["holdouts"]["units"]]
    assert len(keys) == len(set(keys))
    from metrics.holdouts import holdouts_by_unit
    df = holdouts_by_unit(real, "42", 2022)
    assert df.duplicated(["admin_level", "unit_code", "listed_as"]).sum() == 0


def test_one_unit_s_target_state_agrees_with_the_holdouts(real):
    from metrics.targets import unit_targets
    h = {u["unit_code"]: u for u in build_summary(real, "42", 2022)["holdouts"]["units"]}
    code = next(c for c, u in h.items() if u["name"] == "Xã Hà Linh")
    t = {x["target_id"]: x for x in unit_targets(real, "42", 2022, code)}
    assert t["T-42-2022-standard-all"]["state"] == "past_due" and t["T-42-2022-standard-all"]["via"] == "share"
    # recognised in batch 2/2023: the same target reads met late, in 2023, from 2023 on
    t = {x["target_id"]: x for x in unit_targets(real, "42", 2024, code)}
    assert (t["T-42-2022-standard-all"]["state"], t["T-42-2022-standard-all"]["met_year"]) == ("met_late", 2023)


def test_per_commune_criteria_or_an_explicit_not_recorded(real):
    # Hương Khê 2023: no record in force carries criteria data: every xã says so
    rows = build_summary(real, "42", 2023, "444")["criteria"]["communes"]
    assert len(rows) == 20 and {r["state"] for r in rows} == {"not_recorded"}
    assert all(r["criteria_met"] is None and r["met"] == [] and r["missing"] == [] for r in rows)
    # 2018 (2016-2020 set, Hà Tĩnh's 20 criteria): Kỳ Giang 20/20 (every criterion met, 2017
    # report). Kỳ Lâm (18838) was at 19/20 in 2017 but the 33-xã decision recognised it that year:
    # the recognition (no criteria data) is the record in force
    rows = {r["unit_code"]: r for r in build_summary(real, "42", 2018)["criteria"]["communes"]}
    kg, kl = rows["18772"], rows["18838"]
    assert (kg["name"], kg["state"], kg["criteria_met"], kg["criteria_total"], kg["missing"], len(kg["met"])) == \
        ("Xã Kỳ Giang", "recorded", 20, 20, [], 20)
    assert kl["state"] == "not_recorded"
    # a count without the criteria named: Phú Nhuận (Lào Cai) 18/19 at 3/2024 (baodantoc 2024-05-19)
    other = {r["unit_code"]: r for r in build_summary(real, "10", 2024)["criteria"]["communes"]}["02944"]
    assert (other["state"], other["criteria_met"], other["criteria_total"], other["met"]) == ("count_only", 18, 19, [])
    # a 'none' implied by a later record does not lend that record's criteria to earlier years
    rows = {r["unit_code"]: r for r in build_summary(real, "42", 2019)["criteria"]["communes"]}
    assert rows["18847"]["state"] == "not_recorded"


def test_2026_2030_targets_where_sourced_and_the_national_one_only_labelled(real):
    s = build_summary(real, "42", 2026)
    assert s["criteria_set"] == "2026-2030"
    # no 2026-2030 target of Hà Tĩnh is recorded: the summary says so
    assert s["targets_note"]["key"] == "no_target" and "2026–2030" in s["targets_note"]["vi"]
    nat = [t for t in s["targets"] if t["scope"] == "national"]
    assert [(t["target_id"], t["state"], t["target_share"], t["verified"]) for t in nat] == \
        [("T-VN-2030-standard-share", "reference", 0.65, False)]
    assert nat[0]["verification"] == {"vi": "CHƯA KIỂM CHỨNG", "en": "NOT VERIFIED"}
    assert nat[0]["gap"] is None and nat[0]["current"] is None   # a comparison, never a gap of the province
    # the 2021-2025 targets are stated as of 2025, the last year of their ladder
    old = {t["target_id"]: t for t in s["targets"]}["T-42-2025-standard-share"]
    assert old["closed"] and old["evaluated_year"] == 2025
    # before 2026 the 2030 comparison is not shown (another criteria set's period)
    assert "T-VN-2030-standard-share" not in {t["target_id"] for t in build_summary(real, "42", 2024)["targets"]}


def test_the_progress_line_is_the_headline_figure_with_a_basis_per_point_and_no_invented_zero(real):
    from metrics.figures import headline_series
    from metrics.progress import progress_series
    pts = {p["year"]: p for p in headline_series(real, "42", range(2010, 2025))}
    assert (pts[2018]["value"], pts[2018]["basis"], pts[2018]["as_of"]) == (158, "reported", "end-2018")
    assert (pts[2019]["value"], pts[2019]["year_figure"]) == (173, False)        # 23/9/2019, not the year's
    assert (pts[2022]["value"], pts[2022]["denominator"]) == (177, 181)
    assert (pts[2023]["value"], pts[2023]["denominator"]) == (181, 181)
    assert pts[2024]["basis"] == "computed" and pts[2024]["at_least"]
    assert pts[2014]["value"] == 26 and pts[2013]["value"] == 7
    # no per-commune record decides any xã before the first ones: a gap, never 0
    early = [y for y, p in pts.items() if p["basis"] == "no_record"]
    assert early and all(pts[y]["value"] is None for y in early)
    p = progress_series(real, "42", range(2010, 2025))
    comp = p[(p["basis"] == "computed") & (p["metric"] == "count_standard") & (p["area_code"] == "42")]
    assert comp.loc[comp["year"].isin(early), "value"].isna().all()
    # the computed line starts with the first year a record decides a xã of the vintage drawn
    gaps = set(comp.loc[comp["value"].isna(), "year"])
    assert gaps and max(gaps) < min(set(comp["year"]) - gaps)
