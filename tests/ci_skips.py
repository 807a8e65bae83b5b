"""Under ``CI=true`` a skipped test is a failure (a pytest plugin, loaded by ``tests/conftest.py``).

A skip says "this proof did not run": a missing browser, PostgreSQL server, PDF renderer or the
shared source data behind the rebuild tests. On a developer machine that is a visible note in the
summary (``-ra``); in CI it must fail the run, so ``.ci/run`` / ``make test`` have to provide
everything the suite needs. Expected failures (``xfail``) are not skips and are left alone.
"""
from __future__ import annotations

import os

import pytest

TRUE = ("1", "true", "yes", "on")


def ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in TRUE


def _reason(longrepr) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:    # (path, line, "Skipped: reason")
        return str(longrepr[2])
    return str(longrepr)


def _fail(rep, what: str) -> None:
    rep.outcome = "failed"
    rep.longrepr = (f"{what} was skipped under CI=true ({_reason(rep.longrepr)}); in CI a skip is a "
                    "failure: give the test what it needs (see .ci/run and `make test`)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if ci() and rep.skipped and not hasattr(rep, "wasxfail"):
        _fail(rep, item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    rep = outcome.get_result()
    if ci() and rep.skipped:     # a module-level skip / importorskip
        _fail(rep, collector.nodeid or str(collector))
