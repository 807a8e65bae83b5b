"""A light Streamlit client for load tests: what a browser tab does on the wire, without a browser.

A browser tab loads the page's HTML, then opens one WebSocket (`/_stcore/stream`, sub-protocol
`streamlit`) and sends a `BackMsg.rerun_script` with the URL's query string and page path; the
server runs the script and streams `ForwardMsg`s (protobuf) — deltas (elements), the navigation,
and `script_finished` when the run is over. Navigating to another page or changing the URL state
is another `rerun_script`. This client does exactly that and records, per run: the time to the
end of the run, exceptions the script showed (a traceback on screen), alerts (st.warning/st.error
texts), the HTML elements' bodies (the KPI tiles), and bytes received. It does not execute the
frontend's JavaScript, components or widget interactions: widget values travel in the URL state.
Sticky sessions: the `ntm_route` cookie is sent on every request, like a browser that got it
from nginx. 127.0.0.1 only.
"""
from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Run:
    page: str
    query: str
    seconds: float | None = None
    ok: bool = False
    error: str | None = None            # transport error or timeout
    exceptions: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    htmls: list = field(default_factory=list)
    kinds: dict = field(default_factory=dict)   # element kind -> count (component_instance = the map)
    headings: list = field(default_factory=list)
    bytes: int = 0
    started: float = 0.0                # wall clock
    ended: float = 0.0


def http_get(url: str, route: str | None, timeout: float = 30.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Cookie": f"ntm_route={route}"} if route else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        return 0, str(e).encode()


class LightSession:
    """One browser tab's worth of protocol: `await open()`, `await run(page, query)`, `close()`."""

    def __init__(self, base_url: str, route: str | None = None, name: str = ""):
        self.base = base_url.rstrip("/")
        self.ws_url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.route = route
        self.name = name
        self.ws = None
        self.page_hashes: dict[str, str] = {}
        self.runs: list[Run] = []

    async def open(self, timeout: float = 30.0) -> None:
        headers = {"Cookie": f"ntm_route={self.route}"} if self.route else {}
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], additional_headers=headers,
                                           max_size=2 ** 27, open_timeout=timeout, ping_interval=20,
                                           ping_timeout=120, close_timeout=2)

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:
                pass
            self.ws = None

    async def load(self, page: str, query: str, timeout: float = 120.0) -> Run:
        """A page load as a browser does it: the HTML, then the WebSocket and the first run."""
        t0 = time.perf_counter()
        started = time.time()
        status, _ = await asyncio.to_thread(http_get, f"{self.base}/{page}{'?' + query if query else ''}",
                                            self.route)
        if status != 200:
            r = Run(page, query, error=f"HTTP {status} for the page", started=started, ended=time.time())
            self.runs.append(r)
            return r
        try:
            await self.close()
            await self.open()
        except Exception as e:
            r = Run(page, query, error=f"websocket: {type(e).__name__}: {e}", started=started, ended=time.time())
            self.runs.append(r)
            return r
        r = await self.run(page, query, timeout=timeout - (time.perf_counter() - t0), record=False)
        r.seconds = time.perf_counter() - t0 if r.ok else None
        r.started = started
        self.runs.append(r)
        return r

    async def run(self, page: str, query: str, timeout: float = 120.0, record: bool = True) -> Run:
        """One script run for `page` with `query` (a navigation or a URL-state change)."""
        r = Run(page, query, started=time.time())
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = query
        cs.page_name = page
        cs.page_script_hash = self.page_hashes.get(page, "")
        t0 = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            deadline = t0 + timeout
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise asyncio.TimeoutError()
                raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
                if isinstance(raw, str):
                    continue
                r.bytes += len(raw)
                fm = ForwardMsg()
                fm.ParseFromString(raw)
                kind = fm.WhichOneof("type")
                if kind == "delta":
                    self._delta(fm.delta, r)
                elif kind == "navigation":
                    for p in fm.navigation.app_pages:
                        self.page_hashes[p.url_pathname] = p.page_script_hash
                elif kind == "new_session":
                    for p in fm.new_session.app_pages:
                        self.page_hashes.setdefault(p.url_pathname, p.page_script_hash)
                elif kind == "script_finished":
                    if fm.script_finished in FINISHED:
                        break
                    if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        r.error = "script compile error"
                        break
                    # FINISHED_EARLY_FOR_RERUN: the app reran itself (st.rerun); the next run follows
            r.seconds = time.perf_counter() - t0
            r.ok = r.error is None and not r.exceptions
        except asyncio.TimeoutError:
            r.error = f"no end of run within {timeout:.0f} s"
        except websockets.ConnectionClosed as e:
            r.error = f"connection closed ({e.code})"
        except Exception as e:   # transport trouble: recorded, never raised to the load loop
            r.error = f"{type(e).__name__}: {e}"
        r.ended = time.time()
        if record:
            self.runs.append(r)
        return r

    @staticmethod
    def _delta(delta, r: Run) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        r.kinds[kind] = r.kinds.get(kind, 0) + 1
        if kind == "heading":
            r.headings.append(el.heading.body)
        elif kind == "exception":
            r.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
        elif kind == "alert":
            r.alerts.append(el.alert.body)
        elif kind == "html":
            r.htmls.append(el.html.body)
