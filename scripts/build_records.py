"""Build geodata/records/{sources,status,targets,aggregates}.csv from the curated inputs.

The curated CSVs in geodata/records/curated/ name units the way the sources write them
(province / district / commune names). This script resolves every name to a GSO code in the
vintage valid on 31 December of the record's year (a target: of its target year, unless the units
in force when it was set are still valid during that year), applies the derivation rules
documented in geodata/records/README.md, and writes deterministic output (sorted rows, fixed line
endings). The vintages and their validity are those of scripts/build_geodata.py (one recipe);
their units are read from the shared GeoPackages (attributes only).

Usage:  python scripts/build_records.py --source ../shared/geodata [--out geodata/records]

Any name it cannot resolve stops the build with the file, row and name; nothing is written.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CURATED = REPO / "geodata" / "records" / "curated"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_geodata import VINTAGES as RECIPES  # noqa: E402  (the vintages and their validity)
from domain import levels  # noqa: E402  (levels, ladders, criteria sets, provenance classes)
from loaders.importer.matching import name_key  # noqa: E402  (tone placement: Hòa / Hoà)

# The curated records are of 2010–2025: communes on the classic ladder, districts on it or
# "completed" (thị xã / thành phố), which ranks as standard.
LEVEL_RANK = levels.DISTRICT_RANK
COMMUNE_LEVELS = set(levels.CLASSIC_LADDER.levels)
DISTRICT_LEVELS = set(levels.DISTRICT_LEVELS)
CRITERIA_SETS = set(levels.CRITERIA_SET_IDS)
COMMUNE_GROUPS = {""} | {str(g) for g in levels.criteria_set("2026-2030").commune_groups}   # 51/2025/QĐ-TTg
# what a sourced record may be (an illustrative one is never curated)
PROVENANCE = {levels.OFFICIAL, levels.REPORTED, levels.DERIVED}

STATUS_COLS = ["record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set",
               "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date",
               "source_id", "provenance", "derived_from", "note", "commune_group"]
TARGET_COLS = ["target_id", "scope", "vintage", "unit_code", "admin_level", "level", "target_year",
               "target_share", "target_count", "source_id", "provenance", "note"]
AGG_COLS = ["aggregate_id", "area_code", "admin_level", "year", "as_of", "metric", "value",
            "denominator", "source_id", "provenance", "note", "vintage"]
SOURCE_COLS = ["source_id", "kind", "title", "issuer", "doc_number", "doc_date", "url",
               "published", "note"]
AGG_METRICS = {"count_standard", "count_advanced", "count_model", "added_standard", "added_advanced",
               "added_model", "avg_criteria", "count_below_7", "count_districts_standard",
               "units_total", "share_standard", "count_provinces_completed"}
# 2019 → 2020: the 2020 layers' predecessors_2019 carry the lineage (merged communes' records)
PREVIOUS_VINTAGE = {v: s["predecessors"][0] for v, s in RECIPES.items()
                    if s.get("era", "pre2025") == "pre2025" and s["predecessors"]}
TYPE_PREFIXES = ("thành phố ", "thị xã ", "thị trấn ", "huyện ", "phường ", "xã ")


class BuildError(Exception):
    pass


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def norm(name: str) -> str:
    """Comparable form of a unit name: NFC, single spaces, lower case, no type prefix."""
    s = " ".join(nfc(name).split()).lower()
    for p in TYPE_PREFIXES:
        if s.startswith(p):
            return s[len(p):]
    return s


# ----------------------------------------------------------------------------- registers
@dataclass
class Unit:
    code: str
    name: str
    unit_type: str
    district_code: str
    predecessors: list = field(default_factory=list)   # [(code, name)] for 2020 vintages


@dataclass
class Vintage:
    vid: str
    province: str
    communes: dict          # code -> Unit
    districts: dict         # code -> name ({} in a two-level vintage)
    valid_to: int | None    # last year drawn on this vintage (None = open)
    start: dt.date | None = None    # valid_from (None = open)
    end: dt.date | None = None      # valid_to (None = open)

    def valid_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def valid_during(self, year: int) -> bool:
        return (self.start is None or self.start <= dt.date(year, 12, 31)) and \
            (self.end is None or self.end >= dt.date(year, 1, 1))


def _query(path: Path, sql: str, params=()):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _preds(text: str | None) -> list:
    out = []
    for part in (text or "").split(";"):
        part = part.strip()
        if part:
            code, _, name = part.partition(" ")
            out.append((code, name))
    return out


def _iso(s):
    return dt.date.fromisoformat(s) if s else None


def _last_year(end: dt.date | None) -> int | None:
    """The last year drawn on a vintage ending on `end` (its 31 December must be covered)."""
    if end is None:
        return None
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def load_vintages(src: Path) -> dict:
    """The vintages of scripts/build_geodata.py with their units, read from the shared GeoPackages
    (attributes only): the pre-2025 layers, the Lào Cai 2009 census layer (units keyed by their
    matched GSO 2019 code) and the 1/7/2025 layers (two-level: no districts)."""
    vs = {}
    for vid, spec in RECIPES.items():
        prov = vid.split("-")[0]
        communes, districts = {}, {}
        if spec.get("era") == "2025":
            path = src / "2025" / "vn_communes_2025.gpkg"
            if not path.exists():
                raise BuildError(f"{path}: missing (pass --source pointing at the shared geodata folder)")
            for code, name, typ in _query(path, "SELECT unit_code, full_name, unit_type FROM communes "
                                                "WHERE province_code = ?", (prov,)):
                communes[code] = Unit(code, " ".join(nfc(name).split()), nfc(typ).lower(), None)
        elif vid == "10-2009":
            path = src / spec["file"]
            for code, name, dcode, dname in _query(
                    path, "SELECT gso_code_2019, adm3_name, gso_adm2_code_2019, gso_adm2_name_2019 "
                          "FROM adm3_2009 WHERE gso_code_2019 IS NOT NULL AND gso_code_2019 != ''"):
                name = " ".join(nfc(name).split())
                typ = "xã" if name.startswith("Xã") else ("phường" if name.startswith("Phường") else "thị trấn")
                communes[code] = Unit(code, name, typ, dcode)
                districts[dcode] = nfc(dname)
        else:
            path = src / spec["file"]
            if not path.exists():
                raise BuildError(f"{path}: missing (pass --source pointing at the shared geodata folder)")
            layer = spec["communes"]
            has_preds = layer.endswith("2020_2024")
            cols = "adm3_code, adm3_name, adm3_type, adm2_code, adm2_name" + (
                ", predecessors_2019" if has_preds else ", NULL")
            for code, name, typ, dcode, dname, preds in _query(path, f"SELECT {cols} FROM {layer}"):
                communes[code] = Unit(code, " ".join(nfc(name).split()), nfc(typ), dcode, _preds(preds))
                districts[dcode] = " ".join(nfc(dname).split())
        end = _iso(spec["valid_to"])
        vs[vid] = Vintage(vid, prov, communes, districts, _last_year(end), _iso(spec["valid_from"]), end)
    return vs


def vintage_for(vs: dict, province: str, year: int) -> str:
    """Vintage valid on 31 December of `year` (the latest one if the year is past all of them)."""
    cands = sorted((v for v in vs.values() if v.province == province),
                   key=lambda v: (v.valid_to is None, v.valid_to or 0))
    for v in cands:
        if v.valid_to is None or year <= v.valid_to:
            return v.vid
    return cands[-1].vid


def vintage_on(vs: dict, province: str, day: dt.date) -> str | None:
    """The province's vintage valid on `day` (None when none is)."""
    for v in vs.values():
        if v.province == province and v.valid_on(day):
            return v.vid
    return None


