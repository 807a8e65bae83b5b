"""Administrative levels, unit types and who is assessed on which ladder.

Only xã are assessed against the commune NTM criteria; phường, thị trấn and đặc khu are
urban or special units: "not applicable" on the commune map, never in a denominator.
Huyện are recognised on the district ladder; thị xã and thành phố "complete the NTM task".
Since 1/7/2025 there is no district level (a two-level vintage has no districts).
"""
from __future__ import annotations

import re
import unicodedata

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"
ADMIN_LEVELS = (PROVINCE, DISTRICT, COMMUNE)

XA = "xã"
COMMUNE_TYPES = (XA, "phường", "thị trấn", "đặc khu")
DISTRICT_TYPES = ("huyện", "thị xã", "thành phố", "quận")
PROVINCE_TYPES = ("tỉnh", "thành phố")

COMMUNE_ELIGIBLE = XA
DISTRICT_LADDER_TYPES = frozenset({"huyện"})
DISTRICT_COMPLETED_TYPES = frozenset({"thị xã", "thành phố"})

# Name prefixes, longest first (a name carries its type: "Xã Hương Lâm", "Thị xã Kỳ Anh").
TYPE_PREFIXES = (("Thị trấn", "thị trấn"), ("Thị xã", "thị xã"), ("Thành phố", "thành phố"),
                 ("Đặc khu", "đặc khu"), ("Phường", "phường"), ("Huyện", "huyện"),
                 ("Quận", "quận"), ("Tỉnh", "tỉnh"), ("Xã", "xã"))
# Short map labels of district-level names ("Thị xã Kỳ Anh" → "TX Kỳ Anh", "Huyện Kỳ Anh" → "Kỳ Anh").
SHORT_PREFIXES = (("Huyện ", ""), ("Thị xã ", "TX "), ("Thành phố ", "TP "), ("Quận ", "Q. "))


def is_eligible_commune(unit_type) -> bool:
    """Assessed on the commune NTM ladder (and counted in its denominators)."""
    return unit_type == COMMUNE_ELIGIBLE


def district_ladder_kind(unit_type) -> str:
    """"completed_task" for thị xã / thành phố, else "district_ntm" (huyện)."""
    return "completed_task" if unit_type in DISTRICT_COMPLETED_TYPES else "district_ntm"


def nfc(s) -> str:
    """NFC text with single spaces (names are always stored this way)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(s))).strip()


def type_from_name(name: str) -> str:
    """The unit type a name's prefix gives ("Xã Hà Linh" → "xã"); ValueError without one."""
    n = nfc(name)
    for prefix, unit_type in TYPE_PREFIXES:
        if n.startswith(prefix + " "):
            return unit_type
    raise ValueError(f"no type prefix in unit name {name!r}")


def bare_name(name: str) -> str:
    """The name without its type prefix ("Xã Hà Linh" → "Hà Linh")."""
    n = nfc(name)
    for prefix, _ in TYPE_PREFIXES:
        if n.startswith(prefix + " "):
            return n[len(prefix) + 1:]
    return n


def short_label(name: str) -> str:
    for prefix, short in SHORT_PREFIXES:
        if name.startswith(prefix):
            return short + name[len(prefix):]
    return name
