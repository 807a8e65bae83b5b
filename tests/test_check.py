"""`python -m loaders check`: passes on the shipped data, fails clearly on broken copies."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from loaders.__main__ import main as loaders_main
from loaders.check import run_check
from loaders.store import TABLES

REPO = Path(__file__).resolve().parents[1]
STATUS_COLS = [c for c, _ in TABLES["status"]]
SOURCE_COLS = [c for c, _ in TABLES["sources"]]


def cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=180)


def write_csv(path: Path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def status_row(**kw):
    row = dict.fromkeys(STATUS_COLS, "")
    row.update(admin_level="commune", level="standard", provenance="official", source_id="qd-189",
               decision_no="189/QĐ-UBND", decision_date="2024-01-17")
    row.update(kw)
    return [row[c] for c in STATUS_COLS]


@pytest.fixture
def small(geodata_copy):
    """geodata copy with small hand-written records: one source, two valid status rows."""
    rec = geodata_copy / "records"
    shutil.rmtree(rec, ignore_errors=True)
    write_csv(rec / "sources.csv", SOURCE_COLS,
              [["qd-189", "decision", "QĐ 189/QĐ-UBND", "UBND tỉnh Hà Tĩnh", "189/QĐ-UBND", "2024-01-17",
                "", "~2024-01", ""]])
    write_csv(rec / "status.csv", STATUS_COLS, [
        status_row(record_id="S-1", vintage="42-2020", unit_code="18499", year="2023"),
        status_row(record_id="S-2", vintage="42-2019", unit_code="18511", year="2019",
                   provenance="derived", derived_from="S-1", decision_no=""),
    ])
    return geodata_copy


def errors_of(root):
    rep = run_check(root)
    return rep, [i for i in rep.issues if i.severity == "error"]


def one_error(root, **expect):
    rep, errs = errors_of(root)
    assert not rep.ok
    hits = [e for e in errs if all(str(getattr(e, k)) == str(v) if k != "message" else v in e.message
                                   for k, v in expect.items())]
    assert hits, "expected error not reported:\n" + rep.format()
    return hits[0], rep


def test_shipped_data_passes():
    rep = run_check(REPO / "geodata")
    assert rep.ok, rep.format()
    assert len(rep.files_checked) >= 13


def test_cli_passes_on_shipped_data():
    r = cli("check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1].startswith("OK: 0 error(s)")


def test_small_valid_copy_passes(small):
    rep = run_check(small)
    assert rep.ok, rep.format()


def test_missing_records_only_warns(geodata_copy):
    shutil.rmtree(geodata_copy / "records", ignore_errors=True)
    rep = run_check(geodata_copy)
    assert rep.ok and rep.warnings


def test_duplicate_code_in_register(small):
    path = small / "registers" / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    dup = next(i for i, line in enumerate(lines) if line.startswith("42-2020,18499,"))
    lines.append(lines[dup])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err, rep = one_error(small, file="registers/units.csv", row=len(lines), column="vintage+unit_code")
    assert err.value == "42-2020 18499" and f"first at row {dup + 1}" in err.message


def test_duplicate_code_in_boundary_layer(small):
    path = small / "boundaries" / "42-2020" / "communes.parquet"
    g = gpd.read_parquet(path)
    g.loc[1, "unit_code"] = g.loc[0, "unit_code"]
    g.to_parquet(path)
    err, _ = one_error(small, file="boundaries/42-2020/communes.parquet", column="unit_code",
                       value=g.loc[0, "unit_code"], message="duplicate code")
    assert err.row == "features [1, 2]"


def test_status_for_unit_not_in_that_years_vintage(small):
    # Xã Phương Điền (18511) exists only until 2019: a 2021 record on 42-2020 cannot name it
    with open(small / "records" / "status.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(status_row(record_id="S-3", vintage="42-2020", unit_code="18511", year="2021"))
    err, rep = one_error(small, file="records/status.csv", row=4, column="unit_code", value="18511")
    assert "no unit with this code in vintage 42-2020" in err.message
    assert "records/status.csv, row 4, column unit_code, value '18511'" in rep.format()


def test_status_on_the_wrong_vintage_for_its_year(small):
    # 18499 exists in both vintages, but a 2022 record must be on 42-2020
    with open(small / "records" / "status.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(status_row(record_id="S-3", vintage="42-2019", unit_code="18499", year="2022"))
    err, _ = one_error(small, file="records/status.csv", row=4, column="vintage", value="42-2019")
    assert "drawn on 42-2020" in err.message


def test_invalid_polygon_bow_tie(small):
    path = small / "boundaries" / "42-2020" / "communes.parquet"
    g = gpd.read_parquet(path)
    x, y = g.geometry.iloc[5].representative_point().coords[0]
    g.loc[5, "geometry"] = Polygon([(x, y), (x + .01, y + .01), (x + .01, y), (x, y + .01), (x, y)])
    g.to_parquet(path)
    err, _ = one_error(small, file="boundaries/42-2020/communes.parquet", row="feature 6", column="geometry")
    assert "invalid polygon" in err.message and "Self-intersection" in err.message
    assert err.value == g.loc[5, "unit_code"]


def test_missing_source_id(small):
    with open(small / "records" / "status.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(status_row(record_id="S-3", vintage="42-2020", unit_code="18502",
                                          year="2023", source_id="no-such-source"))
    err, _ = one_error(small, file="records/status.csv", row=4, column="source_id", value="no-such-source")
    assert "sources.csv" in err.message


def test_wrong_crs(small):
    path = small / "boundaries" / "38-2020" / "districts.parquet"
    gpd.read_parquet(path).to_crs(3857).to_parquet(path)
    err, _ = one_error(small, file="boundaries/38-2020/districts.parquet", column="geometry")
    assert "EPSG:4326" in err.message and "3857" in str(err.value)


def test_crosswalk_orphan(small):
    path = small / "registers" / "crosswalk.csv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("42-2019,18511,")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one_error(small, file="registers/crosswalk.csv", column="from_code", value="18511", message="orphan")


def test_meta_count_and_keys(small):
    path = small / "boundaries" / "38-2019" / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["n_communes"] = 35
    del meta["attribution_en"]
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    one_error(small, file="boundaries/38-2019/meta.json", column="n_communes", value=35)
    one_error(small, file="boundaries/38-2019/meta.json", column="attribution_en")


def test_derived_without_target_and_non_nfc_and_bad_year(small):
    decomposed = unicodedata.normalize("NFD", "Ghi chú")
    with open(small / "records" / "status.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(status_row(record_id="S-3", vintage="42-2020", unit_code="18502", year="2031",
                                          provenance="derived", derived_from="S-404", note=decomposed))
    rep, errs = errors_of(small)
    got = {(e.row, e.column) for e in errs}
    assert {(4, "derived_from"), (4, "note"), (4, "year")} <= got, rep.format()


def test_all_errors_collected_and_cli_exit_codes(small, tmp_path):
    path = small / "records" / "status.csv"
    with open(path, "a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(status_row(record_id="S-3", vintage="42-2020", unit_code="99999", year="2023"))
        w.writerow(status_row(record_id="S-4", vintage="42-2020", unit_code="18502", year="2023", level="gold"))
    r = cli("check", "--geodata", str(small))
    assert r.returncode == 1
    assert "row 4, column unit_code, value '99999'" in r.stdout
    assert "row 5, column level, value 'gold'" in r.stdout
    assert r.stdout.strip().splitlines()[-1].startswith("FAILED: 2 error(s)")


def exit_code(argv) -> int:
    """Run `python -m loaders ARGV` in-process (argparse exits via SystemExit)."""
    try:
        return loaders_main(argv)
    except SystemExit as e:
        return e.code


def test_cli_usage_errors_and_help(tmp_path, capsys):
    assert exit_code(["check", "--geodata", str(tmp_path / "nowhere")]) == 2
    assert "not found" in capsys.readouterr().err
    assert exit_code(["check", "--bogus"]) == 2
    assert exit_code(["bogus"]) == 2
    assert exit_code([]) == 2
    assert exit_code(["check", "--help"]) == 0 and "--geodata" in capsys.readouterr().out
    assert exit_code(["--help"]) == 0 and "rollback" in capsys.readouterr().out


def test_importer_commands_are_dispatched_or_cleanly_unavailable(capsys, monkeypatch):
    import importlib
    real = importlib.import_module
    calls = []

    class FakeCli:
        @staticmethod
        def main(argv):
            calls.append(argv)
            return 0

    def fake_import(name, *a):
        if name == "loaders.importer.cli":
            return FakeCli
        return real(name, *a)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    assert exit_code(["rollback", "12"]) == 0 and calls == [["rollback", "12"]]

    def missing(name, *a):
        if name == "loaders.importer.cli":
            raise ModuleNotFoundError("No module named 'loaders.importer.cli'", name=name)
        return real(name, *a)

    monkeypatch.setattr(importlib, "import_module", missing)
    assert exit_code(["history"]) == 2
    err = capsys.readouterr().err
    assert "not available" in err and "Traceback" not in err


def test_target_on_the_wrong_vintage_for_its_year(small):
    cols = [c for c, _ in TABLES["targets"]]
    row = dict.fromkeys(cols, "")
    row.update(target_id="T-1", scope="unit", vintage="42-2019", unit_code="18511", admin_level="commune",
               level="standard", target_year="2023", source_id="qd-189", provenance="reported")
    write_csv(small / "records" / "targets.csv", cols, [[row[c] for c in cols]])
    err, _ = one_error(small, file="records/targets.csv", row=2, column="vintage", value="42-2019")
    assert "drawn on 42-2020" in err.message


def test_commune_group_only_on_the_2026_2030_set_and_only_1_2_3(small):
    path = small / "records" / "status.csv"
    write_csv(path, STATUS_COLS, [
        status_row(record_id="S-1", vintage="42-2020", unit_code="18499", year="2023", commune_group="2"),
        status_row(record_id="S-2", vintage="42-2020", unit_code="18502", year="2023",
                   criteria_set="2026-2030", commune_group="4"),
    ])
    e, _ = one_error(small, row=2, column="commune_group", value="2", message="has no commune groups")
    e, _ = one_error(small, row=3, column="commune_group", value="4", message="must be one of 1, 2, 3")


def test_a_status_file_without_the_commune_group_column_still_passes(small):
    path = small / "records" / "status.csv"
    old = [c for c in STATUS_COLS if c != "commune_group"]
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    write_csv(path, old, [[r[c] for c in old] for r in rows])
    rep = run_check(small)
    assert rep.ok, rep.format()


def test_a_national_target_has_area_vn_and_no_vintage(small):
    path = small / "records" / "targets.csv"
    cols = [c for c, _ in TABLES["targets"]]
    row = dict.fromkeys(cols, "")
    row.update(target_id="T-VN", scope="national", unit_code="VN", admin_level="national", level="standard",
               target_year="2030", target_share="0.65", source_id="qd-189", provenance="reported",
               note="NOT VERIFIED: proposed")
    write_csv(path, cols, [[row[c] for c in cols]])
    rep = run_check(small)
    assert rep.ok, rep.format()
    write_csv(path, cols, [[{**row, "vintage": "42-2020"}[c] for c in cols]])
    one_error(small, row=2, column="unit_code", message="a national target has unit_code VN")
