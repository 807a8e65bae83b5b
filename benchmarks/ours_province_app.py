"""Harness for the dashboard's province map alone (Hà Tĩnh, commune layer), so the
benchmark compares map with map and not the page around it: the same call the
/map page makes (ui.maps.views.commune_map), with a year slider.
(benchmarks/static is a link to the app's static/ folder, so assets are local.)"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from ui.frame import data, layout  # noqa: E402
from ui.frame.context import PageContext  # noqa: E402
from ui.frame.state import ViewState  # noqa: E402
from ui.maps import views as maps  # noqa: E402

st.set_page_config(page_title="NTM Atlas — province map", layout="wide")
years = list(layout.choices().years)
year = st.select_slider("Năm", options=years, value=2024 if 2024 in years else years[-1], key="year")
ctx = PageContext(ViewState(province="42", year=year, lang="vi"), layout.choices(), False, data.token(False))
maps.commune_map(ctx, "map_main", "commune", height=600)
