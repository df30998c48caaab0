"""Run every benchmark: `python -m bench` (or `make bench`). Each prints its own figures."""

import importlib
import pkgutil
import sys
from pathlib import Path

for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
    if not info.name.startswith("bench_"):
        continue
    module = importlib.import_module(f"bench.{info.name}")
    print(f"\n===== {info.name} =====", flush=True)
    try:
        module.main()
    except SystemExit as exc:
        if exc.code not in (0, None):
            print(f"{info.name} exited with {exc.code}", file=sys.stderr)
