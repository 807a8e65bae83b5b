"""Diacritic-insensitive unit-name search ("huong lam" finds "Xã Hương Lâm", "Ky" finds "Kỳ").

One rule for every place that looks a name up loosely: the map's search box and the importer's
"did you mean" suggestions (an import never *matches* through it, it only suggests)."""
from __future__ import annotations

import re
import unicodedata

_PREFIXES = ("xa ", "phuong ", "thi tran ")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, single spaces."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text.lower()).strip()


def _bare(folded: str) -> str:
    for p in _PREFIXES:
        if folded.startswith(p):
            return folded[len(p):]
    return folded


def search(query: str, rows, limit: int = 12) -> list[dict]:
    """rows: iterable of dicts with unit_code, name, district_name.
    Ranking: exact bare name, then prefix, then a word start inside the name,
    then a word start in the district name; ties by name. Matches start at a
    word boundary ("huong" does not match "phuong"). Empty query → no results."""
    q = _bare(fold(query))
    if not q:
        return []
    scored = []
    for r in rows:
        full = fold(r["name"])
        bare = _bare(full)
        if bare == q:
            rank = 0
        elif bare.startswith(q):
            rank = 1
        elif any(w.startswith(q) for w in bare.split(" ")) or f" {q}" in f" {bare}":
            rank = 2
        elif f" {q}" in f" {fold(r.get('district_name', ''))}":
            rank = 3            # word start in the district name ("huong khe" lists its communes)
        else:
            continue
        scored.append((rank, bare, r))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [r for _, _, r in scored[:limit]]
