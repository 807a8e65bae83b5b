"""Unit matching: GSO code first, else a canonical name within a district.

Only canonicalisations that cannot change which unit is meant are applied
automatically (Unicode form, case, type prefix, spacing, old/new tone-mark
placement, Kỳ/Kì-style i/y, roman "I" vs "1"). Pre-merger names resolve through
the crosswalk with a warning. rapidfuzz is used only to suggest ("did you
mean …") in an error, never to match.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from domain.names import fold, search
from domain.units import bare_name
from domain.vintages import Vintage, province_vintages, valid_on, vintages_from

from .messages import Msg, err, part, warn

TONES = {"\u0300": "f", "\u0301": "s", "\u0303": "x", "\u0309": "r", "\u0323": "j"}
VOWELS = set("aeiouy")
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}

COMMUNE_PREFIXES = (
    ("thị trấn", "thị trấn"), ("thi tran", "thị trấn"), ("t.trấn", "thị trấn"), ("tt.", "thị trấn"),
    ("tt", "thị trấn"), ("phường", "phường"), ("phuong", "phường"), ("p.", "phường"),
    ("xã", "xã"), ("x.", "xã"),  # not bare "xa": "Xa Lộc" is a name
)
DISTRICT_PREFIXES = (
    ("thành phố", "thành phố"), ("thanh pho", "thành phố"), ("tp.", "thành phố"), ("tp", "thành phố"),
    ("thị xã", "thị xã"), ("thi xa", "thị xã"), ("tx.", "thị xã"), ("tx", "thị xã"),
    ("huyện", "huyện"), ("huyen", "huyện"), ("h.", "huyện"),
)


def nfc(s) -> str:
    return unicodedata.normalize("NFC", str(s)) if s is not None else ""


def _syllable_key(syl: str) -> str:
    """Move the tone mark of one syllable to the end, so 'Thuỷ' == 'Thủy', 'Hoà' == 'Hòa'."""
    decomposed = unicodedata.normalize("NFD", syl)
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in TONES:
            tone = TONES[ch]
        else:
            kept.append(ch)
    base = unicodedata.normalize("NFC", "".join(kept))
    plain = "".join(c for c in unicodedata.normalize("NFD", base) if not unicodedata.combining(c))
    # Kỳ/Kì, Lý/Lí, Mỹ/Mĩ: a lone 'y' after consonants is the same vowel as 'i'.
    if plain.endswith("y") and len(plain) > 1 and not (VOWELS & set(plain[:-1])):
        base = base[:-1] + "i"
    return base + (tone and "_" + tone)


def strip_prefix(name: str, prefixes) -> tuple[str, str | None]:
    low = nfc(name).strip().casefold()
    for p, kind in prefixes:
        if low.startswith(p) and (p.endswith(".") or len(low) == len(p) or not low[len(p)].isalnum()):
            return low[len(p):].strip(" .-"), kind
    return low, None


@lru_cache(maxsize=65536)   # a table repeats its district names on every row
def name_key(name, prefixes=COMMUNE_PREFIXES) -> tuple[str, str | None]:
    """Canonical key of a unit name and the unit type its prefix names (or None)."""
    rest, kind = strip_prefix(name, prefixes)
    rest = re.sub(r"[\s.\-–_,()]+", " ", rest).strip()
    tokens = rest.split(" ") if rest else []
    if tokens and tokens[-1] in ROMAN:
        tokens[-1] = ROMAN[tokens[-1]]
    return " ".join(_syllable_key(t) for t in tokens), kind


def district_key(name):
    return name_key(name, DISTRICT_PREFIXES)


def vintage_for(province_code: str, on: date, register: "Register") -> str | None:
    """The boundary vintage of a province valid on a date (the store's vintages table)."""
    v = valid_on(register.validity, province_code, on)
    return v.vintage if v is not None else None


@dataclass
class Unit:
    vintage: str
    unit_code: str
    admin_level: str
    name: str
    unit_type: str
    parent_code: str
    province_code: str


@dataclass
class Match:
    unit: Unit | None
    warnings: list = field(default_factory=list)       # [Msg]
    error: Msg | None = None
    suggestions: list | None = None                   # None: not computed

    @property
    def error_vi(self) -> str:
        return self.error.vi if self.error else ""

    @property
    def error_en(self) -> str:
        return self.error.en if self.error else ""


class Register:
    """Units of every vintage + crosswalk, indexed for matching."""

    def __init__(self, units: list[Unit], crosswalk: list[dict], validity: list[Vintage] | None = None):
        self.validity = list(validity or [])
        self.by_code: dict[tuple[str, str], Unit] = {}
        self.communes: dict[tuple[str, str, str], list[Unit]] = {}   # (vintage, district, key)
        self.communes_any: dict[tuple[str, str], list[Unit]] = {}    # (vintage, key)
        self.districts: dict[tuple[str, str], list[Unit]] = {}       # (vintage, key)
        self.code_vintages: dict[str, list[str]] = {}                # code -> the vintages that have it
        self._pools: dict = {}                                       # suggestion pools per (vintage, district)
        for u in units:
            self.by_code[(u.vintage, u.unit_code)] = u
            self.code_vintages.setdefault(u.unit_code, []).append(u.vintage)
            if u.admin_level == "commune":
                k, _ = name_key(u.name)
                self.communes.setdefault((u.vintage, u.parent_code, k), []).append(u)
                self.communes_any.setdefault((u.vintage, k), []).append(u)
            elif u.admin_level == "district":
                k, _ = district_key(u.name)
                self.districts.setdefault((u.vintage, k), []).append(u)
        # (vintage, code) -> [(to_vintage, to_code, relation, part)]; a ceased unit has no to_code.
        self.successor: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
        self.ceased_to: dict[tuple[str, str], str] = {}   # (vintage, code) -> the vintage it ceased on
        for row in crosswalk:
            if not row.get("to_code"):
                if (row.get("relation") or "") == "ceased":
                    self.ceased_to[(str(row["from_vintage"]), str(row["from_code"]))] = str(row["to_vintage"])
                continue
            self.successor.setdefault((str(row["from_vintage"]), str(row["from_code"])), []).append(
                (str(row["to_vintage"]), str(row["to_code"]), row.get("relation") or "", row.get("part") or "full"))
        self.vintages = sorted({u.vintage for u in units})
        self._with_districts = {u.vintage for u in units if u.admin_level == "district"}

    @classmethod
    def from_engine(cls, engine) -> "Register":
        from sqlalchemy import text
        with engine.connect() as c:
            units = [Unit(*(str(x) if x is not None else "" for x in r)) for r in c.execute(text(
                "SELECT vintage, unit_code, admin_level, name, unit_type, parent_code, province_code FROM units"))]
            cw = [dict(r._mapping) for r in c.execute(text("SELECT * FROM crosswalk"))]
            validity = vintages_from(dict(r._mapping) for r in c.execute(text(
                "SELECT vintage, province_code, province_name, valid_from, valid_to, n_communes, n_districts, "
                "layer FROM vintages")))
        return cls(units, cw, validity)

    def vintage_province(self, vintage: str) -> str | None:
        v = next((v.province_code for v in self.validity if v.vintage == vintage), None)
        if v is None:
            u = next((u for (vv, _), u in self.by_code.items() if vv == vintage), None)
            v = u.province_code if u else None
        return v

    def provinces_of_code(self, code) -> set[str]:
        """Provinces whose registers (any vintage) have this code: a code alone names no unit."""
        return {self.by_code[(v, str(code))].province_code for v in self.code_vintages.get(str(code), ())}

    def has_districts(self, vintage: str) -> bool:
        """False for a two-level vintage (no district level since 1/7/2025)."""
        v = next((v for v in self.validity if v.vintage == vintage), None)
        if v is not None and (v.n_districts or vintage in self._with_districts):
            return True
        return vintage in self._with_districts

    def province_successor(self, province: str, on: date) -> str | None:
        """The province a ceased province became part of, on a day (the crosswalk of its own unit:
        10-2009 "10" → 15-2025 "15")."""
        for v in self.province_vintages(province):
            for to_v, to_c, _rel, _part in self.successor.get((v, province), []):
                vv = self.validity_of(to_v)
                if vv is not None and vv.valid_on(on):
                    return to_c
        return None

    def validity_of(self, vintage: str) -> Vintage | None:
        return next((v for v in self.validity if v.vintage == vintage), None)

    def start_day(self, vintage: str) -> str:
        """The first day of a register as messages write it ("1/7/2025"), else the vintage."""
        start = self.validity_of(vintage)
        return (f"{start.valid_from.day}/{start.valid_from.month}/{start.valid_from.year}"
                if start and start.valid_from else vintage)

    def successors(self, old_vintage: str, code: str, target: str, hops: int = 3) -> list[tuple[Unit, str]]:
        """The units of ``target`` an old unit became (part of), following the crosswalk chain
        (2019 → 2020 → 1/7/2025): [(unit, part)], part "partial" when any link is partial."""
        out, frontier = {}, [(old_vintage, code, "full")]
        for _ in range(hops):
            nxt = []
            for v, c, part in frontier:
                for to_v, to_c, _rel, p in self.successor.get((v, c), []):
                    whole = "partial" if "partial" in (part, p) else "full"
                    if to_v == target and (target, to_c) in self.by_code:
                        out[to_c] = "full" if "full" in (whole, out.get(to_c)) else "partial"
                    elif to_v != v:
                        nxt.append((to_v, to_c, whole))
            frontier = nxt
        return [(self.by_code[(target, c)], p) for c, p in sorted(out.items())]

    def ceased(self, vintage: str, old: Unit) -> Msg | None:
        """The error for an old unit named on a two-level register it is no longer on: it ceased
        when the register began and is part of …"""
        new = self.successors(old.vintage, old.unit_code, vintage)
        if not new:
            return None
        day = self.start_day(vintage)
        into = [f"{u.unit_code} {u.name}" + (" *" if p == "partial" else "") for u, p in new]
        return err("ceased", code=old.unit_code, name=bare_name(old.name), day=day, into=into,
                   partial=part("partial_note") if any(p == "partial" for _, p in new) else part("nothing"))

    def _older_units(self, vintage: str, code: str) -> list[Unit]:
        """The units with this code on the province's earlier vintages, newest first."""
        prov = self.vintage_province(vintage)
        mine = self.validity_of(vintage)
        out = []
        for v in reversed(self.province_vintages(prov)):
            vv = self.validity_of(v)
            if v == vintage or (mine and vv and mine.valid_from and vv.valid_from and vv.valid_from >= mine.valid_from):
                continue
            if (v, code) in self.by_code:
                out.append(self.by_code[(v, code)])
        for v in self.code_vintages.get(code, ()):   # another province's register (a merged province)
            u = self.by_code[(v, code)]
            if v != vintage and u not in out and (self.successor.get((v, code)) or (v, code) in self.ceased_to):
                out.append(u)
        return out

    def code_error(self, vintage: str, code: str) -> Msg:
        """Why a code is not a unit of this vintage: an old unit that ceased (naming what it became
        part of), or a code in no register of the year."""
        if not self.has_districts(vintage):
            for old in self._older_units(vintage, code):
                m = self.ceased(vintage, old)
                if m is not None:
                    return m
                if self.ceased_to.get((old.vintage, old.unit_code)) == vintage:   # a district: no level any more
                    return err("level_ceased", code=code, name=old.name, day=self.start_day(vintage))
        return err("unknown_code", code=code, vintage=vintage)

    def province_vintages(self, province_code):
        """The province's vintages, oldest first (from the vintages table)."""
        return [v.vintage for v in province_vintages(self.validity, province_code)]

    def units_of(self, vintage):
        return [u for (v, _), u in self.by_code.items() if v == vintage]

    # --- districts -------------------------------------------------------
    def find_district(self, vintage: str, name) -> list[Unit]:
        k, kind = district_key(name)
        found = self.districts.get((vintage, k), [])
        if kind and len(found) > 1:
            found = [u for u in found if u.unit_type == kind] or found
        return found

    # --- communes --------------------------------------------------------
    def match_commune(self, vintage: str, name, district: Unit | None = None, suggest: bool = True) -> Match:
        key, kind = name_key(name)
        if not key:
            return Match(None, error=err("empty_name"))
        if district is not None:
            found = self.communes.get((vintage, district.unit_code, key), [])
        else:
            found = self.communes_any.get((vintage, key), [])
        if kind and len(found) > 1:
            found = [u for u in found if u.unit_type == kind] or found
        if len(found) == 1:
            return Match(found[0])
        if len(found) > 1:
            where = ", ".join(f"{u.name} ({u.unit_code}, {self._district_name(u)})" for u in found)
            return Match(None, error=err("ambiguous_name", where=where))
        old = self._pre_merger(vintage, key, district)
        if old is not None:
            return old
        # Unknown: suggest, never match.
        sugg = self.suggest(vintage, name, district) if suggest else None
        q = fold(strip_prefix(name, COMMUNE_PREFIXES)[0])
        exact = any(fold(strip_prefix(n, COMMUNE_PREFIXES)[0]) == q for n in sugg or [])
        former, day = self.suggest_former(vintage, name) if suggest and not exact else ([], "")
        # A close name of a unit that ceased (not one carried over under the same name): say what it
        # became part of, and offer that unit.
        former = [(old, into) for old, into in former if old.name not in (sugg or [])]
        shown = list(sugg or [])
        for _, into in former:
            sugg = list(sugg or [])
            sugg += [u.name for u in into if u.name not in sugg]
        return Match(None, suggestions=sugg, error=err(
            "unknown_name", name=nfc(name), vintage=vintage,
            where=part("in_district", district=district.name) if district else part("nothing"),
            did_you_mean=part("did_you_mean", names=shown) if shown else part("nothing"),
            former=part("did_you_mean_former", day=day, names=[
                f"{old.name} → " + " + ".join(f"{u.unit_code} {u.name}" for u in into) for old, into in former])
            if former else part("nothing")))

    def suggest_former(self, vintage: str, name, limit: int = 2) -> tuple[list[tuple[Unit, list[Unit]]], str]:
        """On a two-level register: units of the province's earlier (district) registers whose name
        is close to ``name`` (the same search as ``suggest``), each with the units of ``vintage`` it
        became part of, and the day the register began. Empty on a register with districts."""
        if self.has_districts(vintage):
            return [], ""
        key = ("former", vintage)
        if key not in self._pools:
            prov = self.vintage_province(vintage)
            older = [v for v in self.vintages if v != vintage and self.has_districts(v)
                     and prov in (self.vintage_province(v), self.province_successor_of(v))]
            newest_first = sorted(older, key=lambda v: getattr(self.validity_of(v), "valid_from", None) or date.min,
                                  reverse=True)
            pool, seen = [], set()
            for v in newest_first:
                for (vv, _), u in self.by_code.items():
                    if vv != v or u.admin_level != "commune":
                        continue
                    into = [n for n, _p in self.successors(v, u.unit_code, vintage)]
                    sig = (u.name, tuple(n.unit_code for n in into))
                    if into and sig not in seen:
                        seen.add(sig)
                        pool.append((u, into))
            self._pools[key] = (pool, [{"name": u.name, "district_name": "", "i": i} for i, (u, _) in enumerate(pool)],
                                {i: fold(strip_prefix(u.name, COMMUNE_PREFIXES)[0]) for i, (u, _) in enumerate(pool)})
        pool, rows, folded = self._pools[key]
        if not pool:
            return [], ""
        picked = [r["i"] for r in search(nfc(name), rows, limit=limit)]
        query = fold(strip_prefix(name, COMMUNE_PREFIXES)[0])
        for _choice, score, i in process.extract(query, folded, scorer=fuzz.ratio, limit=limit + len(picked)):
            if score >= 85 and i not in picked:     # a typo of the whole name, not a shared word
                picked.append(i)
        return [pool[i] for i in picked[:limit]], self.start_day(vintage)

    def province_successor_of(self, vintage: str) -> str | None:
        """The province a vintage's province became part of (the crosswalk of the province's own
        unit, 10-2009 "10" → 15-2025 "15"), or None."""
        prov = self.vintage_province(vintage)
        for to_v, to_c, _rel, _part in self.successor.get((vintage, prov), []):
            if to_c != prov:
                return to_c
        return None

    def _pre_merger(self, vintage, key, district) -> Match | None:
        """A name of an older vintage of the province, followed through the crosswalk."""
        for old in self.province_vintages(self.vintage_province(vintage)):
            if old == vintage:
                continue
            olds = []
            if district is not None:
                for d_old in self.find_district(old, district.name):
                    olds += self.communes.get((old, d_old.unit_code, key), [])
            else:
                olds = self.communes_any.get((old, key), [])
            if len(olds) == 1:
                if not self.has_districts(vintage) and self.has_districts(old):
                    # The 1/7/2025 reform: the old unit ceased; its status does not carry over.
                    m = self.ceased(vintage, olds[0])
                    if m is not None:
                        return Match(None, error=m, suggestions=[])
                targets = [t for t in self.successor.get((old, olds[0].unit_code), []) if t[0] == vintage]
                if len(targets) == 1 and (vintage, targets[0][1]) in self.by_code:
                    new = self.by_code[(vintage, targets[0][1])]
                    return Match(new, warnings=[warn("pre_merger_name", name=olds[0].name, old_vintage=old,
                                                     relation=targets[0][2], unit=new.name, code=new.unit_code)])
        return None

    def suggest(self, vintage: str, name, district: Unit | None = None, limit: int = 3) -> list[str]:
        """"Did you mean" names: the map's search first (no diacritics, other case, a prefix),
        then close spellings (typos)."""
        pool_key = (vintage, district.unit_code if district else None)
        if pool_key not in self._pools:
            pool = [u for (v, _), u in self.by_code.items() if v == vintage and u.admin_level == "commune"
                    and (district is None or u.parent_code == district.unit_code)]
            rows = [{"name": u.name, "district_name": ""} for u in pool]
            self._pools[pool_key] = (rows, {fold(strip_prefix(u.name, COMMUNE_PREFIXES)[0]): u.name for u in pool})
        rows, folded = self._pools[pool_key]
        out = [r["name"] for r in search(nfc(name), rows, limit=limit)]
        query = fold(strip_prefix(name, COMMUNE_PREFIXES)[0])
        for choice, score, _ in process.extract(query, list(folded), scorer=fuzz.WRatio, limit=limit + len(out)):
            if score >= 75 and folded[choice] not in out:
                out.append(folded[choice])
        return out[:limit]

    def match_code(self, vintage: str, code) -> Unit | None:
        return self.by_code.get((vintage, str(code).strip()))

    def _district_name(self, u: Unit) -> str:
        d = self.by_code.get((u.vintage, u.parent_code))
        return d.name if d else u.parent_code
