"""Counts and shares per level, for the province and each district.

Denominator = eligible units (xã only). phường / thị trấn are counted apart as not applicable;
units with no record are ``unknown`` and are never counted as ``none``. Each area carries the
weakest provenance among the records its counts rest on.
"""
from __future__ import annotations

import pandas as pd

from domain.levels import LADDER, PROV_RANK, PROVENANCE

COUNT_COLS = ["area_code", "area_name", "admin_level", "units", "eligible", "known", "none", "standard",
              "advanced", "model", "unknown", "not_applicable", "mixed", "atleast_standard",
              "atleast_advanced", "atleast_model", "share_standard", "share_advanced", "share_model",
              "share_known", "weakest_provenance", "illustrative"]
_KEYS = ("units", "eligible", *LADDER, "unknown", "not_applicable", "mixed")


def _empty() -> dict:
    d = dict.fromkeys(_KEYS, 0)
    d["prov_rank"] = -1
    d["illustrative"] = False
    return d


def _finish(code, name, admin_level, t: dict) -> dict:
    e = t["eligible"]
    out = {"area_code": code, "area_name": name, "admin_level": admin_level,
           **{k: t[k] for k in _KEYS}}
    out["known"] = e - t["unknown"]
    out["atleast_model"] = t["model"]
    out["atleast_advanced"] = t["model"] + t["advanced"]
    out["atleast_standard"] = out["atleast_advanced"] + t["standard"]
    for k in ("standard", "advanced", "model"):
        out[f"share_{k}"] = out[f"atleast_{k}"] / e if e else None
    out["share_known"] = out["known"] / e if e else None
    out["weakest_provenance"] = PROVENANCE[t["prov_rank"]] if t["prov_rank"] >= 0 else None
    out["illustrative"] = t["illustrative"]
    return out


_IN = ("district_code", "district_name", "eligible", "level", "mixed", "provenance")


def _count(units, province_code, province_name) -> list[dict]:
    """The COUNT_COLS dicts from (district_code, district_name, eligible, level, mixed,
    provenance) tuples, one per commune."""
    prov = _empty()
    dist: dict = {}
    names: dict = {}
    for dcode, dname, elig, level, mixed, p in units:
        d = dist.get(dcode)
        if d is None:
            d = dist[dcode] = _empty()
            names[dcode] = dname
        for t in (prov, d):
            t["units"] += 1
            if not elig:
                t["not_applicable"] += 1
                continue
            t["eligible"] += 1
            t[level if level in t else "unknown"] += 1
            if mixed:
                t["mixed"] += 1
            if level != "unknown" and p in PROV_RANK:
                t["prov_rank"] = max(t["prov_rank"], PROV_RANK[p])
                t["illustrative"] = t["illustrative"] or p == "illustrative"
    out = [_finish(province_code, province_name, "province", prov)]
    for code in sorted(dist, key=lambda c: (c is None, c or "")):
        out.append(_finish(code, names[code], "district", dist[code]))
    return [{c: r[c] for c in COUNT_COLS} for r in out]


def count_rows(rows, province_code, province_name) -> list[dict]:
    """``level_counts`` as dicts (COUNT_COLS keys) from commune status rows (dicts)."""
    return _count(([r[c] for c in _IN] for r in rows), province_code, province_name)


def level_counts(commune_status: pd.DataFrame, province_code=None, province_name=None) -> pd.DataFrame:
    """One row per area: the province first, then each district (sorted by code). The province
    code and name come from the arguments or from the status frame's ``attrs``."""
    df = commune_status
    province_code = province_code or df.attrs.get("province_code")
    province_name = province_name or df.attrs.get("province_name", province_code)
    rows = _count(zip(*(df[c].tolist() for c in _IN)), province_code, province_name)
    return pd.DataFrame(rows, columns=COUNT_COLS)
