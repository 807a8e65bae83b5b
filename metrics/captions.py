"""One-sentence headlines in Vietnamese and English, every number computed.

Shape (vi): "Năm 2022: 177/181 xã đạt chuẩn NTM (97,8%, suy ra từ báo cáo); 4 xã của huyện
Hương Khê chưa đạt (địa giới 42-2020)". The sentence names the year, the denominator and the
boundary vintage, and says when the count rests on a reported aggregate or on derived or
illustrative records.
"""
from __future__ import annotations

from collections import Counter

from .fmt import format_number, format_percent

LEVEL_VI = {"standard": "đạt chuẩn NTM", "advanced": "đạt chuẩn NTM nâng cao",
            "model": "đạt chuẩn NTM kiểu mẫu"}
LEVEL_EN = {"standard": "met the NTM standard", "advanced": "met the advanced NTM standard",
            "model": "met the model NTM standard"}
NOT_VI = {"standard": "chưa đạt", "advanced": "chưa đạt nâng cao", "model": "chưa đạt kiểu mẫu"}
NOT_EN = {"standard": "not yet", "advanced": "not yet advanced", "model": "not yet model"}
TYPE_EN = {"huyện": "district", "thị xã": "town", "thành phố": "city", "tỉnh": "province"}


def split_type(name: str, unit_type: str | None) -> str:
    """'Huyện Hương Khê' -> 'Hương Khê' (the register's names carry their type prefix)."""
    if not isinstance(name, str):
        return ""
    if unit_type and name.lower().startswith(unit_type.lower() + " "):
        return name[len(unit_type) + 1:]
    for t in ("Huyện ", "Thị xã ", "Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Thị trấn "):
        if name.startswith(t):
            return name[len(t):]
    return name


def area_vi(name, unit_type) -> str:
    return f"{unit_type} {split_type(name, unit_type)}" if unit_type else name


def area_en(name, unit_type) -> str:
    t = TYPE_EN.get(unit_type)
    return f"{split_type(name, unit_type)} {t}" if t else split_type(name, unit_type)


def qualifier(basis: str, provenance: str | None, lang: str) -> str:
    vi = lang == "vi"
    if provenance == "illustrative":
        return "dữ liệu minh họa" if vi else "illustrative data"
    if basis == "reported":
        if provenance == "derived":
            return "suy ra từ báo cáo" if vi else "derived from reports"
        return "theo báo cáo" if vi else "as reported"
    if provenance == "derived":
        return "có số liệu suy ra" if vi else "partly derived"
    return ""


def headline(year: int, vintage: str, reached: int, denominator: int, basis: str, provenance: str | None,
             below: list[tuple[str, str | None]], unknown: int, lang: str, level: str = "standard",
             area: tuple[str, str | None] | None = None) -> str:
    """``below``: (district name, district type) of each xã with a known level below ``level``;
    ``unknown``: eligible xã without a record (quoted when the count is computed)."""
    vi = lang == "vi"
    share = reached / denominator if denominator else None
    q = qualifier(basis, provenance, lang)
    pct = format_percent(share, lang) + (f", {q}" if q else "")
    n = f"{format_number(reached, lang)}/{format_number(denominator, lang)}"
    k = len(below)
    by_d = Counter(below)
    if vi:
        head = f"Năm {year}" + (f" ({area_vi(*area)})" if area else "")
        s = f"{head}: {n} xã {LEVEL_VI[level]} ({pct})"
        if k:
            if len(by_d) == 1 and not area:
                s += f"; {k} xã của {area_vi(*next(iter(by_d)))} {NOT_VI[level]}"
            elif area:
                s += f"; {k} xã {NOT_VI[level]}"
            else:
                parts = ", ".join(f"{split_type(d, t)} {c}" for (d, t), c in sorted(by_d.items(), key=lambda x: -x[1]))
                s += f"; {k} xã {NOT_VI[level]} ({parts})"
        if unknown and basis != "reported":
            s += f"; {format_number(unknown, lang)} xã chưa có dữ liệu"
        return s + f" (địa giới {vintage})."
    head = f"{year}" + (f" ({area_en(*area)})" if area else "")
    s = f"{head}: {n} communes (xã) {LEVEL_EN[level]} ({pct})"
    if k:
        word = "commune" if k == 1 else "communes"
        if len(by_d) == 1 and not area:
            s += f"; {k} {word} of {area_en(*next(iter(by_d)))} {NOT_EN[level]}"
        elif area:
            s += f"; {k} {word} {NOT_EN[level]}"
        else:
            parts = ", ".join(f"{split_type(d, t)} {c}" for (d, t), c in sorted(by_d.items(), key=lambda x: -x[1]))
            s += f"; {k} {word} {NOT_EN[level]} ({parts})"
    if unknown and basis != "reported":
        s += f"; {format_number(unknown, lang)} without a record"
    return s + f" ({vintage} boundaries)."
