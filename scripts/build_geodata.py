"""Build geodata/boundaries, geodata/registers, geodata/criteria and geodata/national
from the shared source files (reproducible; the outputs are committed).

    python scripts/build_geodata.py --source ../shared

`--source` is the shared folder that holds `geodata/` (boundaries + PROVENANCE.md) and
`reference/` (criteria list). Passing the `geodata/` folder itself also works.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"

COMMUNE_COLS = ["unit_code", "name", "unit_type", "district_code", "district_name",
                "province_code", "province_name", "vintage"]
DISTRICT_COLS = ["unit_code", "name", "unit_type", "province_code", "province_name", "vintage"]

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

VINTAGES = {
    "42-2019": dict(
        file="hatinh_adm.gpkg", communes="adm3_2019", districts="adm2_2019",
        valid_from=None, valid_to="2019-12-31",
        valid_from_note=("Open start: the unit set is the GSO list of 2019-10/12 (before NQ 819/NQ-UBTVQH14). "
                         "Earlier boundary changes are not modelled; this layer is used for every year up "
                         "to and including 2019."),
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "2009 'Thị trấn Kỳ Anh' is joined to 2015 'Phường Sông Trí' (18754).",
        ]),
    "42-2020": dict(
        file="hatinh_adm.gpkg", communes="adm3_2020_2024", districts="adm2_2020_2024",
        valid_from="2020-01-01", valid_to="2024-12-31",
        valid_from_note="NQ 819/NQ-UBTVQH14 (21/11/2019) in force 1/1/2020; 2025-01-01 mergers not included.",
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "Topology defects from the source thinning: 451 overlapping pairs (21.1 km²) and 835 sliver "
            "gaps (21.6 km²), about 0.4 % of 5,943 km².",
            "Reconstructed by merging 2009 communes per NQ 819/NQ-UBTVQH14.",
            "Inferred lineage (no source confirms): Xã Cẩm Huy → Thị trấn Cẩm Xuyên (Cẩm Quang cannot be "
            "ruled out); Xã Việt Xuyên → Xã Việt Tiến (by elimination).",
            "adm3_code_jan2020 differs from unit_code for 16 units (provisional codes of the January 2020 "
            "GSO list).",
        ]),
    "38-2019": dict(
        file="thanhhoa_trieuson_adm.gpkg", communes="adm3_2019", districts=None,
        valid_from=None, valid_to="2019-11-30",
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
        valid_from="2019-12-01", valid_to="2024-12-31",
        valid_from_note="NQ 786/NQ-UBTVQH14 in force 1/12/2019; 2025 mergers not included.",
        caveats=[
            CAVEAT_LOWRES, CAVEAT_PARTIAL,
            "Only Triệu Sơn district is covered, not the rest of Thanh Hóa.",
            "Topology defects from the source thinning: 1.7 km² overlaps, 2.2 km² gaps.",
            "Inferred lineage (no source confirms): Xã Minh Dân and Xã Minh Châu → Thị trấn Triệu Sơn.",
        ]),
    "10-2009": dict(
        file="laocai_adm_2009.gpkg", communes="adm3_2009", districts="adm2_2009",
        valid_from=None, valid_to=None,
        valid_from_note=("2009 census cartography (units as of 2008–2009). It is the only Lào Cai layer "
                         "and is used for every year, with a visible note: Lào Cai 2020–2024 (152 units) "
                         "was NOT built (Sa Pa town 2019, unresolved Si Ma Cai / Bắc Hà / Văn Bàn mergers)."),
        caveats=[
            CAVEAT_LOWRES,
            "This is the 2009 census layer, not the 2020–2024 unit set: Lào Cai 2020–2024 (152 units) was not built.",
            "Units are matched to GSO codes of the 2019-10 list by name; units without a unique match "
            "(gso_match ambiguous/unmatched) carry unit_code 'C' + census commune id.",
        ]),
}

TYPE_PREFIXES = [("Thị trấn", "thị trấn"), ("Phường", "phường"), ("Xã", "xã"),
                 ("Thị xã", "thị xã"), ("Thành phố", "thành phố"), ("Huyện", "huyện"),
                 ("Quận", "quận")]
PROVINCES = {"42": "Tỉnh Hà Tĩnh", "38": "Tỉnh Thanh Hóa", "10": "Tỉnh Lào Cai"}


def nfc(s):
    if s is None or (isinstance(s, float) and pd.isna(s)):
        return s
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(s))).strip()


def type_from_name(name: str) -> str:
    for prefix, t in TYPE_PREFIXES:
        if name.startswith(prefix + " "):
            return t
    raise ValueError(f"no type prefix in unit name {name!r}")


def read_attribution(provenance: str) -> tuple[str, str]:
    """The two quoted paragraphs under 'Required attribution', verbatim."""
    sec = provenance.split("## Required attribution", 1)[1].split("\n## ", 1)[0]
    paras = [p.strip() for p in re.findall(r"^> ?(.*)$", sec, flags=re.M) if p.strip()]
    if len(paras) != 2:
        raise SystemExit("PROVENANCE.md: expected two attribution paragraphs (VI, EN)")
    return paras[0], paras[1]


def dissolve_districts(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    d = communes.dissolve(by="district_code", as_index=False, aggfunc="first")
    d["geometry"] = d.geometry.make_valid()
    return d


def _str_code(s: pd.Series) -> pd.Series:
    return s.map(lambda v: None if pd.isna(v) or str(v) == "" else str(v).strip())


def build_focus(src: Path, vintage: str, spec: dict):
    gpkg = src / spec["file"]
    province = vintage.split("-")[0]
    raw = gpd.read_file(gpkg, layer=spec["communes"])
    if raw.crs is None or raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)

    if vintage == "10-2009":
        com = _laocai_communes(raw)
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
    dist["province_name"] = PROVINCES[province]
    dist["vintage"] = vintage
    dist = dist[DISTRICT_COLS + [c for c in dist.columns if c not in DISTRICT_COLS + ["geometry"]]
                + ["geometry"]]
    com = com[COMMUNE_COLS + [c for c in com.columns if c not in COMMUNE_COLS + ["geometry"]]
              + ["geometry"]]
    com = com.sort_values(["district_code", "unit_code"]).reset_index(drop=True)
    dist = dist.sort_values("unit_code").reset_index(drop=True)
    return com, dist


def _laocai_communes(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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
        "province_name": PROVINCES["10"],
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


def write_vintage(out: Path, vintage: str, spec: dict, com, dist, attribution):
    d = out / "boundaries" / vintage
    d.mkdir(parents=True, exist_ok=True)
    com.to_parquet(d / "communes.parquet", compression="zstd", write_covering_bbox=False)
    dist.to_parquet(d / "districts.parquet", compression="zstd", write_covering_bbox=False)
    is2009 = vintage == "10-2009"
    meta = {
        "vintage": vintage,
        "province_code": vintage.split("-")[0],
        "province_name": PROVINCES[vintage.split("-")[0]],
        "valid_from": spec["valid_from"],
        "valid_to": spec["valid_to"],
        "valid_from_note": spec["valid_from_note"],
        "layer": "2009 census layer" if is2009 else spec["communes"],
        "n_communes": int(len(com)),
        "n_districts": int(len(dist)),
        "crs": "EPSG:4326",
        "source": SOURCE,
        "licence": LICENCE,
        "attribution_vi": attribution[0],
        "attribution_en": attribution[1],
        "illustrative_note_vi": NOTE_2009_VI if is2009 else NOTE_VI,
        "illustrative_note_en": NOTE_2009_EN if is2009 else NOTE_EN,
        "caveats": spec["caveats"],
    }
    (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_units(layers: dict) -> pd.DataFrame:
    rows = []
    for vintage, (com, dist) in layers.items():
        prov = vintage.split("-")[0]
        rows.append(dict(vintage=vintage, unit_code=prov, admin_level="province",
                         name=PROVINCES[prov], unit_type="tỉnh", parent_code="", province_code=prov))
        for r in dist.itertuples():
            rows.append(dict(vintage=vintage, unit_code=r.unit_code, admin_level="district", name=r.name,
                             unit_type=r.unit_type, parent_code=prov, province_code=prov))
        for r in com.itertuples():
            rows.append(dict(vintage=vintage, unit_code=r.unit_code, admin_level="commune", name=r.name,
                             unit_type=r.unit_type, parent_code=r.district_code, province_code=prov))
    return pd.DataFrame(rows)


INFERRED = {  # (from_vintage, from_code): why; PROVENANCE "Inferred lineage"
    ("42-2019", "18703"): "Xã Cẩm Huy → Thị trấn Cẩm Xuyên inferred from adjacency/town expansion; "
                          "Cẩm Quang cannot be ruled out (PROVENANCE.md)",
    ("42-2019", "18610"): "Xã Việt Xuyên → Xã Việt Tiến inferred by elimination and name token (PROVENANCE.md)",
    ("38-2019", "15694"): "Xã Minh Dân → Thị trấn Triệu Sơn inferred from code survival and adjacency (PROVENANCE.md)",
    ("38-2019", "15697"): "Xã Minh Châu → Thị trấn Triệu Sơn inferred from code survival and adjacency (PROVENANCE.md)",
}


def build_crosswalk(old_v: str, old: pd.DataFrame, new_v: str, new: pd.DataFrame) -> pd.DataFrame:
    """One row per old unit. Successor from `successor_code_2021_2024`, cross-checked with the
    new layer's `predecessors_2019` (both must agree, else the build fails)."""
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
        rows.append(dict(from_vintage=old_v, from_code=r.unit_code, to_vintage=new_v, to_code=to,
                         relation=relation, inferred="true" if inferred else "false", note=note))
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
    return pd.DataFrame(dict(from_vintage=old_v, from_code=old.unit_code, to_vintage=new_v,
                             to_code=old.unit_code, relation="same", inferred="false", note=""))


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
    return pd.DataFrame(rows)


