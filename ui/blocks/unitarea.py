"""`/area` on a two-level year (from 1/7/2025 there is no district): one new commune as the
area (its status under the set in force, its legacy level, the former units it was formed
from and their history, its targets) or a former district as a historical area (its last
level, its communes then and the new units they went into). Everything from ``metrics``
(``metrics unit``'s data, status and history); a code is always read on its vintage."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from domain.levels import NOT_ASSESSED
from domain.units import is_eligible_commune
from metrics.fmt import format_day
from ui.blocks.detail import commune_center
from ui.frame import data, state, structure
from ui.frame.context import PageContext
from ui.frame.i18n import provenance_label, t
from ui.maps import views as maps

COMMUNE, DISTRICT = "c", "d"


def _level(level, lang: str) -> str:
    return t(f"levels.{level}", lang) if level else "—"


def _prov(p, lang: str) -> str:
    return provenance_label(p, lang) if isinstance(p, str) and p else "—"


def _predecessor(ctx: PageContext):
    """The vintage the year's two-level vintage follows that has districts (the former districts')."""
    v = ctx.choices.vintage_of(ctx.province, ctx.year)
    preds = [p for p in ctx.choices.vintages if v is not None and p.vintage in v.predecessors and p.has_districts]
    return max(preds, key=lambda p: p.valid_to or p.valid_from) if preds else None


def picker(ctx: PageContext) -> tuple[str | None, str | None]:
    """The area of a two-level year: one of its communes (``commune``) or a former district
    (``district``, a historical area), bound to the URL."""
    status = ctx.status()
    names = dict(zip(status["unit_code"].astype(str), status["name"].astype(str)))
    pred = _predecessor(ctx)
    former = {}
    if pred is not None:
        for code in ctx.choices.units.get(pred.vintage, ((), ()))[0]:
            former[code] = structure.unit_name(pred.vintage, code, "district")
    options = [f"{COMMUNE}:{c}" for c in sorted(names, key=lambda c: names[c])] + \
              [f"{DISTRICT}:{d}" for d in sorted(former, key=lambda d: former[d])]
    labels = {f"{COMMUNE}:{c}": n for c, n in names.items()}
    labels.update({f"{DISTRICT}:{d}": ctx.t("area.former_district_option", name=n,
                                              end=format_day(pred.valid_to) if pred else "")
                   for d, n in former.items()})
    current = (f"{COMMUNE}:{ctx.commune}" if ctx.commune in names else
               f"{DISTRICT}:{ctx.district}" if ctx.district in former else None)
    st.session_state["ntm_w_area_unit"] = current

    def _pick():
        kind, _, code = (st.session_state.get("ntm_w_area_unit") or "::").partition(":")
        state.update(commune=code if kind == COMMUNE else None, district=code if kind == DISTRICT else None)

    st.selectbox(ctx.t("area.pick_unit"), options, key="ntm_w_area_unit", index=None,
                 placeholder=ctx.t("area.pick_unit_prompt"), format_func=lambda o: labels.get(o, o),
                 on_change=_pick)
    ctx = ctx.refreshed()
    if ctx.commune in names:
        return ctx.commune, None
    if ctx.district in former:
        return None, ctx.district
    return None, None


def title_key() -> str:
    """The page title: "my district" on a three-level year, "my commune" on a two-level one."""
    from ui.frame.context import context
    ctx = context()
    return "area.title_unit" if not ctx.national and ctx.two_level() else "area.title"


def render(ctx: PageContext) -> None:
    """The page under its title on a two-level year (then the attribution footer: the page ends
    here)."""
    from ui.frame import layout
    _body(ctx)
    layout.footer(ctx.view)


def _body(ctx: PageContext) -> None:
    commune, district = picker(ctx)
    if commune:
        commune_view(ctx.at(commune=commune, district=None), commune)
    elif district:
        former_district_view(ctx.at(district=district, commune=None), district)
    else:
        v = ctx.choices.vintage_of(ctx.province, ctx.year)
        st.info(ctx.t("area.pick_unit_help", date=format_day(v.valid_from) if v else ""))


# ---- one new commune ------------------------------------------------------------------------

def former_table(unit: dict, lang: str) -> pd.DataFrame:
    """The units a new unit was formed from, each at its last known level (its own vintage)."""
    rows = []
    for f in unit.get("former_units") or []:
        rows.append({t("area.col_code", lang): f["unit_code"], t("area.col_name", lang): f["name"],
                     t("area.col_type", lang): f.get("unit_type") or "",
                     t("area.col_part", lang): t(f"area.part.{f.get('part') or 'full'}", lang),
                     t("area.col_last_level", lang): _level(f["level"] if is_eligible_commune(f.get("unit_type"))
                                                           else "not_applicable", lang),
                     t("area.col_record_year", lang): "" if f.get("record_year") is None else str(f["record_year"]),
                     t("cols.provenance", lang): _prov(f.get("provenance"), lang),
                     t("area.col_vintage", lang): f.get("vintage") or ""})
    return pd.DataFrame(rows)


def history_table(ctx: PageContext, unit: dict) -> pd.DataFrame:
    """Level per year of each former unit (rows) on its own vintage, from its records."""
    lang = ctx.lang
    out = {}
    for f in unit.get("former_units") or []:
        if not is_eligible_commune(f.get("unit_type")):
            continue
        h = ctx.history(f["unit_code"], f["vintage"])
        if not len(h):
            out[f["name"]] = {}
            continue
        last = _last_drawn_year(ctx, f["vintage"])
        out[f["name"]] = {str(int(r.year)): _level(r.level, lang) for r in h.itertuples()
                          if int(r.year) <= min(ctx.year, last)}
    frame = pd.DataFrame(out).T
    if len(frame.columns):
        frame = frame[sorted(frame.columns)]
    frame.index.name = t("area.col_former_unit", lang)
    return frame.reset_index().fillna("—")


def _last_drawn_year(ctx: PageContext, vintage: str) -> int:
    """The last year drawn on ``vintage`` (a year is drawn on the vintage valid on 31 December)."""
    from domain.vintages import drawing_day
    v = next((x for x in ctx.choices.vintages if x.vintage == vintage), None)
    if v is None or v.valid_to is None:
        return ctx.year
    return v.valid_to.year if drawing_day(v.valid_to.year) <= v.valid_to else v.valid_to.year - 1


def _status_lines(ctx: PageContext, unit: dict) -> list[str]:
    lang = ctx.lang
    # "not yet assessed" names its set itself
    key = "area.unit_level_bare" if unit["level"] == NOT_ASSESSED else "area.unit_level"
    lines = [ctx.t(key, year=ctx.year, set=unit.get("set_in_force") or "", level=_level(unit["level"], lang))]
    if unit.get("provenance"):
        lines[-1] += f" ({_prov(unit['provenance'], lang)})"
    if unit.get("commune_group"):
        lines.append(ctx.t("area.commune_group", group=unit["commune_group"]))
    leg = unit.get("legacy")
    if leg:
        lines.append(ctx.t("area.unit_legacy", year=leg["year"], level=_level(leg["level"], lang),
                           provenance=_prov(leg.get("provenance"), lang))
                     + (" — " + ctx.t("area.unit_legacy_mixed") if leg.get("mixed") else ""))
    return lines


def commune_view(ctx: PageContext, code: str) -> None:
    lang = ctx.lang
    unit = ctx.unit(code)
    st.subheader(unit["name"])
    st.caption(ctx.t("area.unit_caption", type=unit["unit_type"], code=unit["unit_code"], vintage=unit["vintage"]))
    st.markdown("\n".join(f"- {html.escape(x)}" for x in _status_lines(ctx, unit)))
    left, right = st.columns([3, 2], gap="large")
    with left:
        center = commune_center(ctx.at(commune=code))   # None: no geometry, the map shows the province
        maps.commune_map(ctx, "area_unit_map", "commune", height=460, highlight=code, center=center,
                         zoom=11 if center else None)
    with right:
        maps.map_legend(ctx, "commune")
        st.subheader(ctx.t("area.target_gap"))
        targets(ctx, code)
    st.subheader(ctx.t("area.former_units"))
    former = former_table(unit, lang)
    if len(former):
        st.dataframe(former, hide_index=True, width="stretch")
        st.caption(ctx.t("area.former_note"))
        st.subheader(ctx.t("area.former_history"))
        hist = history_table(ctx, unit)
        if len(hist.columns) > 1:
            st.dataframe(hist, hide_index=True, width="stretch")
        else:
            st.caption(ctx.t("area.former_history_none"))
    else:
        st.caption(ctx.t("area.former_none"))


def targets(ctx: PageContext, code: str) -> None:
    """The unit's targets under the set in force, else "no target is recorded", and the national
    comparison of the period only with its verification label."""
    summary = ctx.summary()
    from metrics.targets import unit_targets
    mine = [r for r in unit_targets(ctx.dataset(), ctx.province, ctx.year, code) if r.get("state") != "later_set"]
    lines = [f"- {_level(r.get('level'), ctx.lang)} — {r.get('target_year')}: "
             f"{ctx.t('area.state.' + str(r.get('state'))) if r.get('state') in AREA_STATES else r.get('state')}"
             for r in mine if not r.get("closed")]
    if lines:
        st.markdown("\n".join(lines))
    else:
        note = (summary or {}).get("targets_note") or {}
        st.caption(note.get(ctx.lang) or ctx.t("detail.no_target"))
    for r in (summary or {}).get("targets") or []:
        if r.get("scope") == "national" and r.get("state") == "reference":
            label = (r.get("verification") or {}).get(ctx.lang) if r.get("verified") is False else None
            share = r.get("target_share")
            text = ctx.t("area.national_reference", level=_level(r.get("level"), ctx.lang),
                         share=f"{round(float(share) * 100)} %" if share is not None else "",
                         year=r.get("target_year"))
            st.caption(f"{text} — {label}" if label else text)


AREA_STATES = ("met", "met_late", "past_due", "open", "not_met", "no_record", "unverified")


# ---- a former district ----------------------------------------------------------------------

def former_district_view(ctx: PageContext, district: str) -> None:
    """A district of the vintage before the two-level one, as a historical area: its level and
    its communes in its last year, and the new units each went into."""
    pred = _predecessor(ctx)
    if pred is None:
        return
    # the last year drawn on the district's vintage (a year is drawn on the vintage of 31 December)
    drawn = [y for y in ctx.years if y < ctx.year and (ctx.choices.vintage_of(ctx.province, y) or pred).vintage
             == pred.vintage]
    if not drawn:
        return
    last = max(drawn)
    then = ctx.at(year=last, district=district, commune=None)
    name = structure.unit_name(pred.vintage, district, "district")
    st.subheader(ctx.t("area.former_title", name=name, end=format_day(pred.valid_to)))
    now = ctx.choices.vintage_of(ctx.province, ctx.year)
    st.caption(ctx.t("area.former_caption", year=last, vintage=pred.vintage,
                     date=format_day(now.valid_from) if now else ""))
    dst = then.district_status()
    row = dst[dst["unit_code"].astype(str) == district]
    if len(row):
        st.write(ctx.t("area.district_level", year=last, level=ctx.t(f"levels.{row.iloc[0]['level']}")))
    mine = then.status()
    mine = mine[mine["district_code"].astype(str) == district]
    left, right = st.columns([3, 2], gap="large")
    with left:
        maps.commune_map(then, "area_former_map", "commune", height=460, district=district)
    with right:
        maps.map_legend(then, "commune", district=district)
    meta = data.meta(pred.vintage)
    attr = meta.get(f"attribution_{ctx.lang}") or meta.get("attribution_vi")
    if attr:
        st.caption(f"{ctx.t('app.attribution')} ({pred.vintage}): {attr}")
    st.subheader(ctx.t("area.former_communes", year=last))
    lang = ctx.lang
    rows = []
    for r in mine.itertuples(index=False):
        code = str(r.unit_code)
        succ = ctx.choices.follow(pred.vintage, code, now.vintage) if now is not None else None
        level = str(r.level) if bool(r.eligible) else "not_applicable"
        rows.append({t("area.col_code", lang): code, t("area.col_name", lang): r.name,
                     t("area.col_last_level", lang): _level(level, lang),
                     t("cols.provenance", lang): _prov(r.provenance if pd.notna(r.provenance) else None, lang),
                     t("area.col_now", lang): structure.unit_name(now.vintage, succ) if succ else
                     ctx.t("area.now_divided")})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
