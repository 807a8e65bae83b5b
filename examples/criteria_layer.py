"""Example: the criteria layer — communes by the share of NTM criteria met (ninths), "no
record" hatched, with its legend."""
import streamlit as st

from ui.frame import layout
from ui.frame.context import from_url
from ui.maps import legend
from ui.maps import views as maps

ctx = from_url()
layout.print_css(legend.page_css())   # the legend's swatches
left, right = st.columns([5, 2])
with left:
    maps.commune_map(ctx, "example_criteria_layer", "criteria", height=560)
with right:
    maps.map_legend(ctx, "criteria")
