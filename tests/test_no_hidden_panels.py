"""A broken import must fail loudly, never hide a panel (issue 14, item 14): the UI holds no
``except ImportError`` guard, and a panel module that cannot be imported shows an error on its page
instead of an empty section."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
UI_CODE = sorted([*(REPO / "ui").rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "app.py"])


def test_no_import_error_guards_in_the_ui():
    found = []
    for p in UI_CODE:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = [n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)]
                if {"ImportError", "ModuleNotFoundError"} & set(names):
                    found.append(f"{p.relative_to(REPO)}:{node.lineno}")
    assert found == []


def test_a_broken_import_panel_is_an_error_on_the_page(monkeypatch):
    import ui.editor
    monkeypatch.setitem(sys.modules, "ui.editor.import_panel", None)   # importing it raises ImportError
    monkeypatch.delattr(ui.editor, "import_panel", raising=False)      # (not the copy an earlier import left)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.switch_page("pages/data.py")          # straight to /data (no overview run first)
    at.run()
    assert at.exception, "the page rendered without its import panel and without an error"
    assert any("import_panel" in e.message for e in at.exception)
