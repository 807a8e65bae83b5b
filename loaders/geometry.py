"""Prepared (simplified, quantised) commune layers for the maps.

`prepared_layer(vintage, detail)` returns the commune layer of a vintage at one of
three detail levels, ready to draw:

- the source coverage is *cleaned* once (`shapely.coverage_clean`): the source's
  thinning left overlaps and sliver gaps; cleaning gives every overlap to one unit,
  fills slivers narrower than `CLEAN_GAP_WIDTH` and makes shared edges identical;
- it is then simplified with coverage simplification (`shapely.coverage_simplify`:
  a shared border is simplified once, so neighbours stay edge-matched and no gap or
  overlap can appear) and quantised to a grid (`shapely.set_precision`), one
  tolerance and grid per detail level.

Prepared layers are cached on disk under `var/geometry/` (keyed by a hash of the
source file and the parameters, so a changed source rebuilds) and in memory once per
process (`functools.lru_cache`; the UI wraps it in `st.cache_resource`). Returned
frames are shared: never mutate them.

`scripts/build_geometry.py` (`make geodata`) builds every layer and runs the checks
in `check_layer`; `tests/test_geometry_prep.py` pins them.

The national layers are listed in `geodata/national/meta.json`: the 2009 census
layer (11,163 communes) is `vn-2009`, its columns normalised to the commune schema
of docs/data-model.md (units without a unique GSO match get `unit_code` "C" + census
commune id, as in `10-2009`); the 3,321 units of 1/7/2025 are `vn-2025`, already in
that schema (no district level). `layer_ids()` lists every layer id that can be
prepared (boundary vintages + national layers), read from geodata/.

Never imports streamlit.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from loaders import paths

NATIONAL = "vn-2009"          # the 2009 census layer (alias "national"); see layer_ids()
CRS = "EPSG:4326"
PARAMS_VERSION = "2"
# Slivers narrower than this (degrees, ~220 m) left by the source's own thinning are
# filled by the cleaning step; wider gaps (real holes, the sea) are kept.
CLEAN_GAP_WIDTH = 0.002


@dataclass(frozen=True)
class Detail:
    tolerance: float      # coverage_simplify tolerance (degrees; ~ sqrt of removed triangle area)
    decimals: int         # coordinate grid: 10**-decimals degrees
    area_rel: float       # stated per-unit area tolerance: relative part ...
    area_abs_km2: float   # ... or absolute part, whichever is larger (tiny urban wards)


# The source was already thinned at 0.00145° (~160 m), so "district" adds almost
# nothing; "province" suits a province-wide view (1 px ~ 100–150 m); "national"
# suits zoom 5–7 (1 px ~ 1 km).
DETAILS: dict[str, Detail] = {
    "district": Detail(tolerance=0.0005, decimals=5, area_rel=0.10, area_abs_km2=0.5),
    "province": Detail(tolerance=0.0015, decimals=4, area_rel=0.10, area_abs_km2=0.5),
    "national": Detail(tolerance=0.006, decimals=3, area_rel=0.25, area_abs_km2=2.0),
}

COMMUNE_COLUMNS = ["unit_code", "name", "unit_type", "district_code", "district_name",
                   "province_code", "province_name", "vintage"]

_UNIT_TYPES = (("Thị trấn ", "thị trấn"), ("Phường ", "phường"), ("Xã ", "xã"))


class GeometryError(ValueError):
    """A prepared layer failed its checks (names the vintage, detail and the figure)."""


# ---- the raw layer --------------------------------------------------------------

def _national_files() -> dict:
    """{national layer id: commune file name} from geodata/national/meta.json (the 2009 layer
    also without it, for a geodata folder built before the file existed)."""
    meta = paths.national_dir() / "meta.json"
    layers = json.loads(meta.read_text(encoding="utf-8"))["layers"] if meta.is_file() else {}
    files = {k: m["communes"] for k, m in layers.items() if m.get("communes")}
    files.setdefault(NATIONAL, "vn_adm3_2009.parquet")
    return files


def national_layer_ids() -> list[str]:
    """The national layers of geodata/national/meta.json (`vn-2009`, `vn-2025`)."""
    return sorted(_national_files())


def layer_ids() -> list[str]:
    """Every layer that can be prepared: the boundary vintages (folders of geodata/boundaries)
    and the national layers whose commune file exists, in that order."""
    bdir = paths.boundaries_dir()
    out = sorted(p.name for p in bdir.iterdir() if (p / "communes.parquet").is_file()) if bdir.is_dir() else []
    out += [k for k, f in sorted(_national_files().items()) if (paths.national_dir() / f).is_file()]
    return out


def source_path(vintage: str) -> Path:
    if vintage == "national":
        vintage = NATIONAL
    national = _national_files()
    if vintage in national:
        return paths.national_dir() / national[vintage]
    return paths.boundaries_dir() / vintage / "communes.parquet"


def _unit_type(name: str) -> str:
    for prefix, kind in _UNIT_TYPES:
        if name.startswith(prefix):
            return kind
    return "xã"  # two unnamed 2009 polygons: counted as xã (the census default)


def _normalise_national(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    def code(gso, census):
        return gso.where(gso.notna() & (gso.astype("string").str.len() > 0),
                         "C" + census.astype("string"))

    census = raw["census_commune_id"].astype("Int64").astype("string")
    names = raw["adm3_name"].fillna("").astype("string")
    out = pd.DataFrame({
        "unit_code": code(raw["gso_code_2019"].astype("string"), census),
        "name": names.where(names.str.len() > 0, "(" + census + ")"),
        "unit_type": [_unit_type(n) for n in names],
        "district_code": code(raw["gso_adm2_code_2019"].astype("string"),
                              raw["census_district_id"].astype("Int64").astype("string")),
        "district_name": raw["adm2_name"].astype("string"),
        "province_code": code(raw["gso_adm1_code"].astype("string"),
                              raw["census_province_id"].astype("Int64").astype("string")),
        "province_name": raw["adm1_name"].astype("string"),
        "vintage": NATIONAL,
        "census_commune_id": census,
        "gso_code_2019": raw["gso_code_2019"].astype("string"),
        "gso_match": raw["gso_match"].astype("string"),
    })
    # A GSO code shared by two 2009 polygons cannot identify either: fall back to census ids.
    dup = out["unit_code"].duplicated(keep=False)
    out.loc[dup, "unit_code"] = "C" + out.loc[dup, "census_commune_id"]
    return gpd.GeoDataFrame(out, geometry=raw.geometry.values, crs=raw.crs or CRS)


def raw_layer(vintage: str) -> gpd.GeoDataFrame:
    """The commune layer as stored in geodata/ (national layer normalised)."""
    path = source_path(vintage)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no commune layer for vintage {vintage!r}")
    gdf = gpd.read_parquet(path)
    if vintage in (NATIONAL, "national") and "unit_code" not in gdf.columns:
        gdf = _normalise_national(gdf)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise GeometryError(f"{path}: CRS must be EPSG:4326, found {gdf.crs}")
    return gdf.reset_index(drop=True)


# ---- preparation ----------------------------------------------------------------

def cache_dir() -> Path:
    return Path(os.environ.get("NTM_GEOMETRY_CACHE") or paths.VAR_DIR / "geometry")


def _source_key(vintage: str, extra: str) -> str:
    h = hashlib.sha1()
    h.update(source_path(vintage).read_bytes())
    h.update(f"{PARAMS_VERSION}|{CLEAN_GAP_WIDTH}|{extra}".encode())
    return h.hexdigest()[:12]


def _write_parquet(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    gdf.to_parquet(tmp, index=False)
    os.replace(tmp, path)   # atomic: concurrent builders never see half a file


def clean_coverage(geoms) -> np.ndarray:
    """Overlaps resolved, slivers filled, shared edges identical. A unit the source
    overlaps entirely would vanish: it keeps its own (valid) polygon instead."""
    geoms = np.asarray(geoms, dtype=object)
    cleaned = shapely.coverage_clean(geoms, gap_width=CLEAN_GAP_WIDTH)
    lost = shapely.is_empty(cleaned) | (shapely.area(cleaned) <= 0)
    cleaned[lost] = geoms[lost]
    return cleaned


def simplify_quantise(cleaned, detail: str) -> np.ndarray:
    d = DETAILS[detail]
    cleaned = np.asarray(cleaned, dtype=object)
    simple = shapely.coverage_simplify(cleaned, d.tolerance)
    grid = 10.0 ** -d.decimals
    out = shapely.set_precision(simple, grid)
    # A unit thinner than the grid collapses: keep it at the finest grid that holds it.
    bad = shapely.is_empty(out) | ~shapely.is_valid(out) | (shapely.area(out) <= 0)
    for i in np.flatnonzero(bad):
        for decimals in range(d.decimals + 1, 8):
            g = shapely.set_precision(cleaned[i], 10.0 ** -decimals)
            if not g.is_empty and g.is_valid and g.area > 0:
                out[i] = g
                break
        else:
            out[i] = cleaned[i]
    _keep_islands(cleaned, simple, out, d)
    return shapely.force_2d(out)


def _keep_islands(cleaned, simple, out, d: Detail) -> None:
    """A unit made of many islets (Phường Hạ Long, Quảng Ninh: 939 parts) loses most of their
    area when its coverage is simplified at a coarse tolerance, and falls outside the area
    tolerance. For such a unit, its parts that touch no other unit (islands) are simplified on
    their own, with smaller tolerances, until its area is back within tolerance; the parts on
    shared borders keep the coverage simplification, so neighbours stay edge-matched. In place
    on ``out``."""
    a0, a1 = _km2(cleaned), _km2(out)
    limit = np.maximum(d.area_rel * a0, d.area_abs_km2) * 0.9
    off = np.flatnonzero(np.abs(a1 - a0) > limit)
    if not len(off):
        return
    tree = shapely.STRtree(cleaned)
    grid = 10.0 ** -d.decimals
    for i in off:
        parts = np.asarray(shapely.get_parts(cleaned[i]), dtype=object)
        if len(parts) < 2:
            continue
        others = [j for j in tree.query(cleaned[i]) if j != i]
        free = np.array([not any(p.intersects(cleaned[j]) for j in others) for p in parts])
        if not free.any():
            continue
        kept = [p for p in shapely.get_parts(out[i]) if any(p.intersects(out[j]) for j in others)]
        islands = shapely.multipolygons(parts[free])
        for tol in (d.tolerance / 2, d.tolerance / 4, d.tolerance / 8, d.tolerance / 16, 0.0):
            isl = shapely.set_precision(shapely.simplify(islands, tol), grid) if tol else islands
            g = shapely.union_all([*kept, isl], grid_size=grid if tol else None)
            if g.is_empty or not g.is_valid:
                continue
            out[i] = g
            if abs(_km2([g])[0] - a0[i]) <= limit[i]:
                break


def _cleaned(vintage: str, raw: gpd.GeoDataFrame) -> np.ndarray:
    path = cache_dir() / vintage / f"clean-{_source_key(vintage, 'clean')}.parquet"
    if path.exists():
        return np.asarray(gpd.read_parquet(path).geometry.values, dtype=object)
    cleaned = clean_coverage(raw.geometry.values)
    _write_parquet(gpd.GeoDataFrame({"unit_code": raw["unit_code"].values}, geometry=cleaned, crs=CRS), path)
    return cleaned


def build_layer(vintage: str, detail: str) -> gpd.GeoDataFrame:
    """Build (or read from the disk cache) one prepared layer."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {sorted(DETAILS)}, got {detail!r}")
    d = DETAILS[detail]
    path = cache_dir() / vintage / f"{detail}-{_source_key(vintage, repr(d))}.parquet"
    if path.exists():
        return gpd.read_parquet(path)
    raw = raw_layer(vintage)
    out = prepare(raw, detail, cleaned=_cleaned(vintage, raw))
    _write_parquet(out, path)
    return out


