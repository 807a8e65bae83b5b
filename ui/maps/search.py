"""The map's commune search: the one diacritic-insensitive name search of ``domain.names``."""
from __future__ import annotations

from domain.names import fold, search

__all__ = ["fold", "search"]
