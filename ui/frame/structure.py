"""Which boundaries a page shows: the province's name as it was in the year (the picker's
labels), the one-line structure statement ("Ranh giới từ 1/7/2025: 69 xã, phường — không còn
cấp huyện"), the one-line notice of a year change that crossed a change of boundaries, and the
URL notices of parameters that had to follow the year's vintage. Everything is read from the
vintages (``meta.json`` through the store) and the units register; nothing is listed here."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from domain.units import bare_name
from domain.vintages import Vintage
from metrics.fmt import format_day, format_number
from ui.frame import data, state
from ui.frame.choices import choices as _choices
from ui.frame.i18n import t
from ui.frame.state import NATIONAL, Choices


def _names(vintage: str, admin_level: str) -> dict:
    """{unit code: name} of one vintage and level, from the units register."""
    return _unit_names(data.token(True)).get((vintage, admin_level), {})


@st.cache_data(show_spinner=False)
def _unit_names(tok: str) -> dict:
    u = data.dataset(True).units
    out: dict = {}
    for (v, lv), g in u.groupby([u["vintage"].astype(str), u["admin_level"].astype(str)]):
        out[(v, lv)] = dict(zip(g["unit_code"].astype(str), g["name"].astype(str)))
    return out


def unit_name(vintage: str, code: str, admin_level: str = "commune") -> str:
    return _names(vintage, admin_level).get(str(code), str(code))


def _province_name(v: Vintage) -> str:
    name = v.province_name or _names(v.vintage, "province").get(v.province_code, v.province_code)
    return bare_name(name)


def _new_code(v: Vintage, ch: Choices) -> bool:
    """The vintage follows vintages of another province code (the new Lào Cai, 15, after old 10)."""
    return any(p.province_code != v.province_code for p in ch.vintages if p.vintage in v.predecessors)


def province_label(code: str, year: int, lang: str, ch: Choices | None = None) -> str:
    """The province as it was in ``year``: its name, and what our layer of it is (the 2009
    census layer, one district only, or a province code new since a reorganisation)."""
    ch = ch or _choices()
    if code == NATIONAL:
        layer = national_vintage(year)
        if layer is None or layer.census_layer:
            return t("structure.label.national_census", lang)
        return t("structure.label.national_today", lang, date=format_day(layer.valid_from))
    v = ch.vintage_of(code, year)
    if v is None:
        return code
    name = _province_name(v)
    if v.census_layer:
        return t("structure.label.census", lang, name=name)
    if v.has_districts and v.n_districts == 1:
        only = next(iter(_names(v.vintage, "district").values()), "")
        return t("structure.label.district_only", lang, name=name, district=bare_name(only))
    if _new_code(v, ch) and v.valid_from:
        return t("structure.label.new", lang, name=name, date=format_day(v.valid_from))
    return name


# ---- the national layers ------------------------------------------------------------------

def national_vintages() -> list[Vintage]:
    from domain.vintages import vintage_from
    from loaders.boundaries import national_layers
    return [vintage_from({"vintage": k, "province_code": "VN", **m}) for k, m in national_layers().items()]


def national_vintage(year: int) -> Vintage | None:
    """The national layer ``year`` is drawn on (``loaders.boundaries.national_layer_for``)."""
    from loaders.boundaries import national_layer_for
    try:
        vid = national_layer_for(int(year))
    except KeyError:
        return None
    return next((v for v in national_vintages() if v.vintage == vid), None)


def national_layer_info(vid: str) -> dict:
    from loaders.boundaries import national_layers
    return dict(national_layers().get(vid) or {})


# ---- the structure line -------------------------------------------------------------------

def _units_text(v: Vintage, lang: str) -> dict:
    return {"n": format_number(v.n_communes, lang), "d": format_number(v.n_districts, lang)}


def _day_before(d: dt.date | None) -> str:
    return format_day(d - dt.timedelta(days=1)) if d else ""


def structure_text(province: str, year: int, lang: str, ch: Choices | None = None) -> str | None:
    """What boundaries the view of ``province`` in ``year`` is drawn on, in one line."""
    ch = ch or _choices()
    if province == NATIONAL:
        v = national_vintage(year)
        if v is None:
            return None
        info = national_layer_info(v.vintage)
        if v.census_layer:
            later = [n.valid_from for n in national_vintages() if n.valid_from]
            return t("structure.national_census", lang, n=format_number(v.n_communes, lang),
                     date=format_day(min(later)) if later else "")
        return t("structure.national_two_level", lang, n=format_number(v.n_communes, lang),
                 p=format_number(int(info.get("n_provinces") or 0), lang), date=format_day(v.valid_from))
    v = ch.vintage_of(province, year)
    if v is None:
        return None
    if not v.has_districts:
        return t("structure.two_level", lang, date=format_day(v.valid_from), **_units_text(v, lang))
    if v.census_layer:
        return t("structure.census", lang, end=format_day(v.valid_to), **_units_text(v, lang))
    if v.valid_from is None:
        return t("structure.three_level_open", lang, end=format_day(v.valid_to),
                 set_year=v.valid_to.year if v.valid_to else "", **_units_text(v, lang))
    return t("structure.three_level", lang, start=format_day(v.valid_from),
             end=format_day(v.valid_to) if v.valid_to else "…", **_units_text(v, lang))


def structure_html(province: str, year: int, lang: str) -> str:
    """The structure statement as HTML ("" when there is none)."""
    import html
    text = structure_text(province, year, lang)
    return f'<p class="ntm-structure" data-testid="ntm-structure">{html.escape(text)}</p>' if text else ""


def structure_line(province: str, year: int, lang: str) -> None:
    """The structure statement under a page's title (or beside its map)."""
    body = structure_html(province, year, lang)
    if body:
        st.html(body)