def prepare(raw: gpd.GeoDataFrame, detail: str, cleaned=None) -> gpd.GeoDataFrame:
    """The preparation itself (no cache): clean, simplify, quantise; same columns."""
    if cleaned is None:
        cleaned = clean_coverage(raw.geometry.values)
    geoms = simplify_quantise(cleaned, detail)
    keep = [c for c in raw.columns if c != raw.geometry.name]
    return gpd.GeoDataFrame(raw[keep].copy(), geometry=geoms, crs=CRS)


@functools.lru_cache(maxsize=32)
def prepared_layer(vintage: str, detail: str = "province") -> gpd.GeoDataFrame:
    """Commune layer of `vintage` at `detail` ("district" | "province" | "national"),
    EPSG:4326, same unit columns as the raw layer. Cached per process: do not mutate."""
    if vintage == "national":
        vintage = NATIONAL
    return build_layer(vintage, detail)


@functools.lru_cache(maxsize=32)
def layer_text(vintage: str, detail: str = "province", fmt: str = "topojson",
               properties: tuple = ("name", "district_code", "district_name")) -> str:
    """The prepared layer as compact text for the browser: quantised TopoJSON (id =
    unit code, only `properties`) or GeoJSON (`unit_code` + `properties`), coordinates
    on the detail's grid. Cached per process; the UI serves it as a static file."""
    gdf = prepared_layer(vintage, detail)
    decimals = DETAILS[detail].decimals
    if fmt == "topojson":
        return topojson_text(gdf, decimals, properties={k: gdf[k].tolist() for k in properties})
    if fmt == "geojson":
        return geojson_text(gdf, ["unit_code", *properties], decimals)
    raise ValueError(f"fmt must be 'topojson' or 'geojson', got {fmt!r}")


