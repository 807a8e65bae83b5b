"""Per-province preparation of the dataset frames (normalised columns, lineage maps).

``Prepared`` is built per call (or once per ``build_summary``) and passed to the inner
functions; nothing is cached at module level, so a changed dataset is never served stale.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .common import (
    LEVEL_RANK, DISTRICT_RANK, PROV_RANK, MetricsInputError, _str, default_criteria_set,
)

STATUS_COLS = ["record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set",
               "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date",
               "source_id", "provenance", "derived_from", "note"]


def _frame(ds, name: str) -> pd.DataFrame:
    df = getattr(ds, name, None)
    if df is None:
        return pd.DataFrame()
    return df


def _date(x):
    if x is None or (isinstance(x, float) and pd.isna(x)) or (not isinstance(x, str) and pd.isna(x)):
        return None
    s = str(x).strip()
    if not s or s.lower() in ("nan", "none", "nat"):
        return None
    return pd.Timestamp(s)


@dataclass
class Prepared:
    province_code: str
    province_name: str
    units: pd.DataFrame          # all vintages of the province
    vintages: pd.DataFrame       # vintage, valid_from, valid_to (Timestamps or None), ordered
    crosswalk: pd.DataFrame
    status: pd.DataFrame         # records of the province's units, normalised
    targets: pd.DataFrame
    aggregates: pd.DataFrame
    _lineage: dict = field(default_factory=dict)
    _status_cache: dict = field(default_factory=dict)

    # ---- vintages -----------------------------------------------------------------
    def vintage_for(self, year: int) -> tuple[str, str | None]:
        """The vintage valid on 31 December of ``year`` and a note when none strictly is."""
        v = self.vintages
        if v.empty:
            raise MetricsInputError(f"no boundary vintage for province {self.province_code}")
        day = pd.Timestamp(year=int(year), month=12, day=31)
        for row in v.itertuples(index=False):
            lo_ok = pd.isna(row.valid_from) or row.valid_from <= day
            hi_ok = pd.isna(row.valid_to) or row.valid_to >= day
            if lo_ok and hi_ok:
                return row.vintage, None
        first, last = v.iloc[0], v.iloc[-1]
        if pd.notna(first.valid_from) and day < first.valid_from:
            return first.vintage, (f"{year} is before the earliest vintage {first.vintage}; "
                                   f"drawn on {first.vintage}")
        return last.vintage, (f"{year} is after the last vintage {last.vintage} "
                              f"(valid to {last.valid_to.date() if pd.notna(last.valid_to) else '?'}); "
                              f"drawn on {last.vintage}")

    def vintage_row(self, vintage: str):
        r = self.vintages[self.vintages["vintage"] == vintage]
        if r.empty:
            raise MetricsInputError(f"unknown vintage {vintage!r} for province {self.province_code}")
        return r.iloc[0]

    def vintage_order(self, vintage: str) -> int:
        idx = self.vintages.index[self.vintages["vintage"] == vintage]
        if len(idx) == 0:
            raise MetricsInputError(f"unknown vintage {vintage!r} for province {self.province_code}")
        return int(idx[0])

    # ---- units ----------------------------------------------------------------------
    def units_of(self, vintage: str, admin_level: str) -> pd.DataFrame:
        u = self.units
        return u[(u["vintage"] == vintage) & (u["admin_level"] == admin_level)]

    def communes(self, vintage: str) -> pd.DataFrame:
        """Communes of a vintage with their district code and name."""
        key = ("communes", vintage)
        if key not in self._lineage:
            c = self.units_of(vintage, "commune")[["unit_code", "vintage", "name", "unit_type",
                                                  "parent_code"]]
            d = self.units_of(vintage, "district")[["unit_code", "name", "unit_type"]].rename(
                columns={"unit_code": "parent_code", "name": "district_name",
                         "unit_type": "district_type"})
            c = c.merge(d, on="parent_code", how="left").rename(columns={"parent_code": "district_code"})
            self._lineage[key] = c.reset_index(drop=True)
        return self._lineage[key]

    # ---- lineage --------------------------------------------------------------------
    def _step(self, a: str, b: str) -> pd.DataFrame:
        cw = self.crosswalk
        s = cw[(cw["from_vintage"] == a) & (cw["to_vintage"] == b)][["from_code", "to_code"]]
        return s

    def lineage(self, target: str, admin_level: str) -> pd.DataFrame:
        """Map every unit of the province's other vintages onto ``target``.

        Columns: src_vintage, src_code, to_code, kind ('direct' for a 1:1 lineage, 'part' for one
        of several older units merged into ``to_code``). Newer vintages map back only 1:1.
        """
        key = ("lineage", target, admin_level)
        if key in self._lineage:
            return self._lineage[key]
        names = list(self.vintages["vintage"])
        t = names.index(target)
        codes_of = {v: set(self.units_of(v, admin_level)["unit_code"]) for v in names}
        frames = []
        # older vintages: compose the crosswalk steps forward
        for i in range(t - 1, -1, -1):
            m = pd.DataFrame({"src_code": sorted(codes_of[names[i]])})
            m["cur"] = m["src_code"]
            ok = True
            for j in range(i, t):
                st = self._step(names[j], names[j + 1])
                if st.empty:
                    ok = False
                    break
                m = m.merge(st, left_on="cur", right_on="from_code", how="inner")
                m = m.drop(columns=["cur", "from_code"]).rename(columns={"to_code": "cur"})
            if not ok or m.empty:
                continue
            m = m.rename(columns={"cur": "to_code"})
            m = m[m["to_code"].isin(codes_of[target])]
            n = m.groupby("to_code")["src_code"].transform("size")
            m["kind"] = ["direct" if k == 1 else "part" for k in n]
            m["src_vintage"] = names[i]
            frames.append(m)
        # newer vintages: only 1:1 lineages carry back
        for i in range(t + 1, len(names)):
            m = pd.DataFrame({"tgt": sorted(codes_of[target])})
            m["cur"] = m["tgt"]
            ok = True
            for j in range(t, i):
                st = self._step(names[j], names[j + 1])
                if st.empty:
                    ok = False
                    break
                m = m.merge(st, left_on="cur", right_on="from_code", how="inner")
                m = m.drop(columns=["cur", "from_code"]).rename(columns={"to_code": "cur"})
            if not ok or m.empty:
                continue
            m = m.rename(columns={"cur": "src_code", "tgt": "to_code"})
            n = m.groupby("src_code")["to_code"].transform("size")
            m = m[n == 1].copy()
            m["kind"] = "direct"
            m["src_vintage"] = names[i]
            frames.append(m)
        own = pd.DataFrame({"src_code": sorted(codes_of[target])})
        own["to_code"] = own["src_code"]
        own["kind"] = "direct"
        own["src_vintage"] = target
        frames.append(own)
        out = pd.concat(frames, ignore_index=True)[["src_vintage", "src_code", "to_code", "kind"]]
        self._lineage[key] = out
        return out


def _norm_status(st: pd.DataFrame) -> pd.DataFrame:
    st = st.copy()
    for c in STATUS_COLS:
        if c not in st.columns:
            st[c] = None
    for c in ("record_id", "vintage", "unit_code", "admin_level", "level", "criteria_set",
              "missing_criteria", "decision_no", "decision_date", "source_id", "provenance",
              "derived_from", "note"):
        st[c] = _str(st[c])
    st["year"] = pd.to_numeric(st["year"], errors="coerce").astype("Int64")
    st = st[st["year"].notna()].copy()
    st["year"] = st["year"].astype(int)
    for c in ("criteria_met", "criteria_total"):
        st[c] = pd.to_numeric(st[c], errors="coerce")
    st["level_rank"] = st["level"].map(DISTRICT_RANK).fillna(-1).astype(int)
    st["prov_rank"] = st["provenance"].map(PROV_RANK).fillna(len(PROV_RANK)).astype(int)
    st["criteria_set_default"] = st["criteria_set"].isna() | (st["criteria_set"] == "")
    st["criteria_set"] = [s if not d else default_criteria_set(y)
                          for s, d, y in zip(st["criteria_set"], st["criteria_set_default"], st["year"])]
    return st


def prepare(ds, province_code) -> Prepared:
    """Normalise the frames of ``ds`` for one province (pure; returns new frames)."""
    pc = str(province_code).strip()
    units = _frame(ds, "units").copy()
    if units.empty:
        raise MetricsInputError("the dataset has no unit register (ds.units is empty)")
    for c in ("vintage", "unit_code", "admin_level", "name", "unit_type", "parent_code", "province_code"):
        if c not in units.columns:
            raise MetricsInputError(f"ds.units lacks column {c!r}")
        units[c] = _str(units[c])
    units = units[units["province_code"] == pc].reset_index(drop=True)
    if units.empty:
        raise MetricsInputError(f"unknown province code {pc!r} (not in the unit register)")
    prow = units[units["admin_level"] == "province"]
    pname = prow["name"].iloc[0] if len(prow) else pc

    vint = _frame(ds, "vintages").copy()
    if not vint.empty:
        for c in ("vintage", "province_code"):
            vint[c] = _str(vint[c])
        vint = vint[vint["province_code"] == pc]
    present = sorted(set(units["vintage"]) - {None})
    if vint.empty:  # fall back to the vintages named in the register, without dates
        vint = pd.DataFrame({"vintage": present, "valid_from": None, "valid_to": None})
    vint = pd.DataFrame({
        "vintage": list(vint["vintage"]),
        "valid_from": [_date(x) for x in vint.get("valid_from", pd.Series([None] * len(vint)))],
        "valid_to": [_date(x) for x in vint.get("valid_to", pd.Series([None] * len(vint)))],
    })
    vint = vint[vint["vintage"].isin(present)]
    # order: by valid_to (open end last), then valid_from, then name
    far = pd.Timestamp("2262-01-01")
    near = pd.Timestamp("1678-01-01")
    vint["_k1"] = vint["valid_to"].fillna(far)
    vint["_k2"] = vint["valid_from"].fillna(near)
    vint = vint.sort_values(["_k1", "_k2", "vintage"]).drop(columns=["_k1", "_k2"]).reset_index(drop=True)

    cw = _frame(ds, "crosswalk").copy()
    if not cw.empty:
        for c in ("from_vintage", "from_code", "to_vintage", "to_code", "relation"):
            cw[c] = _str(cw[c])
        names = set(vint["vintage"])
        cw = cw[cw["from_vintage"].isin(names) & cw["to_vintage"].isin(names)].reset_index(drop=True)
    else:
        cw = pd.DataFrame(columns=["from_vintage", "from_code", "to_vintage", "to_code", "relation"])

    st = _frame(ds, "status")
    st = _norm_status(st) if not st.empty else _norm_status(pd.DataFrame(columns=STATUS_COLS))
    keys = units[["vintage", "unit_code", "admin_level"]]
    st = st.merge(keys, on=["vintage", "unit_code", "admin_level"], how="inner")

    tg = _frame(ds, "targets").copy()
    if not tg.empty:
        for c in ("target_id", "scope", "vintage", "unit_code", "admin_level", "level", "source_id",
                  "provenance"):
            if c not in tg.columns:
                tg[c] = None
            tg[c] = _str(tg[c])
        for c in ("target_year", "target_share", "target_count"):
            if c not in tg.columns:
                tg[c] = None
            tg[c] = pd.to_numeric(tg[c], errors="coerce")
        ukeys = units[["vintage", "unit_code"]].drop_duplicates()
        in_prov = tg.merge(ukeys, on=["vintage", "unit_code"], how="inner")
        prov_rows = tg[(tg["scope"] == "province") & (tg["unit_code"] == pc)]
        tg = pd.concat([in_prov, prov_rows]).drop_duplicates(subset=["target_id"]).reset_index(drop=True)

    ag = _frame(ds, "aggregates").copy()
    if not ag.empty:
        for c in ("aggregate_id", "area_code", "admin_level", "metric", "as_of", "source_id", "provenance"):
            if c not in ag.columns:
                ag[c] = None
            ag[c] = _str(ag[c])
        for c in ("year", "value", "denominator"):
            ag[c] = pd.to_numeric(ag[c], errors="coerce")
        area_codes = set(units["unit_code"]) | {pc}
        ag = ag[ag["area_code"].isin(area_codes)].reset_index(drop=True)

    return Prepared(pc, pname, units, vint, cw, st.reset_index(drop=True), tg, ag)


def as_prepared(ds, province_code) -> Prepared:
    if isinstance(ds, Prepared):
        if ds.province_code != str(province_code):
            raise MetricsInputError(f"prepared data is for province {ds.province_code}, not {province_code}")
        return ds
    return prepare(ds, province_code)
