"""Shared page furniture: the sidebar (language, province, year, illustrative
switch), parameter notices, KPI tiles, the illustrative banner, print CSS and the
attribution footer. Pages call these; they hold no data logic."""
from __future__ import annotations

import html

import streamlit as st

from ui.frame import data, state
from ui.frame.choices import build_choices, choices, commune_lineage, record_years  # noqa: F401 (re-exported)
from ui.frame.i18n import LANGS, t
from ui.frame.state import Choices, ViewState

ILLUSTRATIVE_KEY = "ntm_show_illustrative"


def show_illustrative() -> bool:
    return bool(st.session_state.get(ILLUSTRATIVE_KEY, False))


def sidebar(view: ViewState, ch: Choices, year_control: bool = True) -> None:
    lang = view.lang
    with st.sidebar:
        st.markdown(f"### {html.escape(t('app.title', lang))}")
        st.session_state["ntm_w_lang"] = view.lang
        st.segmented_control(t("app.language", lang), options=list(LANGS), key="ntm_w_lang",
                             format_func=lambda code: t(f"app.language_names.{code}", lang),
                             on_change=lambda: state.update(lang=st.session_state.get("ntm_w_lang") or view.lang))
        _province_select(view, ch, "ntm_w_province")
        if year_control:
            st.session_state["ntm_w_year"] = view.year
            st.select_slider(t("app.year", lang), options=list(ch.years), key="ntm_w_year",
                             on_change=lambda: state.change_year(int(st.session_state["ntm_w_year"]), ch))
        if data.has_illustrative():
            st.toggle(t("app.illustrative_toggle", lang), key=ILLUSTRATIVE_KEY,
                      help=t("app.illustrative_help", lang))


def _province_select(view: ViewState, ch: Choices, key: str) -> None:
    """The provinces as they were in the view's year (``Choices.provinces_in``), named so."""
    from ui.frame.structure import province_label
    lang, year = view.lang, view.year if view.year is not None else ch.default_year
    options = list(ch.provinces_in(year))
    if view.province not in options:
        options.insert(0, view.province)
    st.session_state[key] = view.province
    st.selectbox(t("app.province", lang), options=options, key=key,
                 format_func=lambda code: province_label(code, year, lang, ch),
                 on_change=lambda: state.update(province=st.session_state[key], district=None, commune=None,
                                              drill=None))


def province_picker(view: ViewState, key: str) -> None:
    """The province choice on a page itself (the sidebar is folded away on phones)."""
    _province_select(view, choices(), key)


def year_picker(view: ViewState, ch: Choices, key: str) -> None:
    """The year on a page itself, bound to the same URL state as the sidebar slider."""
    st.session_state[key] = view.year
    st.select_slider(t("app.year", view.lang), options=list(ch.years), key=key,
                     on_change=lambda: state.change_year(int(st.session_state[key]), ch))


def page_title(key: str, view: ViewState, with_year: bool = True, caption: bool = True) -> None:
    """The page's title and, under it, the province (and the year, unless the page has its own
    year control beside a map)."""
    from ui.frame.structure import province_label, structure_line
    st.title(t(key, view.lang))
    if caption:
        where = province_label(view.province, view.year, view.lang)
        st.caption(f"{where} · {t('app.year', view.lang)} {view.year}" if with_year else where)
        if with_year:
            structure_line(view.province, view.year, view.lang)


def national_notice(lang: str, year: int | None = None) -> None:
    """What the national layer of the year is (the 2009 census layer, or the 1/7/2025 units)."""
    from ui.frame.structure import national_vintage
    v = national_vintage(year) if year is not None else None
    if v is not None and not v.census_layer:
        from metrics.fmt import format_day
        st.info(t("map.national_note_today", lang, date=format_day(v.valid_from)))
    else:
        st.info(t("map.national_note", lang))


def notices(bad: list, lang: str) -> None:
    """One warning per URL parameter replaced by its default. The name and the value are the
    visitor's own text: shown literally (never Markdown: no link, image or formula is rendered)."""
    from ui.frame.safe import literal, md_escape
    from ui.frame.structure import notice_text
    for notice in bad:
        if getattr(notice, "key", None):   # a parameter that followed the year's boundaries
            st.warning(md_escape(notice_text(notice, lang)), icon=":material/info:")
            continue
        param, value = notice
        st.warning(t("app.bad_param", lang, param=literal(str(param)[:40]), value=literal(str(value)[:120])),
                   icon=":material/warning:")


def illustrative_banner(frames, lang: str) -> bool:
    """Show the "illustrative" label when any shown figure rests on illustrative rows."""
    shown = False
    for f in frames:
        if f is None or not len(f):
            continue
        for col in ("illustrative", "provenance", "weakest_provenance"):
            if col in f.columns:
                vals = f[col]
                if (vals.astype(str) == "illustrative").any() or (col == "illustrative" and vals.fillna(False).astype(bool).any()):
                    shown = True
    if shown:
        st.error(t("app.illustrative_banner", lang), icon=":material/warning:")
    return shown


