"""The exports' wording, from the one string store (``domain/locales``, keys ``export.*``).

``t("map_title", lang)`` is ``domain.text.t("export.map_title", lang)`` in NFC; the level and
provenance labels are the dashboard's, so legends and tables read the same everywhere."""

from __future__ import annotations

from domain.text import LANGS, check_lang, level_label as _level_label, t as _t  # noqa: F401
from ui.export.fonts import nfc


def t(key: str, lang: str, **kwargs) -> str:
    """One export string in ``lang`` (NFC), formatted with ``kwargs``."""
    return nfc(_t(f"export.{key}", check_lang(lang), **kwargs))


def level_label(level: str, lang: str) -> str:
    """The dashboard's label of a level (legends match the app)."""
    return nfc(_level_label(level, lang))


def at_least(level: str, lang: str) -> str:
    """"At least <level>", as reports quote it."""
    return t(f"at_least.{level}", lang)


def provenance_text(cls: str, lang: str) -> str:
    """A provenance class with what it means ("Official — a decision number and date")."""
    return t(f"provenance_class.{cls}", lang)
