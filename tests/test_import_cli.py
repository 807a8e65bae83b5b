"""`python -m loaders import|history|rollback|users` — the DESIGN §3 contract (JSON keys, exit
codes), and local accounts (argon2, roles, scopes, sessions that time out)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from loaders.importer import accounts, cli, samples
from loaders.store import get_engine, init_db

REPO = Path(__file__).resolve().parents[1]
CONTRACT_KEYS = {"ok", "file", "kind", "rows_read", "rows_valid", "rows_written", "errors", "warnings",
                 "unmatched_units"}
ROW = {"unit_name": "Xã Hương Trà", "district": "Huyện Hương Khê", "year": 2023, "level": "none",
       "criteria_met": 12, "criteria_total": 19}


def run(args, url, stdin=None):
    env = dict(os.environ, NTM_DATABASE_URL=url, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def fresh_db(url):
    """Migrated and seeded, without status/target records (so the expectations below do not depend
    on the curated records)."""
    eng = get_engine(url)
    init_db(eng)
    with eng.begin() as c:
        c.execute(text("DELETE FROM status"))
        c.execute(text("DELETE FROM targets"))
    eng.dispose()


def test_dry_run_json_matches_the_contract(tmp_path, monkeypatch, capsys):
    """The three dry runs go through a real `python -m loaders` process; the rest calls the same
    entry point in-process (faster)."""
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    fresh_db(url)
    monkeypatch.setenv("NTM_DATABASE_URL", url)

    def run_here(args, url):
        code = cli.main(args)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)
    good = tmp_path / "good.csv"
    good.write_bytes(samples.status_csv([ROW]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(samples.status_csv([dict(ROW, criteria_met=40), dict(ROW, unit_name="Xã Hương Traa", year=2022)]))
    png = tmp_path / "photo.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)

    p = run(["import", str(good), "--dry-run", "--json"], url)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert CONTRACT_KEYS <= set(out)
    assert (out["ok"], out["file"], out["kind"], out["rows_read"], out["rows_valid"], out["rows_written"]) == \
        (True, "good.csv", "status_table", 1, 1, 0)
    assert out["errors"] == [] and out["unmatched_units"] == [] and isinstance(out["warnings"], list)
    assert out["diff"] == [{"row": 2, "unit_code": "18550", "name": "Xã Hương Trà", "vintage": "42-2020",
                            "year": 2023, "level_before": None, "provenance_before": None, "decision_before": None,
                            "level_after": "none", "provenance_after": "reported", "change": "new", "flags": [],
                            "against": [], "note": None}]

    p = run(["import", str(bad), "--dry-run", "--json"], url)
    assert p.returncode == 1
    out = json.loads(p.stdout)
    assert out["ok"] is False and out["rows_written"] == 0 and out["rows_read"] == 2 and out["rows_valid"] == 0
    assert [(e["row"], e["column"], e["value"]) for e in out["errors"]] == [
        (2, "6 (criteria_met)", 40), (3, "2 (unit_name)", "Xã Hương Traa")]
    assert all({"row", "column", "value", "message"} <= set(e) for e in out["errors"])
    assert out["unmatched_units"][0]["suggestions"][0] == "Xã Hương Trà"
    assert "Did you mean: Xã Hương Trà" in out["errors"][1]["message"]

    p = run(["import", str(png), "--json"], url)
    assert p.returncode == 2
    out = json.loads(p.stdout)
    assert out["ok"] is False and "PNG" in out["errors"][0]["message"]

    assert run_here(["import", str(tmp_path / "missing.csv")], url).returncode == 2
    assert run(["import"], url).returncode == 2        # usage error from the real entry point
    # The dry runs wrote nothing; a real import then history and rollback.
    p = run_here(["import", str(good)], url)
    assert p.returncode == 0 and "import #1" in p.stdout
    p = run_here(["import", str(good)], url)
    assert p.returncode == 0 and "already imported" in p.stdout
    hist = json.loads(run_here(["history", "--json"], url).stdout)
    assert [(h["import_id"], h["file_name"], h["rows_written"], h["state"]) for h in hist] == [(1, "good.csv", 1, "active")]
    assert run_here(["rollback", "1"], url).returncode == 0
    assert run_here(["rollback", "1"], url).returncode == 1
    eng = get_engine(url)
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM status WHERE import_id IS NOT NULL")).scalar() == 0


def test_users_cli_has_no_default_password(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    fresh_db(url)
    monkeypatch.setenv("NTM_DATABASE_URL", url)

    def run(args, url, stdin=""):   # in-process: same code path as `python -m loaders`, faster
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main(args)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)
    p = run(["users", "add", "an", "--role", "editor", "--district", "444"], url, stdin="")
    assert p.returncode == 2 and "--password-stdin" in p.stderr
    p = run(["users", "add", "an", "--role", "editor", "--district", "444", "--password-stdin"], url,
            stdin="ngắn\n")
    assert p.returncode == 2 and "10" in p.stderr
    p = run(["users", "add", "an", "--role", "editor", "--district", "444", "--password-stdin"], url,
            stdin="mật khẩu đủ dài 2026\n")
    assert p.returncode == 0, p.stderr
    assert run(["users", "add", "bo", "--role", "editor", "--password-stdin"], url, stdin="x" * 12).returncode == 2
    rows = json.loads(run(["users", "list", "--json"], url).stdout)
    assert [(r["username"], r["role"], r["scope_level"], r["scope_code"]) for r in rows] == [("an", "editor", "district", "444")]
    eng = get_engine(url)
    with eng.connect() as c:
        h = c.execute(text("SELECT password_hash FROM users WHERE username = 'an'")).scalar()
    assert h.startswith("$argon2") and "mật khẩu" not in h
    # The account's scope is enforced on a CLI import.
    f = tmp_path / "ky_anh.csv"
    f.write_bytes(samples.status_csv([dict(ROW, unit_name="Xã Kỳ Phong", district="Huyện Kỳ Anh")]))
    p = run(["import", str(f), "--user", "an", "--json"], url)
    assert p.returncode == 1 and json.loads(p.stdout)["errors"][0]["code"] == "scope"
    assert run(["users", "remove", "an"], url).returncode == 0
    assert run(["users", "remove", "an"], url).returncode == 2


def test_accounts_roles_and_session_timeout(seeded_db_url):
    eng = get_engine(seeded_db_url)
    init_db(eng)
    admin = accounts.add_user(eng, "quan_tri", "một mật khẩu dài", "admin")
    ed = accounts.add_user(eng, "bien_tap", "mật khẩu biên tập", "editor", province="42")
    viewer = accounts.add_user(eng, "xem", None, "viewer")
    assert admin.scope is None and admin.can_manage_users() and admin.can_import()
    assert ed.scope == ("province", "42") and ed.can_import() and not ed.can_manage_users()
    assert not viewer.can_import()
    with pytest.raises(accounts.AccountError):
        accounts.add_user(eng, "bien_tap", "mật khẩu biên tập", "editor", province="42")
    with pytest.raises(accounts.AccountError):
        accounts.add_user(eng, "sai", "mật khẩu biên tập", "editor", district="99999")
    assert accounts.authenticate(eng, "bien_tap", "mật khẩu biên tập") == ed
    assert accounts.authenticate(eng, "bien_tap", "sai mật khẩu") is None
    assert accounts.authenticate(eng, "xem", "") is None          # no password: no local login
    assert accounts.authenticate(eng, "khong_co", "bất kỳ mật khẩu") is None
    sid = accounts.start_session(eng, "bien_tap", minutes=30)
    now = datetime.now(timezone.utc)
    assert accounts.session_user(eng, sid, now=now + timedelta(minutes=29)) == ed      # slides the expiry
    assert accounts.session_user(eng, sid, now=now + timedelta(minutes=58)) == ed
    assert accounts.session_user(eng, sid, now=now + timedelta(minutes=200)) is None   # timed out
    assert accounts.session_user(eng, sid, now=now) is None                            # and deleted
    accounts.remove_user(eng, "bien_tap")
    assert accounts.get_user(eng, "bien_tap") is None


def test_allow_downgrade_contract(tmp_path):
    """DESIGN §3: `import FILE --allow-downgrade` also writes rows that lower a unit's level or replace
    a stronger provenance; without it such rows are errors (exit 1, nothing written)."""
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    init_db(get_engine(url))            # seeded from geodata/: Hà Linh standard 2023 by QĐ 189/QĐ-UBND
    f = tmp_path / "ha_linh.csv"
    f.write_bytes(samples.status_csv([{"unit_code": "18502", "year": 2023, "level": "none", "criteria_met": 17,
                                       "criteria_total": 19}]))
    p = run(["import", str(f), "--json"], url)
    out = json.loads(p.stdout)
    assert p.returncode == 1 and out["ok"] is False and out["rows_written"] == 0
    assert [e["code"] for e in out["errors"]] == ["needs_confirmation"] and out["errors"][0]["row"] == 2
    assert "Xã Hà Linh" in out["errors"][0]["message"] and "189/QĐ-UBND" in out["errors"][0]["message"]
    p = run(["import", str(f), "--json", "--allow-downgrade", "--reason", "hồ sơ bị thu hồi"], url)
    out = json.loads(p.stdout)
    assert p.returncode == 0 and out["ok"] is True and out["rows_written"] == 1, p.stderr
    hist = json.loads(run(["history", "--json"], url).stdout)
    assert (hist[0]["confirmed_downgrades"], hist[0]["reason"]) == (1, "hồ sơ bị thu hồi")
    assert "--allow-downgrade" in run(["import", "--help"], url).stdout
