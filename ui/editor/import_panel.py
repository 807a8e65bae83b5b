"""The import panel of `/data` for editors: upload → dry-run report (errors, matched and unmatched
units, the change of level per commune) → confirm; the import history with rollback.

Uploads are limited in size and their type is sniffed from the content (the extension decides
nothing). Everything shown from a file goes through st.dataframe / st.text (never raw HTML)."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from loaders.importer.pipeline import RollbackError, history, import_bytes, rollback

TEXT = {
    "vi": {
        "login_needed": "Đăng nhập bằng tài khoản biên tập viên để nhập báo cáo.",
        "viewer": "Tài khoản của bạn chỉ có quyền xem; nhập dữ liệu cần quyền biên tập.",
        "upload": "Tải lên báo cáo (CSV hoặc XLSX, tối đa {mb} MB): bảng trạng thái, biểu tổng hợp tiêu chí hoặc danh sách quyết định công nhận",
        "too_big": "Tệp quá lớn: {size} MB (tối đa {mb} MB).",
        "dry_title": "Kết quả kiểm tra thử (chưa ghi gì)",
        "kind": "Loại bảng", "read": "Dòng đọc", "valid": "Dòng hợp lệ", "to_write": "Sẽ ghi",
        "errors": "Lỗi ({n}) — sửa tệp rồi tải lên lại; không có dòng nào được ghi",
        "warnings": "Cảnh báo ({n})", "matched": "Đơn vị khớp ({n})", "unmatched": "Đơn vị không khớp ({n})",
        "diff": "Thay đổi mức theo xã ({n})", "confirm": "Xác nhận nhập {n} dòng",
        "done": "Đã nhập {n} dòng (lần nhập #{id}).", "noop": "Tệp này đã được nhập (lần nhập #{id}); không ghi gì thêm.",
        "failed": "Không nhập được: {msg}", "history": "Lịch sử nhập", "no_history": "Chưa có lần nhập nào.",
        "rollback": "Hoàn tác lần nhập", "rollback_confirm": "Tôi hiểu các dòng của lần nhập này sẽ bị xóa",
        "rolled": "Đã hoàn tác lần nhập #{id} ({n} dòng).", "row": "Dòng", "column": "Cột", "value": "Giá trị",
        "message": "Lỗi", "action": "Cách sửa", "unit": "Mã", "name": "Đơn vị", "year": "Năm",
        "before": "Trước", "after": "Sau", "change": "Thay đổi", "file": "Tệp", "who": "Người nhập",
        "when": "Thời điểm (UTC)", "rows": "Dòng ghi", "state": "Trạng thái", "suggest": "Gợi ý",
        "encoding": "Bảng mã: {e}",
        "template": "Tải mẫu bảng trạng thái (CSV, UTF-8)",
    },
    "en": {
        "login_needed": "Log in with an editor account to import reports.",
        "viewer": "Your account can view only; importing needs an editor account.",
        "upload": "Upload a report (CSV or XLSX, at most {mb} MB): status table, criteria summary sheet or recognition decision list",
        "too_big": "File too large: {size} MB (limit {mb} MB).",
        "dry_title": "Dry-run report (nothing written yet)",
        "kind": "Table kind", "read": "Rows read", "valid": "Valid rows", "to_write": "Would write",
        "errors": "Errors ({n}) — fix the file and upload it again; nothing was written",
        "warnings": "Warnings ({n})", "matched": "Matched units ({n})", "unmatched": "Unmatched units ({n})",
        "diff": "Change of level per commune ({n})", "confirm": "Confirm: import {n} rows",
        "done": "Imported {n} rows (import #{id}).", "noop": "This file was already imported (import #{id}); nothing written.",
        "failed": "Import failed: {msg}", "history": "Import history", "no_history": "No imports yet.",
        "rollback": "Roll back import", "rollback_confirm": "I understand this import's rows will be removed",
        "rolled": "Rolled back import #{id} ({n} rows).", "row": "Row", "column": "Column", "value": "Value",
        "message": "Error", "action": "What to do", "unit": "Code", "name": "Unit", "year": "Year",
        "before": "Before", "after": "After", "change": "Change", "file": "File", "who": "Imported by",
        "when": "When (UTC)", "rows": "Rows written", "state": "State", "suggest": "Did you mean",
        "encoding": "Encoding: {e}",
        "template": "Download the status table template (CSV, UTF-8)",
    },
}


def _t(lang, key, **kw):
    return TEXT.get(lang, TEXT["vi"])[key].format(**kw)


def max_upload_mb() -> int:
    try:
        return max(1, int(os.environ.get("NTM_UPLOAD_MAX_MB", "5")))
    except ValueError:
        return 5


def _engine():
    from ui.editor.auth import _engine as eng
    return eng()


def render(lang: str, user) -> None:
    lang = lang if lang in TEXT else "vi"
    from ui.editor import auth
    if user is None:
        st.info(_t(lang, "login_needed"))
        auth.login_form(lang)
        return
    auth.logout_button(user, lang)
    if not user.can_import():
        st.info(_t(lang, "viewer"))
        return
    eng = _engine()
    mb = max_upload_mb()
    from loaders.importer.samples import STATUS_HEADER, status_csv
    st.download_button(_t(lang, "template"), status_csv([], header=STATUS_HEADER + [f"c{i:02d}" for i in range(1, 20)]),
                       file_name="ntm_status_template.csv", mime="text/csv", key="ntm_import_template")
    up = st.file_uploader(_t(lang, "upload", mb=mb), type=["csv", "xlsx"], key="ntm_import_file")
    if up is not None:
        data = up.getvalue()
        if len(data) > mb * 1024 * 1024:
            st.error(_t(lang, "too_big", size=f"{len(data) / 1048576:.1f}", mb=mb))
        else:
            _dry_run_and_confirm(lang, user, eng, up.name, data, mb)
    _history(lang, user, eng)


def _dry_run_and_confirm(lang, user, eng, name, data, mb):
    rep = import_bytes(data, name, eng, user=user.username, dry_run=True, scope=user.scope,
                       max_bytes=mb * 1024 * 1024)
    st.markdown(f"#### {_t(lang, 'dry_title')}")
    c = st.columns(4)
    c[0].metric(_t(lang, "kind"), rep.kind or "—")
    c[1].metric(_t(lang, "read"), rep.rows_read)
    c[2].metric(_t(lang, "valid"), rep.rows_valid)
    c[3].metric(_t(lang, "to_write"), len(rep.diff) if rep.ok and not rep.already_imported else 0)
    facts = [f"{rep.file}", f"SHA-256 {rep.sha256[:16]}…"]
    if rep.province:
        facts.append(("tỉnh " if lang == "vi" else "province ") + rep.province)
    if rep.report_date:
        facts.append(("ngày báo cáo " if lang == "vi" else "report date ") + rep.report_date)
    if rep.encoding:
        facts.append(_t(lang, "encoding", e=rep.encoding))
    st.text(" · ".join(facts))   # st.text: file names are shown verbatim, never as markdown/HTML
    m = "message_vi" if lang == "vi" else "message_en"
    a = "action_vi" if lang == "vi" else "action_en"
    if rep.errors:
        st.error(_t(lang, "errors", n=len(rep.errors)))
        st.dataframe(pd.DataFrame([{_t(lang, "row"): e["row"], _t(lang, "column"): e["column"],
                                    _t(lang, "value"): None if e["value"] is None else str(e["value"]),
                                    _t(lang, "message"): e.get(m) or e["message"], _t(lang, "action"): e.get(a)}
                                   for e in rep.errors]), hide_index=True, key="ntm_import_errors")
    if rep.warnings:
        with st.expander(_t(lang, "warnings", n=len(rep.warnings))):
            st.dataframe(pd.DataFrame([{_t(lang, "row"): w.get("row"), _t(lang, "message"): w.get(m) or w["message"]}
                                       for w in rep.warnings]), hide_index=True)
    if rep.unmatched_units:
        st.markdown(f"**{_t(lang, 'unmatched', n=len(rep.unmatched_units))}**")
        st.dataframe(pd.DataFrame([{_t(lang, "row"): u["row"], _t(lang, "name"): u.get("name") or u.get("unit_code"),
                                    _t(lang, "suggest"): ", ".join(u.get("suggestions") or [])}
                                   for u in rep.unmatched_units]), hide_index=True, key="ntm_import_unmatched")
    if rep.matched_units:
        with st.expander(_t(lang, "matched", n=len(rep.matched_units))):
            st.dataframe(pd.DataFrame([{_t(lang, "row"): u["row"], _t(lang, "unit"): u["unit_code"],
                                        _t(lang, "name"): u["name"]} for u in rep.matched_units]), hide_index=True)
    if rep.diff:
        st.markdown(f"**{_t(lang, 'diff', n=len(rep.diff))}**")
        st.dataframe(pd.DataFrame([{_t(lang, "row"): d["row"], _t(lang, "unit"): d["unit_code"], _t(lang, "name"): d["name"],
                                    _t(lang, "year"): d["year"], _t(lang, "before"): d["level_before"] or "—",
                                    _t(lang, "after"): d["level_after"], _t(lang, "change"): d["change"]}
                                   for d in rep.diff]), hide_index=True, key="ntm_import_diff")
    if rep.already_imported:
        st.info(_t(lang, "noop", id=rep.already_imported))
        return
    if not rep.ok:
        return
    if st.button(_t(lang, "confirm", n=len(rep.diff) or rep.rows_valid), type="primary", key="ntm_import_confirm"):
        final = import_bytes(data, name, eng, user=user.username, scope=user.scope, max_bytes=mb * 1024 * 1024)
        if final.ok and final.import_id:
            st.success(_t(lang, "done", n=final.rows_written, id=final.import_id))
            st.session_state["ntm_import_done"] = True
        elif final.ok:
            st.info(_t(lang, "noop", id=final.already_imported))
        else:
            st.error(_t(lang, "failed", msg=final.message_vi if lang == "vi" else final.message_en))


def _history(lang, user, eng):
    st.markdown(f"#### {_t(lang, 'history')}")
    rows = history(eng)
    if user.scope is not None:
        kind, code = user.scope
        rows = [r for r in rows if (r["province_code"] == code if kind == "province" else r["scope_code"] == code)]
    if not rows:
        st.text(_t(lang, "no_history"))
        return
    st.dataframe(pd.DataFrame([{"#": r["import_id"], _t(lang, "when"): r["created_at"], _t(lang, "who"): r["username"],
                                _t(lang, "file"): r["file_name"], _t(lang, "kind"): r["kind"],
                                _t(lang, "rows"): r["rows_written"], _t(lang, "state"): r["state"],
                                "SHA-256": r["sha256"][:16]} for r in rows]), hide_index=True, key="ntm_import_history")
    active = [r["import_id"] for r in rows if r["state"] == "active"]
    if not active:
        return
    c1, c2 = st.columns([1, 2])
    target = c1.selectbox(_t(lang, "rollback"), active, key="ntm_rollback_id")
    sure = c2.checkbox(_t(lang, "rollback_confirm"), key="ntm_rollback_sure")
    if st.button(_t(lang, "rollback"), disabled=not sure, key="ntm_rollback_go"):
        try:
            n = rollback(eng, int(target), user=user.username, scope=user.scope)
            st.success(_t(lang, "rolled", id=target, n=n))
            st.session_state["ntm_import_done"] = True
        except RollbackError as e:
            st.error(e.vi if lang == "vi" else e.en)
