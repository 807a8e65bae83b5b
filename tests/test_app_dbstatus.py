"""AppTest: the app when the database cannot be reached. With nothing loaded yet it shows the
"database unavailable, retrying" notice (VI and EN) and no traceback; with data already loaded it
keeps showing the figures with the notice above them, and the notice goes once the database answers."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from loaders import freshness
from pg_fixture import _free_port
from ui.frame.i18n import t

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def warnings_of(at) -> list[str]:
    return [w.value for w in at.warning]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_unreachable_database_before_any_data_shows_the_retry_notice(monkeypatch, lang):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/ntm"
    monkeypatch.setenv("NTM_DATABASE_URL", url)
    from ui.frame import data
    data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert t("app.db_unavailable_nodata", lang) in warnings_of(at)
    assert not at.error   # not the "data missing" error either
    freshness._watchers.pop(url, None)


def test_database_lost_after_load_keeps_figures_and_recovers(monkeypatch, _seeded_sqlite, tmp_path):
    """One dialect is enough here: the failure is injected at the version read."""
    import shutil
    shutil.copyfile(_seeded_sqlite, tmp_path / "db.sqlite")
    seeded_db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("NTM_DATABASE_URL", seeded_db_url)
    monkeypatch.setattr(freshness, "interval_seconds", lambda: 0.0)
    freshness._watchers.pop(seeded_db_url, None)
    from ui.frame import data
    data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert t("app.db_unavailable", "vi") not in warnings_of(at)
    tiles = [h for h in at.get("html") if "kpi-standard" in h.proto.body]
    assert tiles

    real = freshness.read_version

    def down(engine):
        raise OperationalError("SELECT version FROM data_version", {}, Exception("connection refused"))
    monkeypatch.setattr(freshness, "read_version", down)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert t("app.db_unavailable", "vi") in warnings_of(at)
    assert [h for h in at.get("html") if "kpi-standard" in h.proto.body], "cached figures still shown"

    monkeypatch.setattr(freshness, "read_version", real)
    at.run()
    assert not at.exception
    assert t("app.db_unavailable", "vi") not in warnings_of(at)
    data.clear()
    freshness._watchers.pop(seeded_db_url, None)
