"""Local accounts (argon2 hashes), roles, sessions and login throttling. No default password
anywhere: an account without a password cannot log in (OIDC users are matched by a verified
e-mail).

Throttling lives in the store (``login_attempts``), so a reload, a new browser session or another
replica does not reset it: failed attempts are counted per account name and per client address;
past ``MAX_FAILS`` (account) or ``MAX_CLIENT_FAILS`` (client) within ``WINDOW`` the key is locked for
``LOCK`` seconds, doubling with each further failure up to ``MAX_LOCK``. A locked key is refused
before any password is checked. An unknown name costs what a known one costs (one argon2 verify
against a dummy hash) and is counted the same way, so the answer says nothing about which
accounts exist. Expired sessions are deleted whenever a session is started or read."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import text
from sqlalchemy.engine import Engine

ROLES = ("admin", "editor", "viewer")
SESSION_MINUTES = 30
MIN_PASSWORD = 10
MAX_FAILS, MAX_CLIENT_FAILS = 5, 20
WINDOW = timedelta(minutes=15)
LOCK, MAX_LOCK = timedelta(seconds=60), timedelta(minutes=15)
_ph = PasswordHasher()
_dummy: list[str] = []


def _dummy_hash() -> str:
    """A hash no password matches, verified for unknown names (same cost as a real account)."""
    if not _dummy:
        _dummy.append(_ph.hash(secrets.token_urlsafe(24)))
    return _dummy[0]


class AccountError(Exception):
    def __init__(self, vi, en):
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class User:
    username: str
    role: str
    scope_level: str          # all | province | district
    scope_code: str | None

    @property
    def scope(self):
        """None for all units, else ("province"|"district", code)."""
        return None if self.scope_level == "all" else (self.scope_level, self.scope_code)

    def can_import(self) -> bool:
        return self.role in ("admin", "editor")

    def can_manage_users(self) -> bool:
        return self.role == "admin"


def _now():
    return datetime.now(timezone.utc)


def add_user(engine: Engine, username: str, password: str | None, role: str, province: str | None = None,
             district: str | None = None) -> User:
    username = (username or "").strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise AccountError("Tên đăng nhập không hợp lệ", "Invalid username")
    if role not in ROLES:
        raise AccountError(f"Vai trò phải là {', '.join(ROLES)}", f"Role must be one of {', '.join(ROLES)}")
    if province and district:
        raise AccountError("Chọn tỉnh hoặc huyện, không chọn cả hai", "Give a province or a district, not both")
    if role == "editor" and not (province or district):
        raise AccountError("Biên tập viên phải có phạm vi (--province hoặc --district)",
                           "An editor needs a scope (--province or --district)")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự",
                           f"The password must have at least {MIN_PASSWORD} characters")
    level = "district" if district else ("province" if province else "all")
    code = district or province
    with engine.begin() as c:
        if c.execute(text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first():
            raise AccountError(f"Tài khoản '{username}' đã tồn tại", f"User '{username}' already exists")
        if code and not c.execute(text("SELECT 1 FROM units WHERE unit_code = :c AND admin_level = :l"),
                                  {"c": code, "l": level}).first():
            raise AccountError(f"Mã {level} '{code}' không có trong danh mục", f"No {level} with code '{code}'")
        c.execute(text("INSERT INTO users (username, password_hash, role, scope_level, scope_code, created_at, disabled) "
                       "VALUES (:u, :h, :r, :l, :c, :t, 0)"),
                  {"u": username, "h": _ph.hash(password) if password else None, "r": role, "l": level, "c": code,
                   "t": _now().isoformat()})
    return User(username, role, level, code)


def remove_user(engine: Engine, username: str) -> None:
    with engine.begin() as c:
        if c.execute(text("DELETE FROM users WHERE username = :u"), {"u": username}).rowcount == 0:
            raise AccountError(f"Không có tài khoản '{username}'", f"No user '{username}'")
        c.execute(text("DELETE FROM sessions WHERE username = :u"), {"u": username})


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(text(
            "SELECT username, role, scope_level, scope_code, created_at, disabled FROM users ORDER BY username"))]


def get_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as c:
        r = c.execute(text("SELECT username, role, scope_level, scope_code FROM users WHERE username = :u AND disabled = 0"),
                      {"u": username}).first()
    return User(*r) if r else None


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The user when the password verifies against the stored argon2 hash, else None. One argon2
    verify whether or not the account exists or has a password."""
    with engine.connect() as c:
        r = c.execute(text("SELECT password_hash FROM users WHERE username = :u AND disabled = 0"),
                      {"u": (username or "").strip()}).first()
    stored = r[0] if r and r[0] else None
    try:
        _ph.verify(stored or _dummy_hash(), password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if stored is None or not password:
        return None
    return get_user(engine, username.strip())


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    wait_seconds: int = 0          # > 0: locked, try again after this many seconds

    @property
    def locked(self) -> bool:
        return self.wait_seconds > 0


def _keys(username: str, client: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{(username or '').strip().casefold()[:200]}", MAX_FAILS)]
    if client:
        keys.append((f"client:{client[:200]}", MAX_CLIENT_FAILS))
    return keys


def login(engine: Engine, username: str, password: str, client: str | None = None, now=None) -> LoginResult:
    """Check a local login against the throttle and the password; record the outcome."""
    now = now or _now()
    keys = _keys(username, client)
    wait = lock_wait(engine, keys, now)
    if wait:
        return LoginResult(None, wait)
    user = authenticate(engine, username, password)
    with engine.begin() as c:
        if user is not None:
            for key, _ in keys:
                c.execute(text("DELETE FROM login_attempts WHERE attempt_key = :k"), {"k": key})
            return LoginResult(user)
        for key, limit in keys:
            _fail(c, key, limit, now)
        c.execute(text("DELETE FROM login_attempts WHERE last_at < :old AND (locked_until IS NULL OR locked_until < :n)"),
                  {"old": (now - timedelta(days=1)).isoformat(), "n": now.isoformat()})
    return LoginResult(None, lock_wait(engine, keys, now))


def lock_wait(engine: Engine, keys, now) -> int:
    """Seconds until every key is unlocked (0 when none is locked)."""
    with engine.connect() as c:
        waits = [0]
        for key, _ in keys:
            r = c.execute(text("SELECT locked_until FROM login_attempts WHERE attempt_key = :k"), {"k": key}).first()
            if r and r[0]:
                waits.append(int((datetime.fromisoformat(r[0]) - now).total_seconds() + 0.999))
    return max(0, max(waits))


def _fail(c, key: str, limit: int, now) -> None:
    r = c.execute(text("SELECT failures, first_at, locked_until FROM login_attempts WHERE attempt_key = :k"),
                  {"k": key}).first()
    if r is None or (datetime.fromisoformat(r[1]) < now - WINDOW
                     and not (r[2] and datetime.fromisoformat(r[2]) > now)):
        failures, first = 1, now
        c.execute(text("DELETE FROM login_attempts WHERE attempt_key = :k"), {"k": key})
        c.execute(text("INSERT INTO login_attempts (attempt_key, failures, first_at, last_at, locked_until) "
                       "VALUES (:k, 1, :f, :f, NULL)"), {"k": key, "f": now.isoformat()})
    else:
        failures, first = int(r[0]) + 1, datetime.fromisoformat(r[1])
        c.execute(text("UPDATE login_attempts SET failures = :n, last_at = :t WHERE attempt_key = :k"),
                  {"n": failures, "t": now.isoformat(), "k": key})
    if failures >= limit:
        lock = min(LOCK * (2 ** (failures - limit)), MAX_LOCK)
        c.execute(text("UPDATE login_attempts SET locked_until = :u WHERE attempt_key = :k"),
                  {"u": (now + lock).isoformat(), "k": key})


def oidc_identity(info) -> str | None:
    """The account name of an OIDC login: its e-mail, and only when the provider says it is
    verified (``email_verified`` true); None otherwise (an unverified address names nobody)."""
    get = info.get if hasattr(info, "get") else (lambda k, d=None: getattr(info, k, d))
    email = get("email")
    verified = get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    return str(email).strip() if email and verified is True else None


def purge_sessions(c, now) -> None:
    c.execute(text("DELETE FROM sessions WHERE expires_at <= :n"), {"n": now.isoformat()})


def start_session(engine: Engine, username: str, minutes: int = SESSION_MINUTES) -> str:
    sid = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as c:
        purge_sessions(c, now)
        c.execute(text("INSERT INTO sessions (session_id, username, created_at, last_seen, expires_at) "
                       "VALUES (:s, :u, :c, :c, :e)"),
                  {"s": sid, "u": username, "c": now.isoformat(), "e": (now + timedelta(minutes=minutes)).isoformat()})
    return sid


def session_user(engine: Engine, session_id: str | None, minutes: int = SESSION_MINUTES, now=None) -> User | None:
    """The session's user, sliding its expiry; None (and the session deleted) once it has timed out."""
    if not session_id:
        return None
    now = now or _now()
    with engine.begin() as c:
        r = c.execute(text("SELECT username, expires_at FROM sessions WHERE session_id = :s"), {"s": session_id}).first()
        purge_sessions(c, now)
        if not r or datetime.fromisoformat(r[1]) <= now:
            return None
        c.execute(text("UPDATE sessions SET last_seen = :n, expires_at = :e WHERE session_id = :s"),
                  {"n": now.isoformat(), "e": (now + timedelta(minutes=minutes)).isoformat(), "s": session_id})
    return get_user(engine, r[0])


def end_session(engine: Engine, session_id: str | None) -> None:
    if session_id:
        with engine.begin() as c:
            c.execute(text("DELETE FROM sessions WHERE session_id = :s"), {"s": session_id})
