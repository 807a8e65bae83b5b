"""Commune detail panel: history across years, criteria met / missing (with
names), target, and sources with links. Everything from metrics and records."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

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


def source_links(ds, source_ids) -> str:
    src = ds.sources
    items = []
    for sid in dict.fromkeys(s for s in source_ids if s):
        row = src[src["source_id"].astype(str) == str(sid)]
        if not len(row):
            items.append(f"<li>{html.escape(str(sid))}</li>")
            continue
        r = row.iloc[0]
        title = html.escape(str(r.get("title") or sid))
        bits = [str(x) for x in (r.get("issuer"), r.get("doc_number"), r.get("doc_date")) if x is not None and not pd.isna(x) and str(x)]
        url = str(r.get("url") or "")
        link = f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{title}</a>' if url.startswith("http") else title
        items.append(f"<li>{link}{' — ' + html.escape(', '.join(bits)) if bits else ''}</li>")
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
            tg = ds.targets[(ds.targets["scope"].astype(str) == "unit") & (ds.targets["unit_code"].astype(str) == code)]
            if len(tg):
                st.markdown("\n".join(f"- {t('levels.' + str(x.level), lang)} — {int(x.target_year)}" for x in tg.itertuples()))
            else:
                st.caption(t("detail.no_target", lang))
        st.markdown(f"**{t('detail.sources', lang)}**")
        sids = list(hist["source_id"].astype(str)) if len(hist) and "source_id" in hist.columns else []
        if pd.notna(r.get("source_id")):
            sids.insert(0, str(r["source_id"]))
        st.html(source_links(ds, sids))
