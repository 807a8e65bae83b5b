"""Run every benchmark module present: `python -m benchmarks [--short] [NAME ...]`.

Each `benchmarks/bench_*.py` exposes `main(short: bool)` and prints its figures
(with the naive baseline of the same run where there is one). `--short` is the CI
mode. Names (e.g. `map`, `import`) limit the run to those modules. Exit 1 if a
module raised (the others still run). `deploy` (the shared deployment under load
and faults: it brings up PostgreSQL, nginx and two replicas) runs only when named:
`python -m benchmarks [--short] deploy` (`make bench-deploy`, `make bench-deploy-short`)."""
from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPT_IN = {"bench_deploy"}   # run only when named
sys.path.insert(0, str(HERE.parent))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="CI mode: fewer repetitions and sessions")
    ap.add_argument("names", nargs="*", help="only these modules (map, metrics, import, export, ...)")
    args = ap.parse_args(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if not args.names:
        modules = [m for m in modules if m not in OPT_IN]
    if args.names:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.names}
        unknown = wanted - set(modules)
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; present: {', '.join(modules)}", file=sys.stderr)
            return 2
        modules = [m for m in modules if m in wanted]
    failed = []
    for name in modules:
        print(f"\n=== {name} ({'short' if args.short else 'full'}) ===", flush=True)
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
            mod.main(short=args.short)
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"=== {name}: {time.perf_counter() - t0:.0f} s ===", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
