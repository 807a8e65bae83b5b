"""`python -m loaders import|history|rollback|users …` (DESIGN §3).

Exit codes: 0 success, 1 invalid data (nothing written), 2 usage or unreadable file."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

COMMANDS = ("import", "history", "rollback", "users")


def _engine(url=None):
    from loaders.store import get_engine, init_db
    eng = get_engine(url)
    init_db(eng)
    return eng


def _who(name):
    if name:
        return name
    try:
        return "cli:" + getpass.getuser()
    except Exception:
        return "cli"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m loaders", description="NTM Atlas: import, history, rollback, users")
    sub = p.add_subparsers(dest="cmd", required=True)
    imp = sub.add_parser("import", help="import a status/target table, a criteria summary sheet or a decision list")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    imp.add_argument("--json", action="store_true", help="print one JSON object (DESIGN §3)")
    imp.add_argument("--province", help="GSO province code (e.g. 42); inferred from the file when absent")
    imp.add_argument("--user", help="account name recorded in the history (its role and scope are enforced)")
    imp.add_argument("--allow-downgrade", action="store_true",
                     help="also write rows that lower a unit's level or replace a stronger provenance "
                          "(official > reported > derived); without it such rows are errors")
    imp.add_argument("--reason", help="why the rows confirmed by --allow-downgrade are right (kept in the history)")
    imp.add_argument("--database-url", help=argparse.SUPPRESS)
    h = sub.add_parser("history", help="list imports")
    h.add_argument("--json", action="store_true")
    h.add_argument("--limit", type=int, default=50)
    rb = sub.add_parser("rollback", help="undo one import")
    rb.add_argument("import_id", type=int)
    rb.add_argument("--user")
    rb.add_argument("--json", action="store_true")
    us = sub.add_parser("users", help="manage local accounts")
    usub = us.add_subparsers(dest="ucmd", required=True)
    ua = usub.add_parser("add")
    ua.add_argument("username")
    ua.add_argument("--role", required=True, choices=("admin", "editor", "viewer"))
    scope = ua.add_mutually_exclusive_group()
    scope.add_argument("--province")
    scope.add_argument("--district")
    ua.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    ua.add_argument("--no-password", action="store_true", help="OIDC-only account (cannot log in locally)")
    ur = usub.add_parser("remove")
    ur.add_argument("username")
    ul = usub.add_parser("list")
    ul.add_argument("--json", action="store_true")
    return p


def _print_report(rep, as_json: bool) -> None:
    if as_json:
        print(rep.to_json())
        return
    out = sys.stdout if rep.ok else sys.stderr
    for e in rep.errors:
        where = rep.file + (f":{e['row']}" if e["row"] is not None else "") + (f":{e['column']}" if e["column"] else "")
        val = f" [{e['value']}]" if e["value"] not in (None, "") else ""
        act = f" → {e['action_vi']} / {e['action_en']}" if e.get("action_vi") else ""
        print(f"{where}: {e['message_vi']} — {e['message_en']}{val}{act}", file=sys.stderr)
    for w in rep.warnings:
        where = rep.file + (f":{w['row']}" if w.get("row") is not None else "")
        print(f"{where}: cảnh báo/warning: {w['message_vi']} — {w['message_en']}", file=out)
    print(f"{rep.file}: {rep.kind or '?'}: đọc/read {rep.rows_read}, hợp lệ/valid {rep.rows_valid}, "
          f"ghi/written {rep.rows_written}. {rep.message_vi} — {rep.message_en}", file=out)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = build_parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    from .accounts import AccountError, add_user, get_user, list_users, remove_user
    from .pipeline import RollbackError, history, import_file, rollback
    try:
        engine = _engine(getattr(args, "database_url", None))
    except Exception as e:  # unreachable database
        print(f"Không kết nối được cơ sở dữ liệu — cannot open the database: {e}", file=sys.stderr)
        return 2

    if args.cmd == "import":
        scope, who = None, _who(args.user)
        if args.user:
            u = get_user(engine, args.user)
            if u is None or not u.can_import():
                print(f"Tài khoản '{args.user}' không có quyền nhập — user '{args.user}' may not import", file=sys.stderr)
                return 2
            scope = u.scope
        if not os.path.isfile(args.file):
            print(f"{args.file}: không có tệp — no such file", file=sys.stderr)
            if args.json:
                from .pipeline import Report
                rep = Report(False, os.path.basename(args.file), exit_code=2)
                from .messages import err, issue
                rep.errors.append(issue(err("no_such_file"), value=args.file))
                print(rep.to_json())
            return 2
        rep = import_file(args.file, engine, user=who, dry_run=args.dry_run, province=args.province, scope=scope,
                          allow_downgrade=args.allow_downgrade, reason=args.reason)
        if not rep.dry_run and (rep.import_id or not rep.ok):
            from loaders.logs import import_event
            import_event(rep, who, source="cli")
        _print_report(rep, args.json)
        return rep.exit_code

    if args.cmd == "history":
        rows = history(engine, args.limit)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, default=str))
        else:
            print("id  when                       who            kind            rows  state        file")
            for r in rows:
                print(f"{r['import_id']:<3} {r['created_at']:<26} {r['username'][:14]:<14} {r['kind']:<15} "
                      f"{r['rows_written']:>5}  {r['state']:<12} {r['file_name']}  sha256:{r['sha256'][:12]}")
                if r.get("confirmed_downgrades"):
                    print(f"    {r['confirmed_downgrades']} dòng hạ mức/nguồn đã xác nhận — confirmed downgrades; "
                          f"lý do/reason: {r.get('reason') or '—'}")
        return 0

    if args.cmd == "rollback":
        try:
            n = rollback(engine, args.import_id, user=_who(args.user))
        except RollbackError as e:
            print(f"{e.vi} — {e.en}", file=sys.stderr)
            return 1
        from loaders.logs import event
        event("rollback", user=_who(args.user), import_id=args.import_id, rows_removed=n, source="cli")
        msg = {"ok": True, "import_id": args.import_id, "rows_removed": n}
        print(json.dumps(msg) if args.json else
              f"Đã hoàn tác lần nhập #{args.import_id} ({n} dòng) — rolled back import #{args.import_id} ({n} rows)")
        return 0

    if args.cmd == "users":
        try:
            if args.ucmd == "add":
                pw = None
                if args.no_password:
                    pw = None
                elif args.password_stdin:
                    pw = sys.stdin.readline().rstrip("\r\n")
                    if not pw:
                        print("Mật khẩu rỗng — empty password on stdin", file=sys.stderr)
                        return 2
                elif sys.stdin.isatty():
                    pw = getpass.getpass("Mật khẩu / password: ")
                    if pw != getpass.getpass("Nhập lại / repeat: "):
                        print("Hai mật khẩu khác nhau — passwords differ", file=sys.stderr)
                        return 2
                else:
                    print("Dùng --password-stdin hoặc chạy trong terminal — use --password-stdin or a terminal",
                          file=sys.stderr)
                    return 2
                u = add_user(engine, args.username, pw, args.role, args.province, args.district)
                print(f"Đã thêm/added {u.username} ({u.role}, {u.scope_level} {u.scope_code or ''})".rstrip())
            elif args.ucmd == "remove":
                remove_user(engine, args.username)
                print(f"Đã xóa/removed {args.username}")
            else:
                rows = list_users(engine)
                if args.json:
                    print(json.dumps(rows, ensure_ascii=False, default=str))
                for r in rows if not args.json else []:
                    print(f"{r['username']:<20} {r['role']:<7} {r['scope_level']:<9} {r['scope_code'] or '':<6} {r['created_at']}")
        except AccountError as e:
            print(f"{e.vi} — {e.en}", file=sys.stderr)
            return 2
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
