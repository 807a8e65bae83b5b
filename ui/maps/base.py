"""What the province map (``ui.maps.province``) and the national map (``ui.maps.national``)
share: content-addressed JSON files under static/ (served by Streamlit, cached by the browser
forever), a fixed base map script with local assets only, and the one-line ``<Client>.show(…)``
call that is the only thing a year or language change sends.

How a change avoids a remount (DESIGN §4): streamlit-folium remounts the map whenever the map
script changes and re-sends it on every rerun, so the base script is the same for every year,
layer and language — an empty Leaflet map with one layer container the client attaches to —
and the changing part goes through ``feature_group_to_add``, which streamlit-folium evaluates
in place.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.template import Template as FoliumTemplate  # has the tojavascript filter
from jinja2 import Template


def static_url(rel: str) -> str:
    """URL of a file under static/, honouring server.baseUrlPath."""
    base = ""
    try:
        from streamlit import config
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:  # outside a Streamlit runtime (tests, scripts)
        base = ""
    return f"{'/' + base if base else ''}/app/static/{rel}"


def write_once(folder: Path, url_dir: str, stem: str, text: str) -> str:
    """Write ``text`` to <folder>/<stem>-<hash>.json once (atomically, through a temporary file of
    this process and thread: a concurrent writer of the same content writes the same bytes) and
    return its URL (``url_dir``: the folder's path under static/)."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    name = f"{stem}-{digest}.json"
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # one temporary name per writer: replicas and sessions may write the same file at once
        tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return static_url(f"{url_dir}/{name}")


def compact_json(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def script_json(payload) -> str:
    """JSON inside a <script>: "</" escaped, so no string can close the tag."""
    return compact_json(payload).replace("</", "<\\/")


class _Script(MacroElement):
    """A script line rendered with the map (``{parent}`` is the map's variable name)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, name: str, code: str):
        super().__init__()
        self._name = name
        self._code = code

    def render(self, **kwargs):
        self.code = self._code.replace("{parent}", self._parent.get_name()).replace("{self}", self.get_name())
        super().render(**kwargs)


class CompactMap(folium.Map):
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


def base_map(center, zoom: int, client: str, js: list[tuple[str, str]], css: list[tuple[str, str]],
             **options) -> folium.Map:
    """An empty map whose layer container the client ``client`` attaches to: no basemap unless
    NTM_TILE_URL is set; folium's CDN assets (Leaflet, jQuery, Bootstrap, Font Awesome) replaced
    by files served from static/ (``js``/``css`` add the client's own, after Leaflet's)."""
    m = CompactMap(location=list(center), zoom_start=zoom, tiles=None, control_scale=True,
                   zoom_snap=0.25, zoom_delta=0.5, **options)
    tile_url = (os.environ.get("NTM_TILE_URL") or "").strip()
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=os.environ.get("NTM_TILE_ATTRIBUTION", "© map tiles"),
                         name="basemap").add_to(m)
    m.default_js = [("leaflet", static_url("leaflet/leaflet.js")),
                    ("topojson_client", static_url("vendor/topojson-client.min.js")),
                    ("ntm_common", static_url("ntm/ntm-common.js")), *js]
    m.default_css = [("leaflet_css", static_url("leaflet/leaflet.css")), *css]
    # An empty feature group created with the map: the client puts the layers in it, and
    # streamlit-folium's click handler (attached at mount) reports clicks inside it.
    _Script(f"{client}Container", "var {self}=L.featureGroup().addTo({parent});"
            f"{client}.attach({{parent}},{{self}});").add_to(m)
    return m


def view_group(client: str, opts: dict) -> folium.FeatureGroup:
    """The small, changing part of a map: one ``<client>.show(map, opts)`` call."""
    fg = _ViewGroup(name=f"{client.lower()}-view")
    _Script(f"{client}Show", f"{client}.show(window.map,{script_json(opts)});").add_to(fg)
    return fg


def render(m: folium.Map, view: folium.FeatureGroup, key: str, height: int, **kwargs) -> dict:
    """Draw the map with streamlit-folium; returns its last clicked drawing ({} when none)."""
    from streamlit_folium import st_folium

    out = st_folium(m, key=key, height=height, width=None,  # None: the container's width
                    returned_objects=["last_active_drawing"], feature_group_to_add=view, **kwargs)
    return (out or {}).get("last_active_drawing") or {}


# ---- the compact status table ------------------------------------------------------------------

def compact_table(rows_per_year: dict, years: list, fields: list[str]) -> dict:
    """{code: {year: row}} as a compact table: the row's field names once (``fields``), each
    distinct row once (``rows``), unit codes once (``codes``), and per unit the index of its row
    for each of ``years`` (``grid``, -1 = no row that year). Levels carry forward, so most units
    repeat the same row year after year and the table is a fraction of the expanded form."""
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
    return {"fields": list(fields), "codes": codes, "rows": rows, "grid": grid}


def expand_table(table: dict, years: list) -> dict:
    """{code: {"year": {field: value}}} from a ``compact_table`` (what the clients build)."""
    rows = [dict(zip(table["fields"], r)) for r in table["rows"]]
    out = {}
    for code, line in zip(table["codes"], table["grid"]):
        out[code] = {str(y): rows[i] for y, i in zip(years, line) if i >= 0}
    return out
