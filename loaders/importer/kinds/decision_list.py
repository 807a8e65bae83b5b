"""A recognition decision list (QĐ-UBND): communes under level headings, one decision number, date
and label year for all (reference/ntm_facts.md §G.1). Provenance: official."""
from __future__ import annotations

from domain.levels import default_criteria_set

from ..messages import err
from ..readers import cell_text
from ..validate import YEAR_MAX, YEAR_MIN, Validator


def validate(v: Validator) -> None:
    meta = v.p.meta
    ddate, year = meta.get("decision_date"), meta.get("label_year")
    if not ddate or not year:
        return
    v.out.report_date = ddate
    if ddate > v.today:
        v.out.err(None, None, ddate.isoformat(), err("decision_in_future"))
        return
    if not YEAR_MIN <= year <= min(YEAR_MAX, ddate.year):
        v.out.err(None, None, year, err("label_year", year=year, first=YEAR_MIN, last=YEAR_MAX))
        return
    vintage = v.vintage(ddate)
    if vintage is None:
        v.out.err(None, None, ddate.isoformat(), err("no_register_on_decision"))
        return
    districts = {}
    for it in v.p.items:
        level = it.context.get("level")
        v.text_ok(it, "note")
        if not level:
            v.out.err(it.row, None, cell_text(it.fields["unit_name"][0]), err("row_before_level_heading"))
            continue
        d = it.context.get("district")
        district = None
        if d:
            if d[0] not in districts:
                districts[d[0]] = v.district(it, vintage, d[0], None, row=d[1])
            district, okd = districts[d[0]]
            if not okd:
                continue
        unit = v.match(it, vintage, district=district)
        if unit is None or not v.unit_level_ok(it, unit, level, it.fields["unit_name"][1]):
            continue
        v.add(it, unit, year, level, {
            "criteria_set": default_criteria_set(year), "decision_no": meta["decision_no"],
            "decision_date": ddate.isoformat(), "provenance": "official",
            "note": cell_text(it.fields.get("note", (None,))[0]) or None})
