"""Data `/data`: CSV and GeoJSON downloads of what is on screen and of
everything, with a citation line (formula-safe CSV); the import panel for editors."""
import streamlit as st

from ui.frame import data, layout, state
from ui.blocks import downloads, panels
from ui.frame.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
panels.page_title("data.title", view)
if view.province != "all":
    downloads.render(view, illus)
downloads.render_all(view, illus)

if view.province != "all":
    from ui.export.share import render_embed_snippet
    render_embed_snippet(view, lang)

try:  # the import developer's panel; absent → nothing for editors here
    from ui.editor import auth, import_panel
except ImportError:
    import_panel = None
if import_panel is not None:
    st.subheader(t("data.editors", lang))
    import_panel.render(lang, auth.current_user())
    if st.session_state.pop("ntm_import_done", False) or st.session_state.pop("ntm_rollback_done", False):
        data.clear()   # the next run reads the store again
