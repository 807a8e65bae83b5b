"""`load_dataset()`: every table the metrics need, read from the store (current rows only).

Codes stay strings; integers are nullable `Int64` (`status.commune_group` too: 1-3 on 2026-2030
records, NA otherwise); missing text is NaN/NA (use `isna()`); `crosswalk.inferred` is bool.
The database is created and seeded from `geodata/` on first use.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from domain.levels import ILLUSTRATIVE
from loaders.store import HISTORY_TABLES, TABLES, get_engine, init_db


@dataclass(frozen=True)
class Dataset:
    units: pd.DataFrame
    crosswalk: pd.DataFrame
    criteria: pd.DataFrame
    sources: pd.DataFrame
    status: pd.DataFrame
    targets: pd.DataFrame
    aggregates: pd.DataFrame
    vintages: pd.DataFrame
    # Locality indicators, reporting obligations and receipts (migration 0004).
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    obligations: pd.DataFrame = field(default_factory=pd.DataFrame)
    report_receipts: pd.DataFrame = field(default_factory=pd.DataFrame)

    # the frames the illustrative fill adds rows to
    _FILLED = ("status", "indicators", "report_receipts")

    def _illustrative_rows(self, name: str) -> pd.Series | None:
        df = getattr(self, name)
        if "provenance" not in df.columns:
            return None
        return df["provenance"].astype(str) == ILLUSTRATIVE

    @property
    def has_illustrative(self) -> bool:
        return any(m is not None and bool(m.any()) for m in map(self._illustrative_rows, self._FILLED))

    def with_illustrative(self, include: bool) -> "Dataset":
        """The dataset as the "illustrative" switch shows it: the one place that decides which
        rows the fill adds (status, indicators, report receipts). Without it, no illustrative row."""
        if include or not self.has_illustrative:
            return self
        out = {}
        for name in self._FILLED:
            m = self._illustrative_rows(name)
            if m is not None and m.any():
                out[name] = getattr(self, name)[~m].copy()
        return dataclasses.replace(self, **out)


def _typed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    for col, kind in TABLES[table]:
        if kind == "int":
            df[col] = pd.to_numeric(df[col]).astype("Int64")
        elif kind == "float":
            df[col] = pd.to_numeric(df[col]).astype("float64")
        elif kind == "bool":
            df[col] = df[col].astype(bool)
        # text columns keep pandas' default string dtype (missing = NaN)
    return df


def read_table(engine: Engine, table: str) -> pd.DataFrame:
    cols = [c for c, _ in TABLES[table]]
    extra = ", import_id" if table in HISTORY_TABLES or table == "report_receipts" else ""
    where = " WHERE superseded_by IS NULL" if table in HISTORY_TABLES else ""
    order = " ORDER BY id" if table in HISTORY_TABLES else ""
    with engine.connect() as c:
        res = c.execute(text(f"SELECT {', '.join(cols)}{extra} FROM {table}{where}{order}"))
        df = pd.DataFrame(res.fetchall(), columns=list(res.keys()))
    df = _typed(df, table)
    if extra:
        df["import_id"] = pd.to_numeric(df["import_id"]).astype("Int64")
    return df


def import_receipts(engine: Engine) -> pd.DataFrame:
    """The reports received through imports: one row per active import and (unit, period) it wrote
    an actual indicator value for, at the import's time (UTC), by its user. Superseded rows count
    (the report arrived); a rolled-back import's rows are gone, so its receipts are too."""
    sql = ("SELECT DISTINCT i.vintage, i.unit_code, i.period, m.created_at AS received_at, m.username, "
           "i.import_id, m.file_name FROM indicators i JOIN imports m ON m.import_id = i.import_id "
           "WHERE m.state = 'active' AND i.basis = 'actual' ORDER BY i.import_id")
    with engine.connect() as c:
        res = c.execute(text(sql))
        df = pd.DataFrame(res.fetchall(), columns=list(res.keys()))
    df["provenance"] = "reported"
    df["note"] = [f"import #{i}: {f}" for i, f in zip(df["import_id"], df["file_name"])]
    df["import_id"] = pd.to_numeric(df["import_id"]).astype("Int64")
    return df[["vintage", "unit_code", "period", "received_at", "username", "provenance", "note", "import_id"]]


def load_dataset(engine: Engine | None = None, refresh: bool = True) -> Dataset:
    """Current rows of every table. Creates/seeds the database on first use and, with refresh=True,
    reloads geodata-derived rows when geodata/ changed (see loaders.store.init_db)."""
    engine = engine or get_engine()
    init_db(engine, refresh=refresh)
    frames = {t: read_table(engine, t) for t in ("units", "crosswalk", "criteria", "sources", "status",
                                                 "targets", "aggregates", "vintages", "indicators",
                                                 "obligations", "report_receipts")}
    seeded = frames["report_receipts"]
    frames["report_receipts"] = pd.concat([x for x in (seeded, import_receipts(engine)) if len(x)] or [seeded],
                                          ignore_index=True)
    return Dataset(**frames)
