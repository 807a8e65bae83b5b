"""Per-province preparation of the dataset frames (normalised columns, records per unit,
lineage maps).

``Prepared`` is built per call (or once per ``build_summary``) and passed to the inner
functions; nothing is cached at module level, so a changed dataset is never served stale.
The hot paths use plain Python structures: the frames are small (hundreds of units), where
per-call pandas overhead would dominate.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .common import DISTRICT_RANK, PROV_RANK, MetricsInputError, default_criteria_set, rows_of

STATUS_COLS = ["record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set",
               "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date",
               "source_id", "provenance", "derived_from", "note"]
TEXT_STATUS = ("record_id", "vintage", "unit_code", "admin_level", "level", "criteria_set",
               "missing_criteria", "decision_no", "decision_date", "source_id", "provenance",
               "derived_from", "note")


def _frame(ds, name: str) -> pd.DataFrame:
    df = getattr(ds, name, None)
    return pd.DataFrame() if df is None else df


def _s(v):
    """A text cell as a stripped str, or None when missing/empty."""
    if v is None:
        return None
    if not isinstance(v, str):
        try:
            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        v = str(v)
    v = v.strip()
    return v or None


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _date(x):
    s = _s(x)
    if s is None or s.lower() in ("nan", "none", "nat"):
        return None
    return pd.Timestamp(s)


def _texts(values) -> list:
    # fast path for clean non-empty str cells; everything else goes through _s
    return [v if (v.__class__ is str and v and v[0] != " " and v[-1] != " ") else _s(v) for v in values]


def _obj(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Text columns as object dtype holding str/None (cheap comparisons on small frames)."""
    n = len(df)
    out = {c: (_texts(df[c].tolist()) if c in df.columns else [None] * n) for c in cols}
    return pd.DataFrame(out, index=df.index, dtype=object)


