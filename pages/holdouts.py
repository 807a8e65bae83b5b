"""Holdouts `/holdouts`: the holdout rules' result per year, this year's list,
each holdout's timeline, missing criteria where recorded, and sources."""
import streamlit as st

from ui import frame
from ui.blocks import holdouts
from ui.frame import layout

ctx = frame.page("holdouts.title")
st.write(ctx.t("holdouts.intro"))

held = holdouts.per_year(ctx)
holdouts.per_year_table(ctx, held)
now = held[ctx.year]
layout.illustrative_banner([now], ctx.lang)
holdouts.this_year(ctx, now)
holdouts.timelines(ctx, held, now)
holdouts.without_record(ctx, ctx.holdouts())
