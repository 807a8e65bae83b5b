"""Embed mode (``?embed=1``): the map, its legend and its source line, nothing else.

The app frame calls ``embed_requested()`` early and, when true, ``render_embed``
instead of the navigation (``st.query_params`` cannot be used: Streamlit hides
its reserved ``embed`` key from it): the sidebar, header, toolbar and footer are hidden and the
static map image (the same renderer as the PNG download, so it needs no script
or tile from anywhere) is shown with its source line as selectable text.
"""

from __future__ import annotations

EMBED_VALUES = ("1", "true", "yes")

# Streamlit's own chrome, by test id (stable across 1.4x–1.6x releases).
EMBED_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], footer, #MainMenu
{ display: none !important; }
[data-testid="stMainBlockContainer"], .block-container
{ padding: 0.5rem 0.75rem !important; max-width: 100% !important; }
</style>
"""


def is_embed(params) -> bool:
    """True when the query parameters ask for embed mode (``embed=1``)."""
    try:
        value = params.get("embed")
    except AttributeError:
        return False
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return str(value or "").strip().lower() in EMBED_VALUES


def embed_requested() -> bool:
    """True when the browser's URL has ``embed=1``.

    Streamlit reserves the ``embed`` parameter (its own iframe mode) and hides
    it from ``st.query_params``, so read the raw query string of this run.
    """
    from urllib.parse import parse_qs

    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    query = getattr(ctx, "query_string", "") if ctx is not None else ""
    return is_embed(parse_qs(query or ""))


def hide_chrome() -> None:
    import streamlit as st

    st.html(EMBED_CSS)


def render_embed(state, ds=None, *, illustrative: bool = False) -> None:
    """Draw the embed view for a ``ui.state.ViewState`` (or a params mapping)."""
    import streamlit as st

    from ui.export.share import view_params

    hide_chrome()
    p = view_params(state)
    province, lang = p.get("province", "42"), p.get("lang", "vi")
    year = int(p["year"]) if "year" in p else None
    png, source_line = _embed_png(province, year, p.get("district"), p.get("level", "standard"),
                                  lang, bool(illustrative))
    st.image(png, width="stretch", caption=None)
    # Decision numbers and titles come from imports: HTML-escaped text, never Markdown.
    import html as _html
    st.html(f'<p data-testid="ntm-source-line" style="font-size:0.875rem;color:rgba(49,51,63,0.6);margin:0">'
            f'{_html.escape(source_line)}</p>')


def _embed_png(province, year, district, level, lang, illustrative):
    import streamlit as st

    @st.cache_data(show_spinner=False, max_entries=64)
    def build(province, year, district, level, lang, illustrative):
        from ui.export.build import build_map_image, dataset_for

        ds = dataset_for(illustrative)
        data, view = build_map_image(ds, province, year, district, level=level, lang=lang,
                                     fmt="png", dpi=110, with_view=True,
                                     with_source=False)
        return data, view.source_line

    return build(province, year, district, level, lang, illustrative)