@dataclass
class Prepared:
    province_code: str
    province_name: str
    units: pd.DataFrame          # all vintages of the province
    vintages: pd.DataFrame       # vintage, valid_from, valid_to (Timestamp or NaT), ordered
    crosswalk: pd.DataFrame
    targets: pd.DataFrame
    aggregates: pd.DataFrame
    records: dict                # (admin_level, vintage, unit_code) -> [record dict], by year
    _cache: dict = field(default_factory=dict)

    @property
    def status(self) -> pd.DataFrame:
        """The province's records as one normalised frame (built on first use)."""
        if "status_df" not in self._cache:
            rows = [r for lst in self.records.values() for r in lst]
            cols = STATUS_COLS + ["level_rank", "prov_rank", "criteria_set_default"]
            df = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in cols})
            df["year"] = df["year"].astype(int)
            for c in ("criteria_met", "criteria_total"):
                df[c] = pd.to_numeric(df[c]).astype(float)
            self._cache["status_df"] = df
        return self._cache["status_df"]

    def first_record_year(self):
        years = [lst[0]["year"] for lst in self.records.values() if lst]
        return min(years) if years else None

    # ---- vintages -----------------------------------------------------------------
    def vintage_for(self, year: int) -> tuple[str, str | None]:
        """The vintage valid on 31 December of ``year`` and a note when none strictly is."""
        v = self.vintages
        if v.empty:
            raise MetricsInputError(f"no boundary vintage for province {self.province_code}")
        day = pd.Timestamp(year=int(year), month=12, day=31)
        for row in rows_of(v):
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

    def vintage_row(self, vintage: str) -> dict:
        rows = self._cache.get("vintage_rows")
        if rows is None:
            rows = self._cache["vintage_rows"] = {r["vintage"]: r for r in self.vintages.to_dict("records")}
        if vintage not in rows:
            raise MetricsInputError(f"unknown vintage {vintage!r} for province {self.province_code}")
        return rows[vintage]

    def reported(self, area_code: str, year: int, metric: str) -> list[dict]:
        """Reported aggregates for an area/year/metric (rows as dicts)."""
        idx = self._cache.get("agg_index")
        if idx is None:
            idx = defaultdict(list)
            for r in self.aggregates.to_dict("records"):
                if r["year"] == r["year"]:
                    idx[(r["area_code"], int(r["year"]), r["metric"])].append(r)
            self._cache["agg_index"] = idx
        return idx.get((area_code, int(year), metric), [])

    def vintage_names(self) -> list[str]:
        return list(self.vintages["vintage"])

    # ---- units ----------------------------------------------------------------------
    def units_of(self, vintage: str, admin_level: str) -> pd.DataFrame:
        key = ("units", vintage, admin_level)
        if key not in self._cache:
            u = self.units
            self._cache[key] = u[(u["vintage"] == vintage) & (u["admin_level"] == admin_level)]
        return self._cache[key]

    def communes(self, vintage: str) -> pd.DataFrame:
        """Communes of a vintage with their district code, name and type."""
        key = ("communes", vintage)
        if key not in self._cache:
            c = self.units_of(vintage, "commune")
            d = self.units_of(vintage, "district")
            dn = dict(zip(d["unit_code"], d["name"]))
            dt = dict(zip(d["unit_code"], d["unit_type"]))
            out = pd.DataFrame({
                "unit_code": c["unit_code"].to_numpy(), "vintage": c["vintage"].to_numpy(),
                "name": c["name"].to_numpy(), "unit_type": c["unit_type"].to_numpy(),
                "district_code": c["parent_code"].to_numpy(),
                "district_name": [dn.get(p) for p in c["parent_code"]],
                "district_type": [dt.get(p) for p in c["parent_code"]],
            }, dtype=object)
            self._cache[key] = out
        return self._cache[key]

    # ---- lineage --------------------------------------------------------------------
    def _step(self, a: str, b: str) -> dict:
        key = ("step", a, b)
        if key not in self._cache:
            cw = self.crosswalk
            s = cw[(cw["from_vintage"] == a) & (cw["to_vintage"] == b)]
            self._cache[key] = dict(zip(s["from_code"], s["to_code"]))
        return self._cache[key]

    def lineage_map(self, target: str, admin_level: str) -> dict:
        """For each unit of ``target``: {'direct': [(vintage, code), ...] (itself and 1:1
        lineages from other vintages), 'parts': {older vintage: [codes merged into it]}}.
        Newer vintages map back only 1:1."""
        key = ("lineage", target, admin_level)
        if key in self._cache:
            return self._cache[key]
        names = self.vintage_names()
        t = names.index(target)
        codes = list(self.units_of(target, admin_level)["unit_code"])
        out = {c: {"direct": [(target, c)], "parts": {}} for c in codes}
        for i in range(t - 1, -1, -1):  # older vintages, composed forward
            srcs = list(self.units_of(names[i], admin_level)["unit_code"])
            into = defaultdict(list)
            for s in srcs:
                cur = s
                for j in range(i, t):
                    cur = self._step(names[j], names[j + 1]).get(cur)
                    if cur is None:
                        break
                if cur is not None and cur in out:
                    into[cur].append(s)
            for to, lst in into.items():
                if len(lst) == 1:
                    out[to]["direct"].append((names[i], lst[0]))
                else:
                    out[to]["parts"][names[i]] = sorted(lst)
        for i in range(t + 1, len(names)):  # newer vintages, 1:1 only
            back = defaultdict(list)
            for c in codes:
                cur = c
                for j in range(t, i):
                    cur = self._step(names[j], names[j + 1]).get(cur)
                    if cur is None:
                        break
                if cur is not None:
                    back[cur].append(c)
            for newer, lst in back.items():
                if len(lst) == 1:
                    out[lst[0]]["direct"].append((names[i], newer))
        self._cache[key] = out
        return out

    def code_on(self, vintage_from, code, vintage_to: str, admin_level: str):
        """A unit code of one vintage on another (1:1, or the unit a part was merged into)."""
        if not vintage_from or vintage_from == vintage_to:
            return code
        key = ("code_on", vintage_to, admin_level)
        idx = self._cache.get(key)
        if idx is None:
            idx = {}
            for to, m in self.lineage_map(vintage_to, admin_level).items():
                for v, c in m["direct"]:
                    idx[(v, c)] = to
                for v, lst in m["parts"].items():
                    for c in lst:
                        idx[(v, c)] = to
            self._cache[key] = idx
        return idx.get((vintage_from, code))

    def sources(self, vintage: str, admin_level: str, code: str) -> list:
        """Every (vintage, code) whose records reach a unit: itself, 1:1 lineages, merged parts."""
        m = self.lineage_map(vintage, admin_level).get(code)
        if m is None:
            return []
        return list(m["direct"]) + [(v, c) for v, lst in m["parts"].items() for c in lst]

    def lineage(self, target: str, admin_level: str) -> pd.DataFrame:
        """The lineage map as a frame: src_vintage, src_code, to_code, kind ('direct'|'part')."""
        key = ("lineage_df", target, admin_level)
        if key not in self._cache:
            rows = []
            for to, m in self.lineage_map(target, admin_level).items():
                rows += [(v, c, to, "direct") for v, c in m["direct"]]
                for v, lst in m["parts"].items():
                    rows += [(v, c, to, "part") for c in lst]
            self._cache[key] = pd.DataFrame(rows, columns=["src_vintage", "src_code", "to_code", "kind"],
                                            dtype=object)
        return self._cache[key]


