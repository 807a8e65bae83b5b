"""Build export files from the dataset: every figure comes from ``metrics``.

``map_view`` joins ``metrics.status.status_as_of`` to the boundaries of the
same vintage; ``build_map_image`` and ``build_briefing`` return the file bytes
(PNG/SVG, PPTX/PDF). The command line (``python -m ui.export``) and the
Streamlit buttons both call these.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ui.export import fonts
from ui.export.strings import AT_LEAST, PROVENANCE_LABELS, check_lang, t

MAP_FORMATS = ("png", "svg")
BRIEFING_FORMATS = ("pptx", "pdf")


class ExportError(ValueError):
    """A request the data cannot answer (unknown province, district or year)."""


def dataset_for(illustrative: bool = False):
    """The dataset, without illustrative rows unless asked (same rule as the app)."""
    try:
        from streamlit import runtime

        if runtime.exists():
            from ui import data

            return data.dataset(illustrative)
    except ImportError:
        pass
    import dataclasses

    from loaders.dataset import load_dataset

    ds = load_dataset()
    if illustrative or "provenance" not in ds.status.columns:
        return ds
    keep = ds.status["provenance"].astype(str) != "illustrative"
    return ds if keep.all() else dataclasses.replace(ds, status=ds.status[keep].copy())


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
    status: pd.DataFrame           # metrics.status_as_of rows of the scope
    counts: pd.Series              # metrics.counts.level_counts row of the scope
    scope_name: str
    title: str
    subtitle: str
    sources: list[str]
    source_line: str
    attribution_vi: str
    attribution_en: str
    illustrative: bool
    illustrative_note: str


def _province_name(ds, province: str) -> str:
    units = ds.units
    rows = units[(units["admin_level"] == "province") & (units["unit_code"].astype(str) == province)]
    return fonts.nfc(rows["name"].iloc[0]) if len(rows) else province


def source_labels(ds, source_ids) -> list[str]:
    """Short citation per source id: document number and date, else title and issuer."""
    wanted = [s for s in dict.fromkeys(str(x) for x in source_ids if pd.notna(x) and str(x))]
    src = ds.sources.set_index(ds.sources["source_id"].astype(str))
    labels = []
    for sid in wanted:
        if sid not in src.index:
            labels.append(sid)
            continue
        row = src.loc[sid]
        doc, date = _s(row.get("doc_number")), _s(row.get("doc_date"))
        title, issuer = _s(row.get("title")), _s(row.get("issuer"))
        if doc:
            label = f"{doc}" + (f" ({date})" if date else "") + (f" — {issuer}" if issuer else "")
        else:
            label = title + (f" — {issuer}" if issuer else "") + (f", {date}" if date else "")
        labels.append(fonts.nfc(label))
    return labels


def _s(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or pd.isna(value) \
        else str(value).strip()


def _source_line(lang: str, sources: list[str], attribution: str, limit: int = 3) -> str:
    shown = "; ".join(sources[:limit])
    more = len(sources) - limit
    if more > 0:
        shown += f" (+{more} " + ("nguồn khác" if lang == "vi" else "more") + ")"
    if not shown:
        shown = "—"
    return fonts.nfc(f"{t('source', lang)}: {shown}. {t('boundaries', lang)}: {attribution}")


def map_view(ds, province: str, year: int, district: str | None = None,
             level: str = "standard", lang: str = "vi") -> MapView:
    from loaders.boundaries import load_communes, load_districts, load_meta
    from metrics.counts import level_counts
    from metrics.fmt import format_number, format_percent
    from metrics.holdouts import holdouts as holdouts_of
    from metrics.status import status_as_of

    check_lang(lang)
    if level not in ("standard", "advanced", "model", "criteria"):
        raise ExportError(f"level must be standard, advanced, model or criteria, got {level!r}")
    status = status_as_of(ds, province, year)
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
    held = holdouts_of(ds, province, year)
    held_codes = set(held["unit_code"].astype(str)) if held is not None and "unit_code" in held else set()
    communes["holdout"] = communes["unit_code"].astype(str).isin(held_codes)
    districts = load_districts(vintage)
    if district is not None:
        districts = districts[districts["unit_code"].astype(str) == district]

    counts_all = level_counts(status)
    area = district or province
    row = counts_all[counts_all["area_code"].astype(str) == area]
    counts = row.iloc[0] if len(row) else counts_all.iloc[0]

    province_name = _province_name(ds, province)
    scope_name = province_name
    if district is not None:
        scope_name = f"{fonts.nfc(status['district_name'].iloc[0])}, {province_name}"
    key = "map_title_criteria" if level == "criteria" else "map_title"
    title = f"{t(key, lang)} — {scope_name}, {year}"
    eligible = int(counts["eligible"])
    if level == "criteria":
        with_data = int(status["criteria_met"].notna().sum()) if "criteria_met" in status else 0
        subtitle = (f"{'Xã có số liệu tiêu chí' if lang == 'vi' else 'Communes with criteria data'}: "
                    f"{format_number(with_data, lang)}/{format_number(eligible, lang)}")
    else:
        n = sum(int(counts[lv]) for lv in ("standard", "advanced", "model")
                if ("standard", "advanced", "model").index(lv) >= ("standard", "advanced", "model").index(level))
        share = counts.get(f"share_{level}")
        subtitle = (f"{AT_LEAST[lang][level]}: {format_number(n, lang)}/{format_number(eligible, lang)} "
                    f"{t('communes', lang)}")
        if share is not None and pd.notna(share):
            subtitle += f" ({format_percent(share, lang)})"
    meta = load_meta(vintage)
    sources = source_labels(ds, status["source_id"].dropna()) if "source_id" in status else []
    attribution = fonts.nfc(meta.get(f"attribution_{lang}") or meta.get("attribution_vi") or "")
    illustrative = bool(status.get("illustrative", pd.Series(dtype=bool)).fillna(False).astype(bool).any()) \
        or bool((status.get("provenance", pd.Series(dtype=str)).astype(str) == "illustrative").any())
    return MapView(
        province=province, district=district, year=int(year), level=level, lang=lang, vintage=vintage,
        communes=communes, districts=districts, status=status, counts=counts, scope_name=scope_name,
        title=title, subtitle=subtitle, sources=sources,
        source_line=_source_line(lang, sources, attribution),
        attribution_vi=fonts.nfc(meta.get("attribution_vi", "")),
        attribution_en=fonts.nfc(meta.get("attribution_en", "")),
        illustrative=illustrative,
        illustrative_note=PROVENANCE_LABELS[lang]["illustrative"],
    )


def render_view(view: MapView, *, dpi: int = 200):
    from ui.export.mapimage import render_map

    return render_map(view.communes, view.districts, mode=view.level, title=view.title,
                      subtitle=view.subtitle, source_line=view.source_line, lang=view.lang,
                      illustrative=view.illustrative, dpi=dpi)


def build_map_image(ds, province: str, year: int, district: str | None = None, *,
                    level: str = "standard", lang: str = "vi", fmt: str = "png", dpi: int = 200,
                    with_view: bool = False):
    """PNG or SVG bytes of the view's map (and the ``MapView`` if ``with_view``)."""
    if fmt not in MAP_FORMATS:
        raise ExportError(f"map format must be png or svg, got {fmt!r}")
    view = map_view(ds, province, year, district, level, lang)
    figure = render_view(view, dpi=dpi)
    buf = io.BytesIO()
    figure.save(buf, fmt=fmt)
    return (buf.getvalue(), view) if with_view else buf.getvalue()


def build_briefing(ds, province: str, year: int, district: str | None = None, *,
                   lang: str = "vi", fmt: str = "pptx") -> bytes:
    """PPTX or PDF bytes of the briefing pack."""
    from ui.export.content import build_pack
    from ui.export.pdf_writer import write_pdf
    from ui.export.pptx_writer import write_pptx

    if fmt not in BRIEFING_FORMATS:
        raise ExportError(f"briefing format must be pptx or pdf, got {fmt!r}")
    pack = build_pack(ds, province, year, district, lang)
    buf = io.BytesIO()
    (write_pptx if fmt == "pptx" else write_pdf)(pack, buf)
    return buf.getvalue()
