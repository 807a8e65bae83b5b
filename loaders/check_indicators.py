"""`loaders check`, part of it: the locality indicators, the reporting obligations and the
illustrative report receipts under ``geodata/records/`` (docs/data-model.md, "Indicators").

Every problem names the file, the row (header = row 1), the column, the value and what to do.
"""
from __future__ import annotations

import datetime as dt

from domain import indicators as ind
from domain import obligations as obl
from domain.levels import ILLUSTRATIVE
from domain.periods import PeriodError, parse
from domain.text import t
from domain.vintages import valid_on, vintage_from
from loaders.store import ILLUSTRATIVE_FILES


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _iso_day(v) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        return None


def _unit_info(units) -> dict:
    """(vintage, unit_code) → (admin_level, unit_type) from the units register."""
    if units is None:
        return {}
    return {(v, c): (lvl, ty) for v, c, lvl, ty in zip(units.vintage, units.unit_code, units.admin_level,
                                                        units.unit_type)}


def check_period_vintage(rep, rel, row, vintage, period, vint) -> None:
    """A row's vintage must be the one valid on its period's last day (the unit's code means
    something else in another vintage)."""
    if vintage not in vint:
        return
    try:
        p = parse(period)
    except PeriodError:
        return
    prov = vint[vintage]["meta"].get("province_code")
    vs = [vintage_from(d["meta"]) for d in vint.values()]
    v = valid_on(vs, prov, p.end)
    if v is None:
        rep.error(rel, row, "period", period, f"no boundary vintage of province {prov} is valid on "
                                              f"{p.end.isoformat()} (the period's last day) — check the period")
    elif v.vintage != vintage:
        rep.error(rel, row, "vintage", vintage, f"period {period} resolves on {v.vintage} (valid on "
                                                f"{p.end.isoformat()}), not {vintage} — give the unit's "
                                                f"code in {v.vintage} (registers/crosswalk.csv)")


def _base():
    from loaders import check   # the shared row helpers (imported here: check imports this module)
    return check


def check_indicators(rep, vint: dict, units, sources) -> None:
    """records/indicators.csv (sourced) and records/illustrative/indicators_illustrative.csv."""
    b = _base()
    rdir = rep.root / "records"
    unit_info = _unit_info(units)
    source_ids = set() if sources is None else set(sources.source_id)
    numbered = set() if sources is None else {
        s for s, n, d in zip(sources.source_id, sources.doc_number, sources.doc_date)
        if not _blank(n) and not _blank(d)}
    files = [(rdir / "indicators.csv", False), (rdir / "illustrative" / ILLUSTRATIVE_FILES["indicators"], True)]
    keys = ", ".join(ind.INDICATORS)
    for path, illustrative in files:
        if not path.is_file():
            continue
        rel = str(path.relative_to(rep.root))
        df = b._read_csv(rep, path, "indicators", rel)
        if df is None:
            continue
        b._dup_rows(rep, rel, df, ["record_id"], "record_id")
        b._dup_rows(rep, rel, df, ["vintage", "unit_code", "period", "indicator", "basis"],
                 "(vintage, unit_code, period, indicator, basis)")
        for i, r in enumerate(df.itertuples(index=False)):
            row = i + 2
            b._check_unit_ref(rep, rel, row, r.vintage, r.unit_code, r.admin_level, unit_info, vint)
            for col, code in ind.row_problems(r.indicator, r.period, r.value, r.qualifier, r.basis,
                                              getattr(r, "definition", None)):
                value = getattr(r, col)    # the importer's wording: one sentence for both tools
                rep.error(rel, row, col, value, t(f"import.err.indicator_{code}", "en", value=value) + " — "
                          + t(f"import.fix.indicator_{code}", "en", value=value, keys=keys))
            for col in ("qualifier", "basis"):
                if _blank(getattr(r, col)):
                    rep.error(rel, row, col, "", f"must not be empty here (one of "
                                                 f"{', '.join(ind.QUALIFIERS if col == 'qualifier' else ind.BASES)})")
            check_period_vintage(rep, rel, row, r.vintage, r.period, vint)
            b._check_provenance(rep, rel, row, r.provenance, illustrative)
            b._check_source(rep, rel, row, r.source_id, source_ids, required=not illustrative)
            if r.provenance == "official" and not _blank(r.source_id) and r.source_id not in numbered:
                rep.error(rel, row, "provenance", r.provenance,
                          "'official' needs a source with a document number and date in records/sources.csv "
                          "(else use 'reported')")
            if illustrative and (_blank(r.note) or "ILLUSTRATIVE" not in str(r.note)):
                rep.error(rel, row, "note", r.note, "an illustrative row's note must say ILLUSTRATIVE")


