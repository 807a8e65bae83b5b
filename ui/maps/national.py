"""The national commune map (`/map?province=all`): every commune-level unit of the country,
status where a unit matches our records, neutral elsewhere ("no data in NTM Atlas").

Two national layers (geodata/national/meta.json): before 2025 the 11,163 communes of the 2009
census layer (`vn-2009`, labelled as such); from 2025 the 3,321 units of the 34 provinces of
1/7/2025 (`vn-2025`, no district level). A year is drawn on the layer valid on its 31 December
(``loaders.boundaries.national_layer_for``).

Technique (chosen by measurement, see docs/performance.md): quantised TopoJSON
(shared borders written once; province borders from the same arcs) fetched from Streamlit's
static serving, drawn by Leaflet on one canvas (`preferCanvas`), in the map frame as the
province map (``ui.maps.base``): the map is kept, a year or language change sends only the view
for `NtmNational.show(map, view)` (a year on the other layer names that layer's file, fetched
once). Click a unit: the client drills down to its province at province detail, and the page
keeps that province in the URL (``drill``), so a link opens drilled down; the map's back button
drills up and clears it.

Files under static/national/data/ are content-addressed and written once per
process (and reused by later processes); scripts/prepare_static.py writes them at set-up.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.levels import PROVENANCE
from loaders import geometry as G
from loaders.paths import STATIC_DIR
from ui.frame.i18n import t
from ui.maps import base, spec

DATA_DIR = STATIC_DIR / "national" / "data"
CENTER = (16.0, 106.0)
CLIENT = "NtmNational"
LAYER = "national"                 # the map layer (ui.maps.spec) the national modes answer
MODE = "national"                  # the mode of the 2009 census layer (years before 2025)


def layer_for(year: int) -> str:
    """The national layer ``year`` is drawn on (vn-2009 before 2025, vn-2025 from it)."""
    from loaders.boundaries import national_layer_for
    return national_layer_for(int(year))


def two_level(layer: str) -> bool:
    from loaders.boundaries import national_layers
    return not bool((national_layers().get(layer) or {}).get("district_level", True))


def modes_of(layer: str) -> list:
    """The national layer modes that draw on ``layer``'s structure (one per ladder)."""
    tl = two_level(layer)
    return [m for m in spec.modes([spec.NATIONAL])
            if m.structure is None or (m.structure == spec.TWO_LEVEL) == tl]


def mode_for(year: int):
    return spec.mode_for(LAYER, year, two_level(layer_for(year)))


def text(key: str, lang: str) -> str:
    return t(f"national.{key}", lang)


def _write_once(stem: str, body: str) -> str:
    """static/national/data/<stem>-<hash>.json, written atomically once; returns its URL."""
    return base.write_once(DATA_DIR, "national/data", stem, body)


# ---- geometry files ------------------------------------------------------------------

def _lookups(gdf) -> tuple[dict, list]:
    """District/province lookup tables (names once, not per commune) and each
    commune's district index. A layer without districts (1/7/2025) has one entry per
    province with an empty district name (the client draws province borders from it)."""
    provinces = gdf[["province_code", "province_name"]].drop_duplicates("province_code")
    p_index = {c: i for i, c in enumerate(provinces["province_code"])}
    dcode = gdf["district_code"].astype(object).where(gdf["district_code"].notna(), "")
    dname = gdf["district_name"].astype(object).where(gdf["district_name"].notna(), "")
    keys = list(zip(gdf["province_code"], dcode, dname))
    d_index: dict = {}
    districts = []
    for p, d, n in keys:
        if (p, d) not in d_index:
            d_index[(p, d)] = len(districts)
            districts.append([str(n), p_index[p]])
    meta = {"provinces": [[str(c), str(n)] for c, n in zip(provinces["province_code"], provinces["province_name"])],
            "districts": districts}
    d_of = [d_index[(p, d)] for p, d, _ in keys]
    return meta, d_of


def layer_topojson(gdf, detail: str) -> str:
    """Compact TopoJSON of a commune layer. Per-unit attributes travel as parallel
    arrays in the foreign member `ntm` (codes, names, district index; district and
    province names once each) instead of per-geometry `id`/`properties` objects:
    about 300 kB less for the national layer. The client re-attaches them by index."""
    meta, d_of = _lookups(gdf)
    meta.update(codes=gdf["unit_code"].astype(str).tolist(), names=gdf["name"].astype(str).tolist(), d=d_of)
    return G.topojson_text(gdf, G.DETAILS[detail].decimals, extra={"ntm": meta}, with_ids=False)


