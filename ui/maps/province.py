"""The folium map builder (province / district commune maps).

How a year change avoids a remount (DESIGN §4): the base map script is the same
for every year and level — an empty Leaflet map with one layer container — so
streamlit-folium keeps the same component. Geometry and every year's statuses
are written once as JSON under static/generated/ (content-hashed names, served
by Streamlit's static serving and cached by the browser). The changing part is a
one-line `NtmAtlas.show(...)` call delivered through `feature_group_to_add`,
which streamlit-folium evaluates in place. Leaflet and the map client are served
from static/ too, so nothing is loaded from the internet.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate  # has the tojavascript filter
from jinja2 import Template

from domain.units import is_eligible_commune, short_label
from loaders.paths import STATIC_DIR
from ui.maps import palette
from ui.frame.i18n import t

GENERATED = STATIC_DIR / "generated"
COORD_DECIMALS = 5     # ~1 m: finer than any boundary source we have


def static_url(rel: str) -> str:
    """URL of a file under static/, honouring server.baseUrlPath."""
    base = ""
    try:
        from streamlit import config
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # outside a Streamlit runtime (tests, scripts)
        base = ""
    prefix = f"/{base}" if base else ""
    return f"{prefix}/app/static/{rel}"


# ---- files served to the browser ------------------------------------------------

def _write_once(stem: str, payload: dict) -> str:
    """Write JSON under static/generated/<stem>-<hash>.json (content-addressed, so
    the browser may cache it forever) and return its URL."""
    return _write_text_once(stem, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def _write_text_once(stem: str, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    name = f"{stem}-{digest}.json"
    path = GENERATED / name
    if not path.exists():
        GENERATED.mkdir(parents=True, exist_ok=True)
        # one temporary name per writer: replicas and sessions may write the same file at once
        tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return static_url(f"generated/{name}")


def _rounded(geoms) -> list:
    rounded = shapely.transform(np.asarray(geoms, dtype=object), lambda c: np.round(c, COORD_DECIMALS))
    return [shapely.geometry.mapping(g) for g in rounded]


def _features(gdf, props: list[dict]) -> dict:
    geoms = _rounded(gdf.geometry.values)
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in zip(props, geoms)]}


def communes_geojson(gdf) -> dict:
    """Commune polygons with their names as GeoJSON (the data downloads)."""
    props = [{"unit_code": str(r.unit_code), "name": str(r.name), "district_name": str(r.district_name),
              "district_code": str(r.district_code), "eligible": is_eligible_commune(str(r.unit_type))}
             for r in gdf.itertuples(index=False)]
    return _features(gdf, props)


def district_table(districts_gdf) -> list:
    """One row per district: [code, name, short label, label lat, label lng]."""
    pts = shapely.point_on_surface(np.asarray(districts_gdf.geometry.values, dtype=object))
    return [[str(r.unit_code), str(r.name), short_label(str(r.name)), round(float(p.y), 4), round(float(p.x), 4)]
            for r, p in zip(districts_gdf.itertuples(index=False), pts)]


def topology_text(communes_gdf, districts_gdf, outline: bool) -> str:
    """The map's whole geometry as one quantised TopoJSON: communes (id = unit code,
    name, district code, eligible 1/0) on the prepared layer's grid. District
    polygons and the province outline are not sent: the client derives them from
    the shared arcs (topojson.merge per district, topojson.mesh of the outer
    edges), so every border travels once. `ntm.districts` holds the district names
    and label points; `ntm.outline` says whether to draw the province outline."""
    from loaders.geometry import DETAILS, topojson_text
    props = {"name": communes_gdf["name"].astype(str).tolist(),
             "district_code": communes_gdf["district_code"].astype(str).tolist(),
             "eligible": [1 if is_eligible_commune(str(t)) else 0 for t in communes_gdf["unit_type"]]}
    return topojson_text(communes_gdf, DETAILS["province"].decimals, properties=props,
                         extra={"ntm": {"districts": district_table(districts_gdf), "outline": outline}})


def geometry_urls(vintage: str, communes_gdf, districts_gdf, district: str | None = None) -> dict:
    """Write (once) and return the URL of the map's topology. With `district`, only
    that district's communes are drawn (the district view)."""
    tag = vintage if district is None else f"{vintage}-{district}"
    c = communes_gdf
    d = districts_gdf
    if district is not None:
        c = c[c["district_code"].astype(str) == str(district)]
        d = d[d["unit_code"].astype(str) == str(district)]
    return {"topology": _write_text_once(f"topo-{tag}", topology_text(c, d, outline=district is None))}


