"""NTM Atlas — the frame: page config, language, shared province/year state,
navigation, notices and the attribution footer. Pages are thin (pages/*.py)."""
import streamlit as st

st.set_page_config(page_title="NTM Atlas", page_icon="static/ntm/favicon.png", layout="wide",
                   initial_sidebar_state="auto")

from ui.frame import dbstatus, layout, state  # noqa: E402  (set_page_config must come first)
from ui.frame.i18n import LANGS, default_lang, t  # noqa: E402
from ui.maps import legend  # noqa: E402

layout.ensure_frame()   # leave Streamlit's legacy pages/ mode before any widget exists
dbstatus.begin_run()
layout.print_css(legend.page_css())

PAGES = [
    ("pages/overview.py", "overview", ":material/dashboard:", True),
    ("pages/map.py", "map", ":material/map:", False),
    ("pages/progress.py", "progress", ":material/trending_up:", False),
    ("pages/holdouts.py", "holdouts", ":material/flag:", False),
    ("pages/leadership.py", "leadership", ":material/leaderboard:", False),
    ("pages/area.py", "area", ":material/location_city:", False),
    ("pages/sources.py", "sources", ":material/menu_book:", False),
    ("pages/data.py", "data", ":material/download:", False),
]


def navigation(lang: str, **kw):
    return st.navigation([st.Page(path, title=t(f"pages.{slug}", lang), icon=icon, url_path=slug, default=default)
                          for path, slug, icon, default in PAGES], **kw)


try:
    choices = layout.choices()
except Exception as exc:  # no data yet (store not built or unreachable): say so, no traceback
    lang = st.query_params.get("lang") or default_lang()
    lang = lang if lang in LANGS else default_lang()
    navigation(lang, position="hidden")   # the pages exist (no bare pages/ listing), none runs
    dbstatus.no_data(exc, lang)
    st.stop()

view, bad = state.read_state(choices)
lang = view.lang

from ui.blocks import embed  # noqa: E402
if embed.embed_requested():   # ?embed=1: the map image, legend and source line only
    layout.notices(bad, lang)
    embed.render_embed(view, illustrative=False)
    st.stop()
layout.notices(bad, lang)
dbstatus.notice(lang)

nav = navigation(lang)
# the map page has its own year control beside the map (its body reruns alone); the leadership
# page works by reporting period, not by year
layout.sidebar(view, choices, year_control=nav.url_path not in ("map", "leadership"))
with dbstatus.guard(lang):
    nav.run()
layout.footer(state.current())
