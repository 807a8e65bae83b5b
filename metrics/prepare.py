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

from domain.levels import CLASSIC_LADDER, DISTRICT_RANK, ILLUSTRATIVE, PROV_RANK, criteria_set, default_criteria_set
from domain.vintages import Vintage, VintageChoice, choose, note, valid_on

from .common import MetricsInputError

STATUS_COLS = ["record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set",
               "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date",
               "source_id", "provenance", "derived_from", "note", "commune_group"]
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
CROSSWALK_COLS = ("from_vintage", "from_code", "to_vintage", "to_code", "relation", "part")
TARGET_TEXT = ("target_id", "scope", "vintage", "unit_code", "admin_level", "level", "source_id",
               "provenance", "note")
TARGET_NUM = ("target_year", "target_share", "target_count")
AGG_TEXT = ("aggregate_id", "area_code", "admin_level", "metric", "as_of", "source_id", "provenance", "note",
            "vintage")   # vintage: the unit set a figure was counted on (optional column; None when absent)
AGG_NUM = ("year", "value", "denominator")
NUMERIC = set(TARGET_NUM) | set(AGG_NUM)
SOURCE_COLS = ("source_id", "kind", "title", "issuer", "doc_number", "doc_date", "url", "published", "note")
NATIONAL = "VN"   # aggregates.csv: national comparison figures
UNIT_FIELDS = ("unit_code", "name", "unit_type", "parent_code")  # what unit_columns gives


