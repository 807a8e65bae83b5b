"""The app as one ASGI application with a health endpoint: `streamlit run deploy/serve.py`.

Each replica of the shared deployment runs this instead of `streamlit run app.py`: the same app
(Streamlit's own server, `st.App`), plus `GET /_ntm/health`, a JSON answer of the replica's health
(database reachable, schema current, data version in the store and in this process's caches; see
loaders/status.py). HTTP 200 when healthy, 503 otherwise. nginx exposes it as `/healthz`."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _health_now() -> dict:
    from loaders.freshness import watcher
    from loaders.status import health
    w = watcher()
    return health(w.engine, seen_version=w.seen)


async def health_endpoint(request):
    body = await run_in_threadpool(_health_now)
    return JSONResponse(body, status_code=200 if body["ok"] else 503,
                        headers={"Cache-Control": "no-store"})


app = st.App(REPO / "app.py", routes=[Route("/_ntm/health", health_endpoint, methods=["GET"])])
