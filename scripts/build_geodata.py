"""Build geodata/boundaries, geodata/registers, geodata/criteria and geodata/national
from the shared source files (reproducible; the outputs are committed).

    python scripts/build_geodata.py --source ../shared

`--source` is the shared folder that holds `geodata/` (the pre-2025 layers, the 1/7/2025
structure in `geodata/2025/`, their PROVENANCE.md notes) and `reference/` (criteria lists, the
province list of Công văn 915/CTK-CSCL in `reference/sources/`). Passing the `geodata/` folder
itself also works. Province names are read from the sources (`gso_units_pre2025.csv` before
1/7/2025, `915_CTK-CSCL_province_codes.csv` after), never listed here.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GEODATA = REPO / "geodata"

from loaders.geometry import area_shares  # noqa: E402

COMMUNE_COLS = ["unit_code", "name", "unit_type", "district_code", "district_name",
                "province_code", "province_name", "vintage"]
DISTRICT_COLS = ["unit_code", "name", "unit_type", "province_code", "province_name", "vintage"]
CROSSWALK_COLS = ["from_vintage", "from_code", "to_vintage", "to_code", "relation", "part", "inferred", "note"]

# ---- texts of the pre-2025 layers (censusVN2009) ------------------------------------------------
LICENCE = ("MIT (censusVN2009 distribution, © 2017 Marc Choisy, Lucie Contamin); upstream "
           "1:250,000 government administrative map (c. 2013) has no stated open licence — "
           "see PROVENANCE.md 'Licence verdict: caution'")
SOURCE = ("censusVN2009 (github.com/choisy/censusVN2009, commit b1a66891), joined to GSO unit codes "
          "(dvhcvn snapshots 2019-10 … 2024-09; vietnam-provinces 0.5.0); see PROVENANCE.md")
NOTE_VI = ("Ranh giới được tái dựng từ bản đồ năm 2009, chỉ mang tính minh họa, "
           "không có giá trị pháp lý.")
NOTE_EN = ("Boundaries reconstructed from the 2009 census map; illustrative only, "
           "not legally authoritative.")
NOTE_2009_VI = ("Lớp ranh giới điều tra dân số năm 2009 (đơn vị hành chính năm 2008–2009), chỉ mang "
                "tính minh họa, không có giá trị pháp lý; ranh giới Lào Cai 2020–2024 chưa được dựng.")
NOTE_2009_EN = ("2009 census boundary layer (units as of 2008–2009); illustrative only, not legally "
                "authoritative; Lào Cai 2020–2024 boundaries have not been built.")

CAVEAT_LOWRES = ("Low resolution: source polygons were thinned by their author (tolerance 0.00145°, "
                 "about 160 m); no further simplification was applied.")
CAVEAT_PARTIAL = ("Transfers of part of a commune's area between 2009 and 2024 are not represented; "
                  "only whole-unit mergers, renames and re-parenting are.")
VALID_TO_2025 = ("Extended to 30/6/2025, the day before the two-level structure ({next}). The unit set "
                 "of 1/1/2025–30/6/2025 ({arrangement}) has no layer of its own. No year is drawn on it "
                 "(a year is drawn on the vintage valid on 31 December, so 2025 is drawn on {next}), "
                 "but dated statements of the first half of 2025 resolve to this layer; the units the "
                 "1/1/2025 arrangement removed are linked to their 2025 unit by the {this} → {next} "
                 "crosswalk (rows with inferred = true).")

# ---- texts of the 1/7/2025 layers (geodata/2025/) --------------------------------------------------
SOURCE_2025 = ("Polygons: vietnam-3d-map (github.com/lamngockhuong/vietnam-3d-map @dc6095c, 2025-12-07, "
               "public/wards/<province>.json); unit codes of Công văn 1027/CTK-CSCL (25/6/2025), province "
               "codes of Công văn 915/CTK-CSCL; old → new crosswalk dvhcvn/20250701 @dd94887 "
               "(mapping/merges.json); see PROVENANCE.md (1/7/2025 part)")
LICENCE_2025 = ("MIT (vietnam-3d-map, © 2025 Lam Ngoc Khuong; dvhcvn/20250701); the upstream boundaries "
                "(gis.vn administrative map, sapnhap.bando.com.vn) have no verified licence — see "
                "PROVENANCE.md 'Licence verdict: caution'")
NOTE_2025_VI = ("Ranh giới cấp xã từ 1/7/2025 dẫn xuất từ dữ liệu công khai, chỉ mang tính minh họa, "
                "không có giá trị pháp lý.")
NOTE_2025_EN = ("Commune-level boundaries from 1/7/2025 derived from public data; illustrative only, "
                "not legally authoritative.")
CAVEAT_2025_SOURCE = ("Polygons simplified upstream (Douglas–Peucker, 5 decimals); the vietnam-3d-map "
                      "repository says its boundaries come from the gis.vn administrative map and its "
                      "attributes from sapnhap.bando.com.vn. That upstream licence is NOT VERIFIED: "
                      "illustrative, not legally authoritative.")
CAVEAT_2025_TWO_LEVEL = ("Two-level structure from 1/7/2025 (province → commune-level unit): no district "
                         "level. n_districts is 0 and there is no districts.parquet; communes have no "
                         "district_code and their parent in registers/units.csv is the province. Former "
                         "districts are drawn from the previous vintage's districts.parquet.")
CAVEAT_2025_SLIVERS = ("Nationally the unit areas sum to 333,966 km² against a union of 333,839 km² "
                       "(127 km² of overlap slivers, 0.04 %); the prepared map layers are coverage-cleaned.")
CAVEAT_2025_AREA = ("area_km2 and population are the upstream attributes (2025, as published), not "
                    "computed from the polygons.")
CAVEAT_2025_OLD_UNITS = ("old_units_20250301 lists the old units of the national crosswalk (GSO list of "
                         "1/3/2025) that went into each unit; '(partial)' marks an old unit divided "
                         "between several new units.")

# Why a pre-2025 unit may be missing from the GSO list of 1/3/2025 (the national crosswalk's old side).
GONE_BEFORE_20250301 = {
    "42": "it disappeared in the 1/1/2025 arrangement (1283/NQ-UBTVQH15; ntm_facts.md §B4)",
    "38": "it disappeared in the 1/1/2025 arrangement (1238/NQ-UBTVQH15; ntm_facts_2025.md §1)",
    "10": ("the 2009 census layer predates the later Lào Cai arrangements (Sa Pa town, 2019; "
           "896/NQ-UBTVQH14, 2020)"),
}
# An old unit holding at least this share of its area in a second 2025 unit is linked to each
# such unit as a part (part = partial) when the link is inferred from the geometry.
PART_SHARE = 0.2
# A code link is contradicted when less than this share of the old unit lies in its linked unit(s).
CODE_LINK_MIN_SHARE = 0.5

VINTAGES = {
    "42-2019": dict(
        file="hatinh_adm.gpkg", communes="adm3_2019", districts="adm2_2019",
        valid_from=None, valid_to="2019-12-31", predecessors=[],
        valid_from_note=("Open start: the unit set is the GSO list of 2019-10/12 (before NQ 819/NQ-UBTVQH14). "
                         "Earlier boundary changes are not modelled; this layer is used for every year up "
                         "to and including 2019."),
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "2009 'Thị trấn Kỳ Anh' is joined to 2015 'Phường Sông Trí' (18754).",
        ]),
    "42-2020": dict(
        file="hatinh_adm.gpkg", communes="adm3_2020_2024", districts="adm2_2020_2024",
        valid_from="2020-01-01", valid_to="2025-06-30", predecessors=["42-2019"],
        valid_from_note="NQ 819/NQ-UBTVQH14 (21/11/2019) in force 1/1/2020; 2025-01-01 mergers not included.",
        valid_to_note=VALID_TO_2025.format(
            this="42-2020", next="42-2025",
            arrangement="1283/NQ-UBTVQH15: 210 units = 171 xã + 25 phường + 14 thị trấn in 12 "
                        "district-level units; Lộc Hà district merged into Thạch Hà"),
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "Topology defects from the source thinning: 451 overlapping pairs (21.1 km²) and 835 sliver "
            "gaps (21.6 km²), about 0.4 % of 5,943 km².",
            "Reconstructed by merging 2009 communes per NQ 819/NQ-UBTVQH14.",
            "Inferred lineage (no source confirms): Xã Cẩm Huy → Thị trấn Cẩm Xuyên (Cẩm Quang cannot be "
            "ruled out); Xã Việt Xuyên → Xã Việt Tiến (by elimination).",
            "adm3_code_jan2020 differs from unit_code for 16 units (provisional codes of the January 2020 "
            "GSO list).",
            "The 1/1/2025 arrangement (1283/NQ-UBTVQH15) is not drawn: from 1/1/2025 to 30/6/2025 this "
            "layer still shows the units it merged (e.g. Lộc Hà district, Xã Sơn Châu and Xã Sơn Bình).",
        ]),
    "38-2019": dict(
        file="thanhhoa_trieuson_adm.gpkg", communes="adm3_2019", districts=None,
        valid_from=None, valid_to="2019-11-30", predecessors=[],
        valid_from_note=("Open start: the unit set is the GSO list of 2019-10 (before NQ 786/NQ-UBTVQH14). "
                         "Earlier boundary changes are not modelled; this layer is used for every year up "
                         "to and including 2018 (31/12/2019 falls in 38-2020)."),
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "Only Triệu Sơn district is covered, not the rest of Thanh Hóa.",
            "The district polygon is dissolved from the 36 communes.",
        ]),
    "38-2020": dict(
        file="thanhhoa_trieuson_adm.gpkg", communes="adm3_2020_2024", districts="adm2_2020_2024",
        valid_from="2019-12-01", valid_to="2025-06-30", predecessors=["38-2019"],
        valid_from_note="NQ 786/NQ-UBTVQH14 in force 1/12/2019; 2025 mergers not included.",
        valid_to_note=VALID_TO_2025.format(
            this="38-2020", next="38-2025",
            arrangement="1238/NQ-UBTVQH15 in Thanh Hóa: Triệu Sơn 30 xã + 2 thị trấn, Xuân Thịnh "
                        "merged into Xuân Lộc"),
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "Only Triệu Sơn district is covered, not the rest of Thanh Hóa.",
            "Topology defects from the source thinning: 1.7 km² overlaps, 2.2 km² gaps.",
            "Inferred lineage (no source confirms): Xã Minh Dân and Xã Minh Châu → Thị trấn Triệu Sơn.",
            "The 1/1/2025 arrangement (1238/NQ-UBTVQH15: Xuân Thịnh into Xuân Lộc) is not drawn.",
        ]),
    "10-2009": dict(
        file="laocai_adm_2009.gpkg", communes="adm3_2009", districts="adm2_2009",
        valid_from=None, valid_to="2025-06-30", predecessors=[],
        valid_from_note=("2009 census cartography (units as of 2008–2009). It is the only layer of the old "
                         "Lào Cai (province 10) and is used for every year up to 2024, with a visible note: "
                         "Lào Cai 2020–2024 (152 units) was NOT built (Sa Pa town 2019, unresolved Si Ma Cai "
                         "/ Bắc Hà / Văn Bàn mergers)."),
        valid_to_note=("Province 10 ceased on 30/6/2025: from 1/7/2025 old Lào Cai and old Yên Bái form "
                       "the new Tỉnh Lào Cai with code 15 (vintage 15-2025). Years from 2025 are drawn on "
                       "15-2025; the 10-2009 → 15-2025 crosswalk links every unit of this layer to its "
                       "2025 unit."),
        caveats=[
            CAVEAT_LOWRES,
            "This is the 2009 census layer, not the 2020–2024 unit set: Lào Cai 2020–2024 (152 units) was not built.",
            "Units are matched to GSO codes of the 2019-10 list by name; units without a unique match "
            "(gso_match ambiguous/unmatched) carry unit_code 'C' + census commune id.",
        ]),
    "42-2025": dict(
        era="2025", valid_from="2025-07-01", valid_to=None, predecessors=["42-2020"],
        valid_from_note=("Resolution 1665/NQ-UBTVQH15 (16/6/2025) in force 1/7/2025: 69 units = 60 xã + "
                         "9 phường (58 xã and 9 phường formed by merger, Sơn Kim 1 and Sơn Kim 2 unchanged); "
                         "no district level. Unit codes of Công văn 1027/CTK-CSCL (25/6/2025)."),
        caveats=[
            CAVEAT_2025_SOURCE, CAVEAT_2025_TWO_LEVEL, CAVEAT_2025_SLIVERS, CAVEAT_2025_AREA,
            CAVEAT_2025_OLD_UNITS,
            "The GSO list of 1/3/2025 (the national crosswalk's old side) still holds Xã Bình Lộc (18448), "
            "merged into Bình An on 1/1/2020 (819/NQ-UBTVQH14) and not named in 1665: the real pre-reform "
            "count is 209 units (170 xã + 25 phường + 14 thị trấn). NTM reports of 6/2025 use 169 xã: one "
            "unit is unexplained, as 181 vs 182 xã in 2020–2024.",
            "Only two old units were divided: Phường Đại Nài (18082 → Thành Sen, Hà Huy Tập) and Xã Kỳ Lợi "
            "(18796 → Vũng Áng, Sông Trí, Hoành Sơn); registers/crosswalk.csv marks their rows part = "
            "partial. Every other new unit is a union of whole old units.",
            "The 1/1/2025 arrangement (1283/NQ-UBTVQH15: Lộc Hà district into Thạch Hà, Sơn Châu + Sơn "
            "Bình → Châu Bình, Trung Lộc and Phú Phong dissolved, …) has no layer of its own: the "
            "2020–2024 units it removed are not on the 1/3/2025 list and are linked to their 2025 unit by "
            "the largest area overlap (crosswalk rows with inferred = true).",
        ]),
    "38-2025": dict(
        era="2025", valid_from="2025-07-01", valid_to=None, predecessors=["38-2020"],
        valid_from_note=("Resolution 1686/NQ-UBTVQH15 (16/6/2025) in force 1/7/2025: 166 units = 147 xã + "
                         "19 phường (126 xã and 19 phường formed, 21 xã unchanged); no district level. Unit "
                         "codes of Công văn 1027/CTK-CSCL (25/6/2025)."),
        caveats=[
            CAVEAT_2025_SOURCE, CAVEAT_2025_TWO_LEVEL, CAVEAT_2025_SLIVERS, CAVEAT_2025_AREA,
            CAVEAT_2025_OLD_UNITS,
            "The whole new province is covered; only the former Triệu Sơn district has earlier layers here "
            "(38-2019, 38-2020). Its 30 xã + 2 thị trấn became 8 xã, none mixed with another district.",
            "1/1/2025 arrangement 1238/NQ-UBTVQH15 (Xuân Thịnh into Xuân Lộc): on the GSO list of 1/3/2025 "
            "code 15736 (Xã Xuân Thịnh in 2020–2024) is Xã Xuân Lộc and the old Xuân Lộc code 15739 is gone; "
            "likewise 15760 (Xã Thọ Vực) is Xã Thọ Phú and the old Thọ Phú code 15757 is gone (reading "
            "INFERRED from the names, ntm_facts_2025.md §1). 15739 and 15757 are linked by area overlap "
            "(inferred); all four lie in the new Xã Thọ Phú (15763).",
        ]),
    "15-2025": dict(
        era="2025", valid_from="2025-07-01", valid_to=None, predecessors=["10-2009"],
        valid_from_note=("Resolution 1673/NQ-UBTVQH15 (16/6/2025) in force 1/7/2025: the new Tỉnh Lào Cai "
                         "(code 15) = old Lào Cai (10) + old Yên Bái (15) (60-NQ/TW of 12/4/2025), 99 units = "
                         "89 xã + 10 phường (81 xã and 10 phường formed, 8 xã unchanged); no district level. "
                         "Unit codes of Công văn 1027/CTK-CSCL (25/6/2025)."),
        province_note=("Tỉnh Lào Cai (10) and Tỉnh Yên Bái (15) merged into the new Tỉnh Lào Cai, code 15, "
                       "on 1/7/2025 (60-NQ/TW; 202/2025/QH15, number NOT VERIFIED): code 15 was Yên Bái's "
                       "before; code 10 exists only before."),
        caveats=[
            CAVEAT_2025_SOURCE, CAVEAT_2025_TWO_LEVEL, CAVEAT_2025_SLIVERS, CAVEAT_2025_AREA,
            CAVEAT_2025_OLD_UNITS,
            "Province code 15 is Yên Bái before 1/7/2025 and the new Lào Cai after; province 10 (old Lào Cai) "
            "exists only before. Old Yên Bái has no earlier layer here; old Lào Cai only the 2009 census "
            "layer (10-2009), whose units predate the 2019–2020 arrangements (e.g. Mường Hoa = Hầu Thào + "
            "Sử Pán, 896/NQ-UBTVQH14): they are linked by code where the code is on the 1/3/2025 list and "
            "the geometry agrees, otherwise by area overlap (inferred).",
        ]),
}

TYPE_PREFIXES = [("Thị trấn", "thị trấn"), ("Phường", "phường"), ("Xã", "xã"),
                 ("Thị xã", "thị xã"), ("Thành phố", "thành phố"), ("Huyện", "huyện"),
                 ("Quận", "quận"), ("Tỉnh", "tỉnh"), ("Đặc khu", "đặc khu")]


def nfc(s):
    if s is None or (isinstance(s, float) and pd.isna(s)):
        return s
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(s))).strip()


def type_from_name(name: str) -> str:
    for prefix, t in TYPE_PREFIXES:
        if name.startswith(prefix + " "):
            return t
    raise ValueError(f"no type prefix in unit name {name!r}")


def era(spec: dict) -> str:
    return spec.get("era", "pre2025")


def read_attribution(provenance: str) -> tuple[str, str]:
    """The two quoted paragraphs under 'Required attribution', verbatim."""
    sec = provenance.split("## Required attribution", 1)[1].split("\n## ", 1)[0]
    paras = [p.strip() for p in re.findall(r"^> ?(.*)$", sec, flags=re.M) if p.strip()]
    if len(paras) != 2:
        raise SystemExit("PROVENANCE.md: expected two attribution paragraphs (VI, EN)")
    return paras[0], paras[1]


def read_attribution_2025(provenance: str) -> tuple[str, str]:
    """The `- VI: "…"` and `- EN: "…"` lines of the 1/7/2025 PROVENANCE.md, verbatim."""
    vi = re.findall(r'^- VI: "(.+)"\s*$', provenance, flags=re.M)
    en = re.findall(r'^- EN: "(.+)"\s*$', provenance, flags=re.M)
    if len(vi) != 1 or len(en) != 1:
        raise SystemExit("2025/PROVENANCE.md: expected one '- VI: \"…\"' and one '- EN: \"…\"' attribution line")
    return vi[0], en[0]


def read_provinces(src_root: Path) -> dict:
    """{"pre2025": {code: name}, "2025": {code: name}}, names with their type prefix (NFC).

    Before 1/7/2025: gso_units_pre2025.csv (the GSO list our pre-2025 layers use). From 1/7/2025: the
    34 provinces of Công văn 915/CTK-CSCL, which writes the six cities "Thành phố …" and the provinces
    without prefix (60-NQ/TW writes them "Tỉnh …")."""
    pre = {}
    with open(src_root / "geodata" / "gso_units_pre2025.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            pre.setdefault(r["province_code"].strip(), nfc(r["province_name"]))
    new = {}
    with open(src_root / "reference" / "sources" / "915_CTK-CSCL_province_codes.csv", encoding="utf-8",
              newline="") as f:
        for r in csv.DictReader(f):
            code, name = (r.get("Mã số") or "").strip(), nfc(r.get("Tên 34 tỉnh sau sáp nhập") or "")
            if not code:
                continue
            new[code] = name if name.startswith("Thành phố ") else f"Tỉnh {name}"
    if len(new) != 34:
        raise SystemExit(f"915_CTK-CSCL_province_codes.csv: expected 34 provinces, found {len(new)}")
    return {"pre2025": pre, "2025": new}


def province_name(provinces: dict, spec: dict, code: str) -> str:
    names = provinces[era(spec)]
    if code not in names:
        raise SystemExit(f"province {code} not in the {era(spec)} province list of the sources")
    return names[code]


def _bare(name: str) -> str:
    """Province name without its type prefix, for comparing the sources' spellings."""
    return re.sub(r"^(Tỉnh|Thành phố|TP\.)\s*", "", nfc(name)).casefold()


