"""The map's commune search: the one diacritic-insensitive name search of ``domain.names``, over
the units of the year's vintage and the former units that went into them ("Điền Mỹ → nay thuộc
Xã Hà Linh"): a code is always one of the year's vintage."""
from __future__ import annotations

from domain.names import fold, search

__all__ = ["fold", "search", "search_rows", "hit_label"]


def search_rows(status_rows: list[dict], choices, province: str, year: int) -> list[dict]:
    """The rows a query is matched against: the year's units (``status_rows``: unit_code, name,
    district_name), then every unit of an older vintage of the province's lineage that became
    part of one of them, with ``now`` = the unit it is part of (same name and code: left out)."""
    from ui.frame.structure import district_of, unit_name
    rows = [dict(r, now=None) for r in status_rows]
    target = choices.vintage_of(province, year)
    if target is None:
        return rows
    here = {str(r["unit_code"]): r["name"] for r in status_rows}
    seen = {(fold(r["name"]), str(r["unit_code"])) for r in status_rows}
    for (vintage, code), where in choices.lineage.items():
        new = where.get(target.vintage)
        if new is None or new not in here or vintage == target.vintage:
            continue
        name = unit_name(vintage, code)
        key = (fold(name), new)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"unit_code": new, "name": name, "district_name": district_of(vintage, code),
                     "now": here[new], "vintage": vintage})
    return rows


def hit_label(hit: dict, lang: str) -> str:
    """One result line: "Xã Hương Lâm — Huyện Hương Khê"; a former unit: "Xã Điền Mỹ (Huyện
    Hương Khê) → nay thuộc Xã Hà Linh"."""
    from ui.frame.i18n import t
    where = f" — {hit['district_name']}" if hit.get("district_name") else ""
    if hit.get("now"):
        where = f" ({hit['district_name']})" if hit.get("district_name") else ""
        return t("map.search_now_in", lang, old=f"{hit['name']}{where}", new=hit["now"])
    return f"{hit['name']}{where}"
