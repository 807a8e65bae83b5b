"""Pure parts of the dashboard: URL state parsing, search, formula-safe CSV,
string tables, the map payload."""
from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from ui.blocks.downloads import safe_csv
from ui.maps.base import FRAME_DIR, frame_args, map_args
from ui.maps.province import expand_table, status_payload
from ui.maps.search import fold, search
from ui.frame.state import Choices, ViewState, parse_params

CH = Choices(years=tuple(range(2014, 2025)), default_year=2024, provinces=("42", "38", "10", "all"),
             districts={"42": ("444", "448")}, communes={"42": frozenset({"18499"})})


def test_parse_defaults_and_valid_values():
    st, bad = parse_params({}, CH)
    assert (st.province, st.year, st.level, st.lang, st.district, st.compare) == ("42", 2024, "standard", "vi", None, None)
    assert bad == []
    st, bad = parse_params({"province": "42", "district": "444", "year": "2022", "level": "criteria",
                            "compare": "2020", "lang": "en", "commune": "18499"}, CH)
    assert (st.district, st.year, st.level, st.compare, st.lang, st.commune) == ("444", 2022, "criteria", 2020, "en", "18499")
    assert bad == []


@pytest.mark.parametrize("params,param", [
    ({"year": "20x"}, "year"), ({"year": "1999"}, "year"), ({"province": "99"}, "province"),
    ({"level": "gold"}, "level"), ({"lang": "fr"}, "lang"), ({"district": "999"}, "district"),
    ({"compare": "2024"}, "compare"),      # same as the year shown
    ({"commune": "<script>"}, "commune"), ({"zoom": "3"}, "zoom"),
])
def test_parse_bad_values_fall_back_with_notice(params, param):
    st, bad = parse_params(params, CH)
    assert [p for p, _ in bad] == [param]
    assert st == parse_params({k: v for k, v in params.items() if k != param}, CH)[0]


def test_parse_env_language(monkeypatch):
    monkeypatch.setenv("NTM_LANG", "en")
    assert parse_params({}, CH)[0].lang == "en"
    monkeypatch.setenv("NTM_LANG", "xx")
    assert parse_params({}, CH)[0].lang == "vi"


def test_state_roundtrips_through_the_url():
    st = ViewState(province="42", district="444", year=2021, level="advanced", compare=2019, lang="en",
                   layer="district", commune="18499")
    assert parse_params(st.as_params(), CH) == (st, [])


ROWS = [{"unit_code": "1", "name": "Xã Hương Lâm", "district_name": "Huyện Hương Khê"},
        {"unit_code": "2", "name": "Xã Hương Liên", "district_name": "Huyện Hương Khê"},
        {"unit_code": "3", "name": "Xã Kỳ Lâm", "district_name": "Huyện Kỳ Anh"},
        {"unit_code": "4", "name": "Phường Kỳ Trinh", "district_name": "Thị xã Kỳ Anh"},
        {"unit_code": "5", "name": "Xã Đức Lâm", "district_name": "Huyện Đức Thọ"}]


def test_search_is_diacritic_insensitive():
    assert fold("Xã Hương Lâm") == "xa huong lam"
    assert fold("Đức") == "duc"
    assert [r["unit_code"] for r in search("huong lam", ROWS)] == ["1"]
    assert [r["unit_code"] for r in search("HƯƠNG", ROWS)] == ["1", "2"]
    assert {r["unit_code"] for r in search("Ky", ROWS)} == {"3", "4"}
    assert [r["unit_code"] for r in search("duc lam", ROWS)] == ["5"]
    assert search("", ROWS) == [] and search("zzz", ROWS) == []


def test_safe_csv_neutralises_formulas():
    df = pd.DataFrame({"a": ["=1+1", "+SUM(A1)", "-2", "@cmd", "ok", None], "n": [1, 2, 3, 4, 5, 6]})
    text = safe_csv(df).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back["a"].tolist() == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "ok", ""]
    assert back["n"].tolist() == ["1", "2", "3", "4", "5", "6"]