def dissolve_districts(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    d = communes.dissolve(by="district_code", as_index=False, aggfunc="first")
    d["geometry"] = d.geometry.make_valid()
    return d


def _str_code(s: pd.Series) -> pd.Series:
    return s.map(lambda v: None if pd.isna(v) or str(v) == "" else str(v).strip())


# ---------------------------------------------------------------- pre-2025 layers

def build_focus(src: Path, vintage: str, spec: dict, provinces: dict):
    gpkg = src / spec["file"]
    province = vintage.split("-")[0]
    pname = province_name(provinces, spec, province)
    raw = gpd.read_file(gpkg, layer=spec["communes"])
    if raw.crs is None or raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)

    if vintage == "10-2009":
        com = _laocai_communes(raw, pname)
    else:
        com = gpd.GeoDataFrame({
            "unit_code": _str_code(raw["adm3_code"]),
            "name": raw["adm3_name"].map(nfc),
            "unit_type": raw["adm3_type"].map(nfc),
            "district_code": _str_code(raw["adm2_code"]),
            "district_name": raw["adm2_name"].map(nfc),
            "province_code": _str_code(raw["adm1_code"]),
            "province_name": raw["adm1_name"].map(nfc),
            "vintage": vintage,
        }, geometry=raw.geometry, crs="EPSG:4326")
        for col in ["adm3_code_jan2020", "predecessors_2019", "merged", "lineage_note",
                    "successor_code_2021_2024", "src_census2009_ids", "src_census2009_id",
                    "src_name_2009"]:
            if col in raw.columns:
                v = raw[col]
                if v.dtype == object:
                    v = v.map(lambda x: nfc(x) if isinstance(x, str) else (None if pd.isna(x) else str(x)))
                com[col] = v.values
        com["source_vintage_label"] = raw["vintage"].map(nfc).values
        if set(com["province_name"]) != {pname}:
            raise SystemExit(f"{vintage}: province name {set(com['province_name'])} differs from {pname!r}")

    if spec["districts"]:
        rawd = gpd.read_file(gpkg, layer=spec["districts"])
        if rawd.crs is None or rawd.crs.to_epsg() != 4326:
            rawd = rawd.to_crs(4326)
        if vintage == "10-2009":
            # census district id -> GSO district code via the communes' majority code
            m = (raw.dropna(subset=["gso_adm2_code_2019"])
                 .groupby("census_district_id")["gso_adm2_code_2019"].agg(lambda s: s.mode().iloc[0]))
            dist = gpd.GeoDataFrame({
                "unit_code": rawd["census_district_id"].map(m).map(str),
                "name": rawd["adm2_name"].map(nfc),
                "census_district_id": rawd["census_district_id"].map(str),
            }, geometry=rawd.geometry, crs="EPSG:4326")
        else:
            dist = gpd.GeoDataFrame({
                "unit_code": _str_code(rawd["adm2_code"]),
                "name": rawd["adm2_name"].map(nfc),
            }, geometry=rawd.geometry, crs="EPSG:4326")
    else:
        dd = dissolve_districts(com)
        dist = gpd.GeoDataFrame({"unit_code": dd["district_code"], "name": dd["district_name"]},
                                geometry=dd.geometry, crs="EPSG:4326")
    dist["unit_type"] = dist["name"].map(type_from_name)
    dist["province_code"] = province
    dist["province_name"] = pname
    dist["vintage"] = vintage
    dist = dist[DISTRICT_COLS + [c for c in dist.columns if c not in DISTRICT_COLS + ["geometry"]]
                + ["geometry"]]
    com = com[COMMUNE_COLS + [c for c in com.columns if c not in COMMUNE_COLS + ["geometry"]]
              + ["geometry"]]
    com = com.sort_values(["district_code", "unit_code"]).reset_index(drop=True)
    dist = dist.sort_values("unit_code").reset_index(drop=True)
    return com, dist


