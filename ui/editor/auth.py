"""Login for editors and admins. Public pages need no login.

Local accounts: username + password verified against the argon2 hash in `users`, a server-side
session row that times out after NTM_SESSION_MINUTES (default 30) without activity. Failed logins
are counted in the store per account and per client address (``accounts.login``: a reload does
not reset them) with a growing lock-out. OIDC: when `.streamlit/secrets.toml` has an `[auth]`
section, `st.login()` is offered and the OIDC identity — its e-mail, only when the provider says
it is verified — must match an account created with `python -m loaders users add …
--no-password`, which gives its role and scope. There is no default account or password."""
from __future__ import annotations

import os

import streamlit as st

from domain.text import t
from loaders import logs
from loaders.importer import accounts
from ui.frame.safe import md_escape

_SID = "ntm_session_id"
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _t(lang, key, **kw):
    return t(f"editor.login.{key}", lang, **kw)


def session_minutes() -> int:
    try:
        return max(1, int(os.environ.get("NTM_SESSION_MINUTES", accounts.SESSION_MINUTES)))
    except ValueError:
        return accounts.SESSION_MINUTES


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    from loaders.store import get_engine, init_db
    eng = get_engine(url)
    init_db(eng)
    return eng


def _engine():
    from loaders.store import database_url
    return _engine_for(database_url())


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def client_address() -> str | None:
    """The visitor's address: the connection's, or behind the local reverse proxy (nginx on
    loopback) the first address of X-Forwarded-For."""
    try:
        ip = st.context.ip_address
        headers = st.context.headers
    except Exception:
        return None
    forwarded = (headers.get("X-Forwarded-For") or "").split(",")[0].strip() if headers else ""
    if forwarded and (ip is None or ip in LOOPBACK):
        return forwarded
    return ip


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:   # no [auth] section or no OIDC session
        return False


def current_user() -> accounts.User | None:
    """The logged-in account (local session or OIDC with a verified e-mail), or None."""
    eng = _engine()
    if oidc_configured() and _oidc_logged_in():
        ident = accounts.oidc_identity(st.user)
        return accounts.get_user(eng, ident) if ident else None
    sid = st.session_state.get(_SID)
    if not sid:
        return None
    user = accounts.session_user(eng, sid, minutes=session_minutes())
    if user is None:
        st.session_state.pop(_SID, None)
        st.session_state["ntm_session_expired"] = True
        logs.event("session_expired")
    return user


def login_form(lang: str = "vi") -> accounts.User | None:
    eng = _engine()
    if st.session_state.pop("ntm_session_expired", False):
        st.warning(_t(lang, "expired"))
    if oidc_configured():
        if _oidc_logged_in():
            ident = accounts.oidc_identity(st.user)
            if ident is None:
                st.error(_t(lang, "unverified_sso", u=md_escape(st.user.get("email") or st.user.get("sub") or "?")))
            else:
                st.error(_t(lang, "unknown_sso", u=md_escape(ident)))
        if st.button(_t(lang, "sso"), key="ntm_sso"):
            st.login()
    with st.form("ntm_login"):
        st.markdown(f"**{_t(lang, 'title')}**")
        username = st.text_input(_t(lang, "user"))
        password = st.text_input(_t(lang, "password"), type="password")
        submitted = st.form_submit_button(_t(lang, "submit"))
    if not submitted:
        return None
    result = accounts.login(eng, username, password, client=client_address())
    if result.user is None:
        logs.event("login", level="warning", user=username, ok=False, method="local",
                   reason="locked" if result.locked else "bad_credentials")
        st.error(_t(lang, "locked", s=result.wait_seconds) if result.locked else _t(lang, "bad"))
        return None
    user = result.user
    st.session_state[_SID] = accounts.start_session(eng, user.username, minutes=session_minutes())
    logs.event("login", user=user.username, ok=True, method="local", role=user.role)
    st.rerun()
    return user


def logout_button(user: accounts.User, lang: str = "vi") -> None:
    scope = _t(lang, "all") if user.scope is None else _t(lang, f"scope_{user.scope_level}", code=user.scope_code)
    st.caption(_t(lang, "as", u=md_escape(user.username), role=_t(lang, f"role_{user.role}"), scope=scope))
    if st.button(_t(lang, "logout"), key="ntm_logout"):
        logs.event("logout", user=user.username)
        accounts.end_session(_engine(), st.session_state.pop(_SID, None))
        if oidc_configured() and _oidc_logged_in():
            st.logout()
        st.rerun()