# ---- checks ---------------------------------------------------------------------

def _km2(geoms) -> np.ndarray:
    """Areas in km² (equal-area projection for Viet Nam's latitudes)."""
    s = gpd.GeoSeries(np.asarray(geoms, dtype=object), crs=CRS).to_crs("EPSG:6933")
    return s.area.to_numpy() / 1e6


def area_shares(a, b) -> dict[tuple[int, int], float]:
    """{(i, j): share of a[i]'s area that lies inside b[j]} for every pair with a common area
    (equal-area projection; pairs that only touch are left out). Used to link units of two
    vintages (largest overlap) and to test code links against the geometry."""
    a = np.asarray(gpd.GeoSeries(np.asarray(a, dtype=object), crs=CRS).to_crs("EPSG:6933").values, dtype=object)
    b = np.asarray(gpd.GeoSeries(np.asarray(b, dtype=object), crs=CRS).to_crs("EPSG:6933").values, dtype=object)
    left, right = shapely.STRtree(b).query(a, predicate="intersects")
    inter = shapely.area(shapely.intersection(a[left], b[right]))
    own = shapely.area(a)
    out = {}
    for i, j, x in zip(left.tolist(), right.tolist(), inter.tolist()):
        if x > 0 and own[i] > 0:
            out[(i, j)] = x / own[i]
    return out


