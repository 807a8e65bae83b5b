"""Overview `/`: headline caption, KPI tiles vs targets, small map, holdouts, as-of and provenance."""
import streamlit as st

from ui import frame
from ui.blocks import panels
from ui.frame import layout

ctx = frame.page("overview.title", national="allow")
c1, c2 = st.columns([1, 2])
with c1:
    layout.province_picker(ctx.view, "ntm_w_province_main")
with c2:
    layout.year_picker(ctx.view, ctx.choices, "ntm_w_year_main")
ctx.stop_if_national()

layout.illustrative_banner([ctx.status()], ctx.lang)
panels.caption(ctx)
panels.kpi_tiles(ctx)
left, right = st.columns([3, 2], gap="large")
with left:
    panels.small_map(ctx, key="overview_map")
with right:
    panels.holdouts_callout(ctx)
    panels.provenance_summary(ctx)
panels.share_and_export(ctx, page="", briefing=True)