@dataclass
class Prepared:
    """One province's data. ``tables`` holds its vintages, units (all vintages), crosswalk,
    targets and aggregates as column lists (text as str/None, numbers as float/NaN, dates as
    Timestamp/NaT): the metrics read those; the frames of the same names are built on first use.

    The province's own vintages come with the vintages the crosswalk links them to in one step,
    also of another province code (old Lào Cai ``10-2009`` → the new Lào Cai ``15-2025``), so
    former units and successors resolve across the change of code; only the own vintages are
    ever chosen for a year (``vintage_choice``).

    ``records`` are the sourced records (official, reported, derived); ``illustrative`` the
    generated fill, kept apart: the status resolution uses it only where no sourced record
    decides a unit (``metrics.status.resolve``)."""
    province_code: str
    province_name: str
    tables: dict                 # table name -> {column: list}
    records: dict                # (admin_level, vintage, unit_code) -> [record dict], by year
    illustrative: dict = field(default_factory=dict)   # the same, illustrative fill only
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
            rows = [r for m in (self.records, self.illustrative) for lst in m.values() for r in lst]
            cols = STATUS_COLS + ["level_rank", "prov_rank", "criteria_set_default"]
            df = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in cols})
            df["year"] = df["year"].astype(int)
            for c in ("criteria_met", "criteria_total"):
                df[c] = pd.to_numeric(df[c]).astype(float)
            df["commune_group"] = pd.array([None if v is None else int(v) for v in df["commune_group"]], dtype="Int64")
            self._cache["status_df"] = df
        return self._cache["status_df"]

    def first_record_year(self):
        if "first_year" not in self._cache:
            years = [lst[0]["year"] for m in (self.records, self.illustrative) for lst in m.values() if lst]
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
        """The vintage ``year`` is drawn on, by the domain rule (``domain.vintages.choose``),
        among the province's own vintages."""
        spans = self._cache.get("spans")
        if spans is None:
            v = self.tables["vintages"]
            spans = self._cache["spans"] = [
                Vintage(vintage=n, province_code=p, valid_from=_vdate(f), valid_to=_vdate(t), n_districts=nd, layer=ly)
                for n, p, f, t, nd, ly in zip(v["vintage"], v["province_code"], v["valid_from"], v["valid_to"],
                                              v["n_districts"], v["layer"])]
        if not any(sp.province_code == self.province_code for sp in spans):
            raise MetricsInputError(f"no boundary vintage for province {self.province_code}")
        return choose(spans, self.province_code, year)

    def has_districts(self, vintage: str) -> bool:
        """False for a two-level vintage (from 1/7/2025: province → commune, no district level)."""
        return int(self.vintage_row(vintage)["n_districts"] or 0) > 0

    def own_vintage(self, vintage: str) -> bool:
        """The vintage is one of this province's (not only linked to it by the crosswalk)."""
        return self.vintage_row(vintage)["province_code"] == self.province_code

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

    def source(self, source_id: str) -> dict | None:
        """A row of the sources register (as a dict), or None."""
        idx = self._cache.get("source_index")
        if idx is None:
            idx = self._cache["source_index"] = {r["source_id"]: r for r in self.dicts("sources")}
        return idx.get(source_id)

    def vintage_on(self, day) -> str | None:
        """The province's own vintage valid on ``day`` (an ISO date or a date), or None."""
        import datetime as _dt
        d = _dt.date.fromisoformat(str(day)[:10]) if not isinstance(day, _dt.date) else day
        self.vintage_choice(d.year)   # builds the spans
        v = valid_on(self._cache["spans"], self.province_code, d)
        return v.vintage if v is not None else None

    def comparison(self, year: int, metric: str) -> list[dict]:
        """National comparison figures (``area_code`` VN) of a year and metric."""
        idx = self._cache.get("comparison_index")
        if idx is None:
            idx = defaultdict(list)
            for r in self.dicts("comparisons"):
                if r["year"] == r["year"]:
                    idx[(int(r["year"]), r["metric"])].append(r)
            self._cache["comparison_index"] = idx
        return idx.get((int(year), metric), [])

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
            # a two-level vintage has no district: the communes' parent is the province
            parents = c["parent_code"] if self.has_districts(vintage) else [None] * len(c["unit_code"])
            self._cache[key] = {
                "unit_code": c["unit_code"], "vintage": [vintage] * len(c["unit_code"]), "name": c["name"],
                "unit_type": c["unit_type"], "district_code": parents,
                "district_name": [dn.get(p) for p in parents],
                "district_type": [dt.get(p) for p in parents]}
        return self._cache[key]

    def communes(self, vintage: str) -> pd.DataFrame:
        """Communes of a vintage with their district code, name and type."""
        key = ("communes", vintage)
        if key not in self._cache:
            self._cache[key] = pd.DataFrame(self.commune_columns(vintage), dtype=object)
        return self._cache[key]

    # ---- lineage --------------------------------------------------------------------
    def _step(self, a: str, b: str) -> dict:
        """{from_code: [(to_code, partial)]} of the crosswalk rows from vintage ``a`` to ``b``
        (an old unit divided between several new units has one row per part, ``part`` =
        partial; a unit that ceased without successor, e.g. a district on 1/7/2025, none)."""
        steps = self._cache.get("steps")
        if steps is None:
            steps = defaultdict(lambda: defaultdict(list))
            cw = self.tables["crosswalk"]
            for va, vb, fc, tc, part in zip(cw["from_vintage"], cw["to_vintage"], cw["from_code"], cw["to_code"],
                                            cw["part"]):
                if tc is not None and (tc, part == "partial") not in steps[(va, vb)][fc]:
                    steps[(va, vb)][fc].append((tc, part == "partial"))
            self._cache["steps"] = steps
        return steps.get((a, b), {})

    def _compose(self, code: str, chain: list) -> list:
        """[(code, partial)] of ``code`` carried along consecutive vintages ``chain``: partial
        when a step is partial or divides the unit."""
        cur = [(code, False)]
        for a, b in zip(chain, chain[1:]):
            step = self._step(a, b)
            nxt = []
            for c, part in cur:
                outs = step.get(c, ())
                nxt += [(t, part or p or len(outs) > 1) for t, p in outs]
            if not nxt:
                return []
            cur = nxt
        return cur

    def lineage_map(self, target: str, admin_level: str) -> dict:
        """For each unit of ``target``: {'direct': [(vintage, code), ...] (itself and whole 1:1
        lineages from other vintages), 'parts': {older vintage: [codes that went into it]},
        'partial': {older vintage: {the parts of which only a part went into it}}}.
        Newer vintages map back only 1:1."""
        key = ("lineage", target, admin_level)
        if key in self._cache:
            return self._cache[key]
        names = self.vintage_names()
        t = names.index(target)
        codes = list(self.unit_columns(target, admin_level)["unit_code"])
        out = {c: {"direct": [(target, c)], "parts": {}, "partial": {}} for c in codes}
        for i in range(t - 1, -1, -1):  # older vintages, composed forward
            into = defaultdict(list)
            for s in self.unit_columns(names[i], admin_level)["unit_code"]:
                for to, partial in self._compose(s, names[i:t + 1]):
                    if to in out:
                        into[to].append((s, partial))
            for to, lst in into.items():
                if len(lst) == 1 and not lst[0][1]:
                    out[to]["direct"].append((names[i], lst[0][0]))
                else:
                    out[to]["parts"][names[i]] = sorted(c for c, _ in lst)
                    out[to]["partial"][names[i]] = {c for c, p in lst if p}
        for i in range(t + 1, len(names)):  # newer vintages, 1:1 only
            back = defaultdict(list)
            for c in codes:
                got = self._compose(c, names[t:i + 1])
                if len(got) == 1 and not got[0][1]:
                    back[got[0][0]].append(c)
            for newer, lst in back.items():
                if len(lst) == 1:
                    out[lst[0]]["direct"].append((names[i], newer))
        self._cache[key] = out
        return out

    def code_on(self, vintage_from, code, vintage_to: str, admin_level: str):
        """A unit code of one vintage on another (1:1, or the unit a part was merged into);
        None when the unit was divided between several units of ``vintage_to`` or has none."""
        if not vintage_from or vintage_from == vintage_to:
            return code
        key = ("code_on", vintage_to, admin_level)
        idx = self._cache.get(key)
        if idx is None:
            idx = defaultdict(list)
            for to, m in self.lineage_map(vintage_to, admin_level).items():
                for v, c in m["direct"]:
                    idx[(v, c)].append(to)
                for v, lst in m["parts"].items():
                    for c in lst:
                        idx[(v, c)].append(to)
            self._cache[key] = idx
        got = idx.get((vintage_from, code), ())
        return got[0] if len(got) == 1 else None

    def links(self, vintage: str, code: str, direction: str) -> list[dict]:
        """The crosswalk rows one step from a unit: ``direction`` 'from' gives the units it came
        from (rows into it), 'to' the units it went into. Dicts: vintage, unit_code, part
        (full|partial), relation, inferred."""
        key = ("links", direction)
        idx = self._cache.get(key)
        if idx is None:
            idx = defaultdict(list)
            cw = self.tables["crosswalk"]
            for va, fc, vb, tc, rel, part, inf in zip(cw["from_vintage"], cw["from_code"], cw["to_vintage"],
                                                      cw["to_code"], cw["relation"], cw["part"], cw["inferred"]):
                if tc is None or (va == vb and fc == tc):
                    continue
                here, there = ((vb, tc), (va, fc)) if direction == "from" else ((va, fc), (vb, tc))
                idx[here].append({"vintage": there[0], "unit_code": there[1], "part": part or "full",
                                  "relation": rel, "inferred": inf})
            self._cache[key] = idx
        return list(idx.get((vintage, code), ()))

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
    """(sourced records, illustrative records) of the province's units, normalised, each grouped
    per (admin_level, vintage, unit_code) and sorted by ``record_order``."""
    if st is None or st.empty:
        return {}, {}
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
    col["commune_group"] = [None if g is None else int(g) for g in map(_num, col["commune_group"])]
    col["prov_rank"] = [PROV_RANK.get(v, len(PROV_RANK)) for v in col["provenance"]]
    col["criteria_set_default"] = [v is None for v in col["criteria_set"]]
    col["criteria_set"] = [default_criteria_set(y) if v is None else v
                           for v, y in zip(col["criteria_set"], col["year"])]
    ranks: dict = {}
    col["level_rank"] = [ranks[k] if k in ranks else ranks.setdefault(k, _level_rank(*k))
                         for k in zip(col["level"], col["criteria_set"])]
    fields = STATUS_COLS + ["level_rank", "prov_rank", "criteria_set_default"]
    recs, fill = defaultdict(list), defaultdict(list)
    for key, vals in zip(zip(col["admin_level"], col["vintage"], col["unit_code"]), zip(*(col[c] for c in fields))):
        r = dict(zip(fields, vals))
        (fill if r["provenance"] == ILLUSTRATIVE else recs)[key].append(r)
    for m in (recs, fill):
        for lst in m.values():
            lst.sort(key=record_order)
    return dict(recs), dict(fill)


