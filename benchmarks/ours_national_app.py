"""Harness for the national map alone (benchmarks and the browser test):
`streamlit run benchmarks/ours_national_app.py` — the same renderer the /map page
calls with province=all, without the rest of the dashboard around it.
(benchmarks/static is a link to the app's static/ folder, so assets are local.)"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from ui.maps import national as national_map  # noqa: E402

st.set_page_config(page_title="NTM Atlas — national map", layout="wide")
lang = st.query_params.get("lang", "vi")
years = list(range(2010, 2026))
year = st.select_slider("Năm" if lang == "vi" else "Year", options=years, value=2024, key="year")
national_map.render(lang, year, years=years)
