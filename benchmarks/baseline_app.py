"""The naive baseline of DESIGN §4: `st_folium(gdf.explore(column=...))` on the raw
layer, as a newcomer would write it. `?layer=province` (Hà Tĩnh 42-2020, 216
communes) or `?layer=national` (vn_adm3_2009, 11,163 communes).

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

from loaders import geometry as G  # noqa: E402

st.set_page_config(page_title="baseline", layout="wide")
layer = st.query_params.get("layer", "province")
years = list(range(2010, 2026))
year = st.select_slider("Year", options=years, value=2024, key="year")


@st.cache_resource
def raw(layer):
    if layer == "national":
        return gpd.read_parquet(G.source_path(G.NATIONAL))
    return gpd.read_parquet(G.source_path("42-2020"))


@st.cache_resource
def levels(layer):
    """Status per year as a plain column per year (unit_code -> level)."""
    from loaders.dataset import load_dataset
    from metrics.status import status_as_of
    ds = load_dataset()
    out = {}
    for y in years:
        try:
            s = status_as_of(ds, "42", y)
            out[y] = dict(zip(s["unit_code"].astype(str), s["level"].astype(str)))
        except Exception:
            out[y] = {}
    return out


gdf = raw(layer).copy()
code = gdf["gso_code_2019"] if layer == "national" else gdf["unit_code"]
gdf["level"] = code.astype(str).map(levels(layer)[year]).fillna("unknown")
m = gdf.explore(column="level", legend=False)
m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
st_folium(m, height=640, width=None)  # None: the container's width