def _laocai_communes(raw: gpd.GeoDataFrame, pname: str) -> gpd.GeoDataFrame:
    census_id = raw["census_commune_id"].map(lambda v: str(int(v)))
    gso = _str_code(raw["gso_code_2019"])
    code = [g if isinstance(g, str) and g else "C" + c for g, c in zip(gso, census_id)]
    dist_by_census = (raw.dropna(subset=["gso_adm2_code_2019"])
                      .groupby("census_district_id")["gso_adm2_code_2019"].agg(lambda s: s.mode().iloc[0]))
    names = raw["adm3_name"].map(nfc)
    g = gpd.GeoDataFrame({
        "unit_code": code,
        "name": names,
        "unit_type": names.map(type_from_name),
        "district_code": raw["census_district_id"].map(dist_by_census).map(str),
        "district_name": raw["adm2_name"].map(nfc),
        "province_code": "10",
        "province_name": pname,
        "vintage": "10-2009",
        "census_commune_id": census_id,
        "gso_code_2019": gso,
        "gso_name_2019": raw["gso_name_2019"].map(nfc),
        "gso_match": raw["gso_match"],
        "population_2009": raw["population_2009"],
        "area_ha_2009": raw["area_ha_2009"],
        "source_vintage_label": raw["vintage"].map(nfc),
    }, geometry=raw.geometry, crs="EPSG:4326")
    return g