def print_css(extra: str = "") -> None:
    """Browser print gives a clean page: no sidebar, toolbar or header chrome. ``extra``: CSS of
    other rooms (the legend's hatch, from the palette)."""
    st.html("<style>" + extra + """
    @media print {
      [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
      [data-testid="stDecoration"], [data-testid="stSidebarNav"], .ntm-noprint { display: none !important; }
      [data-testid="stMain"] { margin-left: 0 !important; }
      .block-container { padding-top: 0 !important; max-width: 100% !important; }
    }
    .ntm-tile { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; background: #fff; min-height: 128px; }
    .ntm-tile .lbl { font-size: 0.95rem; font-weight: 600; display: flex; align-items: center; gap: 8px; }
    .ntm-tile .big { font-size: 2rem; font-weight: 700; line-height: 1.2; margin-top: 4px; }
    .ntm-tile .sub { font-size: 0.95rem; color: #333; }
    .ntm-tile .tgt { font-size: 0.9rem; color: #444; margin-top: 4px; }
    .ntm-tile .how { font-size: 0.86rem; color: #333; margin-top: 2px; }
    .ntm-tile .note, .ntm-figure .note { font-size: 0.84rem; color: #555; margin-top: 2px; }
    .ntm-figure { font-size: 0.95rem; margin: 0.2rem 0 0.6rem 0; }
    .ntm-figure-notes { font-size: 0.88rem; color: #444; margin: -0.2rem 0 0.8rem 0; }
    .ntm-chart-key { display: flex; flex-wrap: wrap; gap: 0.2rem 1.1rem; font-size: 0.92rem; margin: -0.6rem 0 1rem 0; }
    .ntm-key-item { display: inline-flex; align-items: center; gap: 0.35rem; white-space: nowrap; }
    .ntm-tile a, .ntm-figure a { color: #1f4e8c; }
    .ntm-sw { display: inline-block; width: 16px; height: 16px; border: 1px solid #555; border-radius: 3px; flex: none; }
    .ntm-legend { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
    .ntm-legend td { padding: 4px 6px; border-bottom: 1px solid #eee; vertical-align: middle; }
    .ntm-legend-foot { font-size: 0.88rem; color: #333; margin-top: 4px; }
    .ntm-legend-sub { font-size: 0.88rem; }
    .ntm-sw.ntm-line { border: none; height: 0; margin-top: 8px; }
    .ntm-legend td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    .ntm-structure { font-size: 0.95rem; color: #333; margin: -0.4rem 0 0.6rem 0; }
    .ntm-caption { font-size: 1.15rem; line-height: 1.5; margin: 0.2rem 0 0.8rem 0; }
    .ntm-hint { font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); margin: 0; }
    @media (max-width: 640px) {
      h1 { font-size: 1.9rem !important; }
      .ntm-tile .big { font-size: 1.6rem; }
    }
    .ntm-foot { font-size: 0.85rem; color: #444; border-top: 1px solid #ddd; margin-top: 1.5rem; padding-top: 0.5rem; }
    </style>""")


def tile(label: str, big: str, sub: str, target: str, colour: str | None = None, testid: str = "") -> str:
    sw = ""
    if colour:
        sw = f'<span class="ntm-sw" style="background-color:{html.escape(colour)}"></span>'
    return (f'<div class="ntm-tile" data-testid="{html.escape(testid)}"><div class="lbl">{sw}{html.escape(label)}</div>'
            f'<div class="big">{html.escape(big)}</div><div class="sub">{html.escape(sub)}</div>'
            f'<div class="tgt">{html.escape(target)}</div></div>')


def footer(view: ViewState) -> None:
    lang = view.lang
    parts = [html.escape(t("app.boundary_note", lang))]
    try:
        if view.province != "all":
            vintage = data.vintage_for(view.province, view.year)
            meta = data.meta(vintage)
            attr = meta.get(f"attribution_{lang}") or meta.get("attribution_vi") or ""
            if attr:
                parts.append(f"{html.escape(t('app.attribution', lang))}: {html.escape(str(attr))}")
    except Exception:  # a missing meta file must not hide the page
        pass
    st.html('<div class="ntm-foot">' + "<br>".join(parts) + "</div>")


def ensure_frame() -> None:
    """Make sure a page runs inside the app.py frame.

    Streamlit treats a project with a pages/ folder as a legacy (v1) multipage
    app until some session has called st.navigation: the very first request of a
    fresh server for a deep link such as /map then runs pages/map.py on its own,
    without the frame (no URL state, no sidebar). Each page calls this first: in
    that case it switches the process to st.navigation mode and reruns, which
    goes through app.py and lands on the same page. app.py calls it too, before
    its first widget: widget ids include the page, and a first run in legacy
    mode would give the sidebar widgets ids that the next run does not reuse."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
