"""Boundary vintages: `geodata/boundaries/<vintage>/{communes,districts}.parquet + meta.json`.

Which vintage a year is drawn on is the domain rule (``domain.vintages``); this module reads the
vintages from the meta.json files and applies it.
A two-level vintage (from 1/7/2025: province → commune, `n_districts` 0) has no districts.parquet:
`load_districts()` returns an empty layer with the district columns.
The national layers (`geodata/national/meta.json`: `vn-2009`, `vn-2025`) are described by
`national_layers()`; `national_layer_for(year)` picks the one valid on 31 December.
Results are cached per (geodata folder, vintage); callers get copies, so they may modify them.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from domain.vintages import Vintage, VintageChoice, choose, note, vintage_from, vintages_from
from loaders.paths import boundaries_dir, geodata_dir, national_dir

META_KEYS = ["vintage", "province_code", "province_name", "valid_from", "valid_to", "n_communes",
             "n_districts", "crs", "source", "licence", "attribution_vi", "attribution_en",
             "illustrative_note_vi", "illustrative_note_en", "caveats"]


VINTAGE_COLS = ["vintage", "province_code", "province_name", "valid_from", "valid_to", "n_communes",
                "n_districts", "layer", "predecessors"]
DISTRICT_COLS = ["unit_code", "name", "unit_type", "province_code", "province_name", "vintage"]


def _root(root) -> Path:
    return Path(root) if root is not None else geodata_dir()


@lru_cache(maxsize=8)
def _vintage_table(root: str) -> pd.DataFrame:
    rows = []
    bdir = boundaries_dir(Path(root))
    if bdir.is_dir():
        for d in sorted(p for p in bdir.iterdir() if (p / "meta.json").is_file()):
            m = json.loads((d / "meta.json").read_text(encoding="utf-8"))
            row = {k: m.get(k) for k in VINTAGE_COLS[:-1]}
            row["predecessors"] = ";".join(m.get("predecessor_vintages") or []) or None
            rows.append(row)
    df = pd.DataFrame(rows, columns=VINTAGE_COLS).astype(object)
    return df.where(df.notna(), None)


def vintages_table(root=None) -> pd.DataFrame:
    """One row per vintage: vintage, province_code, province_name, valid_from, valid_to (ISO strings
    or None = open), n_communes, n_districts (0 = two-level vintage, no district level), layer,
    predecessors (';'-separated ids of the vintages this one follows, from meta.json
    `predecessor_vintages`, e.g. 15-2025 ← 10-2009; None when there are none)."""
    return _vintage_table(str(_root(root))).copy()


def list_vintages(root=None) -> list[str]:
    return list(_vintage_table(str(_root(root)))["vintage"])


def vintage_list(root=None) -> list[Vintage]:
    """The vintages of the geodata folder as domain values (see ``domain.vintages``)."""
    return vintages_from(_vintage_table(str(_root(root))).to_dict("records"))


def vintage_choice(province_code: str, year: int, root=None) -> VintageChoice:
    """The vintage ``year`` is drawn on, by the domain rule (``domain.vintages.choose``)."""
    return choose(vintage_list(root), str(province_code), int(year))


def vintage_for(province_code: str, year: int, root=None) -> str:
    """Vintage id to draw `year` on (valid on 31 December; falls back to the nearest vintage)."""
    return vintage_choice(province_code, year, root).vintage


def vintage_note(province_code: str, year: int, lang: str = "vi", root=None) -> str | None:
    return note(vintage_choice(province_code, year, root), lang)


def successors(vintage: str, root=None) -> list[str]:
    """Vintages that name `vintage` among their predecessors (meta.json `predecessor_vintages`),
    e.g. successors("10-2009") == ["15-2025"] (old Lào Cai → new Lào Cai, code 15)."""
    t = _vintage_table(str(_root(root)))
    return [r.vintage for r in t.itertuples() if r.predecessors and vintage in r.predecessors.split(";")]


def has_district_level(vintage: str, root=None) -> bool:
    """False for a two-level vintage (from 1/7/2025: no district level)."""
    return int(load_meta(vintage, root).get("n_districts") or 0) > 0


def _vdir(vintage: str, root) -> Path:
    d = boundaries_dir(_root(root)) / vintage
    if not (d / "meta.json").is_file():
        raise KeyError(f"unknown boundary vintage {vintage!r} (no {d}/meta.json)")
    return d


@lru_cache(maxsize=32)
def _read_layer(path: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(path)


def load_communes(vintage: str, root=None) -> gpd.GeoDataFrame:
    return _read_layer(str(_vdir(vintage, root) / "communes.parquet")).copy()


def load_districts(vintage: str, root=None) -> gpd.GeoDataFrame:
    """The district layer; empty (district columns, no rows) for a two-level vintage."""
    path = _vdir(vintage, root) / "districts.parquet"
    if not path.is_file() and not has_district_level(vintage, root):
        return gpd.GeoDataFrame({c: pd.Series(dtype="object") for c in DISTRICT_COLS},
                                geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    return _read_layer(str(path)).copy()


@lru_cache(maxsize=32)
def _read_meta(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_meta(vintage: str, root=None) -> dict:
    return json.loads(_read_meta(str(_vdir(vintage, root) / "meta.json")))


@lru_cache(maxsize=8)
def _national_meta(root: str) -> str:
    path = national_dir(Path(root)) / "meta.json"
    return path.read_text(encoding="utf-8") if path.is_file() else '{"layers": {}}'


def national_layers(root=None) -> dict:
    """{layer id: description} from geodata/national/meta.json: file names (`communes`, `districts`,
    `provinces`), valid_from / valid_to, district_level, counts, source, licence, attribution, notes."""
    return json.loads(_national_meta(str(_root(root))))["layers"]


def national_layer_for(year: int, root=None) -> str:
    """The national layer `year` is drawn on: the one valid on 31 December (else the nearest)."""
    layers = national_layers(root)
    if not layers:
        raise KeyError("no national layer (geodata/national/meta.json)")
    vs = [vintage_from({"vintage": k, "province_code": "VN", **m}) for k, m in layers.items()]
    return choose(vs, "VN", int(year)).vintage


def province_successors(root=None) -> dict[str, str]:
    """Province code before 1/7/2025 -> the code of the province it became part of (the
    `old_province_codes` of each province of the two-level national layer): 10 → 15, 42 → 42."""
    out: dict[str, str] = {}
    for layer, meta in national_layers(root).items():
        if meta.get("district_level", True) or "provinces" not in meta:
            continue
        for r in load_national("province", root, layer).to_dict("records"):
            for old in str(r.get("old_province_codes") or "").split(";"):
                if old.strip():
                    out[old.strip()] = str(r["province_code"])
    return out


def load_national(level: str = "commune", root=None, layer: str = "vn-2009") -> gpd.GeoDataFrame:
    """A national layer, outside the default load path (national view, scale views, tests).
    `vn-2009` (default): the 2009 census layer (11,163 communes / 703 districts; codes are census
    ids, `gso_code_2019` where matched). `vn-2025`: the 3,321 units of 1/7/2025 in the commune schema
    (GSO codes, no district level); `level="province"` gives its 34 provinces as a table."""
    meta = national_layers(root).get(layer)
    if meta is None:
        if layer != "vn-2009":
            raise KeyError(f"unknown national layer {layer!r}; one of {sorted(national_layers(root))}")
        meta = {"communes": "vn_adm3_2009.parquet", "districts": "vn_adm2_2009.parquet"}
    key = {"commune": "communes", "district": "districts", "province": "provinces"}[level]
    if key not in meta:
        raise KeyError(f"national layer {layer!r} has no {level} level")
    path = national_dir(_root(root)) / meta[key]
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _read_layer(str(path)).copy()


def clear_caches() -> None:
    _vintage_table.cache_clear()
    _read_layer.cache_clear()
    _read_meta.cache_clear()
    _national_meta.cache_clear()
