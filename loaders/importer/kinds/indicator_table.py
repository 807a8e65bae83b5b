"""The indicator table (DESIGN §3): a locality's leadership indicators for a reporting period.

Long layout — one row per unit, period and indicator: ``unit_code`` or ``unit_name`` (+ ``district``),
``period`` (YYYY-MM, YYYY-Qn or YYYY), ``indicator``, ``value``, optional ``source``,
``provenance``, ``qualifier``, ``basis``, ``definition``, ``vintage``, ``note``. Wide layout — one
row per unit and period, one column per entered indicator key (``new_models``, ``model_gardens``…).

Units resolve on the vintage valid on the period's last day (former districts up to 6/2025, the new
communes after). ``criteria_met`` and ``reports_on_time`` are computed from the records and refused.
Each imported row is a report received: the import's time and user are the compliance evidence
(``domain.obligations``)."""
from __future__ import annotations

from domain import indicators as ind
from domain.periods import PeriodError, parse

from ..layouts import Parsed, _header_row, low, parse_table
from ..messages import err
from ..readers import Grid, cell_text
from ..validate import Record, Validator

# Headers people type for the indicator keys (the contract keys are always accepted).
KEY_ALIASES = {
    "số tiêu chí đạt": ind.CRITERIA_MET, "mô hình mới": ind.NEW_MODELS, "mô hình sản xuất mới": ind.NEW_MODELS,
    "doanh nghiệp mới": ind.NEW_ENTERPRISES, "hợp tác xã mới": ind.NEW_COOPERATIVES, "htx mới": ind.NEW_COOPERATIVES,
    "khu dân cư kiểu mẫu": ind.MODEL_RESIDENTIAL_AREAS, "khu dân cư ntm kiểu mẫu": ind.MODEL_RESIDENTIAL_AREAS,
    "thôn kiểu mẫu": ind.MODEL_RESIDENTIAL_AREAS, "thôn ntm kiểu mẫu": ind.MODEL_RESIDENTIAL_AREAS,
    "vườn mẫu": ind.MODEL_GARDENS, "thôn đạt chuẩn": ind.VILLAGES_STANDARD, "thôn đạt chuẩn ntm": ind.VILLAGES_STANDARD,
    "báo cáo đúng hạn": ind.REPORTS_ON_TIME,
}
HEADER_ALIASES = {"kỳ": "period", "kỳ báo cáo": "period", "chỉ số": "indicator", "giá trị": "value",
                  "cách hiểu": "qualifier", "loại": "basis", "định nghĩa": "definition"}
BASE_COLUMNS = ["unit_code", "unit_name", "district", "vintage", "period", "indicator", "value", "qualifier",
                "basis", "definition", "source", "provenance", "note"]
COLUMNS = BASE_COLUMNS + list(ind.INDICATORS)
PROVENANCES = ("official", "reported")


def _name(cell) -> str:
    s = low(cell)
    return HEADER_ALIASES.get(s) or KEY_ALIASES.get(s) or s


def detect(grid: Grid) -> Parsed | None:
    """A header with ``period`` and a unit column, and either ``indicator`` + ``value`` (long) or
    at least one indicator key (wide)."""
    def want(names):
        names = [HEADER_ALIASES.get(n, KEY_ALIASES.get(n, n)) for n in names]
        unit = "unit_code" in names or "unit_name" in names
        long_ = "indicator" in names and "value" in names
        return unit and "period" in names and (long_ or any(n in ind.INDICATORS for n in names))
    i = _header_row(grid, want)
    if i is None:
        return None
    # the table parser matches contract names: give it the aliases' contract names
    hrow, hcells = grid.rows[i]
    grid.rows[i] = (hrow, [(_name(c) if low(c) in HEADER_ALIASES or low(c) in KEY_ALIASES else c) for c in hcells])
    p = parse_table(grid, i, "indicator_table", COLUMNS)
    p.meta["wide"] = "indicator" not in p.meta["col_names"].values()
    return p


