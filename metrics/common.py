"""Small helpers for the metrics (pure, no I/O). The vocabulary (levels, ladders, provenance,
unit types) is ``domain``'s."""
from __future__ import annotations

import math

import pandas as pd

def is_missing(x) -> bool:
    if x is None:
        return True
    if isinstance(x, float) and math.isnan(x):
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


_PLAIN = (str, bool, int)


def clean(x):
    """A JSON-friendly scalar: NaN/NA -> None, numpy scalars -> Python scalars."""
    if x is None or x.__class__ in _PLAIN:
        return x
    if x.__class__ is float:
        return None if x != x else x
    if isinstance(x, (list, dict)):
        return x
    if is_missing(x):
        return None
    if hasattr(x, "item"):
        return x.item()
    return x


def dict_rows(df: pd.DataFrame, columns=None) -> list[dict]:
    """Rows as dicts of Python values (one ``tolist`` per column: far cheaper than
    ``to_dict('records')`` on small frames). Missing cells stay as the frame holds them."""
    cols = list(df.columns) if columns is None else [c for c in columns if c in df.columns]
    return [dict(zip(cols, row)) for row in zip(*(df[c].tolist() for c in cols))]


def json_rows(rows, columns=None) -> list[dict]:
    """Row dicts as JSON-friendly dicts (only ``columns`` when given, in that order)."""
    if columns is not None:
        rows = ({c: r[c] for c in columns if c in r} for r in rows)
    # plain str / bool / int / None cells need no cleaning: skip the call for them
    return [{c: v if v is None or v.__class__ in _PLAIN else clean(v) for c, v in r.items()} for r in rows]


def records_to_json(df: pd.DataFrame, columns=None) -> list[dict]:
    """Rows as JSON-friendly dicts (NaN/NA -> None, numpy scalars -> Python)."""
    if df is None or len(df) == 0:
        return []
    return json_rows(dict_rows(df, columns))


def _str(s: pd.Series) -> pd.Series:
    """Codes as plain strings (object dtype), missing as None."""
    return s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v).strip())


def rows_of(df: pd.DataFrame) -> list:
    """Rows as namespaces (attribute access like itertuples, without its per-row pandas cost)."""
    from types import SimpleNamespace
    cols = [str(c) for c in df.columns]
    return [SimpleNamespace(**dict(zip(cols, vals))) for vals in zip(*(df[c].tolist() for c in df.columns))]


def meta_of(df: pd.DataFrame, key: str):
    """A frame-wide value (``vintage``, ``year``...) from ``attrs`` or from its constant column."""
    v = df.attrs.get(key) if df.attrs else None
    if v is None and key in df.columns and len(df):
        v = df[key].iat[0]
    return v


class MetricsInputError(ValueError):
    """The dataset does not allow the requested figure (unknown province, year, vintage...)."""
