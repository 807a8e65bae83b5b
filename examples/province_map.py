"""Example: the province map — the communes of a province coloured by their level in one year,
with a year slider (a year change restyles the same map, no remount). The map benchmark
measures this page alone (no dashboard around it)."""
import streamlit as st

from ui.frame import state
from ui.frame.context import from_url
from ui.maps import views as maps

ctx = from_url()
years = list(ctx.years)
st.select_slider(ctx.t("app.year"), options=years, value=ctx.year, key="year",
                 on_change=lambda: state.update(year=int(st.session_state["year"])))
clicked = maps.commune_map(ctx, "example_province", "commune", height=600)
st.caption(f"clicked: {clicked}")
