"""The check compiled with mypyc (`make compile`) gives what plain Python gives, and
compiled modules built from other sources are never used."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.jargon.compiled import (
    MANIFEST,
    NATIVE_GROUP,
    PACKAGE_DIR,
    PURE_PYTHON_ENV,
    matching_compiled_dir,
    source_digests,
    use_compiled_modules,
)
from tests.kit.cli import run_cli

DATA = Path(__file__).parent / "data"
PROBE = ("import json; from bot.jargon.compiled import running_compiled; "
         "print(json.dumps(running_compiled()))")


@pytest.fixture
def package(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the package's sources and a compiled folder whose manifest matches it."""
    sources, built = tmp_path / "jargon", tmp_path / "compiled"
    shutil.copytree(PACKAGE_DIR, sources, ignore=shutil.ignore_patterns("__pycache__"))
    built.mkdir()
    (built / MANIFEST).write_text(json.dumps(source_digests(sources)), encoding="utf-8")
    return sources, built


def test_matching_compiled_modules_are_used(package: tuple[Path, Path]) -> None:
    sources, built = package
    assert matching_compiled_dir(sources, built) == built


def test_an_edited_module_means_plain_python(package: tuple[Path, Path]) -> None:
    sources, built = package
    scanner = sources / "scanner.py"
    scanner.write_text(scanner.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert matching_compiled_dir(sources, built) is None


def test_an_added_module_means_plain_python(package: tuple[Path, Path]) -> None:
    sources, built = package
    (sources / "newrule.py").write_text("RULE = 1\n", encoding="utf-8")
    assert matching_compiled_dir(sources, built) is None


def test_no_or_broken_manifest_means_plain_python(package: tuple[Path, Path]) -> None:
    sources, built = package
    (built / MANIFEST).write_text("{not json", encoding="utf-8")
    assert matching_compiled_dir(sources, built) is None
    (built / MANIFEST).unlink()
    assert matching_compiled_dir(sources, built) is None


def test_a_library_built_elsewhere_is_left_alone(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources and manifest match, but the compiled library does not load here."""
    sources, built = tmp_path / "fakejargon", tmp_path / "compiled"
    sources.mkdir()
    (sources / "__init__.py").write_text("", encoding="utf-8")
    (sources / "rule.py").write_text("RULE = 1\n", encoding="utf-8")
    built.mkdir()
    (built / MANIFEST).write_text(json.dumps(source_digests(sources)), encoding="utf-8")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (built / f"{NATIVE_GROUP}__mypyc{suffix}").write_bytes(b"not a shared library")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    import fakejargon  # type: ignore[import-not-found]

    path = list(fakejargon.__path__)
    assert not use_compiled_modules(fakejargon.__path__, "fakejargon", sources, built)
    assert list(fakejargon.__path__) == path
    from fakejargon import rule  # type: ignore[import-not-found]

    assert rule.RULE == 1


def _compiled_here() -> bool:
    return matching_compiled_dir() is not None


def _drafts() -> str:
    texts = [json.loads(line)["text"] for name in ("drafts_real.jsonl", "drafts_real5.jsonl")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]
    return "".join(json.dumps({"text": t}) + "\n" for t in texts)


@pytest.mark.skipif(not _compiled_here() and not os.environ.get("CI"),
                    reason="not compiled here (make compile); under CI=1 this fails instead")
def test_compiled_check_reports_exactly_what_plain_python_reports() -> None:
    assert _compiled_here(), "make test compiles the check: build/compiled is missing or stale"
    drafts = _drafts()
    compiled = run_cli("check", "--jsonl", "--workers", "1", input=drafts)
    plain = run_cli("check", "--jsonl", "--workers", "1", input=drafts,
                    env={PURE_PYTHON_ENV: "1"})
    assert compiled.returncode == plain.returncode
    assert compiled.stdout_text.count("\n") == drafts.count("\n")
    assert compiled.stdout_text == plain.stdout_text
    modes = [subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env={**os.environ, PURE_PYTHON_ENV: pure}, check=True).stdout
             for pure in ("", "1")]
    assert [json.loads(m) for m in modes] == [True, False]