def _norm_status(st: pd.DataFrame, keys: set) -> dict:
    """Records of the province's units, normalised, grouped per (admin_level, vintage, unit_code)
    and sorted by (year, strongest provenance, level)."""
    recs = defaultdict(list)
    if st is None or st.empty:
        return {}
    n = len(st)
    col = {c: (st[c].tolist() if c in st.columns else [None] * n) for c in STATUS_COLS}
    for vals in zip(*(col[c] for c in STATUS_COLS)):
        r = dict(zip(STATUS_COLS, vals))
        for c in TEXT_STATUS:
            v = r[c]
            if not (v.__class__ is str and v and v[0] != " " and v[-1] != " "):
                r[c] = _s(v)
        key = (r["admin_level"], r["vintage"], r["unit_code"])
        if key not in keys:
            continue
        y = _num(r["year"])
        if y is None:
            continue
        r["year"] = int(y)
        r["criteria_met"] = _num(r["criteria_met"])
        r["criteria_total"] = _num(r["criteria_total"])
        r["level_rank"] = DISTRICT_RANK.get(r["level"], -1)
        r["prov_rank"] = PROV_RANK.get(r["provenance"], len(PROV_RANK))
        r["criteria_set_default"] = r["criteria_set"] is None
        if r["criteria_set"] is None:
            r["criteria_set"] = default_criteria_set(r["year"])
        recs[key].append(r)
    for lst in recs.values():
        lst.sort(key=lambda r: (r["year"], -r["prov_rank"], r["level_rank"]))
    return dict(recs)


