"""Boundary vintages: `geodata/boundaries/<vintage>/{communes,districts}.parquet + meta.json`.

Which vintage a year is drawn on is the domain rule (``domain.vintages``); this module reads the
vintages from the meta.json files and applies it.
Results are cached per (geodata folder, vintage); callers get copies, so they may modify them.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from domain.vintages import Vintage, VintageChoice, choose, note, vintages_from
from loaders.paths import boundaries_dir, geodata_dir, national_dir

META_KEYS = ["vintage", "province_code", "province_name", "valid_from", "valid_to", "n_communes",
             "n_districts", "crs", "source", "licence", "attribution_vi", "attribution_en",
             "illustrative_note_vi", "illustrative_note_en", "caveats"]


def _root(root) -> Path:
    return Path(root) if root is not None else geodata_dir()


@lru_cache(maxsize=8)
def _vintage_table(root: str) -> pd.DataFrame:
    rows = []
    bdir = boundaries_dir(Path(root))
    if bdir.is_dir():
        for d in sorted(p for p in bdir.iterdir() if (p / "meta.json").is_file()):
            m = json.loads((d / "meta.json").read_text(encoding="utf-8"))
            rows.append({k: m.get(k) for k in ["vintage", "province_code", "province_name", "valid_from",
                                                "valid_to", "n_communes", "n_districts", "layer"]})
    cols = ["vintage", "province_code", "province_name", "valid_from", "valid_to", "n_communes",
            "n_districts", "layer"]
    df = pd.DataFrame(rows, columns=cols).astype(object)
    return df.where(df.notna(), None)


def vintages_table(root=None) -> pd.DataFrame:
    """One row per vintage: vintage, province_code, province_name, valid_from, valid_to (ISO strings
    or None = open), n_communes, n_districts, layer."""
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
    return _read_layer(str(_vdir(vintage, root) / "districts.parquet")).copy()


@lru_cache(maxsize=32)
def _read_meta(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_meta(vintage: str, root=None) -> dict:
    return json.loads(_read_meta(str(_vdir(vintage, root) / "meta.json")))


def load_national(level: str = "commune", root=None) -> gpd.GeoDataFrame:
    """The national 2009 census layer (11,163 communes / 703 districts); outside the default
    load path, for scale views and tests. Codes here are census ids; `gso_code_2019` where matched."""
    name = {"commune": "vn_adm3_2009", "district": "vn_adm2_2009"}[level]
    return _read_layer(str(national_dir(_root(root)) / f"{name}.parquet")).copy()


def clear_caches() -> None:
    _vintage_table.cache_clear()
    _read_layer.cache_clear()
    _read_meta.cache_clear()
