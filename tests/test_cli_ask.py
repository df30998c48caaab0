"""`cio-coach ask` and `index` as a user runs them: a subprocess, a real database file."""

from __future__ import annotations

import json

import pytest


def test_ask_prints_quotes_and_sources(run_cli):
    proc = run_cli("ask", "How should a CIO treat the doorman?")
    assert proc.returncode == 0, proc.stderr_text
    out = proc.stdout_text
    assert "doorman or CEO" in out
    assert "Sources:" in out and "[1] Six experiences of the best CIO ›" in out


def test_ask_json_contract(run_cli):
    proc = run_cli("ask", "--json", "How can I reduce staff turnover in my IT department?")
    assert proc.returncode == 0, proc.stderr_text
    data = json.loads(proc.stdout)
    assert set(data) >= {"question", "answered", "answer", "citations", "generated_by"}
    assert data["answered"] is True and data["generated_by"] == "quotes"
    first = data["citations"][0]
    # the contract is extended, never renamed: the takeaway is the one new citation field
    assert set(first) - {"takeaway"} == {"source", "title", "locator", "text", "score"}
    assert data["takeaway"] and data["kind"] == "answer"
    assert "turnover rate" in first["text"]


def test_ask_reads_stdin(run_cli):
    proc = run_cli("ask", "--json", "-", input="Who is Steve Williams?\n")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["answered"] is True


def test_declined_question_exits_zero_with_no_citations(run_cli):
    proc = run_cli("ask", "--json", "What is the weather in Paris tomorrow?")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["answered"] is False and data["citations"] == []


def test_jsonl_stream_goes_on_after_bad_lines(run_cli):
    lines = [b'{"question": "Who is Steve Williams?"}', b"not json", b'{"q": 1}',
             b'{"question": "   "}', b"\xff\xfe bad bytes", b'[1, 2]',
             b'{"question": "How do I bake sourdough bread?"}']
    proc = run_cli("ask", "--jsonl", input=b"\n".join(lines) + b"\n")
    assert proc.returncode == 0, proc.stderr_text
    out = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert len(out) == 7
    assert out[0]["answered"] is True
    assert all("error" in o for o in out[1:6])
    assert out[6]["answered"] is False


@pytest.mark.parametrize("args,stdin", [
    (["ask", ""], None),
    (["ask", "   \n "], None),
    (["ask", "-"], b"why " * 2_500_000),
    (["ask", "-"], bytes(range(256)) * 64),
    (["ask", "-"], b"\xc3\x28 invalid"),
    (["ask"], None),
])
def test_bad_input_is_one_clear_line(run_cli, args, stdin):
    proc = run_cli(*args, input=stdin, timeout=10)
    assert proc.returncode == 2
    err = proc.stderr_text.strip()
    assert err.startswith("cio-coach:") and "\n" not in err
    assert "Traceback" not in proc.stderr_text


def test_corrupt_database_is_rebuilt_not_crashed_on(run_cli, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(b"\x00garbage" * 4096)
    proc = run_cli("ask", "--json", "Who is Steve Williams?")
    assert proc.returncode == 0, proc.stderr_text
    assert json.loads(proc.stdout)["answered"] is True
    assert "moved it to" in proc.stderr_text  # the user is told, nothing was deleted
    assert list(db_path.parent.glob("*.corrupt-*"))


def test_unusable_database_path_is_a_clear_error(run_cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("ask", "Who is Steve Williams?", env={"CIO_COACH_DB": str(blocker / "db")})
    assert proc.returncode == 1
    assert "cannot create" in proc.stderr_text and "Traceback" not in proc.stderr_text


def test_index_command_reports_and_is_incremental(run_cli):
    first = run_cli("index", "--json")
    assert first.returncode == 0
    data = json.loads(first.stdout)
    assert data["documents"] == 2 and len(data["added"]) == 2
    second = json.loads(run_cli("index", "--json").stdout)
    assert second["added"] == second["updated"] == second["removed"] == []
    rebuilt = json.loads(run_cli("index", "--rebuild", "--json").stdout)
    assert len(rebuilt["added"]) == 2 and rebuilt["passages"] == data["passages"]


def test_settings_come_from_dotenv_in_the_working_directory(run_cli, tmp_path):
    target = tmp_path / "from-dotenv.db"
    (tmp_path / ".env").write_text(f"CIO_COACH_DB={target}\nLOG_LEVEL=warning\n")
    env = {"CIO_COACH_DB": ""}  # unset in the environment: .env decides
    proc = run_cli("index", "--json", env=env)
    assert proc.returncode == 0, proc.stderr_text
    assert json.loads(proc.stdout)["database"] == str(target)
    assert target.exists()


def test_bad_setting_is_one_line_naming_the_variable(run_cli):
    proc = run_cli("ask", "Who is Steve Williams?", env={"LLM_TIMEOUT": "soon"})
    assert proc.returncode == 2
    assert "LLM_TIMEOUT" in proc.stderr_text and "Traceback" not in proc.stderr_text