# ---------------------------------------------------------------- 1/7/2025 layers

def read_crosswalk_2025(src_geo: Path) -> pd.DataFrame:
    cw = pd.read_csv(src_geo / "2025" / "crosswalk_2025.csv", dtype=str, keep_default_na=False)
    for c in ("new_name", "old_name", "old_district_name"):
        cw[c] = cw[c].map(nfc)
    if not set(cw["part"]) <= {"full", "partial"}:
        raise SystemExit(f"crosswalk_2025.csv: unknown part values {set(cw['part']) - {'full', 'partial'}}")
    return cw


def read_communes_2025(src_geo: Path, provinces: dict, cw25: pd.DataFrame, vintage: str,
                       province: str | None = None) -> gpd.GeoDataFrame:
    """The 1/7/2025 units (all, or one province) in the commune schema of the boundary folders."""
    raw = gpd.read_file(src_geo / "2025" / "vn_communes_2025.gpkg", layer="communes")
    if raw.crs is None or raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)
    if province is not None:
        raw = raw[raw["province_code"] == province]
        if raw.empty:
            raise SystemExit(f"vn_communes_2025.gpkg: no unit of province {province}")
    names = provinces["2025"]
    for code, got in set(zip(raw["province_code"], raw["province_name"])):
        if code not in names or _bare(got) != _bare(names[code]):
            raise SystemExit(f"vn_communes_2025.gpkg: province {code} {got!r} does not match the 915/CTK-CSCL "
                             f"list ({names.get(code)!r})")
    if set(raw["unit_code"]) != set(cw25.loc[cw25["new_province_code"].isin(set(raw["province_code"])), "new_code"]):
        raise SystemExit("vn_communes_2025.gpkg and crosswalk_2025.csv disagree on the new unit codes")
    olds = defaultdict(list)
    for r in cw25.sort_values(["new_code", "old_code"]).itertuples():
        olds[r.new_code].append(f"{r.old_code} {r.old_name}" + (" (partial)" if r.part == "partial" else ""))
    n = len(raw)
    full = raw["full_name"].map(nfc)
    types = raw["unit_type"].map(lambda t: nfc(t).lower())
    for name, t in zip(full, types):
        if type_from_name(name) != t:
            raise SystemExit(f"vn_communes_2025.gpkg: {name!r} has unit_type {t!r}")
    com = gpd.GeoDataFrame({
        "unit_code": raw["unit_code"].astype(str).values,
        "name": full.values,
        "unit_type": types.values,
        "district_code": pd.array([None] * n, dtype="string"),
        "district_name": pd.array([None] * n, dtype="string"),
        "province_code": raw["province_code"].astype(str).values,
        "province_name": [names[p] for p in raw["province_code"]],
        "vintage": vintage,
        "area_km2": raw["area_km2"].values,
        "population": raw["population"].values,
        "old_units_20250301": [";".join(olds[c]) for c in raw["unit_code"]],
        "source_vintage_label": "1/7/2025 (Công văn 1027/CTK-CSCL)",
    }, geometry=raw.geometry.values, crs="EPSG:4326")
    return com.sort_values(["province_code", "unit_code"]).reset_index(drop=True)


