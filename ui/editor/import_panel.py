"""The import panel of `/data` for editors: upload → dry-run report (errors, matched and unmatched
units, the change of level per commune, the rows that would weaken the record) → confirm; the import
history (local time, Asia/Ho_Chi_Minh) with rollback.

- One size limit: ``server.maxUploadSize`` (.streamlit/config.toml), which Streamlit enforces
  before it buffers an upload and shows in the uploader; the label says the same number.
- A file is validated once (the dry run is kept per file and account), not on every rerun.
- After a confirm or a rollback the panel says what happened (the message survives the rerun that
  reloads the history), a written file is not offered again, a rolled-back import is shown as such.
- Everything shown from a file goes through st.dataframe / st.text or a Markdown code span (never
  raw Markdown or HTML), and every table is formula-neutralised (its download button exports it).
Strings: ``import.panel.*`` (and ``import.kind.*``, ``import.change.*``, ``import.state.*``,
``import.flag.*``, ``levels.*``) in domain/locales."""
from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from loaders import logs
from loaders.importer.pipeline import RollbackError, history, import_bytes, rollback
from ui.frame.i18n import DEFAULT_LANG, LANGS, t
from ui.frame.safe import md_escape, safe_frame

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_DRY, _WRITTEN, _FLASH = "ntm_import_dry", "ntm_import_written", "ntm_import_flash"


def _t(lang, key, **kw):
    return t(f"import.panel.{key}", lang, **kw)


def _label(lang, group, value):
    """A stored value in words (a level, a kind, a change, a state); the raw value when unknown."""
    if value is None or value == "":
        return "—"
    key = f"{group}.{value}"
    try:
        return t(key, lang)
    except KeyError:
        return str(value)


def upload_limit_mb() -> int:
    """The one upload limit: Streamlit's ``server.maxUploadSize`` (MB)."""
    from streamlit import config
    try:
        return max(1, int(config.get_option("server.maxUploadSize")))
    except (TypeError, ValueError):
        return 5


def local_time(iso: str | None) -> str:
    if not iso:
        return "—"
    try:
        d = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if d.tzinfo is None:
        from datetime import timezone
        d = d.replace(tzinfo=timezone.utc)
    return d.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def _engine():
    from ui.editor.auth import _engine as eng
    return eng()


def render(lang: str, user) -> None:
    lang = lang if lang in LANGS else DEFAULT_LANG
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
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        getattr(st, flash[0])(_t(lang, flash[1], **flash[2]))
    mb = upload_limit_mb()
    from loaders.importer.samples import STATUS_HEADER, status_csv
    st.download_button(_t(lang, "template"), status_csv([], header=STATUS_HEADER + ["commune_group"] + [
                           f"c{i:02d}" for i in range(1, 20)]),
                       file_name="ntm_status_template.csv", mime="text/csv", key="ntm_import_template")
    _uploader_words(lang, mb)
    up = st.file_uploader(_t(lang, "upload", mb=mb), type=["csv", "xlsx"], key="ntm_import_file",
                          max_upload_size=mb)
    if up is not None:
        data = up.getvalue()
        if len(data) > mb * 1024 * 1024:
            st.error(_t(lang, "too_big", size=f"{len(data) / 1048576:.1f}", mb=mb))
        else:
            _one_file(lang, user, eng, up.name, data, mb)
    _history(lang, user, eng)


def _css_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _uploader_words(lang, mb):
    """Streamlit writes its uploader's button and hint in English ("Upload", "5MB per file") and
    refuses a bigger file with an English tooltip only: the panel's words replace the first two
    (the originals kept for screen readers, drawn at size 0) and are written beside a refused file."""
    box = ".st-key-ntm_import_file [data-testid=stFileUploaderDropzone]"
    st.html(f"""<style>
    {box} [data-testid=stFileUploaderDropzoneInstructions] span,
    {box} button [data-testid=stMarkdownContainer] p {{ font-size: 0; }}
    {box} [data-testid=stFileUploaderDropzoneInstructions] span::after {{
      content: {_css_string(_t(lang, "upload_hint", mb=mb))}; font-size: 0.875rem; }}
    {box} button [data-testid=stMarkdownContainer] p::after {{
      content: {_css_string(_t(lang, "upload_button"))}; font-size: 0.875rem; }}
    .st-key-ntm_import_file [data-testid=stFileChip][aria-invalid=true]::after {{
      content: {_css_string(_t(lang, "upload_refused", mb=mb))}; font-size: 0.875rem; color: #8a1c1c;
      margin-left: 0.75rem; align-self: center; }}
    </style>""")


