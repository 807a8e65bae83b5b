"""The CI skip hook (tests/ci_skips.py): under CI=true every kind of skip fails the run; without
it a skip stays a skip; an expected failure (xfail) is not a skip."""
from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

HERE = Path(__file__).resolve().parent

CASES = '''
import pytest

def test_runtime_skip():
    pytest.skip("no PostgreSQL server")

@pytest.mark.skipif(True, reason="../shared not present")
def test_marker_skip():
    pass

@pytest.fixture
def browser():
    pytest.skip("Chromium not found")

def test_fixture_skip(browser):
    pass

@pytest.mark.xfail(reason="known", strict=True)
def test_expected_failure():
    assert False

def test_passes():
    pass
'''
MODULE_SKIP = '''
import pytest
pytest.importorskip("a_module_that_is_not_installed_anywhere")

def test_never_runs():
    pass
'''


def _run(pytester, monkeypatch, ci):
    monkeypatch.syspath_prepend(str(HERE))
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    pytester.makeconftest('pytest_plugins = ["ci_skips"]\n')
    pytester.makepyfile(test_cases=CASES, test_module_skip=MODULE_SKIP)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "--continue-on-collection-errors")


def test_skips_fail_under_ci(pytester, monkeypatch):
    res = _run(pytester, monkeypatch, "true")
    # A skip in the test body fails the test; one in set-up (skipif, a fixture) or at import is an error.
    res.assert_outcomes(passed=1, failed=1, errors=3, xfailed=1, skipped=0)
    out = res.stdout.str()
    assert "skipped under CI=true (Skipped: no PostgreSQL server)" in out
    assert "../shared not present" in out and "Chromium not found" in out
    assert "a_module_that_is_not_installed_anywhere" in out
    assert res.ret != 0


def test_skips_stay_skips_without_ci(pytester, monkeypatch):
    for value in (None, "false", ""):
        res = _run(pytester, monkeypatch, value)
        res.assert_outcomes(passed=1, skipped=4, xfailed=1)
        assert res.ret == 0
