"""The import panel in a real browser (network blocked), in Vietnamese: an editor logs in, uploads a
file that weakens an official recognition, reads the dry run, confirms it with a reason, sees the
import as active, rolls it back and sees it as rolled back with nothing left to roll back (issue 14,
item 6). The uploader's own words (Streamlit's "Upload", "… per file", a refused file) are Vietnamese
too, with the one size limit."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import text

from conftest import guard_context, start_server, stop_server, wait_for_app
from loaders.importer import accounts, samples
from loaders.importer.pipeline import history
from loaders.store import get_engine

PASSWORD = "mật khẩu biên tập 2026"
FILE = samples.status_csv([
    {"unit_code": "18502", "year": 2023, "level": "none", "criteria_met": 17, "criteria_total": 19,
     "provenance": "reported", "note": "theo báo cáo huyện"},     # QĐ 189/QĐ-UBND says standard
    {"unit_name": "Xã Hương Lâm", "district": "Huyện Hương Khê", "year": 2024, "level": "standard",
     "criteria_met": 19, "criteria_total": 19}])


@pytest.fixture
def panel_server(tmp_path, _seeded_sqlite):
    db = tmp_path / "panel.sqlite"
    shutil.copyfile(_seeded_sqlite, db)
    url = f"sqlite:///{db}"
    eng = get_engine(url)
    accounts.add_user(eng, "bien_tap", PASSWORD, "editor", province="42")
    eng.dispose()
    proc, base = start_server({"NTM_DATABASE_URL": url})
    try:
        yield base, url
    finally:
        stop_server(proc)


def _after(page, selector: str) -> str:
    return page.evaluate("""s => { const el = document.querySelector(s);
                                  return el ? getComputedStyle(el, '::after').content : null; }""", selector)


def test_import_panel_in_vietnamese_dry_run_confirm_rollback(browser, panel_server, tmp_path):
    base, url = panel_server
    ctx, guard = guard_context(browser, viewport={"width": 1400, "height": 3000})
    page = guard.watch(ctx.new_page())
    try:
        page.goto(f"{base}/data?lang=vi")
        wait_for_app(page)
        page.locator("[data-testid=stForm] input[type=text]").first.fill("bien_tap")
        page.locator("[data-testid=stForm] input[type=password]").first.fill(PASSWORD)
        page.locator("[data-testid=stFormSubmitButton] button").first.click()
        page.get_by_text("Đăng xuất").first.wait_for(timeout=60_000)
        wait_for_app(page)
        # Streamlit's own uploader words, in Vietnamese, with the one limit (not "Upload", "5MB per file").
        zone = "[data-testid=stFileUploaderDropzone]"
        assert "Tối đa 5 MB mỗi tệp" in (_after(page, f"{zone} [data-testid=stFileUploaderDropzoneInstructions] span") or "")
        assert "Chọn tệp" in (_after(page, f"{zone} button [data-testid=stMarkdownContainer] p") or "")
        for sel in (f"{zone} [data-testid=stFileUploaderDropzoneInstructions] span",
                    f"{zone} button [data-testid=stMarkdownContainer] p"):
            assert page.evaluate("s => getComputedStyle(document.querySelector(s)).fontSize", sel) == "0px"
        # A file over the limit: refused by Streamlit before it is sent, and said beside it in Vietnamese
        # (Streamlit's only word is an English tooltip).
        big = tmp_path / "qua_lon.csv"
        big.write_bytes(b"x," * (3 * 1024 * 1024))
        page.locator("input[type=file]").first.set_input_files(str(big))
        chip = ".st-key-ntm_import_file [data-testid=stFileChip][aria-invalid=true]"
        page.locator(chip).first.wait_for(timeout=30_000)
        assert "Tệp lớn hơn 5 MB: không được tải lên" in (_after(page, chip) or "")
        f = tmp_path / "ha_linh_2023.csv"
        f.write_bytes(FILE)
        page.locator("input[type=file]").first.set_input_files(str(f))
        page.get_by_text("Kết quả kiểm tra thử (chưa ghi gì)").first.wait_for(timeout=60_000)
        wait_for_app(page)
        metrics = dict(zip(page.locator("[data-testid=stMetricLabel]").all_inner_texts(),
                           page.locator("[data-testid=stMetricValue]").all_inner_texts()))
        assert metrics == {"Dòng đọc": "2", "Dòng hợp lệ": "1", "Cần xác nhận": "1", "Sẽ ghi": "2"}
        confirm = page.get_by_role("button", name="Xác nhận nhập 2 dòng")
        assert confirm.is_disabled()
        page.get_by_text("Tôi xác nhận ghi các dòng làm yếu dữ liệu đã có (1)").click()
        wait_for_app(page)
        page.get_by_label("Lý do (lưu trong lịch sử nhập)").fill("Huyện rà soát lại hồ sơ")
        page.get_by_label("Lý do (lưu trong lịch sử nhập)").press("Enter")
        wait_for_app(page)
        confirm.click()
        page.get_by_text("Đã nhập 2 dòng (lần nhập #1)").first.wait_for(timeout=60_000)
        wait_for_app(page)
        panel = page.locator("[data-testid=stMain]").inner_text()
        panel = panel[panel.find("Nhập dữ liệu (biên tập viên)"):]
        assert "chưa ghi gì" not in panel and "Tệp này đã được ghi" in panel     # no dry-run words after a write
        assert page.get_by_role("button", name="Xác nhận nhập 2 dòng").count() == 0
        eng = get_engine(url)
        assert [h["state"] for h in history(eng)] == ["active"]
        assert page.locator(".st-key-ntm_rollback_id").count() == 1                  # offered for rollback
        page.get_by_text("Tôi hiểu các dòng của lần nhập này sẽ bị xóa").click()
        wait_for_app(page)
        page.get_by_role("button", name="Hoàn tác lần nhập").click()
        page.get_by_text("Đã hoàn tác lần nhập #1 (2 dòng)").first.wait_for(timeout=60_000)
        wait_for_app(page)
        # Shown as rolled back and not offered again: no import left to choose, no button.
        assert page.get_by_role("button", name="Hoàn tác lần nhập").count() == 0
        assert page.locator(".st-key-ntm_rollback_id").count() == 0
        assert not guard.blocked, guard.blocked
        assert [(h["state"], h["confirmed_downgrades"], h["reason"]) for h in history(eng)] == [
            ("rolled_back", 1, "Huyện rà soát lại hồ sơ")]
        with eng.connect() as c:
            assert c.execute(text("SELECT COUNT(*) FROM status WHERE import_id IS NOT NULL")).scalar() == 0
        eng.dispose()
    finally:
        ctx.close()
