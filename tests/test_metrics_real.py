"""The metrics on the real records of geodata/ (sourced records only; the illustrative fill is
switched off as in the dashboard's default view, and checked apart where it matters)."""
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from metrics.counts import level_counts
from metrics.holdouts import holdouts
from metrics.status import status_as_of
from metrics.summary import build_summary

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (ROOT / "geodata" / "records" / "status.csv").is_file(),
                                reason="records not built yet")


@pytest.fixture(scope="module")
def frames():
    from loaders.store import read_seed_frames
    return read_seed_frames()


@pytest.fixture(scope="module")
def real(frames):
    st = frames["status"]
    return SimpleNamespace(**{**frames, "status": st[st["provenance"] != "illustrative"].reset_index(drop=True)})


@pytest.fixture(scope="module")
def full(frames):
    return SimpleNamespace(**frames)


def names(df):
    return {n.removeprefix("Xã ").removeprefix("Huyện ") for n in df["name"]}


def test_trieu_son_2019_share_18_of_32_reported_and_computed(real):
    st = status_as_of(real, "38", 2019)
    assert st.attrs["vintage"] == "38-2020"  # valid from 1/12/2019: the 32-xã denominator
    c = level_counts(st).set_index("area_code").loc["397"]
    assert (c["eligible"], c["atleast_standard"], c["unknown"]) == (32, 18, 0)
    assert c["share_standard"] == 0.5625
    s = build_summary(real, "38", 2019, "397")
    rep = [r for r in s["reported_vs_computed"] if r["metric"] == "count_standard"][0]
    assert (rep["reported"], rep["reported_denominator"], rep["computed"], rep["computed_denominator"],
            rep["difference"]) == (18, 32, 18, 32, 0)
    assert s["captions"]["vi"].startswith("Năm 2019 (huyện Triệu Sơn): 18/32 xã đạt chuẩn NTM (56,3%")


def test_ha_tinh_eligible_xa_per_district_2020_2024(real, frames):
    u = frames["units"]
    reg = u[(u["vintage"] == "42-2020") & (u["admin_level"] == "commune") & (u["unit_type"] == "xã")]
    expected = reg.groupby("parent_code").size().to_dict()
    for y in range(2020, 2025):
        c = level_counts(status_as_of(real, "42", y)).set_index("area_code")
        assert c.loc["444", "eligible"] == 20  # Hương Khê: 20 xã (+1 thị trấn, not applicable)
        assert c.loc["444", "not_applicable"] == 1
        assert c.loc["42", "eligible"] == 182 and c.loc["42", "not_applicable"] == 34
        got = c[c["admin_level"] == "district"]["eligible"].to_dict()
        assert got == {k: v for k, v in expected.items()}
    c19 = level_counts(status_as_of(real, "42", 2019)).set_index("area_code")
    assert c19.loc["42", "eligible"] == 229 and c19.loc["444", "eligible"] == 21


def test_ha_tinh_2022_holdouts(real):
    h = holdouts(real, "42", 2022)
    held = h[h["listed_as"] == "holdout"]
    a = held[held["rule"] == "a"]
    assert names(a[a["admin_level"] == "commune"]) == {"Hương Lâm", "Hương Liên", "Hà Linh", "Điền Mỹ"}
    lh = a[a["admin_level"] == "district"]
    assert names(lh) == {"Lộc Hà"} and lh.iloc[0]["target_year"] == 2022
    b = held[held["rule"] == "b"]
    assert names(b) == {"Hương Lâm", "Hương Liên", "Hà Linh", "Điền Mỹ"}
    assert set(b["district_name"]) == {"Huyện Hương Khê"}
    # the share comes from the reported aggregate 177/181 (the per-unit records are incomplete)
    assert set(b["basis"]) == {"reported"} and set(b["area_reached"]) == {177} and set(b["area_denominator"]) == {181}
    # units without a record are never holdouts
    assert (held["level"] != "unknown").all()
    assert set(h.loc[h["listed_as"] == "no_record", "level"]) == {"unknown"}


def test_ha_tinh_2023_the_holdouts_are_recognised(real):
    h = holdouts(real, "42", 2023)
    held = h[h["listed_as"] == "holdout"]
    assert not ({"Hà Linh", "Điền Mỹ", "Lộc Hà"} & names(held))
    st = status_as_of(real, "42", 2023).set_index("name")
    assert st.loc["Xã Hà Linh", "level"] == "standard" and st.loc["Xã Điền Mỹ", "level"] == "standard"


def test_first_model_communes_2020(real):
    s19 = status_as_of(real, "42", 2019)
    assert (s19["level"] == "model").sum() == 0
    s20 = status_as_of(real, "42", 2020)
    models = s20[s20["level"] == "model"]
    assert names(models) == {"Tùng Ảnh", "Hương Trà"}
    assert set(models["record_year"]) == {2020}


