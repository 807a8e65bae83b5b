"""The locality indicators of a province and period: the index's components (pure, no I/O).

For a period (``YYYY-MM``, ``YYYY-Qn``, ``YYYY``) the localities are those of the vintage valid on
its last day (``domain.localities``): former districts up to 6/2025, xã after. Each component:

- **entered** indicators (``domain.indicators.ENTERED``) from the indicator rows of that vintage:
  the row of exactly that period (actual values; strongest provenance, then the latest row), else
  for a quarter or a year built from its quarters/months — a flow is their **sum** when every one
  is present, a stock is the value of the **last** one —, else for a district the sum over its
  communes when every xã of it has a value. Rows that give a stock's *increase* and targets are
  not component values (they are shown beside them).
- ``criteria_met``: the average number of criteria met per eligible xã of the locality, from the
  status records as of the period's label year (the period's year when it ends on 31 December,
  else the year before: a recognition labelled 2024 is decided at the end of 2024 or later), on
  the criteria set in force that year only (a record under an older set says nothing of the new
  one); a recognised xã without a count meets its set's whole list. Needs every eligible xã; else,
  for a year, the reported average of that area and year; else missing.
- ``reports_on_time``: the share of the locality's monthly reports due in the period (deadline
  passed) that arrived on time, from the reporting records (``domain.obligations``); missing when
  no report was due yet or no obligation was in force.

A value missing is ``None`` with the reason in ``how`` — never a zero.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from domain import indicators as ind
from domain import obligations as obl
from domain.levels import ILLUSTRATIVE, PROV_RANK, RECOGNISED, weakest
from domain.localities import localities, locality_level, period_vintage
from domain.periods import MONTH, QUARTER, YEAR, Period, parse
from domain.units import COMMUNE_ELIGIBLE, DISTRICT, PROVINCE
from domain.vintages import vintages_from

from .common import MetricsInputError, dict_rows, is_missing
from .prepare import prepare
from .status import commune_rows

VALUE_COLS = ["unit_code", "vintage", "name", "indicator", "value", "provenance", "source_id", "qualifier",
              "definition", "how", "note"]


def _f(v):
    if is_missing(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _s(v):
    return None if is_missing(v) else (str(v).strip() or None)


@dataclass
class Context:
    """One province's indicator data, prepared once and reused across periods (for a card's time
    series, a change since the last period, the sensitivity runs)."""
    ds: object
    province_code: str
    now: dt.datetime | None = None
    _cache: dict = field(default_factory=dict)

    def __post_init__(self):
        self.province_code = str(self.province_code).strip()
        self.vintages = [v for v in vintages_from(dict_rows(self.ds.vintages))
                         if v.province_code == self.province_code]
        if not self.vintages:
            raise MetricsInputError(f"unknown province code {self.province_code!r} (no boundary vintage)")
        names = {v.vintage for v in self.vintages}
        units = [u for u in dict_rows(self.ds.units) if str(u["vintage"]) in names]
        self.units = {(str(u["vintage"]), str(u["unit_code"])): u for u in units}
        rows = dict_rows(getattr(self.ds, "indicators", pd.DataFrame()))
        self.rows: dict = {}
        for i, r in enumerate(rows):
            if str(r.get("vintage")) not in names:
                continue
            r = dict(r, _order=i)
            try:
                r["_period"] = parse(r["period"])
            except ValueError:
                continue
            self.rows.setdefault((str(r["vintage"]), str(r["unit_code"]), str(r["_period"]),
                                  str(r["indicator"])), []).append(r)
        self.obligations = [obl.obligation_from(o) for o in dict_rows(getattr(self.ds, "obligations", pd.DataFrame()))
                            if str(o.get("province_code")) == self.province_code]
        self.receipts = dict_rows(getattr(self.ds, "report_receipts", pd.DataFrame()))

    # ---- localities ---------------------------------------------------------------------
    def vintage(self, period):
        p = parse(period)
        v = period_vintage(self.vintages, self.province_code, p)
        if v is None:
            raise MetricsInputError(f"no boundary vintage of province {self.province_code} is valid on "
                                    f"{p.end.isoformat()} (the last day of {p})")
        return v

    def localities(self, period) -> list[dict]:
        """The localities of ``period`` (dicts: unit_code, vintage, name, unit_type, admin_level,
        parent_code), in code order (``domain.localities``)."""
        v = self.vintage(period)
        key = ("localities", v.vintage)
        if key not in self._cache:
            self._cache[key] = localities(self.units.values(), self.vintages, self.province_code, period)
        return self._cache[key]

    def province_name(self) -> str:
        for (_, _), u in self.units.items():
            if u["admin_level"] == PROVINCE:
                return str(u["name"])
        return self.province_code

    # ---- entered indicators ---------------------------------------------------------------
    def _pick(self, vintage: str, code: str, period: Period, key: str) -> dict | None:
        cands = [r for r in self.rows.get((vintage, code, str(period), key), [])
                 if (_s(r.get("basis")) or ind.ACTUAL) == ind.ACTUAL
                 and _s(r.get("qualifier")) != ind.INCREASE and _f(r.get("value")) is not None]
        if not cands:
            return None
        best = min(cands, key=lambda r: (PROV_RANK.get(str(r.get("provenance")), 9), -r["_order"]))
        return {"value": _f(best["value"]), "provenance": _s(best.get("provenance")),
                "source_id": _s(best.get("source_id")), "qualifier": _s(best.get("qualifier")) or ind.EXACT,
                "definition": _s(best.get("definition")) or ind.definition_for(key, period.year),
                "how": "record", "note": _s(best.get("note")), "records": [_s(best.get("record_id"))]}

    def _over_time(self, vintage: str, code: str, period: Period, key: str) -> dict | None:
        """The exact row, else built from the quarters (year) or months (quarter)."""
        got = self._pick(vintage, code, period, key)
        if got is not None or period.kind == MONTH:
            return got
        parts = period.children(QUARTER if period.kind == YEAR else MONTH)
        if key in ind.FLOWS:
            vals = [self._over_time(vintage, code, p, key) for p in parts]
            if any(v is None for v in vals):
                return None
            return _combine(vals, sum(v["value"] for v in vals), f"sum_{parts[0].kind}s")
        last = self._over_time(vintage, code, parts[-1], key)
        return None if last is None else dict(last, how=f"last_{parts[-1].kind}")

    def entered(self, loc: dict, period: Period, key: str) -> dict | None:
        vintage, code = str(loc["vintage"]), str(loc["unit_code"])
        got = self._over_time(vintage, code, period, key)
        if got is not None or loc["admin_level"] != DISTRICT:
            return got
        communes = [u for (vin, _), u in self.units.items()
                    if vin == vintage and u["admin_level"] == "commune" and str(u["parent_code"]) == code]
        vals = {str(u["unit_code"]): self._over_time(vintage, str(u["unit_code"]), period, key) for u in communes}
        xa = [str(u["unit_code"]) for u in communes if u["unit_type"] == COMMUNE_ELIGIBLE]
        if not xa or any(vals[c] is None for c in xa):
            return None
        used = [v for v in vals.values() if v is not None]
        return _combine(used, sum(v["value"] for v in used), "sum_communes")

    # ---- criteria met -----------------------------------------------------------------------
    def _set_totals(self) -> dict:
        if "set_totals" not in self._cache:
            tot: dict = {}
            for r in dict_rows(self.ds.criteria):
                if str(r.get("scope")) in ("national", self.province_code):
                    tot[str(r["criteria_set"])] = tot.get(str(r["criteria_set"]), 0) + 1
            self._cache["set_totals"] = tot
        return self._cache["set_totals"]

    def _communes(self, label_year: int, vintage: str) -> list[dict]:
        key = ("status", label_year, vintage)
        if key not in self._cache:
            if "prep" not in self._cache:
                self._cache["prep"] = prepare(self.ds, self.province_code)
            try:
                rows, _ = commune_rows(self._cache["prep"], label_year, vintage)
            except (MetricsInputError, KeyError, ValueError):
                rows = []
            self._cache[key] = rows
        return self._cache[key]

    def criteria_met(self, loc: dict, period: Period) -> dict | None:
        label_year = period.year if (period.end.month, period.end.day) == (12, 31) else period.year - 1
        vintage, code = str(loc["vintage"]), str(loc["unit_code"])
        rows = self._communes(label_year, vintage)
        if loc["admin_level"] == DISTRICT:
            mine = [r for r in rows if r["eligible"] and str(r["district_code"]) == code]
        else:
            mine = [r for r in rows if str(r["unit_code"]) == code and r["eligible"]]
        totals = self._set_totals()
        in_force = ind.definition_for(ind.CRITERIA_MET, label_year)
        counts, provs = [], []
        for r in mine:
            cset = _s(r.get("criteria_set"))
            if cset != in_force:
                break        # assessed under an older set: says nothing of the set in force
            met = _f(r.get("criteria_met"))
            if met is None and r.get("level") in RECOGNISED:
                met = _f(r.get("criteria_total")) or (float(totals[cset]) if cset in totals else None)
            if met is None:
                break
            counts.append(met)
            provs.append(r.get("provenance"))
        if mine and len(counts) == len(mine):
            return {"value": round(sum(counts) / len(counts), 2), "provenance": weakest(provs),
                    "source_id": None, "qualifier": ind.EXACT, "definition": in_force, "how": "status",
                    "note": f"{len(counts)} xã, label year {label_year}", "records": []}
        if period.kind == YEAR:
            agg = [a for a in dict_rows(self.ds.aggregates)
                   if str(a.get("area_code")) == code and a.get("metric") == "avg_criteria"
                   and _f(a.get("year")) == period.year]
            if agg:
                a = max(agg, key=lambda a: str(a.get("as_of") or ""))
                return {"value": _f(a["value"]), "provenance": _s(a.get("provenance")),
                        "source_id": _s(a.get("source_id")), "qualifier": ind.EXACT,
                        "definition": ind.definition_for(ind.CRITERIA_MET, period.year), "how": "reported",
                        "note": _s(a.get("note")), "records": [_s(a.get("aggregate_id"))]}
        return None

    # ---- reporting compliance ---------------------------------------------------------------
    def report_states(self, period) -> list[dict]:
        """Every tracked obligation's per-locality states for the reports due in ``period``."""
        p = parse(period)
        key = ("states", str(p))
        if key not in self._cache:
            self._cache[key] = obl.all_states(self.obligations, p, self._localities_of, self.receipts, self.now)
        return self._cache[key]

    def _localities_of(self, month) -> list[dict]:
        return localities(self.units.values(), self.vintages, self.province_code, month)

    def reports_on_time(self, loc: dict, period: Period) -> dict | None:
        mine = [s for s in self.report_states(period)
                if s["unit_code"] == str(loc["unit_code"]) and s["vintage"] == str(loc["vintage"]) and not s["open"]]
        if not mine:
            return None
        on = sum(1 for s in mine if s["state"] == obl.ON_TIME)
        prov = ILLUSTRATIVE if any(s["provenance"] == ILLUSTRATIVE for s in mine) else "derived"
        return {"value": round(on / len(mine), 4), "provenance": prov, "source_id": None,
                "qualifier": ind.EXACT, "definition": None, "how": "receipts",
                "note": f"{on}/{len(mine)} on time", "records": []}

    # ---- all components -------------------------------------------------------------------
    def value(self, loc: dict, period, key: str) -> dict | None:
        p = parse(period)
        if key == ind.CRITERIA_MET:
            return self.criteria_met(loc, p)
        if key == ind.REPORTS_ON_TIME:
            return self.reports_on_time(loc, p)
        return self.entered(loc, p, key)

    def components(self, period) -> pd.DataFrame:
        """One row per locality and indicator (VALUE_COLS); ``value`` None where missing."""
        p = parse(period)
        key = ("components", str(p))
        if key not in self._cache:
            out = []
            for loc in self.localities(p):
                for k in ind.INDICATORS:
                    got = self.value(loc, p, k) or {"value": None, "how": "missing"}
                    out.append({"unit_code": str(loc["unit_code"]), "vintage": str(loc["vintage"]),
                                "name": loc["name"], "indicator": k, **{c: got.get(c) for c in VALUE_COLS[4:]}})
            df = pd.DataFrame(out, columns=VALUE_COLS)
            df.attrs.update({"period": str(p), "vintage": self.vintage(p).vintage,
                             "level": locality_level(self.vintage(p))})
            self._cache[key] = df
        return self._cache[key]

    def matrix(self, period) -> dict:
        """{unit_code: {indicator: value or None}} for the index arithmetic."""
        out: dict = {}
        for r in dict_rows(self.components(period), ["unit_code", "indicator", "value"]):
            out.setdefault(r["unit_code"], {})[r["indicator"]] = None if is_missing(r["value"]) else float(r["value"])
        return out

    def periods(self, kind: str | None = None) -> list[Period]:
        """The periods with an entered value at locality level (of ``kind`` when given), in order;
        a month or quarter also makes its quarter and year available."""
        seen = set()
        for (vintage, code, period, _), _rows in self.rows.items():
            u = self.units.get((vintage, code))
            if u is None or u["admin_level"] == PROVINCE:
                continue
            p = parse(period)
            seen.add(p)
            if p.kind == MONTH:
                seen.add(Period(QUARTER, p.year, (p.n + 2) // 3))
            if p.kind != YEAR:
                seen.add(Period(YEAR, p.year))
        return sorted((p for p in seen if kind is None or p.kind == kind), key=Period.sort_key)

    def targets(self, loc: dict) -> list[dict]:
        """The locality's target rows and stock increases (shown beside the values)."""
        vintage, code = str(loc["vintage"]), str(loc["unit_code"])
        out = []
        for (vin, c, period, key), rows in self.rows.items():
            if vin != vintage or c != code:
                continue
            for r in rows:
                if (_s(r.get("basis")) or ind.ACTUAL) == ind.TARGET or _s(r.get("qualifier")) == ind.INCREASE:
                    out.append({"period": period, "indicator": key, "value": _f(r.get("value")),
                                "basis": _s(r.get("basis")), "qualifier": _s(r.get("qualifier")),
                                "provenance": _s(r.get("provenance")), "source_id": _s(r.get("source_id")),
                                "note": _s(r.get("note"))})
        return sorted(out, key=lambda r: (parse(r["period"]).sort_key(), r["indicator"]))


def _combine(parts: list[dict], total: float, how: str) -> dict:
    quals = {p["qualifier"] for p in parts}
    defs = {p.get("definition") for p in parts}
    return {"value": total, "provenance": weakest(p["provenance"] for p in parts),
            "source_id": None, "qualifier": ind.AT_LEAST if ind.AT_LEAST in quals else ind.EXACT,
            "definition": defs.pop() if len(defs) == 1 else "mixed", "how": how, "note": None,
            "records": [r for p in parts for r in p.get("records", [])]}


def series(ctx: Context, loc: dict, periods) -> pd.DataFrame:
    """A locality's components over ``periods`` (long: period, indicator, value, definition,
    provenance, how). Use ``breaks`` to split a line where the definition changes."""
    out = []
    for p in periods:
        p = parse(p)
        try:
            v = ctx.vintage(p)
        except MetricsInputError:
            continue
        if v.vintage != str(loc["vintage"]):
            continue
        for k in ind.INDICATORS:
            got = ctx.value(loc, p, k)
            out.append({"period": str(p), "indicator": k, "value": None if got is None else got["value"],
                        "definition": None if got is None else got.get("definition"),
                        "provenance": None if got is None else got.get("provenance"),
                        "how": "missing" if got is None else got["how"]})
    return pd.DataFrame(out, columns=["period", "indicator", "value", "definition", "provenance", "how"])


def breaks(rows: list[dict]) -> list[int]:
    """Indexes where a series' definition changes (a new segment starts): charts draw no line
    across them and mark the break. ``rows`` are in period order; rows without a value are skipped."""
    out, last = [], None
    for i, r in enumerate(rows):
        if is_missing(r.get("value")):
            continue
        d = _s(r.get("definition"))       # a frame's missing text (None or NaN) is no definition
        if last is not None and d != last:
            out.append(i)
        last = d
    return out


def province_figures(ds, province_code) -> pd.DataFrame:
    """The province-level indicator rows (sourced totals such as 230 model residential areas in
    2018), in period order, with their definition for the break."""
    df = getattr(ds, "indicators", pd.DataFrame())
    if df is None or not len(df):
        return pd.DataFrame(columns=["period", "indicator", "value", "qualifier", "basis", "definition",
                                     "provenance", "source_id", "note", "vintage"])
    pc = str(province_code)
    d = df[(df["admin_level"].astype(str) == PROVINCE) & (df["unit_code"].astype(str) == pc)].copy()
    d["definition"] = [(_s(x) or ind.definition_for(k, parse(p).year))
                       for x, k, p in zip(d["definition"], d["indicator"], d["period"])]
    d["_key"] = [parse(p).sort_key() for p in d["period"]]
    d = d.sort_values(["indicator", "_key"]).drop(columns="_key")
    return d[["period", "indicator", "value", "qualifier", "basis", "definition", "provenance", "source_id",
              "note", "vintage"]].reset_index(drop=True)
