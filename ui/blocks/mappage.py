"""The map page's blocks: the controls (layer, play, compare, search, focus level) and the
year view.

Everything that depends on the year (the year slider itself, caption, map(s), legend, detail
panel, share and export) is one fragment: a year change reruns only that part, not the app
frame (sidebar, navigation, styles, footer) or the controls above it, so it sends little more
than the map's one-line restyle call. For the same reason the year control is on this page,
beside the map, and not in the sidebar."""
from __future__ import annotations

import time

import streamlit as st

from domain.levels import CLASSIC_LADDER, STANDARD
from ui.blocks import detail, panels
from ui.frame import layout, state
from ui.frame.context import PageContext
from ui.maps import search as ntm_search
from ui.maps import spec
from ui.maps import views as maps

PLAY_STEP_S = 1.2                       # seconds per year when playing
FOCUS = CLASSIC_LADDER.recognised        # the caption's "at least" focus levels
LAYERS = tuple(spec.layers())           # the province map's layers, from the layer-mode registry


def layer_of(ctx: PageContext) -> str:
    """The map layer shown: the criteria layer (``level=criteria``), the district layer
    (``layer=district``) or the communes' levels (the layer modes are in ``ui.maps.spec``)."""
    return "criteria" if ctx.level == "criteria" else ("district" if ctx.layer == "district" else "commune")


def focus_level(ctx: PageContext) -> str:
    """The level the caption speaks of (the map always shows the whole ladder)."""
    return ctx.level if ctx.level in FOCUS else STANDARD


def render(ctx: PageContext) -> None:
    """The page under its title: the controls, then the year view."""
    if ctx.national:
        layout.national_notice(ctx.lang)
    else:
        ctx = controls(ctx)
    playing = bool(st.session_state.get("ntm_playing"))
    st.fragment(run_every=PLAY_STEP_S if playing else None)(year_view)(ctx)
    if ctx.national:
        st.stop()   # as the province pages on the national layer: nothing after the map


# ---- controls (year-independent: a change reruns the page) ------------------------------------

def _set_layer(ctx: PageContext) -> None:
    picked = st.session_state["ntm_w_layer"]
    state.update(level="criteria" if picked == "criteria" else (ctx.level if ctx.level != "criteria" else STANDARD),
                 layer="district" if picked == "district" else "commune")


def _play_button(ctx: PageContext) -> None:
    playing = st.session_state.get("ntm_playing", False)
    if st.button(ctx.t("map.stop") if playing else ctx.t("map.play"), key="ntm_play"):
        st.session_state["ntm_playing"] = not playing
        st.session_state["ntm_play_at"] = time.monotonic()
        if not playing and ctx.year == ctx.years[-1]:
            state.update(year=ctx.years[0], compare=None)
        st.rerun()   # the fragment's timer is set when the page runs


def _compare(ctx: PageContext) -> PageContext:
    years = ctx.years
    on = st.toggle(ctx.t("map.compare"), value=ctx.compare is not None, key="ntm_w_compare_on")
    if on and ctx.compare is None:
        other = [y for y in years if y != ctx.year]
        ctx = ctx.with_view(state.update(compare=other[0] if ctx.year == years[-1] else years[-1]))
    elif not on and ctx.compare is not None:
        ctx = ctx.with_view(state.update(compare=None))
    if ctx.compare is not None:
        st.session_state["ntm_w_compare"] = ctx.compare
        st.selectbox(ctx.t("map.compare_year"), list(years), key="ntm_w_compare",
                     on_change=lambda: state.update(compare=int(st.session_state["ntm_w_compare"])))
    return ctx


def _search(ctx: PageContext) -> PageContext:
    q = st.text_input(ctx.t("map.search"), key="ntm_w_search", placeholder=ctx.t("map.search_placeholder"))
    if not q:
        return ctx
    hits = ntm_search.search(q, ctx.status()[["unit_code", "name", "district_name"]].to_dict("records"))
    if not hits:
        st.caption(ctx.t("map.search_none", q=q))
        return ctx
    labels = {h["unit_code"]: f"{h['name']} — {h['district_name']}" for h in hits}
    pick = st.selectbox(ctx.t("map.search_pick"), list(labels), format_func=labels.get, key="ntm_w_hit")
    if pick and state.changed("search_pick", pick):
        ctx = ctx.with_view(state.update(commune=pick))
    return ctx


