"""Progress `/progress`: counts and shares per level per year (targets as
reference lines, reported vs computed, national line where sourced), average
criteria met over time, and transitions between two years."""
import streamlit as st

from ui.blocks import charts, panels, tables
from ui.frame import data, layout, state
from ui.frame.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
ch = layout.choices()
panels.page_title("progress.title", view)
if view.province == "all":
    panels.national_notice(view)
    st.stop()

tok = data.token(illus)
series = data.progress(view.province, tuple(ch.years), tok, illus)
layout.illustrative_banner([series], lang)
if not len(series):
    st.info(t("progress.no_series", lang))
    st.stop()

areas = [view.province] + sorted(a for a in series["area_code"].astype(str).unique() if a != view.province and a != "VN")
area = st.selectbox(t("progress.area", lang), areas, key="ntm_w_prog_area",
                    format_func=lambda a: t("progress.whole_province", lang) if a == view.province else charts.area_name(a, view, illus))
targets = panels.province_targets(view, illus) if area == view.province else None

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
st.subheader(t("progress.counts", lang))
st.plotly_chart(charts.level_chart(series, area, "count", lang, targets, view), width="stretch",
                key="prog_counts", config=CONFIG)
st.subheader(t("progress.shares", lang))
st.plotly_chart(charts.level_chart(series, area, "share", lang, targets, view), width="stretch",
                key="prog_shares", config=CONFIG)
st.caption(t("progress.criteria_set_note", lang))
fig = charts.criteria_chart(series, area, lang)
if fig is not None:
    st.subheader(t("progress.criteria_avg", lang))
    st.plotly_chart(fig, width="stretch", key="prog_criteria", config=CONFIG)

st.subheader(t("progress.transitions", lang))
a, b = st.columns(2)
years = list(ch.years)
ya = a.selectbox(t("progress.year_a", lang), years, index=max(0, years.index(view.year) - 1), key="ntm_w_tr_a")
yb = b.selectbox(t("progress.year_b", lang), years, index=years.index(view.year), key="ntm_w_tr_b")
tr = data.transitions(view.province, int(ya), int(yb), tok, illus)
st.dataframe(tables.transitions_matrix(tr, lang, ya, yb), width="stretch")
changed = tables.transitions_table(tr, lang, ya, yb)
if len(changed):
    st.caption(t("progress.changed", lang, n=len(changed)))
    st.dataframe(changed, hide_index=True, width="stretch")
