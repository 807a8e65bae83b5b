"""Commune detail panel: history across years, criteria met / missing (with
names), target, and sources with links. Everything from metrics and records."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from metrics.present import unit_target_text
from ui.frame.context import PageContext
from ui.frame.i18n import t


def commune_center(ctx: PageContext):
    """(lat, lng) of a point inside the selected commune, on the year's vintage."""
    g = ctx.communes_geo()
    sel = g[g["unit_code"].astype(str) == str(ctx.commune)]
    if not len(sel):
        return None
    p = sel.geometry.iloc[0].representative_point()
    return (round(p.y, 5), round(p.x, 5))


def _criteria_names(ds, criteria_set: str, ids: list[str], lang: str) -> list[str]:
    crit = ds.criteria
    col = f"name_{lang}"
    out = []
    for cid in ids:
        row = crit[(crit["criteria_set"].astype(str) == str(criteria_set)) & (crit["criterion_id"].astype(str) == cid)]
        out.append(f"{cid}. {row.iloc[0][col]}" if len(row) else cid)
    return out


def _split(v) -> list[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return []
    return [s.strip() for s in str(v).split(";") if s.strip()]


def source_links(ds, source_ids, lang: str = "vi") -> str:
    """The sources as a list: the title (linked when it has a web address) and its short label
    (issuer or decision, date); never an internal id."""
    from ui.blocks.tables import source_refs
    items = []
    for r in source_refs(ds, [s for s in source_ids if s], lang):
        title = html.escape(r["title"])
        link = (f'<a href="{html.escape(r["url"])}" target="_blank" rel="noopener">{title}</a>'
                if r["url"] else title)
        extra = "" if r["label"] == r["title"] else f" — {html.escape(r['label'])}"
        items.append(f"<li>{link}{extra}</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def panel(ctx: PageContext) -> None:
    """The selected commune's detail panel."""
    lang, code = ctx.lang, str(ctx.commune)
    ds = ctx.dataset()
    status = ctx.status()
    row = status[status["unit_code"].astype(str) == code]
    if not len(row):
        return
    r = row.iloc[0]
    with st.container(border=True, key="ntm_detail"):
        st.subheader(t("detail.title", lang, name=r["name"]))
        level = str(r["level"]) if bool(r["eligible"]) else "not_applicable"
        st.write(t("detail.district", lang, name=r["district_name"]) + " · " +
                 t("detail.level_now", lang, year=ctx.year, level=t(f"levels.{level}", lang)))
        a, b = st.columns(2)
        with a:
            st.markdown(f"**{t('detail.history', lang)}**")
            hist = ctx.history(code, ctx.vintage())
            if len(hist):
                from ui.blocks.tables import history_table
                st.dataframe(history_table(hist, ds, lang), hide_index=True, width="stretch")
        with b:
            met, total = r.get("criteria_met"), r.get("criteria_total")
            missing = _split(r.get("missing_criteria"))
            cset = r.get("criteria_set")
            if pd.notna(met) and pd.notna(total):
                st.markdown(f"**{t('detail.criteria_met', lang)}**: {int(met)}/{int(total)}")
            if missing:
                st.markdown(f"**{t('detail.criteria_missing', lang)}**")
                st.markdown("\n".join(f"- {html.escape(n)}" for n in _criteria_names(ds, cset, missing, lang)))
            elif pd.isna(met):
                st.caption(t("detail.criteria_unknown", lang))
            st.markdown(f"**{t('detail.target', lang)}**")
            # the one unit-target rule (/area and /holdouts read it too): kept after its year
            tg = [x for x in ctx.unit_targets([code]).get(code, []) if x.get("level")]
            if tg:
                st.markdown("\n".join(f"- {html.escape(unit_target_text(x, lang))}" for x in tg))
            else:
                st.caption(t("detail.no_target", lang))
        st.markdown(f"**{t('detail.sources', lang)}**")
        sids = list(hist["source_id"].astype(str)) if len(hist) and "source_id" in hist.columns else []
        if pd.notna(r.get("source_id")):
            sids.insert(0, str(r["source_id"]))
        st.html(source_links(ds, sids, lang))