def prepare(ds, province_code) -> Prepared:
    """Normalise the frames of ``ds`` for one province (pure; returns new frames)."""
    pc = str(province_code).strip()
    raw = _frame(ds, "units")
    if raw.empty:
        raise MetricsInputError("the dataset has no unit register (ds.units is empty)")
    for c in ("vintage", "unit_code", "admin_level", "name", "unit_type", "parent_code", "province_code"):
        if c not in raw.columns:
            raise MetricsInputError(f"ds.units lacks column {c!r}")
    raw = raw[np.array([_s(v) == pc for v in raw["province_code"].tolist()], dtype=bool)]
    if raw.empty:
        raise MetricsInputError(f"unknown province code {pc!r} (not in the unit register)")
    units = _obj(raw, ("vintage", "unit_code", "admin_level", "name", "unit_type", "parent_code",
                       "province_code")).reset_index(drop=True)
    prow = units[units["admin_level"] == "province"]
    pname = prow["name"].iloc[0] if len(prow) else pc

    present = set(units["vintage"]) - {None}
    vraw = _frame(ds, "vintages")
    if not vraw.empty:
        vraw = vraw[[(_s(p) == pc) for p in vraw["province_code"].tolist()]]
    if vraw.empty:  # fall back to the vintages named in the register, without dates
        vraw = pd.DataFrame({"vintage": sorted(present), "valid_from": None, "valid_to": None})
    vint = pd.DataFrame({
        "vintage": [_s(v) for v in vraw["vintage"].tolist()],
        "valid_from": pd.to_datetime([_date(x) for x in vraw.get("valid_from", [None] * len(vraw))]),
        "valid_to": pd.to_datetime([_date(x) for x in vraw.get("valid_to", [None] * len(vraw))]),
    })
    vint = vint[vint["vintage"].isin(present)]
    # order: by valid_to (open end last), then valid_from, then name
    vint = vint.assign(_k1=vint["valid_to"].fillna(pd.Timestamp("2262-01-01")),
                       _k2=vint["valid_from"].fillna(pd.Timestamp("1678-01-01")))
    vint = vint.sort_values(["_k1", "_k2", "vintage"]).drop(columns=["_k1", "_k2"]).reset_index(drop=True)
    names = set(vint["vintage"])

    cw = _frame(ds, "crosswalk")
    cw = _obj(cw, ("from_vintage", "from_code", "to_vintage", "to_code", "relation")) if not cw.empty \
        else pd.DataFrame(columns=["from_vintage", "from_code", "to_vintage", "to_code", "relation"])
    cw = cw[cw["from_vintage"].isin(names) & cw["to_vintage"].isin(names)].reset_index(drop=True)

    keys = set(zip(units["admin_level"], units["vintage"], units["unit_code"]))
    recs = _norm_status(_frame(ds, "status"), keys)

    tg = _frame(ds, "targets")
    tcols = ("target_id", "scope", "vintage", "unit_code", "admin_level", "level", "source_id",
             "provenance", "note")
    if not tg.empty:
        t = _obj(tg, tcols)
        for c in ("target_year", "target_share", "target_count"):
            t[c] = [_num(v) for v in tg[c].tolist()] if c in tg.columns else None
            t[c] = t[c].astype(float)
        ukeys = set(zip(units["vintage"], units["unit_code"]))
        t = t[[(v, c) in ukeys or (sc == "province" and c == pc)
               for v, c, sc in zip(t["vintage"], t["unit_code"], t["scope"])]].reset_index(drop=True)
    else:
        t = pd.DataFrame(columns=list(tcols) + ["target_year", "target_share", "target_count"])

    ag = _frame(ds, "aggregates")
    acols = ("aggregate_id", "area_code", "admin_level", "metric", "as_of", "source_id", "provenance", "note")
    if not ag.empty:
        a = _obj(ag, acols)
        for c in ("year", "value", "denominator"):
            a[c] = pd.Series([_num(v) for v in ag[c].tolist()], index=a.index, dtype=float) \
                if c in ag.columns else float("nan")
        area_codes = set(units["unit_code"]) | {pc}
        a = a[a["area_code"].isin(area_codes)].reset_index(drop=True)
    else:
        a = pd.DataFrame(columns=list(acols) + ["year", "value", "denominator"])

    return Prepared(pc, pname, units, vint, cw, t, a, recs)


def as_prepared(ds, province_code) -> Prepared:
    if isinstance(ds, Prepared):
        if ds.province_code != str(province_code).strip():
            raise MetricsInputError(f"prepared data is for province {ds.province_code}, not {province_code}")
        return ds
    return prepare(ds, province_code)
