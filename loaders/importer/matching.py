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

from domain.vintages import Vintage, province_vintages, valid_on, vintages_from

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
    warnings: list = field(default_factory=list)
    error_vi: str = ""
    error_en: str = ""
    hint_vi: str = ""
    hint_en: str = ""
    suggestions: list = field(default_factory=list)


class Register:
    """Units of every vintage + crosswalk, indexed for matching."""

    def __init__(self, units: list[Unit], crosswalk: list[dict], validity: list[Vintage] | None = None):
        self.validity = list(validity or [])
        self.code_province: dict[str, str] = {}
        self.by_code: dict[tuple[str, str], Unit] = {}
        self.communes: dict[tuple[str, str, str], list[Unit]] = {}   # (vintage, district, key)
        self.communes_any: dict[tuple[str, str], list[Unit]] = {}    # (vintage, key)
        self.districts: dict[tuple[str, str], list[Unit]] = {}       # (vintage, key)
        for u in units:
            self.by_code[(u.vintage, u.unit_code)] = u
            self.code_province[u.unit_code] = u.province_code
            if u.admin_level == "commune":
                k, _ = name_key(u.name)
                self.communes.setdefault((u.vintage, u.parent_code, k), []).append(u)
                self.communes_any.setdefault((u.vintage, k), []).append(u)
            elif u.admin_level == "district":
                k, _ = district_key(u.name)
                self.districts.setdefault((u.vintage, k), []).append(u)
        self.successor: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for row in crosswalk:
            self.successor.setdefault((row["from_vintage"], row["from_code"]), []).append(
                (row["to_vintage"], row["to_code"], row.get("relation") or ""))
        self.vintages = sorted({u.vintage for u in units})

    @classmethod
    def from_engine(cls, engine) -> "Register":
        from sqlalchemy import text
        with engine.connect() as c:
            units = [Unit(*(str(x) if x is not None else "" for x in r)) for r in c.execute(text(
                "SELECT vintage, unit_code, admin_level, name, unit_type, parent_code, province_code FROM units"))]
            cw = [dict(r._mapping) for r in c.execute(text(
                "SELECT from_vintage, from_code, to_vintage, to_code, relation FROM crosswalk"))]
            validity = vintages_from(dict(r._mapping) for r in c.execute(text(
                "SELECT vintage, province_code, province_name, valid_from, valid_to, n_communes, n_districts, "
                "layer FROM vintages")))
        return cls(units, cw, validity)

    def vintage_province(self, vintage: str) -> str | None:
        return next((v.province_code for v in self.validity if v.vintage == vintage), None)

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
    def match_commune(self, vintage: str, name, district: Unit | None = None) -> Match:
        key, kind = name_key(name)
        if not key:
            return Match(None, error_vi="Tên đơn vị trống", error_en="Empty unit name",
                         hint_vi="Nhập tên xã hoặc mã GSO", hint_en="Enter the commune name or its GSO code")
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
            return Match(None, error_vi=f"Tên không rõ ràng: {where}", error_en=f"Ambiguous name: {where}",
                         hint_vi="Thêm cột huyện hoặc mã GSO (unit_code)",
                         hint_en="Add the district column or the GSO code (unit_code)")
        # Pre-merger name: look in the province's older vintages, follow the crosswalk.
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
                targets = [t for t in self.successor.get((old, olds[0].unit_code), []) if t[0] == vintage]
                if len(targets) == 1 and (vintage, targets[0][1]) in self.by_code:
                    new = self.by_code[(vintage, targets[0][1])]
                    rel = targets[0][2]
                    return Match(new, warnings=[(
                        f"'{nfc(name)}' là tên cũ (vintage {old}); {rel} → {new.name} ({new.unit_code}) — hãy kiểm tra",
                        f"'{nfc(name)}' is a pre-merger name (vintage {old}); {rel} → {new.name} ({new.unit_code}) — please check")])
        # Unknown: suggest, never match.
        pool = [u for (v, _), u in self.by_code.items() if v == vintage and u.admin_level == "commune"
                and (district is None or u.parent_code == district.unit_code)]
        choices = {strip_prefix(u.name, COMMUNE_PREFIXES)[0]: u.name for u in pool}
        query = strip_prefix(name, COMMUNE_PREFIXES)[0]
        sugg = [choices[c] for c, score, _ in process.extract(query, list(choices), scorer=fuzz.WRatio, limit=3)
                if score >= 75]
        scope_vi = f" trong {district.name}" if district else ""
        scope_en = f" in {district.name}" if district else ""
        dym_vi = f" Có phải: {', '.join(sugg)}?" if sugg else ""
        dym_en = f" Did you mean: {', '.join(sugg)}?" if sugg else ""
        return Match(None, suggestions=sugg,
                     error_vi=f"Không tìm thấy đơn vị '{nfc(name)}'{scope_vi} (danh mục {vintage}).{dym_vi}",
                     error_en=f"Unknown unit '{nfc(name)}'{scope_en} (register {vintage}).{dym_en}",
                     hint_vi="Sửa tên theo danh mục hành chính hoặc nhập mã GSO",
                     hint_en="Correct the name to the official register or give the GSO code")

    def match_code(self, vintage: str, code) -> Unit | None:
        return self.by_code.get((vintage, str(code).strip()))

    def _district_name(self, u: Unit) -> str:
        d = self.by_code.get((u.vintage, u.parent_code))
        return d.name if d else u.parent_code
