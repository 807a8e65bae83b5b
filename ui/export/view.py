"""The view an export draws: the scope's communes with status and geometry, counts, titles and
the sources behind them (``map_view``), and the short source list the exports and the share box
quote. Every figure comes from ``metrics``."""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ui.export import fonts
from domain.levels import RECOGNISED_LEVELS, criteria_set_for_year
from domain.units import bare_name
from ui.export.strings import at_least, check_lang, level_label, provenance_text, t
from ui.maps import spec

CRITERIA = "criteria"
LEVELS = RECOGNISED_LEVELS + (CRITERIA,)   # what an export's ``level`` may say (any ladder's; checked against the year's)


class ExportError(ValueError):
    """A request the data cannot answer (unknown province, district or year)."""


def dataset_for(illustrative: bool = False):
    """The dataset, without illustrative rows unless asked (same rule as the app)."""
    from streamlit import runtime

    if runtime.exists():
        from ui.frame import data

        return data.dataset(illustrative)
    from loaders.dataset import load_dataset

    return load_dataset().with_illustrative(illustrative)


@dataclass
class MapView:
    province: str
    district: str | None
    year: int
    level: str
    lang: str
    vintage: str
    communes: gpd.GeoDataFrame     # the scope's communes: geometry + status columns + holdout
    districts: gpd.GeoDataFrame
    spec: object                   # ui.maps.spec.MapSpec of the map drawn (classes, legend, outlines)
    status: pd.DataFrame           # metrics.status_as_of rows of the scope
    counts: pd.Series              # metrics.counts.level_counts row of the scope
    scope_name: str
    title: str
    subtitle: str
    sources: list[str]             # full citations, for the sources slide
    short_sources: list[str]       # compact names, for footers and the citation line
    source_line: str
    attribution_vi: str
    attribution_en: str
    illustrative: bool
    illustrative_note: str
    two_level: bool = False        # a vintage without a district level (from 1/7/2025)
    short_attribution: str = ""    # "Boundaries: <source> (<licence>), reconstructed, illustrative only"


def _province_name(ds, province: str) -> str:
    units = ds.units
    rows = units[(units["admin_level"] == "province") & (units["unit_code"].astype(str) == province)]
    return fonts.nfc(rows["name"].iloc[0]) if len(rows) else province


def source_labels(ds, source_ids) -> list[str]:
    """Full citation per source id (for the sources slide): title — issuer, number, date."""
    wanted = list(dict.fromkeys(part.strip() for x in source_ids if pd.notna(x) and str(x)
                                for part in str(x).split(";") if part.strip()))
    src = ds.sources.set_index(ds.sources["source_id"].astype(str))
    labels = []
    for sid in wanted:
        if sid not in src.index:
            labels.append(sid)
            continue
        row = src.loc[sid]
        parts = [_s(row.get("title")), _s(row.get("issuer")), _s(row.get("doc_number")),
                 _s(row.get("doc_date")) or _s(row.get("published"))]
        labels.append(fonts.nfc(" — ".join(p for p in parts if p)))
    return labels


def short_sources(ds, status: pd.DataFrame, lang: str) -> list[str]:
    """Compact source names for a footer or citation: decisions by number, then publishers."""
    out = []
    if "decision_no" in status:
        decisions = list(dict.fromkeys(_s(d) for d in status["decision_no"] if _s(d)))
        prefix = t("decision_prefix", lang)
        named = [f"{prefix} {d}" if not d.upper().startswith(prefix) else d for d in decisions[:3]]
        if len(decisions) > 3:
            named.append(t("more_decisions", lang, n=len(decisions) - 3))
        out += named
    ids = [str(x) for x in status.get("source_id", pd.Series(dtype=str)).dropna().unique()]
    src = ds.sources[ds.sources["source_id"].astype(str).isin(ids)]
    issuers = src["issuer"].fillna(src["title"]).map(_s).value_counts()
    for name, n in issuers.head(3).items():
        out.append(f"{name} ({n})" if n > 1 else name)
    if len(issuers) > 3:
        out.append(t("more_sources", lang, n=len(issuers) - 3))
    return [fonts.nfc(x) for x in out]


def _s(value) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def short_attribution(meta: dict, lang: str) -> str:
    """The boundary source in a footer's few words, read from the vintage's ``meta.json``: the
    source's name (before its details in brackets) and the licence's first word."""
    source = re.sub(r"^[^:(]*:\s*", "", str(meta.get("source") or "")).split(" (")[0].strip()
    licence = str(meta.get("licence") or "").split(" ")[0].strip()
    return fonts.nfc(t("short_attribution", lang, source=source or "—", licence=licence or "—"))


def source_line(lang: str, short: list[str], attribution: str) -> str:
    """"Nguồn: <the sources of the figures shown>. <boundaries' attribution>"; a view without a
    sourced record (a year of the 2026–2030 set not yet assessed) says so, not "—"."""
    shown = "; ".join(short) or t("no_sources", lang)
    return fonts.nfc(f"{t('source', lang)}: {shown}. {attribution}")


