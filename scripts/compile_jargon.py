"""Compile the jargon check's modules with mypyc, for speed (`make compile`).

The same source, compiled to C: the check's findings, rewrites and JSON are unchanged, and
about 1.5 times as fast (`python -m bench.bench_jargon` prints both side by side). The
modules go to build/compiled/bot/jargon/ with a manifest of the sources they were built
from; `bot.jargon` uses them only while every source still matches the manifest, so an
edited module runs as plain Python until the next `make compile`. Set
CIO_COACH_PURE_PYTHON=1 to run plain Python anyway.

    python scripts/compile_jargon.py            # needs mypy, setuptools and a C compiler
    python scripts/compile_jargon.py --clean    # remove the compiled modules
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# set before bot.jargon is imported: the compiled modules are about to be replaced
os.environ["CIO_COACH_PURE_PYTHON"] = "1"

from bot.jargon.compiled import (  # noqa: E402
    COMPILED_ROOT,
    MANIFEST,
    NATIVE_GROUP,
    PACKAGE_DIR,
    compiled_sources,
    source_digests,
)

# Type checking follows imports into the rest of `bot`, which is not compiled.
MYPY_OPTIONS = ["--ignore-missing-imports", "--follow-imports=silent"]
GROUP = f"bot.jargon.{NATIVE_GROUP}"  # one shared library, kept inside the package's folder


def compile_modules() -> int:
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError as error:
        print(f"compile_jargon: {error.name} is missing (pip install mypy setuptools)",
              file=sys.stderr)
        return 1
    sources = [str(p.relative_to(REPO)) for p in compiled_sources()]
    digests = source_digests(PACKAGE_DIR)  # what is compiled, even if a file changes meanwhile
    build_temp = REPO / "build" / "mypyc-temp"
    shutil.rmtree(COMPILED_ROOT, ignore_errors=True)
    print(f"compiling {len(sources)} modules of bot/jargon with mypyc (about a minute)...",
          file=sys.stderr)
    try:
        setup(name="cio-coach-jargon-compiled",
              ext_modules=mypycify([*MYPY_OPTIONS, *sources], group_name=GROUP),
              script_args=["build_ext", "--build-lib", str(COMPILED_ROOT),
                           "--build-temp", str(build_temp), "--quiet"])
    except (SystemExit, Exception) as error:  # mypy's errors end in SystemExit
        print(f"compile_jargon: failed ({error}); the check runs as plain Python",
              file=sys.stderr)
        shutil.rmtree(COMPILED_ROOT, ignore_errors=True)
        return 1
    manifest = COMPILED_ROOT / "bot" / "jargon" / MANIFEST
    manifest.write_text(json.dumps(digests, indent=1, sort_keys=True), encoding="utf-8")
    print(f"compiled into {manifest.parent.relative_to(REPO)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = ap.parse_args(argv)
    if args.clean:
        shutil.rmtree(COMPILED_ROOT, ignore_errors=True)
        return 0
    return compile_modules()


if __name__ == "__main__":
    sys.exit(main())
