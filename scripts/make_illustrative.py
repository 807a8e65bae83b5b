"""Generate the ILLUSTRATIVE demo panel: a level for every Hà Tĩnh xã and every year 2014-2024.

Nothing here is a sourced fact. The fill only makes every year's map complete for the demo; every
row has provenance `illustrative` and says so in its note. It is built to respect the sourced data:

* never below a sourced (official/reported/derived) level at or before the year, never above a sourced
  `none` (a `none` at year Y means "not recognised" for every year up to Y), and never before a
  recognition year the sources give (a commune listed in a batch as newly standard/advanced/model did
  not have that level earlier);
* the ladder never goes down: year by year for a unit, and across the 2019→2020 merger (each 2019
  commune's 2019 level is at most its 2020 successor's 2020 level);
* the yearly counts equal the reported aggregates where they exist (method and the 181/182 question:
  geodata/records/README.md, "Illustrative fill").

Usage:  python scripts/make_illustrative.py --seed 20241 [--out geodata/records/illustrative]
Reads geodata/records/{status,aggregates}.csv, geodata/registers/{units,crosswalk}.csv and the
vintages' validity in geodata/boundaries/*/meta.json.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from domain.levels import ILLUSTRATIVE, LADDER, LEVEL_RANK, NONE  # noqa: E402
from domain.vintages import drawing_day, valid_on, vintages_from  # noqa: E402

RANK = LEVEL_RANK          # the classic ladder (2010–2025): none 0 … model 3
LEVEL = dict(enumerate(LADDER))
INF = 9999
PROVINCE = "42"            # Hà Tĩnh
# The years before and after the 2019→2020 merger; each range is drawn on one vintage, the one
# valid on 31 December (read from the boundaries' meta.json: 42-2019, then 42-2020).
OLD_YEARS, NEW_YEARS = list(range(2014, 2020)), list(range(2020, 2025))
SOURCE_ID = "illustrative-fill"
# Rows that are not first recognitions: the 2023 'thừa nhận' of merged communes re-recognises
# communes that were already NTM before the merger.
NOT_FIRST_RECOGNITION_SOURCES = {"baohatinh-259073"}
STATUS_COLS = ["record_id", "vintage", "unit_code", "admin_level", "year", "level", "criteria_set",
               "criteria_met", "criteria_total", "missing_criteria", "decision_no", "decision_date",
               "source_id", "provenance", "derived_from", "note"]


class FillError(Exception):
    pass


def read(path: Path) -> list:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def drawn_on(boundaries: Path, years) -> str:
    """The province's vintage the years are drawn on (valid on 31 December of each: the domain
    rule); FillError unless it is one and the same for all of them."""
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(boundaries.glob("*/meta.json"))]
    vs = vintages_from(metas)
    on = {y: valid_on(vs, PROVINCE, drawing_day(y)) for y in years}
    ids = {v.vintage if v else None for v in on.values()}
    if len(ids) != 1 or None in ids:
        raise FillError(f"years {years[0]}-{years[-1]} of province {PROVINCE} are not drawn on one "
                        f"vintage of {boundaries}: {sorted(map(str, ids))}")
    return ids.pop()


def criteria_set(year: int) -> tuple:
    """(criteria_set, total) by label year; Hà Tĩnh assessed 20 criteria in 2016-2020."""
    if year <= 2016:
        return "2009", 19
    if year <= 2021:
        return "2016-2020", 20
    return "2021-2025", 19


class Bounds:
    """lo[u][y] / hi[u][y]: allowed rank range of unit u in year y."""

    def __init__(self, units, years):
        self.years = years
        self.lo = {u: {y: 0 for y in years} for u in units}
        self.hi = {u: {y: 3 for y in years} for u in units}

    def at_least(self, u, rank, from_year):
        for y in self.years:
            if y >= from_year:
                self.lo[u][y] = max(self.lo[u][y], rank)

    def at_most(self, u, rank, to_year):
        for y in self.years:
            if y <= to_year:
                self.hi[u][y] = min(self.hi[u][y], rank)

    def check(self, where):
        for u in self.lo:
            for y in self.years:
                if self.lo[u][y] > self.hi[u][y]:
                    raise FillError(f"{where}: sourced records contradict each other for {u} in {y}")


def sourced_bounds(status, vintage, units, years):
    """Bounds implied by the sourced records of one vintage."""
    b = Bounds(units, years)
    recs = [r for r in status if r["vintage"] == vintage and r["admin_level"] == "commune"
            and r["unit_code"] in units]
    for r in recs:
        u, y, k = r["unit_code"], int(r["year"]), RANK[r["level"]]
        b.at_least(u, k, y)
        first = (r["provenance"] != "derived" and not r["criteria_met"]
                 and r["source_id"] not in NOT_FIRST_RECOGNITION_SOURCES)
        if k > 0 and first:
            b.at_most(u, k - 1, y - 1)      # a new recognition at level k in year y
    # In a year with records, the fill never shows more than those records do (the metrics resolve
    # same-year ties towards the stronger provenance, so a higher illustrative level would be hidden).
    same_year = defaultdict(int)
    for r in recs:
        key = (r["unit_code"], int(r["year"]))
        same_year[key] = max(same_year[key], RANK[r["level"]])
    for (u, y), k in same_year.items():
        b.at_most(u, k, y)
    for r in recs:
        if r["level"] == NONE:
            u, y = r["unit_code"], int(r["year"])
            # `none` at y: not recognised up to y, unless a record of the same or an earlier
            # year already says more (same-year conflicts resolve to the higher level)
            for yy in years:
                if yy <= y and b.lo[u][yy] == 0:
                    b.hi[u][yy] = 0
    b.check(vintage)
    return b


def assign(units, years, targets, bounds, rng, floor=None):
    """Pick, for each threshold k=1..3, the year each unit first reaches rank >= k.

    targets[k][y] = number of units at rank >= k in year y. Earliest-deadline-first with random
    tie-breaks, so forced units (a sourced record says >= k by y) always fit when any solution does.
    """
    reach = {u: {} for u in units}
    for k in (1, 2, 3):
        def earliest(u):
            ys = [y for y in years if bounds.hi[u][y] >= k]
            e = ys[0] if ys else INF
            if k > 1:
                e = max(e, reach[u][k - 1])
            return e

        def latest(u):
            ys = [y for y in years if bounds.lo[u][y] >= k]
            return ys[0] if ys else INF

        done = 0
        todo = set(units)
        for y in years:
            need = targets[k][y] - done
            cands = [u for u in sorted(todo) if earliest(u) <= y
                     and all(bounds.hi[u][yy] >= k for yy in years if yy >= y)]
            overdue = [u for u in todo if latest(u) < y]
            if overdue:
                raise FillError(f"rank {k}: units {sorted(overdue)[:5]} missed their deadline")
            cands.sort(key=lambda u: (latest(u), rng.random()))
            forced = [u for u in cands if latest(u) == y]
            if len(forced) > need or len(cands) < need:
                raise FillError(f"rank {k}, year {y}: need {need}, {len(forced)} forced, "
                                f"{len(cands)} possible - the targets do not fit the sourced records")
            for u in cands[:need]:
                reach[u][k] = y
                todo.discard(u)
            done = targets[k][y]
        for u in todo:
            reach[u][k] = INF
    return {u: {y: sum(1 for k in (1, 2, 3) if reach[u][k] <= y) for y in years} for u in units}


def target_table(aggs, n_new, n_none_2022):
    a = {r["aggregate_id"]: float(r["value"]) for r in aggs if r["value"]}
    std_2014, std_2017 = int(a["A-42-2014-count_standard"]), int(a["A-42-2017-count_standard"])
    std_2018 = int(a["A-42-2018-count_standard"])
    # 173 after batch 1/2019 + 27 in batch 2/2019 + Sơn An ('hoàn thành nhiệm vụ', same batch)
    std_2019 = int(a["A-42-2019-count_standard"] + a["A-42-2019-added_standard-b2"]) + 1
    step = (std_2017 - std_2014) / 3          # 2015-2016 are not reported: linear
    adv_2019 = int(a["A-42-2019-added_advanced-b1"] + a["A-42-2019-added_advanced-b2"])
    old = {1: {2014: std_2014, 2015: round(std_2014 + step), 2016: round(std_2014 + 2 * step),
               2017: std_2017, 2018: std_2018, 2019: std_2019},
           2: {y: (adv_2019 if y == 2019 else 0) for y in OLD_YEARS},
           3: {y: 0 for y in OLD_YEARS}}
    # 2020-2024 on the 182-xã register: "all but the named holdouts" instead of 177/181, 181/181.
    all_but_holdouts = n_new - n_none_2022
    added_2021 = int(a["A-42-2021-added_standard"] + a["A-42-2021-added_standard-qd1337"])
    adv_2020 = adv_2019 + int(a["A-42-2020-added_advanced"])
    adv_2021 = adv_2020 + int(a["A-42-2021-added_advanced"] + a["A-42-2021-added_advanced-qd1337"])
    mod_2020 = int(a["A-42-2020-added_model"])
    mod_2021 = mod_2020 + int(a["A-42-2021-added_model"] + a["A-42-2021-added_model-qd1337"])
    adv_2023, mod_2023 = int(a["A-42-2023-count_advanced"]), int(a["A-42-2023-count_model"])
    new = {1: {2020: all_but_holdouts - added_2021, 2021: all_but_holdouts, 2022: all_but_holdouts,
               2023: n_new, 2024: n_new},
           2: {2020: adv_2020, 2021: adv_2021, 2022: adv_2021, 2023: adv_2023,
               2024: adv_2023 + int(a["A-42-2024-added_advanced"])},
           3: {2020: mod_2020, 2021: mod_2021, 2022: mod_2021, 2023: mod_2023,
               2024: mod_2023 + int(a["A-42-2024-added_model"])}}
    return old, new


def criteria_values(levels, years, rng, sourced_met):
    """criteria_met per unit-year: the full set when recognised; below it (non-decreasing within a
    criteria set) when not. Calibrated to the reported 2014 and 2018 figures (see README)."""
    out = {}
    for u, by_year in sorted(levels.items()):
        prev_set, prev = None, 0
        for y in years:
            cs, total = criteria_set(y)
            if cs != prev_set:
                prev = 0
            if by_year[y] > 0:
                val = total
            else:
                val = max(prev, rng.randint(9, total - 2))
                if (u, y) in sourced_met:
                    val = sourced_met[(u, y)]
                val = min(val, total - 1)
            out[(u, y)] = val
            prev_set, prev = cs, val
    return out


def calibrate_old(levels, crit, rng, sourced_met, caps, below7_2014, avg_2018):
    """2014: exactly `below7_2014` communes below 7 and none below 5 (both reported).
    2018: none below 11 and the average over all xã = `avg_2018` (reported 17.7, 20-criterion scale).
    Adjusts unrecognised communes only, keeping each one's values non-decreasing within a set."""
    units = sorted(levels)
    none14 = [u for u in units if levels[u][2014] == 0 and (u, 2014) not in sourced_met]
    if len(none14) < below7_2014:
        raise FillError("2014: fewer unrecognised communes than the reported 38 below 7 criteria")
    low = set(rng.sample(none14, below7_2014))
    for u in none14:
        v14 = rng.randint(5, 6) if u in low else rng.randint(7, 12)
        crit[(u, 2014)] = v14
        for y in (2015, 2016):              # same (2009) set: never below the year before
            if levels[u][y] == 0:
                crit[(u, y)] = max(crit[(u, y)], crit[(u, y - 1)])
    # 2018 on the 20-criterion set
    none18 = [u for u in units if levels[u][2018] == 0]
    fixed = {u for u in none18 if (u, 2018) in sourced_met}
    free = [u for u in none18 if u not in fixed]
    total_target = round(avg_2018 * len(units))
    rec_sum = sum(20 for u in units if levels[u][2018] > 0)
    need = total_target - rec_sum - sum(crit[(u, 2018)] for u in fixed)
    lo = {u: max(11, sourced_met.get((u, 2017), 11)) for u in free}
    hi = {u: min(19, caps.get(u, 19)) for u in free}
    if not free or not sum(lo.values()) <= need <= sum(hi.values()):
        raise FillError(f"2018: cannot reach an average of {avg_2018} criteria")
    vals = dict(lo)
    rest = need - sum(vals.values())
    while rest > 0:                          # spread the remainder one criterion at a time
        u = rng.choice([x for x in free if vals[x] < hi[x]])
        vals[u] += 1
        rest -= 1
    for u in free:
        crit[(u, 2018)] = vals[u]
        if levels[u][2017] == 0 and (u, 2017) not in sourced_met:
            crit[(u, 2017)] = min(crit[(u, 2017)], vals[u])
        if levels[u][2019] == 0:
            crit[(u, 2019)] = max(crit[(u, 2019)], vals[u])


