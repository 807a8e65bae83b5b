"""Per-province preparation of the dataset frames (normalised columns, records per unit,
lineage maps).

``Prepared`` is built per call (or once per ``build_summary``) and passed to the inner
functions; nothing is cached at module level, so a changed dataset is never served stale.
The metrics read plain Python structures (column lists, row dicts and indexes built once per
``Prepared``) and build frames only for the functions that return them: the data are small
(hundreds of units), where per-call pandas overhead would dominate.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import compress
from types import SimpleNamespace

import numpy as np
import pandas as pd

from domain.levels import DISTRICT_RANK, PROV_RANK, default_criteria_set
from domain.vintages import Vintage, VintageChoice, choose, note

from .common import MetricsInputError

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
    if v.__class__ is float:  # the common missing cell (NaN), without pd.isna's overhead
        return None if v != v else (str(v).strip() or None)
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
    # fast path for None and clean non-empty str cells; everything else goes through _s
    return [v if v is None or (v.__class__ is str and v and v[0] != " " and v[-1] != " ") else _s(v)
            for v in values]


def _text_cols(df: pd.DataFrame, cols) -> dict:
    """Text columns as lists of str/None (an absent column is all None)."""
    n = len(df)
    return {c: (_texts(df[c].tolist()) if c in df.columns else [None] * n) for c in cols}


def _keep(cols: dict, keep: list) -> dict:
    """The rows of column lists where ``keep`` is true."""
    return {c: list(compress(vals, keep)) for c, vals in cols.items()}


def _frame_of(cols: dict, numeric=()) -> pd.DataFrame:
    """One frame from column lists: text as object dtype (str/None, cheap comparisons on small
    frames), the ``numeric`` columns as float."""
    return pd.DataFrame({c: (np.array(v, dtype=float) if c in numeric else pd.Series(v, dtype=object))
                         for c, v in cols.items()})


def _floats(values) -> list:
    """Numbers as float, missing or unreadable as NaN."""
    out = []
    for v in values:
        f = _num(v)
        out.append(np.nan if f is None else f)
    return out


UNIT_COLS = ("vintage", "unit_code", "admin_level", "name", "unit_type", "parent_code", "province_code")
CROSSWALK_COLS = ("from_vintage", "from_code", "to_vintage", "to_code", "relation")
TARGET_TEXT = ("target_id", "scope", "vintage", "unit_code", "admin_level", "level", "source_id",
               "provenance", "note")
TARGET_NUM = ("target_year", "target_share", "target_count")
AGG_TEXT = ("aggregate_id", "area_code", "admin_level", "metric", "as_of", "source_id", "provenance", "note")
AGG_NUM = ("year", "value", "denominator")
NUMERIC = set(TARGET_NUM) | set(AGG_NUM)
UNIT_FIELDS = ("unit_code", "name", "unit_type", "parent_code")  # what unit_columns gives


@dataclass
class Prepared:
    """One province's data. ``tables`` holds its vintages, units (all vintages), crosswalk,
    targets and aggregates as column lists (text as str/None, numbers as float/NaN, dates as
    Timestamp/NaT): the metrics read those; the frames of the same names are built on first use."""
    province_code: str
    province_name: str
    tables: dict                 # table name -> {column: list}
    records: dict                # (admin_level, vintage, unit_code) -> [record dict], by year
    _cache: dict = field(default_factory=dict)

    def frame(self, name: str) -> pd.DataFrame:
        """A table as a frame (text as object dtype, numbers as float), built once."""
        key = ("frame", name)
        if key not in self._cache:
            self._cache[key] = _frame_of(self.tables[name], NUMERIC)
        return self._cache[key]

    @property
    def vintages(self) -> pd.DataFrame:
        """vintage, valid_from, valid_to (Timestamp or NaT), in order (see ``_vintages``)."""
        if ("frame", "vintages") not in self._cache:
            v = self.tables["vintages"]
            self._cache[("frame", "vintages")] = pd.DataFrame({
                "vintage": v["vintage"], "valid_from": pd.to_datetime(v["valid_from"]),
                "valid_to": pd.to_datetime(v["valid_to"])})
        return self._cache[("frame", "vintages")]

    @property
    def units(self) -> pd.DataFrame:
        return self.frame("units")

    @property
    def crosswalk(self) -> pd.DataFrame:
        return self.frame("crosswalk")

    @property
    def targets(self) -> pd.DataFrame:
        return self.frame("targets")

    @property
    def aggregates(self) -> pd.DataFrame:
        return self.frame("aggregates")

    def dicts(self, name: str, columns=None) -> list[dict]:
        """The rows of a table as dicts (of ``columns`` only, when given)."""
        t = self.tables[name]
        cols = list(t) if columns is None else list(columns)
        return [dict(zip(cols, vals)) for vals in zip(*(t[c] for c in cols))]

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
        if "first_year" not in self._cache:
            years = [lst[0]["year"] for lst in self.records.values() if lst]
            self._cache["first_year"] = min(years) if years else None
        return self._cache["first_year"]

    def rows(self, name: str) -> list:
        """The rows of a table as namespaces, built once."""
        key = ("rows", name)
        if key not in self._cache:
            self._cache[key] = [SimpleNamespace(**d) for d in self.dicts(name)]
        return self._cache[key]

    # ---- vintages -----------------------------------------------------------------
    def vintage_choice(self, year: int) -> VintageChoice:
        """The vintage ``year`` is drawn on, by the domain rule (``domain.vintages.choose``)."""
        spans = self._cache.get("spans")
        if spans is None:
            v = self.tables["vintages"]
            spans = self._cache["spans"] = [
                Vintage(vintage=n, province_code=self.province_code, valid_from=_vdate(f), valid_to=_vdate(t),
                        n_districts=nd, layer=ly)
                for n, f, t, nd, ly in zip(v["vintage"], v["valid_from"], v["valid_to"], v["n_districts"], v["layer"])]
        if not spans:
            raise MetricsInputError(f"no boundary vintage for province {self.province_code}")
        return choose(spans, self.province_code, year)

    def vintage_for(self, year: int) -> tuple[str, str | None]:
        """(vintage ``year`` is drawn on, the English note when the choice is not exact)."""
        c = self.vintage_choice(year)
        return c.vintage, note(c, "en")

    def vintage_row(self, vintage: str) -> dict:
        rows = self._cache.get("vintage_rows")
        if rows is None:
            rows = self._cache["vintage_rows"] = {r["vintage"]: r for r in self.dicts("vintages")}
        if vintage not in rows:
            raise MetricsInputError(f"unknown vintage {vintage!r} for province {self.province_code}")
        return rows[vintage]

    def reported(self, area_code: str, year: int, metric: str) -> list[dict]:
        """Reported aggregates for an area/year/metric (rows as dicts)."""
        idx = self._cache.get("agg_index")
        if idx is None:
            idx = defaultdict(list)
            for r in self.dicts("aggregates"):
                if r["year"] == r["year"]:
                    idx[(r["area_code"], int(r["year"]), r["metric"])].append(r)
            self._cache["agg_index"] = idx
        return idx.get((area_code, int(year), metric), [])

    def vintage_names(self) -> list[str]:
        return [r.vintage for r in self.rows("vintages")]

    # ---- units ----------------------------------------------------------------------
    def _unit_index(self) -> dict:
        """{(vintage, admin_level): {column: list}} of the UNIT_FIELDS, in register order."""
        idx = self._cache.get("unit_index")
        if idx is None:
            u = self.tables["units"]
            rows = defaultdict(list)  # (vintage, admin_level) -> row positions
            for i, key in enumerate(zip(u["vintage"], u["admin_level"])):
                rows[key].append(i)
            idx = self._cache["unit_index"] = {
                key: {c: [u[c][i] for i in pos] for c in UNIT_FIELDS} for key, pos in rows.items()}
        return idx

    def unit_columns(self, vintage: str, admin_level: str) -> dict:
        """The units of a vintage and level as column lists (unit_code, name, unit_type,
        parent_code), in register order."""
        return self._unit_index().get((vintage, admin_level)) or {c: [] for c in UNIT_FIELDS}

    def unit_names(self, admin_level: str) -> tuple[dict, dict]:
        """({(vintage, code): name}, {(vintage, code): unit_type}) over every vintage."""
        key = ("names", admin_level)
        if key not in self._cache:
            names, types = {}, {}
            for (v, lv), u in self._unit_index().items():
                if lv == admin_level:
                    keys = [(v, c) for c in u["unit_code"]]
                    names.update(zip(keys, u["name"]))
                    types.update(zip(keys, u["unit_type"]))
            self._cache[key] = (names, types)
        return self._cache[key]

    def commune_columns(self, vintage: str) -> dict:
        """Communes of a vintage with their district code, name and type, as column lists."""
        key = ("commune_columns", vintage)
        if key not in self._cache:
            c = self.unit_columns(vintage, "commune")
            d = self.unit_columns(vintage, "district")
            dn = dict(zip(d["unit_code"], d["name"]))
            dt = dict(zip(d["unit_code"], d["unit_type"]))
            self._cache[key] = {
                "unit_code": c["unit_code"], "vintage": [vintage] * len(c["unit_code"]), "name": c["name"],
                "unit_type": c["unit_type"], "district_code": c["parent_code"],
                "district_name": [dn.get(p) for p in c["parent_code"]],
                "district_type": [dt.get(p) for p in c["parent_code"]]}
        return self._cache[key]

    def communes(self, vintage: str) -> pd.DataFrame:
        """Communes of a vintage with their district code, name and type."""
        key = ("communes", vintage)
        if key not in self._cache:
            self._cache[key] = pd.DataFrame(self.commune_columns(vintage), dtype=object)
        return self._cache[key]

    # ---- lineage --------------------------------------------------------------------
    def _step(self, a: str, b: str) -> dict:
        """{from_code: to_code} of the crosswalk rows from vintage ``a`` to ``b``."""
        steps = self._cache.get("steps")
        if steps is None:
            steps = defaultdict(dict)
            cw = self.tables["crosswalk"]
            for va, vb, fc, tc in zip(cw["from_vintage"], cw["to_vintage"], cw["from_code"], cw["to_code"]):
                steps[(va, vb)][fc] = tc  # a repeated from_code: the last row wins
            self._cache["steps"] = steps
        return steps.get((a, b), {})

    def lineage_map(self, target: str, admin_level: str) -> dict:
        """For each unit of ``target``: {'direct': [(vintage, code), ...] (itself and 1:1
        lineages from other vintages), 'parts': {older vintage: [codes merged into it]}}.
        Newer vintages map back only 1:1."""
        key = ("lineage", target, admin_level)
        if key in self._cache:
            return self._cache[key]
        names = self.vintage_names()
        t = names.index(target)
        codes = list(self.unit_columns(target, admin_level)["unit_code"])
        out = {c: {"direct": [(target, c)], "parts": {}} for c in codes}
        for i in range(t - 1, -1, -1):  # older vintages, composed forward
            srcs = self.unit_columns(names[i], admin_level)["unit_code"]
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
    if st is None or st.empty:
        return {}
    n = len(st)
    raw = {c: (st[c].tolist() if c in st.columns else [None] * n) for c in STATUS_COLS}
    # the key and year first: records of other provinces are dropped before any other work
    years = [_num(v) for v in raw["year"]]
    keep = [y is not None and k in keys
            for y, k in zip(years, zip(*(_texts(raw[c]) for c in ("admin_level", "vintage", "unit_code"))))]
    col = _keep(raw, keep)
    for c in TEXT_STATUS:
        col[c] = _texts(col[c])
    col["year"] = [int(y) for y in compress(years, keep)]
    col["criteria_met"] = [_num(v) for v in col["criteria_met"]]
    col["criteria_total"] = [_num(v) for v in col["criteria_total"]]
    col["level_rank"] = [DISTRICT_RANK.get(v, -1) for v in col["level"]]
    col["prov_rank"] = [PROV_RANK.get(v, len(PROV_RANK)) for v in col["provenance"]]
    col["criteria_set_default"] = [v is None for v in col["criteria_set"]]
    col["criteria_set"] = [default_criteria_set(y) if v is None else v
                           for v, y in zip(col["criteria_set"], col["year"])]
    fields = STATUS_COLS + ["level_rank", "prov_rank", "criteria_set_default"]
    recs = defaultdict(list)
    for key, vals in zip(zip(col["admin_level"], col["vintage"], col["unit_code"]), zip(*(col[c] for c in fields))):
        recs[key].append(dict(zip(fields, vals)))
    for lst in recs.values():
        lst.sort(key=lambda r: (r["year"], -r["prov_rank"], r["level_rank"]))
    return dict(recs)


_LATEST = pd.Timestamp("2262-01-01")    # an open end sorts last
_EARLIEST = pd.Timestamp("1678-01-01")  # an open start sorts first


def _vintages(ds, pc: str, present: set) -> dict:
    """The province's vintages present in the register as column lists: vintage, valid_from,
    valid_to (Timestamp or NaT), n_districts, layer; ordered by valid_to (open end last), then
    valid_from, then name."""
    vraw = _frame(ds, "vintages")
    rows = []
    if not vraw.empty:
        n = len(vraw)
        get = lambda c: vraw[c].tolist() if c in vraw.columns else [None] * n  # noqa: E731
        rows = [(_s(v), _date(f), _date(t), _num(nd), _s(ly)) for v, p, f, t, nd, ly in
                zip(get("vintage"), vraw["province_code"].tolist(), get("valid_from"), get("valid_to"),
                    get("n_districts"), get("layer"))
                if _s(p) == pc]
    if not rows:  # fall back to the vintages named in the register, without dates
        rows = [(v, None, None, None, None) for v in sorted(present)]
    rows = sorted((r for r in rows if r[0] in present),
                  key=lambda r: (_LATEST if r[2] is None else r[2], _EARLIEST if r[1] is None else r[1], r[0]))
    return {"vintage": [r[0] for r in rows], "valid_from": [pd.NaT if r[1] is None else r[1] for r in rows],
            "valid_to": [pd.NaT if r[2] is None else r[2] for r in rows],
            # unknown district count: assume districts (the three-level structure of before 7/2025)
            "n_districts": [1 if r[3] is None else int(r[3]) for r in rows],
            "layer": [r[4] for r in rows]}


def _vdate(ts):
    return None if ts is None or pd.isna(ts) else ts.date()


def prepare(ds, province_code) -> Prepared:
    """Normalise the frames of ``ds`` for one province (pure; returns new frames)."""
    pc = str(province_code).strip()
    raw = _frame(ds, "units")
    if raw.empty:
        raise MetricsInputError("the dataset has no unit register (ds.units is empty)")
    for c in UNIT_COLS:
        if c not in raw.columns:
            raise MetricsInputError(f"ds.units lacks column {c!r}")
    mine = [_s(v) == pc for v in raw["province_code"].tolist()]
    if not any(mine):
        raise MetricsInputError(f"unknown province code {pc!r} (not in the unit register)")
    u = {c: _texts(vals) for c, vals in _keep({c: raw[c].tolist() for c in UNIT_COLS}, mine).items()}
    pname = next((n for n, lv in zip(u["name"], u["admin_level"]) if lv == "province"), pc)

    present = set(u["vintage"]) - {None}
    vint = _vintages(ds, pc, present)
    names = set(vint["vintage"])

    cw = _frame(ds, "crosswalk")
    cw = _text_cols(cw, CROSSWALK_COLS) if not cw.empty else {k: [] for k in CROSSWALK_COLS}
    cw = _keep(cw, [a in names and b in names for a, b in zip(cw["from_vintage"], cw["to_vintage"])])

    keys = set(zip(u["admin_level"], u["vintage"], u["unit_code"]))
    recs = _norm_status(_frame(ds, "status"), keys)

    tg = _frame(ds, "targets")
    t = {c: [] for c in TARGET_TEXT + TARGET_NUM}
    if not tg.empty:
        t = _text_cols(tg, TARGET_TEXT)
        t.update({c: _floats(tg[c].tolist() if c in tg.columns else [None] * len(tg)) for c in TARGET_NUM})
        ukeys = set(zip(u["vintage"], u["unit_code"]))
        t = _keep(t, [(v, c) in ukeys or (sc == "province" and c == pc)
                      for v, c, sc in zip(t["vintage"], t["unit_code"], t["scope"])])

    ag = _frame(ds, "aggregates")
    a = {c: [] for c in AGG_TEXT + AGG_NUM}
    if not ag.empty:
        a = _text_cols(ag, AGG_TEXT)
        a.update({c: _floats(ag[c].tolist() if c in ag.columns else [None] * len(ag)) for c in AGG_NUM})
        area_codes = set(u["unit_code"]) | {pc}
        a = _keep(a, [x in area_codes for x in a["area_code"]])

    return Prepared(pc, pname, {"vintages": vint, "units": u, "crosswalk": cw, "targets": t, "aggregates": a}, recs)


def as_prepared(ds, province_code) -> Prepared:
    if isinstance(ds, Prepared):
        if ds.province_code != str(province_code).strip():
            raise MetricsInputError(f"prepared data is for province {ds.province_code}, not {province_code}")
        return ds
    return prepare(ds, province_code)
