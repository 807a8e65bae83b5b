"""The kinds of file the importer reads: ONE explicit table.

Each entry names the kind, how it is recognised in a grid of cells (``detect``: a ``Parsed`` with
one item per data row, or None when the grid is not in this layout) and the rules that turn its
items into store records (``validate(v)`` with a ``loaders.importer.validate.Validator``). The
table is tried in order; the first kind that recognises the grid reads it. Its label for people is
``import.kind.<id>`` in the string store; ``source_kind`` is the ``sources.kind`` of the row each
import of it writes.

Adding a kind (for example an indicator table) is one entry here plus its module: a ``detect``
(usually a header test + ``layouts.parse_table`` with the kind's columns), a ``validate`` that
calls ``v.add(...)`` / appends ``Record``s, the label in ``domain/locales/{vi,en}.json`` and, when
it writes a table the importer does not write yet, one entry in ``pipeline.STORE_TABLES``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..layouts import Parsed, detect_decision, detect_status_table, detect_summary, detect_target_table, unknown_layout
from ..readers import Grid, ReadError
from . import decision_list, indicator_table, status_table, summary_sheet, target_table


@dataclass(frozen=True)
class Kind:
    id: str
    detect: Callable[[Grid], Parsed | None]
    validate: Callable
    source_kind: str = "report"


KINDS: tuple[Kind, ...] = (
    Kind("target_table", detect_target_table, target_table.validate, "plan"),
    Kind("status_table", detect_status_table, status_table.validate),
    Kind("summary_sheet", detect_summary, summary_sheet.validate),
    Kind("decision_list", detect_decision, decision_list.validate, "decision"),
    Kind("indicator_table", indicator_table.detect, indicator_table.validate),
)
BY_ID = {k.id: k for k in KINDS}


def kind(kind_id: str) -> Kind:
    return BY_ID[kind_id]


def detect(grid: Grid, filename: str = "") -> Parsed:
    """The parsed grid of the first kind that recognises it; ReadError when none does."""
    for k in KINDS:
        parsed = k.detect(grid)
        if parsed is not None:
            return parsed
    raise ReadError(unknown_layout())