@pytest.mark.parametrize("year", [2014, 2018, 2022, 2023])
def test_summary_json_for_ha_tinh(real, year):
    s = build_summary(real, "42", year)
    text = json.dumps(s, ensure_ascii=False)
    assert s["vintage"] == ("42-2019" if year < 2020 else "42-2020")
    assert s["counts"]["eligible"] == (229 if year < 2020 else 182)
    for k in ("counts", "districts", "targets", "holdouts", "criteria", "transitions", "reported_vs_computed"):
        assert k in s
    vi, en = s["captions"]["vi"], s["captions"]["en"]
    assert vi.startswith(f"Năm {year}: ") and en.startswith(f"{year}: ") and s["vintage"] in vi
    assert "\ufffd" not in text


def test_ha_tinh_2022_caption_shape(real):
    s = build_summary(real, "42", 2022)
    assert s["captions"]["vi"].startswith("Năm 2022: 177/181 xã đạt chuẩn NTM (97,8%, suy ra từ báo cáo")
    assert "4 xã của huyện Hương Khê chưa đạt" in s["captions"]["vi"]
    assert "4 communes of Hương Khê district not yet" in s["captions"]["en"]
    assert s["captions"]["levels"]["standard"]["basis"] == "reported"


def test_illustrative_fill_is_labelled(full):
    s = build_summary(full, "42", 2022)
    assert "minh họa" in s["captions"]["vi"] and "illustrative" in s["captions"]["en"]
    assert s["counts"]["weakest_provenance"] == "illustrative"


def test_cli_summary_json_and_exit_codes(tmp_path):
    env = {**os.environ, "NTM_DATABASE_URL": f"sqlite:///{tmp_path / 'ntm.sqlite'}"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "metrics", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=300)
    r = run("summary", "--province", "42", "--year", "2022", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["year"] == 2022 and s["counts"]["eligible"] == 182
    assert {"a", "b", "no_record"} <= set(s["holdouts"])
    r = run("summary", "--province", "42", "--year", "2023", "--district", "444")
    assert r.returncode == 0 and "Năm 2023 (huyện Hương Khê)" in r.stdout
    assert run("summary", "--province", "77", "--year", "2022").returncode == 2
    assert run("summary", "--year", "2022").returncode == 2
    assert run("summary", "--province", "42", "--year", "abc").returncode == 2
    h = run("summary", "--help")
    assert h.returncode == 0 and "--district" in h.stdout


def test_a_gap_made_only_of_communes_without_record_is_not_called_missed(real):
    # Hà Tĩnh 2024: every xã with a record is standard; the rest have no record.
    # The "100% standard by 2025" target cannot be called missed on that basis.
    t = {x["target_id"]: x for x in build_summary(real, "42", 2024)["targets"]}["T-42-2025-standard-share"]
    assert t["gap"] == t["unknown"] > 0
    assert t["gap_min"] == 0 and t["state"] == "unverified" and t["on_track"] is None


def test_cli_unit_contract_and_exit_codes(tmp_path):
    """DESIGN §3 `python -m metrics unit`: the object's keys, the code resolved through the
    vintage of the year, exit 2 for a unit not in that vintage."""
    env = {**os.environ, "NTM_DATABASE_URL": f"sqlite:///{tmp_path / 'ntm.sqlite'}"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "metrics", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=300)
    r = run("unit", "--province", "42", "--code", "18502", "--year", "2023", "--json")
    assert r.returncode == 0, r.stderr
    u = json.loads(r.stdout)
    assert {"unit_code", "name", "unit_type", "vintage", "level", "provenance", "criteria_set", "former_units",
            "successors"} <= set(u)
    # Hà Linh: recognised standard in batch 2/2023 (QĐ 189/QĐ-UBND, 17/1/2024)
    assert (u["name"], u["vintage"], u["level"], u["provenance"], u["decision_no"]) == \
        ("Xã Hà Linh", "42-2020", "standard", "official", "189/QĐ-UBND")
    for f in u["former_units"]:
        assert {"unit_code", "name", "unit_type", "part", "level", "provenance"} <= set(f)
    r = run("unit", "--province", "42", "--code", "18499", "--year", "2023")
    assert r.returncode == 0 and "Điền Mỹ" in r.stdout
    assert run("unit", "--province", "42", "--code", "00000", "--year", "2023").returncode == 2
    assert run("unit", "--province", "42", "--year", "2023").returncode == 2
    h = run("unit", "--help")
    assert h.returncode == 0 and "--code" in h.stdout and "--illustrative" in h.stdout
