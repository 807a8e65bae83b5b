"""Sources `/sources`: every source (title, issuer, number, date, link) — filtered to the current
province or to the figure being viewed —, the boundary attribution (VI and EN), provenance
classes and the illustrative label."""
import streamlit as st

from domain.levels import PROVENANCE
from ui import frame
from ui.blocks import panels, sources, tables
from ui.frame import data

ctx = frame.page("sources.title", national="allow")
st.write(ctx.t("sources.intro"))
ds = data.dataset(True)
shown = sources.choose(ctx, ds)
st.caption(ctx.t("sources.count", n=len(shown), total=len(ds.sources)))
st.dataframe(tables.sources_table(shown, ctx.lang), hide_index=True, width="stretch",
             column_config=tables.link_config(ctx.lang), height=min(36 * (len(shown) + 1) + 4, 720))

st.subheader(ctx.t("sources.boundaries"))
panels.boundary_attribution(ctx)

st.subheader(ctx.t("sources.provenance"))
for cls in PROVENANCE:
    st.markdown(f"- **{ctx.t('provenance.' + cls)}** — {ctx.t('provenance.' + cls + '_help')}")

st.subheader(ctx.t("sources.illustrative"))
n_illus = int((ds.status["provenance"].astype(str) == "illustrative").sum())
st.write(ctx.t("sources.illustrative_some", n=n_illus) if n_illus else ctx.t("sources.illustrative_none"))
