"""Where the data lives. `NTM_GEODATA_DIR` points the loaders at another geodata folder
(tests use it for broken copies); the default is the repository's `geodata/`."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GEODATA = REPO_ROOT / "geodata"
VAR_DIR = REPO_ROOT / "var"
STATIC_DIR = REPO_ROOT / "static"   # served by Streamlit at /app/static/


def geodata_dir() -> Path:
    return Path(os.environ.get("NTM_GEODATA_DIR") or DEFAULT_GEODATA)


def boundaries_dir(root: Path | None = None) -> Path:
    return (root or geodata_dir()) / "boundaries"


def registers_dir(root: Path | None = None) -> Path:
    return (root or geodata_dir()) / "registers"


def criteria_dir(root: Path | None = None) -> Path:
    return (root or geodata_dir()) / "criteria"


def records_dir(root: Path | None = None) -> Path:
    return (root or geodata_dir()) / "records"


def national_dir(root: Path | None = None) -> Path:
    return (root or geodata_dir()) / "national"
