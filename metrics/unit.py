"""One unit as of a year: its status, the units it was formed from, the units it went into.

The contract of ``python -m metrics unit`` (DESIGN §3). A code resolves through the vintage of
the year (18502 in 2023 is old Xã Hà Linh of ``42-2020``; in 2026 the new Xã Hà Linh of
``42-2025``, formed from old Hà Linh and Điền Mỹ). A former unit's level is its level at the
end of its own vintage (for the units that ceased on 30/6/2025: their last known level under
2021-2025), capped at the year asked.
"""
from __future__ import annotations

from .common import MetricsInputError, clean
from .prepare import as_prepared
from .status import former_units, resolve

UNIT_KEYS = ("unit_code", "name", "unit_type", "vintage", "level", "provenance", "criteria_set",
             "former_units", "successors")
FORMER_KEYS = ("unit_code", "name", "unit_type", "part", "level", "provenance")
SUCCESSOR_KEYS = ("unit_code", "name", "vintage", "part")


def _admin_level(prep, vintage: str, code: str) -> str:
    for level in ("commune", "district"):
        if code in prep.unit_columns(vintage, level)["unit_code"]:
            return level
    raise MetricsInputError(f"no unit {code!r} in vintage {vintage} (the boundaries of province "
                            f"{prep.province_code} valid in the year asked)")


def _successors(prep, vintage: str, code: str, admin_level: str) -> list[dict]:
    names, _ = prep.unit_names(admin_level)
    return [{"unit_code": s["unit_code"], "name": names.get((s["vintage"], s["unit_code"])), "vintage": s["vintage"],
             "part": s["part"], "relation": s["relation"], "inferred": bool(s["inferred"])}
            for s in prep.links(vintage, code, "to")]


def _former(prep, year: int, vintage: str, code: str, admin_level: str, rule: str) -> list[dict]:
    if admin_level == "commune":
        return [{**{k: f[k] for k in FORMER_KEYS}, "vintage": f["vintage"], "inferred": f["inferred"],
                 "record_year": clean(f["record_year"]), "record_id": f["record_id"], "source_id": f["source_id"],
                 "criteria_set": f["criteria_set"]}
                for f in former_units(prep, year, vintage, code, rule)]
    names, types = prep.unit_names("district")
    out = []
    for link in prep.links(vintage, code, "from"):
        key = (link["vintage"], link["unit_code"])
        st = resolve(prep, year, link["vintage"], "district").get(link["unit_code"], {})
        out.append({"unit_code": link["unit_code"], "name": names.get(key), "unit_type": types.get(key),
                    "part": link["part"], "level": st.get("level", "unknown"), "provenance": st.get("provenance"),
                    "vintage": link["vintage"], "inferred": bool(link["inferred"])})
    return out


def _legacy(prep, vintage: str, code: str, rule: str) -> dict | None:
    """The legacy level at 30/6/2025 of a unit of a two-level vintage (``None`` otherwise): what
    the 2025 map draws for it; history, not a 2026-2030 level."""
    if prep.has_districts(vintage):
        return None
    vf = prep.vintage_row(vintage)["valid_from"]
    year = int(vf.year) if vf == vf and vf is not None else 2025
    r = resolve(prep, year, vintage, "commune", rule)[code]
    return {"year": year, "level": r["level"], "provenance": r["provenance"], "basis": r["basis"],
            "criteria_set": r["criteria_set"], "mixed": bool(r["mixed"]), "parts": r["parts"],
            "record_id": r["record_id"], "note": r["note"]}


def unit_as_of(ds, province_code, unit_code, year, rule: str = "lowest") -> dict:
    """The ``metrics unit`` object (UNIT_KEYS, then more detail: year, admin_level, set_in_force,
    basis, record_year, record_id, source_id, decision_no, commune_group, mixed, parts, note,
    legacy, vintage_note). ``level`` is a level of the year's ladder or ``unknown`` (no record),
    ``not_assessed`` (2026+: no record of the 2026-2030 set yet), ``not_applicable`` (phường, thị
    trấn); a merged unit takes the lowest level of its parts and says ``mixed: true`` when they
    differ (the contract also allows ``level = mixed``; this implementation never needs it)."""
    prep = as_prepared(ds, province_code)
    year = int(year)
    vintage, vnote = prep.vintage_for(year)
    code = str(unit_code).strip()
    admin_level = _admin_level(prep, vintage, code)
    names, types = prep.unit_names(admin_level)
    r = resolve(prep, year, vintage, admin_level, rule)[code]
    eligible = admin_level != "commune" or types[(vintage, code)] == "xã"
    level = r["level"] if eligible else "not_applicable"
    out = {"unit_code": code, "name": names[(vintage, code)], "unit_type": types[(vintage, code)],
           "vintage": vintage, "level": level, "provenance": r["provenance"] if eligible else None,
           "criteria_set": r["criteria_set"] or r["set_in_force"],
           "former_units": _former(prep, year, vintage, code, admin_level, rule),
           "successors": _successors(prep, vintage, code, admin_level),
           "year": year, "province_code": prep.province_code, "admin_level": admin_level,
           "set_in_force": r["set_in_force"], "basis": r["basis"], "record_year": clean(r["record_year"]),
           "record_id": r["record_id"], "source_id": r["source_id"], "decision_no": r["decision_no"],
           "commune_group": clean(r["commune_group"]), "mixed": bool(r["mixed"]), "parts": r["parts"],
           "note": r["note"], "vintage_note": vnote,
           "legacy": _legacy(prep, vintage, code, rule) if admin_level == "commune" else None}
    return out
