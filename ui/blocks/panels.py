"""Page blocks shared by several pages (title, caption, KPI tiles, small map,
holdouts callout, provenance summary, the commune map with its legend)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from metrics.fmt import format_number, format_percent
from ui.frame import data, layout
from ui.maps import legend, palette
from ui.maps import province as ntm_map
from ui.frame.i18n import t
from ui.frame.state import ViewState

LEVELS = ("standard", "advanced", "model")


def page_title(key: str, view: ViewState) -> None:
    st.title(t(key, view.lang))
    st.caption(f"{t('provinces.' + view.province, view.lang)} · {t('app.year', view.lang)} {view.year}")


def national_notice(view: ViewState) -> None:
    st.info(t("map.national_note", view.lang))


def caption_text(summary: dict, lang: str, level: str = "standard") -> str | None:
    """The metrics-written caption for the level in focus (standard by default)."""
    caps = (summary or {}).get("captions") or {}
    by_level = (caps.get("levels") or {}).get(level) or {}
    return by_level.get(lang) or caps.get(lang)


def caption(summary: dict, lang: str, level: str = "standard") -> None:
    text = caption_text(summary, lang, level)
    if text:
        st.html(f'<p class="ntm-caption" data-testid="ntm-caption">{html.escape(str(text))}</p>')


def province_row(counts: pd.DataFrame) -> pd.Series:
    prov = counts[counts["admin_level"] == "province"]
    return prov.iloc[0] if len(prov) else counts.iloc[0]


def _at_least(row: pd.Series, level: str) -> int:
    ladder = ("standard", "advanced", "model")
    return int(sum(int(row.get(lv, 0) or 0) for lv in ladder[ladder.index(level):]))


def province_targets(view: ViewState, illus: bool) -> pd.DataFrame:
    """Province targets on communes (records), for the reference marks on charts."""
    tg = data.dataset(illus).targets
    if tg is None or not len(tg):
        return pd.DataFrame()
    return tg[(tg["scope"].astype(str) == "province") & (tg["unit_code"].astype(str) == view.province)]


def pick_target(targets: list, level: str, year: int, scope: str = "province"):
    """From metrics' targets_and_gaps rows: the commune-share target of a level
    nearest at or after the year, else the latest one before it."""
    rows = [r for r in (targets or []) if r.get("level") == level and r.get("scope") == scope
            and r.get("admin_level") == "commune" and r.get("target_year") is not None]
    if not rows:
        return None
    ahead = sorted((r for r in rows if int(r["target_year"]) >= year), key=lambda r: int(r["target_year"]))
    return ahead[0] if ahead else sorted(rows, key=lambda r: int(r["target_year"]))[-1]


def target_text(tg: dict | None, lang: str) -> str:
    if tg is None:
        return t("overview.kpi_no_target", lang)
    if tg.get("target_share") is not None:
        goal = f"{format_percent(float(tg['target_share']), lang)} ({int(tg['target_year'])})"
    elif tg.get("required") is not None:
        goal = f"{format_number(int(tg['required']), lang)} ({int(tg['target_year'])})"
    else:
        goal = str(int(tg["target_year"]))
    text = t("overview.kpi_target", lang, target=goal)
    gap, unknown = tg.get("gap"), int(tg.get("unknown") or 0)
    if gap is None:
        return text
    if float(gap) <= 0:
        text += " · " + t("overview.kpi_met", lang)
    elif tg.get("state") == "unverified":
        # the whole gap lies in communes without a record: never call it "short"
        text += " · " + t("overview.kpi_gap_unverified", lang, unknown=format_number(unknown, lang))
    elif unknown:
        low = int(tg.get("gap_min") if tg.get("gap_min") is not None else max(0, int(gap) - unknown))
        text += " · " + t("overview.kpi_gap_range", lang, low=format_number(low, lang),
                          high=format_number(int(gap), lang), unknown=format_number(unknown, lang))
    else:
        text += " · " + t("overview.kpi_gap", lang, gap=format_number(int(gap), lang))
    return text


def kpi_tiles(view: ViewState, counts: pd.DataFrame, summary: dict) -> None:
    lang = view.lang
    row = province_row(counts)
    eligible = int(row["eligible"])
    targets = (summary or {}).get("targets") or []
    cols = st.columns(4)
    for col, level in zip(cols, LEVELS):
        n = int(row["atleast_" + level]) if "atleast_" + level in row.index else _at_least(row, level)
        share = row.get(f"share_{level}")
        share = float(share) if pd.notna(share) else None
        with col:
            st.html(layout.tile(t(f"levels.at_least_{level}", lang), format_number(n, lang),
                                t("overview.kpi_of", lang, count=format_number(n, lang), den=format_number(eligible, lang))
                                + " · " + format_percent(share, lang),
                                target_text(pick_target(targets, level, view.year), lang),
                                palette.level_colour(level), testid=f"kpi-{level}"))
    with cols[3]:
        lad = (summary or {}).get("district_ladder") or {}
        dst = data.district_status(view.province, view.year, data.token(layout.show_illustrative()),
                                   layout.show_illustrative())
        done = int(dst["level"].astype(str).isin(["standard", "advanced", "model", "completed"]).sum())
        st.html(layout.tile(t("overview.districts", lang), format_number(done, lang),
                            t("overview.districts_value", lang, count=format_number(done, lang),
                              den=format_number(len(dst), lang)),
                            t("overview.districts_unknown", lang,
                              n=format_number(int(lad.get("huyen_unknown", 0)) + int(lad.get("towns_cities_unknown", 0)), lang)),
                            palette.level_colour("completed"), testid="kpi-districts"))


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
    from ui.frame.layout import choices
    years = [y for y in choices().years if data.vintage_for(province, y) == vintage]
    per_year = {y: data.status(province, y, tok, illus) for y in years}
    per_district = {y: data.district_status(province, y, tok, illus) for y in years}
    held = {}
    for y in years:
        h = data.holdouts(province, y, tok, illus)
        held[y] = holdout_codes(h)
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
    st.page_link("pages/map.py", label=t("overview.open_map", view.lang), icon=":material/map:",
                 query_params=view.as_params())


def holdout_codes(h: pd.DataFrame) -> set:
    """Units the holdout rules list as holdouts (not those merely without a record)."""
    if not len(h):
        return set()
    if "listed_as" in h.columns:
        h = h[h["listed_as"].astype(str) == "holdout"]
    return set(h["unit_code"].astype(str))


def true_holdouts(h: pd.DataFrame) -> pd.DataFrame:
    return h[h["listed_as"].astype(str) == "holdout"] if len(h) and "listed_as" in h.columns else h


def holdouts_callout(view: ViewState, illus: bool) -> None:
    lang = view.lang
    st.subheader(t("overview.holdouts_title", lang))
    h = true_holdouts(data.holdouts(view.province, view.year, data.token(illus), illus))
    if not len(h):
        st.write(t("overview.holdouts_none", lang, year=view.year))
        return
    st.write(t("overview.holdouts_count", lang, n=len(h), year=view.year))
    lines = []
    for r in h.head(8).itertuples(index=False):
        if pd.notna(r.target_year):
            lines.append("- " + t("overview.holdout_line", lang, name=r.name, level=t(f"levels.{r.level}", lang),
                                  target=t(f"levels.{r.target_level}", lang), year=int(r.target_year)))
        else:   # rule b: among the last units of its area below a level the others reached
            lines.append("- " + t("overview.holdout_last", lang, name=r.name, level=t(f"levels.{r.level}", lang),
                                  target=t(f"levels.{r.target_level}", lang),
                                  area=str(r.area_name) if pd.notna(r.area_name) else ""))
    if len(h) > 8:
        lines.append(f"- … (+{len(h) - 8})")
    st.markdown("\n".join(lines))
    st.page_link("pages/holdouts.py", label=t("pages.holdouts", lang), icon=":material/flag:", query_params=view.as_params())


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
    communes_h = h[h["admin_level"].astype(str) == "commune"] if len(h) and "admin_level" in h.columns else h
    st.html(legend.level_legend_html(row, year, lang, holdouts=len(holdout_codes(communes_h))))


def district_targets(view: ViewState, summary: dict) -> None:
    """The district's targets with metrics' gaps: commune-share targets and the
    district's own recognition target."""
    lang = view.lang
    rows = [r for r in (summary or {}).get("targets") or []
            if str(r.get("area_code")) == str(view.district) and r.get("level")]
    if not rows:
        st.caption(t("detail.no_target", lang))
        return
    lines = []
    for r in sorted(rows, key=lambda r: (int(r.get("target_year") or 0), str(r.get("level")))):
        what = t("area.target_communes" if r.get("admin_level") == "commune" else "area.target_district", lang,
                 level=t(f"levels.{r['level']}", lang), year=int(r["target_year"]))
        state = t(f"area.state.{r.get('state')}", lang) if r.get("state") in ("met", "past_due", "open", "not_met", "no_record", "unverified") else ""
        detail = ""
        if r.get("admin_level") == "commune" and r.get("required") is not None:
            detail = t("area.target_progress", lang, current=format_number(int(r.get("current") or 0), lang),
                       required=format_number(int(r["required"]), lang),
                       gap=format_number(int(r.get("gap") or 0), lang))
        lines.append(f"- **{what}** — {state}{' · ' + detail if detail else ''}")
    st.markdown("\n".join(lines))


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


def share_and_export(view: ViewState, illus: bool, page: str, briefing: bool = False) -> None:
    """Share link, citation and image/briefing downloads (export module), folded away.
    Its content is built only while the expander is open (it depends on the year, so
    a closed one would otherwise be rebuilt and re-sent on every year change)."""
    if view.province == "all":
        return
    box = st.expander(t("app.share_export", view.lang), expanded=False, key=f"ntm_share_open_{page}",
                      on_change="rerun")
    if not box.open:
        return
    with box:
        from ui.export.buttons import briefing_buttons, map_buttons
        from ui.export.share import render_share
        ds = data.dataset(illus)
        status = data.status(view.province, view.year, data.token(illus), illus)
        ids = status["source_id"].dropna().astype(str).unique().tolist()
        titles = ds.sources[ds.sources["source_id"].astype(str).isin(ids)]["title"].astype(str).tolist()[:3]
        render_share(view, titles, view.lang, page=page)
        map_buttons(view, illustrative=illus)
        if briefing:
            briefing_buttons(view, illustrative=illus)