def geometry_urls(layer: str = G.NATIONAL) -> dict:
    """URLs of a national layer (national detail) and of each of its provinces at province
    detail. Builds the prepared layers on first use (minutes for the national cleaning step,
    then cached on disk; scripts/prepare_static.py does it at set-up)."""
    nat = G.prepared_layer(layer, "national")
    prov = G.prepared_layer(layer, "province")
    urls = {"national": _write_once(f"{layer}-national", layer_topojson(nat, "national")), "provinces": {}}
    for code, part in prov.groupby("province_code", sort=True):
        urls["provinces"][str(code)] = _write_once(f"{layer}-p{code}", layer_topojson(part, "province"))
    return urls


# ---- status on the 2009 layer ------------------------------------------------------------

def _census_links(vintage: str) -> dict:
    """unit code of a vintage -> census 2009 commune ids it is made of (the vintage
    layers carry them: src_census2009_id(s) or census_commune_id)."""
    raw = G.raw_layer(vintage)
    col = next((c for c in ("src_census2009_ids", "src_census2009_id", "census_commune_id") if c in raw), None)
    if col is None:
        return {}
    out = {}
    for code, ids in zip(raw["unit_code"].astype(str), raw[col]):
        if ids is None or (not isinstance(ids, str) and pd.isna(ids)):
            continue
        out[code] = [str(int(float(i))) for i in str(ids).split(";") if i.strip()]
    return out


def _layer_vintage(layer: str):
    """A national layer's description as a ``domain.vintages.Vintage`` (dates, counts)."""
    from domain.vintages import vintage_from
    from loaders.boundaries import national_layers
    return vintage_from({"vintage": layer, "province_code": "VN", **(national_layers().get(layer) or {})})


def _links(layer: str, vintage: str, vintage_meta) -> dict:
    """unit code of a vintage -> the national layer's unit codes it is drawn on: the census 2009
    communes it is made of on the 2009 layer; the same code on a layer of the same date (the
    1/7/2025 vintages and vn-2025 are the same units)."""
    if layer == G.NATIONAL:
        return _census_links(vintage)
    if vintage_meta is not None and _layer_vintage(layer).valid_from == vintage_meta.valid_from:
        codes = set(G.raw_layer(layer)["unit_code"].astype(str))
        return {c: [c] for c in G.raw_layer(vintage)["unit_code"].astype(str) if c in codes}
    return {}


def national_status(ds, years, provinces=None, layer: str = G.NATIONAL) -> dict:
    """{"years": [...], "units": compact table (``base.compact_table``) of [class per national
    mode of the layer…, provenance]}.

    Each province with records is resolved by metrics.status.status_as_of on the
    vintage valid in that year; each unit of that vintage is then drawn on the units of the
    national layer it is made of (the 2009 census communes the boundary layers name; the same
    unit on the 1/7/2025 layer), so after the 2020 mergers a 2009 commune shows the status of
    the unit it became part of. The classes are the national layer modes' (``spec``); units
    without one (no record) stay out of the file and are drawn as the missing class ("no data
    in NTM Atlas")."""
    from domain.vintages import vintages_from
    from metrics.status import status_as_of

    if layer == G.NATIONAL:
        nat = G.raw_layer(G.NATIONAL)
        by_census = dict(zip(nat["census_commune_id"].astype(str), nat["unit_code"].astype(str)))
    else:
        by_census = None
    vmeta = {v.vintage: v for v in vintages_from(ds.vintages.to_dict("records"))}
    if provinces is None:
        units = ds.units
        provinces = sorted(set(units.loc[units["admin_level"].astype(str) == "province", "unit_code"].astype(str)))
    modes = modes_of(layer)
    links: dict = {}
    out: dict = {}
    for p in provinces:
        for year in years:
            try:
                frame = status_as_of(ds, p, int(year))
            except Exception:  # no boundaries or records for that province/year
                continue
            vintage = str(frame.attrs.get("vintage"))
            if vintage not in links:
                links[vintage] = _links(layer, vintage, vmeta.get(vintage))
            if not links[vintage]:
                continue
            fits = [m.fits(int(year), two_level(layer)) for m in modes]
            for r in frame.itertuples(index=False):
                level = str(r.level) if bool(getattr(r, "eligible", True)) else "not_applicable"
                row = [m.classify({"level": level}) if ok else None for m, ok in zip(modes, fits)]
                if all(c in (None, spec.NO_DATA) for c in row):
                    continue
                prov = None if pd.isna(r.provenance) else str(r.provenance)
                for cid in links[vintage].get(str(r.unit_code), []):
                    code = by_census.get(cid) if by_census is not None else cid
                    if code is not None:
                        out.setdefault(code, {})[int(year)] = row + [prov]
    years = [int(y) for y in years]
    return {"years": years, "units": base.compact_table(out, years, [m.id for m in modes] + ["provenance"])}


def status_url(ds, years, layer: str = G.NATIONAL) -> str:
    return _write_once(f"{layer}-status", base.compact_json(national_status(ds, years, layer=layer)))


# ---- the map --------------------------------------------------------------------------------

def base_map() -> dict:
    """The map's fixed part (same for every year and language): the canvas renderer."""
    return base.map_args(CENTER, 5, canvas=True)