def _dry_run_once(user, eng, name, data, sha, mb):
    """The dry run of this file for this account, computed once (kept in the session)."""
    key = (sha, user.username, name)
    kept = st.session_state.get(_DRY)
    if kept and kept[0] == key:
        return kept[1]
    rep = import_bytes(data, name, eng, user=user.username, dry_run=True, scope=user.scope,
                       max_bytes=mb * 1024 * 1024)
    st.session_state[_DRY] = (key, rep)
    return rep


def _one_file(lang, user, eng, name, data, mb):
    sha = hashlib.sha256(data).hexdigest()
    written = st.session_state.get(_WRITTEN)
    if written and written["sha"] == sha:
        st.success(_t(lang, "done", n=written["rows"], id=written["id"]))
        st.caption(_t(lang, "upload_another"))
        return
    rep = _dry_run_once(user, eng, name, data, sha, mb)
    _report(lang, rep)
    if rep.already_imported:
        st.info(_t(lang, "noop", id=rep.already_imported))
        return
    flagged = [e for e in rep.errors if e["code"] == "needs_confirmation"]
    if rep.errors and len(flagged) < len(rep.errors):
        return                     # real errors: fix the file first
    reason, sure = None, True
    if flagged:
        st.warning(_t(lang, "weakens", n=len(flagged)))
        shown = flagged[:20]
        st.markdown("\n".join("- " + md_escape(_t(lang, "weakens_row", row=e["row"], message=e[f"message_{lang}"]))
                               for e in shown) + ("\n- …" if len(flagged) > len(shown) else ""))
        sure = st.checkbox(_t(lang, "weakens_confirm", n=len(flagged)), key="ntm_import_weaken_sure")
        reason = st.text_input(_t(lang, "reason"), key="ntm_import_reason", max_chars=500)
    n = rep.rows_to_write
    ready = sure and (not flagged or bool((reason or "").strip()))
    if st.button(_t(lang, "confirm", n=n), type="primary", key="ntm_import_confirm", disabled=not ready):
        final = import_bytes(data, name, eng, user=user.username, scope=user.scope, max_bytes=mb * 1024 * 1024,
                             allow_downgrade=bool(flagged), reason=(reason or "").strip() or None)
        logs.import_event(final, user.username, source="app")
        st.session_state.pop(_DRY, None)
        if final.ok and final.import_id:
            st.session_state[_WRITTEN] = {"sha": sha, "id": final.import_id, "rows": final.rows_written}
            st.session_state["ntm_import_done"] = True      # the file's block says "imported" after the rerun
            _reload_and_rerun()
        elif final.ok:
            st.info(_t(lang, "noop", id=final.already_imported))
        else:
            st.error(_t(lang, "failed", msg=md_escape(getattr(final, f"message_{lang}"))))
            _errors(lang, final.errors)


def _report(lang, rep):
    st.markdown(f"#### {_t(lang, 'dry_title')}")
    st.markdown(f"**{_t(lang, 'kind')}:** {_label(lang, 'import.kind', rep.kind)}")
    flagged = sum(e["code"] == "needs_confirmation" for e in rep.errors)
    real = [e for e in rep.errors if e["code"] != "needs_confirmation"]
    c = st.columns(4 if flagged else 3)
    c[0].metric(_t(lang, "read"), rep.rows_read)
    c[1].metric(_t(lang, "valid"), rep.rows_valid)
    if flagged:                      # the rows to confirm, beside the valid ones
        c[2].metric(_t(lang, "flags"), flagged)
    c[-1].metric(_t(lang, "to_write"), rep.rows_to_write if not real and not rep.already_imported else 0)
    facts = [rep.file, f"SHA-256 {(rep.sha256 or '')[:16]}…"]
    if rep.province:
        facts.append(_t(lang, "province", code=rep.province))
    if rep.report_date:
        facts.append(_t(lang, "report_date", date=_date(rep.report_date)))
    if rep.encoding:
        facts.append(_t(lang, "encoding", e=rep.encoding))
    st.text(" · ".join(facts))   # st.text: file names are shown verbatim, never as markdown/HTML
    if real:                         # the rows to confirm are listed in full below the diff
        st.error(_t(lang, "errors", n=len(real)))
        _errors(lang, real)
    m = f"message_{lang}"
    if rep.warnings:
        with st.expander(_t(lang, "warnings", n=len(rep.warnings))):
            _table([{_t(lang, "row"): w.get("row"), _t(lang, "message"): w.get(m) or w["message"]}
                    for w in rep.warnings], "ntm_import_warnings")
    if rep.unmatched_units:
        st.markdown(f"**{_t(lang, 'unmatched', n=len(rep.unmatched_units))}**")
        _table([{_t(lang, "row"): u["row"], _t(lang, "name"): u.get("name") or u.get("unit_code"),
                 _t(lang, "suggest"): ", ".join(u.get("suggestions") or [])} for u in rep.unmatched_units],
               "ntm_import_unmatched")
    if rep.matched_units:
        with st.expander(_t(lang, "matched", n=len(rep.matched_units))):
            _table([{_t(lang, "row"): u["row"], _t(lang, "unit"): u["unit_code"], _t(lang, "name"): u["name"]}
                    for u in rep.matched_units], "ntm_import_matched")
    if rep.diff:
        st.markdown(f"**{_t(lang, 'diff', n=len(rep.diff))}**")
        # What changes comes first: a phone shows the first four or five columns without scrolling.
        _table([{_t(lang, "name"): d["name"], _t(lang, "year"): d["year"],
                 _t(lang, "before"): _label(lang, "levels", d["level_before"]),
                 _t(lang, "after"): _label(lang, "levels", d["level_after"]),
                 _t(lang, "change"): _label(lang, "import.change", d["change"]),
                 _t(lang, "flags"): ", ".join(_label(lang, "import.flag", f) for f in d.get("flags") or []),
                 _t(lang, "row"): d["row"], _t(lang, "unit"): d["unit_code"]}
                for d in rep.diff], "ntm_import_diff")


