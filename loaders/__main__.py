"""`python -m loaders <command>`: init | status | check | import | history | rollback | users | obligations.

Exit codes: 0 success, 1 invalid data (nothing written), 2 usage error or unreadable input.
"""
from __future__ import annotations

import argparse
import importlib
import sys

IMPORTER_COMMANDS = ("import", "history", "rollback", "users")


def _init(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m loaders init",
                                 description="Create or upgrade the database (NTM_DATABASE_URL, default "
                                             "SQLite under var/) and seed it from geodata/ when empty; "
                                             "reload the geodata-derived rows when the files changed "
                                             "(imported rows are kept). Idempotent; one transaction.")
    ap.add_argument("--geodata", metavar="DIR",
                    help="seed from this geodata folder (the app reads NTM_GEODATA_DIR; set it too, or "
                         "the next start reloads from the default geodata/)")
    a = ap.parse_args(argv)
    from loaders.store import SeedError, init_db
    try:
        res = init_db(root=a.geodata)
    except SeedError as e:
        print(f"error: {e}\nNothing was written. Run `python -m loaders check` for the full report.",
              file=sys.stderr)
        return 1
    print(res.summary())
    return 0


def _importer(command: str, argv: list[str]) -> int:
    try:
        cli = importlib.import_module("loaders.importer.cli")
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("loaders.importer"):
            print(f"error: `python -m loaders {command}` is not available in this build "
                  f"(module loaders.importer.cli is missing)", file=sys.stderr)
            return 2
        raise
    return int(cli.main([command, *argv]) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(
        prog="python -m loaders",
        description="NTM Atlas data tools.",
        epilog="commands:\n"
               "  init       create/upgrade the database and seed it from geodata/\n"
               "  status     database URL, schema and data version, last import (writes nothing)\n"
               "  check      validate every file in geodata/ (--geodata DIR to check another copy)\n"
               "  import     import a status or target table (CSV/XLSX)\n"
               "  history    list imports\n"
               "  rollback   roll back an import\n"
               "  users      manage editor accounts\n"
               "  obligations  list reporting obligations; with --period, who reported on time\n"
               "Run `python -m loaders COMMAND --help` for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["init", "status", "check", "obligations", *IMPORTER_COMMANDS], metavar="COMMAND")
    if not argv or argv[0] in ("-h", "--help"):
        ap.print_help()
        return 0 if argv else 2
    a, rest = ap.parse_known_args(argv[:1])  # exits 2 on an unknown command
    rest = argv[1:]
    if a.command == "init":
        return _init(rest)
    if a.command == "status":
        from loaders.status import main as status_main
        return status_main(rest)
    if a.command == "check":
        from loaders.check import main as check_main
        return check_main(rest)
    if a.command == "obligations":
        from loaders.obligations import main as obligations_main
        return obligations_main(rest)
    return _importer(a.command, rest)


if __name__ == "__main__":
    sys.exit(main())
