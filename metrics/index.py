"""The leadership-effectiveness index: transparent arithmetic, pure functions.

**Normalisation (rank-based).** Within one province and period, each component is turned into a
score in [0, 1] by its rank among the localities that have a value for it: the lowest value scores
0, the highest 1, and ``(r − 1) / (n − 1)`` in between, where ``r`` is the locality's rank (1 =
lowest). Tied values share the average of their ranks, so equal values always get equal scores;
when only one locality has a value, or all values are equal, every score is 0.5. Ranks ignore how
far apart the values are: one very large district cannot squash the others.

**The index** is the weighted mean of the scores × 100 (0–100), over the components whose weight
is not zero. Weights default to 1 each (equal); any non-negative numbers may replace them, at
least one above zero. A locality **missing a component of non-zero weight is incomplete**: its
index and rank are None, never a zero; a zero-weight component never makes one incomplete.

**Ranks** are 1 for the highest index; localities whose indexes are equal (to 1e-9) share a rank
and the next rank skips ("1, 2, 2, 4"). Within a tie, order is by name.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from domain.indicators import INDICATORS

TIE = 1e-9
DEFAULT_WEIGHTS = {k: 1.0 for k in INDICATORS}
# The sensitivity scenarios: each weighted component left out, and each one doubled.
SCENARIO_FACTORS = (0.0, 2.0)


class WeightsError(ValueError):
    """A weight specification that cannot be used (unknown key, negative, all zero…)."""


def parse_weights(text: str | None) -> dict:
    """``"criteria_met=2,model_gardens=0"`` → {key: weight}; only the listed keys."""
    out: dict = {}
    if text is None or not str(text).strip():
        return out
    for part in str(text).split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise WeightsError(f"{part.strip()!r}: write key=value, e.g. criteria_met=2")
        k, v = (x.strip() for x in part.split("=", 1))
        if k not in DEFAULT_WEIGHTS:
            raise WeightsError(f"unknown component {k!r}; one of {', '.join(INDICATORS)}")
        try:
            w = float(v)
        except ValueError:
            raise WeightsError(f"{k}={v!r}: the weight must be a number") from None
        if not math.isfinite(w) or w < 0:
            raise WeightsError(f"{k}={v}: a weight must be a finite number ≥ 0")
        out[k] = w
    return out


def weights_with(overrides: dict | None = None) -> dict:
    """The default weights with ``overrides`` replacing the listed keys (unlisted keep theirs)."""
    w = dict(DEFAULT_WEIGHTS)
    for k, v in (overrides or {}).items():
        if k not in w:
            raise WeightsError(f"unknown component {k!r}; one of {', '.join(INDICATORS)}")
        v = float(v)
        if not math.isfinite(v) or v < 0:
            raise WeightsError(f"{k}={v}: a weight must be a finite number ≥ 0")
        w[k] = v
    if not any(v > 0 for v in w.values()):
        raise WeightsError("at least one weight must be above zero")
    return w


def weights_text(weights: dict) -> str:
    """The weights that differ from the defaults, as ``k=v,…`` (empty when all are defaults)."""
    return ",".join(f"{k}={_num(weights[k])}" for k in INDICATORS
                    if k in weights and float(weights[k]) != DEFAULT_WEIGHTS[k])


def _num(x: float) -> str:
    return str(int(x)) if float(x) == int(x) else repr(float(x))


def rank_scores(values: dict) -> dict:
    """{code: value or None} → {code: score in [0, 1] or None} (rank-based, ties averaged)."""
    known = sorted(((v, c) for c, v in values.items() if v is not None), key=lambda x: x[0])
    n = len(known)
    out = {c: None for c in values}
    i = 0
    while i < n:
        j = i
        while j + 1 < n and abs(known[j + 1][0] - known[i][0]) <= TIE:
            j += 1
        avg_rank = (i + j) / 2 + 1            # 1-based average rank of the tie group
        score = 0.5 if n == 1 else (avg_rank - 1) / (n - 1)
        for k in range(i, j + 1):
            out[known[k][1]] = score
        i = j + 1
    return out


def competition_ranks(indexes: dict) -> dict:
    """{code: index or None} → {code: rank or None}: 1 = highest, ties share ("1, 2, 2, 4")."""
    known = sorted(((v, c) for c, v in indexes.items() if v is not None), key=lambda x: -x[0])
    out = {c: None for c in indexes}
    rank = 0
    prev = None
    for pos, (v, c) in enumerate(known, start=1):
        if prev is None or abs(v - prev) > TIE:
            rank = pos
            prev = v
        out[c] = rank
    return out


@dataclass(frozen=True)
class Result:
    unit_code: str
    index: float | None
    rank: int | None
    complete: bool
    scores: dict            # {key: score or None}
    missing: tuple          # weighted components without a value


def compute(components: dict, weights: dict | None = None) -> dict:
    """``components`` = {code: {key: value or None}} (every locality of one province and period);
    returns {code: Result}. ``weights`` are full or partial (see ``weights_with``)."""
    w = weights_with(weights)
    codes = list(components)
    scores = {k: rank_scores({c: components[c].get(k) for c in codes}) for k in INDICATORS}
    total = sum(v for v in w.values() if v > 0)
    indexes, missing = {}, {}
    for c in codes:
        miss = tuple(k for k in INDICATORS if w[k] > 0 and scores[k][c] is None)
        missing[c] = miss
        indexes[c] = None if miss else 100.0 * sum(w[k] * scores[k][c] for k in INDICATORS if w[k] > 0) / total
    ranks = competition_ranks(indexes)
    return {c: Result(c, indexes[c], ranks[c], not missing[c], {k: scores[k][c] for k in INDICATORS}, missing[c])
            for c in codes}


def ordered(results: dict, names: dict | None = None) -> list[Result]:
    """Ranked localities first (by rank, then name), then the incomplete ones (by name)."""
    names = names or {}
    return sorted(results.values(), key=lambda r: (r.rank is None, r.rank or 0, names.get(r.unit_code, ""),
                                                   r.unit_code))


def change(current: dict, previous: dict | None) -> dict:
    """{code: (index change, rank change)} against the previous period's results for the same
    codes (a positive rank change = moved up); None where either side has no rank."""
    out = {}
    for c, r in current.items():
        p = (previous or {}).get(c)
        if p is None or r.index is None or p.index is None:
            out[c] = (None, None)
        else:
            out[c] = (r.index - p.index, p.rank - r.rank)
    return out


def sensitivity(components: dict, weights: dict | None = None) -> dict:
    """How much the ranking moves when the weights change: for each weighted component, the
    ranking with that component left out (weight 0) and with its weight doubled.

    Returns {"scenarios": [{"component", "factor", "weight", "moved", "max_shift"}], "ranges":
    {code: (best rank, worst rank)}} over the localities ranked in the base case, re-ranked among
    themselves in each scenario."""
    w = weights_with(weights)
    base = compute(components, w)
    ranges = {c: [r.rank, r.rank] for c, r in base.items() if r.rank is not None}
    scenarios = []
    for k in INDICATORS:
        if w[k] <= 0:
            continue
        for f in SCENARIO_FACTORS:
            alt_w = dict(w, **{k: w[k] * f})
            if not any(v > 0 for v in alt_w.values()):
                continue
            alt = compute(components, alt_w)
            # ranked among the same localities as the base case (a locality a zero weight makes
            # complete does not push the others down)
            alt_rank = competition_ranks({c: alt[c].index for c in ranges})
            shifts = []
            for c, (lo, hi) in ranges.items():
                r = alt_rank[c]
                shifts.append(abs(r - base[c].rank))
                ranges[c] = [min(lo, r), max(hi, r)]
            scenarios.append({"component": k, "factor": f, "weight": alt_w[k],
                              "moved": sum(1 for s in shifts if s), "max_shift": max(shifts, default=0)})
    return {"scenarios": scenarios, "ranges": {c: tuple(v) for c, v in ranges.items()}}
