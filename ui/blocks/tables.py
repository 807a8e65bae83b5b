"""Display tables (translated headers and values) built from metrics output. Every table that can
hold imported text (names, decision numbers, source titles) is formula-neutralised here
(``ui.frame.safe.safe_frame``): Streamlit's own dataframe toolbar offers it for download."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.levels import (CLASSIC_LADDER, COMPUTED_STATES, MIXED, PROVENANCE, RECOGNISED_LEVELS, STORED_LEVELS,
                           UNKNOWN)
from ui.frame.i18n import t
from ui.frame.safe import safe_frame

_LEVELS = set(STORED_LEVELS) | set(COMPUTED_STATES)
_PROVS = set(PROVENANCE)


def _lv(v, lang):
    return t(f"levels.{v}", lang) if str(v) in _LEVELS else ("" if v is None or pd.isna(v) else str(v))


def _pv(v, lang):
    return t(f"provenance.{v}", lang) if str(v) in _PROVS else ("" if v is None or pd.isna(v) else str(v))


def _num(v):
    n = pd.to_numeric(v, errors="coerce")
    return None if pd.isna(n) else int(n)


def criteria_names(ds, criteria_set, ids: str, lang: str) -> str:
    if ids is None or pd.isna(ids) or not str(ids).strip():
        return ""
    crit = ds.criteria
    col = f"name_{lang}"
    out = []
    for cid in [s.strip() for s in str(ids).split(";") if s.strip()]:
        row = crit[(crit["criteria_set"].astype(str) == str(criteria_set)) & (crit["criterion_id"].astype(str) == cid)]
        out.append(f"{cid} {row.iloc[0][col]}" if len(row) else cid)
    return "; ".join(out)


def unit_targets(ds, codes) -> dict:
    tg = ds.targets
    sel = tg[(tg["scope"].astype(str) == "unit") & tg["unit_code"].astype(str).isin([str(c) for c in codes])]
    out = {}
    for r in sel.itertuples(index=False):
        out.setdefault(str(r.unit_code), []).append((str(r.level), _num(r.target_year)))
    return out


def communes_table(status: pd.DataFrame, ds, lang: str) -> pd.DataFrame:
    targets = unit_targets(ds, status["unit_code"])
    rows = []
    for r in status.itertuples(index=False):
        eligible = bool(r.eligible)
        tg = targets.get(str(r.unit_code), [])
        rows.append({
            t("cols.commune", lang): r.name,
            t("cols.level", lang): _lv(r.level if eligible else "not_applicable", lang),
            t("cols.criteria_met", lang): (f"{_num(r.criteria_met)}/{_num(r.criteria_total)}"
                                           if _num(getattr(r, "criteria_met", None)) is not None else ""),
            t("cols.missing", lang): criteria_names(ds, getattr(r, "criteria_set", None), getattr(r, "missing_criteria", None), lang),
            t("cols.target", lang): "; ".join(f"{_lv(lv, lang)} {y or ''}".strip() for lv, y in tg),
            t("cols.year_recognised", lang): _num(getattr(r, "record_year", None)) if str(r.level) in RECOGNISED_LEVELS else None,
            t("cols.decision", lang): _txt(getattr(r, "decision_no", None)),
            t("cols.source", lang): _txt(getattr(r, "source_id", None)),
            t("cols.provenance", lang): _pv(getattr(r, "provenance", None), lang),
        })
    return safe_frame(pd.DataFrame(rows))


def history_table(hist: pd.DataFrame, ds, lang: str) -> pd.DataFrame:
    rows = []
    for r in hist.itertuples(index=False):
        rows.append({
            t("cols.year", lang): _num(getattr(r, "year", None)),
            t("cols.level", lang): _lv(getattr(r, "level", None), lang),
            t("cols.criteria_met", lang): (f"{_num(r.criteria_met)}/{_num(r.criteria_total)}"
                                           if _num(getattr(r, "criteria_met", None)) is not None else ""),
            t("cols.missing", lang): criteria_names(ds, getattr(r, "criteria_set", None), getattr(r, "missing_criteria", None), lang),
            t("cols.decision", lang): _txt(getattr(r, "decision_no", None)),
            t("cols.provenance", lang): _pv(getattr(r, "provenance", None), lang),
            t("cols.source", lang): _txt(getattr(r, "source_id", None)),
        })
    return safe_frame(pd.DataFrame(rows))


def _txt(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def holdouts_table(h: pd.DataFrame, lang: str) -> pd.DataFrame:
    rename = {"name": t("cols.unit", lang), "district_name": t("cols.district", lang), "rule": t("cols.rule", lang),
              "level": t("cols.level", lang), "target_level": t("cols.target", lang),
              "target_year": t("cols.target_year", lang), "years_overdue": t("cols.years_overdue", lang),
              "provenance": t("cols.provenance", lang), "source_id": t("cols.source", lang)}
    out = h[[c for c in rename if c in h.columns]].copy()
    for c in ("level", "target_level"):
        if c in out.columns:
            out[c] = out[c].map(lambda v: _lv(v, lang))
    if "rule" in out.columns:
        out["rule"] = out["rule"].map(lambda v: t("holdouts.rule_a", lang) if str(v) == "a" else
                                      (t("holdouts.rule_b", lang) if str(v) == "b" else str(v)))
    if "provenance" in out.columns:
        out["provenance"] = out["provenance"].map(lambda v: _pv(v, lang))
    for c in ("target_year", "years_overdue"):
        if c in out.columns:
            out[c] = out[c].map(lambda v: "" if v is None or pd.isna(v) else str(int(v)))
    for c in ("district_name", "source_id"):
        if c in out.columns:
            out[c] = out[c].map(lambda v: "" if v is None or pd.isna(v) else str(v))
    return safe_frame(out.rename(columns=rename))


ORDER = list(CLASSIC_LADDER.levels) + [MIXED, UNKNOWN]   # rows and columns of the transitions matrix


def transitions_matrix(tr: pd.DataFrame, lang: str, ya, yb) -> pd.DataFrame:
    """Eligible communes by level in year A (rows) and year B (columns)."""
    if tr is None or not len(tr):
        return pd.DataFrame()
    el = tr[tr["eligible"].astype(bool)]
    m = pd.crosstab(el["level_a"].astype(str), el["level_b"].astype(str))
    rows = [lv for lv in ORDER if lv in m.index] + [lv for lv in m.index if lv not in ORDER]
    cols = [lv for lv in ORDER if lv in m.columns] + [lv for lv in m.columns if lv not in ORDER]
    m = m.loc[rows, cols]
    m.index = [f"{ya}: {_lv(v, lang)}" for v in m.index]
    m.columns = [f"{yb}: {_lv(v, lang)}" for v in m.columns]
    return m


def transitions_table(tr: pd.DataFrame, lang: str, ya, yb) -> pd.DataFrame:
    """The communes whose level changed (up or down), with names."""
    if tr is None or not len(tr):
        return pd.DataFrame()
    ch = tr[tr["change"].astype(str).isin(["up", "down"])]
    return safe_frame(pd.DataFrame({
        t("cols.commune", lang): ch["name"], t("cols.district", lang): ch["district_name"],
        t("cols.from", lang, year=ya): ch["level_a"].map(lambda v: _lv(v, lang)),
        t("cols.to", lang, year=yb): ch["level_b"].map(lambda v: _lv(v, lang)),
        t("cols.change", lang): ch["change"].map(lambda v: t(f"progress.change_{v}", lang)),
        t("cols.provenance", lang): ch["provenance_b"].map(lambda v: _pv(v, lang)),
    }))


def sources_table(src: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = {"title": t("cols.title", lang), "issuer": t("cols.issuer", lang), "doc_number": t("cols.number", lang),
            "doc_date": t("cols.date", lang), "kind": t("cols.kind", lang), "url": t("cols.link", lang)}
    out = src[[c for c in cols if c in src.columns]].copy()
    if "doc_date" in out.columns and "published" in src.columns:
        out["doc_date"] = [d if isinstance(d, str) and d else (p if isinstance(p, str) else "")
                           for d, p in zip(src["doc_date"], src["published"])]
    if "kind" in out.columns:
        out["kind"] = out["kind"].map(lambda k: t(f"sources.kind.{k}", lang) if str(k) in KINDS else ("" if pd.isna(k) else str(k)))
    out = out.astype(object).where(out.notna(), "")
    return safe_frame(out.rename(columns=cols))


KINDS = {"decision", "news", "report", "plan", "dataset", "seed"}


def link_config(lang: str) -> dict:
    return {t("cols.link", lang): st.column_config.LinkColumn(t("cols.link", lang))}
