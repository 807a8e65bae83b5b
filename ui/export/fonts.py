"""Fonts with full Vietnamese coverage for every export.

Matplotlib (map images, PDF pages) uses Noto Sans when Debian's
``fonts-noto-core`` is installed and otherwise DejaVu Sans, which matplotlib
ships and which also covers Vietnamese. PDF pages embed the font as TrueType
(Type 42) so text stays selectable and extractable. PowerPoint files cannot
carry a font through python-pptx, so slides name "Arial", which every Windows
and macOS machine has with Vietnamese glyphs.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import matplotlib
from matplotlib import font_manager

PPTX_FONT = "Arial"
_PREFERRED = ("Noto Sans", "DejaVu Sans")

# Every precomposed Vietnamese letter (both cases) — what a font must cover.
VIETNAMESE_SAMPLE = unicodedata.normalize(
    "NFC",
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    "ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ"
    "ỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ",
)


def nfc(text) -> str:
    """Text as NFC (None becomes an empty string)."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text))


def covers(font_path: str | Path, text: str = VIETNAMESE_SAMPLE) -> bool:
    """True when the font file has a glyph for every character of ``text``."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(font_path), lazy=True).getBestCmap() or {}
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


@functools.lru_cache(maxsize=1)
def matplotlib_font() -> tuple[str, str]:
    """(family name, regular font file) of the first installed font covering Vietnamese."""
    for family in _PREFERRED:
        try:
            path = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        if covers(path):
            return family, str(path)
    raise RuntimeError("no font with Vietnamese coverage found (install fonts-noto-core)")


def setup_matplotlib() -> str:
    """Point matplotlib at the Vietnamese font and embed TrueType in PDF/PS, draw every text
    literally; returns the family."""
    family, _ = matplotlib_font()
    # A list of families turns on matplotlib's per-glyph fallback (Noto Sans
    # lacks a few symbols such as "≥" that DejaVu Sans has).
    matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["pdf.fonttype"] = 42
    matplotlib.rcParams["ps.fonttype"] = 42
    # Text as text in SVG (smaller, searchable); the viewer falls back to a
    # system font, so name widely installed families after ours.
    matplotlib.rcParams["svg.fonttype"] = "none"
    # Names, decision numbers and notes come from imports: "$…$" is text, never mathematics
    # (mathtext would crash the export on "$\\alpha_$" or draw something else), nor LaTeX.
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False
    return family


@functools.lru_cache(maxsize=2)
def _advance_table(bold: bool) -> tuple[dict, float, float]:
    """(advance width per code point, units per em, mean advance) of the matplotlib font."""
    from fontTools.ttLib import TTFont

    family, _ = matplotlib_font()
    prop = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
    font = TTFont(str(font_manager.findfont(prop)), lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"].metrics
    widths = {cp: hmtx[name][0] for cp, name in cmap.items() if name in hmtx}
    mean = sum(widths.get(ord(c), 0) for c in "abcdefghijklmnopqrstuvwxyz") / 26
    return widths, float(font["head"].unitsPerEm), mean


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of ``text`` set at ``size`` points (advance widths, no kerning).

    Much faster than asking a renderer, and within a few per cent of it: used
    to wrap text before it is drawn, with a safety margin left by the caller.
    """
    widths, upem, mean = _advance_table(bool(bold))
    units = sum(widths.get(ord(ch), mean) for ch in text)
    return units / upem * size / 72
