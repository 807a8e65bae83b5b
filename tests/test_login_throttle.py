"""Login throttling that survives a reload (issue 14, item 11): failed attempts are counted in the
store per account and per client with a growing lock-out; an unknown name costs what a known one
costs and is counted the same; expired sessions are purged; an OIDC login needs a verified e-mail.
Before, the count lived in the browser session (a reload reset it) and expired sessions of users
who never came back stayed in the table."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from loaders.importer import accounts
from loaders.store import get_engine, init_db

PW = "mật khẩu biên tập 1"
T0 = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def eng(db_url):
    e = get_engine(db_url)
    init_db(e)
    accounts.add_user(e, "bien_tap", PW, "editor", district="444")
    accounts.add_user(e, "sso_user@example.org", None, "editor", district="444")
    return e


def fail(eng, n, user="bien_tap", client="10.0.0.9", now=T0):
    return [accounts.login(eng, user, "sai", client=client, now=now + timedelta(seconds=i)) for i in range(n)]


def test_five_failures_lock_the_account_even_for_the_right_password(eng):
    results = fail(eng, accounts.MAX_FAILS)
    assert [r.locked for r in results] == [False] * (accounts.MAX_FAILS - 1) + [True]
    r = accounts.login(eng, "bien_tap", PW, client="10.0.0.9", now=T0 + timedelta(seconds=10))
    assert r.user is None and 0 < r.wait_seconds <= 60
    # From another address too: the account is locked, not the browser.
    assert accounts.login(eng, "bien_tap", PW, client="10.9.9.9", now=T0 + timedelta(seconds=11)).locked
    # After the lock it works, and a success clears the count.
    ok = accounts.login(eng, "bien_tap", PW, client="10.0.0.9", now=T0 + timedelta(seconds=70))
    assert ok.user is not None and ok.user.username == "bien_tap"
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM login_attempts WHERE attempt_key = 'account:bien_tap'")).scalar() == 0


def test_the_lock_grows_and_old_failures_expire(eng):
    fail(eng, accounts.MAX_FAILS)
    later = T0 + timedelta(seconds=65)                                            # after the first lock
    r = accounts.login(eng, "bien_tap", "sai", client="10.0.0.9", now=later)     # the 6th failure
    assert 60 < r.wait_seconds <= 120
    # A fresh window: failures older than WINDOW (and no lock) start again from one.
    accounts.login(eng, "khac", "sai", client=None, now=T0)
    accounts.login(eng, "khac", "sai", client=None, now=T0 + accounts.WINDOW + timedelta(minutes=1))
    with eng.connect() as c:
        assert c.execute(text("SELECT failures FROM login_attempts WHERE attempt_key = 'account:khac'")).scalar() == 1


def test_a_client_guessing_many_names_is_locked(eng):
    for i in range(accounts.MAX_CLIENT_FAILS):
        accounts.login(eng, f"ten_{i}", "sai", client="10.6.6.6", now=T0 + timedelta(seconds=i))
    r = accounts.login(eng, "bien_tap", PW, client="10.6.6.6", now=T0 + timedelta(seconds=30))
    assert r.user is None and r.locked
    assert accounts.login(eng, "bien_tap", PW, client="10.0.0.1", now=T0 + timedelta(seconds=31)).user


def test_unknown_names_cost_and_count_like_known_ones(eng, monkeypatch):
    calls = []
    real = accounts._ph

    class Counting:
        def hash(self, p):
            return real.hash(p)

        def verify(self, h, p):
            calls.append(h)
            return real.verify(h, p)
    monkeypatch.setattr(accounts, "_ph", Counting())
    for name in ("bien_tap", "khong_ai_ca", "sso_user@example.org"):    # known, unknown, no password
        calls.clear()
        assert accounts.authenticate(eng, name, "sai mật khẩu") is None
        assert len(calls) == 1, name
    monkeypatch.setattr(accounts, "_ph", real)
    known = [r.wait_seconds > 0 for r in fail(eng, accounts.MAX_FAILS, user="bien_tap", client=None)]
    unknown = [r.wait_seconds > 0 for r in fail(eng, accounts.MAX_FAILS, user="khong_ai_ca", client=None)]
    assert known == unknown


def test_expired_sessions_are_purged(eng):
    with eng.begin() as c:
        for i in range(3):
            c.execute(text("INSERT INTO sessions (session_id, username, created_at, last_seen, expires_at) "
                           "VALUES (:s, 'bien_tap', :t, :t, :t)"), {"s": f"old{i}", "t": "2020-01-01T00:00:00+00:00"})
    accounts.start_session(eng, "bien_tap")
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM sessions WHERE session_id LIKE 'old%'")).scalar() == 0
        assert c.execute(text("SELECT COUNT(*) FROM sessions")).scalar() == 1


def test_oidc_needs_a_verified_email():
    assert accounts.oidc_identity({"email": "a@b.vn", "email_verified": True}) == "a@b.vn"
    assert accounts.oidc_identity({"email": "a@b.vn", "email_verified": "true"}) == "a@b.vn"
    for info in ({"email": "a@b.vn", "email_verified": False}, {"email": "a@b.vn"}, {"sub": "12345"},
                 {"email": "", "email_verified": True}):
        assert accounts.oidc_identity(info) is None, info


def _app():
    from ui.editor import auth, import_panel
    import_panel.render("vi", auth.current_user())


def test_a_reload_does_not_reset_the_count(tmp_path, monkeypatch):
    """Through the login form: five failures, then a new browser session (a reload) is still locked."""
    url = f"sqlite:///{tmp_path / 'ui.sqlite'}"
    monkeypatch.setenv("NTM_DATABASE_URL", url)
    e = get_engine(url)
    init_db(e)
    accounts.add_user(e, "bien_tap", PW, "editor", district="444")
    at = AppTest.from_function(_app, default_timeout=60).run()
    for _ in range(accounts.MAX_FAILS):
        at.text_input[0].input("bien_tap")
        at.text_input[1].input("sai")
        at.button[0].click()
        at.run()
    fresh = AppTest.from_function(_app, default_timeout=60).run()    # a reload: a new session
    fresh.text_input[0].input("bien_tap")
    fresh.text_input[1].input(PW)
    fresh.button[0].click()
    fresh.run()
    assert any("quá nhiều lần" in str(x.value) for x in fresh.error)
    assert len(fresh.file_uploader) == 0
