"""What the province map sends to the browser: one quantised TopoJSON (communes with
the properties the tooltip needs, district names and label points) and a compact
status table. The client derives district polygons and the province outline from
the topology's shared arcs; here we check the topology carries what that needs."""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from test_geometry_prep import _decode
from ui.frame import data
from ui.maps import province as ntm_map

VINTAGE = "42-2020"


@pytest.fixture(scope="module")
def layers():
    return data.communes_geo(VINTAGE), data.districts_geo(VINTAGE)


@pytest.fixture(scope="module")
def topo(layers):
    communes, districts = layers
    return json.loads(ntm_map.topology_text(communes, districts, outline=True))


def test_every_commune_with_its_properties(topo, layers):
    communes, _ = layers
    geoms = topo["objects"]["communes"]["geometries"]
    assert [g["id"] for g in geoms] == communes["unit_code"].astype(str).tolist()
    for g, r in zip(geoms, communes.itertuples(index=False)):
        assert g["properties"] == {"name": r.name, "district_code": str(r.district_code),
                                   "eligible": 1 if r.unit_type == "xã" else 0}


def test_decoded_communes_match_the_prepared_layer(topo, layers):
    communes, _ = layers
    for got, want in zip(_decode(topo), communes.geometry.values):
        assert shapely.symmetric_difference(shapely.make_valid(got), want).area < 1e-9


def test_district_table_and_merged_districts(topo, layers):
    """District rows name every district once; merging its communes' polygons (what
    topojson.merge does in the browser) gives the district the page dissolves."""
    communes, districts = layers
    table = topo["ntm"]["districts"]
    assert [r[0] for r in table] == districts["unit_code"].astype(str).tolist()
    decoded = _decode(topo)
    by_code = dict(zip(districts["unit_code"].astype(str), districts.geometry.values))
    for code, name, short, lat, lng in table:
        parts = [g for g, d in zip(decoded, communes["district_code"].astype(str)) if d == code]
        merged = shapely.union_all([shapely.make_valid(g) for g in parts])
        want = by_code[code]
        assert shapely.symmetric_difference(merged, want).area < 1e-6 * want.area + 1e-9, name
        assert want.buffer(1e-4).contains(shapely.Point(lng, lat)), name   # label inside its district
        assert short and short in name or short.startswith(("TX ", "TP "))
    assert topo["ntm"]["outline"] is True


def test_district_view_holds_only_that_district(layers):
    communes, districts = layers
    code = "444"
    url = ntm_map.geometry_urls(VINTAGE, communes, districts, district=code)["topology"]
    name = url.rsplit("/", 1)[1]
    topo = json.loads((ntm_map.GENERATED / name).read_text(encoding="utf-8"))
    want = communes[communes["district_code"].astype(str) == code]["unit_code"].astype(str).tolist()
    assert [g["id"] for g in topo["objects"]["communes"]["geometries"]] == want
    assert [r[0] for r in topo["ntm"]["districts"]] == [code]
    assert topo["ntm"]["outline"] is False


def test_geometry_is_a_fraction_of_the_geojson_it_replaces(topo, layers):
    """The old payload: communes, districts and province outline as GeoJSON at 5 decimals."""
    communes, _ = layers
    text = ntm_map.topology_text(*layers, outline=True)
    old = json.dumps(ntm_map.communes_geojson(communes), ensure_ascii=False, separators=(",", ":"))
    assert len(text.encode()) < 0.5 * len(old.encode())
    assert np.isfinite(topo["transform"]["scale"]).all()
