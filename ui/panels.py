"""Page blocks shared by several pages (title, caption, KPI tiles, small map,
holdouts callout, provenance summary, the commune map with its legend)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from metrics.fmt import format_number, format_percent
from ui import data, layout, legend, palette
from ui import map as ntm_map
from ui.i18n import t
from ui.state import ViewState

LEVELS = ("standard", "advanced", "model")


def page_title(key: str, view: ViewState) -> None:
    st.title(t(key, view.lang))
    st.caption(f"{t('provinces.' + view.province, view.lang)} · {t('app.year', view.lang)} {view.year}")


def national_notice(view: ViewState) -> None:
    st.info(t("map.national_note", view.lang))


def caption(summary: dict, lang: str) -> None:
    text = ((summary or {}).get("captions") or {}).get(lang)
    if text:
        st.html(f'<p class="ntm-caption" data-testid="ntm-caption">{html.escape(str(text))}</p>')


def province_row(counts: pd.DataFrame) -> pd.Series:
    prov = counts[counts["admin_level"] == "province"]
    return prov.iloc[0] if len(prov) else counts.iloc[0]


def _at_least(row: pd.Series, level: str) -> int:
    ladder = ("standard", "advanced", "model")
    return int(sum(int(row.get(lv, 0) or 0) for lv in ladder[ladder.index(level):]))


def province_targets(view: ViewState, illus: bool) -> pd.DataFrame:
    ds = data.dataset(illus)
    tg = ds.targets
    if tg is None or not len(tg):
        return pd.DataFrame()
    sel = tg[(tg["scope"].astype(str) == "province") & (tg["unit_code"].astype(str) == view.province)]
    return sel


def _target_for(targets: pd.DataFrame, level: str, year: int):
    """The nearest province target for a level at or after the year (else the latest before)."""
    if targets is None or not len(targets):
        return None
    tl = targets[targets["level"].astype(str) == level].copy()
    if not len(tl):
        return None
    tl["target_year"] = pd.to_numeric(tl["target_year"], errors="coerce")
    ahead = tl[tl["target_year"] >= year].sort_values("target_year")
    pick = ahead.iloc[0] if len(ahead) else tl.sort_values("target_year").iloc[-1]
    return pick


def kpi_tiles(view: ViewState, counts: pd.DataFrame, summary: dict) -> None:
    lang = view.lang
    row = province_row(counts)
    eligible = int(row["eligible"])
    targets = province_targets(view, layout.show_illustrative())
    cols = st.columns(4)
    for col, level in zip(cols, LEVELS):
        n = int(row["atleast_" + level]) if "atleast_" + level in row.index else _at_least(row, level)
        share = float(row.get(f"share_{level}")) if pd.notna(row.get(f"share_{level}")) else (n / eligible if eligible else None)
        tg = _target_for(targets, level, view.year)
        if tg is None:
            target_txt = t("overview.kpi_no_target", lang)
        else:
            if pd.notna(tg.get("target_share")):
                need = int(-(-float(tg["target_share"]) * eligible // 1))
                goal = f"{format_percent(float(tg['target_share']), lang)} ({int(tg['target_year'])})"
            else:
                need = int(tg["target_count"]) if pd.notna(tg.get("target_count")) else None
                goal = f"{format_number(need, lang)} ({int(tg['target_year'])})" if need is not None else "—"
            gap = None if need is None else max(need - n, 0)
            target_txt = t("overview.kpi_target", lang, target=goal)
            if gap is not None:
                target_txt += " · " + (t("overview.kpi_met", lang) if gap == 0 else
                                       t("overview.kpi_gap", lang, gap=format_number(gap, lang)))
        with col:
            st.html(layout.tile(t(f"levels.at_least_{level}", lang), format_number(n, lang),
                                t("overview.kpi_of", lang, count=format_number(n, lang), den=format_number(eligible, lang))
                                + " · " + format_percent(share, lang),
                                target_txt, palette.level_colour(level)))
    with cols[3]:
        ds_ = data.district_status(view.province, view.year, data.token(layout.show_illustrative()),
                                   layout.show_illustrative())
        done = int(ds_["level"].astype(str).isin(["standard", "advanced", "model", "completed"]).sum())
        st.html(layout.tile(t("overview.districts", lang), format_number(done, lang),
                            t("overview.districts_value", lang, count=format_number(done, lang),
                              den=format_number(len(ds_), lang)), "", palette.level_colour("completed")))


def map_inputs(view: ViewState, illus: bool, year: int, district: str | None = None) -> dict:
    """Geometry + status URLs for a province (or one district) and a year's vintage."""
    tok = data.token(illus)
    vintage = data.vintage_for(view.province, year)
    communes = data.communes_geo(vintage)
    districts = data.districts_geo(vintage)
    geo = _geo_urls(vintage, district)
    status_u = _status_url(view.province, vintage, tok, illus)
    return {"vintage": vintage, "communes": communes, "districts": districts, "geo": geo, "status": status_u}


