"""The naive baseline of DESIGN §4: `st_folium(gdf.explore(column=...))` on the raw
layer, as a newcomer would write it. `?layer=province` (Hà Tĩnh 42-2020, 216
communes), `?layer=national` (vn_adm3_2009, 11,163 communes), or any other layer by
its id: a province vintage (`42-2025`, `15-2025`, …) or a national layer (`vn-2025`,
the 3,321 units of 1/7/2025). `?year=` picks the year shown first.

Two changes only, so it can run at all offline: Leaflet comes from the app's
static folder instead of a CDN (benchmarks/static links to it) and the branca
legend (d3 from a CDN) is off. Everything else is explore()'s default output.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from domain.years import current_year  # noqa: E402
from loaders import geometry as G  # noqa: E402

st.set_page_config(page_title="baseline", layout="wide")
ALIASES = {"province": "42-2020", "national": G.NATIONAL}
layer = ALIASES.get(st.query_params.get("layer", "province"), st.query_params.get("layer", "province"))
years = list(range(2010, current_year() + 1))
first = int(st.query_params.get("year", 2024))
year = st.select_slider("Year", options=years, value=first if first in years else 2024, key="year")


@st.cache_resource
def raw(layer):
    return gpd.read_parquet(G.source_path(layer))


@st.cache_resource
def levels(layer):
    """Status per year as a plain column per year (unit_code -> level): the layer's province,
    or on a national layer every province we carry (each year on its own vintage)."""
    from loaders.boundaries import national_layers
    from loaders.dataset import load_dataset
    from metrics.status import status_as_of
    ds = load_dataset()
    v = ds.vintages
    provinces = sorted(set(v["province_code"].astype(str))) if layer in national_layers() else \
        sorted(set(v.loc[v["vintage"].astype(str) == layer, "province_code"].astype(str)))
    out = {}
    for y in years:
        out[y] = {}
        for p in provinces:
            try:
                s = status_as_of(ds, p, y)
                out[y].update(zip(s["unit_code"].astype(str), s["level"].astype(str)))
            except Exception:
                pass
    return out


gdf = raw(layer).copy()
code = gdf["gso_code_2019"] if layer == G.NATIONAL else gdf["unit_code"]
gdf["level"] = code.astype(str).map(levels(layer)[year]).fillna("unknown")
m = gdf.explore(column="level", legend=False)
m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
st_folium(m, height=640, width=None)  # None: the container's width
