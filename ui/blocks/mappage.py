"""The map page's blocks: the controls (layer, play, compare, search, focus level) and the
year view.

Everything that depends on the year (the year slider itself, caption, map(s), legend, detail
panel) is one fragment: a year change reruns only that part, not the app frame (sidebar,
navigation, styles, footer) or the controls above it, so it sends little more than the map's
one-line restyle call. For the same reason the year control is on this page, beside the map,
and not in the sidebar. Streamlit re-sends every element of the fragment on each of its runs,
changed or not (each costs its content and ~0.12 kB of framing), so what does not depend on the
year stays out of it (the folded share panel, drawn after it) and the text above the map is
one element."""
from __future__ import annotations

import html
import time

import streamlit as st

from domain.levels import STANDARD, criteria_set_for_year
from ui.blocks import detail, panels
from ui.frame import layout, state, structure
from ui.frame.context import PageContext
from ui.maps import search as ntm_search
from ui.maps import spec
from ui.maps import views as maps

PLAY_STEP_S = 1.2                       # seconds per year when playing
LAYERS = tuple(spec.layers())           # the province map's layers, from the layer-mode registry


def layer_of(ctx: PageContext) -> str:
    """The map layer shown: the criteria layer (``level=criteria``), the district layer
    (``layer=district``, not on a two-level vintage) or the communes' levels (the layer modes
    are in ``ui.maps.spec``)."""
    if ctx.level == "criteria":
        return "criteria"
    return "district" if ctx.layer == "district" and "district" in layers_of(ctx) else "commune"


def layers_of(ctx: PageContext) -> list[str]:
    """The layers the registry draws for the view's year on its vintage (no district layer from
    1/7/2025)."""
    return [lay for lay in LAYERS if lay in spec.layers(year=ctx.year, two_level=ctx.two_level())]


def focus_levels(ctx: PageContext) -> tuple[str, ...]:
    """The caption's "at least" focus levels: the recognised levels of the ladder in force in the
    view's year (standard, advanced, model until 2025; standard, modern from 2026)."""
    return criteria_set_for_year(ctx.year).ladder.recognised


def focus_level(ctx: PageContext) -> str:
    """The level the caption speaks of (the map always shows the whole ladder)."""
    return ctx.level if ctx.level in focus_levels(ctx) else STANDARD


def render(ctx: PageContext) -> None:
    """The page under its title: the controls, then the year view."""
    if not ctx.national:
        ctx = controls(ctx)
    playing = bool(st.session_state.get("ntm_playing"))
    st.fragment(run_every=PLAY_STEP_S if playing else None)(year_view)(ctx)
    if ctx.national:
        st.stop()   # as the province pages on the national layer: nothing after the map
    # Folded, it does not depend on the year: after the fragment, not re-sent with each year
    # change; open, a change of the view in the fragment reruns the page (``year_view``). The
    # national map's is in the fragment: a drill-down on the map changes its link there.
    panels.share_and_export(ctx.refreshed(), page="map")


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
            state.change_year(ctx.years[0], ctx.choices)
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
    rows = ntm_search.search_rows(ctx.status()[["unit_code", "name", "district_name"]].to_dict("records"),
                                  ctx.choices, ctx.province, ctx.year)
    hits = ntm_search.search(q, rows)
    if not hits:
        st.caption(ctx.t("map.search_none", q=q))
        return ctx
    labels = [ntm_search.hit_label(h, ctx.lang) for h in hits]
    i = st.selectbox(ctx.t("map.search_pick"), list(range(len(hits))), format_func=labels.__getitem__, key="ntm_w_hit")
    pick = hits[i]["unit_code"] if i is not None else None
    if pick and state.changed("search_pick", (q, i)):
        ctx = ctx.with_view(state.update(commune=pick))
    return ctx


def controls(ctx: PageContext) -> PageContext:
    c1, c2, c3 = st.columns([2, 2, 3])
    with c1:
        st.session_state["ntm_w_layer"] = layer_of(ctx)
        st.radio(ctx.t("map.layer"), layers_of(ctx), key="ntm_w_layer", horizontal=False,
                 format_func=lambda o: ctx.t(f"map.layer_{o}"), on_change=lambda: _set_layer(ctx))
    with c2:
        _play_button(ctx)
        ctx = _compare(ctx)
    with c3:
        ctx = _search(ctx)
    return ctx


