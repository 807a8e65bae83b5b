"""Holdouts `/holdouts`: the holdout rules' result per year, this year's list (each unit once,
with every rule it meets), each holdout's timeline, and the units without a record."""
import streamlit as st

from ui import frame
from ui.blocks import holdouts
from ui.frame import layout

ctx = frame.page("holdouts.title")
st.write(ctx.t("holdouts.intro"))

summary = ctx.summary()
holdouts.headline(ctx, summary)
held = holdouts.per_year(ctx)
holdouts.per_year_table(ctx, held)
layout.illustrative_banner([held[ctx.year]], ctx.lang)
now = holdouts.this_year(ctx, summary)
holdouts.timelines(ctx, held, now)
holdouts.without_record(ctx, summary)
