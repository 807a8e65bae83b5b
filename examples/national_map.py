"""Example: the national map — the 11,163 communes of the 2009 census layer on one canvas,
status where a commune matches our records; click a province to drill down. The map benchmark
measures this page alone."""
import streamlit as st

from ui.frame import state
from ui.frame.context import from_url
from ui.maps import national

ctx = from_url()
st.select_slider(ctx.t("app.year"), options=list(ctx.years), value=ctx.year, key="year",
                 on_change=lambda: state.update(year=int(st.session_state["year"])))
national.render_national(ctx)
