"""Holdouts `/holdouts`: the holdout rule's result per year, with each holdout's
timeline, missing criteria where recorded, and sources."""
import streamlit as st

from ui import data, detail, layout, panels, state, tables
from ui.i18n import t

view = state.current()
lang = view.lang
illus = layout.show_illustrative()
panels.page_title("holdouts.title", view)
if view.province == "all":
    panels.national_notice(view)
    st.stop()

tok = data.token(illus)
st.write(t("holdouts.intro", lang))
h = data.holdouts(view.province, view.year, tok, illus)
layout.illustrative_banner([h], lang)
if not len(h):
    st.info(t("holdouts.none", lang, year=view.year))
    st.stop()

st.subheader(t("holdouts.count", lang, n=len(h), year=view.year))
st.dataframe(tables.holdouts_table(h, lang), hide_index=True, use_container_width=True)

vintage = data.vintage_for(view.province, view.year)
ds = data.dataset(illus)
for r in h.itertuples(index=False):
    code = str(getattr(r, "unit_code"))
    name = getattr(r, "name", code)
    with st.expander(t("holdouts.timeline", lang, name=name), expanded=len(h) <= 6):
        hist = data.history(code, vintage, tok, illus)
        if len(hist):
            st.dataframe(tables.history_table(hist, ds, lang), hide_index=True, use_container_width=True)
            st.html(detail.source_links(ds, hist["source_id"].astype(str).tolist() if "source_id" in hist.columns else []))
