"""Each command imports what it needs and no more: a start-up pays for one command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMAND_MODULES

HEAVY = ["bot.jargon", "bot.knowledge", "bot.slack", "numpy", "sqlalchemy"]
PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[2:])
print(json.dumps({"code": code, "loaded": [m for m in sys.argv[1].split() if m in sys.modules]}))
"""


def modules_loaded(tmp_path: Path, *args: str, watched: list[str] = HEAVY) -> list[str]:
    env = {**os.environ, "CIO_COACH_DB": str(tmp_path / "coach.db")}
    proc = subprocess.run([sys.executable, "-c", PROBE, " ".join(watched), *args],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["code"] == 0
    return result["loaded"]


@pytest.mark.parametrize(("args", "needed"), [
    (("ask", "How should a CIO treat the doorman?"), ["bot.knowledge", "numpy"]),
    (("check", "Thanks for your help with the move yesterday."), ["bot.jargon"]),
])
def test_a_command_imports_only_its_own_side(tmp_path, args, needed):
    assert modules_loaded(tmp_path, *args) == needed


def test_a_command_named_apart_from_its_module_loads_that_module_alone(tmp_path):
    command_modules = [f"bot.cli.{name}" for name in COMMAND_MODULES]
    loaded = modules_loaded(tmp_path, "export", "--team", "T0123ABCD", watched=command_modules)
    assert loaded == ["bot.cli.forget"]


COLD_FIGURES = """
import json, sys
from bot.text import word_frequencies, zipf_of
probe = sys.argv[1].split()
cold = [zipf_of(w) for w in probe]
table = word_frequencies()
print(json.dumps({"cold": cold, "table": [table.get(w, 0.0) for w in probe],
                  "warm": [zipf_of(w) for w in probe]}))
"""


def test_one_word_figure_read_from_the_file_matches_the_whole_table(tmp_path):
    probe = "the boss turnover pragmatic devonshire aac notaword00 good-will a"
    proc = subprocess.run([sys.executable, "-c", COLD_FIGURES, probe], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    assert figures["cold"] == figures["table"] == figures["warm"]
    assert figures["cold"][0] > 7 and figures["cold"][6] == 0.0


def test_a_one_shot_ask_does_not_build_the_word_frequency_table(tmp_path):
    env = {**os.environ, "CIO_COACH_DB": str(tmp_path / "coach.db")}
    probe = PROBE.replace('print(json.dumps({"code": code,',
                          'import bot.text\nprint(json.dumps({"code": code, "built": '
                          'bot.text.word_frequencies.cache_info().currsize,')
    proc = subprocess.run([sys.executable, "-c", probe, "", "ask", "How do I treat my boss?"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["built"] == 0