def ladder_of_set(set_id):
    """The ladder of a record's criteria set (the classic one for an unknown set id)."""
    try:
        return criteria_set(set_id).ladder
    except KeyError:
        return CLASSIC_LADDER


def _level_rank(level, set_id) -> int:
    """A level's rank on its record's ladder (``completed`` ranks as standard; -1 off ladder)."""
    r = ladder_of_set(set_id).rank(level)
    return DISTRICT_RANK.get(level, -1) if r is None else r


def record_order(r: dict) -> tuple:
    """A unit's records in order: label year, then strongest provenance, then level."""
    return r["year"], -r["prov_rank"], r["level_rank"]


_LATEST = pd.Timestamp("2262-01-01")    # an open end sorts last
_EARLIEST = pd.Timestamp("1678-01-01")  # an open start sorts first


def _vintages(ds, present: dict) -> dict:
    """The vintages of ``present`` ({vintage: province code from the register}) as column lists:
    vintage, province_code, valid_from, valid_to (Timestamp or NaT), n_districts, layer; ordered by
    valid_to (open end last), then valid_from, then name."""
    vraw = _frame(ds, "vintages")
    rows = []
    if not vraw.empty:
        n = len(vraw)
        get = lambda c: vraw[c].tolist() if c in vraw.columns else [None] * n  # noqa: E731
        rows = [(_s(v), _s(p), _date(f), _date(t), _num(nd), _s(ly)) for v, p, f, t, nd, ly in
                zip(get("vintage"), get("province_code"), get("valid_from"), get("valid_to"),
                    get("n_districts"), get("layer"))
                if _s(v) in present]
    known = {r[0] for r in rows}
    # vintages named in the register only: no dates
    rows += [(v, p, None, None, None, None) for v, p in sorted(present.items()) if v not in known]
    rows = sorted(rows, key=lambda r: (_LATEST if r[3] is None else r[3], _EARLIEST if r[2] is None else r[2], r[0]))
    return {"vintage": [r[0] for r in rows], "province_code": [r[1] or present[r[0]] for r in rows],
            "valid_from": [pd.NaT if r[2] is None else r[2] for r in rows],
            "valid_to": [pd.NaT if r[3] is None else r[3] for r in rows],
            # unknown district count: assume districts (the three-level structure of before 7/2025)
            "n_districts": [1 if r[4] is None else int(r[4]) for r in rows],
            "layer": [r[5] for r in rows]}


