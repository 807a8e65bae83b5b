"""A district's view `/area` (land via ?district=): its communes' table, its map,
target and gap, a one-sentence summary. Printable (print CSS hides the chrome)."""
import streamlit as st

from ui import frame
from ui.blocks import panels, tables
from ui.frame import layout
from ui.maps import views as maps

ctx = frame.page("area.title")
ctx = panels.district_picker(ctx)
if ctx.district is None:
    st.info(ctx.t("area.pick_prompt"))
    st.stop()

mine = ctx.status()
mine = mine[mine["district_code"].astype(str) == ctx.district]
layout.illustrative_banner([mine], ctx.lang)
summary = ctx.summary(district=ctx.district)
panels.caption(ctx, summary)
panels.district_level(ctx)

left, right = st.columns([3, 2], gap="large")
with left:
    maps.commune_map(ctx, "area_map", "commune", height=480, district=ctx.district)
with right:
    maps.map_legend(ctx, "commune", district=ctx.district)
    st.subheader(ctx.t("area.target_gap"))
    panels.district_targets(ctx, summary)

st.subheader(ctx.t("area.table"))
st.dataframe(tables.communes_table(mine, ctx.dataset(), ctx.lang), hide_index=True, width="stretch")
st.caption(ctx.t("area.print_hint"))
panels.share_and_export(ctx, page="area", briefing=True)