def build(seed: int, records: Path, registers: Path, boundaries: Path) -> bytes:
    rng = random.Random(seed)
    old_v, new_v = drawn_on(boundaries, OLD_YEARS), drawn_on(boundaries, NEW_YEARS)
    status = [r for r in read(records / "status.csv") if r["provenance"] != ILLUSTRATIVE]
    aggs = read(records / "aggregates.csv")
    units = read(registers / "units.csv")
    xa = {v: sorted(r["unit_code"] for r in units if r["vintage"] == v and r["admin_level"] == "commune"
                    and r["unit_type"] == "xã") for v in (old_v, new_v)}
    cw = [r for r in read(registers / "crosswalk.csv")
          if r["from_vintage"] == old_v and r["to_vintage"] == new_v]
    succ = {r["from_code"]: r["to_code"] for r in cw}
    preds = defaultdict(list)
    for r in cw:
        preds[r["to_code"]].append(r["from_code"])

    # 2019 is included as a helper year: what the 2020+ records imply for 2019 goes to the parts.
    new_b = sourced_bounds(status, new_v, xa[new_v], [2019] + NEW_YEARS)
    old_b = sourced_bounds(status, old_v, xa[old_v], OLD_YEARS)
    # Sourced 2019 records reach 2020 through the crosswalk (merger: lowest of the parts).
    for u in xa[new_v]:
        ps = preds.get(u, [])
        if ps and all(p in old_b.lo for p in ps):
            new_b.at_least(u, min(old_b.lo[p][2019] for p in ps), 2020)
    # A recognition first given in 2020 or later means the 2019 unit was not at that level. For a
    # merger it says only that the merged unit was not (the lowest of its parts): one part may have
    # been recognised before (Kỳ Lâm, NTM 2017, and Kỳ Hợp → Lâm Hợp, recognised by QĐ 218/QĐ-UBND
    # for 2020), so the cap applies to a sole predecessor only.
    for u in xa[new_v]:
        ps = preds.get(u, [])
        for p in ps:
            if p in old_b.hi and len(ps) == 1:
                old_b.at_most(p, new_b.hi[u][2019], 2019)
    old_b.check(old_v)
    new_b.check(new_v)

    n_none_2022 = sum(1 for u in xa[new_v] if new_b.hi[u][2022] == 0)
    t_old, t_new = target_table(aggs, len(xa[new_v]), n_none_2022)
    new_lv = assign(xa[new_v], NEW_YEARS, t_new, new_b, rng)
    # Ladder across the merger: a 2019 commune is at most its successor's 2020 level.
    for p in xa[old_v]:
        s = succ.get(p)
        if s in new_lv:
            old_b.at_most(p, new_lv[s][2020], 2019)
    old_b.check(old_v)
    # 2015-2016 are not reported (linear): never more than the 2017 count leaves room for, once the
    # xã the sources name as first recognised in 2017 (the 33-xã decision) are taken out.
    for y in (2016, 2015):
        room = t_old[1][y + 1] - sum(1 for u in xa[old_v] if old_b.lo[u][y + 1] >= 1 and old_b.hi[u][y] == 0)
        t_old[1][y] = max(t_old[1][2014], min(t_old[1][y], room))
    old_lv = assign(xa[old_v], OLD_YEARS, t_old, old_b, rng)

    met = {(r["unit_code"], int(r["year"])): int(r["criteria_met"]) for r in status
           if r["criteria_met"] and r["level"] == NONE and r["vintage"] in (old_v, new_v)
           and r["criteria_set"] == criteria_set(int(r["year"]))[0]}
    # Kỳ Nam-type statements (criteria short of the set in a year whose label is already standard)
    # bound the earlier years of the same set instead.
    crit_old = criteria_values(old_lv, OLD_YEARS, rng, {k: v for k, v in met.items() if k[1] < 2020})
    caps = {}
    for (u, y), v in met.items():
        if y >= 2020 and u in old_lv:           # same code kept through 2020 (e.g. Kỳ Nam)
            caps[u] = v
            for yy in OLD_YEARS:
                if criteria_set(yy)[0] == criteria_set(y)[0] and old_lv[u][yy] == 0:
                    crit_old[(u, yy)] = min(crit_old[(u, yy)], v)
    a = {r["aggregate_id"]: r for r in aggs}
    calibrate_old(old_lv, crit_old, rng, {k: v for k, v in met.items() if k[1] < 2020}, caps,
                  int(a["A-42-2014-count_below_7"]["value"]), float(a["A-42-2018-avg_criteria"]["value"]))
    crit_new = criteria_values(new_lv, NEW_YEARS, rng, {k: v for k, v in met.items() if k[1] >= 2020
                                                         and new_b.lo[k[0]][k[1]] == 0})
    for (u, y) in list(crit_new):               # 1:1 units carry their 2019 value into 2020-2021
        p = preds.get(u, [])
        if len(p) == 1 and new_lv[u][y] == 0 and criteria_set(y)[0] == "2016-2020":
            crit_new[(u, y)] = max(crit_new[(u, y)], crit_old.get((p[0], 2019), 0))
            crit_new[(u, y)] = min(crit_new[(u, y)], criteria_set(y)[1] - 1)

    rows = []
    note = (f"ILLUSTRATIVE - generated by scripts/make_illustrative.py --seed {seed}; not a sourced "
            "fact. Respects every sourced record and matches the reported counts (see records README)")
    for vintage, lv, crit, years in ((old_v, old_lv, crit_old, OLD_YEARS),
                                     (new_v, new_lv, crit_new, NEW_YEARS)):
        for u in sorted(lv):
            for y in years:
                cs, total = criteria_set(y)
                level = LEVEL[lv[u][y]]
                rows.append({"record_id": f"I-{vintage}-{u}-{y}", "vintage": vintage, "unit_code": u,
                             "admin_level": "commune", "year": str(y), "level": level,
                             "criteria_set": cs, "criteria_met": str(crit[(u, y)]),
                             "criteria_total": str(total), "missing_criteria": "", "decision_no": "",
                             "decision_date": "", "source_id": SOURCE_ID, "provenance": ILLUSTRATIVE,
                             "derived_from": "", "note": note})
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=STATUS_COLS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20241)
    ap.add_argument("--records", default=str(REPO / "geodata" / "records"))
    ap.add_argument("--registers", default=str(REPO / "geodata" / "registers"))
    ap.add_argument("--boundaries", default=str(REPO / "geodata" / "boundaries"))
    ap.add_argument("--out", default=str(REPO / "geodata" / "records" / "illustrative"))
    a = ap.parse_args(argv)
    try:
        data = build(a.seed, Path(a.records), Path(a.registers), Path(a.boundaries))
    except FillError as e:
        print(f"make_illustrative: ERROR {e}", file=sys.stderr)
        return 1
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "status_illustrative.csv").write_bytes(data)
    rows = data.count(b"\n") - 1
    print(f"wrote {out / 'status_illustrative.csv'} ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