def map_view(ds, province: str, year: int, district: str | None = None,
             level: str = "standard", lang: str = "vi", *, prep=None,
             holdout_codes: set[str] | None = None, layer: str | None = None) -> MapView:
    """The view's communes with status and geometry, counts, titles and sources, and the map
    specification of its layer (``level=criteria``: the criteria layer, else the communes'
    levels, unless ``layer`` names another layer of ``ui.maps.spec``).

    ``prep`` (``metrics.prepare.as_prepared``) and ``holdout_codes`` let a caller
    that already has them (the briefing pack) skip recomputing.
    """
    from loaders.boundaries import load_communes, load_districts, load_meta
    from metrics.counts import level_counts
    from metrics.fmt import format_number
    from metrics.holdouts import holdouts as holdouts_of
    from metrics.prepare import as_prepared
    from metrics.status import district_status_as_of, status_as_of

    check_lang(lang)
    prep = prep if prep is not None else as_prepared(ds, province)
    if level not in LEVELS:
        raise ExportError(f"level must be {', '.join(LEVELS[:-1])} or {LEVELS[-1]}, got {level!r}")
    layer = layer or (CRITERIA if level == CRITERIA else spec.COMMUNE)
    status = status_as_of(prep, province, year)
    if status is None or status.empty:
        raise ExportError(f"no communes for province {province!r} in {year}")
    vintage = str(status["vintage"].iloc[0])
    if district is not None:
        district = str(district)
        status = status[status["district_code"].astype(str) == district]
        if status.empty:
            raise ExportError(f"district {district!r} is not in province {province!r} ({vintage})")
    geo = load_communes(vintage)[["unit_code", "geometry"]]
    communes = gpd.GeoDataFrame(status.merge(geo, on="unit_code", how="left"), geometry="geometry",
                                crs=geo.crs)
    communes = communes[communes.geometry.notna()]
    if holdout_codes is None:
        held = holdouts_of(prep, province, year)
        held = held[(held["listed_as"] == "holdout") & (held["admin_level"] == "commune")]
        holdout_codes = set(held["unit_code"].astype(str))   # not the "no record" list
    communes["holdout"] = communes["unit_code"].astype(str).isin(holdout_codes)
    districts = load_districts(vintage)
    if district is not None:
        districts = districts[districts["unit_code"].astype(str) == district]
    two_level = not prep.has_districts(vintage)     # from 1/7/2025: no district level
    if two_level:
        districts = districts.iloc[0:0]
    mode = spec.mode_for(layer, year, two_level=two_level)
    frames = spec.Frames(status=status, holdouts=frozenset(holdout_codes),
                         districts=district_status_as_of(prep, province, year) if mode.units == spec.DISTRICT else None)
    map_spec = spec.map_spec(mode.id, spec.Scope(province, district), year, frames)

    counts_all = level_counts(status)
    area = district or province
    row = counts_all[counts_all["area_code"].astype(str) == area]
    counts = row.iloc[0] if len(row) else counts_all.iloc[0]

    from metrics.figures import area_of
    # the province bare, as the screens name it ("Hà Tĩnh": "Tỉnh" is no English word)
    province_name = bare_name(_province_name(ds, province))
    scope_name = province_name
    covered = area_of(prep, vintage, district)   # a register holding one district names it, not the province
    if district is not None or covered["covers"] == "district_only":
        scope_name = f"{fonts.nfc(covered['name'])}, {province_name}"
    key = "map_title_criteria" if level == "criteria" else "map_title"
    title = f"{t(key, lang)} — {scope_name}, {year}"
    eligible = int(counts["eligible"])
    if level == "criteria":
        with_data = int(status["criteria_met"].notna().sum()) if "criteria_met" in status else 0
        subtitle = f"{t('criteria_data', lang)}: {format_number(with_data, lang)}/{format_number(eligible, lang)}"
    elif pd.isna(counts.get(f"atleast_{level}")):
        raise ExportError(f"level {level!r} is not on the ladder of {year} "
                          f"({', '.join(criteria_set_for_year(year).ladder.recognised)})")
    elif int(counts.get("not_assessed") or 0) and not int(counts.get("known") or 0):
        # nothing assessed under the set in force yet (2026–2030): a state, never "0 of N"
        subtitle = t("not_assessed_all", lang, n=format_number(int(counts["not_assessed"]), lang),
                     decision=criteria_set_for_year(year).decision)
    else:
        # what the map draws (the per-commune records), worded as such: how many xã have a record
        # and how many have none, never a count or share at a level beside THE figure (the pack's
        # headline and tiles quote it; 159/182 under 181/181 would be a second answer)
        subtitle = t("map_subtitle", lang, level=at_least(level, lang), n=format_number(int(counts["known"]), lang))
        undecided = int(counts["unknown"]) + int(counts.get("not_assessed") or 0)
        if undecided:
            subtitle += t("map_subtitle_unknown", lang, n=format_number(undecided, lang))
    meta = load_meta(vintage)
    sources = source_labels(ds, status["source_id"].dropna()) if "source_id" in status else []
    short = short_sources(ds, status, lang)
    attribution = fonts.nfc(meta.get(f"attribution_{lang}") or meta.get("attribution_vi") or "")
    illustrative = bool(status.get("illustrative", pd.Series(dtype=bool)).fillna(False).astype(bool).any()) \
        or bool((status.get("provenance", pd.Series(dtype=str)).astype(str) == "illustrative").any())
    return MapView(
        province=province, district=district, year=int(year), level=level, lang=lang, vintage=vintage,
        communes=communes, districts=districts, spec=map_spec, status=status, counts=counts, scope_name=scope_name,
        title=title, subtitle=subtitle, sources=sources,
        short_sources=short, source_line=source_line(lang, short, attribution),
        attribution_vi=fonts.nfc(meta.get("attribution_vi", "")),
        attribution_en=fonts.nfc(meta.get("attribution_en", "")),
        illustrative=illustrative,
        illustrative_note=provenance_text("illustrative", lang), two_level=two_level,
        short_attribution=short_attribution(meta, lang),
    )
