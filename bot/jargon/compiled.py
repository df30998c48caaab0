"""The check's modules compiled with mypyc (scripts/compile_jargon.py), when they match.

Compiled modules live outside the source folder, in build/compiled/bot/jargon/, with a
manifest of the sources they were built from. They are put first on the package's search
path only while every source still matches the manifest: an edited or added module means
plain Python throughout, never a mix of old compiled code and new source.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
COMPILED_ROOT = PACKAGE_DIR.parent.parent / "build" / "compiled"
MANIFEST = "SOURCES.json"
PURE_PYTHON_ENV = "CIO_COACH_PURE_PYTHON"
NOT_COMPILED = frozenset(["__init__.py", "compiled.py"])
# mypyc puts the compiled code of every module in one library, named after this group
NATIVE_GROUP = "_native"

log = logging.getLogger(__name__)


def compiled_sources(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The modules that are compiled: all but the package's own start-up."""
    return sorted(p for p in package_dir.glob("*.py") if p.name not in NOT_COMPILED)


def source_digests(package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in compiled_sources(package_dir)}


def matching_compiled_dir(package_dir: Path = PACKAGE_DIR,
                          compiled_dir: Path = COMPILED_ROOT / "bot" / "jargon"
                          ) -> Path | None:
    """`compiled_dir` when its manifest names exactly the sources of `package_dir` as they
    are now, else None."""
    manifest = compiled_dir / MANIFEST
    if not manifest.is_file():
        return None
    try:
        built = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if built != source_digests(package_dir):
        log.info("compiled jargon modules were built from other sources; running plain "
                 "Python (make compile builds them again)")
        return None
    return compiled_dir


def use_compiled_modules(package_path: list[str], package: str = __package__ or "bot.jargon",
                         package_dir: Path = PACKAGE_DIR,
                         compiled_dir: Path = COMPILED_ROOT / "bot" / "jargon") -> bool:
    """Put the matching compiled modules first on `package_path` (the __path__ of
    `package`), if their library loads here: one built elsewhere (another machine, another
    build of Python) is left alone."""
    if os.environ.get(PURE_PYTHON_ENV):
        return False
    found = matching_compiled_dir(package_dir, compiled_dir)
    if found is None:
        return False
    package_path.insert(0, str(found))
    try:
        importlib.import_module(f"{package}.{NATIVE_GROUP}__mypyc")
    except ImportError as error:
        package_path.remove(str(found))
        log.warning("compiled jargon modules do not load here (%s); running plain Python "
                    "(make compile builds them again)", error)
        return False
    return True


def running_compiled() -> bool:
    """Is the check running compiled code now?"""
    from bot.jargon import scanner

    return not scanner.__file__.endswith(".py")
