"""One-sentence headlines in Vietnamese and English, every number computed.

Shape (vi): "Năm 2022: 177/181 xã đạt chuẩn NTM (97,8%, suy ra từ báo cáo); 4 xã của huyện
Hương Khê chưa đạt (địa giới 42-2020)". The sentence names the year, the denominator and the
boundary vintage, and says when the count rests on a reported aggregate or on derived or
illustrative records.
"""
from __future__ import annotations

import re
from collections import Counter

from .fmt import format_number, format_percent

LEVEL_VI = {"standard": "đạt chuẩn NTM", "advanced": "đạt chuẩn NTM nâng cao",
            "model": "đạt chuẩn NTM kiểu mẫu", "modern": "đạt chuẩn NTM hiện đại"}
LEVEL_EN = {"standard": "met the NTM standard", "advanced": "met the advanced NTM standard",
            "model": "met the model NTM standard", "modern": "met the modern NTM standard"}
NOT_VI = {"standard": "chưa đạt", "advanced": "chưa đạt nâng cao", "model": "chưa đạt kiểu mẫu",
          "modern": "chưa đạt hiện đại"}
NOT_EN = {"standard": "not yet", "advanced": "not yet advanced", "model": "not yet model",
          "modern": "not yet modern"}
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


def when(as_of: str | None, year: int, lang: str) -> str:
    """' ngày 23/09/2019' / ' on 2019-09-23' for a dated figure that is not a year-end one."""
    if not isinstance(as_of, str):
        return ""
    m = re.fullmatch(r"(~?)(\d{4})-(\d{2})(?:-(\d{2}))?", as_of.strip())
    if not m or (m.group(2) == str(year) and m.group(3) == "12" and m.group(4) in (None, "31")):
        return ""
    approx, y, mo, d = m.groups()
    if lang == "vi":
        return f" {'khoảng ' if approx else ''}" + (f"ngày {d}/{mo}/{y}" if d else f"tháng {mo}/{y}")
    return f" {'around' if approx else 'on' if d else 'in'} {y}-{mo}" + (f"-{d}" if d else "")


def qualifier(basis: str, provenance: str | None, lang: str, as_of: str | None = None, year: int = 0) -> str:
    vi = lang == "vi"
    if provenance == "illustrative":
        return "dữ liệu minh họa" if vi else "illustrative data"
    if basis == "reported":
        w = when(as_of, year, lang)
        if provenance == "derived":
            return ("suy ra từ báo cáo" if vi else "derived from reports") + w
        return ("theo báo cáo" if vi else "as reported") + w
    if provenance == "derived":
        return "có số liệu suy ra" if vi else "partly derived"
    return ""


def _list(by_d, fmt_area) -> str:
    return ", ".join(f"{fmt_area(d, t)} {c}" for (d, t), c in sorted(by_d.items(), key=lambda x: (-x[1], x[0])))


def headline(year: int, vintage: str, reached: int, denominator: int, basis: str, provenance: str | None,
             below: list[tuple[str, str | None]], unknown: int, lang: str, level: str = "standard",
             area: tuple[str, str | None] | None = None, as_of: str | None = None) -> str:
    """``below``: (district name, district type) of each xã with a known level below ``level``;
    ``unknown``: eligible xã without a record (quoted when the count is computed). When the count
    is a reported one whose shortfall differs from the named units, both are given."""
    vi = lang == "vi"
    share = reached / denominator if denominator else None
    q = qualifier(basis, provenance, lang, as_of, year)
    pct = format_percent(share, lang) + (f", {q}" if q else "")
    n = f"{format_number(reached, lang)}/{format_number(denominator, lang)}"
    k = len(below)
    short = denominator - reached
    by_d = Counter(b for b in below if b[0])   # no district on a two-level vintage
    one = len(by_d) == 1 and not area
    named_only = basis == "reported" and short != k  # the report's shortfall is not the named list
    if vi:
        s = f"Năm {year}" + (f" ({area_vi(*area)})" if area else "") + f": {n} xã {LEVEL_VI[level]} ({pct})"
        where = "" if area or not by_d else (f" của {area_vi(*next(iter(by_d)))}" if one
                                             else f" ({_list(by_d, area_vi)})")
        if named_only and short > 0:
            s += f"; {format_number(short, lang)} xã {NOT_VI[level]}"
            s += f", trong đó có tên {k} xã{where}" if k else " (chưa có danh sách)"
        elif k:
            s += f"; {k} xã{where} {NOT_VI[level]}" if one else f"; {k} xã {NOT_VI[level]}{where}"
        if unknown and basis != "reported":
            s += f"; {format_number(unknown, lang)} xã chưa có dữ liệu"
        return s + f" (địa giới {vintage})."
    s = f"{year}" + (f" ({area_en(*area)})" if area else "") + f": {n} communes (xã) {LEVEL_EN[level]} ({pct})"
    where = "" if area or not by_d else (f" of {area_en(*next(iter(by_d)))}" if one else f" ({_list(by_d, area_en)})")
    word = "commune" if k == 1 else "communes"
    if named_only and short > 0:
        s += f"; {format_number(short, lang)} {NOT_EN[level]}"
        s += f", {k} of them named{where}" if k else " (not named in the records)"
    elif k:
        s += f"; {k} {word}{where} {NOT_EN[level]}" if one else f"; {k} {word} {NOT_EN[level]}{where}"
    if unknown and basis != "reported":
        s += f"; {format_number(unknown, lang)} without a record"
    return s + f" ({vintage} boundaries)."
