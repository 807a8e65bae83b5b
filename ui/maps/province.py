"""The province map (a province, or one district): Leaflet in the map frame (``ui.maps.base``).

Geometry and every year's classes are written once as JSON under static/generated/
(content-hashed names, served by Streamlit's static serving and cached by the browser); a year,
layer or language change is a new view for ``NtmAtlas.show(map, view)`` (``ui.maps.base``). The
classes come from the map specification (``ui.maps.spec``): the status file carries, per unit
and year, the class key of every layer mode and the tooltip's named fields; the client
(static/ntm/ntm-map.js) only looks the class up in the style file, it never derives one.
Leaflet and the map client are served from static/ too, so nothing is loaded from the internet.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from domain.levels import COMPUTED_STATES, PROVENANCE, STORED_LEVELS
from domain.text import has
from domain.units import is_eligible_commune, short_label
from loaders.paths import STATIC_DIR
from ui.frame.i18n import t
from ui.maps import base, palette, spec

GENERATED = STATIC_DIR / "generated"
COORD_DECIMALS = 5     # ~1 m: finer than any boundary source we have
# What the client reads of a commune (its tooltip and holdout outline) and of a district (its
# holdout outline), after the class key of each layer mode.
COMMUNE_FIELDS = ("level", "criteria_met", "criteria_total", "decision", "provenance", "mixed", "holdout")
DISTRICT_FIELDS = ("holdout",)


def _write_once(stem: str, payload) -> str:
    return base.write_once(GENERATED, "generated", stem,
                           payload if isinstance(payload, str) else base.compact_json(payload))


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


def topology_text(communes_gdf, districts_gdf, outline: bool, former: dict | None = None) -> str:
    """The map's whole geometry as one quantised TopoJSON: communes (id = unit code,
    name, district code, eligible 1/0) on the prepared layer's grid. District
    polygons and the province outline are not sent: the client derives them from
    the shared arcs (topojson.merge per district, topojson.mesh of the outer
    edges), so every border travels once. `ntm.districts` holds the district names
    and label points; `ntm.outline` says whether to draw the province outline."""
    from loaders.geometry import DETAILS, topojson_text
    props = {"name": communes_gdf["name"].astype(str).tolist(),
             "district_code": [None if pd.isna(c) else str(c) for c in communes_gdf["district_code"]],
             "eligible": [1 if is_eligible_commune(str(t)) else 0 for t in communes_gdf["unit_type"]]}
    if former:   # a two-level vintage: the units each new unit was formed from (names, NFC)
        props["former"] = [";".join(f"{n}|p" if partial else n for n, partial in former.get(str(c), ())) or None
                           for c in communes_gdf["unit_code"]]
    return topojson_text(communes_gdf, DETAILS["province"].decimals, properties=props,
                         extra={"ntm": {"districts": district_table(districts_gdf), "outline": outline}})


def geometry_urls(vintage: str, communes_gdf, districts_gdf, district: str | None = None,
                  former: dict | None = None, former_districts=None) -> dict:
    """Write (once) and return the URL of the map's topology. With `district`, only
    that district's communes are drawn (the district view). On a two-level vintage,
    ``former`` (unit code -> names of the units it was formed from) goes into the
    topology, and ``former_districts`` (the districts of the vintage it follows) into a
    second file drawn as labelled outlines (``former``)."""
    tag = vintage if district is None else f"{vintage}-{district}"
    c = communes_gdf
    d = districts_gdf
    if district is not None:
        c = c[c["district_code"].astype(str) == str(district)]
        d = d[d["unit_code"].astype(str) == str(district)]
    urls = {"topology": _write_once(f"topo-{tag}", topology_text(c, d, outline=district is None, former=former))}
    if former_districts is not None and len(former_districts):
        urls["former"] = _write_once(f"former-{tag}", former_text(former_districts))
    return urls


def former_units(vintage: str) -> dict:
    """On a two-level vintage: unit code -> [(name, partial), ...] of the units of the
    vintages it follows that went into it (the crosswalk of geodata/registers, one step), for
    the tooltip ("formed from …"); {} on any other vintage."""
    from loaders.boundaries import has_district_level, load_meta
    from loaders.registers import load_crosswalk, load_units
    if has_district_level(vintage):
        return {}
    preds = set(load_meta(vintage).get("predecessor_vintages") or [])
    cw = load_crosswalk()
    cw = cw[(cw["to_vintage"] == vintage) & cw["from_vintage"].isin(preds) & (cw["to_code"] != "")]
    u = load_units()
    u = u[u["vintage"].isin(preds) & (u["admin_level"] == "commune")]
    names = dict(zip(zip(u["vintage"], u["unit_code"]), u["name"]))
    out: dict = {}
    for fv, fc, tc, part in zip(cw["from_vintage"], cw["from_code"], cw["to_code"], cw["part"]):
        if (fv, fc) in names:
            out.setdefault(str(tc), []).append((names[(fv, fc)], part == "partial"))
    return out


def former_districts(vintage: str, districts_of) -> "object | None":
    """On a two-level vintage: the districts of the vintages it follows (``districts_of(v)``
    gives a vintage's district polygons), for their outlines; None on any other vintage."""
    from loaders.boundaries import has_district_level, load_meta
    if has_district_level(vintage):
        return None
    frames = [districts_of(p) for p in load_meta(vintage).get("predecessor_vintages") or []
              if has_district_level(p)]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else None


def former_text(districts_gdf) -> str:
    """The former districts as one quantised TopoJSON (object ``districts``: id = code, name)
    and their label points (``ntm.districts`` as in the commune topology): the client draws
    their borders once each (topojson.mesh) as thin dashed lines, with their names."""
    from loaders.geometry import DETAILS, topojson_text
    gdf = districts_gdf.reset_index(drop=True)
    return topojson_text(gdf, DETAILS["province"].decimals, object_name="districts",
                         properties={"name": gdf["name"].astype(str).tolist()},
                         extra={"ntm": {"districts": district_table(gdf)}})


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


def status_payload(per_year: dict, district_per_year: dict, holdouts_per_year: dict,
                   province: str | None = None, two_level: bool = False) -> dict:
    """Every year's classes and tooltip fields for the browser, as compact tables
    (``base.compact_table``; ``base.expand_table`` is the inverse, and the client does the same).

    per_year: year -> metrics.status.status_as_of frame; district_per_year: year ->
    district_status_as_of frame; holdouts_per_year: year -> set of unit codes.
    A commune's fields: the class of each commune layer mode (``spec.modes([COMMUNE])``), then
    COMMUNE_FIELDS; a district's: the class of each district layer mode, then DISTRICT_FIELDS.
    """
    years = sorted(int(y) for y in per_year)
    scope = spec.Scope(province or "")
    # the modes that draw one of these years on boundaries of this structure (``two_level``: a
    # vintage from 1/7/2025), each with its class only in the years it draws
    fit = {m.id: {y for y in years if m.fits(y, two_level)} for m in spec.modes([spec.COMMUNE, spec.DISTRICT])}
    c_modes = [m.id for m in spec.modes([spec.COMMUNE]) if m.source_name == "status" and fit[m.id]]
    d_modes = [m.id for m in spec.modes([spec.DISTRICT]) if m.source_name == "districts" and fit[m.id]]
    units: dict = {}
    districts: dict = {}
    for year in years:
        held = {str(c) for c in holdouts_per_year.get(year, set())}
        frames = spec.Frames(status=per_year[year], districts=district_per_year.get(year),
                             holdouts=frozenset(held))
        cls = {m: spec.unit_classes(m, scope, frames) for m in c_modes + d_modes}
        for r in per_year[year].itertuples(index=False):
            code = str(r.unit_code)
            level = str(r.level) if bool(getattr(r, "eligible", True)) else "not_applicable"
            units.setdefault(code, {})[year] = [cls[m].get(code) if year in fit[m] else None for m in c_modes] + [
                level, _clean(getattr(r, "criteria_met", None)), _clean(getattr(r, "criteria_total", None)),
                decision_text(r), _clean(getattr(r, "provenance", None)),
                1 if bool(_clean(getattr(r, "mixed", False)) or False) else 0, 1 if code in held else 0]
        frame = district_per_year.get(year)
        for r in (frame.itertuples(index=False) if frame is not None else ()):
            code = str(r.unit_code)
            districts.setdefault(code, {})[year] = [cls[m].get(code) if year in fit[m] else None for m in d_modes] + [
                1 if code in held else 0]
    return {"years": years, "units": base.compact_table(units, years, c_modes + list(COMMUNE_FIELDS)),
            "districts": base.compact_table(districts, years, d_modes + list(DISTRICT_FIELDS))}


expand_table = base.expand_table


def status_url(stem: str, payload: dict) -> str:
    return _write_once(f"status-{stem}", payload)


# ---- the map ----------------------------------------------------------------------

CLIENT = "NtmAtlas"    # static/ntm/ntm-map.js, in the map frame (``ui.maps.base``)


def base_map(center: tuple[float, float], zoom: int = 9) -> dict:
    """The map's fixed part (the same for every year, layer and language)."""
    return base.map_args(center, zoom)


def js_labels(lang: str) -> dict:
    """The tooltip's words in one language: field names, every level and provenance class, the
    level line of the modes that name it (``LayerMode.tip``), the former units' line and the
    former districts' label."""
    levels = {lv: t(f"levels.{lv}", lang) for lv in STORED_LEVELS + COMPUTED_STATES if has(f"levels.{lv}")}
    return {"district": t("map.tip.district", lang), "level": t("map.tip.level", lang),
            "level_by_mode": {m.id: t(m.tip, lang) for m in spec.modes() if m.tip},
            "former": t("map.tip.former", lang), "partial": t("map.tip.partial", lang),
            "former_district": t("map.former_label", lang),
            "criteria": t("map.tip.criteria", lang), "decision": t("map.tip.decision", lang),
            "provenance": t("map.tip.provenance", lang), "mixed": t("levels.mixed", lang),
            "holdout": t("map.tip.holdout", lang), "levels": levels,
            "provenances": {k: t(f"provenance.{k}", lang) for k in PROVENANCE}}


def js_palette() -> dict:
    return {"outline": palette.OUTLINE_COLOUR, "holdout": palette.HOLDOUT_OUTLINE_COLOUR,
            "district": palette.DISTRICT_OUTLINE_COLOUR, "hatch": dict(palette.HATCH)}


def style_url(lang: str) -> str:
    """Tooltip labels (one language), the palette and every layer mode's class styles
    (``spec.client_modes``), fetched once by the browser."""
    modes = spec.client_modes([m.id for m in spec.modes() if m.source_name in ("status", "districts") or m.overlay])
    return _write_once(f"style-{lang}", {"labels": js_labels(lang), "palette": js_palette(), "modes": modes})


def view(geo: dict, status: str, year: int, mode: str, lang: str,
         highlight: str | None = None, overlays: tuple = ()) -> dict:
    """The changing part of the map (year, layer mode, overlays, language, highlight): only URLs
    and a few values, so a change costs a few hundred bytes (what is unset is left out)."""
    opts = {"geo": geo, "status": status, "style": style_url(lang), "year": int(year), "mode": spec.mode(mode).id}
    if highlight:
        opts["highlight"] = highlight
    if overlays:
        opts["overlays"] = [spec.mode(o).id for o in overlays]
    return opts


def render(m: dict, view: dict, key: str, height: int = 560, center=None, zoom=None):
    """Draw the map; returns the clicked commune code (or None)."""
    drawing = base.render(CLIENT, m, view, key, height, center=center, zoom=zoom)
    code = (drawing.get("properties") or {}).get("unit_code")
    return str(code) if code else None


def bounds_center(gdf) -> tuple[float, float]:
    minx, miny, maxx, maxy = gdf.total_bounds
    return (round((miny + maxy) / 2, 4), round((minx + maxx) / 2, 4))
