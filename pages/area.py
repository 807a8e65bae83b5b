"""A district's view `/area` (land via ?district=): THE figures of its xã (tiles: the reported
figure with its source and date, else the count of records), its own level and targets with
their sources, its map, its communes (criteria met and missing when recorded), its timeline.
Printable (print CSS hides the chrome)."""
import streamlit as st

from ui import frame
from ui.blocks import area, panels
from ui.frame import layout
from ui.maps import views as maps

from ui.blocks import unitarea  # noqa: E402

ctx = frame.page(unitarea.title_key())
if ctx.two_level():   # from 1/7/2025 no district: one new commune, or a former district as history
    unitarea.render(ctx)
    st.stop()
ctx = panels.district_picker(ctx)
if ctx.district is None:
    st.info(ctx.t("area.pick_prompt"))
    st.stop()

mine = ctx.status()
mine = mine[mine["district_code"].astype(str) == ctx.district]
layout.illustrative_banner([mine], ctx.lang)
summary = ctx.summary(district=ctx.district)
panels.caption(ctx, summary)
panels.kpi_tiles(ctx, summary)

left, right = st.columns([3, 2], gap="large")
with left:
    maps.commune_map(ctx, "area_map", "commune", height=480, district=ctx.district)
with right:
    maps.map_legend(ctx, "commune", district=ctx.district)
    st.subheader(ctx.t("area.target_gap"))
    area.targets(ctx, summary)

st.subheader(ctx.t("area.table"))
area.communes(ctx, summary, mine)
st.subheader(ctx.t("area.timeline"))
area.timeline(ctx)
st.caption(ctx.t("area.print_hint"))
panels.share_and_export(ctx, page="area", briefing=True)