def _clean(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return int(v) if float(v).is_integer() else float(v)
    return v


def decision_text(row) -> str | None:
    no = _clean(getattr(row, "decision_no", None))
    date = _clean(getattr(row, "decision_date", None))
    if not no:
        return None
    return f"{no} ({str(date)[:10]})" if date else str(no)


def _table(rows_per_year: dict, years: list) -> dict:
    """{code: {year: row}} as a compact table: each distinct row once (`rows`), unit
    codes once (`codes`), and per unit the index of its row for each of `years`
    (`grid`, -1 = no row that year). Levels carry forward, so most units repeat the
    same row year after year and the table is a fraction of the expanded form."""
    rows: list = []
    index: dict = {}
    codes = sorted(rows_per_year)
    grid = []
    for code in codes:
        per = rows_per_year[code]
        line = []
        for y in years:
            r = per.get(y)
            if r is None:
                line.append(-1)
                continue
            k = tuple(r)   # rows hold str / number / None cells
            if k not in index:
                index[k] = len(rows)
                rows.append(r)
            line.append(index[k])
        grid.append(line)
    return {"codes": codes, "rows": rows, "grid": grid}


def status_payload(per_year: dict, district_per_year: dict, holdouts_per_year: dict) -> dict:
    """Compact per-year statuses for the browser (see `_table`; `expand_table` is the
    inverse, and the map client does the same).

    per_year: year -> metrics.status.status_as_of frame; district_per_year: year ->
    district_status_as_of frame; holdouts_per_year: year -> set of unit codes.
    Commune row: [level, criteria_met, criteria_total, decision, provenance,
    source_id, mixed(0/1), holdout(0/1)]; district row: [level, provenance, holdout].
    """
    years = sorted(int(y) for y in per_year)
    units: dict = {}
    for year, frame in per_year.items():
        held = holdouts_per_year.get(year, set())
        for r in frame.itertuples(index=False):
            code = str(r.unit_code)
            level = str(r.level) if bool(getattr(r, "eligible", True)) else "not_applicable"
            units.setdefault(code, {})[int(year)] = [
                level, _clean(getattr(r, "criteria_met", None)), _clean(getattr(r, "criteria_total", None)),
                decision_text(r), _clean(getattr(r, "provenance", None)), _clean(getattr(r, "source_id", None)),
                1 if bool(_clean(getattr(r, "mixed", False)) or False) else 0, 1 if code in held else 0]
    districts: dict = {}
    for year, frame in district_per_year.items():
        held = holdouts_per_year.get(year, set())
        for r in frame.itertuples(index=False):
            code = str(r.unit_code)
            districts.setdefault(code, {})[int(year)] = [
                str(r.level), _clean(getattr(r, "provenance", None)), 1 if code in held else 0]
    return {"years": years, "units": _table(units, years), "districts": _table(districts, years)}


def expand_table(table: dict, years: list) -> dict:
    """{code: {"year": row}} from a `_table` (what the map client builds in the browser)."""
    out = {}
    for code, line in zip(table["codes"], table["grid"]):
        out[code] = {str(y): table["rows"][i] for y, i in zip(years, line) if i >= 0}
    return out


def status_url(stem: str, payload: dict) -> str:
    return _write_once(f"status-{stem}", payload)


# ---- the folium map ----------------------------------------------------------------

class _Container(MacroElement):
    """An empty feature group created with the map: the client puts the layers in
    it, and streamlit-folium's click handler (attached at mount) reports clicks on
    any polygon inside it (`last_active_drawing.properties.unit_code`)."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "var {{ this.get_name() }}=L.featureGroup().addTo({{ this._parent.get_name() }});"
                         "NtmAtlas.attach({{ this._parent.get_name() }},{{ this.get_name() }});"
                         "{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "NtmContainer"


class _Show(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}"
                         "NtmAtlas.show(window.map,{{ this.opts_json }});"
                         "{% endmacro %}")

    def __init__(self, opts: dict):
        super().__init__()
        self._name = "NtmShow"
        # JSON inside a <script>: escape "</" so no string can close the tag.
        self.opts_json = json.dumps(opts, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


class _CompactMap(folium.Map):
    """folium's Map with its templates written without indentation: the same page,
    but streamlit-folium re-sends these strings on every rerun, so their size is
    part of what each year change costs."""

    _template = FoliumTemplate(
        "{% macro header(this, kwargs) %}"
        '<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=no"/>'
        "<style>#{{ this.get_name() }}{position:relative;width:100%;height:100%;left:0;top:0}"
        ".leaflet-container{font-size:{{ this.font_size }}}"
        "html,body{width:100%;height:100%;margin:0;padding:0}"
        "#map{position:absolute;top:0;bottom:0;right:0;left:0}</style>"
        "<script>L_NO_TOUCH={{ this.global_switches.no_touch|tojson }};"
        "L_DISABLE_3D={{ this.global_switches.disable_3d|tojson }};</script>"
        "{% endmacro %}"
        "{% macro html(this, kwargs) %}"
        '<div class="folium-map" id={{ this.get_name()|tojson }} ></div>'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }}=L.map({{ this.get_name()|tojson }},"
        "{center:{{ this.location|tojson }},crs:L.CRS.{{ this.crs }},...{{ this.options|tojavascript }}});"
        "{% if this.control_scale %}L.control.scale().addTo({{ this.get_name() }});{% endif %}"
        "{% endmacro %}")


class _ViewGroup(folium.FeatureGroup):
    _template = Template("{% macro script(this, kwargs) %}"
                         "var {{ this.get_name() }}=L.featureGroup({});"
                         "{% endmacro %}")


def base_map(center: tuple[float, float], zoom: int = 9) -> folium.Map:
    """An empty map: no basemap unless NTM_TILE_URL is set; local assets only."""
    tile_url = (os.environ.get("NTM_TILE_URL") or "").strip()
    m = _CompactMap(location=list(center), zoom_start=zoom, tiles=None, control_scale=True,
                   zoom_snap=0.25, zoom_delta=0.5)
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=os.environ.get("NTM_TILE_ATTRIBUTION", "© map tiles"),
                         name="basemap").add_to(m)
    # Replace folium's CDN assets (Leaflet, jQuery, Bootstrap, awesome-markers,
    # Font Awesome) by the files served from static/: only Leaflet is needed.
    m.default_js = [("leaflet", static_url("leaflet/leaflet.js")),
                    ("topojson_client", static_url("vendor/topojson-client.min.js")),
                    ("ntm_common", static_url("ntm/ntm-common.js")),
                    ("ntm_map", static_url("ntm/ntm-map.js"))]
    m.default_css = [("leaflet_css", static_url("leaflet/leaflet.css")),
                     ("ntm_map_css", static_url("ntm/ntm-map.css"))]
    _Container().add_to(m)
    return m


def js_labels(lang: str) -> dict:
    levels = ("none", "standard", "advanced", "model", "completed", "mixed", "unknown", "not_applicable")
    prov = ("official", "reported", "derived", "illustrative")
    return {"district": t("map.tip.district", lang), "level": t("map.tip.level", lang),
            "criteria": t("map.tip.criteria", lang), "decision": t("map.tip.decision", lang),
            "provenance": t("map.tip.provenance", lang), "mixed": t("levels.mixed", lang),
            "holdout": t("map.tip.holdout", lang),
            "levels": {k: t(f"levels.{k}", lang) for k in levels},
            "provenances": {k: t(f"provenance.{k}", lang) for k in prov}}


def js_palette() -> dict:
    return {"levels": dict(palette.LEVEL_COLOURS), "criteria": list(palette.CRITERIA_COLOURS),
            "outline": palette.OUTLINE_COLOUR, "holdout": palette.HOLDOUT_OUTLINE_COLOUR,
            "district": palette.DISTRICT_OUTLINE_COLOUR}


def style_url(lang: str) -> str:
    """Tooltip labels (one language) and the palette, fetched once by the browser."""
    return _write_once(f"style-{lang}", {"labels": js_labels(lang), "palette": js_palette()})


def view_group(geo: dict, status: str, year: int, mode: str, lang: str,
               highlight: str | None = None) -> folium.FeatureGroup:
    """The small, changing part of the map (year, mode, language, highlight):
    only URLs and a few values, so a change costs a few hundred bytes."""
    fg = _ViewGroup(name="ntm-view")
    _Show({"geo": geo, "status": status, "style": style_url(lang), "year": int(year), "mode": mode,
           "highlight": highlight}).add_to(fg)
    return fg


def render(m: folium.Map, view: folium.FeatureGroup, key: str, height: int = 560,
           center=None, zoom=None):
    """Draw the map; returns the clicked commune code (or None)."""
    from streamlit_folium import st_folium

    out = st_folium(m, key=key, height=height, width=None,  # None: the container's width
                    returned_objects=["last_active_drawing"], feature_group_to_add=view,
                    center=center, zoom=zoom)
    drawing = (out or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("unit_code")
    return str(code) if code else None


def bounds_center(gdf) -> tuple[float, float]:
    minx, miny, maxx, maxy = gdf.total_bounds
    return (round((miny + maxy) / 2, 4), round((minx + maxx) / 2, 4))
