"""Sources `/sources`: every source (title, issuer, number, date, link), the
boundary attribution (VI and EN), provenance classes and the illustrative label."""
import streamlit as st

from ui.frame import data, layout, state
from ui.blocks import panels, tables
from ui.frame.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
panels.page_title("sources.title", view)
st.write(t("sources.intro", lang))
ds = data.dataset(True)
st.dataframe(tables.sources_table(ds.sources, lang), hide_index=True, width="stretch",
             column_config=tables.link_config(lang), height=min(36 * (len(ds.sources) + 1) + 4, 720))

st.subheader(t("sources.boundaries", lang))
panels.boundary_attribution(view)

st.subheader(t("sources.provenance", lang))
for cls in ("official", "reported", "derived", "illustrative"):
    st.markdown(f"- **{t('provenance.' + cls, lang)}** — {t('provenance.' + cls + '_help', lang)}")

st.subheader(t("sources.illustrative", lang))
n_illus = int((ds.status["provenance"].astype(str) == "illustrative").sum())
st.write(t("sources.illustrative_some", lang, n=n_illus) if n_illus else t("sources.illustrative_none", lang))