def build_national(src_geo: Path, out: Path) -> None:
    d = out / "national"
    d.mkdir(parents=True, exist_ok=True)
    for name in ["vn_adm3_2009", "vn_adm2_2009"]:
        g = gpd.read_file(src_geo / f"{name}.gpkg")
        for c in g.columns:
            if g[c].dtype == object and c != "geometry":
                g[c] = g[c].map(lambda x: nfc(x) if isinstance(x, str) else x)
        g.to_parquet(d / f"{name}.parquet", compression="zstd", compression_level=22,
                     write_covering_bbox=False)
        size = (d / f"{name}.parquet").stat().st_size
        if size >= 5 * 1024 * 1024:
            raise SystemExit(f"{name}.parquet is {size} bytes (limit 5 MB)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=str(REPO.parent / "shared"),
                    help="shared folder holding geodata/ and reference/ (default: ../shared)")
    ap.add_argument("--out", default=str(GEODATA), help="output geodata folder (default: geodata/)")
    ap.add_argument("--skip-national", action="store_true", help="do not rebuild geodata/national/")
    a = ap.parse_args(argv)
    src_root = Path(a.source)
    if (src_root / "PROVENANCE.md").exists():  # given the geodata folder itself
        src_root = src_root.parent
    src_geo = src_root / "geodata"
    out = Path(a.out)
    if not (src_geo / "PROVENANCE.md").exists():
        print(f"error: {src_geo}/PROVENANCE.md not found; pass --source ../shared", file=sys.stderr)
        return 2

    provenance = (src_geo / "PROVENANCE.md").read_text(encoding="utf-8")
    attribution = read_attribution(provenance)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src_geo / "PROVENANCE.md", out / "PROVENANCE.md")

    layers = {}
    for vintage, spec in VINTAGES.items():
        com, dist = build_focus(src_geo, vintage, spec)
        write_vintage(out, vintage, spec, com, dist, attribution)
        layers[vintage] = (com, dist)
        print(f"{vintage}: {len(com)} communes, {len(dist)} districts")

    reg = out / "registers"
    reg.mkdir(exist_ok=True)
    build_units(layers).to_csv(reg / "units.csv", index=False, encoding="utf-8", lineterminator="\n")
    parts = []
    for old_v, new_v in [("42-2019", "42-2020"), ("38-2019", "38-2020")]:
        parts.append(build_crosswalk(old_v, layers[old_v][0], new_v, layers[new_v][0]))
        parts.append(district_crosswalk(old_v, layers[old_v][1], new_v, layers[new_v][1]))
    cw = pd.concat(parts, ignore_index=True)
    cw.to_csv(reg / "crosswalk.csv", index=False, encoding="utf-8", lineterminator="\n")
    print(f"crosswalk: {len(cw)} rows, {int((cw.inferred == 'true').sum())} inferred")

    crit = out / "criteria"
    crit.mkdir(exist_ok=True)
    build_criteria(src_root).to_csv(crit / "criteria.csv", index=False, encoding="utf-8", lineterminator="\n")

    if not a.skip_national:
        build_national(src_geo, out)
        print("national: vn_adm3_2009, vn_adm2_2009")
    return 0


if __name__ == "__main__":
    sys.exit(main())
