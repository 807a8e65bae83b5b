"""Map `/map`: commune / district / criteria layers, legend beside the map,
search and zoom, click → detail panel, play through years, compare two years.

Everything that depends on the year (the year slider itself, caption, map(s),
legend, detail panel, share and export) is one fragment: a year change reruns
only that part, not the app frame (sidebar, navigation, styles, footer) or the
controls above it, so it sends little more than the map's one-line restyle
call. For the same reason the year control is on this page, beside the map,
and not in the sidebar."""
import time

import streamlit as st

from ui.frame import data, layout, state
from ui.blocks import detail, panels
from ui.maps import search as ntm_search
from ui.frame.i18n import t

PLAY_STEP_S = 1.2   # seconds per year when playing

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
ch = layout.choices()
tok = data.token(illus)
mode = "criteria" if view.level == "criteria" else ("district" if view.layer == "district" else "level")


def set_year() -> None:
    """The page's year slider. Compare mode stays on; if the new year is the
    compare year, the two swap, so the controls above stay true."""
    cur = state.current()
    year = int(st.session_state["ntm_w_year_map"])
    compare = cur.compare
    if compare is not None and compare == year:
        compare = cur.year
    state.update(year=year, compare=compare)


def play_step() -> None:
    """While playing, the fragment reruns on a timer; advance one year per step."""
    now = time.monotonic()
    if now - st.session_state.get("ntm_play_at", 0.0) < PLAY_STEP_S * 0.8:
        return   # a rerun for another reason (a click) between two steps
    st.session_state["ntm_play_at"] = now
    nxt = [y for y in ch.years if y > state.current().year]
    if nxt:
        state.update(year=nxt[0], compare=None)
    else:
        st.session_state["ntm_playing"] = False
        st.rerun()   # whole page: the fragment's timer is set when the page runs


@st.fragment(run_every=PLAY_STEP_S if st.session_state.get("ntm_playing") else None)
def year_view() -> None:
    if st.session_state.get("ntm_playing"):
        play_step()
    view = state.current()
    st.session_state["ntm_w_year_map"] = view.year
    st.select_slider(t("app.year", lang), options=list(ch.years), key="ntm_w_year_map", on_change=set_year)
    if view.province == "all":
        from ui.maps.national import render_national
        render_national(view)
        return
    year_maps(view)


def focus_level(view) -> str:
    """The level the caption speaks of (the map always shows the whole ladder)."""
    return view.level if view.level in ("standard", "advanced", "model") else "standard"


def year_maps(view) -> None:
    if mode == "level":
        panels.caption(data.summary(view.province, view.year, None, tok, illus), lang, focus_level(view))

    center = zoom = None
    if view.commune and view.commune != st.session_state.get("ntm_clicked"):
        # zoom to a searched (or linked) commune; a click on the map only selects it
        center, zoom = detail.commune_center(view, view.year), 11

    if view.compare is not None:
        maps = st.columns(2)
        shown = ((maps[0], view.year, "map_a"), (maps[1], view.compare, "map_b"))
    else:
        left, right = st.columns([5, 2], gap="medium")
        shown = ((left, view.year, "map_main"),)
    for col, year, k in shown:
        with col:
            if view.compare is not None:
                st.subheader(str(year))
            clicked = panels.commune_map(view, illus, k, year, mode, height=460 if view.compare else 600,
                                         highlight=view.commune, center=center, zoom=zoom)
            if view.compare is not None:
                panels.map_legend(view, illus, year, mode)
            if clicked and state.changed(f"click_{k}", clicked):
                st.session_state["ntm_clicked"] = clicked
                state.update(commune=clicked)
                st.rerun()
    if view.compare is None:
        with right:
            panels.map_legend(view, illus, view.year, mode)
    st.caption(t("map.click_hint", lang))

    layout.illustrative_banner([data.status(view.province, view.year, tok, illus)], lang)
    if view.commune:
        detail.panel(view, illus)
    panels.share_and_export(view, illus, page="map")


st.title(t("map.title", lang))
st.caption(t(f"provinces.{view.province}", lang))
if view.province == "all":
    panels.national_notice(view)
    year_view()
    st.stop()

# --- controls (year-independent: a change reruns the page) ---------------------------
c1, c2, c3 = st.columns([2, 2, 3])
with c1:
    layer_options = ["commune", "district", "criteria"]
    st.session_state["ntm_w_layer"] = "criteria" if mode == "criteria" else view.layer
    st.radio(t("map.layer", lang), layer_options, key="ntm_w_layer", horizontal=False,
             format_func=lambda o: t(f"map.layer_{o}", lang),
             on_change=lambda: state.update(
                 level="criteria" if st.session_state["ntm_w_layer"] == "criteria" else
                 (view.level if view.level != "criteria" else "standard"),
                 layer="district" if st.session_state["ntm_w_layer"] == "district" else "commune"))
with c2:
    playing = st.session_state.get("ntm_playing", False)
    if st.button(t("map.stop", lang) if playing else t("map.play", lang), key="ntm_play"):
        st.session_state["ntm_playing"] = not playing
        st.session_state["ntm_play_at"] = time.monotonic()
        if not playing and view.year == ch.years[-1]:
            state.update(year=ch.years[0], compare=None)
        st.rerun()   # the fragment's timer is set when the page runs
    compare_on = st.toggle(t("map.compare", lang), value=view.compare is not None, key="ntm_w_compare_on")
    if compare_on and view.compare is None:
        other = [y for y in ch.years if y != view.year]
        view = state.update(compare=other[0] if view.year == ch.years[-1] else ch.years[-1])
    elif not compare_on and view.compare is not None:
        view = state.update(compare=None)
    if view.compare is not None:
        st.session_state["ntm_w_compare"] = view.compare
        st.selectbox(t("map.compare_year", lang), list(ch.years), key="ntm_w_compare",
                     on_change=lambda: state.update(compare=int(st.session_state["ntm_w_compare"])))
with c3:
    q = st.text_input(t("map.search", lang), key="ntm_w_search", placeholder=t("map.search_placeholder", lang))
    if q:
        status_now = data.status(view.province, view.year, tok, illus)
        hits = ntm_search.search(q, status_now[["unit_code", "name", "district_name"]].to_dict("records"))
        if not hits:
            st.caption(t("map.search_none", lang, q=q))
        else:
            labels = {h["unit_code"]: f"{h['name']} — {h['district_name']}" for h in hits}
            pick = st.selectbox(t("map.search_pick", lang), list(labels), format_func=labels.get, key="ntm_w_hit")
            if pick and state.changed("search_pick", pick):
                view = state.update(commune=pick)

if mode == "level":
    st.session_state["ntm_w_focus"] = focus_level(view)
    st.segmented_control(t("map.focus", lang), ["standard", "advanced", "model"], key="ntm_w_focus",
                         format_func=lambda lv: t(f"levels.at_least_{lv}", lang),
                         on_change=lambda: state.update(level=st.session_state.get("ntm_w_focus") or "standard"))

year_view()
