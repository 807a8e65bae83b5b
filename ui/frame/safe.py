"""Text from outside (URL parameters, uploaded files, imported names, notes and decision numbers)
on its way to people: never run as a spreadsheet formula, never rendered as Markdown or HTML.

- ``neutralise(v)``: a cell a spreadsheet would run as a formula (``= + - @``, a tab or a carriage
  return first, leading blanks ignored) gets a leading apostrophe (DESIGN §5);
- ``safe_frame(df)``: every text cell and header of a table neutralised, for anything offered for
  download, Streamlit's own dataframe download button included (it exports what is shown);
- ``md_escape(text)``: the text with every ASCII punctuation mark backslash-escaped, so
  Streamlit's Markdown (messages, captions) shows it character for character and loads nothing:
  no link, no image, no HTML, no ``$…$`` formula, no ``:colour[…]`` or ``:material/…:``
  directive (a bare URL may still be turned into a plain link by GFM, which loads nothing);
- ``literal(text)``: the text as a Markdown code span: exactly as typed, bare URLs included
  (the URL parameters echoed in notices).
"""
from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(v):
    if isinstance(v, str):
        stripped = v.lstrip(" \u00a0\u2000\u2001\u2002\u2003\u2009\u200b\ufeff\n")
        if v.startswith(FORMULA_START) or stripped.startswith(FORMULA_START):
            return "'" + v
    return v


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


_MD_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def md_escape(text, limit: int | None = None) -> str:
    """Text to show inside Markdown exactly as it is (one line; cut at ``limit`` characters)."""
    s = re.sub(r"\s+", " ", str(text if text is not None else "")).strip()
    if limit is not None and len(s) > limit:
        s = s[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def literal(text) -> str:
    """A Markdown code span holding ``text`` exactly (backticks inside are fenced by longer runs)."""
    s = re.sub(r"\s+", " ", str(text if text is not None else "")).strip()
    if not s:
        return "``"
    run = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"
