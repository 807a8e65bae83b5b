"""Overview `/`: headline caption, KPI tiles vs targets, small map, holdouts, as-of and provenance."""
import streamlit as st

from ui.frame import data, layout, state
from ui.blocks import panels

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()

panels.page_title("overview.title", view)
c1, c2 = st.columns([1, 2])
with c1:
    layout.province_picker(view, "ntm_w_province_main")
with c2:
    layout.year_picker(view, layout.choices(), "ntm_w_year_main")
if view.province == "all":
    panels.national_notice(view)
    st.stop()

tok = data.token(illus)
status = data.status(view.province, view.year, tok, illus)
counts = data.counts(view.province, view.year, tok, illus)
summary = data.summary(view.province, view.year, None, tok, illus)
layout.illustrative_banner([status], lang)

panels.caption(summary, lang, view.level)
panels.kpi_tiles(view, counts, summary)
left, right = st.columns([3, 2], gap="large")
with left:
    panels.small_map(view, illus, key="overview_map")
with right:
    panels.holdouts_callout(view, illus)
    panels.provenance_summary(view, status, counts)
panels.share_and_export(view, illus, page="", briefing=True)
