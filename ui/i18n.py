"""VI/EN string tables for every UI string (Vietnamese first).

Strings live in ui/locales/{vi,en}.json with dotted keys ("map.legend.title").
`t(key, lang, **values)` formats with str.format. A key missing in English falls
back to Vietnamese; a key missing everywhere raises, so tests catch typos.
This module does not import streamlit: the language choice is made in ui.state.
"""
from __future__ import annotations

import json
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
_LOCALES = Path(__file__).resolve().parent / "locales"


def default_lang() -> str:
    """NTM_LANG if it names a supported language, else Vietnamese."""
    env = (os.environ.get("NTM_LANG") or "").strip().lower()
    return env if env in LANGS else DEFAULT_LANG


@lru_cache(maxsize=None)
def table(lang: str) -> dict:
    with open(_LOCALES / f"{lang}.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    # Flatten nested objects into dotted keys and normalise to NFC.
    flat: dict[str, str] = {}

    def walk(prefix: str, node) -> None:
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(key, v)
            else:
                flat[key] = unicodedata.normalize("NFC", str(v))

    walk("", raw)
    return flat


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = table(lang).get(key)
    if text is None:
        text = table(DEFAULT_LANG).get(key)
    if text is None:
        raise KeyError(f"missing UI string {key!r}")
    return text.format(**values) if values else text


def level_label(level: str, lang: str) -> str:
    return t(f"levels.{level}", lang)


def provenance_label(cls: str, lang: str) -> str:
    return t(f"provenance.{cls}", lang) if f"provenance.{cls}" in table(DEFAULT_LANG) else str(cls)
