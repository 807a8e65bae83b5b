"""Geometry preparation (loaders/geometry.py): every prepared layer is valid, keeps
every unit, adds no gaps or overlaps beyond the source's, keeps each unit's area
within the stated tolerance of its detail level, and its TopoJSON decodes back to
the same shapes with shared borders written once.

The province vintages (every folder of geodata/boundaries) are built for real into a
throw-away cache. The national layers' cleaning step takes about a minute each, so
here it is exercised on slices that contain the hardest cases: of the 2009 layer
(tiny urban wards of Hà Nội and Hồ Chí Minh City, the Hà Tĩnh coast, the Lào Cai
mountains) and of the 1/7/2025 layer (Quảng Ninh, whose Phường Hạ Long is 939 islets
in Hạ Long Bay, Hồ Chí Minh City, Hà Tĩnh)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from loaders import geometry as G

NATIONAL_LAYERS = ("vn-2009", "vn-2025")
VINTAGES = [v for v in G.layer_ids() if v not in NATIONAL_LAYERS]   # read from geodata/
DETAILS = list(G.DETAILS)


@pytest.fixture(scope="module", autouse=True)
def fresh_cache(tmp_path_factory):
    """Build into an empty cache so the tests prepare the layers themselves."""
    mp = pytest.MonkeyPatch()
    mp.setenv("NTM_GEOMETRY_CACHE", str(tmp_path_factory.mktemp("geometry-cache")))
    G.prepared_layer.cache_clear()
    yield
    G.prepared_layer.cache_clear()
    mp.undo()


@pytest.fixture(scope="module")
def raws():
    return {v: G.raw_layer(v) for v in VINTAGES}


@pytest.fixture(scope="module")
def national_slice():
    raw = G.raw_layer(G.NATIONAL)
    # Hà Nội (01), Hà Tĩnh (42), Lào Cai (10), Hồ Chí Minh City (79).
    part = raw[raw["province_code"].isin(["01", "42", "10", "79"])].reset_index(drop=True)
    assert len(part) > 1000
    return part


def test_every_layer_of_geodata_is_listed():
    assert set(NATIONAL_LAYERS) <= set(G.layer_ids())
    assert {"42-2019", "42-2020", "38-2019", "38-2020", "10-2009", "42-2025", "38-2025", "15-2025"} <= set(VINTAGES)


@pytest.fixture(scope="module")
def national_2025_slice():
    raw = G.raw_layer("vn-2025")
    assert len(raw) == 3321 and raw["district_code"].isna().all()
    # Quảng Ninh (22), Hà Tĩnh (42), Hồ Chí Minh City (79).
    return raw[raw["province_code"].isin(["22", "42", "79"])].reset_index(drop=True)


@pytest.mark.parametrize("detail", DETAILS)
def test_national_2025_slice_every_level(national_2025_slice, detail):
    raw = national_2025_slice
    prepared = G.prepare(raw, detail)
    report = G.check_layer(raw, prepared, detail)
    assert report["problems"] == []
    # the islets of Phường Hạ Long (06688) keep its area within the stated tolerance
    i = int(np.flatnonzero(raw["unit_code"] == "06688")[0])
    assert len(shapely.get_parts(raw.geometry.values[i])) > 900
    a0, a1 = G._km2([raw.geometry.values[i]])[0], G._km2([prepared.geometry.values[i]])[0]
    assert abs(a1 - a0) <= max(G.DETAILS[detail].area_rel * a0, G.DETAILS[detail].area_abs_km2)


@pytest.mark.parametrize("vintage", VINTAGES)
@pytest.mark.parametrize("detail", DETAILS)
def test_prepared_layer_passes_every_check(raws, vintage, detail):
    raw = raws[vintage]
    prepared = G.prepared_layer(vintage, detail)
    report = G.check_layer(raw, prepared, detail)
    assert report["problems"] == []
    # The same facts, asserted one by one so a failure names the property.
    assert report["units"] == len(raw)
    assert report["invalid"] == 0 and report["empty"] == 0
    assert report["prepared"]["overlap_km2"] <= report["source"]["overlap_km2"]
    assert report["prepared"]["gap_km2"] <= report["source"]["gap_km2"]
    assert report["area_outside_tolerance"] == 0


@pytest.mark.parametrize("vintage", VINTAGES)
def test_schema_crs_and_units_unchanged(raws, vintage):
    raw = raws[vintage]
    for detail in DETAILS:
        prepared = G.prepared_layer(vintage, detail)
        assert prepared.crs.to_epsg() == 4326
        assert list(prepared.columns) == list(raw.columns)
        assert prepared["unit_code"].tolist() == raw["unit_code"].tolist()
        assert prepared["name"].tolist() == raw["name"].tolist()


def test_coarser_levels_have_fewer_vertices_and_sit_on_their_grid():
    counts = []
    for detail in ("district", "province", "national"):
        g = G.prepared_layer("42-2020", detail).geometry.values
        counts.append(int(shapely.get_num_coordinates(g).sum()))
        coords = shapely.get_coordinates(g)
        step = 10.0 ** -G.DETAILS[detail].decimals
        assert np.allclose(coords / step, np.rint(coords / step), atol=1e-6), detail
    assert counts[0] >= counts[1] > counts[2]


def test_prepared_layer_is_cached_per_process():
    a = G.prepared_layer("38-2020", "province")
    b = G.prepared_layer("38-2020", "province")
    assert a is b


def test_unknown_detail_is_refused():
    with pytest.raises(ValueError, match="detail"):
        G.prepared_layer("42-2020", "street")


def test_cleaning_removes_source_overlaps_and_slivers(raws):
    raw = raws["42-2020"]
    before = G.overlaps_and_gaps(raw.geometry.values)
    cleaned = G.clean_coverage(raw.geometry.values)
    after = G.overlaps_and_gaps(cleaned)
    assert before["overlap_km2"] > 1 and before["gaps"] > 100     # the source's known defects
    assert after["overlap_km2"] < 0.01 and after["gap_km2"] < before["gap_km2"]
    assert shapely.coverage_is_valid(cleaned)


@pytest.mark.parametrize("detail", DETAILS)
def test_national_slice_every_level(national_slice, detail):
    prepared = G.prepare(national_slice, detail)
    report = G.check_layer(national_slice, prepared, detail)
    assert report["problems"] == []
    assert report["units"] == len(national_slice) and report["empty"] == 0


def _decode(topo: dict) -> list:
    """Minimal TopoJSON decoder (delta-encoded, quantised arcs) -> shapely geometries."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = [np.cumsum(np.asarray(a, dtype=float), axis=0) * (sx, sy) + (tx, ty) for a in topo["arcs"]]

    def ring(ids):
        pts = []
        for i in ids:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a.tolist() if not pts else a[1:].tolist())
        return pts

    out = []
    for g in topo["objects"]["communes"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        out.append(shapely.MultiPolygon([shapely.Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys]))
    return out


@pytest.mark.parametrize("detail", ["province", "national"])
def test_topojson_round_trip_and_shared_arcs(detail):
    prepared = G.prepared_layer("42-2020", detail)
    text = G.topojson_text(prepared, G.DETAILS[detail].decimals)
    topo = json.loads(text)
    decoded = _decode(topo)
    assert [g["id"] for g in topo["objects"]["communes"]["geometries"]] == prepared["unit_code"].tolist()
    for got, want in zip(decoded, prepared.geometry.values):
        assert shapely.symmetric_difference(shapely.make_valid(got), want).area < 1e-9
    # Shared borders are written once: an arc used by two units is referenced once
    # forward and once reversed, and no arc is used by more than two rings.
    uses: dict = {}
    for g in topo["objects"]["communes"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        for p in polys:
            for r in p:
                for i in r:
                    uses[i if i >= 0 else ~i] = uses.get(i if i >= 0 else ~i, 0) + 1
    assert max(uses.values()) <= 2
    assert sum(1 for n in uses.values() if n == 2) > len(prepared)  # many borders are shared
    # Quantised TopoJSON is much smaller than the same layer as GeoJSON.
    geojson = G.geojson_text(prepared, ["unit_code"], G.DETAILS[detail].decimals)
    assert len(text) < 0.75 * len(geojson)


def test_layer_text_formats():
    topo = json.loads(G.layer_text("38-2020", "province", "topojson"))
    geo = json.loads(G.layer_text("38-2020", "province", "geojson"))
    assert topo["type"] == "Topology" and geo["type"] == "FeatureCollection"
    codes = G.prepared_layer("38-2020", "province")["unit_code"].tolist()
    assert [g["id"] for g in topo["objects"]["communes"]["geometries"]] == codes
    assert [f["properties"]["unit_code"] for f in geo["features"]] == codes
    assert set(topo["objects"]["communes"]["geometries"][0]["properties"]) == {"name", "district_code", "district_name"}
    with pytest.raises(ValueError, match="fmt"):
        G.layer_text("38-2020", "province", "kml")