# ---------------------------------------------------------------- writing a vintage

def write_vintage(out: Path, vintage: str, spec: dict, com, dist, attribution: dict, provinces: dict):
    d = out / "boundaries" / vintage
    d.mkdir(parents=True, exist_ok=True)
    com.to_parquet(d / "communes.parquet", compression="zstd", write_covering_bbox=False)
    if dist is not None:
        dist.to_parquet(d / "districts.parquet", compression="zstd", write_covering_bbox=False)
    elif (d / "districts.parquet").exists():   # a two-level vintage has no district layer
        (d / "districts.parquet").unlink()
    is2009 = vintage == "10-2009"
    is2025 = era(spec) == "2025"
    province = vintage.split("-")[0]
    if is2025:
        layer, src, lic = "1/7/2025 two-level structure (vietnam-3d-map)", SOURCE_2025, LICENCE_2025
        note_vi, note_en = NOTE_2025_VI, NOTE_2025_EN
    else:
        layer, src, lic = ("2009 census layer" if is2009 else spec["communes"]), SOURCE, LICENCE
        note_vi, note_en = (NOTE_2009_VI, NOTE_2009_EN) if is2009 else (NOTE_VI, NOTE_EN)
    meta = {
        "vintage": vintage,
        "province_code": province,
        "province_name": province_name(provinces, spec, province),
        "valid_from": spec["valid_from"],
        "valid_to": spec["valid_to"],
        "valid_from_note": spec["valid_from_note"],
    }
    if spec.get("valid_to_note"):
        meta["valid_to_note"] = spec["valid_to_note"]
    meta.update({
        "layer": layer,
        "district_level": dist is not None,
        "predecessor_vintages": spec["predecessors"],
        "n_communes": int(len(com)),
        "n_districts": 0 if dist is None else int(len(dist)),
        "crs": "EPSG:4326",
        "source": src,
        "licence": lic,
        "attribution_vi": attribution[era(spec)][0],
        "attribution_en": attribution[era(spec)][1],
        "illustrative_note_vi": note_vi,
        "illustrative_note_en": note_en,
        "caveats": spec["caveats"],
    })
    (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_units(layers: dict, provinces: dict) -> pd.DataFrame:
    rows = []
    for vintage, (com, dist) in layers.items():
        prov = vintage.split("-")[0]
        pname = province_name(provinces, VINTAGES[vintage], prov)
        rows.append(dict(vintage=vintage, unit_code=prov, admin_level="province",
                         name=pname, unit_type=type_from_name(pname), parent_code="", province_code=prov))
        if dist is not None:
            for r in dist.itertuples():
                rows.append(dict(vintage=vintage, unit_code=r.unit_code, admin_level="district", name=r.name,
                                 unit_type=r.unit_type, parent_code=prov, province_code=prov))
        for r in com.itertuples():
            parent = r.district_code if dist is not None else prov
            rows.append(dict(vintage=vintage, unit_code=r.unit_code, admin_level="commune", name=r.name,
                             unit_type=r.unit_type, parent_code=parent, province_code=prov))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- crosswalks

INFERRED = {  # (from_vintage, from_code): why; PROVENANCE "Inferred lineage"
    ("42-2019", "18703"): "Xã Cẩm Huy → Thị trấn Cẩm Xuyên inferred from adjacency/town expansion; "
                          "Cẩm Quang cannot be ruled out (PROVENANCE.md)",
    ("42-2019", "18610"): "Xã Việt Xuyên → Xã Việt Tiến inferred by elimination and name token (PROVENANCE.md)",
    ("38-2019", "15694"): "Xã Minh Dân → Thị trấn Triệu Sơn inferred from code survival and adjacency (PROVENANCE.md)",
    ("38-2019", "15697"): "Xã Minh Châu → Thị trấn Triệu Sơn inferred from code survival and adjacency (PROVENANCE.md)",
}


def _row(old_v, from_code, new_v, to_code, relation, part, inferred, note):
    return dict(from_vintage=old_v, from_code=from_code, to_vintage=new_v, to_code=to_code, relation=relation,
                part=part, inferred="true" if inferred else "false", note=note)


def build_crosswalk(old_v: str, old: pd.DataFrame, new_v: str, new: pd.DataFrame) -> pd.DataFrame:
    """2019 → 2020: one row per old unit (whole-unit mergers only, so part = full). Successor from
    `successor_code_2021_2024`, cross-checked with the new layer's `predecessors_2019` (both must
    agree, else the build fails)."""
    preds = {}
    for r in new.itertuples():
        for item in str(r.predecessors_2019).split(";"):
            code = item.strip().split(" ", 1)[0]
            preds.setdefault(code, []).append(r.unit_code)
    n_parts = {r.unit_code: len(str(r.predecessors_2019).split(";")) for r in new.itertuples()}
    new_by_code = new.set_index("unit_code")
    rows = []
    for r in old.itertuples():
        to = str(r.successor_code_2021_2024)
        if preds.get(r.unit_code) != [to]:
            raise SystemExit(f"{old_v} {r.unit_code}: successor {to} disagrees with predecessors_2019 "
                             f"{preds.get(r.unit_code)}")
        tgt = new_by_code.loc[to]
        if n_parts[to] > 1:
            relation, note = "merged_into", f"{r.name} merged into {tgt['name']}"
        elif to == r.unit_code and tgt["name"] == r.name and tgt["district_code"] == r.district_code:
            relation, note = "same", ""
        else:
            relation, note = "renamed", f"{r.name} ({r.unit_code}) → {tgt['name']} ({to})"
        inferred = (old_v, r.unit_code) in INFERRED
        if inferred:
            note = INFERRED[(old_v, r.unit_code)]
        rows.append(_row(old_v, r.unit_code, new_v, to, relation, "full", inferred, note))
    cw = pd.DataFrame(rows)
    # the successors flagged in lineage_note must be exactly those our inferred rows point at
    # (lineage_note also holds plain notes such as "Xã Tân Ninh upgraded/renamed to Thị trấn Nưa")
    flagged = set(new.loc[new["lineage_note"].fillna("").str.contains("inferred|elimination"), "unit_code"])
    if flagged != set(cw.loc[cw.inferred == "true", "to_code"]):
        raise SystemExit(f"{new_v}: lineage_note flags {sorted(flagged)} differ from INFERRED")
    return cw


def district_crosswalk(old_v: str, old: pd.DataFrame, new_v: str, new: pd.DataFrame) -> pd.DataFrame:
    """Districts kept their codes and names across the 2019-2020 mergers; fail loudly if not."""
    if list(old.unit_code) != list(new.unit_code) or list(old.name) != list(new.name):
        raise SystemExit(f"districts differ between {old_v} and {new_v}: extend district_crosswalk")
    return pd.DataFrame([_row(old_v, c, new_v, c, "same", "full", False, "") for c in old.unit_code])


def province_crosswalk(old_v: str, new_v: str, provinces: dict) -> pd.DataFrame:
    """The province row of a vintage pair: `same` when code and name are kept, else `merged_into`."""
    oc, nc = old_v.split("-")[0], new_v.split("-")[0]
    on = province_name(provinces, VINTAGES[old_v], oc)
    nn = province_name(provinces, VINTAGES[new_v], nc)
    if oc == nc and on == nn:
        return pd.DataFrame([_row(old_v, oc, new_v, nc, "same", "full", False, "")])
    note = VINTAGES[new_v].get("province_note") or f"{on} ({oc}) → {nn} ({nc})"
    return pd.DataFrame([_row(old_v, oc, new_v, nc, "merged_into", "full", False, note)])


def _pct(x: float) -> str:
    return f"{round(100 * x)} %"


def crosswalk_2025(old_v: str, old: gpd.GeoDataFrame, old_dist, new_v: str, new: gpd.GeoDataFrame,
                   cw25: pd.DataFrame) -> pd.DataFrame:
    """Old vintage → 1/7/2025 vintage. Every old commune gets its 2025 unit(s):

    * by code through the national crosswalk where the code is on its old side (the GSO list of
      1/3/2025) and the geometry agrees (at least CODE_LINK_MIN_SHARE of the old unit lies in the
      linked unit(s)); `part` is the national crosswalk's (full / partial);
    * otherwise by the largest area overlap with the 2025 layer, `inferred = true`, with a note
      saying why; a second unit holding at least PART_SHARE of the area is linked too (part = partial).

    Districts ceased on 1/7/2025 (no district level): one `ceased` row each, no to_code."""
    oprov, nprov = old_v.split("-")[0], new_v.split("-")[0]
    links = cw25[(cw25["old_province_code"] == oprov) & (cw25["new_province_code"] == nprov)]
    by_old = {c: g for c, g in links.groupby("old_code")}
    list_name = dict(zip(links["old_code"], links["old_name"]))           # name on the 1/3/2025 list
    code_of_name = defaultdict(set)      # (old district, name) -> codes on the 1/3/2025 list
    for c, n, dc in zip(links["old_code"], links["old_name"], links["old_district_code"]):
        code_of_name[(dc, n)].add(c)
    new_codes = list(new["unit_code"])
    new_name = dict(zip(new["unit_code"], new["name"]))
    overlap = defaultdict(list)
    for (i, j), s in area_shares(old.geometry.values, new.geometry.values).items():
        overlap[i].append((s, new_codes[j]))
    why_gone = GONE_BEFORE_20250301.get(oprov, "it is not on that list")

    staged = []   # (from_code, to_code, part, inferred, note, kind)
    for i, o in enumerate(old.itertuples()):
        ov = sorted(overlap[i], key=lambda t: (-t[0], t[1]))
        lk = by_old.get(o.unit_code)
        listed = ""
        if lk is not None:
            targets = sorted(lk["new_code"])
            parts = dict(zip(lk["new_code"], lk["part"]))
            inside = sum(s for s, c in ov if c in parts)
            if list_name[o.unit_code] != o.name:
                listed = f"code {o.unit_code} is '{list_name[o.unit_code]}' on the GSO list of 1/3/2025"
            if inside >= CODE_LINK_MIN_SHARE:
                for t in targets:
                    staged.append((o.unit_code, t, parts[t], False, listed, "code"))
                continue
            reason = (f"code {o.unit_code} is '{list_name[o.unit_code]}' on the GSO list of 1/3/2025 and links "
                      f"to {', '.join(targets)}, but only {_pct(inside)} of {o.name} lies there (the geometry "
                      f"contradicts the code link)")
        else:
            carried = sorted(code_of_name.get((o.district_code, o.name), set()))
            reason = f"{o.name} ({o.unit_code}) is not on the GSO list of 1/3/2025: {why_gone}"
            if carried:
                reason += f"; its name is carried by code {', '.join(carried)} on that list"
        if not ov:
            raise SystemExit(f"{old_v} {o.unit_code} {o.name}: no unit of {new_v} overlaps it")
        chosen = sorted({ov[0][1]} | {c for s, c in ov if s >= PART_SHARE})
        part = "full" if len(chosen) == 1 else "partial"
        shares = "; ".join(f"{_pct(s)} of its area in {new_name[c]} ({c})" for s, c in ov if s >= 0.01)
        note = f"{reason}; linked by the largest area overlap (inferred): {shares}"
        for t in chosen:
            staged.append((o.unit_code, t, part, True, note, "overlap"))

    n_pred = defaultdict(int)
    for _, t, *_ in staged:
        n_pred[t] += 1
    old_name = dict(zip(old["unit_code"], old["name"]))
    rows = []
    for f, t, part, inferred, note, kind in staged:
        if part == "partial" or n_pred[t] > 1:
            relation = "merged_into"
            base = (f"{old_name[f]} divided: a part went into {new_name[t]} ({t})" if part == "partial"
                    else f"{old_name[f]} merged into {new_name[t]}")
        elif f == t and new_name[t] == old_name[f]:
            relation, base = "same", ""
        else:
            relation, base = "renamed", f"{old_name[f]} ({f}) → {new_name[t]} ({t})"
        if kind == "code":
            note = "; ".join(x for x in (base, note) if x)
        rows.append(_row(old_v, f, new_v, t, relation, part, inferred, note))
    if old_dist is not None:
        listed_d = dict(zip(links["old_district_code"], links["old_district_name"]))
        for d in old_dist.itertuples():
            if d.unit_code in listed_d:
                extra = ("" if listed_d[d.unit_code] == d.name else
                         f"; code {d.unit_code} is '{listed_d[d.unit_code]}' on the GSO list of 1/3/2025")
            else:
                extra = f"; it is not a district on the GSO list of 1/3/2025: {why_gone}"
            rows.append(_row(old_v, d.unit_code, new_v, "", "ceased", "", False,
                             f"{d.name}: the district level was abolished on 1/7/2025 (two-level local "
                             f"government); its communes are linked one by one{extra}"))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- criteria

def build_criteria(src_root: Path) -> pd.DataFrame:
    ref = pd.read_csv(src_root / "reference" / "criteria_commune_2021_2025.csv", dtype=str)
    groups = {}
    for g in ref["group"].unique():
        m = re.match(r"^([IVX]+)\. (.+?) \((.+)\)$", g)
        groups[g] = (m.group(1), m.group(2), m.group(3))
    # 2016-2020 names (ntm_facts.md §A3, abbreviations expanded); ids and groups unchanged
    names_1620 = {3: "Thủy lợi", 11: "Hộ nghèo", 12: "Lao động có việc làm", 13: "Tổ chức sản xuất"}
    en_1620 = {3: "Irrigation", 11: "Poor households", 12: "Labour in employment",
               13: "Production organisation"}
    rows = []
    for cset, note in [
        ("2009", "491/QĐ-TTg: 19 criteria in the same 5 groups (ntm_facts.md §A3); the 2009 names are not "
                 "in our sources, so the 2016–2020 names are shown"),
        ("2016-2020", "1980/QĐ-TTg (17/10/2016); names from ntm_facts.md §A3 (secondary page)"),
        ("2021-2025", "318/QĐ-TTg (08/3/2022); names and group titles from ntm_facts.md §A2; the group "
                      "boundaries (1 | 2–9 | 10–13 | 14–17 | 18–19) follow the long-standing structure, "
                      "not printed in the retrieved source"),
    ]:
        for r in ref.itertuples():
            i = int(r.id)
            gid, gvi, gen = groups[r.group]
            name_vi, name_en = r.name_vi, r.name_en
            if cset != "2021-2025" and i in names_1620:
                name_vi, name_en = names_1620[i], en_1620[i]
            rows.append(dict(criteria_set=cset, criterion_id=str(i), name_vi=nfc(name_vi), name_en=name_en,
                             group_id=gid, group_vi=nfc(gvi), group_en=gen, scope="national", note=note))
    rows.append(dict(criteria_set="2016-2020", criterion_id="20",
                     name_vi="Khu dân cư NTM kiểu mẫu, vườn mẫu",
                     name_en="Model new-rural residential areas and model gardens",
                     group_id="HT", group_vi="Tiêu chí riêng của Hà Tĩnh", group_en="Hà Tĩnh's own criterion",
                     scope="42", note="Hà Tĩnh's 20th criterion in 2016–2020 (ntm_facts.md §A3)"))
    # 2026-2030: Decision 51/2025/QĐ-TTg (29/12/2025, in force 15/2/2026), ntm_facts_2025.md §2
    new = pd.read_csv(src_root / "reference" / "criteria_commune_2026_2030.csv", dtype=str, keep_default_na=False)
    set_note = ("51/2025/QĐ-TTg (29/12/2025, in force 15/2/2026): 10 criteria, 47 indicators (chỉ tiêu), "
                "thresholds for 3 commune groups (nhóm 1–3); numbering as printed by vietnamplus "
                "(ntm_facts_2025.md §2); the source gives no criterion groups and the indicator list was "
                "not retrieved")
    if len(new) != 10:
        raise SystemExit(f"criteria_commune_2026_2030.csv: expected 10 criteria, found {len(new)}")
    for r in new.itertuples():
        src = r.source.split(" | ")[0].strip()
        rows.append(dict(criteria_set="2026-2030", criterion_id=str(int(r.no)), name_vi=nfc(r.name_vi),
                         name_en=nfc(r.short_english), group_id="", group_vi="", group_en="", scope="national",
                         note=f"{set_note}; source: {src}"))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- national layers

def build_national(src_geo: Path, out: Path) -> None:
    d = out / "national"
    d.mkdir(parents=True, exist_ok=True)
    for name in ["vn_adm3_2009", "vn_adm2_2009"]:
        g = gpd.read_file(src_geo / f"{name}.gpkg")
        for c in g.columns:
            if g[c].dtype == object and c != "geometry":
                g[c] = g[c].map(lambda x: nfc(x) if isinstance(x, str) else x)
        _write_small(g, d / f"{name}.parquet")


def _write_small(g: gpd.GeoDataFrame, path: Path) -> None:
    g.to_parquet(path, compression="zstd", compression_level=22, write_covering_bbox=False)
    size = path.stat().st_size
    if size >= 5 * 1024 * 1024:
        raise SystemExit(f"{path.name} is {size} bytes (limit 5 MB)")


NATIONAL_2009_NOTE = ("2009 census layer: 11,163 communes, 703 districts; codes are the 2009 census ids "
                      "(census_commune_id …), gso_code_2019 where a name match was found. Drawn for the "
                      "national view of every year before 2025 (labelled as the 2009 unit set).")


def build_national_2025(src_geo: Path, out: Path, provinces: dict, cw25: pd.DataFrame,
                        attribution: dict) -> None:
    """geodata/national/: the 3,321 units of 1/7/2025 (commune schema, vintage id `vn-2025`), the 34
    provinces as a table (their polygons are the union of their units: the map layer derives the
    province borders from the same arcs), and meta.json describing both national layers."""
    d = out / "national"
    d.mkdir(parents=True, exist_ok=True)
    com = read_communes_2025(src_geo, provinces, cw25, "vn-2025")
    _write_small(com, d / "vn_communes_2025.parquet")
    prov = gpd.read_file(src_geo / "2025" / "vn_provinces_2025.gpkg", layer="provinces")
    names = provinces["2025"]
    if set(prov["province_code"]) != set(names):
        raise SystemExit("vn_provinces_2025.gpkg and 915/CTK-CSCL disagree on the province codes")
    counts = com.groupby("province_code").size()
    rows = []
    for r in prov.sort_values("province_code").itertuples():
        if int(r.n_communes) != int(counts[r.province_code]):
            raise SystemExit(f"province {r.province_code}: n_communes {r.n_communes} != {counts[r.province_code]} units")
        rows.append(dict(province_code=r.province_code, name=names[r.province_code],
                         unit_type=type_from_name(names[r.province_code]), n_communes=int(r.n_communes),
                         old_province_codes=r.old_province_codes))
    pd.DataFrame(rows).to_csv(d / "vn_provinces_2025.csv", index=False, encoding="utf-8", lineterminator="\n")
    meta = {"layers": {
        "vn-2009": {
            "communes": "vn_adm3_2009.parquet", "districts": "vn_adm2_2009.parquet",
            "valid_from": None, "valid_to": "2025-06-30", "layer": "2009 census layer",
            "district_level": True, "n_communes": 11163, "n_districts": 703,
            "codes": "census ids; gso_code_2019 where matched (see README)",
            "note": NATIONAL_2009_NOTE, "source": SOURCE, "licence": LICENCE,
            "attribution_vi": attribution["pre2025"][0], "attribution_en": attribution["pre2025"][1],
            "illustrative_note_vi": NOTE_2009_VI.split(";")[0] + ".",
            "illustrative_note_en": NOTE_2009_EN.split(";")[0] + ".",
        },
        "vn-2025": {
            "communes": "vn_communes_2025.parquet", "provinces": "vn_provinces_2025.csv",
            "valid_from": "2025-07-01", "valid_to": None, "layer": "1/7/2025 two-level structure (vietnam-3d-map)",
            "district_level": False, "n_communes": int(len(com)), "n_provinces": len(rows),
            "unit_types": {k: int(v) for k, v in sorted(com["unit_type"].value_counts().items())},
            "codes": "GSO codes of Công văn 1027/CTK-CSCL (communes) and 915/CTK-CSCL (provinces)",
            "note": ("The 3,321 commune-level units of the 34 provinces from 1/7/2025 (no district level). "
                     "The focus vintages 42-2025, 38-2025 and 15-2025 are the same units."),
            "source": SOURCE_2025, "licence": LICENCE_2025,
            "attribution_vi": attribution["2025"][0], "attribution_en": attribution["2025"][1],
            "illustrative_note_vi": NOTE_2025_VI, "illustrative_note_en": NOTE_2025_EN,
            "caveats": [CAVEAT_2025_SOURCE, CAVEAT_2025_SLIVERS, CAVEAT_2025_AREA, CAVEAT_2025_OLD_UNITS],
        },
    }}
    (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=str(REPO.parent / "shared"),
                    help="shared folder holding geodata/ and reference/ (default: ../shared)")
    ap.add_argument("--out", default=str(GEODATA), help="output geodata folder (default: geodata/)")
    ap.add_argument("--skip-national", action="store_true", help="do not rebuild geodata/national/")
    a = ap.parse_args(argv)
    src_root = Path(a.source)
    if (src_root / "PROVENANCE.md").exists() and (src_root / "2025").is_dir():  # given the geodata folder
        src_root = src_root.parent
    src_geo = src_root / "geodata"
    out = Path(a.out)
    for need in (src_geo / "PROVENANCE.md", src_geo / "2025" / "PROVENANCE.md"):
        if not need.exists():
            print(f"error: {need} not found; pass --source ../shared", file=sys.stderr)
            return 2

    prov_pre = (src_geo / "PROVENANCE.md").read_text(encoding="utf-8")
    prov_2025 = (src_geo / "2025" / "PROVENANCE.md").read_text(encoding="utf-8")
    attribution = {"pre2025": read_attribution(prov_pre), "2025": read_attribution_2025(prov_2025)}
    provinces = read_provinces(src_root)
    cw25 = read_crosswalk_2025(src_geo)
    out.mkdir(parents=True, exist_ok=True)
    # the two shared provenance notes, verbatim, one after the other
    (out / "PROVENANCE.md").write_text(prov_pre.rstrip("\n") + "\n\n---\n\n" + prov_2025, encoding="utf-8")

    layers = {}
    for vintage, spec in VINTAGES.items():
        if era(spec) == "2025":
            com = read_communes_2025(src_geo, provinces, cw25, vintage, vintage.split("-")[0])
            dist = None
        else:
            com, dist = build_focus(src_geo, vintage, spec, provinces)
        write_vintage(out, vintage, spec, com, dist, attribution, provinces)
        layers[vintage] = (com, dist)
        print(f"{vintage}: {len(com)} communes, {0 if dist is None else len(dist)} districts")

    reg = out / "registers"
    reg.mkdir(exist_ok=True)
    build_units(layers, provinces).to_csv(reg / "units.csv", index=False, encoding="utf-8", lineterminator="\n")
    parts = []
    for new_v, spec in VINTAGES.items():
        for old_v in spec["predecessors"]:
            (oc, od), (nc, nd) = layers[old_v], layers[new_v]
            parts.append(province_crosswalk(old_v, new_v, provinces))
            if era(spec) == "2025":
                parts.append(crosswalk_2025(old_v, oc, od, new_v, nc, cw25))
            else:
                parts.append(build_crosswalk(old_v, oc, new_v, nc))
                parts.append(district_crosswalk(old_v, od, new_v, nd))
    cw = pd.concat(parts, ignore_index=True)[CROSSWALK_COLS]
    cw.to_csv(reg / "crosswalk.csv", index=False, encoding="utf-8", lineterminator="\n")
    print(f"crosswalk: {len(cw)} rows, {int((cw.inferred == 'true').sum())} inferred, "
          f"{int((cw.part == 'partial').sum())} partial")

    crit = out / "criteria"
    crit.mkdir(exist_ok=True)
    build_criteria(src_root).to_csv(crit / "criteria.csv", index=False, encoding="utf-8", lineterminator="\n")

    if not a.skip_national:
        build_national(src_geo, out)
        build_national_2025(src_geo, out, provinces, cw25, attribution)
        print("national: vn_adm3_2009, vn_adm2_2009, vn_communes_2025 (+ vn_provinces_2025.csv, meta.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
