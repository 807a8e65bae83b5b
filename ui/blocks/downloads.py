"""Downloads for /data: CSV and GeoJSON of what is on screen and of everything,
with a citation line. CSV cells that a spreadsheet would run as a formula
(= + - @ at the start, leading blanks ignored) are prefixed with a quote (DESIGN §5, ui.frame.safe)."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from ui.frame import data
from ui.maps import province as ntm_map
from ui.frame.i18n import t
from ui.frame.safe import safe_frame


def safe_csv(df: pd.DataFrame) -> bytes:
    # CRLF rows: a field holding a CR or LF is then always quoted, so no line break inside a value
    # can start a row (and a formula) of its own. BOM: Excel opens UTF-8 Vietnamese correctly.
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


VIEW_COLUMNS = ["unit_code", "name", "unit_type", "district_code", "district_name", "vintage", "eligible",
                "level", "record_year", "criteria_set", "criteria_met", "criteria_total", "missing_criteria",
                "decision_no", "decision_date", "source_id", "provenance", "mixed", "basis", "derived_from",
                "commune_group", "illustrative", "note"]
DISTRICT_COLUMNS = ("district_code", "district_name")     # none on a two-level vintage (from 1/7/2025)


def view_frame(ctx) -> pd.DataFrame:
    """The communes on screen (the province, or the view's district) with their status."""
    st_ = ctx.status()
    if ctx.district:
        st_ = st_[st_["district_code"].astype(str) == ctx.district]
    cols = [c for c in VIEW_COLUMNS if c in st_.columns and not (c in DISTRICT_COLUMNS and ctx.two_level())]
    out = st_[cols].copy()
    out.insert(0, "year", ctx.year)
    return out


def view_geojson(ctx) -> bytes:
    frame = view_frame(ctx)
    geo = ctx.communes_geo()
    geo = geo[geo["unit_code"].astype(str).isin(frame["unit_code"].astype(str))]
    by_code = {str(r["unit_code"]): r for r in frame.to_dict("records")}
    gj = ntm_map.communes_geojson(geo)
    for f in gj["features"]:
        props = by_code.get(f["properties"]["unit_code"], {})
        f["properties"] = {k: ntm_map._clean(v) for k, v in props.items()}
    return json.dumps(gj, ensure_ascii=False).encode("utf-8")


def citation_line(ctx) -> str:
    """The citation of the view: the same short source list the exports print."""
    from ui.export.share import view_citation
    return view_citation(ctx.dataset(), view_frame(ctx), ctx.lang)


def _name(ctx, kind: str, ext: str) -> str:
    parts = ["ntm", ctx.province] + ([ctx.district] if ctx.district else []) + [str(ctx.year), kind]
    return "-".join(parts) + f".{ext}"


def render(ctx) -> None:
    """What is on screen, as CSV and GeoJSON, with its citation."""
    lang = ctx.lang
    from ui.frame.structure import province_label
    prov = province_label(ctx.province, ctx.year, lang)
    st.subheader(t("data.on_screen", lang, province=prov, year=ctx.year))
    frame = view_frame(ctx)
    if ctx.illustrative and "illustrative" in frame.columns and frame["illustrative"].fillna(False).astype(bool).any():
        st.error(t("app.illustrative_banner", lang), icon=":material/warning:")
    c1, c2 = st.columns(2)
    c1.download_button(t("data.csv_view", lang), safe_csv(frame), file_name=_name(ctx, "communes", "csv"),
                       mime="text/csv", key="dl_view_csv")
    c2.download_button(t("data.geojson_view", lang), view_geojson(ctx),
                       file_name=_name(ctx, "communes", "geojson"), mime="application/geo+json", key="dl_view_geojson")
    st.markdown(f"**{t('data.citation', lang)}**")
    st.code(citation_line(ctx), language=None, wrap_lines=True)
    st.caption(t("data.csv_note", lang))


def province_geojson_all_years(ctx) -> bytes:
    """Every commune of the province on each of its vintages, with the level and
    provenance of every year drawn on that vintage (level_2019, provenance_2019, …)."""
    by_vintage: dict = {}
    for y in ctx.years:
        by_vintage.setdefault(ctx.vintage(y), []).append(y)
    features = []
    for vintage, years in by_vintage.items():
        geo = data.communes_geo(vintage)
        gj = ntm_map.communes_geojson(geo)
        frames = {y: ctx.status(y).set_index("unit_code") for y in years}
        for f in gj["features"]:
            code = f["properties"]["unit_code"]
            f["properties"]["vintage"] = vintage
            for y, fr in frames.items():
                if code in fr.index:
                    f["properties"][f"level_{y}"] = ntm_map._clean(fr.at[code, "level"])
                    f["properties"][f"provenance_{y}"] = ntm_map._clean(fr.at[code, "provenance"])
            features.append(f)
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def render_all(ctx) -> None:
    """Everything: every year's map of the province, every record, source and target."""
    lang = ctx.lang
    ds = ctx.dataset()
    st.subheader(t("data.everything", lang))
    if not ctx.national:
        st.download_button(t("data.geojson_all", lang), province_geojson_all_years(ctx),
                           file_name=f"ntm-{ctx.province}-all-years.geojson", mime="application/geo+json",
                           key="dl_all_geojson")
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("data.csv_all", lang), safe_csv(ds.status), file_name="ntm-status-all.csv",
                       mime="text/csv", key="dl_all_status")
    c2.download_button(t("data.csv_sources", lang), safe_csv(ds.sources), file_name="ntm-sources.csv",
                       mime="text/csv", key="dl_all_sources")
    c3.download_button(t("data.csv_targets", lang), safe_csv(ds.targets), file_name="ntm-targets.csv",
                       mime="text/csv", key="dl_all_targets")
