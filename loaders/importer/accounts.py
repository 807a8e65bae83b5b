"""Local accounts (argon2 hashes), roles and sessions. No default password anywhere:
an account without a password cannot log in (OIDC users are matched by username/e-mail)."""
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
_ph = PasswordHasher()


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
    """The user when the password verifies against the stored argon2 hash, else None."""
    with engine.connect() as c:
        r = c.execute(text("SELECT password_hash FROM users WHERE username = :u AND disabled = 0"),
                      {"u": (username or "").strip()}).first()
    if not r or not r[0] or not password:
        _ph.hash("timing-equaliser")  # similar cost whether or not the user exists
        return None
    try:
        _ph.verify(r[0], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return get_user(engine, username)


def start_session(engine: Engine, username: str, minutes: int = SESSION_MINUTES) -> str:
    sid = secrets.token_urlsafe(32)
    now = _now()
    with engine.begin() as c:
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
        if not r:
            return None
        if datetime.fromisoformat(r[1]) <= now:
            c.execute(text("DELETE FROM sessions WHERE session_id = :s"), {"s": session_id})
            return None
        c.execute(text("UPDATE sessions SET last_seen = :n, expires_at = :e WHERE session_id = :s"),
                  {"n": now.isoformat(), "e": (now + timedelta(minutes=minutes)).isoformat(), "s": session_id})
    return get_user(engine, r[0])


def end_session(engine: Engine, session_id: str | None) -> None:
    if session_id:
        with engine.begin() as c:
            c.execute(text("DELETE FROM sessions WHERE session_id = :s"), {"s": session_id})