def test_map_view_is_data_never_a_script():
    """The view reaches the map frame as the component's arguments (JSON) and goes to the client
    as an object: a label that looks like markup stays a string, and the frame evaluates nothing."""
    hostile = "</script><script>alert(1)</script>"
    args = frame_args("NtmAtlas", map_args((18.3, 105.8), 9), {"labels": {"x": hostile}}, 600)
    assert json.loads(json.dumps(args))["view"]["labels"]["x"] == hostile
    code = (FRAME_DIR / "frame.js").read_text(encoding="utf-8")
    assert not re.search(r"\beval\s*\(|new Function|innerHTML|document\.write", code)


def test_status_payload_rows_are_named_fields_with_class_keys():
    frame = pd.DataFrame([
        {"unit_code": "1", "eligible": True, "level": "standard", "criteria_met": 17, "criteria_total": 19,
         "decision_no": "12/QĐ-UBND", "decision_date": "2021-03-01", "provenance": "official", "source_id": "s",
         "mixed": False},
        {"unit_code": "2", "eligible": False, "level": "not_applicable", "criteria_met": pd.NA,
         "criteria_total": pd.NA, "decision_no": pd.NA, "decision_date": pd.NA, "provenance": pd.NA,
         "source_id": pd.NA, "mixed": False},
        {"unit_code": "3", "eligible": True, "level": "unknown", "criteria_met": pd.NA,
         "criteria_total": pd.NA, "decision_no": pd.NA, "decision_date": pd.NA, "provenance": pd.NA,
         "source_id": pd.NA, "mixed": True}])
    dist = pd.DataFrame([{"unit_code": "9", "level": "completed", "provenance": "official"}])
    p = status_payload({2021: frame}, {2021: dist}, {2021: {"1"}})
    assert p["years"] == [2021]
    assert p["units"]["fields"][:2] == ["commune", "criteria"]      # one class key per layer mode
    units, districts = expand_table(p["units"], p["years"]), expand_table(p["districts"], p["years"])
    assert units["1"]["2021"] == {"commune": "standard", "criteria": "c8", "level": "standard", "criteria_met": 17,
                                  "criteria_total": 19, "decision": "12/QĐ-UBND (2021-03-01)",
                                  "provenance": "official", "mixed": 0, "holdout": 1}
    assert units["2"]["2021"]["commune"] == units["2"]["2021"]["criteria"] == "not_applicable"
    assert (units["3"]["2021"]["commune"], units["3"]["2021"]["criteria"], units["3"]["2021"]["mixed"]) == \
        ("unknown", "unknown", 1)
    assert districts["9"]["2021"] == {"district": "completed", "holdout": 0}
    json.dumps(p)   # JSON-able


def test_status_payload_stores_repeated_rows_once():
    def frame(level):
        return pd.DataFrame([{"unit_code": c, "eligible": True, "level": level, "criteria_met": None,
                              "criteria_total": None, "decision_no": None, "decision_date": None,
                              "provenance": "official", "source_id": "s", "mixed": False} for c in "abc"])
    dist = pd.DataFrame([{"unit_code": "9", "level": "none", "provenance": "official"}])
    years = [2019, 2020, 2021]
    p = status_payload({y: frame("standard" if y > 2019 else "none") for y in years}, {y: dist for y in years},
                       {2021: {"b"}})
    # three units x three years, but only three distinct rows: none, standard, standard + holdout
    assert len(p["units"]["rows"]) == 3
    units = expand_table(p["units"], years)
    assert [units["b"][str(y)]["commune"] for y in years] == ["none", "standard", "standard"]
    assert units["b"]["2021"]["holdout"] == 1 and units["a"]["2021"]["holdout"] == 0
    assert expand_table(p["districts"], years)["9"]["2020"] == {"district": "none", "holdout": 0}


def test_frame_page_context_resolves_before_its_submodule_is_imported():
    # a deep link on a fresh server runs a page file before anything imported ui.frame.context:
    # `frame.page` must not recurse looking the submodule up on the package
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-c", "import ui.frame as f; print(f.PageContext.__name__)"],
                       cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "PageContext", r.stderr[-500:]
