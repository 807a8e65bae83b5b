"""The importer's messages live in the one string store (domain/locales/{vi,en}.json, section
"import"): every code the importer raises has its wording in both languages with the same
placeholders, and no key exists in one language only."""
from __future__ import annotations

import re
import string
from pathlib import Path

from domain.text import table

IMPORTER = Path(__file__).resolve().parents[1] / "loaders" / "importer"
CALL = re.compile(r"\b(err|warn|msg|part)\(\s*\"([a-z0-9_]+)\"")
SECTION = {"err": "err", "warn": "warn", "msg": "msg", "part": "part"}


def _keys(lang):
    return {k: v for k, v in table(lang).items() if k.startswith("import.")}


def _fields(s):
    return sorted({f for _, f, _, _ in string.Formatter().parse(s) if f})


def test_both_languages_have_the_same_keys_and_placeholders():
    vi, en = _keys("vi"), _keys("en")
    assert set(vi) == set(en)
    assert len(vi) > 150
    for k in vi:
        assert _fields(vi[k]) == _fields(en[k]), k
        assert vi[k] or k == "import.part.nothing", k


def test_every_code_the_importer_raises_has_its_wording():
    vi = _keys("vi")
    used = set()
    for p in IMPORTER.rglob("*.py"):
        src = p.read_text(encoding="utf-8")
        used |= {(SECTION[kind], code) for kind, code in CALL.findall(src)}
        # err(f"no_{key}") in layouts.py, err(code) in pipeline._database_failure
        used |= {("err", f"no_{k}") for k in ("decision_no", "decision_date", "label_year")} if "no_{key}" in src else set()
    used |= {("err", "busy"), ("err", "database"), ("msg", "busy"), ("msg", "database"),
             ("part", "level_down"), ("part", "regression"), ("part", "stored")}
    missing = sorted(f"import.{s}.{c}" for s, c in used if f"import.{s}.{c}" not in vi)
    assert missing == []
    assert len(used) > 100


def test_vietnamese_is_vietnamese():
    """The VI wording is not an English copy: almost every message has Vietnamese letters."""
    vi, en = _keys("vi"), _keys("en")
    same = [k for k in vi if vi[k] and vi[k] == en[k]]
    assert same == []
