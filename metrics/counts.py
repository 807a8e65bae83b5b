"""Counts and shares per level, for the province and each district.

Denominator = eligible units (xã only). phường / thị trấn are counted apart as not applicable;
units with no record are ``unknown`` and are never counted as ``none``. Each area carries the
weakest provenance among the records its counts rest on.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import LADDER, PROV_RANK, PROVENANCE

COUNT_COLS = ["area_code", "area_name", "admin_level", "units", "eligible", "known", "none", "standard",
              "advanced", "model", "unknown", "not_applicable", "mixed", "atleast_standard",
              "atleast_advanced", "atleast_model", "share_standard", "share_advanced", "share_model",
              "share_known", "weakest_provenance", "illustrative"]


def _indicators(df: pd.DataFrame) -> pd.DataFrame:
    elig = df["eligible"].astype(bool).to_numpy()
    lv = df["level"].to_numpy()
    ind = {"units": np.ones(len(df), dtype=int), "eligible": elig.astype(int)}
    for k in LADDER + ["unknown"]:
        ind[k] = ((lv == k) & elig).astype(int)
    ind["not_applicable"] = (~elig).astype(int)
    ind["mixed"] = (df["mixed"].fillna(False).astype(bool).to_numpy() & elig).astype(int)
    used = elig & (lv != "unknown")
    rank = df["provenance"].map(PROV_RANK).to_numpy(dtype=float, na_value=np.nan)
    ind["prov_rank"] = np.where(used, rank, np.nan)
    ind["illustrative"] = (used & (df["provenance"].to_numpy() == "illustrative")).astype(int)
    return pd.DataFrame(ind, index=df.index)


def _finish(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    t["known"] = t["eligible"] - t["unknown"]
    t["atleast_model"] = t["model"]
    t["atleast_advanced"] = t["model"] + t["advanced"]
    t["atleast_standard"] = t["atleast_advanced"] + t["standard"]
    e = t["eligible"].where(t["eligible"] > 0)
    for k in ("standard", "advanced", "model"):
        t[f"share_{k}"] = (t[f"atleast_{k}"] / e).astype(object).where(e.notna(), None)
    t["share_known"] = (t["known"] / e).astype(object).where(e.notna(), None)
    t["weakest_provenance"] = [PROVENANCE[int(r)] if pd.notna(r) else None for r in t["prov_rank"]]
    t["illustrative"] = t["illustrative"] > 0
    return t


def level_counts(commune_status: pd.DataFrame) -> pd.DataFrame:
    """One row per area: the province first, then each district (sorted by code)."""
    df = commune_status
    ind = _indicators(df)
    sums = [c for c in ind.columns if c != "prov_rank"]
    prov = ind[sums].sum().to_frame().T
    prov["prov_rank"] = ind["prov_rank"].max()
    prov.insert(0, "area_code", df.attrs.get("province_code"))
    prov.insert(1, "area_name", df.attrs.get("province_name", df.attrs.get("province_code")))
    prov.insert(2, "admin_level", "province")
    ind["district_code"] = df["district_code"].fillna("")
    g = ind.groupby("district_code", sort=True)
    dist = g[sums].sum()
    dist["prov_rank"] = g["prov_rank"].max()
    names = df.assign(district_code=df["district_code"].fillna("")).drop_duplicates("district_code") \
        .set_index("district_code")["district_name"]
    dist = dist.reset_index().rename(columns={"district_code": "area_code"})
    dist.insert(1, "area_name", dist["area_code"].map(names))
    dist.insert(2, "admin_level", "district")
    out = _finish(pd.concat([prov, dist], ignore_index=True))
    for c in ("units", "eligible", "known", *LADDER, "unknown", "not_applicable", "mixed",
              "atleast_standard", "atleast_advanced", "atleast_model"):
        out[c] = out[c].astype(int)
    out = out[COUNT_COLS]
    out.attrs.update(df.attrs)
    return out
