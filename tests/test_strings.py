"""The one string store (``domain/locales/{vi,en}.json``): both languages have the same keys
and the same placeholders, every text is NFC as written in the file, every literal key the
code asks for exists, and the UI code holds no Vietnamese wording or ``lang == "vi"`` branch
of its own (its words are in the store)."""
from __future__ import annotations

import ast
import json
import re
import string
import unicodedata
from pathlib import Path

import pytest

from domain import text

REPO = Path(__file__).resolve().parents[1]
# UI code whose words must all come from the store.
UI_CODE = sorted([*(REPO / "ui").rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "app.py"])
# Constants that are not wording, by file (None: every constant of the file): the glyph coverage
# sample of the export fonts, the folding rule of the diacritic-insensitive search, the command
# line's help (English; place names as examples).
NOT_WORDING = {"ui/export/fonts.py": None, "ui/maps/search.py": {"đ", "Đ"},
               "ui/export/__main__.py": {"GSO province code, e.g. 42 (Hà Tĩnh)",
                                         "GSO district code, e.g. 444 (Hương Khê)"}}
# Files whose strings another piece of work moves into the store. The test fails once such a
# file holds no wording any more, so the list cannot go stale.
PENDING: set[str] = set()


def _raw(lang: str) -> dict:
    """The flattened table as written in the file (domain.text normalises while loading)."""
    flat: dict[str, str] = {}

    def walk(prefix, node):
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else k
            walk(key, v) if isinstance(v, dict) else flat.__setitem__(key, v)

    walk("", json.loads((text.LOCALES / f"{lang}.json").read_text(encoding="utf-8")))
    return flat


def test_every_key_in_both_languages():
    vi, en = set(_raw("vi")), set(_raw("en"))
    assert not vi - en, f"keys in vi.json only (add them to en.json): {sorted(vi - en)}"
    assert not en - vi, f"keys in en.json only (add them to vi.json): {sorted(en - vi)}"


@pytest.mark.parametrize("lang", text.LANGS)
def test_every_text_is_nfc_as_written(lang):
    bad = [k for k, v in _raw(lang).items() if not isinstance(v, str) or not unicodedata.is_normalized("NFC", v)]
    assert not bad, f"{lang}.json: not NFC text (normalise the file): {bad}"


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_placeholders_match_across_languages():
    vi, en = _raw("vi"), _raw("en")
    bad = {k: (sorted(_fields(vi[k])), sorted(_fields(en[k]))) for k in vi.keys() & en.keys()
           if _fields(vi[k]) != _fields(en[k])}
    assert not bad, f"keys whose {{placeholders}} differ between vi and en: {bad}"


def test_level_labels_are_pinned():
    assert text.t("levels.standard", "vi") == "Đạt chuẩn NTM"
    assert text.t("levels.unknown", "en") == "No data"
    with pytest.raises(KeyError):
        text.t("no.such.key", "vi")


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _docstrings(tree) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _wording(path: Path) -> list[str]:
    """String constants (not docstrings) with a non-ASCII letter: Vietnamese wording."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if any(ord(c) > 127 and unicodedata.category(c).startswith("L") for c in node.value):
                allowed = NOT_WORDING.get(_rel(path), set())
                if allowed is not None and node.value not in allowed:
                    found.append(f"{_rel(path)}:{node.lineno}: {node.value[:50]!r}")
    return found


def test_ui_code_has_no_wording_of_its_own():
    found = [w for p in UI_CODE if _rel(p) not in PENDING for w in _wording(p)]
    assert not found, "Vietnamese wording in UI code; put it in domain/locales/{vi,en}.json:\n" + "\n".join(found)
    for rel in PENDING:
        assert _wording(REPO / rel), f"{rel} has no wording of its own any more: remove it from PENDING"


def _language_branches(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in text.LANGS for c in [node.left, *node.comparators]):
            out.append(f"{_rel(path)}:{node.lineno}")
    return out


def test_ui_code_has_no_language_branches():
    found = [b for p in UI_CODE if _rel(p) not in PENDING for b in _language_branches(p)]
    assert not found, ('comparisons with "vi"/"en" in UI code; take the words from the string store '
                       "instead:\n" + "\n".join(found))


# t("key", …) in a module that imports the store's t; the exports' t prefixes "export.".
_CALL = re.compile(r"""(?<![\w.])(?:ctx\.)?t\(\s*["']([a-z][\w]*(?:\.[\w]+)+|[a-z_]+)["']""")


def _keys_used(path: Path) -> list[tuple[str, int]]:
    src = path.read_text(encoding="utf-8")
    prefix = "export." if "from ui.export.strings import" in src and _rel(path) != "ui/export/strings.py" else ""
    if not prefix and not re.search(r"from (domain\.text|ui\.frame\.i18n) import[^\n]*\bt\b", src) \
            and "ctx.t(" not in src:
        return []
    out = []
    for m in _CALL.finditer(src):
        key = m.group(1)
        if "." not in key and not prefix:
            continue
        out.append((prefix + key if not m.group(0).startswith("ctx.") else key, src.count("\n", 0, m.start()) + 1))
    return out


def test_every_literal_key_exists():
    table = _raw("vi")
    missing = [f"{_rel(p)}:{line}: {key}" for p in UI_CODE for key, line in _keys_used(p) if key not in table]
    assert not missing, "keys asked for that the store does not have:\n" + "\n".join(missing)
    assert sum(len(_keys_used(p)) for p in UI_CODE) > 100   # the scan does find the calls