def _focus(ctx: PageContext) -> None:
    """The caption's focus level, among the levels of the year's ladder (in the year view: a
    year of another criteria set changes the choice without rerunning the page)."""
    st.session_state["ntm_w_focus"] = focus_level(ctx)
    st.segmented_control(ctx.t("map.focus"), list(focus_levels(ctx)), key="ntm_w_focus",
                         format_func=lambda lv: ctx.t(f"levels.at_least_{lv}"),
                         on_change=lambda: state.update(level=st.session_state.get("ntm_w_focus") or STANDARD))


# ---- the year view (a fragment) -------------------------------------------------------------

FULL_RERUN = "ntm_year_full_rerun"


def _set_year(choices) -> None:
    """The page's year slider. Compare mode stays on; if the new year is the compare year,
    the two swap, so the controls above stay true. A year on other boundaries (across
    1/7/2025) follows the selected commune to its successor (``state.change_year``) and reruns
    the whole page once: the province list and the layer choice depend on the boundaries."""
    cur = state.current()
    year = int(st.session_state["ntm_w_year_map"])
    compare = cur.compare
    if compare is not None and compare == year:
        compare = cur.year
    before = choices.vintage_of(cur.province, cur.year) if cur.year is not None else None
    view = state.change_year(year, choices, compare=compare)
    after = choices.vintage_of(view.province, view.year)
    if before is not None and after is not None and before.vintage != after.vintage:
        st.session_state[FULL_RERUN] = True
    layers = choices.national_layers
    if view.province == state.NATIONAL and cur.year is not None and layers.get(cur.year) != layers.get(year):
        st.session_state[FULL_RERUN] = True   # the province label names the national layer


def _play_step(ctx: PageContext) -> None:
    """While playing, the fragment reruns on a timer; advance one year per step."""
    now = time.monotonic()
    if now - st.session_state.get("ntm_play_at", 0.0) < PLAY_STEP_S * 0.8:
        return   # a rerun for another reason (a click) between two steps
    st.session_state["ntm_play_at"] = now
    nxt = [y for y in ctx.years if y > state.current().year]
    if nxt:
        state.change_year(nxt[0], ctx.choices)
    else:
        st.session_state["ntm_playing"] = False
        st.rerun()   # whole page: the fragment's timer is set when the page runs


def year_view(ctx: PageContext) -> None:
    """The fragment; ``ctx`` is the page run's context (the fragment's own runs get the same)."""
    if st.session_state.get("ntm_playing"):
        _play_step(ctx)
    if st.session_state.pop(FULL_RERUN, False) and not st.session_state.get("ntm_playing"):
        st.rerun(scope="app")
    fresh = ctx.refreshed()
    if not ctx.national and fresh.view != ctx.view and panels.share_open("map"):
        st.rerun(scope="app")   # the open share panel, drawn after the fragment, follows the view
    ctx = fresh
    st.session_state["ntm_w_year_map"] = ctx.year
    st.select_slider(ctx.t("app.year"), options=list(ctx.years), key="ntm_w_year_map", on_change=_set_year,
                     args=(ctx.choices,))
    if ctx.national:
        from ui.maps.national import render_national
        structure.structure_line(ctx.province, ctx.year, ctx.lang)
        structure.move_notice(ctx.lang)
        if not ctx.two_level():   # the 2009 census layer says what it is; the 1/7/2025 layer's line is above
            layout.national_notice(ctx.lang, ctx.year)
        render_national(ctx)
        panels.share_and_export(ctx.refreshed(), page="map")   # the link keeps the drill-down
        return
    structure.move_notice(ctx.lang)
    year_maps(ctx)


def year_maps(ctx: PageContext) -> None:
    layer = layer_of(ctx)
    text = [structure.structure_html(ctx.province, ctx.year, ctx.lang)]
    if layer == "commune":
        _focus(ctx)
        text.append(panels.caption_html(ctx, level=focus_level(ctx)))
    # the boundaries, the caption and the click hint above the map: one element, not three
    text.append(f'<p class="ntm-hint">{html.escape(ctx.t("map.click_hint"))}</p>')
    st.html("".join(text))
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
    layout.illustrative_banner([ctx.status()], ctx.lang)
    if ctx.commune:
        detail.panel(ctx)
