"""`python -m loaders check [--geodata DIR]`: validate every file in geodata/.

Collects ALL problems; each names the file, the row (CSV: 1-based as a spreadsheet shows it, header
= row 1; GeoParquet: feature number, 1-based), the column, the value and what to do.
Exit 0 = valid, 1 = invalid data, 2 = geodata folder missing/unreadable.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from domain import levels, units, years
from domain.vintages import drawing_day, vintage_from
from loaders.boundaries import META_KEYS
from loaders.paths import geodata_dir
from loaders.store import ILLUSTRATIVE_FILES, OPTIONAL, TABLES

ADMIN_LEVELS = set(units.ADMIN_LEVELS)
COMMUNE_TYPES = set(units.COMMUNE_TYPES)
DISTRICT_TYPES = set(units.DISTRICT_TYPES)
LEVELS = set(levels.STORED_LEVELS)
PROVENANCE = set(levels.PROVENANCE)
RELATIONS = {"same", "renamed", "merged_into", "ceased"}
PARTS = {"full", "partial"}
# A link is contradicted by the geometry when less than this share of the old unit's area lies in
# the unit(s) it is linked to; a new unit lying at least this much inside an older layer's area
# must be reached from that layer.
LINK_MIN_SHARE = 0.5
SOURCE_KINDS = {"decision", "news", "report", "plan", "dataset", "seed"}
TARGET_SCOPES = {"unit", "district", "province", "national"}
METRICS = {"count_standard", "count_advanced", "count_model", "added_standard", "added_advanced",
           "added_model", "avg_criteria", "count_below_7", "count_districts_standard", "units_total",
           "share_standard", "count_provinces_completed"}
YEAR_MIN, YEAR_MAX = years.FIRST_YEAR, years.LAST_YEAR
COMMUNE_COLS = ["unit_code", "name", "unit_type", "district_code", "district_name", "province_code",
                "province_name", "vintage", "geometry"]
DISTRICT_COLS = ["unit_code", "name", "unit_type", "province_code", "province_name", "vintage",
                 "geometry"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# source dates may be partial or approximate, as the source gives them: 2021, 2021-09, ~2024-01,
# ~2019-12/2020-01
FUZZY_DATE = re.compile(r"^~?\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")


@dataclass
class Issue:
    file: str
    row: int | str | None
    column: str | None
    value: object
    message: str
    severity: str = "error"

    def format(self) -> str:
        where = self.file
        if self.row not in (None, ""):
            where += f", row {self.row}" if isinstance(self.row, int) else f", {self.row}"
        if self.column:
            where += f", column {self.column}"
        if not _blank(self.value):
            v = str(self.value)
            where += f", value {v[:80]!r}"
        tag = "ERROR" if self.severity == "error" else "warning"
        return f"{tag}: {where}: {self.message}"


@dataclass
class Report:
    root: Path
    issues: list[Issue] = field(default_factory=list)
    files_checked: list[str] = field(default_factory=list)

    def error(self, file, row, column, value, message):
        self.issues.append(Issue(file, row, column, value, message))

    def warn(self, file, row, column, value, message):
        self.issues.append(Issue(file, row, column, value, message, "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self) -> str:
        lines = [f"Checking {self.root}"]
        lines += ["  " + i.format() for i in self.errors + self.warnings]
        verdict = "OK" if self.ok else "FAILED"
        lines.append(f"{verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s) "
                     f"in {len(self.files_checked)} file(s) checked")
        return "\n".join(lines)


def _blank(v) -> bool:
    if isinstance(v, str):
        return v.strip() == ""
    return v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))


def _not_nfc(v) -> bool:
    return isinstance(v, str) and unicodedata.normalize("NFC", v) != v


def _int(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if f == int(f) else None


def _read_csv(rep: Report, path: Path, table: str | None, rel: str) -> pd.DataFrame | None:
    rep.files_checked.append(rel)
    if not path.is_file():
        rep.error(rel, None, None, None, "file is missing — rebuild it (scripts/build_geodata.py) or restore it")
        return None
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as e:
        rep.error(rel, None, None, None, f"not UTF-8 ({e}) — save the file as UTF-8 CSV")
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        rep.error(rel, None, None, None, f"unreadable CSV ({e})")
        return None
    if table:
        need = [c for c, _ in TABLES[table] if c not in OPTIONAL.get(table, ())]
        missing = [c for c in need if c not in df.columns]
        for c in missing:
            rep.error(rel, 1, c, None, f"required column {c!r} missing from the header; expected columns: "
                                       f"{', '.join(c for c, _ in TABLES[table])}")
        if missing:
            return None
    # text must be NFC (composed Vietnamese diacritics)
    for col in df.columns:
        for i, v in enumerate(df[col]):
            if _not_nfc(v):
                rep.error(rel, i + 2, col, v, "text is not Unicode NFC — re-save it normalised to NFC "
                                              "(composed diacritics)")
    return df


def _dup_rows(rep, rel, df, cols, what):
    key = ["|".join(t) for t in zip(*(df[c].astype(str) for c in cols))]
    first = {}
    for i, k in enumerate(key):
        if k in first:
            rep.error(rel, i + 2, "+".join(cols), k.replace("|", " "),
                      f"duplicate {what} (first at row {first[k]}) — each {what} must appear once")
        else:
            first[k] = i + 2


# ---------------------------------------------------------------- boundaries

def check_boundaries(rep: Report) -> dict:
    """Returns {vintage: {"meta": dict, "communes": df, "districts": df}} for the later checks."""
    bdir = rep.root / "boundaries"
    out: dict = {}
    if not bdir.is_dir():
        rep.error("boundaries/", None, None, None, "folder missing — no boundary vintage to check")
        return out
    for vdir in sorted(p for p in bdir.iterdir() if p.is_dir()):
        v = vdir.name
        meta = _check_meta(rep, bdir, v)
        two_level = meta.get("n_districts") == 0
        layers = {}
        for kind, cols, count_key in [("communes", COMMUNE_COLS, "n_communes"),
                                      ("districts", DISTRICT_COLS, "n_districts")]:
            path = vdir / f"{kind}.parquet"
            if kind == "districts" and two_level and not path.is_file():
                continue   # a two-level vintage has no district layer (documented in geodata/README.md)
            g = _check_layer(rep, v, kind, cols, meta)
            if g is None:
                continue
            if count_key in meta and meta[count_key] != len(g):
                rep.error(f"boundaries/{v}/meta.json", None, count_key, meta[count_key],
                          f"{kind}.parquet has {len(g)} features — update meta.json or the layer")
            layers[kind] = g
        if "communes" in layers:
            _check_district_links(rep, v, layers["communes"], layers.get("districts"), two_level)
        out[v] = {"meta": meta, **layers}
    if not out:
        rep.error("boundaries/", None, None, None, "no vintage folder found")
    _check_vintage_overlaps(rep, out)
    return out


def _check_meta(rep: Report, bdir: Path, v: str) -> dict:
    rel_meta = f"boundaries/{v}/meta.json"
    rep.files_checked.append(rel_meta)
    meta = {}
    try:
        meta = json.loads((bdir / v / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        rep.error(rel_meta, None, None, None, "meta.json missing — every vintage folder needs one "
                                              "(see geodata/README.md)")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        rep.error(rel_meta, None, None, None, f"invalid JSON ({e})")
    for k in META_KEYS:
        if k not in meta:
            rep.error(rel_meta, None, k, None, "required key missing — add it (see geodata/README.md)")
    if meta.get("vintage") not in (None, v):
        rep.error(rel_meta, None, "vintage", meta.get("vintage"), f"must equal the folder name {v!r}")
    if "crs" in meta and meta.get("crs") != "EPSG:4326":
        rep.error(rel_meta, None, "crs", meta.get("crs"), "must be 'EPSG:4326' (reproject the layers)")
    for k in ("valid_from", "valid_to"):
        val = meta.get(k)
        if val is not None and not (isinstance(val, str) and ISO_DATE.match(val)):
            rep.error(rel_meta, None, k, val, "must be an ISO date YYYY-MM-DD or null (open)")
    if (isinstance(meta.get("valid_from"), str) and isinstance(meta.get("valid_to"), str)
            and meta["valid_from"] > meta["valid_to"]):
        rep.error(rel_meta, None, "valid_from", meta["valid_from"], "is after valid_to")
    for k in ("attribution_vi", "attribution_en", "illustrative_note_vi", "illustrative_note_en",
              "source", "licence"):
        if k in meta and _blank(meta.get(k)):
            rep.error(rel_meta, None, k, None, "must not be empty")
    two_level = meta.get("n_districts") == 0
    if "district_level" in meta and meta["district_level"] is not (not two_level):
        rep.error(rel_meta, None, "district_level", meta["district_level"],
                  f"disagrees with n_districts {meta.get('n_districts')} (a two-level vintage has "
                  f"district_level false and n_districts 0)")
    preds = meta.get("predecessor_vintages", [])
    if not isinstance(preds, list) or not all(isinstance(p, str) for p in preds):
        rep.error(rel_meta, None, "predecessor_vintages", preds, "must be a list of vintage ids")
    else:
        for p in preds:
            if not (bdir / p / "meta.json").is_file():
                rep.error(rel_meta, None, "predecessor_vintages", p, "no such vintage folder in boundaries/")
    return meta


def _check_layer(rep: Report, v: str, kind: str, cols: list, meta: dict):
    """One GeoParquet layer of a vintage: columns, CRS, each feature, geometry, unique codes."""
    import geopandas as gpd

    rel = f"boundaries/{v}/{kind}.parquet"
    path = rep.root / rel
    rep.files_checked.append(rel)
    if not path.is_file():
        rep.error(rel, None, None, None, "file missing — write the layer as GeoParquet")
        return None
    try:
        g = gpd.read_parquet(path)
    except Exception as e:  # noqa: BLE001 - any read failure is reported, not raised
        rep.error(rel, None, None, None, f"unreadable GeoParquet ({type(e).__name__}: {e})")
        return None
    missing = [c for c in cols if c not in g.columns]
    for c in missing:
        rep.error(rel, None, c, None, f"required column missing; expected: {', '.join(cols)}")
    if missing:
        return None
    if g.crs is None or g.crs.to_epsg() != 4326:
        rep.error(rel, None, "geometry", str(g.crs.to_string() if g.crs else None),
                  "CRS must be EPSG:4326 — reproject with GeoDataFrame.to_crs(4326)")
    types = COMMUNE_TYPES if kind == "communes" else DISTRICT_TYPES
    for i, r in enumerate(g.itertuples(index=False)):
        row = f"feature {i + 1}"
        code = r.unit_code
        if _blank(code) or not isinstance(code, str):
            rep.error(rel, row, "unit_code", code, "code must be a non-empty string (keep leading zeros)")
        if r.vintage != v:
            rep.error(rel, row, "vintage", r.vintage, f"must equal the folder name {v!r}")
        for col in cols[:-1]:
            if _not_nfc(getattr(r, col)):
                rep.error(rel, row, col, getattr(r, col), "text is not Unicode NFC")
        if r.unit_type not in types:
            rep.error(rel, row, "unit_type", r.unit_type, f"must be one of {sorted(types)}")
        if meta.get("province_code") and r.province_code != meta["province_code"]:
            rep.error(rel, row, "province_code", r.province_code,
                      f"differs from meta.json province_code {meta['province_code']!r}")
    _check_geometries(rep, rel, g.geometry, g["unit_code"])
    dup = g["unit_code"][g["unit_code"].duplicated(keep=False)]
    for code in sorted(set(dup.dropna())):
        rows = [i + 1 for i in g.index[g["unit_code"] == code]]
        rep.error(rel, f"features {rows}", "unit_code", code,
                  "duplicate code in this vintage — codes must be unique per vintage")
    return g


def _check_district_links(rep: Report, v: str, communes, districts, two_level: bool) -> None:
    """Two-level vintage: no commune names a district; otherwise each names one of its vintage."""
    rel = f"boundaries/{v}/communes.parquet"
    if not two_level and districts is None:
        return
    dcodes = set() if districts is None else set(districts["unit_code"])
    for i, (dc, code) in enumerate(zip(communes["district_code"], communes["unit_code"])):
        if two_level and not _blank(dc):
            rep.error(rel, f"feature {i + 1}", "district_code", dc,
                      f"a two-level vintage has no district level: leave district_code empty "
                      f"(commune {code})")
        elif not two_level and dc not in dcodes:
            rep.error(rel, f"feature {i + 1}", "district_code", dc,
                      f"no such district in districts.parquet (commune {code})")


def _check_geometries(rep: Report, rel: str, geoms, codes) -> None:
    """Empty, non-polygon and invalid geometries, one error per feature (vectorised test first)."""
    import shapely
    from shapely.validation import explain_validity

    arr = geoms.values
    bad = shapely.is_missing(arr) | shapely.is_empty(arr) | ~shapely.is_valid(arr)
    types = geoms.geom_type.to_numpy()
    bad |= ~((types == "Polygon") | (types == "MultiPolygon"))
    for i in bad.nonzero()[0]:
        geom, code, row = arr[i], codes.iloc[i], f"feature {i + 1}"
        if geom is None or geom.is_empty:
            rep.error(rel, row, "geometry", code, "geometry is empty — every unit needs a polygon")
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            rep.error(rel, row, "geometry", code, f"is a {geom.geom_type}; must be (Multi)Polygon")
        else:
            rep.error(rel, row, "geometry", code, f"invalid polygon ({explain_validity(geom)}) — "
                                                  "repair it, e.g. shapely.make_valid")


def check_national(rep: Report, vint: dict | None = None) -> None:
    """The national layers (optional folder): the 2009 census layer (readable, EPSG:4326, unique
    census ids, valid) and those described in national/meta.json — the 1/7/2025 layer in the commune
    schema: unique codes, valid polygons, counts as stated, provinces in its provinces table, and
    the same units, names and types as every 1/7/2025 boundary vintage of those provinces."""
    import geopandas as gpd

    ndir = rep.root / "national"
    if not ndir.is_dir():
        return
    for name, key in (("vn_adm3_2009", "census_commune_id"), ("vn_adm2_2009", "census_district_id")):
        rel = f"national/{name}.parquet"
        path = ndir / f"{name}.parquet"
        if not path.is_file():
            rep.error(rel, None, None, None, "file missing — rebuild with scripts/build_geodata.py")
            continue
        rep.files_checked.append(rel)
        try:
            g = gpd.read_parquet(path)
        except Exception as e:  # noqa: BLE001
            rep.error(rel, None, None, None, f"unreadable GeoParquet ({type(e).__name__}: {e})")
            continue
        if g.crs is None or g.crs.to_epsg() != 4326:
            rep.error(rel, None, "geometry", str(g.crs), "CRS must be EPSG:4326")
        if key not in g.columns:
            rep.error(rel, None, key, None, "required column missing")
            continue
        for code in sorted(set(g[key][g[key].duplicated()])):
            rep.error(rel, None, key, code, "duplicate id — ids must be unique")
        _check_geometries(rep, rel, g.geometry, g[key].astype(str))
    mrel = "national/meta.json"
    if not (ndir / "meta.json").is_file():
        return
    rep.files_checked.append(mrel)
    try:
        layers = json.loads((ndir / "meta.json").read_text(encoding="utf-8"))["layers"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as e:
        rep.error(mrel, None, None, None, f"invalid national meta.json ({e}); expected {{\"layers\": {{...}}}}")
        return
    for lid, m in sorted(layers.items()):
        for k in ("valid_from", "valid_to"):
            val = m.get(k)
            if val is not None and not (isinstance(val, str) and ISO_DATE.match(val)):
                rep.error(mrel, None, f"{lid}.{k}", val, "must be an ISO date YYYY-MM-DD or null (open)")
        for k in ("attribution_vi", "attribution_en", "communes"):
            if _blank(m.get(k)):
                rep.error(mrel, None, f"{lid}.{k}", None, "must not be empty")
        if lid == "vn-2009" or _blank(m.get("communes")):
            continue   # the census layer is checked above
        rel = f"national/{m['communes']}"
        path = ndir / m["communes"]
        rep.files_checked.append(rel)
        if not path.is_file():
            rep.error(rel, None, None, None, "file missing — rebuild with scripts/build_geodata.py")
            continue
        g = gpd.read_parquet(path)
        missing = [c for c in COMMUNE_COLS if c not in g.columns]
        if missing:
            rep.error(rel, None, ",".join(missing), None, f"required column(s) missing; expected {COMMUNE_COLS}")
            continue
        if g.crs is None or g.crs.to_epsg() != 4326:
            rep.error(rel, None, "geometry", str(g.crs), "CRS must be EPSG:4326")
        if m.get("n_communes") != len(g):
            rep.error(mrel, None, f"{lid}.n_communes", m.get("n_communes"), f"{rel} has {len(g)} units")
        key = g["province_code"].astype(str) + "-" + g["unit_code"].astype(str)
        for k in sorted(set(key[key.duplicated()])):
            rep.error(rel, None, "unit_code", k, "duplicate (province, unit code)")
        bad_t = sorted(set(g["unit_type"]) - COMMUNE_TYPES)
        if bad_t:
            rep.error(rel, None, "unit_type", bad_t, f"must be one of {sorted(COMMUNE_TYPES)}")
        if m.get("district_level") is False and g["district_code"].notna().any():
            rep.error(rel, None, "district_code", None, "a layer without district level has no district codes")
        _check_geometries(rep, rel, g.geometry, g["unit_code"].astype(str))
        if m.get("provinces"):
            prel = f"national/{m['provinces']}"
            rep.files_checked.append(prel)
            p = _read_csv(rep, ndir / m["provinces"], None, prel)
            if p is not None:
                counts = g.groupby("province_code").size()
                codes = set(p["province_code"]) if "province_code" in p.columns else set()
                for c in sorted(set(counts.index) - codes):
                    rep.error(prel, None, "province_code", c, f"province of {rel} missing from the provinces table")
                for r in p.itertuples(index=False):
                    if int(counts.get(r.province_code, 0)) != int(r.n_communes or 0):
                        rep.error(prel, None, "n_communes", r.n_communes,
                                  f"province {r.province_code} has {int(counts.get(r.province_code, 0))} units in {rel}")
        # the focus vintages of the same period are the same units
        for v, d in sorted((vint or {}).items()):
            vm = d.get("meta", {})
            if vm.get("valid_from") != m.get("valid_from") or d.get("communes") is None:
                continue
            mine = g[g["province_code"] == vm.get("province_code")]
            want = dict(zip(mine["unit_code"], zip(mine["name"], mine["unit_type"])))
            got = dict(zip(d["communes"]["unit_code"], zip(d["communes"]["name"], d["communes"]["unit_type"])))
            if want != got:
                diff = sorted(set(want.items()) ^ set(got.items()))[:5]
                rep.error(f"boundaries/{v}/communes.parquet", None, "unit_code", v,
                          f"differs from national layer {lid} for province {vm.get('province_code')} "
                          f"(first differences: {diff}) — rebuild both with scripts/build_geodata.py")


def _check_vintage_overlaps(rep: Report, vint: dict) -> None:
    by_prov: dict = {}
    for v, d in vint.items():
        m = d["meta"]
        by_prov.setdefault(m.get("province_code"), []).append(
            (m.get("valid_from") or "0000-00-00", m.get("valid_to") or "9999-12-31", v))
    for prov, spans in by_prov.items():
        spans.sort()
        for (f1, t1, v1), (f2, t2, v2) in zip(spans, spans[1:]):
            if f2 <= t1:
                rep.error(f"boundaries/{v2}/meta.json", None, "valid_from", f2,
                          f"overlaps {v1} (valid to {t1}) — vintages of one province must not overlap")


# ---------------------------------------------------------------- registers and criteria

def check_registers(rep: Report, vint: dict):
    rel = "registers/units.csv"
    units = _read_csv(rep, rep.root / rel, "units", rel)
    if units is not None:
        _dup_rows(rep, rel, units, ["vintage", "unit_code"], "vintage + unit_code")
        for i, r in enumerate(units.itertuples(index=False)):
            row = i + 2
            if r.vintage not in vint:
                rep.error(rel, row, "vintage", r.vintage, "no such boundary vintage in boundaries/")
            if r.admin_level not in ADMIN_LEVELS:
                rep.error(rel, row, "admin_level", r.admin_level, f"must be one of {sorted(ADMIN_LEVELS)}")
            types = {"commune": COMMUNE_TYPES, "district": DISTRICT_TYPES, "province": {"tỉnh", "thành phố"}}
            if r.admin_level in types and r.unit_type not in types[r.admin_level]:
                rep.error(rel, row, "unit_type", r.unit_type,
                          f"must be one of {sorted(types[r.admin_level])} for a {r.admin_level}")
            if _blank(r.unit_code):
                rep.error(rel, row, "unit_code", r.unit_code, "must not be empty")
            if _blank(r.name):
                rep.error(rel, row, "name", r.name, "must not be empty (with its type prefix)")
        keyset = set(zip(units.vintage, units.unit_code))
        level_of = dict(zip(zip(units.vintage, units.unit_code), units.admin_level))
        for i, r in enumerate(units.itertuples(index=False)):
            if r.admin_level != "province" and (r.vintage, r.parent_code) not in keyset:
                rep.error(rel, i + 2, "parent_code", r.parent_code,
                          f"parent not found in vintage {r.vintage} — add the parent unit or fix the code")
            elif r.admin_level == "commune" and r.vintage in vint:
                two_level = vint[r.vintage]["meta"].get("n_districts") == 0
                want = "province" if two_level else "district"
                got = level_of.get((r.vintage, r.parent_code))
                if got != want:
                    rep.error(rel, i + 2, "parent_code", r.parent_code,
                              f"a commune's parent in {r.vintage} must be its {want}"
                              + (" (two-level vintage: no district level)" if two_level else "")
                              + f", not a {got}")
        # registers must list exactly the boundary features, with the same names
        for v, d in vint.items():
            for kind, level in (("communes", "commune"), ("districts", "district")):
                g = d.get(kind)
                if g is None and kind == "districts" and d["meta"].get("n_districts") == 0:
                    for j in units.index[(units.vintage == v) & (units.admin_level == "district")]:
                        rep.error(rel, int(j) + 2, "admin_level", "district",
                                  f"{v} is a two-level vintage (no district level): remove the district row")
                    continue
                if g is None:
                    continue
                reg = units[(units.vintage == v) & (units.admin_level == level)]
                reg_names = dict(zip(reg.unit_code, reg.name))
                for i, (code, name) in enumerate(zip(g.unit_code, g.name)):
                    if code not in reg_names:
                        rep.error(f"boundaries/{v}/{kind}.parquet", f"feature {i + 1}", "unit_code", code,
                                  f"not in registers/units.csv for {v} — add a {level} row")
                    elif reg_names[code] != name:
                        rep.error(rel, None, "name", reg_names[code],
                                  f"{v} {code}: register name differs from boundary name {name!r}")
                for code in sorted(set(reg.unit_code) - set(g.unit_code)):
                    row = int(units.index[(units.vintage == v) & (units.unit_code == code)][0]) + 2
                    rep.error(rel, row, "unit_code", code, f"{level} of {v} has no polygon in {kind}.parquet")
            if not ((units.vintage == v) & (units.admin_level == "province")).any():
                rep.error(rel, None, "admin_level", "province", f"no province row for vintage {v}")

    crel = "registers/crosswalk.csv"
    cw = _read_csv(rep, rep.root / crel, "crosswalk", crel)
    if cw is not None and units is not None:
        _check_crosswalk(rep, crel, cw, units, vint)
    return units


def vintage_pairs(vint: dict) -> list[tuple[str, str]]:
    """(older, newer) vintage pairs a crosswalk must link: consecutive vintages of one province
    (ordered by valid_to) and every vintage named in a meta.json `predecessor_vintages`
    (e.g. 10-2009 → 15-2025 across a change of province code)."""
    pairs: list = []
    by_prov: dict = {}
    for v, d in vint.items():
        by_prov.setdefault(d["meta"].get("province_code"), []).append(
            (d["meta"].get("valid_to") or "9999-12-31", v))
    for _, vs in sorted(by_prov.items(), key=lambda kv: str(kv[0])):
        vs.sort()
        pairs += [(old, new) for (_, old), (_, new) in zip(vs, vs[1:])]
    for v, d in sorted(vint.items()):
        preds = d["meta"].get("predecessor_vintages") or []
        if isinstance(preds, list):
            pairs += [(p, v) for p in preds if p in vint]
    return list(dict.fromkeys(pairs))


def _check_crosswalk(rep, rel, cw, units, vint):
    keyset = set(zip(units.vintage, units.unit_code))
    level_of = dict(zip(zip(units.vintage, units.unit_code), units.admin_level))
    for i, r in enumerate(cw.itertuples(index=False)):
        row = i + 2
        if r.relation not in RELATIONS:
            rep.error(rel, row, "relation", r.relation, f"must be one of {sorted(RELATIONS)}")
        if r.inferred.lower() not in ("true", "false"):
            rep.error(rel, row, "inferred", r.inferred, "must be true or false")
        if (r.from_vintage, r.from_code) not in keyset:
            rep.error(rel, row, "from_code", r.from_code, f"not a unit of {r.from_vintage} in registers/units.csv")
        if r.relation == "ceased":
            if not _blank(r.to_code) or not _blank(r.part):
                rep.error(rel, row, "to_code", r.to_code, "a 'ceased' row has no to_code and no part")
            if level_of.get((r.from_vintage, r.from_code), "district") != "district":
                rep.error(rel, row, "relation", r.relation,
                          f"only districts may cease; {r.from_code} is a {level_of[(r.from_vintage, r.from_code)]}"
                          f" — link it to its unit(s) of {r.to_vintage}")
            elif r.to_vintage in vint and vint[r.to_vintage]["meta"].get("n_districts", 0) != 0:
                rep.error(rel, row, "relation", r.relation,
                          f"{r.to_vintage} has a district level: link the district to its successor")
            continue
        if r.part not in PARTS:
            rep.error(rel, row, "part", r.part, f"must be one of {sorted(PARTS)} (empty only when 'ceased')")
        if (r.to_vintage, r.to_code) not in keyset:
            rep.error(rel, row, "to_code", r.to_code, f"not a unit of {r.to_vintage} in registers/units.csv")
    for old, new in vintage_pairs(vint):
        part = cw[(cw.from_vintage == old) & (cw.to_vintage == new)]
        olds = units[(units.vintage == old) & (units.admin_level != "province")]
        news = units[(units.vintage == new) & (units.admin_level != "province")]
        if part.empty:
            rep.error(rel, None, "from_vintage", old, f"no crosswalk rows {old} → {new} — every unit "
                                                      f"of {old} must map to {new}")
            continue
        for code in sorted(set(olds.unit_code) - set(part.from_code)):
            rep.error(rel, None, "from_code", code, f"unit of {old} missing from the crosswalk to {new} "
                                                    f"(orphan) — add one row for it")
        for code, rows in part.groupby("from_code").groups.items():
            sub = part.loc[rows]
            nums = [int(j) + 2 for j in rows]
            if len(sub) > 1 and not (sub.part == "partial").all():
                rep.error(rel, nums[1], "from_code", code,
                          f"appears {len(sub)} times for {old} → {new} (rows {nums}); a unit is linked once, "
                          f"or once per new unit with part = partial")
            elif len(sub) == 1 and sub.part.iloc[0] == "partial":
                rep.error(rel, nums[0], "part", "partial",
                          f"{code} is the only row of its unit: a divided unit has one row per new unit")
            if sub.to_code.duplicated().any():
                rep.error(rel, nums[1], "to_code", code, f"{code} is linked twice to the same unit of {new}")
        linked = part[part.relation != "ceased"]
        inc = linked.to_code.value_counts()
        for j, r in linked.iterrows():
            if r.relation in ("same", "renamed") and inc[r.to_code] > 1:
                rep.error(rel, int(j) + 2, "relation", r.relation,
                          f"{r.to_code} has {inc[r.to_code]} predecessors — use merged_into")
        _check_links_against_geometry(rep, rel, old, new, linked, news, vint)


def _check_links_against_geometry(rep, rel, old, new, linked, news, vint):
    """Every commune link the geometry contradicts (less than LINK_MIN_SHARE of the old unit's area
    in its linked unit(s)), and every new unit that lies mostly inside the older layer but is reached
    by no row. Without both commune layers, every new unit must be reached."""
    from loaders.geometry import area_shares

    go, gn = vint.get(old, {}).get("communes"), vint.get(new, {}).get("communes")
    reached = set(linked.to_code)
    if go is None or gn is None or go.empty or gn.empty:
        for code in sorted(set(news.unit_code) - reached):
            rep.error(rel, None, "to_code", code, f"unit of {new} is reached by no {old} unit (orphan)")
        return
    import shapely

    o_idx = {c: i for i, c in enumerate(go.unit_code)}
    n_idx = {c: j for j, c in enumerate(gn.unit_code)}
    # invalid polygons are reported by the boundary checks; measure their repaired shape here
    og = shapely.make_valid(go.geometry.values)
    ng = shapely.make_valid(gn.geometry.values)
    shares = area_shares(og, ng)
    by_old: dict = {}
    for (i, j), x in shares.items():
        by_old.setdefault(i, {})[j] = x
    for code, rows in linked.groupby("from_code").groups.items():
        if code not in o_idx:
            continue   # a district or province row
        sub = linked.loc[rows]
        targets = [n_idx[t] for t in sub.to_code if t in n_idx]
        inside = sum(by_old.get(o_idx[code], {}).get(j, 0.0) for j in targets)
        if targets and inside < LINK_MIN_SHARE:
            kind = "inferred link" if (sub.inferred.str.lower() == "true").all() else "code link"
            rep.error(rel, int(rows[0]) + 2, "to_code", ";".join(sub.to_code),
                      f"the geometry contradicts this {kind}: only {round(100 * inside)} % of {old} {code} lies "
                      f"in {', '.join(sub.to_code)} of {new} — link it to the {new} unit(s) holding most of its "
                      f"area (inferred = true, with a note), or fix the boundary")
    inside_old = {}
    for (j, i), x in area_shares(ng, og).items():
        inside_old[j] = inside_old.get(j, 0.0) + x
    commune_codes = set(gn.unit_code)
    for code in sorted(set(news.unit_code) - reached):
        if code in commune_codes and inside_old.get(n_idx[code], 0.0) < LINK_MIN_SHARE:
            continue   # outside the older layer's area (e.g. the rest of Thanh Hóa beyond Triệu Sơn)
        rep.error(rel, None, "to_code", code, f"unit of {new} is reached by no {old} unit (orphan)")


def check_criteria(rep: Report) -> pd.DataFrame | None:
    rel = "criteria/criteria.csv"
    crit = _read_csv(rep, rep.root / rel, "criteria", rel)
    if crit is None:
        return None
    _dup_rows(rep, rel, crit, ["criteria_set", "criterion_id"], "criteria_set + criterion_id")
    for i, r in enumerate(crit.itertuples(index=False)):
        if r.scope != "national" and not re.fullmatch(r"\d{2}", r.scope):
            rep.error(rel, i + 2, "scope", r.scope, "must be 'national' or a 2-digit province code")
        for col in ("criteria_set", "criterion_id", "name_vi", "name_en"):
            if _blank(getattr(r, col)):
                rep.error(rel, i + 2, col, "", "must not be empty")
    return crit


# ---------------------------------------------------------------- records

def check_records(rep: Report, vint: dict, units: pd.DataFrame | None, crit: pd.DataFrame | None) -> None:
    rdir = rep.root / "records"
    if not rdir.is_dir():
        rep.warn("records/", None, None, None, "no records folder yet — status/targets not checked")
        return
    src = _read_csv(rep, rdir / "sources.csv", "sources", "records/sources.csv")
    source_ids = _check_sources(rep, src)
    unit_info = {} if units is None else {
        (v, c): (lvl, t) for v, c, lvl, t in zip(units.vintage, units.unit_code, units.admin_level,
                                                  units.unit_type)}
    sets = {} if crit is None else {s: set(g.criterion_id) for s, g in crit.groupby("criteria_set")}

    agg = None
    if (rdir / "aggregates.csv").is_file():
        agg = _read_csv(rep, rdir / "aggregates.csv", "aggregates", "records/aggregates.csv")
    status_files = [p for p in [rdir / "status.csv", rdir / "illustrative" / ILLUSTRATIVE_FILES["status"]]
                    if p.is_file()]
    status = []
    for p in status_files:
        rel = str(p.relative_to(rep.root))
        df = _read_csv(rep, p, "status", rel)
        if df is not None:
            status.append((rel, df))
    # a derived record may point at any status record or aggregate
    derivable = {rid for _, df in status for rid in df.record_id} | (
        set() if agg is None else set(agg.aggregate_id))
    known = _Known(vint, unit_info, sets, source_ids, derivable)

    for rel, df in status:
        _dup_rows(rep, rel, df, ["record_id"], "record_id")
        for i, r in enumerate(df.itertuples(index=False)):
            _check_status_row(rep, rel, i + 2, r, known, illustrative_file="illustrative" in rel)
    if (rdir / "targets.csv").is_file():
        t = _read_csv(rep, rdir / "targets.csv", "targets", "records/targets.csv")
        if t is not None:
            _check_targets(rep, t, known)
    if agg is not None:
        _check_aggregates(rep, agg, units, known)

    from loaders import check_indicators as leadership   # indicators, obligations, receipts
    leadership.check_indicators(rep, vint, units, src)
    leadership.check_obligations(rep, vint, src)
    leadership.check_receipts(rep, vint, units)


@dataclass(frozen=True)
class _Known:
    """What a record row is checked against: vintages, units, criteria sets, sources, record ids."""
    vint: dict
    unit_info: dict          # (vintage, code) -> (admin_level, unit_type)
    sets: dict               # criteria_set -> criterion ids
    source_ids: set
    derivable: set           # record_id and aggregate_id a derived record may name


def _check_sources(rep: Report, src: pd.DataFrame | None) -> set:
    if src is None:
        return set()
    _dup_rows(rep, "records/sources.csv", src, ["source_id"], "source_id")
    for i, r in enumerate(src.itertuples(index=False)):
        if r.kind not in SOURCE_KINDS:
            rep.error("records/sources.csv", i + 2, "kind", r.kind, f"must be one of {sorted(SOURCE_KINDS)}")
        for col in ("doc_date", "published"):
            val = getattr(r, col)
            if not _blank(val) and not FUZZY_DATE.match(val):
                rep.error("records/sources.csv", i + 2, col, val,
                          "must be a date YYYY-MM-DD (or YYYY-MM, YYYY, ~ for approximate) or empty")
    return set(src.source_id)


def _check_status_row(rep: Report, rel: str, row: int, r, known: _Known, illustrative_file: bool) -> None:
    _check_unit_ref(rep, rel, row, r.vintage, r.unit_code, r.admin_level, known.unit_info, known.vint)
    year = _check_year(rep, rel, row, "year", r.year, required=True)
    if year is not None and r.vintage in known.vint:
        _check_vintage_for_year(rep, rel, row, r, year, known.vint)
    if r.level not in LEVELS:
        rep.error(rel, row, "level", r.level, f"must be one of {sorted(LEVELS)}")
    _check_provenance(rep, rel, row, r.provenance, illustrative_file)
    _check_level_fits_unit(rep, rel, row, r, known.unit_info.get((r.vintage, r.unit_code)))
    _check_criteria_counts(rep, rel, row, r, known.sets)
    _check_commune_group(rep, rel, row, r, year)
    if not _blank(r.decision_date) and not ISO_DATE.match(r.decision_date):
        rep.error(rel, row, "decision_date", r.decision_date, "must be YYYY-MM-DD or empty")
    _check_source(rep, rel, row, r.source_id, known.source_ids, required=not illustrative_file)
    if r.provenance == "derived":
        if _blank(r.derived_from):
            rep.error(rel, row, "derived_from", "", "a derived record must name the record_id or "
                                                    "aggregate_id it is derived from")
        elif r.derived_from not in known.derivable:
            rep.error(rel, row, "derived_from", r.derived_from,
                      "points at no record_id of status.csv nor aggregate_id of aggregates.csv")
    if r.provenance == "official" and _blank(r.decision_no):
        rep.error(rel, row, "decision_no", "", "an official record needs its decision number "
                                               "(else use provenance 'reported')")


def _check_level_fits_unit(rep, rel, row, r, info) -> None:
    if not info:
        return
    if r.level == "completed" and info[1] not in ("thị xã", "thành phố"):
        rep.error(rel, row, "level", r.level, f"'completed' applies to thị xã/thành phố, not {info[1]}")
    if info[0] == "commune" and info[1] != "xã" and r.level != "none":
        rep.warn(rel, row, "level", r.level, f"{info[1]} is not assessed on the commune NTM ladder")


def _check_criteria_counts(rep, rel, row, r, sets) -> None:
    if not _blank(r.criteria_set) and sets and r.criteria_set not in sets:
        rep.error(rel, row, "criteria_set", r.criteria_set, f"unknown set; one of {sorted(sets)}")
    met = _int_col(rep, rel, row, "criteria_met", r.criteria_met)
    tot = _int_col(rep, rel, row, "criteria_total", r.criteria_total)
    if met is not None and tot is not None and met > tot:
        rep.error(rel, row, "criteria_met", r.criteria_met, f"exceeds criteria_total {tot}")
    if not _blank(r.missing_criteria) and r.criteria_set in sets:
        for cid in r.missing_criteria.split(";"):
            base = cid.strip().split(".")[0]
            if base not in sets[r.criteria_set]:
                rep.error(rel, row, "missing_criteria", cid, f"no criterion {base} in set {r.criteria_set}")


def _check_targets(rep: Report, t: pd.DataFrame, known: _Known) -> None:
    rel = "records/targets.csv"
    _dup_rows(rep, rel, t, ["target_id"], "target_id")
    for i, r in enumerate(t.itertuples(index=False)):
        row = i + 2
        if r.scope not in TARGET_SCOPES:
            rep.error(rel, row, "scope", r.scope, f"must be one of {sorted(TARGET_SCOPES)}")
        if r.scope == "national":   # a national comparison target: area VN, no vintage
            if r.unit_code != "VN" or not _blank(r.vintage) or r.admin_level != "national":
                rep.error(rel, row, "unit_code", r.unit_code, "a national target has unit_code VN, "
                                                              "admin_level national and no vintage")
        elif not _blank(r.unit_code) or not _blank(r.vintage):
            _check_unit_ref(rep, rel, row, r.vintage, r.unit_code, r.admin_level, known.unit_info, known.vint)
        if not _blank(r.level) and r.level not in LEVELS:
            rep.error(rel, row, "level", r.level, f"must be one of {sorted(LEVELS)} or empty")
        ty = _check_year(rep, rel, row, "target_year", r.target_year, required=True)
        if ty is not None and r.vintage in known.vint:
            _check_vintage_for_year(rep, rel, row, r, ty, known.vint, any_day=True)
        if not _blank(r.target_share):
            try:
                share = float(r.target_share)
                if not 0 <= share <= 1:
                    raise ValueError
            except ValueError:
                rep.error(rel, row, "target_share", r.target_share, "must be a number in [0, 1]")
        cnt = _int_col(rep, rel, row, "target_count", r.target_count)
        if cnt is not None and cnt < 0:
            rep.error(rel, row, "target_count", r.target_count, "must not be negative")
        _check_provenance(rep, rel, row, r.provenance, False)
        _check_source(rep, rel, row, r.source_id, known.source_ids, required=True)


def _check_aggregates(rep: Report, agg: pd.DataFrame, units: pd.DataFrame | None, known: _Known) -> None:
    rel = "records/aggregates.csv"
    _dup_rows(rep, rel, agg, ["aggregate_id"], "aggregate_id")
    area_levels: dict = {}
    if units is not None:
        for c, lvl in zip(units.unit_code, units.admin_level):
            area_levels.setdefault(c, set()).add(lvl)
    for i, r in enumerate(agg.itertuples(index=False)):
        row = i + 2
        if r.admin_level not in ADMIN_LEVELS | {"national"}:
            rep.error(rel, row, "admin_level", r.admin_level, "must be national, province, district or commune")
        elif r.admin_level == "national":
            if r.area_code != "VN":
                rep.error(rel, row, "area_code", r.area_code, "national figures use area_code VN")
        elif units is not None and r.admin_level not in area_levels.get(r.area_code, set()):
            rep.error(rel, row, "area_code", r.area_code,
                      f"no {r.admin_level} with this code in registers/units.csv")
        av = getattr(r, "vintage", "")      # optional: the unit set the figure counts
        if not _blank(av):
            if r.admin_level == "national" or av not in known.vint:
                rep.error(rel, row, "vintage", av, "a national figure has no vintage; otherwise one of "
                                                   f"{sorted(known.vint)}")
            elif units is not None and (av, r.area_code) not in known.unit_info:
                rep.error(rel, row, "vintage", av, f"{r.area_code} is not a unit of {av}")
        _check_aggregate_values(rep, rel, row, r)
        _check_provenance(rep, rel, row, r.provenance, False)
        _check_source(rep, rel, row, r.source_id, known.source_ids, required=True)


def _check_aggregate_values(rep, rel, row, r) -> None:
    if r.metric == "share_standard" and not _blank(r.value):
        try:
            if not 0 <= float(r.value) <= 1:
                rep.error(rel, row, "value", r.value, "a share is a fraction in [0, 1] (0.62, not 62)")
        except ValueError:
            pass
    if r.metric not in METRICS:
        rep.error(rel, row, "metric", r.metric, f"must be one of {sorted(METRICS)}")
    _check_year(rep, rel, row, "year", r.year, required=False)
    for col in ("value", "denominator"):
        val = getattr(r, col)
        if not _blank(val):
            try:
                float(val)
            except ValueError:
                rep.error(rel, row, col, val, "must be a number")
    if _blank(r.value):
        rep.error(rel, row, "value", "", "must not be empty")


def _int_col(rep, rel, row, col, val):
    if _blank(val):
        return None
    n = _int(val)
    if n is None:
        rep.error(rel, row, col, val, "must be a whole number or empty")
    return n


def _check_commune_group(rep, rel, row, r, year) -> None:
    """``commune_group`` (optional column): 1, 2 or 3 on a record of a set with commune groups
    (2026-2030, Decision 51/2025/QĐ-TTg), empty on any other; a missing group on such a commune
    record is a warning (its thresholds cannot be told)."""
    val = getattr(r, "commune_group", "")
    set_id = r.criteria_set if not _blank(r.criteria_set) else (
        levels.default_criteria_set(year) if year is not None else None)
    try:
        groups = levels.criteria_set(set_id).commune_groups if set_id else ()
    except KeyError:   # an unknown set is reported on its own column
        return
    if _blank(val):
        if groups and r.admin_level == "commune":
            rep.warn(rel, row, "commune_group", "", f"a record of criteria set {set_id} should name its "
                                                    f"commune group ({', '.join(map(str, groups))})")
        return
    g = _int(val)
    if not groups:
        rep.error(rel, row, "commune_group", val, f"criteria set {set_id} has no commune groups: leave "
                                                  "commune_group empty (it applies to 2026-2030 records)")
    elif g not in groups:
        rep.error(rel, row, "commune_group", val, f"must be one of {', '.join(map(str, groups))} "
                                                  f"(the commune groups of set {set_id}) or empty")


def _check_year(rep, rel, row, col, val, required):
    if _blank(val):
        if required:
            rep.error(rel, row, col, "", "must not be empty")
        return None
    y = _int(val)
    if y is None or not YEAR_MIN <= y <= YEAR_MAX:
        rep.error(rel, row, col, val, f"must be a year between {YEAR_MIN} and {YEAR_MAX}")
        return None
    return y


def _check_provenance(rep, rel, row, val, illustrative_file):
    if val not in PROVENANCE:
        rep.error(rel, row, "provenance", val, f"must be one of {sorted(PROVENANCE)}")
    elif illustrative_file and val != "illustrative":
        rep.error(rel, row, "provenance", val, "rows under records/illustrative/ must be 'illustrative'")
    elif not illustrative_file and val == "illustrative":
        rep.error(rel, row, "provenance", val, "illustrative rows belong in records/illustrative/, "
                                               "never mixed with sourced records")


def _check_source(rep, rel, row, val, source_ids, required):
    if _blank(val):
        if required:
            rep.error(rel, row, "source_id", "", "every record needs a source_id from records/sources.csv")
    elif val not in source_ids:
        rep.error(rel, row, "source_id", val, "not found in records/sources.csv — add the source there "
                                              "or fix the id")


def _check_unit_ref(rep, rel, row, vintage, code, level, unit_info, vint):
    if vintage not in vint:
        rep.error(rel, row, "vintage", vintage, f"no such boundary vintage; one of {sorted(vint)}")
        return
    if level not in ADMIN_LEVELS:
        rep.error(rel, row, "admin_level", level, f"must be one of {sorted(ADMIN_LEVELS)}")
    info = unit_info.get((vintage, code))
    if info is None:
        rep.error(rel, row, "unit_code", code, f"no unit with this code in vintage {vintage} — use a code "
                                               f"from registers/units.csv for {vintage}")
    elif level in ADMIN_LEVELS and info[0] != level:
        rep.error(rel, row, "admin_level", level, f"unit {code} of {vintage} is a {info[0]}")


def _valid_on(meta: dict, day) -> bool:
    return vintage_from(meta).valid_on(day)


def _valid_in_year(meta: dict, year: int) -> bool:
    """Valid on at least one day of ``year``."""
    v = vintage_from(meta)
    return (v.valid_from is None or v.valid_from <= drawing_day(year)) and \
        (v.valid_to is None or v.valid_to.year >= int(year))


def _check_vintage_for_year(rep, rel, row, r, year, vint, any_day=False):
    """The record's vintage must be valid on 31 December of its year, or be the fallback vintage
    for that year (no vintage valid); `vintage_override=true` downgrades this to a warning.
    With `any_day` (targets) a vintage valid on any day of the year is accepted: a target "by 2025"
    set on the 2020–2024 units keeps them although the 1/7/2025 units are valid on 31/12/2025."""
    prov = vint[r.vintage]["meta"].get("province_code")
    day = drawing_day(year)
    if _valid_on(vint[r.vintage]["meta"], day):
        return
    if any_day and _valid_in_year(vint[r.vintage]["meta"], year):
        return
    valid = [v for v, d in vint.items() if d["meta"].get("province_code") == prov and _valid_on(d["meta"], day)]
    if not valid:
        return  # no layer covers that year: the nearest one is the fallback, allowed
    msg = (f"year {year} is drawn on {valid[0]}, not {r.vintage} — re-express the unit on {valid[0]} "
           f"(see registers/crosswalk.csv) or set vintage_override=true with a note")
    if str(getattr(r, "vintage_override", "")).lower() == "true":
        rep.warn(rel, row, "vintage", r.vintage, msg)
    else:
        rep.error(rel, row, "vintage", r.vintage, msg)


# ---------------------------------------------------------------- entry points

def run_check(root: Path | str | None = None) -> Report:
    rep = Report(root=Path(root) if root is not None else geodata_dir())
    vint = check_boundaries(rep)
    units = check_registers(rep, vint)
    crit = check_criteria(rep)
    check_records(rep, vint, units, crit)
    check_national(rep, vint)
    for doc in ("README.md", "PROVENANCE.md"):
        if not (rep.root / doc).is_file():
            rep.warn(doc, None, None, None, "missing — the schema and provenance notes belong with the data")
    return rep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m loaders check",
                                 description="Validate every file in geodata/ (boundaries, registers, "
                                             "crosswalk, criteria, records). Exit 0 valid, 1 invalid, 2 unreadable.")
    ap.add_argument("--geodata", metavar="DIR", help="geodata folder to check (default: the repository's)")
    ap.add_argument("--quiet", action="store_true", help="print only errors and the summary line")
    a = ap.parse_args(argv)
    root = Path(a.geodata) if a.geodata else geodata_dir()
    if not root.is_dir():
        print(f"error: geodata folder {root} not found or not a folder", file=sys.stderr)
        return 2
    rep = run_check(root)
    if a.quiet:
        rep.issues = rep.errors
    print(rep.format())
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main())