# ---- a year change across a change of boundaries ------------------------------------------

def move_lines(mv: state.YearMove, lang: str) -> list[str]:
    """The words of one year move (``state.YearMove``): the switch of boundaries, then what the
    selection did."""
    year = mv.view.year
    out = []
    if mv.crossed:
        a, b = mv.before, mv.after
        later = (b.valid_from or dt.date.min) > (a.valid_from or dt.date.min)
        if later:
            out.append(t("structure.crossed_forward", lang, year=year, date=format_day(b.valid_from),
                         **_units_text(b, lang)))
        else:
            out.append(t("structure.crossed_back", lang, year=year, date=format_day(a.valid_from),
                         **_units_text(b, lang)))
        if mv.commune_from:
            old = unit_name(a.vintage, mv.commune_from)
            if mv.commune_to is None:
                out.append(t("structure.commune_lost", lang, old=old, year=year))
            elif later:
                out.append(t("structure.commune_successor", lang, old=old, new=unit_name(b.vintage, mv.commune_to)))
            else:
                parts = former_names(a.vintage, mv.commune_from, b.vintage)
                out.append(t("structure.commune_predecessor", lang, new=old, old=unit_name(b.vintage, mv.commune_to),
                             parts=", ".join(parts) or unit_name(b.vintage, mv.commune_to)))
    if mv.province_from:
        ch = _choices()
        prev_year = year - 1 if mv.after and mv.before and mv.after.valid_from and mv.before.valid_from and \
            mv.after.valid_from > mv.before.valid_from else year + 1
        out.append(t("structure.province_moved", lang, year=year,
                     old=province_label(mv.province_from, prev_year, lang, ch),
                     new=province_label(mv.view.province, year, lang, ch)))
    if mv.dropped and mv.after is not None:
        out.append(t("structure.dropped_district", lang, date=format_day(mv.after.valid_from)))
    return out


def former_names(vintage: str, code: str, older: str) -> list[str]:
    """Names of the units of ``older`` that went into (vintage, code) (one crosswalk step)."""
    cw = data.dataset(True).crosswalk
    rows = cw[(cw["to_vintage"].astype(str) == vintage) & (cw["to_code"].astype(str) == str(code))
              & (cw["from_vintage"].astype(str) == older)]
    return [unit_name(older, c) for c in rows["from_code"].astype(str)]


def move_notice(lang: str) -> None:
    """The one-line notice of the last year change, if it crossed a change of boundaries."""
    mv = state.last_move()
    if mv is None:
        return
    lines = move_lines(mv, lang)
    if lines:
        st.info(" ".join(lines), icon=":material/swap_horiz:")


# ---- URL notices ----------------------------------------------------------------------------

def notice_text(n, lang: str) -> str:
    """The words of one URL notice: a specific one (``state.Notice`` with a key) or the generic
    "bad parameter" one."""
    key = getattr(n, "key", None)
    if not key:
        param, value = n
        return t("app.bad_param", lang, param=str(param), value=str(value))
    params = {k: (format_day(v) if isinstance(v, dt.date) else v) for k, v in n.params.items()}
    if key == "app.province_in_year":
        params["label"] = province_label(params["new"], params["year"], lang)
    return t(key, lang, **params)


def district_of(vintage: str, code: str) -> str | None:
    """The name of the district a commune of ``vintage`` belonged to (None: two-level)."""
    return _parents(data.token(True)).get((vintage, str(code)))


@st.cache_data(show_spinner=False)
def _parents(tok: str) -> dict:
    u = data.dataset(True).units
    names = _unit_names(tok)
    out = {}
    for v, c, lv, parent in zip(u["vintage"].astype(str), u["unit_code"].astype(str), u["admin_level"].astype(str),
                                u["parent_code"].astype(str)):
        if lv == "commune":
            name = names.get((v, "district"), {}).get(parent)
            if name:
                out[(v, c)] = name
    return out
