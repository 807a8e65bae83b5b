"""Display tables (translated headers and values) built from metrics output. Every table that can
hold imported text (names, decision numbers, source titles) is formula-neutralised here
(``ui.frame.safe.safe_frame``): Streamlit's own dataframe toolbar offers it for download."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.levels import CLASSIC_LADDER, COMPUTED_STATES, MIXED, PROVENANCE, STORED_LEVELS, UNKNOWN
from metrics.fmt import format_percent
from metrics.present import source_ref
from ui.frame.i18n import t
from ui.frame.safe import safe_frame

_LEVELS = set(STORED_LEVELS) | set(COMPUTED_STATES)
_PROVS = set(PROVENANCE)


def _lv(v, lang):
    return t(f"levels.{v}", lang) if str(v) in _LEVELS else ("" if v is None or pd.isna(v) else str(v))


def _pv(v, lang):
    return t(f"provenance.{v}", lang) if str(v) in _PROVS else ("" if v is None or pd.isna(v) else str(v))


def _sources(ds) -> dict:
    """{source_id: its row} of the dataset's sources (built once per dataset object)."""
    if ds is None or getattr(ds, "sources", None) is None:
        return {}
    cache = _SOURCES.get(id(ds))
    if cache is None or cache[0] is not ds.sources:
        rows = {str(r["source_id"]): r for r in ds.sources.to_dict("records")}
        cache = (ds.sources, rows)
        _SOURCES.clear()
        _SOURCES[id(ds)] = cache
    return cache[1]


_SOURCES: dict = {}


def source_refs(ds, source_ids, lang: str) -> list[dict]:
    """The short human label, title and link of each source id (``metrics.present.source_ref``;
    ids joined by ";" in a derived record are split); an id without a row keeps its id."""
    if source_ids is None or (not isinstance(source_ids, (str, list, tuple)) and pd.isna(source_ids)):
        return []
    ids = source_ids if isinstance(source_ids, (list, tuple)) else str(source_ids).split(";")
    rows = _sources(ds)
    out = []
    for sid in dict.fromkeys(str(x).strip() for x in ids if str(x).strip()):
        ref = source_ref(rows.get(sid), lang)
        out.append(ref or {"source_id": sid, "label": sid, "title": sid, "url": None, "date": ""})
    return out


def source_text(ds, source_ids, lang: str) -> str:
    """Sources as their short labels ("Báo Hà Tĩnh, 12/10/2019; …"), never as internal ids."""
    return "; ".join(r["label"] for r in source_refs(ds, source_ids, lang))


def source_url(ds, source_ids) -> str | None:
    """The first web link among the sources (for a link column)."""
    return next((r["url"] for r in source_refs(ds, source_ids, "vi") if r["url"]), None)


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


def history_table(hist: pd.DataFrame, ds, lang: str) -> pd.DataFrame:
    rows = []
    for r in hist.itertuples(index=False):
        rows.append({
            t("cols.year", lang): str(_num(getattr(r, "year", None)) or ""),
            t("cols.level", lang): _lv(getattr(r, "level", None), lang),
            t("cols.criteria_met", lang): (f"{_num(r.criteria_met)}/{_num(r.criteria_total)}"
                                           if _num(getattr(r, "criteria_met", None)) is not None else ""),
            t("cols.missing", lang): criteria_names(ds, getattr(r, "criteria_set", None), getattr(r, "missing_criteria", None), lang),
            t("cols.decision", lang): _txt(getattr(r, "decision_no", None)),
            t("cols.provenance", lang): _pv(getattr(r, "provenance", None), lang),
            t("cols.source", lang): source_text(ds, getattr(r, "source_id", None), lang),
        })
    return safe_frame(pd.DataFrame(rows))


def _txt(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _rule_text(reason: dict, lang: str) -> str:
    """One rule a unit meets, in words: past its target year (which target, how late), or among
    the last units of its area (the area's figure it is measured on)."""
    if reason.get("rule") == "a":
        y = reason.get("target_year")
        over = reason.get("years_overdue")
        text = t("holdouts.reason_a", lang, target=_lv(reason.get("target_level"), lang), year=_num(y) or "")
        return text + (t("holdouts.overdue", lang, n=int(over)) if over else "")
    share = reason.get("area_share")
    pct = "" if share is None or pd.isna(share) else format_percent(float(share), lang, decimals=0)
    lvl = reason.get("target_level")
    return t("holdouts.reason_b", lang, target=t(f"metrics.caption.level.{lvl}", lang) if lvl else "",
             area=_txt(reason.get("area_name")), share=pct)


def holdouts_table(units: list[dict], ds, lang: str, targets: dict | None = None) -> pd.DataFrame:
    """One row per unit (``summary["holdouts"]["units"]``) with every rule it meets, its target
    and state (the one unit-target rule), its level, and the source as a short label with a link."""
    from metrics.present import unit_target_text
    rows = []
    for u in units or []:
        reasons = u.get("reasons") or []
        mine = {x["target_id"]: x for x in (targets or {}).get(str(u["unit_code"]), [])}
        tg = [unit_target_text(mine[r["target_id"]], lang) for r in reasons
              if r.get("rule") == "a" and r.get("target_id") in mine]
        rows.append({
            t("cols.unit", lang): u.get("name"),
            t("cols.district", lang): _txt(u.get("district_name")),
            t("cols.level", lang): _lv(u.get("level"), lang),
            t("cols.rule", lang): "; ".join(dict.fromkeys(_rule_text(r, lang) for r in reasons)),
            t("cols.target", lang): "; ".join(dict.fromkeys(tg)),
            t("cols.provenance", lang): _pv(u.get("provenance"), lang),
            t("cols.source", lang): source_text(ds, u.get("source_id"), lang),
            t("cols.link", lang): source_url(ds, u.get("source_id")),
        })
    return safe_frame(pd.DataFrame(rows))


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
