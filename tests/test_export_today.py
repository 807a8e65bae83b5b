"""Exports on today's units (issue 12, item 8): the map image, the briefing pack and the CSV /
GeoJSON downloads of 2025 and 2026 on the 1/7/2025 boundaries, with their attribution.

Facts pinned from the sources: Hà Tĩnh has 69 units from 1/7/2025 (60 xã + 9 phường) and no
district level; the new Lào Cai (15) 99; no commune is assessed under Decision 51/2025/QĐ-TTg
yet; the 2025 map of the new units is their legacy level; the boundaries after 1/7/2025 are
derived from vietnam-3d-map (MIT), those before from censusVN2009 (MIT)."""
from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest

from testing import dataset


@pytest.fixture(scope="module")
def ds():
    return dataset()


def test_map_image_of_2026_on_the_new_units(ds):
    from ui.export.build import build_map_image
    from ui.export.mapimage import legend_title
    png, view = build_map_image(ds, "42", 2026, with_view=True, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert view.two_level and view.vintage == "42-2025" and len(view.districts) == 0
    assert view.spec.mode == "commune_2026" and len(view.spec.classes) == 69
    assert view.spec.count("not_assessed") == 60 and view.spec.count("none") == 0
    # nothing assessed yet: the subtitle says so, it never prints "0/60"
    assert "51/2025/QĐ-TTg" in view.subtitle and "60" in view.subtitle and "0/60" not in view.subtitle
    title = legend_title(view.spec, "vi")
    assert "51/2025/QĐ-TTg" in title and "{" not in title
    assert "vietnam-3d-map" in view.source_line and "censusVN2009" not in view.source_line


def test_map_image_of_2025_draws_the_legacy_level(ds):
    from ui.export.build import build_map_image
    from ui.export.mapimage import legend_title
    _, view = build_map_image(ds, "15", 2025, with_view=True, dpi=60)
    assert view.spec.mode == "legacy" and len(view.spec.classes) == 99
    assert "kế thừa" in legend_title(view.spec, "vi")
    with pytest.raises(Exception, match="not on the ladder"):
        build_map_image(ds, "42", 2026, level="advanced", dpi=60)   # a 2021–2025 level in 2026


@pytest.mark.parametrize("province,year", [("42", 2026), ("15", 2025)])
def test_briefing_pack_on_the_new_units(ds, province, year):
    from ui.export.build import build_briefing
    from ui.export.content import build_pack
    pack = build_pack(ds, province, year)
    labels = [k.label for k in pack.kpis]
    assert not any("huyện" in x.lower() for x in labels)                 # no district level
    assert "Đơn vị cấp xã" in labels
    assert "Ranh giới: vietnam-3d-map (MIT)" in pack.source_line and "censusVN2009" not in pack.source_line
    if year == 2026:
        standard = next(k for k in pack.kpis if k.level == "standard")
        assert standard.value == "—" and "2025" not in standard.target   # no 2021–2025 target on 2026
        assert "chưa được đánh giá" in standard.detail                    # a state, never "0/60"
        # no record is sourced yet under 51/2025: the footer says so instead of "Nguồn: —"
        assert pack.source_line.startswith("Nguồn: chưa có bản ghi có nguồn cho năm này.")
        assert pack.extra["map_source_line"].startswith("Nguồn: chưa có bản ghi có nguồn cho năm này.")
    assert pack.districts_title == "Các xã, phường (ranh giới từ 1/7/2025)"
    pdf = build_briefing(ds, province, year, fmt="pdf")
    assert pdf[:5] == b"%PDF-"
    assert build_briefing(ds, province, year, fmt="pptx")[:2] == b"PK"


def test_briefing_pack_before_the_reform_keeps_the_districts(ds):
    from ui.export.content import build_pack
    pack = build_pack(ds, "42", 2023)
    assert pack.districts_title == "Bảng theo huyện"
    assert "censusVN2009" in pack.source_line


def _ctx(ds, province, year):
    """The page context's reads the downloads use (the same metrics and geometry calls)."""
    from loaders.boundaries import load_communes
    from metrics.prepare import as_prepared
    from metrics.status import status_as_of
    st_ = status_as_of(ds, province, year)
    vintage = str(st_["vintage"].iloc[0])
    two_level = not as_prepared(ds, province).has_districts(vintage)
    return SimpleNamespace(status=lambda: st_, district=None, year=year, province=province,
                           two_level=lambda: two_level,
                           communes_geo=lambda: load_communes(vintage))


@pytest.mark.parametrize("year", [2025, 2026])
def test_csv_and_geojson_of_the_view_on_the_new_units(ds, year):
    from ui.blocks.downloads import safe_csv, view_frame, view_geojson
    ctx = _ctx(ds, "42", year)
    rows = list(csv.DictReader(io.StringIO(safe_csv(view_frame(ctx)).decode("utf-8-sig"))))
    assert len(rows) == 69 and "district_code" not in rows[0]            # no district level
    by_code = {r["unit_code"]: r for r in rows}
    if year == 2025:   # new Xã Hà Linh: legacy level standard, derived from old Hà Linh's and Điền Mỹ's records
        assert (by_code["18502"]["level"], by_code["18502"]["basis"], by_code["18502"]["provenance"]) == \
            ("standard", "legacy", "derived")
        assert "S-42-2020-18499" in by_code["18502"]["derived_from"]
    else:
        assert by_code["18502"]["level"] == "not_assessed" and by_code["18502"]["criteria_set"] == "2026-2030"
    gj = json.loads(view_geojson(ctx))
    assert len(gj["features"]) == 69
    assert {f["properties"]["unit_code"] for f in gj["features"]} == set(by_code)
