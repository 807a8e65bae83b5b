"""What the province map (``ui.maps.province``) and the national map (``ui.maps.national``)
share: content-addressed JSON files under static/ (served by Streamlit, cached by the browser
forever), the map frame with local assets only, and the view that is the only thing a year or
language change sends.

How a change avoids a remount and re-sends little (DESIGN §4): the map is a Streamlit component
of ours, the map frame (static/ntm/frame/), kept while its key stays (one per vintage and map).
Streamlit re-sends a component's arguments whole with every rerun, so they are only the client
to use, the map's centre and zoom, and the view (``<Client>.show(map, view)`` in the frame: the
URLs of the files, the year, the layer mode, …): about 0.7 kB per change for a province map.
streamlit-folium, used before, re-sent its map script, head, script and style links and a
feature-group wrapper with each change (1.7–2.4 kB, ~40 bytes of which changed).
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import streamlit.components.v1 as components

from loaders.paths import STATIC_DIR


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


# ---- the map frame ------------------------------------------------------------------------------

FRAME_DIR = STATIC_DIR / "ntm" / "frame"
# The map document (static/ntm/frame/): Leaflet, the named client, the map made once per frame.
_frame = components.declare_component("ntm_map", path=str(FRAME_DIR))
FRAME_NAME = _frame.name   # "ui.maps.base.ntm_map": in the frame's URL and its iframe's title


def map_args(center, zoom: int, canvas: bool = False) -> dict:
    """The fixed part of a map: its centre and zoom when first drawn, the canvas renderer (the
    national layer), and a basemap only if NTM_TILE_URL is set (none by default: offline)."""
    out = {"center": [float(c) for c in center], "zoom": int(zoom)}
    if canvas:
        out["canvas"] = True
    tile_url = (os.environ.get("NTM_TILE_URL") or "").strip()
    if tile_url:
        out["tiles"] = {"url": tile_url, "attribution": os.environ.get("NTM_TILE_ATTRIBUTION", "© map tiles")}
    return out


def frame_args(client: str, base: dict, view: dict, height: int, center=None, zoom=None) -> dict:
    """What the map frame receives with every rerun (static/ntm/frame/frame.js): the client, the
    map's fixed part (``map_args``), the view, the height, and ``center``/``zoom`` when given."""
    args = {"client": client, "map": base, "view": view, "height": int(height)}
    if center is not None:
        args["center"] = [float(c) for c in center]
    if zoom is not None:
        args["zoom"] = zoom
    return args


def render(client: str, base: dict, view: dict, key: str, height: int, center=None, zoom=None) -> dict:
    """Draw the map: the frame makes the ``client``'s map from ``base`` once (per ``key``) and
    shows ``view`` (``<client>.show(map, view)``) on every change of it; ``center``/``zoom``
    move the map when given (a searched commune). Returns the feature last clicked, without its
    geometry ({"id": …, "properties": {…}}; {} before any click)."""
    return _frame(**frame_args(client, base, view, height, center, zoom), key=key, default=None) or {}


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
