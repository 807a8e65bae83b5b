"""One-sentence headlines in Vietnamese and English, written from THE headline figure
(``metrics.figures``); every word comes from the string store (``domain/locales``,
``metrics.caption.*`` and ``metrics.area.*``).

Shape (vi): "Năm 2022: 177/181 xã đạt chuẩn NTM (97,8%, suy ra từ báo cáo ngày 06/03/2023); 4 xã
của huyện Hương Khê chưa đạt (địa giới 42-2020)." The sentence names the year (or the date of a
figure that is not the year's), the area when it is a district (Triệu Sơn, also when the
province's register covers only that district), the denominator and the boundary vintage; it
says when the count rests on a report, on derived, legacy or illustrative records, "at least"
when records are missing, and how many xã have no record or are not yet assessed.
"""
from __future__ import annotations

from collections import Counter

from domain.levels import criteria_set
from domain.text import t
from domain.units import bare_name

from .figures import _date, date_text  # noqa: F401  (date_text: re-exported, the captions' date wording)
from .fmt import format_number, format_percent

# the string-store key of each district-level unit type's phrase ("huyện {name}", "{name} district")
AREA_KEYS = {"tỉnh": "province", "huyện": "district", "thị xã": "town", "thành phố": "city", "quận": "urban_district"}


def area_phrase(name, unit_type, lang: str) -> str:
    """'huyện Hương Khê' / 'Hương Khê district' (names carry their type prefix in the register)."""
    if not isinstance(name, str):
        return ""
    return t(f"metrics.area.{AREA_KEYS.get(unit_type, 'other')}", lang, name=bare_name(name))


def when(as_of: str | None, lang: str) -> str:
    """' ngày 23/09/2019' / ' on 2019-09-23' (month or year precision as written; '~' → about)."""
    precision, date, approx = _date(as_of, lang)
    if precision is None:
        return ""
    return t(f"metrics.caption.{'approx_' if approx else ''}when_{precision}", lang, date=date)


def qualifier(fig: dict, lang: str) -> str:
    """Why the number is what it is: a report (with its date when it is not the year's end), a
    derived, legacy or illustrative basis; '' for a count of official/reported records."""
    prov = fig.get("provenance")
    if prov == "illustrative":
        return t("metrics.caption.q.illustrative", lang)
    if fig["basis"] == "reported":
        # the date goes in the lead of a figure that is not the year's; a year-end one needs none
        w = "" if _year_end(fig) or not fig["year_figure"] else when(fig.get("as_of"), lang)
        key = "reported_derived" if prov == "derived" else "reported"
        return t(f"metrics.caption.q.{key}", lang, when=w)
    if fig["on_map"]["legacy"]:
        return t("metrics.caption.q.legacy", lang)
    if prov == "derived":
        return t("metrics.caption.q.derived", lang)
    return ""


def _year_end(fig: dict) -> bool:
    """The as-of date is the figure's year end (nothing worth saying about the date)."""
    d = fig.get("as_of_date")
    return bool(d) and d == f"{fig['year']}-12-31"


def _lead(fig: dict, lang: str) -> str:
    precision, date, _ = _date(fig.get("as_of"), lang)
    if fig["year_figure"] or precision is None:
        return t("metrics.caption.lead_year", lang, year=fig["year"])
    return t(f"metrics.caption.lead_dated_{precision}", lang, date=date)


def _area(fig: dict, lang: str) -> str:
    a = fig["area"]
    if a["admin_level"] != "district":
        return ""
    return t("metrics.caption.area", lang, area=area_phrase(a["name"], a["unit_type"], lang))


def _count(fig: dict, lang: str) -> str:
    level = t(f"metrics.caption.level.{fig['level']}", lang)
    n = format_number(fig["value"], lang)
    if fig["denominator"] is None:
        return t("metrics.caption.count_no_den", lang, n=n, level=level)
    key = "count_at_least" if fig["at_least"] else "count"
    return t(f"metrics.caption.{key}", lang, n=n, den=format_number(fig["denominator"], lang), level=level)


