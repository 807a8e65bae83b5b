"""What a briefing pack says, independent of the file format.

``ui.export.content.build_pack`` fills a ``Pack`` from ``metrics`` (every figure
comes from there, already formatted for the language); ``pptx_writer`` and
``pdf_writer`` lay the same ``Pack`` out as 16:9 slides or pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd


@dataclass
class Kpi:
    label: str            # "Xã đạt chuẩn NTM trở lên"
    value: str            # "93,4 %"
    detail: str           # "169/181 xã"
    target: str           # "Mục tiêu 2025: 100 %" or "Chưa có mục tiêu"
    gap: str = ""         # "Còn thiếu 12 xã" / "Đã đạt"
    level: str = "standard"   # palette colour of the tile
    provenance: str = ""
    basis: str = ""       # how the figure is known: "theo báo cáo, tính đến 01/2024 · Báo Hà Tĩnh"
    figure: dict | None = None   # THE figure (metrics.figures) the tile quotes


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]           # relative column widths
    note: str = ""                # e.g. "and 12 more rows"
    row_levels: list[str] = field(default_factory=list)   # optional palette key per row
    split: bool = False           # long list: draw as two half-width tables side by side

    def halves(self) -> list["Table"]:
        if not self.split:
            return [self]
        mid = (len(self.rows) + 1) // 2
        return [Table(self.columns, self.rows[:mid], self.widths),
                Table(self.columns, self.rows[mid:], self.widths)]


@dataclass
class Pack:
    lang: str
    province_code: str
    district_code: str | None
    year: int
    scope_name: str               # "Tỉnh Hà Tĩnh" / "Huyện Hương Khê, Hà Tĩnh"
    title: str                    # cover title
    headline: str                 # the metrics caption in ``lang``
    generated_on: str             # date string in ``lang``
    kpis: list[Kpi]
    map_title: str
    map_subtitle: str
    map_spec: object              # ui.maps.spec.MapSpec: classes, legend rows, holdout outlines
    communes: gpd.GeoDataFrame    # geometry + status columns of the scope's communes
    districts: gpd.GeoDataFrame
    holdouts: Table
    holdouts_title: str
    progress: pd.DataFrame        # year, series, value, basis, provenance
    progress_title: str
    progress_notes: list[str]     # e.g. criteria-set changes
    set_changes: list[int]        # years where a new criteria set starts
    districts_table: Table
    districts_title: str
    sources: list[str]            # one line per source used
    attribution_vi: str
    attribution_en: str
    provenance_lines: list[str]   # provenance classes explained
    illustrative: bool
    illustrative_note: str
    source_line: str              # short line for every slide/page footer and the map
    extra: dict = field(default_factory=dict)
