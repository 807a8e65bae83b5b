"""The maps a page shows, from its context (``ui.frame.context``): the map specification of
the view (``spec_of``), the province map with its files (``commune_map``) and its legend
(``map_legend``). The files are written once per vintage and dataset version and cached."""
from __future__ import annotations

import html

import streamlit as st

from ui.frame import data, figure, layout
from ui.frame.context import PageContext, holdout_codes
from ui.maps import legend, spec
from ui.maps import province as ntm_map


def frames(ctx: PageContext) -> spec.Frames:
    """The metrics' answers for ``ctx.year`` that the map specification reads."""
    return spec.Frames(status=ctx.status(), districts=ctx.district_status(),
                       holdouts=frozenset(ctx.holdout_codes()))


def spec_of(ctx: PageContext, layer: str, district: str | None = None) -> spec.MapSpec:
    """The specification of the ``layer`` map of ``ctx.year`` (the province, or one district)."""
    mode = spec.mode_for(layer, ctx.year, ctx.two_level())
    return spec.map_spec(mode.id, spec.Scope(ctx.province, district), ctx.year, frames(ctx))


def geometry_urls_of(vintage: str, district: str | None = None) -> dict:
    """The geometry files of a vintage's map (one district's, with ``district``): the app and
    scripts/prepare_static.py write the same files. On a two-level vintage they carry the
    units each new unit was formed from and the former districts' outlines."""
    return ntm_map.geometry_urls(vintage, data.communes_geo(vintage), data.districts_geo(vintage), district,
                                 former=ntm_map.former_units(vintage),
                                 former_districts=ntm_map.former_districts(vintage, data.districts_geo))


@st.cache_data(show_spinner=False)
def _geo_urls(vintage: str, district: str | None) -> dict:
    return geometry_urls_of(vintage, district)


@st.cache_data(show_spinner=False)
def _status_url(province: str, vintage: str, cache_key: str, illus: bool) -> str:
    """Every year drawn on this vintage, in one file the browser fetches once."""
    years = [y for y in layout.choices().years if data.vintage_for(province, y) == vintage]
    per_year = {y: data.status(province, y, cache_key, illus) for y in years}
    per_district = {y: data.district_status(province, y, cache_key, illus) for y in years}
    held = {y: holdout_codes(data.holdouts(province, y, cache_key, illus)) for y in years}
    v = next((x for x in layout.choices().vintages if x.vintage == vintage), None)
    return ntm_map.status_url(f"{province}-{vintage}-{'i' if illus else 'r'}",
                              ntm_map.status_payload(per_year, per_district, held, province,
                                                     two_level=v is not None and not v.has_districts))


def commune_map(ctx: PageContext, key: str, layer: str, height: int = 560, district: str | None = None,
                highlight: str | None = None, center=None, zoom=None):
    """The ``layer`` map (commune, district, criteria) of the province or one district in
    ``ctx.year``; returns the clicked commune code."""
    vintage = ctx.vintage()
    communes = data.communes_geo(vintage)
    if district is not None:
        communes = communes[communes["district_code"].astype(str) == district]
    m = ntm_map.base_map(ntm_map.bounds_center(communes), zoom=9 if district is None else 11)
    two = ctx.two_level()
    view = ntm_map.view(_geo_urls(vintage, district),
                        _status_url(ctx.province, vintage, ctx.cache_key, ctx.illustrative),
                        ctx.year, spec.mode_for(layer, ctx.year, two).id, ctx.lang, highlight=highlight,
                        overlays=tuple(m.id for m in spec.overlays(ctx.year, two)))
    return ntm_map.render(m, view, key=f"{key}-{vintage}-{district or 'all'}", height=height,
                          center=center, zoom=zoom)


def overlay_rows(ctx: PageContext) -> tuple:
    """(style, label, class key) of the overlays drawn over the map of ``ctx.year`` (the former
    districts on a two-level vintage, "until" the last day of the vintage they belong to)."""
    from metrics.fmt import format_day
    v = ctx.choices.vintage_of(ctx.province, ctx.year)
    if v is None:
        return ()
    ends = [p.valid_to for p in ctx.choices.vintages if p.vintage in v.predecessors and p.valid_to]
    out = []
    for m in spec.overlays(ctx.year, ctx.two_level()):
        for c in m.classes:
            out.append((c.style, ctx.t(c.label, date=format_day(max(ends)) if ends else "…"), c.key))
    return tuple(out)


def map_legend(ctx: PageContext, layer: str, district: str | None = None, with_figure: bool = True) -> None:
    """The legend of the ``layer`` map of ``ctx.year``, beside it; the commune layer's legend is
    headed by THE figure of the view's level (unless ``with_figure`` is False: the overview's
    tiles state it right above)."""
    head = legend_figure(ctx, district) if with_figure and layer == "commune" else ""
    st.html(head + legend.legend_html(spec_of(ctx, layer, district), ctx.lang, overlays=overlay_rows(ctx)))


def legend_figure(ctx: PageContext, district: str | None = None) -> str:
    """The legend's header: THE figure of the view's level (the reported one with its date and
    source), above the classes the map draws from the per-commune records."""
    figs = (ctx.summary(district=district) or {}).get("figures") or {}
    fig = figs.get(ctx.level) or next(iter(figs.values()), None)
    if fig is None:
        return ""
    return (f'<div class="ntm-legend-head" data-testid="legend-figure">{figure.header(fig, ctx.lang)}'
            f'<div class="note">{html.escape(ctx.t("map.legend_draws"))}</div></div>')
