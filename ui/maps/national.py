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

import hashlib
import json
import os
import threading
from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template

from loaders import geometry as G
from loaders.paths import STATIC_DIR
from ui.maps import palette
from ui.frame.i18n import t

DATA_DIR = STATIC_DIR / "national" / "data"
CENTER = (16.0, 106.0)
LEGEND_LEVELS = ("none", "standard", "advanced", "model", "not_applicable")

def text(key: str, lang: str) -> str:
    return t(f"national.{key}", lang)


def static_url(rel: str) -> str:
    base = ""
    try:
        from streamlit import config
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # outside a Streamlit runtime
        base = ""
    return f"{'/' + base if base else ''}/app/static/{rel}"


def _write_once(stem: str, body: str) -> str:
    """static/national/data/<stem>-<hash>.json, written atomically once; returns its URL."""
    digest = hashlib.sha1(body.encode("utf-8")).hexdigest()[:12]
    name = f"{stem}-{digest}.json"
    path = DATA_DIR / name
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")   # one per writer
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, path)
    return static_url(f"national/data/{name}")


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
    """{"years": [...], "units": {national unit_code: {year: [level, provenance]}}}.

    Each province with records is resolved by metrics.status.status_as_of on the
    vintage valid in that year; each unit of that vintage is then drawn on the 2009
    census communes it is made of (the boundary layers name them), so after the
    2020 mergers a 2009 commune shows the status of the unit it became part of.
    Units with no record stay out of the payload (drawn neutral)."""
    from metrics.status import status_as_of

    nat = G.raw_layer(G.NATIONAL)
    by_census = dict(zip(nat["census_commune_id"].astype(str), nat["unit_code"].astype(str)))
    if provinces is None:
        units = ds.units
        provinces = sorted(set(units.loc[units["admin_level"].astype(str) == "province", "unit_code"].astype(str)))
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
                level = str(r.level)
                if level in ("unknown", "nan", "None"):
                    continue
                prov = None if pd.isna(r.provenance) else str(r.provenance)
                for cid in links[vintage].get(str(r.unit_code), []):
                    code = by_census.get(cid)
                    if code is not None:
                        out.setdefault(code, {})[str(year)] = [level, prov]
    return {"years": [int(y) for y in years], "units": out}


def status_url(ds, years) -> str:
    payload = national_status(ds, years)
    return _write_once("vn-2009-status", json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


# ---- the folium map -------------------------------------------------------------------------

class _Container(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup().addTo({{ this._parent.get_name() }});
        NtmNational.attach({{ this._parent.get_name() }}, {{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "NtmNationalContainer"


class _Show(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        NtmNational.show(window.map, {{ this.opts_json }});
        {% endmacro %}
    """)

    def __init__(self, opts: dict):
        super().__init__()
        self._name = "NtmNationalShow"
        self.opts_json = json.dumps(opts, ensure_ascii=False).replace("</", "<\\/")


def base_map() -> folium.Map:
    """Fixed map script (same for every year and language): canvas renderer, no
    basemap unless NTM_TILE_URL is set, local assets only."""
    m = folium.Map(location=list(CENTER), zoom_start=5, tiles=None, prefer_canvas=True,
                   control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    tile_url = (os.environ.get("NTM_TILE_URL") or "").strip()
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=os.environ.get("NTM_TILE_ATTRIBUTION", "© map tiles"),
                         name="basemap").add_to(m)
    m.default_js = [("leaflet", static_url("leaflet/leaflet.js")),
                    ("topojson_client", static_url("vendor/topojson-client.min.js")),
                    ("ntm_common", static_url("ntm/ntm-common.js")),
                    ("ntm_national", static_url("national/ntm-national.js"))]
    m.default_css = [("leaflet_css", static_url("leaflet/leaflet.css"))]
    _Container().add_to(m)
    return m


def view_group(geo: dict, status: str, year: int, lang: str) -> folium.FeatureGroup:
    labels = {k: text(k, lang) for k in ("title", "no_record", "code", "back", "hint")}
    labels.update({"level": t("map.tip.level", lang), "provenance": t("map.tip.provenance", lang),
                   "year": t("app.year", lang),
                   "levels": {k: t(f"levels.{k}", lang) for k in palette.LEVEL_COLOURS},
                   "provenances": {k: t(f"provenance.{k}", lang)
                                   for k in ("official", "reported", "derived", "illustrative")}})
    opts = {"geo": geo["national"], "provinces": geo["provinces"], "status": status, "year": int(year),
            "lang": lang, "labels": labels, "legend_levels": list(LEGEND_LEVELS),
            "palette": {"levels": dict(palette.LEVEL_COLOURS), "neutral": "#d9d9d9"}}
    fg = folium.FeatureGroup(name="ntm-national-view")
    _Show(opts).add_to(fg)
    return fg


def render(lang: str, year: int, ds=None, years=None, key: str = "ntm_national", height: int = 640):
    """Draw the national map; returns the clicked unit code (national layer) or None."""
    from streamlit_folium import st_folium

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
    out = st_folium(base_map(), key=key, height=height, width=None,  # None: the container's width
                    returned_objects=["last_active_drawing"],
                    feature_group_to_add=view_group(geo, status, year, lang))
    drawing = (out or {}).get("last_active_drawing") or {}
    code = drawing.get("id") or (drawing.get("properties") or {}).get("unit_code")
    return str(code) if code else None


@st.cache_resource(show_spinner=False)
def _geometry_urls() -> dict:
    return geometry_urls()


@st.cache_resource(show_spinner=False)
def _status_url(token: str, years: tuple, _ds) -> str:
    return status_url(_ds, years)


def render_national(view) -> str | None:
    """Entry point for pages/map.py (`province=all`)."""
    from ui.frame import layout
    ch = layout.choices()
    year = view.year or ch.default_year
    return render(view.lang, year, years=ch.years)
