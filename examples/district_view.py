"""Example: one district's communes (the /area page's map), its legend counting only them;
``?district=`` picks the district (default: the province's first)."""
import streamlit as st

from ui.frame import layout
from ui.frame.context import from_url
from ui.maps import legend
from ui.maps import views as maps

ctx = from_url()
layout.print_css(legend.page_css())   # the legend's swatches
district = ctx.district or ctx.choices.districts.get(ctx.province, (None,))[0]
left, right = st.columns([3, 2])
with left:
    maps.commune_map(ctx, "example_district_view", "commune", height=480, district=district)
with right:
    maps.map_legend(ctx, "commune", district=district)