def _errors(lang, errors):
    m, a = f"message_{lang}", f"action_{lang}"
    _table([{_t(lang, "row"): e["row"], _t(lang, "column"): e["column"],
             _t(lang, "value"): None if e["value"] is None else str(e["value"]),
             _t(lang, "message"): e.get(m) or e["message"], _t(lang, "action"): e.get(a)} for e in errors],
           "ntm_import_errors")


def _table(rows, key):
    st.dataframe(safe_frame(pd.DataFrame(rows)), hide_index=True, key=key)


def _date(iso):
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _history(lang, user, eng):
    st.markdown(f"#### {_t(lang, 'history')}")
    rows = history(eng)
    if user.scope is not None:
        kind, code = user.scope
        rows = [r for r in rows if (r["province_code"] == code if kind == "province" else r["scope_code"] == code)]
    if not rows:
        st.text(_t(lang, "no_history"))
        return
    _table([{"#": r["import_id"], _t(lang, "state"): _label(lang, "import.state", r["state"]),
             _t(lang, "when"): local_time(r["created_at"]), _t(lang, "file"): r["file_name"],
             _t(lang, "rows"): r["rows_written"],
             _t(lang, "confirmed"): r.get("confirmed_downgrades") or 0, _t(lang, "reason"): r.get("reason") or "",
             _t(lang, "who"): r["username"], _t(lang, "kind"): _label(lang, "import.kind", r["kind"]),
             _t(lang, "rolled_back_at"): local_time(r["rolled_back_at"]) if r["rolled_back_at"] else "",
             "SHA-256": r["sha256"][:16]} for r in rows], "ntm_import_history")
    active = [r for r in rows if r["state"] == "active"]
    if not active:
        return
    labels = {r["import_id"]: f"#{r['import_id']} · {r['file_name']} · {local_time(r['created_at'])}" for r in active}
    c1, c2 = st.columns([1, 2])
    target = c1.selectbox(_t(lang, "rollback"), list(labels), format_func=labels.get, key="ntm_rollback_id")
    sure = c2.checkbox(_t(lang, "rollback_confirm"), key=f"ntm_rollback_sure_{target}")   # fresh per import
    if st.button(_t(lang, "rollback"), disabled=not sure, key="ntm_rollback_go"):
        try:
            n = rollback(eng, int(target), user=user.username, scope=user.scope)
            logs.event("rollback", user=user.username, import_id=int(target), rows_removed=n, source="app")
        except RollbackError as e:
            st.error(e.msg.text(lang))
            return
        written = st.session_state.get(_WRITTEN)
        if written and written["id"] == int(target):
            st.session_state.pop(_WRITTEN, None)      # the same file may be imported again
        st.session_state.pop(_DRY, None)
        st.session_state["ntm_import_done"] = True
        st.session_state[_FLASH] = ("success", "rolled", {"id": int(target), "n": n})
        _reload_and_rerun()


def _reload_and_rerun():
    """The store changed: drop the cached data so the rerun shows it everywhere on the page."""
    from ui.frame import data
    data.clear()
    st.rerun()

