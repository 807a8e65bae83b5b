"""Share a view: a link that restores it (DESIGN §3 URL contract), an iframe
snippet for embedding, and the citation line "NTM Atlas, {date}, {sources}".

The URL and text builders are pure (tested without Streamlit); only
``render_share`` and ``base_url`` touch Streamlit.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Mapping
from urllib.parse import urlencode

from domain.text import t

DEFAULT_BASE_URL = "http://localhost:8501"
URL_PARAMS = ("province", "district", "year", "level", "compare", "lang")
# a share link also keeps the view's extensions (docs/data-model.md, URL state): the map layer and
# the selected commune (its detail panel, highlight and zoom)
SHARE_PARAMS = URL_PARAMS + ("layer", "commune", "drill")

def view_params(url_state, keys=URL_PARAMS) -> dict[str, str]:
    """The URL-contract parameters of a view (``keys``), from a ``ui.state.ViewState`` (or
    anything with ``as_params()``) or a plain mapping. Empty values are dropped."""
    raw = url_state.as_params() if hasattr(url_state, "as_params") else dict(url_state or {})
    out = {}
    for key in keys:
        value = raw.get(key)
        if value not in (None, ""):
            out[key] = str(value)
    return out


def base_url() -> str:
    """The address the browser used to reach the app, else the local default."""
    try:
        import streamlit as st

        url = st.context.url  # e.g. "http://host:8501/map" (Streamlit ≥ 1.46)
    except Exception:  # no Streamlit runtime (CLI, tests)
        url = None
    if not url:
        return DEFAULT_BASE_URL
    scheme, _, rest = url.partition("://")
    prefix = (st.get_option("server.baseUrlPath") or "").strip("/")   # app served under a path
    return f"{scheme}://{rest.split('/', 1)[0]}" + (f"/{prefix}" if prefix else "")


def share_url(url_state, page: str = "map", base: str | None = None) -> str:
    """Link that reopens ``page`` with the same province/district/year/level/compare/lang, map
    layer, selected commune and the national map's drill-down."""
    base = (base or base_url()).rstrip("/")
    path = page.strip("/")
    query = urlencode(view_params(url_state, SHARE_PARAMS))
    return f"{base}/{path}?{query}" if path else f"{base}/?{query}"


def embed_url(url_state, base: str | None = None) -> str:
    """The embed view (map, legend and source line only) of the same state.

    It points at the app's root: the frame handles ``embed=1`` before any page runs.
    """
    params = view_params(url_state)
    params["embed"] = "1"
    return f"{(base or base_url()).rstrip('/')}/?{urlencode(params)}"


def embed_snippet(url_state, base: str | None = None, *, height: int = 620) -> str:
    """An ``<iframe>`` to paste into a web page; every attribute value is escaped."""
    params = view_params(url_state)
    lang = params.get("lang", "vi")
    src = html.escape(embed_url(url_state, base), quote=True)
    title = html.escape(t("share.iframe_title", lang), quote=True)
    return (f'<iframe src="{src}" title="{title}" width="100%" height="{int(height)}" '
            f'style="border:0" loading="lazy"></iframe>')


def format_date(day: dt.date, lang: str) -> str:
    """22/11/2026 in Vietnamese, 2026-11-22 (ISO, unambiguous) in English."""
    return day.strftime(t("export.date_format", lang))


def citation(sources, lang: str = "vi", day: dt.date | None = None) -> str:
    """"NTM Atlas, {date}, {sources}" — sources joined by "; ", in NFC."""
    day = day or dt.date.today()
    names = [s.strip() for s in sources if s and str(s).strip()]
    text = f"NTM Atlas, {format_date(day, lang)}, {'; '.join(names)}" if names else \
        f"NTM Atlas, {format_date(day, lang)}"
    return unicodedata.normalize("NFC", text)


def citation_sources(ds, status, lang: str = "vi") -> list[str]:
    """Compact source names of a view's status rows (decision numbers, then publishers),
    the same list the exports' source lines use — for ``citation``/``render_share``."""
    from ui.export.view import short_sources

    return short_sources(ds, status, lang)


def view_citation(ds, status, lang: str = "vi", day: dt.date | None = None) -> str:
    """THE citation of a view — the same words on /data, in the share box and in the briefing
    pack: "NTM Atlas, {date}, {the decisions and publishers of the scope's records}"."""
    return citation(citation_sources(ds, status, lang), lang, day)


def render_share(url_state, sources, lang: str = "vi", page: str = "map") -> None:
    """Streamlit block: the link (``st.code`` has a copy button) and the citation."""
    import streamlit as st

    st.caption(t("share.link", lang))
    st.code(share_url(url_state, page), language=None, wrap_lines=True)
    st.caption(t("share.cite", lang))
    st.code(sources if isinstance(sources, str) else citation(sources, lang), language=None, wrap_lines=True)


def render_embed_snippet(url_state, lang: str = "vi") -> None:
    """Streamlit block for ``/data``: the iframe snippet with a copy button."""
    import streamlit as st

    st.caption(t("share.embed", lang))
    st.code(embed_snippet(url_state), language="html", wrap_lines=True)
