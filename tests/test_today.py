"""The app for today (issue 12): years to the current year, provinces as they were in the year,
a URL read on the vintage of its year, year moves across 1/7/2025, the 2025 legacy map and the
2026 ladder, the national map of today, former names in the search, former districts.

Facts pinned here come from the sources, not from the code: Hà Tĩnh has 69 units from 1/7/2025
(60 xã + 9 phường, 1665/NQ-UBTVQH15) and 216 before; the new Lào Cai (15) = old Lào Cai (10) +
Yên Bái; the new Xã Hà Linh (18502) = old Hà Linh (18502) + Điền Mỹ (18499); Tả Van (Lào Cai,
03037) = Hoàng Liên + Mường Hoa + Tả Van; 3,321 units nationally; the last sourced figure is of 6/2025
(169/169 xã); 2026 records under 51/2025 do not exist yet."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from domain.years import current_year
from testing import dataset
from ui.frame import state
from ui.frame.state import ViewState, move_year, parse_params


@pytest.fixture(scope="module")
def ds():
    return dataset()


@pytest.fixture(scope="module")
def ch(ds):
    from ui.frame.layout import build_choices
    return build_choices(dataset(True), ds)


def keys(notices):
    return [(n[0], getattr(n, "key", None)) for n in notices]


# ---- years and provinces ----------------------------------------------------------------------

def test_years_run_to_the_current_year_and_open_on_the_latest_sourced_year(ch):
    assert ch.years[-1] == current_year()
    assert ch.years == tuple(range(ch.years[0], current_year() + 1))
    # the latest sourced records are Hà Tĩnh's figures of 6/2025 (169/169 xã); none of 2026 yet
    assert ch.default_year == 2025
    view, bad = parse_params({}, ch)
    assert view.year == 2025 and bad == []


def test_provinces_as_they_were_in_the_year(ch):
    assert ch.provinces_in(2024) == ("42", "38", "10", "all")     # old Lào Cai is 10
    assert ch.provinces_in(2026) == ("42", "38", "15", "all")     # the new Lào Cai is 15


def test_province_labels_name_the_layer(ch):
    from ui.frame.structure import province_label
    assert province_label("10", 2024, "vi", ch) == "Lào Cai (lớp 2009)"
    assert province_label("15", 2026, "vi", ch) == "Lào Cai (mới, từ 1/7/2025)"
    assert province_label("15", 2026, "en", ch) == "Lào Cai (new, from 1/7/2025)"
    assert province_label("38", 2023, "vi", ch) == "Thanh Hóa (huyện Triệu Sơn)"
    assert province_label("38", 2026, "vi", ch) == "Thanh Hóa"       # the whole new province
    assert province_label("all", 2024, "en", ch) == "Whole country (2009 layer)"
    assert province_label("all", 2026, "vi", ch) == "Toàn quốc (từ 1/7/2025)"


def test_structure_line_says_which_boundaries(ch):
    from ui.frame.structure import structure_text
    assert structure_text("42", 2026, "vi", ch) == "Ranh giới từ 1/7/2025: 69 xã, phường — không còn cấp huyện"
    assert structure_text("42", 2025, "en", ch) == "Boundaries from 1/7/2025: 69 communes and wards — no district level"
    assert structure_text("42", 2023, "vi", ch).startswith("Ranh giới 1/1/2020 – 30/6/2025: 216 xã")
    assert "3.321" in structure_text("all", 2026, "vi", ch) and "34" in structure_text("all", 2026, "vi", ch)
    assert "11.163" in structure_text("all", 2024, "vi", ch)


# ---- the URL on the vintage of its year ---------------------------------------------------------

def test_a_province_code_of_another_time_becomes_the_province_of_the_year(ch):
    view, bad = parse_params({"province": "10", "year": "2026"}, ch)
    assert view.province == "15" and keys(bad) == [("province", "app.province_in_year")]
    view, bad = parse_params({"province": "15", "year": "2023"}, ch)   # 15 was Yên Bái: not carried
    assert view.province == "10" and keys(bad) == [("province", "app.province_in_year")]


def test_no_district_layer_or_district_on_a_two_level_year(ch):
    view, bad = parse_params({"province": "42", "year": "2026", "layer": "district"}, ch)
    assert view.layer == "commune" and keys(bad) == [("layer", "app.no_district_layer")]
    # a district of the vintage before 1/7/2025 is kept as a historical area, with a notice
    view, bad = parse_params({"province": "42", "year": "2026", "district": "444"}, ch)
    assert view.district == "444" and keys(bad) == [("district", "app.former_district")]
    view, bad = parse_params({"province": "42", "year": "2026", "district": "999"}, ch)
    assert view.district is None and keys(bad) == [("district", None)]
    view, bad = parse_params({"province": "42", "year": "2023", "district": "444", "layer": "district"}, ch)
    assert (view.district, view.layer, bad) == ("444", "district", [])


def test_a_commune_code_is_read_on_the_vintage_of_the_year(ch):
    # 18502 is old Xã Hà Linh (42-2020) in 2023 and the new Xã Hà Linh (42-2025) in 2026
    assert ch.vintage_of("42", 2023).vintage == "42-2020" and ch.vintage_of("42", 2026).vintage == "42-2025"
    for year in ("2023", "2026"):
        view, bad = parse_params({"province": "42", "year": year, "commune": "18502"}, ch)
        assert view.commune == "18502" and bad == []
    # 18499 Điền Mỹ ceased on 1/7/2025: a 2026 link to it selects the unit it became part of
    view, bad = parse_params({"province": "42", "year": "2026", "commune": "18499"}, ch)
    assert view.commune == "18502" and keys(bad) == [("commune", "app.commune_followed")]


# ---- a year move across 1/7/2025 ----------------------------------------------------------------

def test_moving_the_year_across_the_reform_follows_the_selected_commune(ch):
    mv = move_year(ViewState(province="42", year=2024, commune="18499"), 2025, ch)
    assert mv.crossed and (mv.before.vintage, mv.after.vintage) == ("42-2020", "42-2025")
    assert mv.view.commune == "18502"                       # Điền Mỹ → now part of Xã Hà Linh
    back = move_year(mv.view, 2024, ch)
    assert back.crossed and back.view.commune == "18502"    # the new Hà Linh → old Hà Linh (its code)
    same = move_year(ViewState(province="42", year=2022, commune="18499"), 2023, ch)
    assert not same.crossed and same.view.commune == "18499"


def test_moving_the_year_drops_the_district_level_and_follows_the_province(ch):
    mv = move_year(ViewState(province="42", year=2024, district="444", layer="district"), 2025, ch)
    assert (mv.view.district, mv.view.layer) == (None, "commune") and set(mv.dropped) == {"district", "layer"}
    mv = move_year(ViewState(province="10", year=2024), 2026, ch)
    assert mv.view.province == "15" and mv.province_from == "10" and mv.crossed
    mv = move_year(ViewState(province="15", year=2026), 2020, ch)
    assert mv.view.province == "10"


def test_national_drill_down_is_in_the_url_and_follows_across_the_reform(ch):
    """The national map's drill-down (``drill``) is kept in the link on ``province=all`` only; a
    year move onto the layer of 1/7/2025 takes it to the province an old one became part of: old
    Lào Cai 10 → the new Lào Cai 15 (old Lào Cai + Yên Bái, which takes Yên Bái's code 15,
    Công văn 915/CTK-CSCL); going back the new code is that of one of its former provinces."""
    view, bad = parse_params({"province": "all", "year": "2024", "drill": "10"}, ch)
    assert view.drill == "10" and bad == [] and view.as_params()["drill"] == "10"
    from ui.export.share import share_url
    assert share_url(view, "map", base="https://ntm.example") == \
        "https://ntm.example/map?province=all&year=2024&lang=vi&drill=10"
    view, bad = parse_params({"province": "42", "year": "2024", "drill": "10"}, ch)
    assert view.drill is None and "drill" not in view.as_params()   # no meaning off the national map
    view, bad = parse_params({"province": "all", "drill": "<b>"}, ch)
    assert view.drill is None and [p for p, _ in bad] == ["drill"]
    mv = move_year(ViewState(province="all", year=2024, drill="10"), 2025, ch)
    assert mv.view.drill == "15"
    assert move_year(ViewState(province="all", year=2024, drill="42"), 2026, ch).view.drill == "42"
    assert move_year(ViewState(province="all", year=2022, drill="10"), 2023, ch).view.drill == "10"
    assert move_year(ViewState(province="all", year=2026, drill="15"), 2024, ch).view.drill == "15"


def test_a_national_map_report_names_the_drill_down():
    from ui.maps.national import clicked
    assert clicked({"type": "Feature", "id": "18502", "properties": {"n": "Xã Hà Linh", "d": 3, "p": "42"}}) \
        == {"drill": "42"}
    assert clicked({"type": "Feature", "geometry": None, "properties": {"p": ""}}) == {"drill": None}
    assert clicked({}) == {} and clicked(None) == {}


def test_ta_van_follows_into_the_new_lao_cai(ch, ds):
    """Tả Van (new Lào Cai, 03037) was formed from Hoàng Liên, Mường Hoa and Tả Van (GSO units of
    1/3/2025); on the 2009 layer of old Lào Cai those are Hầu Thào (03025), Sử Pán (03037) and Tả
    Van (03040), among others. Each, selected in 2024, becomes the new Tả Van in 2026; Lao Chải
    (03028), divided between Tả Van and Phường Sa Pa, has no single successor: the selection is
    cleared (and the notice says so)."""
    for code in ("03025", "03037", "03040"):
        mv = move_year(ViewState(province="10", year=2024, commune=code), 2026, ch)
        assert (mv.view.province, mv.view.commune) == ("15", "03037"), code
    mv = move_year(ViewState(province="10", year=2024, commune="03028"), 2026, ch)
    assert mv.view.commune is None and mv.commune_from == "03028"


# ---- the maps of 2025 and 2026 --------------------------------------------------------------------

def test_layer_modes_of_today():
    from ui.maps import spec
    assert spec.mode_for("commune", 2024).id == "commune"
    assert spec.mode_for("commune", 2025, two_level=True).id == "legacy"
    assert spec.mode_for("commune", 2026, two_level=True).id == "commune_2026"
    assert spec.layers(year=2026, two_level=True) == ["commune", "criteria"]     # no district layer
    assert "district" in spec.layers(year=2024)
    assert [m.id for m in spec.overlays(2025, True)] == ["former_districts"] and spec.overlays(2024) == []
    assert spec.mode_for("national", 2024).id == "national"
    assert spec.mode_for("national", 2025, two_level=True).id == "national_legacy"
    assert spec.mode_for("national", 2026, two_level=True).id == "national_2026"


def test_2026_map_draws_every_xa_not_yet_assessed(ds):
    """Hà Tĩnh 2026: 60 xã, none assessed under 51/2025 (a state, counted, never 'none'), 9 phường."""
    from metrics.status import status_as_of
    from ui.maps import spec
    st_ = status_as_of(ds, "42", 2026)
    s = spec.map_spec("commune_2026", spec.Scope("42"), 2026, spec.Frames(status=st_))
    assert Counter(s.classes.values()) == {"not_assessed": 60, "not_applicable": 9}
    assert s.den == 60 and s.count("none") == 0 and s.count("standard") == 0
    assert [r.key for r in s.legend][:3] == ["modern", "standard", "none"]


def test_2025_map_draws_the_legacy_level(ds):
    """New Xã Hà Linh = old Hà Linh + Điền Mỹ, both standard in 2023: its legacy level is standard."""
    from metrics.status import status_as_of
    from ui.maps import spec
    st_ = status_as_of(ds, "42", 2025)
    s = spec.map_spec("legacy", spec.Scope("42"), 2025, spec.Frames(status=st_))
    assert s.classes["18502"] == "standard"
    assert len(s.classes) == 69 and s.count("not_applicable") == 9


def test_status_file_of_a_two_level_vintage_carries_every_mode(ds):
    from metrics.status import district_status_as_of, status_as_of
    from ui.maps.province import expand_table, status_payload
    per = {y: status_as_of(ds, "42", y) for y in (2025, 2026)}
    dist = {y: district_status_as_of(ds, "42", y) for y in (2025, 2026)}
    p = status_payload(per, dist, {}, "42", two_level=True)
    assert p["units"]["fields"][:3] == ["legacy", "commune_2026", "criteria"]
    units = expand_table(p["units"], p["years"])
    row25, row26 = units["18502"]["2025"], units["18502"]["2026"]
    assert row25["legacy"] == "standard" and row26["commune_2026"] == "not_assessed"
    assert row25["commune_2026"] is None and row26["legacy"] is None
    assert p["districts"]["codes"] == []     # no district level


def test_topology_of_a_two_level_vintage_names_the_former_units_and_districts():
    from ui.maps import province as ntm_map
    former = ntm_map.former_units("42-2025")
    assert sorted(n for n, _ in former["18502"]) == ["Xã Hà Linh", "Xã Điền Mỹ"]
    assert ntm_map.former_units("42-2020") == {}
    # Phường Đại Nài was divided between two new units: a part of each
    parts = [c for c, names in former.items() if any(n == "Phường Đại Nài" and p for n, p in names)]
    assert len(parts) == 2
    from loaders.boundaries import load_districts
    fd = ntm_map.former_districts("42-2025", load_districts)
    assert len(fd) == 13 and ntm_map.former_districts("42-2020", load_districts) is None
    topo = json.loads(ntm_map.former_text(fd))
    assert len(topo["objects"]["districts"]["geometries"]) == 13 and len(topo["ntm"]["districts"]) == 13


def test_search_finds_old_names(ds, ch):
    from metrics.status import status_as_of
    from ui.maps.search import hit_label, search, search_rows
    rows = search_rows(status_as_of(ds, "42", 2026)[["unit_code", "name", "district_name"]].to_dict("records"),
                       ch, "42", 2026)
    hits = search("dien my", rows)
    assert hits and hits[0]["unit_code"] == "18502"
    assert hit_label(hits[0], "vi") == "Xã Điền Mỹ (Huyện Hương Khê) → nay thuộc Xã Hà Linh"
    assert hit_label(hits[0], "en").endswith("→ now part of Xã Hà Linh")
    # in 2023 Điền Mỹ is a unit of the year itself
    rows23 = search_rows(status_as_of(ds, "42", 2023)[["unit_code", "name", "district_name"]].to_dict("records"),
                         ch, "42", 2023)
    assert [h["unit_code"] for h in search("dien my", rows23)][:1] == ["18499"]


def test_national_map_of_today_draws_our_units_and_no_data_elsewhere(ds):
    from loaders import geometry as G
    from ui.maps import national
    from ui.maps.base import expand_table
    assert national.layer_for(2024) == "vn-2009" and national.layer_for(2026) == "vn-2025"
    p = national.national_status(ds, [2025, 2026], layer="vn-2025")
    units = expand_table(p["units"], p["years"])
    # the units of our three provinces of 1/7/2025 (69 + 166 + 99), every one with a class
    assert len(units) == 69 + 166 + 99
    layer = G.raw_layer("vn-2025")
    assert len(layer) == 3321 and set(units) <= set(layer["unit_code"].astype(str))
    classes26 = Counter(r["2026"]["national_2026"] for r in units.values())
    assert classes26["not_assessed"] == 60 + 147 + 89 and "none" not in classes26
    topo = json.loads(national.layer_topojson(G.prepared_layer("vn-2025", "national"), "national"))
    assert len(topo["ntm"]["codes"]) == 3321 and len(topo["ntm"]["provinces"]) == 34


# ---- the pages (AppTest) ----------------------------------------------------------------------

def _run(page=None, **params):
    from testing import run_app
    return run_app(page, timeout=180, **params)


def _bodies(at):
    return [h.proto.body for h in at.get("html")]


def test_map_page_of_2026_has_no_district_layer_and_says_its_structure():
    from domain.text import t
    at = _run(province="42", year=2026, layer="district")     # the notice is shown where the link lands
    assert t("app.no_district_layer", "vi", year=2026, date="1/7/2025") in [w.value.replace("\\", "") for w in at.warning]
    assert at.query_params.get("layer") in (None, [], "")
    at = _run("pages/map.py", province="42", year=2026, layer="district")
    assert at.radio(key="ntm_w_layer").options == [t("map.layer_commune", "vi"), t("map.layer_criteria", "vi")]
    assert any("Ranh giới từ 1/7/2025: 69 xã, phường — không còn cấp huyện" in b for b in _bodies(at))
    legend = next(b for b in _bodies(at) if "ntm-legend" in b)
    assert 'data-mode="commune_2026"' in legend and 'data-class="not_assessed"' in legend
    assert 'data-overlay="former_district"' in legend
    # the focus levels are those of the 2026–2030 ladder
    assert at.button_group(key="ntm_w_focus").options == [t("levels.at_least_standard", "vi"),
                                                          t("levels.at_least_modern", "vi")]


def test_a_drill_down_the_year_s_national_layer_does_not_have_is_dropped_with_a_notice():
    """10 (old Lào Cai) is a province of the 2009 layer, not of the layer of 1/7/2025."""
    from domain.text import t
    at = _run("pages/map.py", province="all", year=2026, drill="10")
    assert t("national.no_drill", "vi", code="10") in [i.value for i in at.info]
    assert at.query_params.get("drill") in (None, [], "")
    at = _run("pages/map.py", province="all", year=2024, drill="10")
    assert t("national.no_drill", "vi", code="10") not in [i.value for i in at.info]
    assert at.query_params.get("drill") in ("10", ["10"])


def test_year_slider_across_the_reform_follows_the_commune_with_a_notice():
    at = _run("pages/map.py", province="42", year=2024, commune="18499")
    at.select_slider(key="ntm_w_year_map").set_value(2025).run()
    assert not at.exception
    assert at.query_params["commune"] in ("18502", ["18502"]) and at.query_params["year"] in ("2025", ["2025"])
    notices = " ".join(i.value for i in at.info)
    assert "Xã Điền Mỹ nay thuộc Xã Hà Linh" in notices and "1/7/2025" in notices
    legend = next(b for b in _bodies(at) if "ntm-legend" in b)
    assert 'data-mode="legacy"' in legend


def test_area_of_a_new_commune_shows_its_former_units():
    from domain.text import t
    at = _run("pages/area.py", province="42", year=2026, commune="18502")
    assert at.title[0].value == t("area.title_unit", "vi")
    assert "Xã Hà Linh" in [s.value for s in at.subheader]
    former = at.dataframe[0].value
    assert sorted(former[t("area.col_name", "vi")]) == ["Xã Hà Linh", "Xã Điền Mỹ"]
    text = " ".join(m.value for m in at.markdown)
    assert t("levels.not_assessed", "vi") in text and t("levels.standard", "vi") in text
    notes = " ".join(c.value for c in at.caption)
    assert "Chưa có mục tiêu nào được ghi nhận cho giai đoạn 2026–2030." in notes
    assert "CHƯA KIỂM CHỨNG" in notes          # the national ≈ 65 % only with its label


def test_area_of_a_former_district_is_a_historical_area(ds):
    from metrics.status import status_as_of
    at = _run("pages/area.py", province="42", year=2026, district="444", lang="en")
    assert any(s.value.startswith("Huyện Hương Khê (former district") for s in at.subheader)
    table = at.dataframe[0].value
    mine = status_as_of(ds, "42", 2024)
    assert len(table) == int((mine["district_code"] == "444").sum())
    assert "Xã Hà Linh" in set(table["Now part of"])


def _tile(at, testid):
    return next((b for b in _bodies(at) if f'data-testid="{testid}"' in b), None)


def test_overview_of_2026_counts_on_the_ladder_in_force_and_never_shows_a_zero_for_not_assessed():
    at = _run(province="42", year=2026)
    assert _tile(at, "kpi-advanced") is None and _tile(at, "kpi-model") is None   # 2021–2025 levels
    assert _tile(at, "kpi-districts") is None                                     # no district level
    from domain.levels import LADDER_2026
    for level in LADDER_2026.recognised:           # đạt chuẩn, hiện đại (51/2025)
        tile = _tile(at, f"kpi-{level}")
        assert "—" in tile and "chưa được đánh giá" in tile and "0 / 60" not in tile and "0/60" not in tile
        assert "2025" not in tile                  # no 2021–2025 target beside a 2026 figure
    units = _tile(at, "kpi-units")
    assert ">69<" in units and "60 xã · 9 phường, thị trấn" in units and "1/7/2025" in units
    line = _tile(at, "provenance-counts")
    assert 'data-not_assessed="60"' in line and 'data-unknown="0"' in line
    assert "60 chưa được đánh giá" in line


def test_overview_of_2025_on_the_new_units_has_no_district_tile():
    """2025 is drawn on the 1/7/2025 units (the legacy level): the 69 units, not the districts."""
    at = _run(province="42", year=2025, lang="en")
    assert _tile(at, "kpi-districts") is None
    units = _tile(at, "kpi-units")
    assert ">69<" in units and "60 xã · 9 wards, towns" in units
