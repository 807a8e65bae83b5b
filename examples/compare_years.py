"""Example: two years side by side (``?year=`` and ``?compare=``; default: the last year and
the first), each map with its own legend."""
import streamlit as st

from ui.frame import layout
from ui.frame.context import from_url
from ui.maps import legend
from ui.maps import views as maps

ctx = from_url()
layout.print_css(legend.page_css())   # the legend's swatches
other = ctx.compare if ctx.compare is not None else ctx.years[0]
for col, at, key in zip(st.columns(2), (ctx, ctx.at(year=other)), ("example_a", "example_b")):
    with col:
        st.subheader(str(at.year))
        maps.commune_map(at, key, "commune", height=460)
        maps.map_legend(at, "commune")