def _where(by_d: Counter, lang: str, one: bool) -> str:
    if not by_d:
        return ""
    if one:
        return t("metrics.caption.where_one", lang, area=area_phrase(*next(iter(by_d)), lang))
    items = sorted(by_d.items(), key=lambda x: (-x[1], x[0]))
    return t("metrics.caption.where_list", lang,
             list=", ".join(f"{area_phrase(d, dt, lang)} {c}" for (d, dt), c in items))


def _below(fig: dict, below: list, lang: str) -> str:
    """The named xã below the level (by district), or the report's shortfall when it is not the
    named list."""
    if fig.get("other_structure"):
        return ""   # the map's units are not the units the figure counts
    k = len(below)
    by_d = Counter(b for b in below if b[0])   # no district on a two-level vintage
    in_district = fig["area"]["admin_level"] == "district"
    one = len(by_d) == 1 and not in_district
    where = "" if in_district else _where(by_d, lang, one)
    nt = t(f"metrics.caption.not.{fig['level']}", lang)
    word = t("metrics.caption.commune" if k == 1 else "metrics.caption.communes", lang)
    if fig["basis"] == "reported" and fig["denominator"] is not None:
        short = fig["denominator"] - fig["value"]
        if short != k and short > 0:
            if k:
                return t("metrics.caption.shortfall_named", lang, short=format_number(short, lang), k=k,
                         where=where, **{"not": nt})
            return t("metrics.caption.shortfall_unnamed", lang, short=format_number(short, lang), **{"not": nt})
    if not k:
        return ""
    if fig["basis"] == "reported" and fig["denominator"] is None:   # the report's shortfall is not known
        return t("metrics.caption.below_named", lang, k=k, where=where, **{"not": nt})
    key = "below" if one or not by_d else "below_list"
    return t(f"metrics.caption.{key}", lang, k=k, word=word, where=where, **{"not": nt})


def _undecided(fig: dict, lang: str) -> str:
    if fig["basis"] == "reported":
        return ""
    m = fig["on_map"]
    out = ""
    if m["unknown"]:
        out += t("metrics.caption.unknown", lang, u=format_number(m["unknown"], lang))
    if m["not_assessed"]:
        out += t("metrics.caption.not_assessed", lang, u=format_number(m["not_assessed"], lang),
                 decision=criteria_set(fig["criteria_set"]).decision)
    return out


def _tail(fig: dict, lang: str) -> str:
    if fig.get("other_structure"):
        return t("metrics.caption.tail_other_structure", lang, vintage=fig["vintage"])
    return t("metrics.caption.tail", lang, vintage=fig["vintage"])


def headline(fig: dict, below: list[tuple[str | None, str | None]], lang: str) -> str:
    """The caption of one figure. ``below``: (district name, district type) of each eligible xã
    of the area with a known level below the figure's level."""
    lead, area, tail = _lead(fig, lang), _area(fig, lang), _tail(fig, lang)
    if fig["basis"] == "no_record":
        if fig["on_map"]["not_assessed"]:
            return t("metrics.caption.none_assessed", lang, lead=lead, area=area, tail=tail,
                     den=format_number(fig["on_map"]["not_assessed"], lang),
                     decision=criteria_set(fig["criteria_set"]).decision)
        return t("metrics.caption.none_recorded", lang, lead=lead, area=area,
                 den=format_number(fig["denominator"], lang), tail=tail)
    if fig["at_least"] and not fig["value"]:   # "at least 0": no record shows a xã at the level
        level = t(f"metrics.caption.level.{fig['level']}", lang)
        return f"{lead}{area}: {t('metrics.caption.count_none_known', lang, level=level)}" \
            + _below(fig, below, lang) + _undecided(fig, lang) + tail
    q = qualifier(fig, lang)
    paren = ", ".join(x for x in (format_percent(fig["share"], lang) if fig["share"] is not None else "", q) if x)
    s = f"{lead}{area}: {_count(fig, lang)}" + (f" ({paren})" if paren else "")
    return s + _below(fig, below, lang) + _undecided(fig, lang) + tail