def controls(ctx: PageContext) -> PageContext:
    c1, c2, c3 = st.columns([2, 2, 3])
    with c1:
        st.session_state["ntm_w_layer"] = layer_of(ctx)
        st.radio(ctx.t("map.layer"), list(LAYERS), key="ntm_w_layer", horizontal=False,
                 format_func=lambda o: ctx.t(f"map.layer_{o}"), on_change=lambda: _set_layer(ctx))
    with c2:
        _play_button(ctx)
        ctx = _compare(ctx)
    with c3:
        ctx = _search(ctx)
    if layer_of(ctx) == "commune":
        st.session_state["ntm_w_focus"] = focus_level(ctx)
        st.segmented_control(ctx.t("map.focus"), list(FOCUS), key="ntm_w_focus",
                             format_func=lambda lv: ctx.t(f"levels.at_least_{lv}"),
                             on_change=lambda: state.update(level=st.session_state.get("ntm_w_focus") or STANDARD))
    return ctx


# ---- the year view (a fragment) -------------------------------------------------------------

def _set_year() -> None:
    """The page's year slider. Compare mode stays on; if the new year is the compare year,
    the two swap, so the controls above stay true."""
    cur = state.current()
    year = int(st.session_state["ntm_w_year_map"])
    compare = cur.compare
    if compare is not None and compare == year:
        compare = cur.year
    state.update(year=year, compare=compare)


def _play_step(ctx: PageContext) -> None:
    """While playing, the fragment reruns on a timer; advance one year per step."""
    now = time.monotonic()
    if now - st.session_state.get("ntm_play_at", 0.0) < PLAY_STEP_S * 0.8:
        return   # a rerun for another reason (a click) between two steps
    st.session_state["ntm_play_at"] = now
    nxt = [y for y in ctx.years if y > state.current().year]
    if nxt:
        state.update(year=nxt[0], compare=None)
    else:
        st.session_state["ntm_playing"] = False
        st.rerun()   # whole page: the fragment's timer is set when the page runs


def year_view(ctx: PageContext) -> None:
    if st.session_state.get("ntm_playing"):
        _play_step(ctx)
    ctx = ctx.refreshed()
    st.session_state["ntm_w_year_map"] = ctx.year
    st.select_slider(ctx.t("app.year"), options=list(ctx.years), key="ntm_w_year_map", on_change=_set_year)
    if ctx.national:
        from ui.maps.national import render_national
        render_national(ctx)
        return
    year_maps(ctx)


def year_maps(ctx: PageContext) -> None:
    layer = layer_of(ctx)
    if layer == "commune":
        panels.caption(ctx, level=focus_level(ctx))
    center = zoom = None
    if ctx.commune and ctx.commune != st.session_state.get("ntm_clicked"):
        # zoom to a searched (or linked) commune; a click on the map only selects it
        center, zoom = detail.commune_center(ctx), 11
    if ctx.compare is not None:
        cols = st.columns(2)
        shown = ((cols[0], ctx, "map_a"), (cols[1], ctx.at(year=ctx.compare), "map_b"))
    else:
        left, right = st.columns([5, 2], gap="medium")
        shown = ((left, ctx, "map_main"),)
    for col, at, key in shown:
        with col:
            if ctx.compare is not None:
                st.subheader(str(at.year))
            clicked = maps.commune_map(at, key, layer, height=460 if ctx.compare else 600,
                                       highlight=ctx.commune, center=center, zoom=zoom)
            if ctx.compare is not None:
                maps.map_legend(at, layer)
            if clicked and state.changed(f"click_{key}", clicked):
                st.session_state["ntm_clicked"] = clicked
                state.update(commune=clicked)
                st.rerun()
    if ctx.compare is None:
        with right:
            maps.map_legend(ctx, layer)
    st.caption(ctx.t("map.click_hint"))
    layout.illustrative_banner([ctx.status()], ctx.lang)
    if ctx.commune:
        detail.panel(ctx)
    panels.share_and_export(ctx, page="map")