def overlaps_and_gaps(geoms) -> dict:
    """Total pairwise overlap area and the area of interior gaps (holes in the union
    that no unit covers), in km²."""
    geoms = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pair = left < right
    inter = shapely.intersection(geoms[left[pair]], geoms[right[pair]])
    inter = inter[shapely.area(inter) > 0]
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(r) for p in getattr(union, "geoms", [union]) for r in p.interiors]
    return {"overlap_km2": float(_km2(inter).sum()) if len(inter) else 0.0,
            "overlap_pairs": int(len(inter)),
            "gap_km2": float(_km2(holes).sum()) if holes else 0.0,
            "gaps": len(holes)}


def check_layer(raw: gpd.GeoDataFrame, prepared: gpd.GeoDataFrame, detail: str,
                source_defects: dict | None = None) -> dict:
    """Figures that prove a prepared layer sound; `problems` lists every failure."""
    d = DETAILS[detail]
    g = np.asarray(prepared.geometry.values, dtype=object)
    problems = []
    if list(prepared["unit_code"]) != list(raw["unit_code"]):
        problems.append("unit codes differ from the raw layer (order or membership)")
    empty = shapely.is_empty(g) | (shapely.area(g) <= 0)
    if empty.any():
        problems.append(f"{int(empty.sum())} units empty: {list(prepared['unit_code'][empty])[:10]}")
    invalid = ~shapely.is_valid(g)
    if invalid.any():
        problems.append(f"{int(invalid.sum())} invalid geometries: {list(prepared['unit_code'][invalid])[:10]}")
    a0, a1 = _km2(raw.geometry.values), _km2(g)
    allowed = np.maximum(d.area_rel * a0, d.area_abs_km2)
    over = np.abs(a1 - a0) > allowed
    if over.any():
        worst = prepared["unit_code"].to_numpy()[over][:10]
        problems.append(f"{int(over.sum())} units outside the area tolerance: {list(worst)}")
    before = source_defects or overlaps_and_gaps(raw.geometry.values)
    after = overlaps_and_gaps(g)
    # Quantisation may leave overlaps of a few grid cells; "new" means beyond the source's.
    if after["overlap_km2"] > before["overlap_km2"] + 0.01:
        problems.append(f"overlaps grew: {before['overlap_km2']:.3f} -> {after['overlap_km2']:.3f} km²")
    if after["gap_km2"] > before["gap_km2"] + 0.01:
        problems.append(f"gaps grew: {before['gap_km2']:.3f} -> {after['gap_km2']:.3f} km²")
    rel = np.abs(a1 - a0) / np.where(a0 > 0, a0, 1)
    return {"detail": detail, "units": int(len(prepared)), "vertices_raw": int(shapely.get_num_coordinates(raw.geometry.values).sum()),
            "vertices": int(shapely.get_num_coordinates(g).sum()),
            "invalid": int(invalid.sum()), "empty": int(empty.sum()),
            "area_rel_median": float(np.median(rel)), "area_rel_p99": float(np.quantile(rel, 0.99)),
            "area_outside_tolerance": int(over.sum()),
            "source": before, "prepared": after, "problems": problems}


