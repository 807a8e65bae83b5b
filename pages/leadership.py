"""Leadership `/leadership`: the leadership-effectiveness index per locality (7/9/2014
conclusions) with its components, rank, change and sensitivity to the weights; a locality's card;
who reported on time (13/3/2023: monthly before the 20th); the obligations and their sources.
Period, weights and the open card live in the URL."""
import streamlit as st

from ui import frame
from ui.blocks import leadership_view as lv

ctx = frame.page("leadership.title", caption="province")
lv.css()
st.write(ctx.t("leadership.intro"))
L = ctx.leadership()
period = lv.choose_period(ctx, L)
if period is None:      # no data yet, or no boundary register for the period (said above)
    lv.register(ctx, L)
    st.stop()
weights = lv.choose_weights(ctx)
result = lv.index_result(ctx, L, period, weights)
lv.banner(ctx, result)
lv.method(ctx, result)
lv.index_map(ctx, L, result)
lv.ranking(ctx, result)
lv.sensitivity(ctx, result)
lv.download(ctx, L, period)
lv.card(ctx, L, result)
lv.compliance(ctx, L, period)
lv.register(ctx, L)
lv.province_totals(ctx)