def fuzzy_day(text: str) -> dt.date | None:
    """The last day of a date as sources give it: "2021-11-25", "2025-06", "end-2018", "~2013/14",
    "~2019-12/2020-01" (the first part), "2017"; None when no year is in it."""
    m = re.search(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", (text or "").split("/")[0])
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if d:
        return dt.date(y, int(mo), int(d))
    if mo:
        nxt = dt.date(y + (int(mo) == 12), int(mo) % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(y, 12, 31)


# ----------------------------------------------------------------------------- reading
def read_csv(path: Path, required: list) -> list:
    if not path.exists():
        raise BuildError(f"{path}: missing")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise BuildError(f"{path}: missing column(s) {missing}")
        rows = []
        for i, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                raise BuildError(f"{path}:{i}: wrong number of fields")
            rows.append((i, {k: nfc(v).strip() for k, v in row.items()}))
        return rows


class Resolver:
    def __init__(self, vs: dict, curated: Path):
        self.vs = vs
        # a name can stand for different codes over time (Lào Cai: 10 until 2024, 15 from 2025)
        self.prov = [(norm(r["name_as_written"]), r["province_code"], int(r.get("first_year") or 0),
                      int(r.get("last_year") or 9999))
                     for _, r in read_csv(curated / "provinces.csv", ["province_code", "name_as_written"])]
        self.dist = {}
        for _, r in read_csv(curated / "district_names.csv",
                             ["province_code", "name_as_written", "district_code"]):
            self.dist[(r["province_code"], norm(r["name_as_written"]))] = r["district_code"]

    def province(self, where: str, name: str, year: int) -> str:
        codes = {c for n, c, first, last in self.prov if n == norm(name) and first <= year <= last}
        if len(codes) != 1:
            raise BuildError(f"{where}: unknown province {name!r} in {year}" if not codes else
                             f"{where}: province name {name!r} is ambiguous in {year}: {sorted(codes)}")
        return codes.pop()

    def district(self, where: str, pcode: str, name: str, vid: str) -> str | None:
        if not self.vs[vid].districts:   # two-level vintage (from 1/7/2025)
            if name:
                raise BuildError(f"{where}: {vid} has no district level (from 1/7/2025): leave the "
                                 f"district empty (got {name!r})")
            return None
        code = self.dist.get((pcode, norm(name)))
        if not code or code not in self.vs[vid].districts:
            raise BuildError(f"{where}: cannot resolve district {name!r} in vintage {vid}")
        return code

    def commune(self, where: str, dcode: str | None, name: str, vid: str) -> tuple:
        """(unit_code, mapping note). Tries the current name (also with the other tone placement,
        "Hòa" / "Hoà"), then the 2019 predecessors. `dcode` None: the whole (two-level) vintage."""
        v = self.vs[vid]
        mine = [u for u in v.communes.values() if dcode is None or u.district_code == dcode]
        hits = [u for u in mine if norm(u.name) == norm(name)]
        if not hits:
            hits = [u for u in mine if name_key(u.name)[0] == name_key(name)[0]]
            if len(hits) == 1:
                return hits[0].code, f"Source name '{name}' is written {hits[0].name} in the register"
        if len(hits) == 1:
            return hits[0].code, ""
        if not hits:
            hits = [u for u in mine if any(norm(pn) == norm(name) for _, pn in u.predecessors)]
            if len(hits) == 1:
                u = hits[0]
                pcode = next(pc for pc, pn in u.predecessors if norm(pn) == norm(name))
                parts = ", ".join(pn for _, pn in u.predecessors)
                return u.code, (f"Source name '{name}' (2019 unit {pcode}) is {u.name} in {vid}"
                                f" (formed from: {parts})")
        if not hits:
            raise BuildError(f"{where}: cannot resolve commune {name!r} in district {dcode} of vintage {vid}")
        raise BuildError(f"{where}: commune name {name!r} is ambiguous in district {dcode} of {vid}")


# ----------------------------------------------------------------------------- build
def _int(where: str, s: str, col: str) -> int:
    try:
        return int(s)
    except ValueError:
        raise BuildError(f"{where}: column {col}: not an integer: {s!r}") from None


def status_id(vid, code, year, level):
    return f"S-{vid}-{code}-{year}-{level}"


def build(src: Path, curated: Path) -> dict:
    vs = load_vintages(src)
    res = Resolver(vs, curated)
    files = {}

    # sources ---------------------------------------------------------------
    sfile = curated / "sources.csv"
    sources = [r for _, r in read_csv(sfile, SOURCE_COLS)]
    sids = set()
    for i, r in enumerate(sources, start=2):
        if not r["source_id"] or r["source_id"] in sids:
            raise BuildError(f"{sfile}:{i}: column source_id: empty or duplicate {r['source_id']!r}")
        sids.add(r["source_id"])

    # the date a source was issued or published (exact or approximate), for the targets' vintage
    source_day = {r["source_id"]: r["doc_date"] or r["published"] for r in sources}

    def check_source(where, sid):
        if sid not in sids:
            raise BuildError(f"{where}: column source_id: unknown source {sid!r}")

    # sourced status --------------------------------------------------------
    status = {}
    district_rules = []
    stfile = curated / "status.csv"
    for i, r in read_csv(stfile, ["province", "district", "commune", "admin_level", "year", "level",
                                  "criteria_set", "criteria_met", "criteria_total", "missing_criteria",
                                  "decision_no", "decision_date", "source_id", "xa_stated", "note"]):
        where = f"{stfile}:{i}"
        year = _int(where, r["year"], "year")
        pcode = res.province(where, r["province"], year)
        vid = vintage_for(vs, pcode, year)
        dcode = res.district(where, pcode, r["district"], vid)
        level = r["level"]
        note = r["note"]
        if r["admin_level"] == "commune":
            code, mapping = res.commune(where, dcode, r["commune"], vid)
            if level not in COMMUNE_LEVELS:
                raise BuildError(f"{where}: column level: {level!r} not a commune level")
            if vs[vid].communes[code].unit_type != "xã":
                raise BuildError(f"{where}: {r['commune']!r} is a {vs[vid].communes[code].unit_type}, not a xã")
            if mapping:
                note = f"{note}. {mapping}" if note else mapping
        elif r["admin_level"] == "district":
            code = dcode
            if level not in DISTRICT_LEVELS:
                raise BuildError(f"{where}: column level: {level!r} not a district level")
        else:
            raise BuildError(f"{where}: column admin_level: {r['admin_level']!r}")
        check_source(where, r["source_id"])
        if r["criteria_set"] and r["criteria_set"] not in CRITERIA_SETS:
            raise BuildError(f"{where}: column criteria_set: {r['criteria_set']!r}")
        group = r.get("commune_group", "")   # optional curated column
        if group not in COMMUNE_GROUPS or (group and r["criteria_set"] != "2026-2030"):
            raise BuildError(f"{where}: column commune_group: {group!r} (1, 2 or 3, on 2026-2030 records only)")
        # Provenance rule: official only with a decision number AND date.
        prov = "official" if r["decision_no"] and r["decision_date"] else "reported"
        rid = status_id(vid, code, year, level)
        if rid in status:
            raise BuildError(f"{where}: duplicate record (vintage, unit, year, level) = {rid}")
        status[rid] = {"record_id": rid, "vintage": vid, "unit_code": code,
                       "admin_level": r["admin_level"], "year": str(year), "level": level,
                       "criteria_set": r["criteria_set"], "criteria_met": r["criteria_met"],
                       "criteria_total": r["criteria_total"], "missing_criteria": r["missing_criteria"],
                       "decision_no": r["decision_no"], "decision_date": r["decision_date"],
                       "source_id": r["source_id"], "provenance": prov, "derived_from": "", "note": note,
                       "commune_group": group}
        if r["xa_stated"]:
            district_rules.append((where, rid, r["xa_stated"]))

    # aggregates ------------------------------------------------------------
    afile = curated / "aggregates.csv"
    aggs = {}
    for i, r in read_csv(afile, ["aggregate_id", "province", "district", "admin_level", "year", "as_of",
                                 "metric", "value", "denominator", "source_id", "provenance", "note"]):
        where = f"{afile}:{i}"
        year = _int(where, r["year"], "year")
        if r["admin_level"] == "national":
            area, avid = "VN", ""
        else:
            pcode = res.province(where, r["province"], year)
            # the unit set the figure counts: the register valid on its as-of date (the 169/169 xã
            # of 6/2025 are the pre-merger xã), else on 31 December of its year
            day = fuzzy_day(r["as_of"])
            avid = (vintage_on(vs, pcode, day) if day else None) or vintage_for(vs, pcode, year)
            area = pcode if r["admin_level"] == "province" else res.district(where, pcode, r["district"], avid)
        if r["metric"] not in AGG_METRICS:
            raise BuildError(f"{where}: column metric: {r['metric']!r}")
        if r["provenance"] not in PROVENANCE:
            raise BuildError(f"{where}: column provenance: {r['provenance']!r}")
        try:
            float(r["value"])
        except ValueError:
            raise BuildError(f"{where}: column value: {r['value']!r}") from None
        check_source(where, r["source_id"])
        if r["aggregate_id"] in aggs or r["aggregate_id"] in status:
            raise BuildError(f"{where}: duplicate aggregate_id {r['aggregate_id']!r}")
        aggs[r["aggregate_id"]] = {"aggregate_id": r["aggregate_id"], "area_code": area,
                                   "admin_level": r["admin_level"], "year": str(year),
                                   "as_of": r["as_of"], "metric": r["metric"], "value": r["value"],
                                   "denominator": r["denominator"], "source_id": r["source_id"],
                                   "provenance": r["provenance"], "note": r["note"], "vintage": avid}
        if r["metric"] == "share_standard" and not 0 <= float(r["value"]) <= 1:
            raise BuildError(f"{where}: column value: a share is a fraction in [0, 1], got {r['value']!r}")

    # derived status --------------------------------------------------------
    def best_at_or_before(vid, code, year):
        lv = [LEVEL_RANK[s["level"]] for s in status.values()
              if s["vintage"] == vid and s["unit_code"] == code and int(s["year"]) <= year
              and s["admin_level"] == "commune"]
        best = max(lv, default=-1)
        # Records of the older vintage reach this one through the 2019 predecessors
        # (a merger counts at the lowest level of its parts, as the metrics do).
        prev = PREVIOUS_VINTAGE.get(vid)
        preds = vs[vid].communes[code].predecessors if prev else []
        if preds:
            parts = [best_at_or_before(prev, pc, year) for pc, _ in preds]
            best = max(best, min(parts))
        return best

    def none_at_or_after(vid, code, year):
        return [s["record_id"] for s in status.values() if s["vintage"] == vid and s["unit_code"] == code
                and s["level"] == levels.NONE and int(s["year"]) >= year and s["provenance"] != "derived"]

    def derive(vid, code, year, basis, note, where):
        conflict = none_at_or_after(vid, code, year)
        if conflict:
            raise BuildError(f"{where}: derivation from {basis} contradicts {conflict}")
        if best_at_or_before(vid, code, year) >= LEVEL_RANK[levels.STANDARD]:
            return  # a record already says at least standard by then
        rid = status_id(vid, code, year, levels.STANDARD)
        status[rid] = {"record_id": rid, "vintage": vid, "unit_code": code, "admin_level": "commune",
                       "year": str(year), "level": levels.STANDARD, "criteria_set": "", "criteria_met": "",
                       "criteria_total": "", "missing_criteria": "", "decision_no": "",
                       "decision_date": "", "source_id": (status.get(basis) or aggs[basis])["source_id"],
                       "provenance": "derived", "derived_from": basis, "note": note}

    def xa_of(vid, dcode):
        return sorted(u.code for u in vs[vid].communes.values()
                      if u.district_code == dcode and u.unit_type == "xã")

    # Rules 2 and 3 (run first, so rule 1 sees their rows) come from curated/derivations.csv (both rest on a reported aggregate).
    dfile = curated / "derivations.csv"
    for i, r in read_csv(dfile, ["rule", "province", "district", "communes", "year", "basis",
                                 "none_year", "note"]):
        where = f"{dfile}:{i}"
        year = _int(where, r["year"], "year")
        basis = r["basis"]
        if basis not in aggs:
            raise BuildError(f"{where}: column basis: unknown aggregate {basis!r}")
        pcode = res.province(where, r["province"], year)
        vid = vintage_for(vs, pcode, year)
        dcode = res.district(where, pcode, r["district"], vid)
        if r["rule"] == "complement":
            # A count v/d for the district, and sourced `none` records naming exactly d - v xã:
            # every other xã is at least standard by `year`.
            a = aggs[basis]
            v, dn = int(float(a["value"])), int(a["denominator"])
            xa = xa_of(vid, dcode)
            ny = _int(where, r["none_year"], "none_year")
            named_none = sorted({s["unit_code"] for s in status.values() if s["vintage"] == vid
                                 and s["unit_code"] in xa and s["level"] == levels.NONE
                                 and int(s["year"]) == ny and s["provenance"] != "derived"})
            if len(xa) != dn or len(named_none) != dn - v:
                raise BuildError(f"{where}: counts disagree (register {len(xa)} xã, denominator {dn}, "
                                 f"{len(named_none)} named none vs {dn - v}); no derivation")
            for code in xa:
                if code not in named_none:
                    derive(vid, code, year, basis, r["note"], where)
        elif r["rule"] == "named":
            for name in [c.strip() for c in r["communes"].split(";") if c.strip()]:
                code, _ = res.commune(where, dcode, name, vid)
                derive(vid, code, year, basis, r["note"], where)
        else:
            raise BuildError(f"{where}: column rule: {r['rule']!r}")

    # Rule 1: district recognised in Y with n/n xã, n == register count => each xã standard by Y.
    for where, rid, stated in sorted(district_rules, key=lambda t: t[1]):
        d = status[rid]
        n, _, m = stated.partition("/")
        xa = xa_of(d["vintage"], d["unit_code"])
        if not (n == m and _int(where, n, "xa_stated") == len(xa)):
            raise BuildError(f"{where}: xa_stated {stated} does not match the {len(xa)} xã of "
                             f"{d['unit_code']} in {d['vintage']}; remove it or explain (no derivation)")
        for code in xa:
            derive(d["vintage"], code, int(d["year"]), rid,
                   f"Derived: district {d['unit_code']} recognised with {stated} xã NTM for {d['year']}"
                   f" ({d['decision_no'] or d['source_id']}) and the register has {len(xa)} xã", where)

    # targets ---------------------------------------------------------------
    tfile = curated / "targets.csv"
    targets = {}
    for i, r in read_csv(tfile, ["target_id", "scope", "province", "district", "commune", "admin_level",
                                 "level", "target_year", "target_share", "target_count", "source_id",
                                 "provenance", "note"]):
        where = f"{tfile}:{i}"
        year = _int(where, r["target_year"], "target_year")
        check_source(where, r["source_id"])
        if r["scope"] == "national":
            # a national comparison target (area VN, as the national aggregates): no vintage
            if r["province"] or r["district"] or r["commune"] or r["admin_level"] != "national":
                raise BuildError(f"{where}: a national target names no province, district or commune and has "
                                 f"admin_level 'national'")
            targets[r["target_id"]] = {"target_id": r["target_id"], "scope": "national", "vintage": "",
                                       "unit_code": "VN", "admin_level": "national", "level": r["level"],
                                       "target_year": str(year), "target_share": r["target_share"],
                                       "target_count": r["target_count"], "source_id": r["source_id"],
                                       "provenance": r["provenance"], "note": r["note"]}
            continue
        pcode = res.province(where, r["province"], year)
        vid = vintage_for(vs, pcode, year)
        # A target names the units in force when it was set: kept on them while they are still
        # valid during the target year (the 2021–2025 plan's "by 2025" on the 2020–2024 units).
        set_day = fuzzy_day(source_day.get(r["source_id"], ""))
        set_vid = vintage_on(vs, pcode, set_day) if set_day else None
        if set_vid and set_vid != vid and vs[set_vid].valid_during(year):
            vid = set_vid
        base = {"scope": r["scope"], "vintage": vid, "admin_level": r["admin_level"], "level": r["level"],
                "target_year": str(year), "target_share": r["target_share"],
                "target_count": r["target_count"], "source_id": r["source_id"],
                "provenance": r["provenance"], "note": r["note"]}
        if r["level"] and r["level"] not in DISTRICT_LEVELS:
            raise BuildError(f"{where}: column level: {r['level']!r}")
        if r["target_share"] and not 0 <= float(r["target_share"]) <= 1:
            raise BuildError(f"{where}: column target_share: {r['target_share']!r} not in [0, 1]")
        if r["scope"] == "district" and r["district"] == "*":
            # "every district": one target per district-level unit of the vintage
            for dcode in sorted(vs[vid].districts):
                tid = f"{r['target_id']}-{dcode}"
                targets[tid] = {"target_id": tid, "unit_code": dcode, **base}
            continue
        if r["scope"] == "province":
            code = pcode
        elif r["scope"] == "district":
            code = res.district(where, pcode, r["district"], vid)
        elif r["scope"] == "unit":
            dcode = res.district(where, pcode, r["district"], vid)
            code, mapping = res.commune(where, dcode, r["commune"], vid)
            if mapping:
                base["note"] = f"{base['note']}. {mapping}"
        else:
            raise BuildError(f"{where}: column scope: {r['scope']!r}")
        if r["target_id"] in targets:
            raise BuildError(f"{where}: duplicate target_id {r['target_id']!r}")
        targets[r["target_id"]] = {"target_id": r["target_id"], "unit_code": code, **base}

    # A derived recognition earlier than a sourced target year is a conflict worth showing.
    for srow in status.values():
        if srow["provenance"] != "derived":
            continue
        later = sorted(t["target_id"] for t in targets.values()
                       if t["scope"] == "unit" and t["vintage"] == srow["vintage"]
                       and t["unit_code"] == srow["unit_code"] and t["level"] == levels.STANDARD
                       and int(t["target_year"]) > int(srow["year"]))
        if later:
            srow["note"] += (f". Conflict kept: target(s) {', '.join(later)} aimed for a later year; the"
                             f" district-level statement implies the xã was NTM by {srow['year']}")

    files["sources.csv"] = _csv(SOURCE_COLS, sorted((_exact_dates(r) for r in sources),
                                                    key=lambda r: r["source_id"]))
    files["status.csv"] = _csv(STATUS_COLS, sorted(
        status.values(), key=lambda r: (r["vintage"], r["admin_level"], r["unit_code"], int(r["year"]),
                                        LEVEL_RANK[r["level"]], r["level"])))
    files["aggregates.csv"] = _csv(AGG_COLS, sorted(
        aggs.values(), key=lambda r: (r["area_code"], int(r["year"]), r["metric"], r["aggregate_id"])))
    files["targets.csv"] = _csv(TARGET_COLS, sorted(targets.values(), key=lambda r: r["target_id"]))
    return files


def _exact_dates(r: dict) -> dict:
    """The contract wants YYYY-MM-DD or empty; approximate dates ("~2021-01") move to the note."""
    r = dict(r)
    for col in ("doc_date", "published"):
        v = r[col]
        if v and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            r["note"] = (r["note"] + "; " if r["note"] else "") + f"{col} (approximate): {v}"
            r[col] = ""
    return r


def _csv(cols, rows) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: nfc(r.get(c, "")) for c in cols})
    return buf.getvalue().encode("utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default=str(REPO.parent / "shared" / "geodata"),
                    help="shared geodata folder (default ../shared/geodata)")
    ap.add_argument("--curated", default=str(CURATED))
    ap.add_argument("--out", default=str(REPO / "geodata" / "records"))
    a = ap.parse_args(argv)
    try:
        files = build(Path(a.source), Path(a.curated))
    except BuildError as e:
        print(f"build_records: ERROR {e}", file=sys.stderr)
        return 1
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():   # everything was built before anything is written
        (out / name).write_bytes(data)
        rows = data.count(b"\n") - 1
        print(f"wrote {out / name} ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