def check_obligations(rep, vint: dict, sources) -> None:
    b = _base()
    path = rep.root / "records" / "obligations.csv"
    if not path.is_file():
        return
    rel = "records/obligations.csv"
    df = b._read_csv(rep, path, "obligations", rel)
    if df is None:
        return
    b._dup_rows(rep, rel, df, ["obligation_id"], "obligation_id")
    source_ids = set() if sources is None else set(sources.source_id)
    provinces = {d["meta"].get("province_code") for d in vint.values()}
    for i, r in enumerate(df.itertuples(index=False)):
        row = i + 2
        if r.province_code not in provinces:
            rep.error(rel, row, "province_code", r.province_code, "no boundary vintage has this province code")
        if r.applies_to not in obl.APPLIES_TO:
            rep.error(rel, row, "applies_to", r.applies_to, f"must be one of {', '.join(obl.APPLIES_TO)}")
        if r.frequency not in obl.FREQUENCIES:
            rep.error(rel, row, "frequency", r.frequency, f"must be one of {', '.join(obl.FREQUENCIES)}")
        if not _blank(r.due_day):
            try:
                d = int(r.due_day)
                if not 1 <= d <= 31:
                    raise ValueError
            except ValueError:
                rep.error(rel, row, "due_day", r.due_day, "must be a day of the month, 1–31, or empty")
        for col in ("due_date", "in_force_from", "in_force_to"):
            v = getattr(r, col)
            if not _blank(v) and _iso_day(v) is None:
                rep.error(rel, row, col, v, "must be a date YYYY-MM-DD or empty")
        if r.frequency == obl.ONCE and _blank(r.due_date):
            rep.error(rel, row, "due_date", "", "a one-off obligation needs its due date")
        if not _blank(r.tracked_by):
            if r.tracked_by not in obl.TRACKERS:
                rep.error(rel, row, "tracked_by", r.tracked_by, f"must be one of {', '.join(obl.TRACKERS)} or empty")
            elif not (r.applies_to == obl.LOCALITY and r.frequency == obl.MONTHLY and not _blank(r.due_day)):
                rep.error(rel, row, "tracked_by", r.tracked_by, "only a monthly locality obligation with a due "
                                                                "day can be tracked from indicator imports")
        for col in ("title_vi", "title_en"):
            if _blank(getattr(r, col)):
                rep.error(rel, row, col, "", "must not be empty")
        b._check_source(rep, rel, row, r.source_id, source_ids, required=True)


def check_receipts(rep, vint: dict, units) -> None:
    """records/illustrative/report_receipts_illustrative.csv (real receipts come from imports)."""
    b = _base()
    path = rep.root / "records" / "illustrative" / ILLUSTRATIVE_FILES["report_receipts"]
    if not path.is_file():
        return
    rel = str(path.relative_to(rep.root))
    df = b._read_csv(rep, path, "report_receipts", rel)
    if df is None:
        return
    unit_info = _unit_info(units)
    for i, r in enumerate(df.itertuples(index=False)):
        row = i + 2
        info = unit_info.get((r.vintage, r.unit_code))
        b._check_unit_ref(rep, rel, row, r.vintage, r.unit_code, info[0] if info else "commune", unit_info, vint)
        try:
            parse(r.period)
        except PeriodError as e:
            rep.error(rel, row, "period", r.period, str(e))
        check_period_vintage(rep, rel, row, r.vintage, r.period, vint)
        try:
            dt.datetime.fromisoformat(str(r.received_at).replace("Z", "+00:00"))
        except ValueError:
            rep.error(rel, row, "received_at", r.received_at, "must be an ISO timestamp (UTC), e.g. 2024-05-18T02:30:00")
        b._check_provenance(rep, rel, row, r.provenance, True)
        if r.provenance == ILLUSTRATIVE and ("ILLUSTRATIVE" not in str(r.note)):
            rep.error(rel, row, "note", r.note, "an illustrative row's note must say ILLUSTRATIVE")
