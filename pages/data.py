"""Data `/data`: CSV and GeoJSON downloads of what is on screen and of
everything, with a citation line (formula-safe CSV); the import panel for editors."""
import streamlit as st

from ui import data, downloads, layout, panels, state
from ui.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
panels.page_title("data.title", view)
if view.province != "all":
    downloads.render(view, illus)
downloads.render_all(view, illus)

try:  # the import developer's panel; absent → nothing for editors here
    from ui import import_panel
except ImportError:
    import_panel = None
if import_panel is not None:
    user = None
    try:
        from ui import auth
        user = auth.current_user() if hasattr(auth, "current_user") else None
    except ImportError:
        pass
    st.subheader(t("data.editors", lang))
    import_panel.render(lang, user)
    if st.session_state.pop("ntm_import_done", False):
        data.clear()