def _linked(cw: dict, own: set) -> set:
    """The vintages one crosswalk step from ``own`` (either way)."""
    out = set()
    for a, b in zip(cw["from_vintage"], cw["to_vintage"]):
        if a in own and b not in own:
            out.add(b)
        elif b in own and a not in own:
            out.add(a)
    return out - {None}


def _bools(values) -> list:
    return [v if isinstance(v, bool) else str(v).strip().lower() == "true" for v in values]


def _vdate(ts):
    return None if ts is None or pd.isna(ts) else ts.date()


def prepare(ds, province_code) -> Prepared:
    """Normalise the frames of ``ds`` for one province (pure; returns new frames): its own
    vintages and the vintages the crosswalk links them to (see ``Prepared``)."""
    pc = str(province_code).strip()
    raw = _frame(ds, "units")
    if raw.empty:
        raise MetricsInputError("the dataset has no unit register (ds.units is empty)")
    for c in UNIT_COLS:
        if c not in raw.columns:
            raise MetricsInputError(f"ds.units lacks column {c!r}")
    all_u = {c: raw[c].tolist() for c in UNIT_COLS}
    uv, up = _texts(all_u["vintage"]), _texts(all_u["province_code"])
    own = {v for v, p in zip(uv, up) if p == pc} - {None}
    if not own:
        raise MetricsInputError(f"unknown province code {pc!r} (not in the unit register)")

    cw = _frame(ds, "crosswalk")
    cw_all = _text_cols(cw, CROSSWALK_COLS) if not cw.empty else {k: [] for k in CROSSWALK_COLS}
    cw_all["inferred"] = _bools(cw["inferred"].tolist()) if "inferred" in cw.columns else [False] * len(cw_all["from_code"])
    linked = _linked(cw_all, own)
    names = own | linked
    u = {c: _texts(vals) for c, vals in _keep(all_u, [v in names for v in uv]).items()}
    pname = next((n for n, lv, p in zip(u["name"], u["admin_level"], u["province_code"])
                  if lv == "province" and p == pc), pc)
    vint = _vintages(ds, dict(zip(u["vintage"], u["province_code"])))
    cw = _keep(cw_all, [a in names and b in names for a, b in zip(cw_all["from_vintage"], cw_all["to_vintage"])])

    keys = set(zip(u["admin_level"], u["vintage"], u["unit_code"]))
    recs, fill = _norm_status(_frame(ds, "status"), keys)

    # targets and reported figures of the province's own vintages (a code means nothing
    # without its vintage: the linked vintages' areas are another province's)
    own_units = {(v, c) for v, c in zip(u["vintage"], u["unit_code"]) if v in own}
    tg = _frame(ds, "targets")
    t = {c: [] for c in TARGET_TEXT + TARGET_NUM}
    if not tg.empty:
        t = _text_cols(tg, TARGET_TEXT)
        t.update({c: _floats(tg[c].tolist() if c in tg.columns else [None] * len(tg)) for c in TARGET_NUM})
        t = _keep(t, [(v, c) in own_units or (sc == "province" and c == pc) or sc == "national"
                      for v, c, sc in zip(t["vintage"], t["unit_code"], t["scope"])])

    ag = _frame(ds, "aggregates")
    a = {c: [] for c in AGG_TEXT + AGG_NUM}
    if not ag.empty:
        a = _text_cols(ag, AGG_TEXT)
        a.update({c: _floats(ag[c].tolist() if c in ag.columns else [None] * len(ag)) for c in AGG_NUM})
        area_codes = {c for _, c in own_units} | {pc}
        nat = _keep(a, [x == NATIONAL for x in a["area_code"]])
        a = _keep(a, [x in area_codes for x in a["area_code"]])
    else:
        nat = {c: [] for c in AGG_TEXT + AGG_NUM}

    src = _frame(ds, "sources")
    sources = _text_cols(src, SOURCE_COLS) if not src.empty else {c: [] for c in SOURCE_COLS}
    return Prepared(pc, pname, {"vintages": vint, "units": u, "crosswalk": cw, "targets": t, "aggregates": a,
                                "comparisons": nat, "sources": sources}, recs, fill)


def as_prepared(ds, province_code) -> Prepared:
    if isinstance(ds, Prepared):
        if ds.province_code != str(province_code).strip():
            raise MetricsInputError(f"prepared data is for province {ds.province_code}, not {province_code}")
        return ds
    return prepare(ds, province_code)
