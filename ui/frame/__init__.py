"""The page frame: URL state (``state``), page furniture (``layout``), the string store access
(``i18n``), cached access to the dataset and metrics (``data``) and the page context
(``context``: ``frame.page("map.title")`` is the preamble of every page). Imports no other ui room."""


def __getattr__(name):   # ``frame.page`` / ``frame.PageContext`` without importing Streamlit eagerly
    if name in ("page", "context", "PageContext"):
        # import_module, not `from ui.frame import context`: that form looks the name up on this
        # package first, which calls this very function again before the submodule exists
        import importlib
        _context = importlib.import_module("ui.frame.context")
        return _context if name == "context" else getattr(_context, name)
    raise AttributeError(f"module 'ui.frame' has no attribute {name!r}")