@st.cache_data(show_spinner=False)
def _geo_urls(vintage: str, district: str | None) -> dict:
    return ntm_map.geometry_urls(vintage, data.communes_geo(vintage), data.districts_geo(vintage), district)


@st.cache_data(show_spinner=False)
def _status_url(province: str, vintage: str, tok: str, illus: bool) -> str:
    """Every year drawn on this vintage, in one file the browser fetches once."""
    from ui.layout import choices
    years = [y for y in choices().years if data.vintage_for(province, y) == vintage]
    per_year = {y: data.status(province, y, tok, illus) for y in years}
    per_district = {y: data.district_status(province, y, tok, illus) for y in years}
    held = {}
    for y in years:
        h = data.holdouts(province, y, tok, illus)
        held[y] = set(h["unit_code"].astype(str)) if len(h) and "unit_code" in h.columns else set()
    return ntm_map.status_url(f"{province}-{vintage}-{'i' if illus else 'r'}",
                              ntm_map.status_payload(per_year, per_district, held))


def commune_map(view: ViewState, illus: bool, key: str, year: int, mode: str, height: int = 560,
                district: str | None = None, highlight: str | None = None, center=None, zoom=None):
    inp = map_inputs(view, illus, year, district)
    c = inp["communes"] if district is None else inp["communes"][inp["communes"]["district_code"].astype(str) == district]
    m = ntm_map.base_map(ntm_map.bounds_center(c), zoom=9 if district is None else 11)
    fg = ntm_map.view_group(inp["geo"], inp["status"], year, mode, view.lang, highlight=highlight)
    return ntm_map.render(m, fg, key=f"{key}-{inp['vintage']}-{district or 'all'}", height=height,
                          center=center, zoom=zoom)


def small_map(view: ViewState, illus: bool, key: str) -> None:
    st.subheader(t("overview.small_map", view.lang, year=view.year))
    commune_map(view, illus, key, view.year, "level", height=420)
    st.page_link("pages/map.py", label=t("overview.open_map", view.lang), icon="🗺️",
                 query_params=view.as_params())


def holdouts_callout(view: ViewState, illus: bool) -> None:
    lang = view.lang
    st.subheader(t("overview.holdouts_title", lang))
    h = data.holdouts(view.province, view.year, data.token(illus), illus)
    if not len(h):
        st.write(t("overview.holdouts_none", lang, year=view.year))
        return
    st.write(t("overview.holdouts_count", lang, n=len(h), year=view.year))
    name_col = "name" if "name" in h.columns else "unit_code"
    lines = []
    for r in h.itertuples(index=False):
        lvl = getattr(r, "level", None)
        lines.append(f"- **{getattr(r, name_col)}** — {t('levels.' + str(lvl), lang) if lvl else ''}")
    st.markdown("\n".join(lines))
    st.page_link("pages/holdouts.py", label=t("pages.holdouts", lang), icon="🚩", query_params=view.as_params())


