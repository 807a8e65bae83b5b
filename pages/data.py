"""Data `/data`: CSV and GeoJSON downloads of what is on screen and of
everything, with a citation line (formula-safe CSV); the import panel for editors."""
import streamlit as st

from ui import frame
from ui.blocks import downloads
from ui.editor import auth, import_panel
from ui.frame import data

ctx = frame.page("data.title", national="allow")
if not ctx.national:
    downloads.render(ctx)
downloads.render_all(ctx)

if not ctx.national:
    from ui.export.share import render_embed_snippet
    render_embed_snippet(ctx.view, ctx.lang)

st.subheader(ctx.t("data.editors"))
import_panel.render(ctx.lang, auth.current_user())
if st.session_state.pop("ntm_import_done", False) or st.session_state.pop("ntm_rollback_done", False):
    data.clear()   # the next run reads the store again
