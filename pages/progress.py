"""Progress `/progress`: counts and shares per level per year (targets as
reference lines, reported vs computed, national line where sourced), average
criteria met over time, and transitions between two years."""
import streamlit as st

from ui import frame
from ui.blocks import charts
from ui.frame import layout

ctx = frame.page("progress.title")
series = ctx.progress()
layout.illustrative_banner([series], ctx.lang)
if not len(series):
    st.info(ctx.t("progress.no_series"))
    st.stop()

area = charts.area_picker(ctx, series)
charts.level_charts(ctx, series, area)
charts.transitions(ctx)
