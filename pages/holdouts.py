"""Holdouts `/holdouts`: the holdout rule's result per year, with each holdout's
timeline, missing criteria where recorded, and sources."""
import streamlit as st

from ui import data, detail, layout, panels, state, tables
from ui.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
panels.page_title("holdouts.title", view)
if view.province == "all":
    panels.national_notice(view)
    st.stop()

tok = data.token(illus)
st.write(t("holdouts.intro", lang))
all_h = data.holdouts(view.province, view.year, tok, illus)
h = panels.true_holdouts(all_h)
layout.illustrative_banner([h], lang)
if not len(h):
    st.info(t("holdouts.none", lang, year=view.year))
    st.stop()

st.subheader(t("holdouts.count", lang, n=len(h), year=view.year))
st.dataframe(tables.holdouts_table(h, lang), hide_index=True, use_container_width=True)

vintage = data.vintage_for(view.province, view.year)
ds = data.dataset(illus)
for r in h.drop_duplicates("unit_code").itertuples(index=False):
    code = str(r.unit_code)
    if r.admin_level != "commune":   # districts: their communes are on the district view
        continue
    with st.expander(t("holdouts.timeline", lang, name=r.name), expanded=len(h) <= 6):
        hist = data.history(code, vintage, tok, illus)
        if len(hist):
            st.dataframe(tables.history_table(hist, ds, lang), hide_index=True, use_container_width=True)
            st.html(detail.source_links(ds, hist["source_id"].astype(str).tolist() if "source_id" in hist.columns else []))

no_rec = all_h[all_h["listed_as"].astype(str) != "holdout"] if "listed_as" in all_h.columns else all_h.iloc[0:0]
if len(no_rec):
    with st.expander(t("holdouts.no_record", lang, n=len(no_rec)), expanded=False):
        st.dataframe(tables.holdouts_table(no_rec, lang), hide_index=True, use_container_width=True)
