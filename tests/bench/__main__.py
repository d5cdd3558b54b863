"""Run every benchmark under tests/bench and print one table.

Each ``bench_*.py`` module has ``run() -> list[Result]``. Usage:
    python -m tests.bench [NAME_FILTER]
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import tests.bench as package
from tests.bench.harness import Result, format_table


def main(argv: list[str]) -> int:
    wanted = argv[0] if argv else ""
    results: list[Result] = []
    started = time.perf_counter()
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("bench_") or wanted not in module_info.name:
            continue
        module = importlib.import_module(f"tests.bench.{module_info.name}")
        print(f"running {module_info.name} ...", file=sys.stderr, flush=True)
        results += module.run()
    print(format_table(results))
    print(f"\n{len(results)} measurements in {time.perf_counter() - started:.0f} s", flush=True)
    return 1 if any(r.met is False for r in results) else 0


sys.exit(main(sys.argv[1:]))
