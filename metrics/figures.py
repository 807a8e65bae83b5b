"""THE headline figure of an area × year × level, and what the map can draw beside it.

One place decides the number every headline quotes (captions, KPI tiles, legend header,
/progress, /area, /holdouts, the briefing pack, ``metrics summary --json``), so the screens agree:

1. **Reported**: a reported aggregate of that area, year and level (``aggregates.csv``, metric
   ``count_<level>``) when one exists: its value, its report's own denominator (181, 169; None
   when the report prints none), source, as-of date and provenance. A year's figure (as of the
   end of the year or later) is preferred to one dated within the year; a dated one (173 on
   23/9/2019) keeps its date and says ``year_figure: False`` (it is not "the year's figure").
2. **Computed** otherwise: the count of the per-commune records on the year's vintage, "at
   least" (``at_least``) when some eligible xã have no deciding record; no figure at all
   (``value`` None, basis ``no_record``) when no record decides any xã (a gap, never 0).

Beside it, never as a competing share: ``on_map`` (what the map of the year can draw: xã with a
record, without one, reached), and ``notes``: the register's denominator where it differs from the
report's (182 vs 181), a figure counted on the structure before 1/7/2025 (169/169 at 6/2025 shown
on the new map), the area the data cover (Triệu Sơn, not "Tỉnh Thanh Hóa"). ``comparisons`` hold
national (and, for a district-only register, province-wide) figures of the same year and level,
each labelled with its own area.

Pure: reads the ``Prepared`` tables and the cached statuses, no I/O.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

from domain.levels import CLASSIC_LADDER, PROV_RANK, UNDECIDED, ladder_of, weakest
from domain.text import LANGS, both, t

from .common import MetricsInputError
from .counts import count_rows
from .status import commune_rows

REPORTED, COMPUTED, NO_RECORD = "reported", "computed", "no_record"
NATIONAL = "VN"   # aggregates.csv area of the national comparison figures
_AS_OF = re.compile(r"^\s*(~)?\s*(end-)?(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def as_of_info(as_of, year: int | None = None) -> dict:
    """What an aggregate's ``as_of`` says: {as_of (as written), date (ISO, the last day the
    figure can refer to: end of month for "2025-06"), approx ("~"), precision (day|month|year|
    None), year_figure (True: the year's figure, as of its end or later; False: dated within the
    year; None: only the year is known, read as the year's figure)}."""
    raw = as_of if isinstance(as_of, str) and as_of.strip() else None
    m = _AS_OF.match(raw or "")
    if not m:
        return {"as_of": raw, "date": None, "approx": False, "precision": None, "year_figure": None}
    approx, end, y, mo, d = m.groups()
    y = int(y)
    if end:
        day, precision = dt.date(y, 12, 31), "year_end"
    elif mo and d:
        day, precision = dt.date(y, int(mo), int(d)), "day"
    elif mo:
        day, precision = dt.date(y, int(mo), calendar.monthrange(y, int(mo))[1]), "month"
    else:
        day, precision = None, "year"
    if not year:
        year_figure = None
    elif day is None:
        year_figure = True if y > int(year) else None
    else:
        year_figure = day >= dt.date(int(year), 12, 31)
    return {"as_of": raw, "date": day.isoformat() if day else None, "approx": bool(approx),
            "precision": precision, "year_figure": year_figure}



def _date(as_of: str | None, lang: str) -> tuple[str | None, str, bool]:
    """(precision day|month|year|None, the date as text, approximate) of an as-of value."""
    info = as_of_info(as_of)
    if not info["precision"]:
        return None, "", False
    parts = as_of.strip().lstrip("~").split("/")[0].replace("end-", "").split("-")
    if info["precision"] == "day":
        return "day", t("metrics.caption.date_day", lang, d=parts[2].zfill(2), m=parts[1].zfill(2), y=parts[0]), \
            info["approx"]
    if info["precision"] == "month":
        return "month", t("metrics.caption.date_month", lang, m=parts[1].zfill(2), y=parts[0]), info["approx"]
    return "year", t("metrics.caption.date_year", lang, y=parts[0]), info["approx"]


def date_text(as_of: str | None, lang: str) -> str:
    """An as-of value as a reader sees it: "23/09/2019", "khoảng 01/2024", "cuối năm 2018",
    "2013" (en: "2019-09-23", "about 2024-01", "end of 2018"); "" when it names no date."""
    if not isinstance(as_of, str) or not as_of.strip():
        return ""
    info = as_of_info(as_of)
    precision, date, approx = _date(as_of, lang)
    if precision is None:
        return as_of.strip()
    if info["precision"] == "year_end":
        date = t("metrics.caption.date_year_end", lang, y=date)
    return t("metrics.caption.date_approx", lang, date=date) if approx else date


def _as_of_key(r: dict, year: int) -> tuple:
    """Which reported figure of an area/year/metric to quote: a year's figure first, then the
    latest date, then the strongest provenance."""
    info = as_of_info(r["as_of"], year)
    return (info["year_figure"] is not False, info["date"] or f"{year}-12-31", -PROV_RANK.get(r["provenance"], 9))


def best_reported(prep, year: int, area_code: str, metric: str):
    """The reported figure to quote for an area/year/metric (see ``_as_of_key``), or None."""
    key = ("best_reported", int(year), area_code, metric)
    if key not in prep._cache:
        rows = prep.reported(area_code, year, metric) if area_code != NATIONAL else prep.comparison(year, metric)
        prep._cache[key] = _best(rows, year)
    return prep._cache[key]


def area_of(prep, vintage: str, area_code: str | None = None) -> dict:
    """The area a figure is about, named exactly: {code, name, admin_level, covers}. A province
    scope whose register (on a three-level vintage) holds a single district covers that district
    only (the 2019-2024 Thanh Hóa layers hold Triệu Sơn): the area is that district, and
    ``covers`` says so; otherwise the province (``covers`` 'province') or the district asked."""
    pc = prep.province_code
    d = prep.unit_columns(vintage, "district")
    if area_code is None or area_code == pc:
        if prep.has_districts(vintage) and len(d["unit_code"]) == 1:
            return {"code": d["unit_code"][0], "name": d["name"][0], "admin_level": "district",
                    "unit_type": d["unit_type"][0], "covers": "district_only", "province_code": pc,
                    "province_name": prep.province_name}
        return {"code": pc, "name": prep.province_name, "admin_level": "province", "unit_type": "tỉnh",
                "covers": "province", "province_code": pc, "province_name": prep.province_name}
    if area_code not in d["unit_code"]:
        raise MetricsInputError(f"no district {area_code!r} in vintage {vintage} of province {pc}")
    i = d["unit_code"].index(area_code)
    return {"code": area_code, "name": d["name"][i], "admin_level": "district", "unit_type": d["unit_type"][i],
            "covers": "district", "province_code": pc, "province_name": prep.province_name}


def _source(prep, source_id) -> dict | None:
    if not source_id:
        return None
    s = prep.source(source_id)
    return {"source_id": source_id, **({k: s.get(k) for k in ("kind", "title", "issuer", "doc_number",
                                                              "doc_date", "url", "published")} if s else {})}


def _on_map(count: dict, level: str, vintage: str, legacy: bool, source_ids: list) -> dict:
    """What the map of the year draws for the area: eligible xã, with and without a deciding
    record, and the xã at least at ``level`` among them."""
    undecided = int(count["unknown"]) + int(count["not_assessed"])
    return {"vintage": vintage, "eligible": int(count["eligible"]), "with_record": int(count["known"]),
            "without_record": undecided, "unknown": int(count["unknown"]),
            "not_assessed": int(count["not_assessed"]), "reached": count[f"atleast_{level}"],
            "provenance": count["weakest_provenance"], "legacy": legacy, "source_ids": source_ids}


def _source_ids(prep, year: int, rows: list) -> dict:
    """{district code (None: the whole province): sorted source ids of the records that decide
    its eligible xã} for the year (once per year)."""
    key = ("figure_sources", int(year))
    if key not in prep._cache:
        out: dict = {None: set()}
        for r in rows:
            if not r["eligible"] or r["level"] in UNDECIDED or not r["source_id"]:
                continue
            ids = [s for s in r["source_id"].split(";") if s]
            out[None].update(ids)
            if r["district_code"] is not None:
                out.setdefault(r["district_code"], set()).update(ids)
        prep._cache[key] = {k: sorted(v) for k, v in out.items()}
    return prep._cache[key]


def _note(key: str, **values) -> dict:
    """A note in both languages (built once per key and values); an ``as_of`` value is written as
    each language writes dates (23/09/2019, 2019-09-23), ``values`` keeps it as recorded."""
    return dict(_note_of(key, tuple(sorted(values.items()))))


@lru_cache(maxsize=512)
def _note_of(key: str, items: tuple) -> tuple:
    values = dict(items)
    if "as_of" not in values:
        return (("key", key), ("values", values), *both(f"metrics.figure.{key}", **values).items())
    return (("key", key), ("values", values),
            *((lang, t(f"metrics.figure.{key}", lang, **{**values, "as_of": date_text(values["as_of"], lang)}))
              for lang in LANGS))


def figure(prep, year: int, level: str, area_code: str | None = None, *, rows=None, counts=None) -> dict:
    """THE figure of an area × year × level (see the module docstring). ``rows``/``counts``
    (the year's ``commune_rows`` and ``count_rows``) may be passed to reuse them. Computed once
    per ``Prepared`` (the same dict is returned to every caller: do not mutate it)."""
    key = ("figure", int(year), level, area_code or prep.province_code)
    if key not in prep._cache:
        prep._cache[key] = _figure(prep, int(year), level, area_code, rows, counts)
    return prep._cache[key]


def _figure(prep, year: int, level: str, area_code, rows, counts) -> dict:
    if rows is None:
        rows, _ = commune_rows(prep, year)
    vintage = rows[0]["vintage"] if rows else prep.vintage_for(year)[0]
    ladder = ladder_of(None, year)
    if ladder.rank(level) is None:
        raise MetricsInputError(f"level {level!r} is not on the ladder of {year} ({', '.join(ladder.levels)})")
    area = area_of(prep, vintage, area_code)
    if counts is None:
        counts = count_rows(rows, prep.province_code, prep.province_name)
    by_code = {c["area_code"]: c for c in counts}
    count = by_code.get(area["code"]) or by_code[prep.province_code]
    legacy = not prep.has_districts(vintage) and ladder is CLASSIC_LADDER
    whole = area["admin_level"] == "province" or area["covers"] == "district_only"
    on_map = _on_map(count, level, vintage, legacy, _source_ids(prep, year, rows).get(None if whole else area["code"], []))
    out = {"area": area, "year": year, "level": level, "criteria_set": count["criteria_set"], "vintage": vintage,
           "on_map": on_map, "notes": [], "comparisons": _comparisons(prep, year, level, area)}
    rep = best_reported(prep, year, area["code"], f"count_{level}")
    if rep is not None:
        info = as_of_info(rep["as_of"], year)
        den = rep["denominator"] if rep["denominator"] == rep["denominator"] else None
        # the unit set it was counted on: the row's own vintage when it names one, else the one valid then
        fig_v = rep.get("vintage") or prep.vintage_on(info["date"] or f"{year}-12-31")
        other = fig_v is not None and fig_v != vintage
        out.update(basis=REPORTED, value=int(rep["value"]), denominator=None if den is None else int(den),
                   share=(rep["value"] / den) if den else None, at_least=False, provenance=rep["provenance"],
                   aggregate_id=rep["aggregate_id"], source_id=rep["source_id"], source=_source(prep, rep["source_id"]),
                   as_of=info["as_of"], as_of_date=info["date"], as_of_approx=info["approx"],
                   year_figure=info["year_figure"] is not False, figure_vintage=fig_v, other_structure=other,
                   register_denominator=None if other else on_map["eligible"])
        if info["year_figure"] is False:
            out["notes"].append(_note("dated", as_of=info["as_of"]))
        if other:
            out["notes"].append(_note("other_structure", as_of=info["as_of"], vintage=fig_v, map_vintage=vintage))
        elif den is not None and int(den) != on_map["eligible"]:
            out["notes"].append(_note("register", register=on_map["eligible"], report=int(den)))
        elif den is None:
            out["notes"].append(_note("no_denominator", register=on_map["eligible"]))
    elif on_map["with_record"] == 0:
        out.update(basis=NO_RECORD, value=None, denominator=on_map["eligible"], share=None, at_least=False,
                   provenance=None, aggregate_id=None, source_id=None, source=None, as_of=None, as_of_date=None,
                   as_of_approx=False, year_figure=True, figure_vintage=vintage, other_structure=False,
                   register_denominator=on_map["eligible"])
    else:
        e = on_map["eligible"]
        out.update(basis=COMPUTED, value=on_map["reached"], denominator=e,
                   share=on_map["reached"] / e if e else None, at_least=on_map["without_record"] > 0,
                   provenance=on_map["provenance"], aggregate_id=None, source_id=None, source=None, as_of=None,
                   as_of_date=None, as_of_approx=False, year_figure=True, figure_vintage=vintage,
                   other_structure=False, register_denominator=e)
    if on_map["without_record"] and out["basis"] != NO_RECORD:
        out["notes"].append(_note("on_map", with_record=on_map["with_record"], without_record=on_map["without_record"]))
    if on_map["provenance"] == "illustrative" and out["provenance"] != "illustrative":
        out["notes"].append(_note("illustrative_on_map"))
    if area["covers"] == "district_only":
        out["notes"].append(_note("district_only", area=area["name"], province=area["province_name"]))
    if legacy:
        out["notes"].append(_note("legacy", vintage=vintage))
    return out


def _comparisons(prep, year: int, level: str, area: dict) -> list[dict]:
    """National figures of the same year and level, and the province-wide one when the area is
    a district (each with its own area, date and source); the same for every area of a level."""
    key = ("figure_comparisons", int(year), level, area["admin_level"])
    if key not in prep._cache:
        prep._cache[key] = _comparisons_of(prep, year, level, area)
    return prep._cache[key]


def _comparisons_of(prep, year: int, level: str, area: dict) -> list[dict]:
    out = []
    wanted = [(NATIONAL, "national")]
    if area["admin_level"] == "district":
        wanted.append((prep.province_code, "province"))
    for code, scope in wanted:
        rep = best_reported(prep, year, code, f"count_{level}")
        if rep is None:
            continue
        info = as_of_info(rep["as_of"], year)
        den = rep["denominator"] if rep["denominator"] == rep["denominator"] else None
        out.append({"scope": scope, "area_code": code,
                    "area_name": prep.province_name if scope == "province" else None,
                    "value": int(rep["value"]), "denominator": None if den is None else int(den),
                    "share": rep["value"] / den if den else None, "as_of": info["as_of"], "as_of_date": info["date"],
                    "year_figure": info["year_figure"] is not False, "provenance": rep["provenance"],
                    "aggregate_id": rep["aggregate_id"], "source_id": rep["source_id"],
                    "source": _source(prep, rep["source_id"])})
    return out


def _best(rows, year):
    rows = [r for r in rows if r["value"] == r["value"]]
    return max(rows, key=lambda r: _as_of_key(r, year)) if rows else None


def figures_for(prep, year: int, area_code: str | None = None, *, rows=None, counts=None) -> dict:
    """{level: figure} for every recognised level of the year's ladder."""
    if rows is None:
        rows, _ = commune_rows(prep, int(year))
    if counts is None:
        counts = count_rows(rows, prep.province_code, prep.province_name)
    return {lv: figure(prep, year, lv, area_code, rows=rows, counts=counts)
            for lv in ladder_of(None, int(year)).recognised}


def headline_series(ds, province_code, years, level: str = "standard", area_code: str | None = None) -> list[dict]:
    """The headline figure of each year (a figure dict per year; ``value`` None where no figure
    exists, never 0), for the line of /progress and the pack's chart: reported points and computed
    ones are told apart by ``basis``; a year whose ladder lacks ``level`` is skipped; ``ladder_break``
    marks the first year of another ladder."""
    from .prepare import as_prepared
    prep = as_prepared(ds, province_code)
    out, prev = [], None
    for y in sorted({int(y) for y in years}):
        ladder = ladder_of(None, y)
        if ladder.rank(level) is None:
            continue
        try:
            f = dict(figure(prep, y, level, area_code))
        except MetricsInputError:   # the area is not in that year's vintage (a district after 7/2025)
            f = {"year": y, "level": level, "basis": "no_area", "value": None, "denominator": None, "share": None,
                 "area": {"code": area_code}, "vintage": prep.vintage_for(y)[0]}
        f["ladder_break"] = prev is not None and prev is not ladder
        prev = ladder
        out.append(f)
    return out


def weakest_of(figures) -> str | None:
    return weakest(f.get("provenance") for f in figures)
