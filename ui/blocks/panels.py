"""Page blocks shared by several pages (title, caption, KPI tiles, small map,
holdouts callout, provenance summary, the commune map with its legend)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from domain.levels import CLASSIC_LADDER, COMPLETED, NOT_ASSESSED, UNKNOWN
from metrics.captions import date_text
from metrics.fmt import format_day, format_number
from metrics.present import figure_parts, shared_notes, source_ref
from metrics.targets import headline_target
from ui.frame import data, figure, layout, state
from ui.frame.context import PageContext
from ui.frame.i18n import t
from ui.maps import palette
from ui.maps import views as maps

LEVELS = CLASSIC_LADDER.recognised      # the KPI tiles' "at least" levels


def caption_text(summary: dict, lang: str, level: str = "standard") -> str | None:
    """The metrics-written caption for the level in focus (standard by default)."""
    caps = (summary or {}).get("captions") or {}
    by_level = (caps.get("levels") or {}).get(level) or {}
    return by_level.get(lang) or caps.get(lang)


def caption_html(ctx: PageContext, summary: dict | None = None, level: str | None = None) -> str:
    """The metrics-written caption of the view (the province's, or ``summary``'s) as HTML ("" when
    there is none)."""
    summary = ctx.summary() if summary is None else summary
    text = caption_text(summary, ctx.lang, level or ctx.level)
    return f'<p class="ntm-caption" data-testid="ntm-caption">{html.escape(str(text))}</p>' if text else ""


def caption(ctx: PageContext, summary: dict | None = None, level: str | None = None) -> None:
    """The metrics-written caption of the view (the province's, or ``summary``'s)."""
    body = caption_html(ctx, summary, level)
    if body:
        st.html(body)


def province_row(counts: pd.DataFrame) -> pd.Series:
    prov = counts[counts["admin_level"] == "province"]
    return prov.iloc[0] if len(prov) else counts.iloc[0]


def kpi_tiles(ctx: PageContext, summary: dict | None = None) -> None:
    """One tile per level with THE figure of the scope (``summary["figures"]``: the reported one
    with its source and date, else the count of records, "at least" when some are missing), its
    target and gap on that figure; the notes every level shares once under the tiles (what the
    map can draw, the register's count), then the comparison figures; the district-level units."""
    lang = ctx.lang
    summary = ctx.summary() if summary is None else summary
    figs = (summary or {}).get("figures") or {}
    if not figs:
        return
    area = (summary.get("scope") or {}).get("code") or ctx.province
    common, own = shared_notes(figs, lang)
    cols = st.columns(len(figs) + 1)
    for col, (level, fig) in zip(cols, figs.items()):
        tg = headline_target(summary.get("targets"), area, level, ctx.year)
        with col:
            st.html(figure.tile(fig, lang, palette.level_colour(level), tg, testid=f"kpi-{level}", notes=own[level]))
    with cols[-1]:
        district_tile(ctx, summary)
    first = next(iter(figs.values()))
    lines = common + figure_parts(first, lang)["comparisons"]
    if lines:
        st.html('<div class="ntm-figure-notes" data-testid="kpi-notes">'
                + "".join(f"<div>{html.escape(x)}</div>" for x in lines) + "</div>")


def district_tile(ctx: PageContext, summary: dict) -> None:
    """The district-level units: for a province, how many huyện reached the district standard
    (and thị xã/thành phố completed), from their records; for a district, its own level and the
    record it rests on."""
    lang = ctx.lang
    lad = (summary or {}).get("district_ladder")
    units = (summary or {}).get("district_units") or []
    if lad is None:   # a two-level vintage: no district level; its commune-level units instead
        st.html(_units_tile(ctx))
        return
    if (summary.get("scope") or {}).get("admin_level") == "district" and units:
        u = units[0]
        level = u.get("level") or "unknown"
        src = _source_ref(ctx, u.get("source_id"))
        how = " · ".join(x for x in (html.escape(u.get("decision_no") or ""), figure.source_html(src)) if x)
        st.html(f'<div class="ntm-tile" data-testid="kpi-district-level" data-level="{html.escape(level)}">'
                f'<div class="lbl">{html.escape(t("overview.district_own", lang))}</div>'
                f'<div class="big" style="font-size:1.3rem">{html.escape(t("levels." + level, lang))}</div>'
                f'<div class="sub">{html.escape(str(u.get("name") or ""))}</div>'
                f'<div class="how">{how or html.escape(t("overview.district_no_record", lang))}</div></div>')
        return
    done = int(lad.get("huyen_standard", 0)) + int(lad.get("completed", 0))
    total = int(lad.get("huyen", 0)) + int(lad.get("towns_cities", 0))
    unknown = int(lad.get("huyen_unknown", 0)) + int(lad.get("towns_cities_unknown", 0))
    st.html(layout.tile(t("overview.districts", lang), format_number(done, lang),
                        t("overview.districts_value", lang, count=format_number(done, lang),
                          den=format_number(total, lang)),
                        t("overview.districts_unknown", lang, n=format_number(unknown, lang)),
                        palette.level_colour(COMPLETED), testid="kpi-districts"))


def _units_tile(ctx: PageContext) -> str:
    """A two-level vintage: its commune-level units (xã counted on the ladder, the others not)
    and the date the district level ended."""
    lang = ctx.lang
    v = ctx.choices.vintage_of(ctx.province, ctx.year)
    row = province_row(ctx.counts())
    units, eligible = int(row["units"]), int(row["eligible"])
    return layout.tile(t("overview.units", lang), format_number(units, lang),
                       t("overview.units_value", lang, xa=format_number(eligible, lang),
                         other=format_number(units - eligible, lang)),
                       t("overview.units_no_district", lang, date=format_day(v.valid_from) if v else ""),
                       None, testid="kpi-units")


def _source_ref(ctx: PageContext, source_id) -> dict | None:
    """A record's source as the short human label with its link (never the id)."""
    if source_id is None or (isinstance(source_id, float) and pd.isna(source_id)) or not str(source_id):
        return None
    src = ctx.dataset().sources
    row = src[src["source_id"].astype(str) == str(source_id).split(";")[0]]
    return source_ref(row.iloc[0].to_dict(), ctx.lang) if len(row) else None


def small_map(ctx: PageContext, key: str) -> None:
    st.subheader(ctx.t("overview.small_map", year=ctx.year))
    maps.commune_map(ctx, key, "commune", height=420)
    maps.map_legend(ctx, "commune", with_figure=False)   # the tiles above state THE figure
    st.page_link("pages/map.py", label=ctx.t("overview.open_map"), icon=":material/map:",
                 query_params=ctx.view.as_params())


def holdouts_callout(ctx: PageContext) -> None:
    lang = ctx.lang
    st.subheader(t("overview.holdouts_title", lang))
    h = ctx.true_holdouts()
    if not len(h):
        st.write(t("overview.holdouts_none", lang, year=ctx.year))
        return
    st.write(t("overview.holdouts_count", lang, n=len(h), year=ctx.year))
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
    st.page_link("pages/holdouts.py", label=t("pages.holdouts", lang), icon=":material/flag:",
                 query_params=ctx.view.as_params())


def provenance_summary(ctx: PageContext) -> None:
    """What the map can draw: the eligible xã by the class of the record that decides them (a
    count of records, not a competing figure), and the latest decision date among them."""
    lang = ctx.lang
    st.subheader(t("overview.provenance_title", lang))
    status = ctx.status()
    el = status[status["eligible"].astype(bool)]
    level = el["level"].astype(str)
    prov = el["provenance"].astype(str).where(level != UNKNOWN, UNKNOWN).where(level != NOT_ASSESSED, NOT_ASSESSED)
    n = prov.value_counts()
    classes = ("official", "reported", "derived", "illustrative", "unknown")
    attrs = " ".join(f'data-{k}="{int(n.get(k, 0))}"' for k in classes + (NOT_ASSESSED,))
    text = t("overview.provenance_line", lang, eligible=format_number(len(el), lang),
             **{k: format_number(int(n.get(k, 0)), lang) for k in classes})
    if n.get(NOT_ASSESSED):   # a state of its own (2026–2030: no assessment yet), never "no data"
        text += " · " + t("overview.provenance_not_assessed", lang, n=format_number(int(n[NOT_ASSESSED]), lang))
    st.html(f'<p data-testid="provenance-counts" {attrs}>{html.escape(text)}</p>')
    dates = pd.to_datetime(el["decision_date"], errors="coerce").dropna()
    if len(dates):
        st.caption(t("overview.as_of", lang, date=date_text(dates.max().strftime("%Y-%m-%d"), lang)))


def district_picker(ctx: PageContext) -> PageContext:
    """The district choice of /area (bound to the URL's ``district``); the context with the
    chosen district, or with none when no valid district is chosen."""
    dstat = ctx.district_status()
    names = dict(zip(dstat["unit_code"].astype(str), dstat["name"].astype(str)))
    options = [c for c in ctx.choices.districts.get(ctx.province, ()) if c in names]
    st.session_state["ntm_w_district"] = ctx.district if ctx.district in options else None
    st.selectbox(ctx.t("area.pick"), options, key="ntm_w_district", index=None,
                 placeholder=ctx.t("area.pick_prompt"), format_func=lambda c: names.get(c, c),
                 on_change=lambda: state.update(district=st.session_state.get("ntm_w_district"), commune=None))
    ctx = ctx.refreshed()
    return ctx if ctx.district in names else ctx.at(district=None)


def boundary_attribution(ctx: PageContext) -> None:
    """Attribution of every vintage, in both languages, with licence and caveats."""
    from loaders.boundaries import list_vintages
    lang = ctx.lang
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


def _cited_status(ctx: PageContext):
    """The records a view's citation names: the area's; on the national map, those of every
    province we carry in the year (the map draws them all)."""
    if ctx.national:
        import pandas as pd
        carried = [p for p in ctx.choices.provinces_in(ctx.year) if p != state.NATIONAL]
        return pd.concat([ctx.at(province=p).status() for p in carried], ignore_index=True)
    status = ctx.status()
    if ctx.district:
        status = status[status["district_code"].astype(str) == ctx.district]
    return status


def share_open(page: str) -> bool:
    """Whether the share panel of ``page`` is open (its content is then built)."""
    return bool(st.session_state.get(f"ntm_share_open_{page}"))


def share_and_export(ctx: PageContext, page: str, briefing: bool = False) -> None:
    """Share link, citation and image/briefing downloads (export module), folded away.
    Its content is built only while the expander is open (it depends on the year, so
    a closed one would otherwise be rebuilt and re-sent on every year change)."""
    box = st.expander(ctx.t("app.share_export"), expanded=False, key=f"ntm_share_open_{page}",
                      on_change="rerun")
    if not box.open:
        return
    with box:
        from ui.export.buttons import briefing_buttons, map_buttons
        from ui.export.share import render_share
        from ui.export.share import view_citation
        render_share(ctx.view, view_citation(ctx.dataset(), _cited_status(ctx), ctx.lang), ctx.lang, page=page)
        if ctx.national:   # the link (with its drill-down) and the citation; images are per province
            return
        map_buttons(ctx.view, illustrative=ctx.illustrative)
        if briefing:
            briefing_buttons(ctx.view, illustrative=ctx.illustrative)
