"""The importer's messages: a code and its values; the wording lives in the one string store
(``domain/locales/{vi,en}.json``, read with ``domain.text.t``).

- ``import.err.<code>``: what is wrong (an error: nothing is written);
- ``import.fix.<code>``: what to do about it (optional);
- ``import.warn.<code>``: a warning (the import goes ahead);
- ``import.msg.<code>``: the one-line outcome of an import.

An error or warning leaves the importer as a dict (``issue`` / ``warning``) with the row, the
column, the value, the code, its values (``params``), the English sentence as ``message`` (the
``--json`` contract) and both languages as ``message_vi`` / ``message_en`` / ``action_*``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.text import has, t


def _plain(v):
    """A value as message text (lists joined, dates ISO); a Msg is rendered by ``Msg.text``."""
    if isinstance(v, (list, tuple, set)):
        return ", ".join(str(x) for x in v)
    if isinstance(v, date):
        return v.isoformat()
    return v


@dataclass(frozen=True)
class Label:
    """A word of the string store shown in the message's language (a level, a provenance class)."""
    key: str

    def text(self, lang: str) -> str:
        return t(self.key, lang) if has(self.key) else self.key.rsplit(".", 1)[-1]

    @property
    def en(self) -> str:
        return self.text("en")


def level(lv) -> Label | str:
    return Label(f"levels.{lv}") if lv else "—"


def provenance(p) -> Label | str:
    return Label(f"provenance.{p}") if p else "—"


@dataclass(frozen=True)
class Msg:
    code: str
    params: dict = field(default_factory=dict)
    kind: str = "err"                      # err | warn | msg | part (a phrase inside another message)

    def _values(self, lang: str) -> dict:
        return {k: (v.text(lang) if isinstance(v, (Msg, Label)) else _plain(v)) for k, v in self.params.items()}

    def text(self, lang: str) -> str:
        return t(f"import.{self.kind}.{self.code}", lang, **self._values(lang))

    def fix(self, lang: str) -> str:
        key = f"import.fix.{self.code}"
        return t(key, lang, **self._values(lang)) if has(key) else ""

    @property
    def vi(self) -> str:
        return self.text("vi")

    @property
    def en(self) -> str:
        return self.text("en")


def err(code: str, /, **params) -> Msg:
    return Msg(code, params, "err")


def warn(code: str, /, **params) -> Msg:
    return Msg(code, params, "warn")


def msg(code: str, /, **params) -> Msg:
    return Msg(code, params, "msg")


def part(code: str, /, **params) -> Msg:
    """A phrase inside another message, in the same language ("Did you mean: …?")."""
    return Msg(code, params, "part")


def _cell_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, (int, str)):
        from .readers import cell_text
        return cell_text(value)
    return value


def issue(m: Msg, row=None, column=None, value=None) -> dict:
    """An error as the report carries it."""
    en = m.en
    return {"row": row, "column": column, "value": _cell_value(value), "code": m.code,
            "params": _json_params(m),
            "message": en, "message_vi": m.vi, "message_en": en,
            "action_vi": m.fix("vi"), "action_en": m.fix("en")}


def warning(m: Msg, row=None, column=None) -> dict:
    en = m.en
    return {"row": row, "column": column, "code": m.code,
            "params": _json_params(m),
            "message": en, "message_vi": m.vi, "message_en": en}


def _json_params(m: Msg) -> dict:
    return {k: (v.key.rsplit(".", 1)[-1] if isinstance(v, Label) else v.en if isinstance(v, Msg) else _plain(v))
            for k, v in m.params.items()}
