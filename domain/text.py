"""The one VI/EN string store (Vietnamese first).

Strings live in ``domain/locales/{vi,en}.json`` with dotted keys ("map.legend_title"); every
layer that writes words for people (the UI, the exports, the metrics' captions, the importer's
messages) takes them from here. ``t(key, lang, **values)`` formats with ``str.format``. A key
missing in English falls back to Vietnamese; a key missing everywhere raises, so tests catch
typos, and a test fails on any key present in one language only.
"""
from __future__ import annotations

import json
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALES = Path(__file__).resolve().parent / "locales"


def default_lang() -> str:
    """NTM_LANG if it names a supported language, else Vietnamese."""
    env = (os.environ.get("NTM_LANG") or "").strip().lower()
    return env if env in LANGS else DEFAULT_LANG


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


@lru_cache(maxsize=None)
def table(lang: str) -> dict:
    """The flattened string table of a language: dotted keys → NFC text."""
    with open(LOCALES / f"{lang}.json", encoding="utf-8") as fh:
        raw = json.load(fh)
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


def has(key: str) -> bool:
    return key in table(DEFAULT_LANG)


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = table(lang).get(key)
    if text is None:
        text = table(DEFAULT_LANG).get(key)
    if text is None:
        raise KeyError(f"missing UI string {key!r}")
    return text.format(**values) if values else text


def both(key: str, **values) -> dict[str, str]:
    """{"vi": …, "en": …} of one key (captions and messages carry both languages)."""
    return {lang: t(key, lang, **values) for lang in LANGS}


def level_label(level: str, lang: str) -> str:
    return t(f"levels.{level}", lang)


def provenance_label(cls: str, lang: str) -> str:
    return t(f"provenance.{cls}", lang) if has(f"provenance.{cls}") else str(cls)
