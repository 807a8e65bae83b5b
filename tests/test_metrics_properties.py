"""Property-based tests (hypothesis) on random small panels: two vintages with random mergers,
random unit types, random records on either vintage."""
from types import SimpleNamespace

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.levels import LEVEL_RANK, PROV_RANK, PROVENANCE
from metrics.counts import level_counts
from metrics.prepare import prepare
from metrics.status import reexpress, status_as_of

from testing import LADDER  # the 2010-2025 ladder

LEVELS = list(LADDER)
PROVS = list(PROVENANCE)
TYPES = ["xã", "xã", "xã", "phường", "thị trấn"]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def panels(draw, records_on_new=True, with_none=True):
    n_d = draw(st.integers(1, 3))
    communes = []  # (code, district, type)
    for d in range(n_d):
        for i in range(draw(st.integers(1, 5))):
            communes.append((f"8{d}{i:02d}", f"80{d}", draw(st.sampled_from(TYPES))))
    # the newer vintage: communes of a district grouped at random (mergers inside a district)
    group = {c[0]: draw(st.integers(0, 2)) for c in communes}
    first = {}
    for code, d, t in communes:
        first.setdefault((d, group[code]), (code, t))
    units = [("88-A", "88", "province", "Tỉnh Thử", "tỉnh", None), ("88-B", "88", "province", "Tỉnh Thử", "tỉnh", None)]
    for v in ("88-A", "88-B"):
        for d in range(n_d):
            units.append((v, f"80{d}", "district", f"Huyện {d}", "huyện", "88"))
    for code, d, t in communes:
        units.append(("88-A", code, "commune", f"Xã {code}", t, d))
    for (d, g), (code, t) in first.items():
        units.append(("88-B", code, "commune", f"Xã mới {code}", t, d))  # code reused by the merger product
    cw = []
    for code, d, t in communes:
        to = first[(d, group[code])][0]
        n = sum(1 for c in communes if (c[1], group[c[0]]) == (d, group[code]))
        cw.append(("88-A", code, "88-B", to, "merged_into" if n > 1 else "same"))
    for d in range(n_d):
        cw.append(("88-A", f"80{d}", "88-B", f"80{d}", "same"))
    new_codes = [c for c, _ in first.values()]
    recs = []
    levels = LEVELS if with_none else LEVELS[1:]
    for i in range(draw(st.integers(0, 14))):
        on_new = records_on_new and draw(st.booleans())
        code = draw(st.sampled_from(new_codes if on_new else [c[0] for c in communes]))
        year = draw(st.integers(2015, 2019) if not on_new else st.integers(2020, 2024))
        recs.append({"record_id": f"R{i}", "vintage": "88-B" if on_new else "88-A", "unit_code": code,
                     "admin_level": "commune", "year": year, "level": draw(st.sampled_from(levels)),
                     "provenance": draw(st.sampled_from(PROVS)), "source_id": "S"})
    ds = SimpleNamespace(
        units=pd.DataFrame(units, columns=["vintage", "unit_code", "admin_level", "name", "unit_type",
                                           "parent_code"]).assign(province_code="88"),
        crosswalk=pd.DataFrame(cw, columns=["from_vintage", "from_code", "to_vintage", "to_code", "relation"]),
        status=pd.DataFrame(recs, columns=["record_id", "vintage", "unit_code", "admin_level", "year", "level",
                                           "provenance", "source_id"]),
        vintages=pd.DataFrame([("88-A", "88", None, "2019-12-31"), ("88-B", "88", "2020-01-01", None)],
                              columns=["vintage", "province_code", "valid_from", "valid_to"]),
        targets=pd.DataFrame(), aggregates=pd.DataFrame(), criteria=pd.DataFrame(), sources=pd.DataFrame())
    return ds, draw(st.integers(2014, 2025))


@SETTINGS
@given(panels())
def test_counts_are_consistent_and_shares_in_unit_interval(panel):
    ds, year = panel
    st_ = status_as_of(ds, "88", year)
    c = level_counts(st_)
    for r in c.itertuples():
        for s in (r.share_standard, r.share_advanced, r.share_model, r.share_known):
            assert (pd.isna(s) and r.eligible == 0) or 0.0 <= s <= 1.0
        assert r.atleast_model <= r.atleast_advanced <= r.atleast_standard <= r.eligible
        assert r.known + r.unknown == r.eligible
        assert r.none + r.standard + r.advanced + r.model == r.known
        assert r.eligible + r.not_applicable == r.units
    prov, dist = c.iloc[0], c.iloc[1:]
    for col in ("eligible", "unknown", "atleast_standard", "atleast_advanced", "atleast_model", "not_applicable"):
        assert prov[col] == dist[col].sum()
    assert set(st_.loc[~st_["eligible"], "level"]) <= {"not_applicable"}
    assert set(st_.loc[st_["eligible"], "level"]) <= {"unknown", *LEVELS}


@SETTINGS
@given(panels())
def test_reexpressing_on_the_same_vintage_is_the_identity(panel):
    ds, year = panel
    prep = prepare(ds, "88")
    for v in ("88-A", "88-B"):
        a = status_as_of(prep, "88", year, vintage=v)
        b = reexpress(prep, a, v)
        assert b.astype(str).equals(a.astype(str))


@SETTINGS
@given(panels(records_on_new=False))
def test_reexpressing_through_the_crosswalk_agrees_with_resolving_the_records(panel):
    ds, year = panel
    prep = prepare(ds, "88")
    a = reexpress(prep, status_as_of(prep, "88", year, vintage="88-A"), "88-B")
    b = status_as_of(prep, "88", year, vintage="88-B")
    assert list(a["level"]) == list(b["level"])
    assert list(a["mixed"]) == list(b["mixed"])


@SETTINGS
@given(panels())
def test_provenance_of_a_count_is_never_stronger_than_its_weakest_record(panel):
    ds, year = panel
    st_ = status_as_of(ds, "88", year)
    c = level_counts(st_).set_index("area_code")
    recs = ds.status
    for area, g in [("88", st_)] + list(st_.groupby("district_code")):
        used = g[g["eligible"] & (g["level"] != "unknown")]
        if used.empty:
            assert pd.isna(c.loc[area, "weakest_provenance"])
            continue
        w = PROV_RANK[c.loc[area, "weakest_provenance"]]
        for r in used.itertuples():
            # every record the unit's level rests on is at least as strong as the area's figure
            for rid in str(r.record_id).split(";"):
                p = recs.loc[recs["record_id"] == rid, "provenance"].iloc[0]
                assert PROV_RANK[p] <= w
            assert PROV_RANK[r.provenance] <= w


@SETTINGS
@given(panels(records_on_new=False, with_none=False))
def test_recognitions_carry_forward_until_a_new_record(panel):
    ds, _ = panel
    into = dict(zip(ds.crosswalk["from_code"], ds.crosswalk["to_code"]))
    years = {}
    for code, y in zip(ds.status["unit_code"], ds.status["year"]):
        years.setdefault(into[code], set()).add(int(y))
    prep = prepare(ds, "88")  # one preparation for all the years
    prev = None
    for y in range(2014, 2026):
        lv = status_as_of(prep, "88", y, vintage="88-B").set_index("unit_code")["level"]
        if prev is not None:
            for code, level in lv.items():
                if y not in years.get(code, ()):
                    assert level == prev[code]  # nothing new this year: the status carries over
                elif level in LEVEL_RANK and prev[code] == "unknown":
                    pass
        prev = lv
