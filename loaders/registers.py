"""Unit registers, the crosswalk chain (2019 → 2020 → 1/7/2025) and the criteria sets, read from
`geodata/` CSVs.

Codes stay strings; `crosswalk.inferred` becomes a bool. Cached per geodata folder; callers get copies.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.paths import criteria_dir, geodata_dir, registers_dir

UNIT_COLS = ["vintage", "unit_code", "admin_level", "name", "unit_type", "parent_code", "province_code"]
CROSSWALK_COLS = ["from_vintage", "from_code", "to_vintage", "to_code", "relation", "part", "inferred", "note"]
CRITERIA_COLS = ["criteria_set", "criterion_id", "name_vi", "name_en", "group_id", "group_vi",
                 "group_en", "scope", "note"]


def read_csv_str(path: Path) -> pd.DataFrame:
    """CSV with every column as text; empty cells become ''. Keeps leading zeros of codes."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _root(root) -> Path:
    return Path(root) if root is not None else geodata_dir()


@lru_cache(maxsize=8)
def _units(root: str) -> pd.DataFrame:
    return read_csv_str(registers_dir(Path(root)) / "units.csv")


@lru_cache(maxsize=8)
def _crosswalk(root: str) -> pd.DataFrame:
    df = read_csv_str(registers_dir(Path(root)) / "crosswalk.csv")
    df["inferred"] = df["inferred"].str.lower().eq("true")
    return df


@lru_cache(maxsize=8)
def _criteria(root: str) -> pd.DataFrame:
    df = read_csv_str(criteria_dir(Path(root)) / "criteria.csv")
    if "note" not in df.columns:
        df["note"] = ""
    return df


def load_units(root=None) -> pd.DataFrame:
    """vintage, unit_code, admin_level, name, unit_type, parent_code, province_code."""
    return _units(str(_root(root))).copy()


def load_crosswalk(root=None) -> pd.DataFrame:
    """from_vintage, from_code, to_vintage, to_code ('' for a ceased district), relation
    (same | renamed | merged_into | ceased), part (full | partial; '' when ceased), inferred (bool), note."""
    return _crosswalk(str(_root(root))).copy()


def load_criteria(root=None) -> pd.DataFrame:
    """criteria_set, criterion_id, name_vi, name_en, group_id, group_vi, group_en, scope, note."""
    return _criteria(str(_root(root))).copy()


def clear_caches() -> None:
    _units.cache_clear()
    _crosswalk.cache_clear()
    _criteria.cache_clear()