# ---- compact text for the browser --------------------------------------------------

def _rings(geom) -> list[list[np.ndarray]]:
    polys = getattr(geom, "geoms", [geom])
    return [[np.asarray(p.exterior.coords)] + [np.asarray(r.coords) for r in p.interiors] for p in polys]


def geojson_text(gdf: gpd.GeoDataFrame, properties: list[str], decimals: int) -> str:
    """GeoJSON FeatureCollection with only `properties`, coordinates at `decimals`."""
    feats = []
    for row, geom in zip(gdf[properties].itertuples(index=False), gdf.geometry.values):
        geo = shapely.geometry.mapping(shapely.set_precision(geom, 10.0 ** -decimals))
        feats.append({"type": "Feature", "properties": {k: _plain(v) for k, v in zip(properties, row)},
                      "geometry": geo})
    text = json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False,
                      separators=(",", ":"))
    return text


def _plain(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return str(v) if not isinstance(v, (int, float, bool)) else v


def topojson_text(gdf: gpd.GeoDataFrame, decimals: int, properties: dict | None = None,
                  object_name: str = "communes", extra: dict | None = None, with_ids: bool = True) -> str:
    """Quantised, delta-encoded TopoJSON: a border shared by two units is one arc.

    Works on an edge-matched coverage (a prepared layer): coordinates are snapped to
    the 10**-decimals grid, so shared vertices coincide exactly. `properties` maps a
    property name to a list of values (one per row); `id` is the unit code. `extra`
    is added to the topology as a foreign member (lookup tables).
    """
    scale = 10 ** decimals
    x0 = int(np.floor(gdf.total_bounds[0] * scale))
    y0 = int(np.floor(gdf.total_bounds[1] * scale))

    # Quantised rings (integer grid), consecutive repeats dropped, open (no closing point).
    polys_per_unit = []
    all_rings = []
    for geom in gdf.geometry.values:
        unit = []
        for poly in _rings(geom):
            rings = []
            for ring in poly:
                q = np.rint(ring[:, :2] * scale).astype(np.int64) - (x0, y0)
                keep = np.ones(len(q), bool)
                keep[1:] = np.any(q[1:] != q[:-1], axis=1)
                q = q[keep]
                if len(q) > 1 and (q[0] == q[-1]).all():
                    q = q[:-1]
                if len(q) >= 3:
                    rings.append(len(all_rings))
                    all_rings.append(q)
            if rings:
                unit.append(rings)
        polys_per_unit.append(unit)

    # Junctions: points with more than two distinct neighbours in the edge graph.
    def key(a):
        return (a[:, 0] << 32) | (a[:, 1] & 0xFFFFFFFF)

    if all_rings:
        starts = np.concatenate([key(r) for r in all_rings])
        ends = np.concatenate([key(np.roll(r, -1, axis=0)) for r in all_rings])
        lo, hi = np.minimum(starts, ends), np.maximum(starts, ends)
        edges = np.unique(np.stack([lo, hi], axis=1), axis=0)
        pts, deg = np.unique(edges.ravel(), return_counts=True)
        junctions = set(pts[deg != 2].tolist())
    else:
        junctions = set()

    arcs: list = []
    index: dict = {}

    def arc_id(points: np.ndarray) -> int:
        k = points.tobytes()
        if k in index:
            return index[k]
        rk = points[::-1].tobytes()
        if rk in index:
            return ~index[rk]
        index[k] = len(arcs)
        arcs.append(points)
        return index[k]

    ring_arcs = []
    for r in all_rings:
        ks = key(r).tolist()
        cut = [i for i, k in enumerate(ks) if k in junctions]
        if not cut:
            # A ring with no junction (island, enclave): canonical start and direction,
            # so the enclave's shell and its host's hole give the same arc.
            i = int(np.lexsort((r[:, 1], r[:, 0]))[0])
            rr = np.roll(r, -i, axis=0)
            ring_arcs.append([arc_id(np.vstack([rr, rr[:1]]))])
            continue
        rr = np.roll(r, -cut[0], axis=0)
        cut = [c - cut[0] for c in cut] + [len(r)]
        closed = np.vstack([rr, rr[:1]])
        ring_arcs.append([arc_id(closed[a:b + 1]) for a, b in zip(cut[:-1], cut[1:])])

    def delta(a: np.ndarray) -> list:
        d = np.vstack([a[:1], np.diff(a, axis=0)])
        return d.tolist()

    geometries = []
    codes = gdf["unit_code"].astype(str).tolist()
    for i, unit in enumerate(polys_per_unit):
        polys = [[ring_arcs[r] for r in rings] for rings in unit]
        geo: dict = {"id": codes[i]} if with_ids else {}
        if len(polys) == 1:
            geo.update(type="Polygon", arcs=polys[0])
        else:
            geo.update(type="MultiPolygon", arcs=polys)
        if properties:
            geo["properties"] = {k: _plain(v[i]) for k, v in properties.items()}
        geometries.append(geo)

    topo = {"type": "Topology",
            "transform": {"scale": [1.0 / scale, 1.0 / scale], "translate": [x0 / scale, y0 / scale]},
            "objects": {object_name: {"type": "GeometryCollection", "geometries": geometries}},
            "arcs": [delta(a) for a in arcs]}
    if extra:
        topo.update(extra)
    return json.dumps(topo, ensure_ascii=False, separators=(",", ":"))