def provenance_summary(view: ViewState, status: pd.DataFrame, counts: pd.DataFrame) -> None:
    lang = view.lang
    st.subheader(t("overview.provenance_title", lang))
    el = status[status["eligible"].astype(bool)]
    prov = el["provenance"].astype(str).where(el["level"].astype(str) != "unknown", "unknown")
    n = prov.value_counts()
    st.write(t("overview.provenance_line", lang, **{k: format_number(int(n.get(k, 0)), lang)
                                                    for k in ("official", "reported", "derived", "illustrative", "unknown")}))
    dates = pd.to_datetime(el["decision_date"], errors="coerce").dropna()
    if len(dates):
        st.caption(t("overview.as_of", lang, date=dates.max().strftime("%d/%m/%Y")))


def map_legend(view: ViewState, illus: bool, year: int, mode: str, district: str | None = None) -> None:
    lang = view.lang
    tok = data.token(illus)
    if mode == "district":
        st.html(legend.district_legend_html(data.district_status(view.province, year, tok, illus), year, lang))
        return
    status = data.status(view.province, year, tok, illus)
    if district:
        status = status[status["district_code"].astype(str) == district]
    if mode == "criteria":
        st.html(legend.criteria_legend_html(status, year, lang))
        return
    counts = data.counts(view.province, year, tok, illus)
    row = counts[counts["area_code"].astype(str) == district].iloc[0] if district else province_row(counts)
    h = data.holdouts(view.province, year, tok, illus)
    st.html(legend.level_legend_html(row, year, lang, holdouts=len(h)))


def district_targets(view: ViewState, illus: bool, mine: pd.DataFrame) -> None:
    """The district's own targets (district scope) and the gap to them."""
    lang = view.lang
    ds = data.dataset(illus)
    tg = ds.targets[(ds.targets["scope"].astype(str) == "district") &
                    (ds.targets["unit_code"].astype(str) == str(view.district))]
    el = mine[mine["eligible"].astype(bool)]
    if not len(tg):
        st.caption(t("detail.no_target", lang))
    for r in tg.itertuples(index=False):
        level = str(r.level)
        lines = [f"**{t('levels.' + level, lang)}** — {int(r.target_year) if pd.notna(r.target_year) else ''}"]
        if level in LEVELS and len(el):
            ladder = list(LEVELS)
            have = int(el["level"].astype(str).isin(ladder[ladder.index(level):]).sum())
            need = None
            if pd.notna(getattr(r, "target_share", None)):
                need = int(-(-float(r.target_share) * len(el) // 1))
            elif pd.notna(getattr(r, "target_count", None)):
                need = int(r.target_count)
            if need is not None:
                gap = max(need - have, 0)
                lines.append(t("overview.kpi_of", lang, count=format_number(have, lang), den=format_number(len(el), lang))
                             + " · " + (t("overview.kpi_met", lang) if gap == 0 else
                                        t("overview.kpi_gap", lang, gap=format_number(gap, lang))))
        st.markdown("  \n".join(lines))


def boundary_attribution(view: ViewState) -> None:
    """Attribution of every vintage, in both languages, with licence and caveats."""
    from loaders.boundaries import list_vintages
    lang = view.lang
    for vintage in list_vintages():
        meta = data.meta(vintage)
        with st.expander(f"{vintage} — {meta.get('province_name', '')}", expanded=False):
            st.markdown(f"**VI**: {meta.get('attribution_vi', '')}")
            st.markdown(f"**EN**: {meta.get('attribution_en', '')}")
            if meta.get("licence"):
                st.markdown(f"**{t('sources.licence', lang)}**: {meta['licence']}")
            if meta.get("caveats"):
                st.markdown(f"**{t('sources.caveats', lang)}**")
                st.markdown("\n".join(f"- {c}" for c in meta["caveats"]))
