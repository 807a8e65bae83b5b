"""No list of levels, provinces or vintages in code outside the domain vocabulary (``domain/``).

Provinces, vintages and their validity are read from the registers and ``meta.json``; levels
and ladders come from ``domain.levels``. A tuple, list or set literal whose string elements are
all level names (or all province codes we carry, or all vintage ids), at least two of them and
none twice, is such a list. In tests, levels only, and only where a literal serves as a rule (a
loop, ``in``/``isin``, a module-level name), not as an expected value; the tests pin sourced
facts about named provinces and vintages on purpose.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from domain.levels import COMPUTED_STATES, STORED_LEVELS

REPO = Path(__file__).resolve().parents[1]
CODE = ("loaders", "metrics", "ui", "pages", "scripts", "benchmarks", "examples", "app.py")
# A script that writes the registers and meta.json from the upstream sources: its recipe is where
# the vintages are defined (and is read by the build scripts, not by the app).
RECIPES = {"scripts/build_geodata.py"}
# Files other work in progress is rewriting; their lists go to the domain when it lands. The test
# fails once such a file has none any more, so this cannot go stale.
PENDING: set[str] = set()
LEVEL_WORDS = set(STORED_LEVELS) | set(COMPUTED_STATES) | {"criteria"}   # + the `level=criteria` focus
VINTAGE_ID = re.compile(r"^(\d{2}-\d{4}|vn-\d{4})$")


def _provinces() -> set[str]:
    codes = {"all"}   # the national layer, as the URL says it
    for meta in (REPO / "geodata" / "boundaries").glob("*/meta.json"):
        codes.add(str(json.loads(meta.read_text(encoding="utf-8"))["province_code"]))
    return codes


PROVINCES = _provinces()


def _vocabulary(strings: list[str]) -> str | None:
    """Which list a literal's strings are (None: not one)."""
    if len(strings) < 2 or len(set(strings)) != len(strings):
        return None
    for name, member in (("levels", LEVEL_WORDS.__contains__), ("provinces", PROVINCES.__contains__),
                         ("vintages", lambda s: bool(VINTAGE_ID.match(s)))):
        if all(member(s) for s in strings):
            return name
    return None


def _strings(node) -> list[str] | None:
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return None
    elts = node.elts
    if not elts or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elts):
        return None
    return [e.value for e in elts]


def _rule_literals(tree) -> list:
    """The literals of a test that serve as a rule: loops, membership, isin, module-level names."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)):
            out.append(node.iter)
        elif isinstance(node, ast.Compare):
            out += [c for op, c in zip(node.ops, node.comparators) if isinstance(op, (ast.In, ast.NotIn))]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "isin":
            out += node.args
    out += [n.value for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None]
    return out


def _files():
    for root in CODE:
        path = REPO / root
        yield from ([path] if path.suffix == ".py" else sorted(path.rglob("*.py")))


def _found() -> list[str]:
    found = []
    for path in _files():
        rel = path.relative_to(REPO).as_posix()
        if rel in RECIPES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            strings = _strings(node)
            kind = _vocabulary(strings) if strings else None
            if kind:
                found.append(f"{rel}:{node.lineno}: a list of {kind} {strings}")
    for path in sorted((REPO / "tests").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for node in _rule_literals(ast.parse(path.read_text(encoding="utf-8"))):
            strings = _strings(node)
            if strings and _vocabulary(strings) == "levels":
                found.append(f"{rel}:{node.lineno}: a list of levels {strings}")
    return found


def test_no_level_province_or_vintage_list_outside_the_domain():
    found = [f for f in _found() if f.split(":", 1)[0] not in PENDING]
    assert not found, ("lists of levels, provinces or vintages in code: take them from domain.levels "
                       "(ladders, PROVENANCE, DISTRICT_LEVELS, …) or read them from the registers and "
                       "meta.json (loaders.boundaries.list_vintages, Choices.provinces):\n" + "\n".join(found))


def test_pending_files_still_have_lists():
    left = {f.split(":", 1)[0] for f in _found()}
    done = sorted(PENDING - left)
    assert not done, f"no list left in {done}: remove them from PENDING"


def test_the_scan_finds_such_lists():
    """The rule itself: what it flags and what it leaves (expected values, rows of mixed fields)."""
    assert _vocabulary(["standard", "advanced", "model"]) == "levels"
    assert _vocabulary(["42", "38"]) == "provinces"
    assert _vocabulary(["42-2019", "42-2020"]) == "vintages"
    assert _vocabulary(["none", "none", "standard"]) is None            # an expected sequence
    assert _vocabulary(["standard", "official", "189/QĐ-UBND"]) is None   # a record's fields
    assert _vocabulary(["standard"]) is None
    tree = ast.parse("X = ('model', 'advanced')\ndef f(v):\n    assert v == ['standard', 'model']\n"
                     "    return [x for x in ('none', 'standard')]\n")
    flagged = [_strings(n) for n in _rule_literals(tree) if _strings(n)]
    assert flagged == [["none", "standard"], ["model", "advanced"]]
