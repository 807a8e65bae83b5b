"""Number formatting for captions and tables: Vietnamese uses a decimal comma and a dot as the
thousands separator (97,8%; 11.163), English the reverse (97.8%; 11,163)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .common import is_missing

SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)
MISSING = "—"


def _seps(lang: str):
    if lang not in SEPARATORS:
        raise ValueError(f"unknown language {lang!r}; use 'vi' or 'en'")
    return SEPARATORS[lang]


def format_number(x, lang: str = "vi", decimals: int = 0) -> str:
    """Round half up to ``decimals`` places and format with the language's separators."""
    thou, dec = _seps(lang)
    if is_missing(x):
        return MISSING
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    q = abs(q)
    text = f"{q:f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = thou.join(groups)
    if decimals > 0:
        out += dec + frac
    return sign + out


def format_percent(x, lang: str = "vi", decimals: int = 1) -> str:
    """A share in [0, 1] as a percentage: 0.9779 -> '97,8%' (vi) / '97.8%' (en)."""
    if is_missing(x):
        return MISSING
    return format_number(float(x) * 100, lang, decimals) + "%"


def format_day(d) -> str:
    """A date as Vietnamese writes it, in both languages: 1/7/2025 (no leading zeros)."""
    if is_missing(d):
        return MISSING
    return f"{d.day}/{d.month}/{d.year}"