def legend_rows(lang: str, mode_id: str = MODE) -> list[dict]:
    """A national layer mode's classes, in legend order, with their label and style."""
    return [{"key": c.key, "label": t(c.label, lang), **c.style.as_json()} for c in spec.mode(mode_id).classes]


def view(geo: dict, status: str, year: int, lang: str, layer: str = G.NATIONAL,
         drill: str | None = None) -> dict:
    mode = mode_for(year)
    title = text("title", lang) if layer == G.NATIONAL else title_today(layer, lang)
    labels = {k: text(k, lang) for k in ("code", "back", "hint")}
    labels.update({"title": title, "level": t("map.tip.level", lang), "provenance": t("map.tip.provenance", lang),
                   "year": t("app.year", lang), "subtitle": t(mode.subtitle, lang, **dict(mode.subtitle_params))
                   if mode.subtitle else "", "legend_title": t(mode.title, lang, year=int(year)),
                   "provenances": {k: t(f"provenance.{k}", lang) for k in PROVENANCE}})
    opts = {"geo": geo["national"], "provinces": geo["provinces"], "status": status, "year": int(year),
            "lang": lang, "labels": labels, "mode": spec.client_modes([mode.id])[mode.id],
            "legend": legend_rows(lang, mode.id), "layer": layer, "drill": drill}
    return opts


def title_today(layer: str, lang: str) -> str:
    from loaders.boundaries import national_layers
    from metrics.fmt import format_day, format_number
    v = _layer_vintage(layer)
    n_prov = int((national_layers().get(layer) or {}).get("n_provinces") or 0)
    return text("title_today", lang).format(date=format_day(v.valid_from), n=format_number(v.n_communes, lang),
                                            p=format_number(n_prov, lang))


def caption_text(layer: str, lang: str, provinces: str) -> str:
    if layer == G.NATIONAL:
        return text("caption", lang)
    from metrics.fmt import format_day
    return text("caption_today", lang).format(provinces=provinces, date=format_day(_layer_vintage(layer).valid_from))


def render(lang: str, year: int, ds=None, years=None, key: str = "ntm_national", height: int = 640,
           provinces: str = "", drill: str | None = None) -> dict:
    """Draw the national map of ``year`` on its layer, drilled down to the province ``drill``
    (one of ``drill_codes``); returns what the reader did last (``clicked``): ``{"drill":
    province code, or None after the back button}`` or {}."""
    layer = layer_for(year)
    geo = _geometry(layer, lang)
    years = tuple(int(y) for y in (years or [year]) if layer_for(int(y)) == layer)
    if ds is None:
        from ui.frame import data
        ds, token = data.dataset(False), data.token(False)
    else:
        token = str(id(ds))
    status = _status_url(token, years, layer, ds)
    st.caption(caption_text(layer, lang, provinces))
    drawing = base.render(CLIENT, base_map(), view(geo, status, year, lang, layer, drill), key, height)
    return clicked(drawing)


def clicked(drawing: dict) -> dict:
    """The drill-down a map report asks for: a click on a unit names its province (``p``, set by
    the client on each feature); the back button reports ``p`` empty (the whole country)."""
    props = (drawing or {}).get("properties") or {}
    if "p" not in props:
        return {}
    return {"drill": str(props["p"]) if props["p"] else None}


def drill_codes(year: int, lang: str) -> set:
    """The provinces the national map of ``year`` can drill down to (its layer's files)."""
    return set(_geometry(layer_for(year), lang)["provinces"])


def _geometry(layer: str, lang: str) -> dict:
    with st.spinner(text("preparing", lang)):   # minutes once per checkout (prepare_static does it)
        return _geometry_urls(layer)


@st.cache_resource(show_spinner=False)
def _geometry_urls(layer: str) -> dict:
    return geometry_urls(layer)


@st.cache_resource(show_spinner=False)
def _status_url(token: str, years: tuple, layer: str, _ds) -> str:
    return status_url(_ds, years, layer)


def render_national(ctx) -> None:
    """Entry point of the map page on the national layer (``province=all``); a drill-down or
    drill-up goes into the view state (the URL)."""
    from ui.frame import state
    from ui.frame.structure import province_label
    carried = [c for c in ctx.choices.provinces_in(ctx.year) if c != "all"]
    names = ", ".join(province_label(c, ctx.year, ctx.lang, ctx.choices) for c in carried)
    drill = ctx.view.drill
    if drill is not None and drill not in drill_codes(ctx.year, ctx.lang):
        st.info(t("national.no_drill", ctx.lang, code=drill))
        state.update(drill=None)
        drill = None
    asked = render(ctx.lang, ctx.year, years=ctx.years, provinces=names, drill=drill)
    if asked and state.changed("national_drill", asked["drill"] or "") and asked["drill"] != ctx.view.drill:
        state.update(drill=asked["drill"])
