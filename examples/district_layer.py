"""Example: the district layer — each district filled by its own level (district ladder;
thị xã / thành phố "completed the NTM task"), communes outlined inside, with its legend."""
import streamlit as st

from ui.frame import layout
from ui.frame.context import from_url
from ui.maps import legend
from ui.maps import views as maps

ctx = from_url()
layout.print_css(legend.page_css())   # the legend's swatches
left, right = st.columns([5, 2])
with left:
    maps.commune_map(ctx, "example_district_layer", "district", height=560)
with right:
    maps.map_legend(ctx, "district")
