"""The national commune map (`/map?province=all`): 11,163 communes of the 2009
census layer, status where a unit matches our records, neutral elsewhere.

Technique (chosen by measurement, see docs/performance.md): quantised TopoJSON
(shared borders written once) fetched from Streamlit's static serving, drawn by
Leaflet on one canvas (`prefer_canvas`), with the same fixed-base-script pattern
as ui/map.py: the map script never changes, so streamlit-folium never remounts;
a year or language change sends only a one-line `NtmNational.show(...)` call.
Click a commune: the client drills down to its province at province detail.

Files under static/national/data/ are content-addressed and written once per
process (and reused by later processes).
"""
from __future__ import annotations

import folium
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
MODE = "national"                  # the layer mode (ui.maps.spec) the map draws
FIELDS = (MODE, "provenance")      # a unit's row in the status file: its class, its provenance
static_url = base.static_url


def text(key: str, lang: str) -> str:
    return t(f"national.{key}", lang)


def _write_once(stem: str, body: str) -> str:
    """static/national/data/<stem>-<hash>.json, written atomically once; returns its URL."""
    return base.write_once(DATA_DIR, "national/data", stem, body)


# ---- geometry files ------------------------------------------------------------------

def _lookups(gdf) -> tuple[dict, list]:
    """District/province lookup tables (names once, not per commune) and each
    commune's district index."""
    provinces = gdf[["province_code", "province_name"]].drop_duplicates("province_code")
    p_index = {c: i for i, c in enumerate(provinces["province_code"])}
    dkeys = gdf[["province_code", "district_code", "district_name"]].drop_duplicates(["province_code", "district_code"])
    d_index = {(p, d): i for i, (p, d) in enumerate(zip(dkeys["province_code"], dkeys["district_code"]))}
    meta = {"provinces": [[str(c), str(n)] for c, n in zip(provinces["province_code"], provinces["province_name"])],
            "districts": [[str(n), p_index[p]] for p, n in zip(dkeys["province_code"], dkeys["district_name"])]}
    d_of = [d_index[(p, d)] for p, d in zip(gdf["province_code"], gdf["district_code"])]
    return meta, d_of


def layer_topojson(gdf, detail: str) -> str:
    """Compact TopoJSON of a commune layer. Per-unit attributes travel as parallel
    arrays in the foreign member `ntm` (codes, names, district index; district and
    province names once each) instead of per-geometry `id`/`properties` objects:
    about 300 kB less for the national layer. The client re-attaches them by index."""
    meta, d_of = _lookups(gdf)
    meta.update(codes=gdf["unit_code"].astype(str).tolist(), names=gdf["name"].astype(str).tolist(), d=d_of)
    return G.topojson_text(gdf, G.DETAILS[detail].decimals, extra={"ntm": meta}, with_ids=False)


def geometry_urls() -> dict:
    """URLs of the national layer (national detail) and of each province at
    province detail. Builds the prepared layers on first use (about a minute for
    the national cleaning step, then cached on disk)."""
    nat = G.prepared_layer(G.NATIONAL, "national")
    prov = G.prepared_layer(G.NATIONAL, "province")
    urls = {"national": _write_once("vn-2009-national", layer_topojson(nat, "national")), "provinces": {}}
    for code, part in prov.groupby("province_code", sort=True):
        urls["provinces"][str(code)] = _write_once(f"vn-2009-p{code}", layer_topojson(part, "province"))
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


def national_status(ds, years, provinces=None) -> dict:
    """{"years": [...], "units": compact table (``base.compact_table``) of [class, provenance]}.

    Each province with records is resolved by metrics.status.status_as_of on the
    vintage valid in that year; each unit of that vintage is then drawn on the 2009
    census communes it is made of (the boundary layers name them), so after the
    2020 mergers a 2009 commune shows the status of the unit it became part of.
    The class is the national layer mode's (``spec``); units without one (no record)
    stay out of the file and are drawn as its missing class."""
    from metrics.status import status_as_of

    nat = G.raw_layer(G.NATIONAL)
    by_census = dict(zip(nat["census_commune_id"].astype(str), nat["unit_code"].astype(str)))
    if provinces is None:
        units = ds.units
        provinces = sorted(set(units.loc[units["admin_level"].astype(str) == "province", "unit_code"].astype(str)))
    mode = spec.mode(MODE)
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
                links[vintage] = _census_links(vintage)
            for r in frame.itertuples(index=False):
                cls = mode.classify({"level": str(r.level)})
                if cls == mode.missing:
                    continue
                prov = None if pd.isna(r.provenance) else str(r.provenance)
                for cid in links[vintage].get(str(r.unit_code), []):
                    code = by_census.get(cid)
                    if code is not None:
                        out.setdefault(code, {})[int(year)] = [cls, prov]
    years = [int(y) for y in years]
    return {"years": years, "units": base.compact_table(out, years, list(FIELDS))}


def status_url(ds, years) -> str:
    return _write_once("vn-2009-status", base.compact_json(national_status(ds, years)))


# ---- the folium map -------------------------------------------------------------------------

def base_map() -> folium.Map:
    """Fixed map script (same for every year and language): canvas renderer, no
    basemap unless NTM_TILE_URL is set, local assets only."""
    return base.base_map(CENTER, 5, CLIENT, js=[("ntm_national", static_url("national/ntm-national.js"))],
                         css=[], prefer_canvas=True)


def legend_rows(lang: str) -> list[dict]:
    """The national layer mode's classes, in legend order, with their label and style."""
    return [{"key": c.key, "label": t(c.label, lang), **c.style.as_json()} for c in spec.mode(MODE).classes]


def view_group(geo: dict, status: str, year: int, lang: str) -> folium.FeatureGroup:
    labels = {k: text(k, lang) for k in ("title", "code", "back", "hint")}
    labels.update({"level": t("map.tip.level", lang), "provenance": t("map.tip.provenance", lang),
                   "year": t("app.year", lang),
                   "provenances": {k: t(f"provenance.{k}", lang) for k in PROVENANCE}})
    opts = {"geo": geo["national"], "provinces": geo["provinces"], "status": status, "year": int(year),
            "lang": lang, "labels": labels, "mode": spec.client_modes([MODE])[MODE], "legend": legend_rows(lang)}
    return base.view_group(CLIENT, opts)


def render(lang: str, year: int, ds=None, years=None, key: str = "ntm_national", height: int = 640):
    """Draw the national map; returns the clicked unit code (national layer) or None."""
    with st.spinner(text("preparing", lang)):   # about a minute once per checkout, then cached
        geo = _geometry_urls()
    years = tuple(int(y) for y in (years or [year]))
    if ds is None:
        from ui.frame import data
        ds, token = data.dataset(False), data.token(False)
    else:
        token = str(id(ds))
    status = _status_url(token, years, ds)
    st.caption(text("caption", lang))
    drawing = base.render(base_map(), view_group(geo, status, year, lang), key, height)
    code = drawing.get("id") or (drawing.get("properties") or {}).get("unit_code")
    return str(code) if code else None


@st.cache_resource(show_spinner=False)
def _geometry_urls() -> dict:
    return geometry_urls()


@st.cache_resource(show_spinner=False)
def _status_url(token: str, years: tuple, _ds) -> str:
    return status_url(_ds, years)


def render_national(ctx) -> str | None:
    """Entry point of the map page on the national layer (``province=all``)."""
    return render(ctx.lang, ctx.year, years=ctx.years)