def _values(v: Validator, it, wide: bool) -> list[tuple]:
    """(indicator key, value cell, its column label, key column label) for the row."""
    if not wide:
        key, kcol = it.fields.get("indicator", (None, None))
        val, vcol = it.fields.get("value", (None, None))
        return [(low(key), val, vcol, kcol)]
    return [(k, it.fields[k][0], it.fields[k][1], it.fields[k][1]) for k in ind.INDICATORS
            if k in it.fields and cell_text(it.fields[k][0]) != ""]


def validate(v: Validator) -> None:
    keys = ", ".join(ind.ENTERED)
    wide = v.p.meta.get("wide", False)
    for it in v.p.items:
        nerr = len(v.out.errors)
        for name in ("note", "source", "district"):   # unit_name: checked when matching
            v.text_ok(it, name)
        praw, pcol = it.fields.get("period", (None, None))
        try:
            period = parse(cell_text(praw))
        except PeriodError:
            v.out.err(it.row, pcol, cell_text(praw), err("indicator_period", value=cell_text(praw)))
            continue
        opts = {c: low(it.fields.get(c, (None,))[0]) or None for c in ("qualifier", "basis", "definition")}
        if opts["definition"]:
            opts["definition"] = cell_text(it.fields["definition"][0])
        values = _values(v, it, wide)
        if not values:
            v.out.err(it.row, pcol, None, err("indicator_no_value"))
            continue
        good = []
        for key, val, vcol, kcol in values:
            problems = ind.row_problems(key, str(period), cell_text(val), opts["qualifier"], opts["basis"],
                                        opts["definition"])
            for col, code in problems:
                where = {"indicator": kcol, "value": vcol}.get(col) or it.fields.get(col, (None, None))[1]
                shown = {"indicator": key, "value": cell_text(val)}.get(col, opts.get(col))
                v.out.err(it.row, where, shown, err(f"indicator_{code}", value=shown, keys=keys))
            if not problems:
                good.append((key, float(cell_text(val).replace(",", "."))))
        prov_raw, prov_col = it.fields.get("provenance", (None, None))
        prov = low(prov_raw) or "reported"
        if prov not in PROVENANCES:
            v.out.err(it.row, prov_col, cell_text(prov_raw), err("import_provenance"))
        vintage = v.vintage(period.end)
        if vintage is None:
            v.out.err(it.row, pcol, str(period), err("indicator_no_vintage", period=str(period), day=period.end.isoformat(),
                                                     province=v.province))
            continue
        given, vgcol = it.fields.get("vintage", (None, None))
        if cell_text(given) and cell_text(given) != vintage:
            v.out.err(it.row, vgcol, cell_text(given), err("indicator_vintage", period=str(period), vintage=vintage))
            continue
        dn, dcol = it.fields.get("district", (None, None))
        district, okd = v.district(it, vintage, cell_text(dn), dcol)
        if not okd:
            continue
        unit = v.match(it, vintage, district=district)
        if unit is None:
            continue
        if not v.in_scope(unit):
            v.out.err(it.row, None, unit.name, err("scope", unit=unit.name))
            continue
        if v.province and unit.province_code != v.province:
            v.out.err(it.row, None, unit.name, err("other_province", unit=unit.name, province=v.province))
            continue
        if len(v.out.errors) > nerr:
            continue
        for key, value in good:
            basis = opts["basis"] or ind.ACTUAL
            rec = {"vintage": unit.vintage, "unit_code": unit.unit_code, "admin_level": unit.admin_level,
                   "period": str(period), "indicator": key, "value": value,
                   "qualifier": opts["qualifier"] or ind.EXACT, "basis": basis,
                   "definition": opts["definition"] or ind.definition_for(key, period.year),
                   "source_id": cell_text(it.fields.get("source", (None,))[0]) or None, "provenance": prov,
                   "note": cell_text(it.fields.get("note", (None,))[0]) or None}
            v.out.records.append(Record(it.row, "indicators", unit, rec,
                                        ("N", unit.vintage, unit.unit_code, str(period), key, basis)))
        v.matched(it.row, unit)
