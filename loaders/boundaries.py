"""Boundary vintages: `geodata/boundaries/<vintage>/{communes,districts}.parquet + meta.json`.

A year is drawn on the vintage valid on 31 December of that year. Years outside every vintage's
validity fall back to the nearest vintage, and `vintage_choice()` says so (for a visible UI note).
Results are cached per (geodata folder, vintage); callers get copies, so they may modify them.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

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


@dataclass(frozen=True)
class VintageChoice:
    vintage: str
    province_code: str
    year: int
    exact: bool              # False when the UI must show the note (fallback or approximate layer)
    note_vi: str | None
    note_en: str | None


def _d(s):
    return dt.date.fromisoformat(s) if isinstance(s, str) and s else None


def vintage_choice(province_code: str, year: int, root=None) -> VintageChoice:
    province_code = str(province_code)
    t = _vintage_table(str(_root(root)))
    t = t[t["province_code"] == province_code]
    if t.empty:
        raise KeyError(f"no boundary vintage for province {province_code!r}")
    day = dt.date(int(year), 12, 31)
    lo = dt.date.min
    hi = dt.date.max
    spans = [(r.vintage, _d(r.valid_from) or lo, _d(r.valid_to) or hi, r) for r in t.itertuples()]
    spans.sort(key=lambda s: s[1])
    for v, start, end, r in spans:
        if start <= day <= end:
            if r.layer == "2009 census layer" or (start == lo and end != hi):
                # open start: earlier years are drawn on this unit set; say so
                if r.layer == "2009 census layer":
                    return VintageChoice(v, province_code, int(year), False,
                                         f"Năm {year} được vẽ trên lớp ranh giới điều tra dân số 2009 "
                                         f"(chưa dựng ranh giới về sau).",
                                         f"{year} is drawn on the 2009 census boundary layer "
                                         f"(later boundaries not built).")
                if end.year > int(year):
                    return VintageChoice(v, province_code, int(year), False,
                                         f"Năm {year} được vẽ trên danh mục đơn vị năm {end.year} "
                                         f"(thay đổi địa giới trước đó chưa được mô hình hóa).",
                                         f"{year} is drawn on the {end.year} unit set "
                                         f"(earlier boundary changes are not modelled).")
            return VintageChoice(v, province_code, int(year), True, None, None)
    if day < spans[0][1]:
        v = spans[0][0]
        return VintageChoice(v, province_code, int(year), False,
                             f"Năm {year} trước lớp ranh giới sớm nhất; hiển thị trên {v}.",
                             f"{year} is before the earliest boundary layer; shown on {v}.")
    v = max(spans, key=lambda s: s[2])[0]
    return VintageChoice(v, province_code, int(year), False,
                         f"Năm {year} sau lớp ranh giới mới nhất; hiển thị trên {v} "
                         f"(chưa có ranh giới sau sáp nhập).",
                         f"{year} is after the latest boundary layer; shown on {v} "
                         f"(later mergers are not built).")


def vintage_for(province_code: str, year: int, root=None) -> str:
    """Vintage id to draw `year` on (valid on 31 December; falls back to the nearest vintage)."""
    return vintage_choice(province_code, year, root).vintage


def vintage_note(province_code: str, year: int, lang: str = "vi", root=None) -> str | None:
    c = vintage_choice(province_code, year, root)
    return c.note_en if lang == "en" else c.note_vi


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
