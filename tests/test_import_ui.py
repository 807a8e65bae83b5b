"""The /data import panel and the login form, driven with streamlit.testing.v1.AppTest:
login (argon2), dry-run report tables, confirm, history and rollback, viewer role, session timeout."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from loaders.importer import accounts, samples
from loaders.store import get_engine, init_db

GOOD = samples.status_csv([
    {"unit_name": "Xã Hương Trà", "district": "Huyện Hương Khê", "year": 2023, "level": "none", "criteria_met": 12,
     "criteria_total": 19},
    {"unit_name": "X. Gia Phố", "district": "Huyện Hương Khê", "year": 2023, "level": "none", "criteria_met": 14,
     "criteria_total": 19}])
BAD = samples.status_csv([{"unit_name": "<b>Xã Lạ</b>", "district": "Huyện Hương Khê", "year": 2023,
                           "level": "none"}])


def app():
    from ui.editor import auth, import_panel
    import_panel.render("vi", auth.current_user())


@pytest.fixture
def eng(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.sqlite'}"
    monkeypatch.setenv("NTM_DATABASE_URL", url)
    e = get_engine(url)
    init_db(e)
    with e.begin() as c:
        c.execute(text("DELETE FROM status"))
    accounts.add_user(e, "bien_tap", "mật khẩu biên tập 1", "editor", district="444")
    accounts.add_user(e, "chi_xem", "mật khẩu chỉ xem 12", "viewer")
    return e


def login(at, user, pw):
    at.text_input[0].input(user)
    at.text_input[1].input(pw)
    at.button[0].click()
    return at.run()


def frame(at, *cols):
    """The first table showing all these columns (AppTest does not expose dataframe keys)."""
    for d in at.dataframe:
        if all(c in d.value.columns for c in cols):
            return d.value
    raise AssertionError(f"no table with columns {cols}")


def texts(at):
    return " ".join(str(x.value) for kind in ("info", "error", "success", "warning", "text", "markdown", "caption")
                    for x in getattr(at, kind))


def test_login_dry_run_confirm_history_rollback(eng):
    at = AppTest.from_function(app, default_timeout=60).run()
    assert "Đăng nhập bằng tài khoản biên tập viên" in texts(at)
    assert len(at.file_uploader) == 0                  # public: no upload
    at = login(at, "bien_tap", "sai mật khẩu")
    assert "Sai tên đăng nhập hoặc mật khẩu" in texts(at) and len(at.file_uploader) == 0
    at = login(at, "bien_tap", "mật khẩu biên tập 1")
    assert not at.exception
    assert "bien\\_tap (biên tập viên, huyện 444)" in texts(at)      # the name as literal Markdown
    # Bad file: errors table, no confirm button.
    at.file_uploader[0].set_value(("sai.csv", BAD, "text/csv"))
    at.run()
    errors = frame(at, "Dòng", "Lỗi", "Cách sửa")
    assert list(errors["Dòng"]) == [2] and "HTML" in errors["Lỗi"][0]
    assert not any(b.key == "ntm_import_confirm" for b in at.button)
    # Good file: dry-run diff, then confirm.
    at.file_uploader[0].set_value(("dung.csv", GOOD, "text/csv"))
    at.run()
    diff = frame(at, "Mã", "Trước", "Sau")
    assert list(diff["Mã"]) == ["18550", "18532"] and list(diff["Sau"]) == ["Chưa đạt", "Chưa đạt"]
    assert list(diff["Thay đổi"]) == ["Mới", "Mới"]
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM status")).scalar() == 0      # dry run wrote nothing
    at.button(key="ntm_import_confirm").click()
    at.run()
    assert "Đã nhập 2 dòng (lần nhập #1)" in texts(at)
    # The state is true after the write: no dry-run language, no second confirm for this file.
    assert "chưa ghi gì" not in texts(at) and "không ghi gì" not in texts(at)
    assert not any(b.key == "ntm_import_confirm" for b in at.button)
    with eng.connect() as c:
        assert c.execute(text("SELECT unit_code, criteria_met FROM status ORDER BY unit_code")).fetchall() == [
            ("18532", 14), ("18550", 12)]
        assert c.execute(text("SELECT username, scope_code FROM imports")).fetchall() == [("bien_tap", "444")]
    hist = frame(at, "#", "Trạng thái")
    assert list(hist["#"]) == [1] and list(hist["Trạng thái"]) == ["Đang hiệu lực"]
    assert list(hist["Loại bảng"]) == ["Bảng trạng thái"]
    with eng.connect() as c:
        created = c.execute(text("SELECT created_at FROM imports")).scalar()
    from datetime import datetime, timedelta
    utc = datetime.fromisoformat(created)
    assert list(hist["Thời điểm (giờ Việt Nam)"]) == [(utc + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")]
    at.checkbox(key="ntm_rollback_sure_1").check()
    at.run()
    at.button(key="ntm_rollback_go").click()
    at.run()
    assert "Đã hoàn tác lần nhập #1 (2 dòng)" in texts(at)
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM status")).scalar() == 0
    # Shown as rolled back, and it cannot be rolled back twice (nothing left to choose).
    hist = frame(at, "#", "Trạng thái")
    assert list(hist["Trạng thái"]) == ["Đã hoàn tác"]
    assert not any(b.key == "ntm_rollback_go" for b in at.button)
    assert len([s for s in at.selectbox if s.key == "ntm_rollback_id"]) == 0


def test_viewer_cannot_import_and_sessions_time_out(eng):
    at = AppTest.from_function(app, default_timeout=60).run()
    at = login(at, "chi_xem", "mật khẩu chỉ xem 12")
    assert "chỉ có quyền xem" in texts(at) and len(at.file_uploader) == 0
    # Expire the session server-side: the next run asks for a login again.
    with eng.begin() as c:
        c.execute(text("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'"))
    at.run()
    assert "Phiên làm việc đã hết hạn" in texts(at) and len(at.text_input) == 2
    with eng.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM sessions")).scalar() == 0


@pytest.fixture
def upload_limit_1mb():
    from streamlit import config
    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 1)
    yield
    config.set_option("server.maxUploadSize", before)


def test_one_upload_limit_is_the_server_option():
    """The panel's limit is server.maxUploadSize, which .streamlit/config.toml sets (Streamlit
    refuses bigger uploads before buffering them and the uploader shows the same number)."""
    import tomllib
    from pathlib import Path

    from ui.editor.import_panel import upload_limit_mb
    cfg = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] == upload_limit_mb() == 5


def test_upload_size_limit(eng, upload_limit_1mb):
    at = AppTest.from_function(app, default_timeout=60).run()
    at = login(at, "bien_tap", "mật khẩu biên tập 1")
    at.file_uploader[0].set_value(("to.csv", GOOD + b"#" * (1024 * 1024), "text/csv"))
    at.run()
    assert "Tệp quá lớn" in texts(at)


def test_the_dry_run_runs_once_per_file(eng, monkeypatch):
    from ui.editor import import_panel
    calls = []
    real = import_panel.import_bytes

    def counting(*a, **kw):
        calls.append(kw.get("dry_run"))
        return real(*a, **kw)
    monkeypatch.setattr(import_panel, "import_bytes", counting)
    at = AppTest.from_function(app, default_timeout=60).run()
    at = login(at, "bien_tap", "mật khẩu biên tập 1")
    at.file_uploader[0].set_value(("dung.csv", GOOD, "text/csv"))
    at.run()
    at.run()          # reruns (any widget change triggers one) reuse the report
    at.run()
    assert calls == [True]


def test_a_downgrade_is_confirmed_with_a_reason(eng):
    """An editor's file lowers a level the store has: the rows are listed, the confirm button waits
    for the tick and a reason, and the reason is in the history."""
    from loaders.importer.pipeline import import_bytes
    up = samples.status_csv([{"unit_code": "18550", "year": 2021, "level": "standard", "criteria_met": 19,
                              "criteria_total": 19, "decision_no": "1337/QĐ-UBND", "decision_date": "01/07/2022"}])
    assert import_bytes(up, "qd.csv", eng, user="bien_tap").ok
    down = samples.status_csv([{"unit_code": "18550", "year": 2024, "level": "none", "criteria_met": 16,
                                "criteria_total": 19}])
    at = AppTest.from_function(app, default_timeout=60).run()
    at = login(at, "bien_tap", "mật khẩu biên tập 1")
    at.file_uploader[0].set_value(("ha.csv", down, "text/csv"))
    at.run()
    assert "Số dòng làm yếu dữ liệu đã có: 1" in texts(at)
    # The figures add up: valid + to confirm = to write (before: "1 valid" beside "2 to write" for a
    # file with one clean row and one to confirm, and the row to confirm in an errors table too).
    figures = {m.label: m.value for m in at.metric}
    assert (figures["Dòng hợp lệ"], figures["Cần xác nhận"], figures["Sẽ ghi"]) == ("0", "1", "1")
    assert not any("Lỗi" in d.value.columns for d in at.dataframe)
    assert "Dòng 2: Dòng này làm yếu dữ liệu đã có" in texts(at).replace("\\", "")
    diff = frame(at, "Mã", "Cần xác nhận")
    assert list(diff["Cần xác nhận"]) == ["thấp hơn năm trước"]
    assert at.button(key="ntm_import_confirm").disabled
    at.checkbox(key="ntm_import_weaken_sure").check()
    at.run()
    assert at.button(key="ntm_import_confirm").disabled          # still no reason
    at.text_input(key="ntm_import_reason").input("Huyện rà soát lại theo bộ tiêu chí mới")
    at.run()
    assert not at.button(key="ntm_import_confirm").disabled
    at.button(key="ntm_import_confirm").click()
    at.run()
    assert "Đã nhập 1 dòng (lần nhập #2)" in texts(at)
    hist = frame(at, "#", "Lý do (lưu trong lịch sử nhập)")
    assert list(hist["Lý do (lưu trong lịch sử nhập)"])[0] == "Huyện rà soát lại theo bộ tiêu chí mới"
