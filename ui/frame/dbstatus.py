"""The frame's link to the store's health: a request id per script run (for the JSON logs), the
"database unavailable, retrying" notice, and the guard that turns a lost database connection
into that notice instead of a traceback. The checks themselves are in loaders/freshness.py."""
from __future__ import annotations

import contextlib

import streamlit as st

from loaders import logs
from loaders.freshness import is_unavailable, watcher
from ui.frame.i18n import DEFAULT_LANG, LANGS, t

RETRY_SECONDS = 3


def begin_run() -> str:
    """A fresh request id for this script run: nginx's X-Request-Id of the session's websocket
    (links app lines to the access log) plus a run counter."""
    n = st.session_state.get("_ntm_run_n", 0) + 1
    st.session_state["_ntm_run_n"] = n
    base = st.session_state.get("_ntm_rid_base")
    if base is None:
        try:
            base = st.context.headers.get("X-Request-Id") or ""
        except Exception:   # no request context (AppTest)
            base = ""
        base = st.session_state["_ntm_rid_base"] = (base[:16] or logs.new_request_id())
    return logs.set_request_id(f"{base}.{n}")


@st.fragment(run_every=RETRY_SECONDS)
def _retry() -> None:
    """While the database is away: try again every few seconds, rerun the page when it is back."""
    w = watcher()
    w.changed(force=True)
    if w.available:
        st.rerun(scope="app")


def notice(lang: str, have_data: bool = True) -> bool:
    """Show the notice (and start retrying) when the last check could not reach the database."""
    # Always one element here, empty or not: the elements below keep their places when the notice
    # comes and goes, so the page's map is not mounted anew when the database is back.
    slot = st.empty()
    w = watcher()
    if w.available:
        return False
    with slot.container():
        st.warning(t("app.db_unavailable" if have_data else "app.db_unavailable_nodata", lang),
                   icon=":material/cloud_off:")
        _retry()
    return True


def no_data(exc: Exception, lang: str) -> None:
    """The dataset could not be loaded: the retrying notice when the database is away, else the
    error in one line (the store is not built, a file is broken)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    if is_unavailable(exc):
        watcher().changed(force=True)   # logs the outage once (not on every retry)
        st.warning(t("app.db_unavailable_nodata", lang), icon=":material/cloud_off:")
        _retry()
        return
    logs.error("data_missing", exc)
    st.error(t("app.data_missing", lang, error=f"{type(exc).__name__}: {exc}"))


@contextlib.contextmanager
def guard(lang: str):
    """Run a page: a lost database connection shows the notice (and is logged); any other error is
    logged with the request id and raised as before."""
    try:
        yield
    except Exception as exc:
        if is_unavailable(exc):
            no_data(exc, lang)
            return
        logs.error("page_error", exc)
        raise
