"""The leadership index of one province and period, put together (pure): the components
(``metrics.indicators``), the index and ranks (``metrics.index``), the change since the previous
period and the sensitivity to the weights. ``build_index`` is what ``python -m metrics index``
prints and what the page and the briefing show."""
from __future__ import annotations

from domain.indicators import INDICATORS
from domain.periods import parse

from . import index as ix
from .common import MetricsInputError
from .indicators import Context


def _plain(v):
    if v is None:
        return None
    v = float(v)
    return int(v) if v.is_integer() else round(v, 4)


def build_index(ctx: Context, period, weights: dict | None = None, sensitivity: bool = False) -> dict:
    """The DESIGN §3 object ``{"period", "weights", "localities": [{"unit_code", "name",
    "components", "index", "rank", "complete"}]}`` plus ``province``, ``vintage``, ``level``,
    ``normalisation``, ``previous_period`` and, per locality, ``vintage``, ``scores``, ``missing``
    (weighted components without a value), ``provenance`` (weakest class of its components) and
    ``change`` (index and rank change since the previous period of the same kind; None when the
    previous period is on another vintage or either rank is missing)."""
    p = parse(period)
    w = ix.weights_with(weights)
    comp = ctx.components(p)
    matrix = ctx.matrix(p)
    res = ix.compute(matrix, w)
    names = {str(c): n for c, n in zip(comp["unit_code"], comp["name"])}
    prov: dict = {}
    for c, k, pv in zip(comp["unit_code"], comp["indicator"], comp["provenance"]):
        if w[k] > 0 and isinstance(pv, str):
            prov.setdefault(str(c), []).append(pv)
    prev = p.previous()
    try:
        same = ctx.vintage(prev).vintage == ctx.vintage(p).vintage
    except MetricsInputError:
        same = False
    prev_res = ix.compute(ctx.matrix(prev), w) if same else None
    delta = ix.change(res, prev_res)
    from domain.levels import weakest
    out = {
        "period": str(p), "weights": {k: _plain(w[k]) for k in INDICATORS},
        "province": ctx.province_code, "vintage": comp.attrs["vintage"], "level": comp.attrs["level"],
        "normalisation": "rank", "previous_period": str(prev) if same else None,
        "localities": [],
    }
    for r in ix.ordered(res, names):
        d_index, d_rank = delta[r.unit_code]
        out["localities"].append({
            "unit_code": r.unit_code, "name": names.get(r.unit_code),
            "components": {k: _plain(matrix[r.unit_code].get(k)) for k in INDICATORS},
            "index": None if r.index is None else round(r.index, 4), "rank": r.rank, "complete": r.complete,
            "vintage": comp.attrs["vintage"],
            "scores": {k: None if r.scores[k] is None else round(r.scores[k], 4) for k in INDICATORS},
            "missing": list(r.missing), "provenance": weakest(prov.get(r.unit_code, [])),
            "change": {"index": None if d_index is None else round(d_index, 4), "rank": d_rank},
        })
    if sensitivity:
        s = ix.sensitivity(matrix, w)
        out["sensitivity"] = {"scenarios": s["scenarios"],
                              "ranges": {c: list(v) for c, v in s["ranges"].items()}}
    return out
