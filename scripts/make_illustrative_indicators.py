"""Generate the ILLUSTRATIVE locality indicators and report receipts of Hà Tĩnh (demo only).

Nothing here is a sourced fact. The fill lets the leadership index and the reporting calendar be
demonstrated; every row has provenance `illustrative`, `source_id = illustrative-indicators` and a
note starting "ILLUSTRATIVE". It fills gaps only and respects the sourced rows of
`geodata/records/indicators.csv`:

* no row where a sourced row gives the same (vintage, unit, period, indicator, basis);
* stocks are calibrated to the sourced province totals — 230 model residential areas and 2,340
  (> 2,300) model gardens at end-2018, 103 model villages and 1,753 model gardens at 9/2025 (the
  new definition restarts the count in 2022: a break, not a fall) — and never contradict a
  sourced locality value (Cẩm Xuyên: ≤ 104 / 1,037 up to 2020, ≥ them from 2021);
* stocks never decrease within a definition; flows are counts per period (a year's flow is the sum
  of its months where months exist).

Periods: yearly rows 2016–2024 for the 13 district-level units, each year on the vintage valid on
its 31 December (the domain rule, on the boundaries' meta.json: 2016–2019 on `42-2019`, 2020–2024 on
`42-2020`); monthly rows from 2023-01 to the last full month of `42-2020` (its meta.json `valid_to`)
for the districts and, when the boundaries have the two-level vintage valid on 31/12/2025
(`42-2025`), 2025-07 … 2025-12 for its xã — only for the months whose report "arrived" (the 9/2025
reports always arrive, late at worst: their sum is the sourced province count). Receipts: one per locality and month reported, on time (by the 20th), late or missing
with a seeded per-locality punctuality; some arrive on the evening of the 20th to show the
23:59 rule. Same seed ⇒ identical bytes.

Usage:  python scripts/make_illustrative_indicators.py --seed 20162 [--out geodata/records/illustrative]
Reads geodata/records/indicators.csv, geodata/registers/units.csv and the vintages' validity in
geodata/boundaries/*/meta.json.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from domain.levels import ILLUSTRATIVE  # noqa: E402
from domain.vintages import drawing_day, valid_on, vintages_from  # noqa: E402

PROVINCE = "42"
YEARS = range(2016, 2025)                          # the yearly rows
SOURCE_ID = "illustrative-indicators"
LOCAL = dt.timezone(dt.timedelta(hours=7))          # Asia/Ho_Chi_Minh (no daylight saving)
IND_COLS = ["record_id", "vintage", "unit_code", "admin_level", "period", "indicator", "value", "qualifier",
            "basis", "definition", "source_id", "provenance", "note"]
REC_COLS = ["vintage", "unit_code", "period", "received_at", "username", "provenance", "note"]
FLOWS = ("new_models", "new_enterprises", "new_cooperatives")
STOCKS = ("model_residential_areas", "model_gardens", "villages_standard")
# Province totals of the stocks at the end of each year (old definition up to 2021, new from 2022)
# and at the end of June 2025 (last month of the districts); September 2025 for the communes.
# 2018 and 9/2025 are the sourced figures; the rest is illustrative.
TOTALS = {
    "model_residential_areas": {2016: 70, 2017: 150, 2018: 230, 2019: 290, 2020: 350, 2021: 400,
                                2022: 30, 2023: 62, 2024: 88, "2025-06": 100, "2025-09": 103},
    "model_gardens": {2016: 700, 2017: 1500, 2018: 2340, 2019: 2900, 2020: 3500, 2021: 3900,
                      2022: 520, 2023: 980, 2024: 1400, "2025-06": 1700, "2025-09": 1753},
    "villages_standard": {2016: 250, 2017: 420, 2018: 560, 2019: 690, 2020: 800, 2021: 880,
                          2022: 180, 2023: 360, 2024: 520, "2025-06": 600, "2025-09": 640},
}
# Mean flows per district and month (scaled by a per-district factor; a commune gets a quarter).
FLOW_RATE = {"new_models": 3.0, "new_enterprises": 1.0, "new_cooperatives": 0.4}
FIRST_MONTH, LAST_MONTH = (2023, 1), (2025, 12)


class FillError(Exception):
    pass


def read(path: Path) -> list:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def phase(year: int) -> str:
    return "2016-2020" if year <= 2021 else "2021-2025"


def months(first, last):
    y, m = first
    while (y, m) <= last:
        yield y, m
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)


def poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method (small rates): deterministic for a given generator state
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def split(total: int, shares: dict) -> dict:
    """``total`` split by ``shares`` with largest remainders (the parts sum to ``total``)."""
    s = sum(shares.values())
    raw = {k: total * v / s for k, v in shares.items()}
    out = {k: int(math.floor(x)) for k, x in raw.items()}
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def last_month(boundaries: Path, vintage: str) -> tuple:
    """The last month a vintage is valid in (meta.json valid_to), capped at LAST_MONTH."""
    meta = json.loads((boundaries / vintage / "meta.json").read_text(encoding="utf-8"))
    if not meta.get("valid_to"):
        return LAST_MONTH
    end = dt.date.fromisoformat(meta["valid_to"])
    if end.month != 12 and (end + dt.timedelta(days=1)).day != 1:
        end = end.replace(day=1) - dt.timedelta(days=1)   # a month counts only when valid to its end
    return min((end.year, end.month), LAST_MONTH)


def drawn_on(boundaries: Path) -> dict:
    """Year -> the province's vintage that year is drawn on (valid on 31 December: the domain
    rule), for the yearly rows and the last year of the months (None when no vintage is)."""
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(boundaries.glob("*/meta.json"))]
    vs = vintages_from(metas)
    out = {}
    for y in (*YEARS, LAST_MONTH[0]):
        v = valid_on(vs, PROVINCE, drawing_day(y))
        out[y] = v.vintage if v else None
    return out


def build(seed: int, records: Path, registers: Path, boundaries: Path) -> tuple[bytes, bytes]:
    rng = random.Random(seed)
    year_vintage = drawn_on(boundaries)
    # the district-level layers of the yearly rows (before and after the 2019→2020 merger) and
    # the two-level layer of the communes' months
    old_v, mid_v, new_v = year_vintage[YEARS[0]], year_vintage[YEARS[-1]], year_vintage[LAST_MONTH[0]]
    if None in (old_v, mid_v) or {year_vintage[y] for y in YEARS} != {old_v, mid_v}:
        raise FillError(f"years {YEARS[0]}-{YEARS[-1]} of province {PROVINCE} are not drawn on two "
                        f"district-level vintages of {boundaries}: {year_vintage}")
    last_district_month = last_month(boundaries, mid_v)
    units = read(registers / "units.csv")
    sourced = {(r["vintage"], r["unit_code"], r["period"], r["indicator"], r["basis"]): r
               for r in read(records / "indicators.csv")}
    districts = sorted(u["unit_code"] for u in units if u["vintage"] == mid_v and u["admin_level"] == "district")
    old_districts = {u["unit_code"] for u in units if u["vintage"] == old_v and u["admin_level"] == "district"}
    if not districts or set(districts) != old_districts:
        raise FillError(f"the district-level units of {old_v} and {mid_v} differ (or are missing)")
    communes = sorted(u["unit_code"] for u in units if u["vintage"] == new_v and u["admin_level"] == "commune"
                      and u["unit_type"] == "xã")
    towns = {"436", "437", "449"}          # thành phố / thị xã: fewer villages and gardens

    shares = {d: rng.uniform(0.3, 0.6) if d in towns else rng.uniform(0.7, 1.5) for d in districts}
    # Cẩm Xuyên (446) had 104 of the model residential areas and 1,037 model gardens in 9/2021
    # (sourced): give it about that share of the 2021 totals, so its own series leads up to them.
    lead = "446"
    if lead in shares:
        frac = 104 / TOTALS["model_residential_areas"][2021]
        shares[lead] = frac * (sum(shares.values()) - shares[lead]) / (1 - frac)
    pace = {d: rng.uniform(0.6, 1.5) for d in districts}
    c_shares = {c: rng.uniform(0.5, 1.5) for c in communes}
    c_pace = {c: rng.uniform(0.6, 1.5) for c in communes}

    # ---- stocks: per-district values at each year end and at 6/2025 ----------------------
    stock = {}    # (indicator, district, key) -> value ; key = year or "2025-06"
    for key in STOCKS:
        for when, total in TOTALS[key].items():
            if when == "2025-09":
                continue
            for d, v in split(total, shares).items():
                stock[(key, d, when)] = v
        # a sourced locality value is a bound for its own definition's years
        for (vin, code, period, k, basis), r in sourced.items():
            if k != key or basis != "actual" or code not in shares or vin not in (old_v, mid_v):
                continue
            y, v = int(period[:4]), int(float(r["value"]))
            for when in TOTALS[key]:
                if isinstance(when, int) and phase(when) == phase(y):
                    if when < y:
                        stock[(key, code, when)] = min(stock[(key, code, when)], v)
                    elif when >= y:
                        stock[(key, code, when)] = max(stock[(key, code, when)], v)
        for d in districts:   # never decreasing within a definition
            seq = [w for w in TOTALS[key] if w != "2025-09"]
            for a, b in zip(seq, seq[1:]):
                same = (phase(b) if isinstance(b, int) else "2021-2025") == (phase(a) if isinstance(a, int) else "2021-2025")
                if same and stock[(key, d, b)] < stock[(key, d, a)]:
                    stock[(key, d, b)] = stock[(key, d, a)]

    ind_rows, rec_rows = [], []
    note = f"ILLUSTRATIVE (scripts/make_illustrative_indicators.py --seed {seed})"

    def add(vintage, code, level, period, key, value):
        if (vintage, code, period, key, "actual") in sourced:
            return
        ind_rows.append({"record_id": f"NI-{vintage}-{code}-{period}-{key}", "vintage": vintage,
                         "unit_code": code, "admin_level": level, "period": period, "indicator": key,
                         "value": str(int(value)), "qualifier": "exact", "basis": "actual",
                         "definition": phase(int(period[:4])) if key in STOCKS else "",
                         "source_id": SOURCE_ID, "provenance": ILLUSTRATIVE, "note": note})

    # ---- monthly flows (true values; a month is written only when its report arrived) ------
    month_flow = {}
    for d in districts:
        for y, m in months(FIRST_MONTH, last_district_month):
            for key in FLOWS:
                month_flow[(key, d, y, m)] = poisson(rng, FLOW_RATE[key] * pace[d])
    for c in communes:
        for y, m in months((2025, 7), LAST_MONTH):
            for key in FLOWS:
                month_flow[(key, c, y, m)] = poisson(rng, FLOW_RATE[key] * c_pace[c] / 4)

    # ---- yearly rows ---------------------------------------------------------------------
    for y in YEARS:
        vintage = year_vintage[y]
        for d in districts:
            for key in FLOWS:
                if y >= FIRST_MONTH[0]:
                    v = sum(month_flow[(key, d, y, m)] for m in range(1, 13))
                else:
                    v = poisson(rng, 12 * FLOW_RATE[key] * pace[d])
                add(vintage, d, "district", str(y), key, v)
            for key in STOCKS:
                add(vintage, d, "district", str(y), key, stock[(key, d, y)])

    # ---- receipts and monthly rows ---------------------------------------------------------
    def punctuality():
        return rng.choice((0.97, 0.9, 0.8, 0.65, 0.45))

    def receipt(vintage, code, y, m, p_on, must=False):
        """Returns True when the report arrived (on time or late); with ``must`` it arrives, late
        at worst (the month of a sourced total, which the fill's rows must add up to)."""
        u = rng.random()
        if u < p_on:
            day = rng.randint(5, 20)
            hour, minute = (23, rng.randint(0, 58)) if day == 20 and rng.random() < 0.3 else \
                (rng.randint(7, 16), rng.randint(0, 59))
        elif u < p_on + (1 - p_on) * 0.7 or must:
            day = rng.randint(21, 28)
            hour, minute = rng.randint(7, 16), rng.randint(0, 59)
        else:
            return False
        local = dt.datetime(y, m, day, hour, minute, rng.randint(0, 59), tzinfo=LOCAL)
        utc = local.astimezone(dt.timezone.utc).replace(tzinfo=None)
        rec_rows.append({"vintage": vintage, "unit_code": code, "period": f"{y:04d}-{m:02d}",
                         "received_at": utc.isoformat(), "username": f"illustrative:{code}",
                         "provenance": ILLUSTRATIVE, "note": note})
        return True

    for d in districts:
        p_on = punctuality()
        for y, m in months(FIRST_MONTH, last_district_month):
            if not receipt(mid_v, d, y, m, p_on):
                continue
            period = f"{y:04d}-{m:02d}"
            for key in FLOWS:
                add(mid_v, d, "district", period, key, month_flow[(key, d, y, m)])
            for key in STOCKS:
                # from the previous year end towards the next one (or 6/2025), month by month
                if (y, m) == (2025, 6):
                    v = stock[(key, d, "2025-06")]
                else:
                    start = stock[(key, d, y - 1)]
                    end = stock[(key, d, y)] if y <= 2024 else stock[(key, d, "2025-06")]
                    span = 12 if y <= 2024 else 6
                    v = start + (end - start) * m // span
                add(mid_v, d, "district", period, key, v)
    if communes:
        for key in STOCKS:
            sep = split(TOTALS[key]["2025-09"], c_shares)
            for c in communes:
                # 7/2025 (and maybe 8/2025) one below September, flat after it: never falling
                upto = rng.choice((7, 8)) if sep[c] > 0 and rng.random() < 0.3 else 0
                for y, m in months((2025, 7), LAST_MONTH):
                    stock[(key, c, (y, m))] = sep[c] - (1 if y == 2025 and m <= upto else 0)
        for c in communes:
            p_on = punctuality()
            for y, m in months((2025, 7), LAST_MONTH):
                if not receipt(new_v, c, y, m, p_on, must=(y, m) == (2025, 9)):
                    continue
                period = f"{y:04d}-{m:02d}"
                for key in FLOWS:
                    add(new_v, c, "commune", period, key, month_flow[(key, c, y, m)])
                for key in STOCKS:
                    add(new_v, c, "commune", period, key, stock[(key, c, (y, m))])

    def out(cols, rows):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue().encode("utf-8")

    for key, when, want, where in (("model_residential_areas", 2018, 230, districts),
                                   ("model_gardens", 2018, 2340, districts),
                                   ("model_residential_areas", (2025, 9), 103, communes),
                                   ("model_gardens", (2025, 9), 1753, communes)):
        got = sum(stock[(key, u, when)] for u in where)
        if where and got != want:
            raise FillError(f"{key} at {when}: the fill sums to {got}, not the sourced {want}")
    ind_rows.sort(key=lambda r: (r["vintage"], r["unit_code"], r["period"], r["indicator"]))
    rec_rows.sort(key=lambda r: (r["vintage"], r["unit_code"], r["period"]))
    return out(IND_COLS, ind_rows), out(REC_COLS, rec_rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20162)
    ap.add_argument("--records", default=str(REPO / "geodata" / "records"))
    ap.add_argument("--registers", default=str(REPO / "geodata" / "registers"))
    ap.add_argument("--boundaries", default=str(REPO / "geodata" / "boundaries"))
    ap.add_argument("--out", default=str(REPO / "geodata" / "records" / "illustrative"))
    a = ap.parse_args(argv)
    try:
        ind, rec = build(a.seed, Path(a.records), Path(a.registers), Path(a.boundaries))
    except FillError as e:
        print(f"make_illustrative_indicators: ERROR {e}", file=sys.stderr)
        return 1
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in (("indicators_illustrative.csv", ind), ("report_receipts_illustrative.csv", rec)):
        (out / name).write_bytes(data)
        rows = data.count(b"\n") - 1
        print(f"wrote {out / name} ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
