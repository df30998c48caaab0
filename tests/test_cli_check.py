"""`cio-coach check` through the real command line: exit codes, JSON, JSON lines, bad input."""

from __future__ import annotations

import json

import pytest


def test_clean_draft_exits_0(run_cli):
    proc = run_cli("check", "Please save your files before Friday.")
    assert proc.returncode == 0, proc.stderr_text
    assert "No jargon found" in proc.stdout_text


def test_jargon_exits_1_and_lists_term_why_and_instead(run_cli):
    proc = run_cli("check", "The ERP go-live slipped a week.")
    assert proc.returncode == 1
    out = proc.stdout_text
    assert "[ERP]" in out and "[go-live]" in out
    assert "why: The day a new system starts being used for real." in out
    assert "instead: launch" in out
    assert "Reading grade" in out and "Jargon density" in out and "Verdict: Fix first" in out
    assert "The business management system launch slipped a week." in out


def test_stdin_dash(run_cli):
    proc = run_cli("check", "-", input="Latency is high.\n")
    assert proc.returncode == 1
    assert "[Latency]" in proc.stdout_text


def test_json_contract(run_cli):
    text = "We will push a hotfix to prod."
    proc = run_cli("check", "--json", text)
    assert proc.returncode == 1
    data = json.loads(proc.stdout_text)
    assert data["text"] == text
    assert {"findings", "density", "grade", "rewrite", "rewrite_note", "style", "verdict",
            "audience"} <= data.keys()
    for f in data["findings"]:
        assert text[f["start"]:f["end"]] == f["term"]
        assert {"kind", "suggestion", "explanation", "severity"} <= f.keys()
    assert [f["term"] for f in data["findings"]] == ["hotfix", "prod"]


def test_jsonl_one_result_per_line_and_bad_lines_get_an_error(run_cli):
    lines = ['{"text": "The API is down."}', "not json", '{"text": ""}', '{"nope": 1}',
             '{"text": "All good here."}']
    proc = run_cli("check", "--jsonl", input="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr_text
    results = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert len(results) == 5
    assert [f["term"] for f in results[0]["findings"]] == ["API"]
    assert all("error" in r for r in results[1:4])
    assert [r["line"] for r in results[1:4]] == [2, 3, 4]
    assert results[4]["findings"] == []


def test_jsonl_invalid_utf8_line_is_an_error_line(run_cli):
    proc = run_cli("check", "--jsonl", input=b'{"text": "\xff ERP"}\n{"text": "ERP"}\n')
    results = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert "error" in results[0] and results[1]["findings"][0]["term"] == "ERP"


def test_bad_input_exits_2_with_one_line(run_cli):
    for args, data in ((("check", ""), None), (("check", "   "), None),
                       (("check", "-"), b"\xff\xfe ERP"), (("check", "-"), b"x" * 1_100_000),
                       (("check",), None), (("check", "-"), b"\x00\x01\x02binary")):
        proc = run_cli(*args, input=data)
        assert proc.returncode == 2, (args, proc.stderr_text)
        assert proc.stderr_text.strip() and "Traceback" not in proc.stderr_text


def test_only_emoji_or_code_is_a_clear_answer_not_an_error(run_cli):
    proc = run_cli("check", ":tada: :rocket: ```ERP API```")
    assert proc.returncode == 0
    assert "Nothing to check" in proc.stdout_text


def test_team_terms_from_the_database_are_applied(run_cli):
    assert run_cli("terms", "add", "Project Falcon", "--instead", "the new ordering system",
                   "--why", "An internal code name.").returncode == 0
    assert run_cli("terms", "remove", "latency").returncode == 0
    proc = run_cli("check", "--json", "Project Falcon latency is high.")
    data = json.loads(proc.stdout_text)
    assert [(f["term"], f["kind"]) for f in data["findings"]] == [("Project Falcon", "team")]
    assert data["rewrite"] == "The new ordering system latency is high."
    plain = run_cli("check", "--json", "--no-team-terms", "Project Falcon latency is high.")
    assert [f["term"] for f in json.loads(plain.stdout_text)["findings"]] == ["latency"]


def test_only_a_database_holding_team_terms_is_opened_through_the_storage_layer(
        run_cli, db_path):
    """SQLAlchemy costs about 180 ms to import: `check` pays it only when a row says the
    team has terms; a file it cannot read goes to the storage layer, which says why."""
    import subprocess
    import sys

    from bot.db import sqlite_has_team_terms
    from tests.kit.cli import clean_env

    assert run_cli("terms", "add", "Project Falcon", "--instead", "the ordering system"
                   ).returncode == 0
    assert sqlite_has_team_terms(db_path, "local")
    assert not sqlite_has_team_terms(db_path, "T0OTHER")
    assert run_cli("terms", "remove", "Project Falcon").returncode == 0
    assert not sqlite_has_team_terms(db_path, "local")
    probe = ("import sys; from bot.cli import main; main(['check', 'The API is down.']); "
             "print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=clean_env({"CIO_COACH_DB": str(db_path)}), timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False"
    garbage = db_path.parent / "not-a-database.db"
    garbage.write_bytes(b"not sqlite at all" * 100)
    assert sqlite_has_team_terms(garbage, "local")


def test_check_works_without_a_database(run_cli, db_path):
    assert not db_path.exists()
    assert run_cli("check", "The API is down.").returncode == 1
    assert not db_path.exists()  # checking never creates the database


def test_unreadable_database_is_reported_and_the_check_still_runs(run_cli, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(b"not a database at all " * 10)
    proc = run_cli("check", "The API is down.")
    assert proc.returncode == 1
    # reported (the file is set aside, nothing deleted) and the check still runs
    assert "was unreadable" in proc.stderr_text and "set aside" not in proc.stdout_text
    assert "[API]" in proc.stdout_text
    [aside] = db_path.parent.glob("cio-coach.db.corrupt-*")  # kept, under another name
    assert aside.read_bytes() == b"not a database at all " * 10


def test_piped_stdin_needs_no_dash(run_cli):
    proc = run_cli("check", input="The API is down.\n")
    assert proc.returncode == 1, proc.stderr_text
    assert "[API]" in proc.stdout_text and "Paste your draft" not in proc.stderr_text


def test_one_entry_per_term_with_its_count(run_cli):
    proc = run_cli("check", "The DNS failed. DNS is back. We fixed DNS for good.")
    assert proc.stdout_text.count("why:") == 1
    assert "DNS ×3" in proc.stdout_text


def test_files_get_path_line_col_positions(run_cli, tmp_path):
    first = tmp_path / "notice.txt"
    first.write_text("Hello all,\nthe ERP is back.\nThe ERP was slow.\n", encoding="utf-8")
    second = tmp_path / "plain.txt"
    second.write_text("Lunch is at noon on Friday.\n", encoding="utf-8")
    proc = run_cli("check", str(first), str(second))
    assert proc.returncode == 1
    assert f"{first}:2:5: ERP ×2" in proc.stdout_text and "also at 3:5" in proc.stdout_text
    assert f"{second}: No jargon found." in proc.stdout_text
    assert run_cli("check", str(second)).returncode == 0
    missing = run_cli("check", str(first), str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr_text


def test_long_sentence_and_passive_voice_are_style_notes_not_findings(run_cli):
    long = ("We would like to thank everyone in the warehouse and in the offices for the "
            "patience and good humour shown over the last few weeks while the new shelving "
            "was put in place, and we hope the changes make the work easier for all of you.")
    proc = run_cli("check", "--json", long)
    data = json.loads(proc.stdout_text)
    assert proc.returncode == 0 and data["findings"] == []
    kinds = {n["kind"] for n in data["style"]}
    assert kinds == {"long sentence", "passive voice"}
    assert data["verdict"].startswith("Fix first: split the") and data["ready"] is False
    text = run_cli("check", long).stdout_text
    assert "long sentence" in text and "No jargon found" in text


def test_rewrite_is_null_with_a_note_when_none_is_safe(run_cli):
    data = json.loads(run_cli("check", "--json", "The QXZ report is late.").stdout_text)
    assert data["rewrite"] is None and data["rewrite_note"]
    clean = json.loads(run_cli("check", "--json", "Lunch is at noon.").stdout_text)
    assert clean["rewrite"] is None and "nothing to change" in clean["rewrite_note"]


def test_audience_option_and_per_line_audience(run_cli):
    text = "GL and AP close on Friday."
    assert run_cli("check", text).returncode == 1
    assert run_cli("check", "--audience", "finance", text).returncode == 0
    assert run_cli("check", "--audience", "astronauts", text).returncode == 2
    lines = [json.dumps({"text": text, "audience": "finance"}), json.dumps({"text": text}),
             json.dumps({"text": text, "audience": "nobody"})]
    proc = run_cli("check", "--jsonl", input="\n".join(lines) + "\n")
    results = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert results[0]["findings"] == [] and results[0]["audience"] == "finance"
    assert results[1]["findings"] and results[2]["line"] == 3


def _run_on_terminal(args: list[str], env: dict[str, str], typed: bytes | None = None):
    """The CLI with stdout (and stdin, when `typed` is given) on a pseudo-terminal."""
    import os
    import subprocess
    import sys

    out_master, out_slave = os.openpty()
    in_master, in_slave = os.openpty() if typed is not None else (None, None)
    proc = subprocess.Popen([sys.executable, "-m", "bot", *args], stdout=out_slave,
                            stderr=subprocess.PIPE, env=env,
                            stdin=in_slave if typed is not None else subprocess.DEVNULL)
    os.close(out_slave)
    if typed is not None:
        os.close(in_slave)
        os.write(in_master, typed)
    chunks = []
    while True:
        try:
            chunk = os.read(out_master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    return b"".join(chunks).decode(), stderr


def test_colour_on_a_terminal_unless_no_color(db_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update(CIO_COACH_DB=str(db_path), TERM="xterm")
    coloured, _ = _run_on_terminal(["check", "The API is down."], env)
    assert "\x1b[31m" in coloured
    plain, _ = _run_on_terminal(["check", "The API is down."], env | {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "[API]" in plain


@pytest.mark.parametrize("args", [["check"], ["check", "-"]])
def test_terminal_prompt_then_reads_until_ctrl_d(db_path, args):
    import os

    env = dict(os.environ, CIO_COACH_DB=str(db_path), NO_COLOR="1")
    out, err = _run_on_terminal(args, env, typed=b"The API is down.\n\x04")
    assert "Paste your draft, then press Ctrl-D" in err
    assert "[API]" in out


def test_report_is_wrapped_to_the_terminal_width(run_cli):
    draft = ("The ERP go-live slipped a week because the API between the MES and the "
             "warehouse system keeps timing out, and we will push a hotfix to prod tonight.")
    proc = run_cli("check", draft, env={"COLUMNS": "60"})
    lines = proc.stdout_text.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert all(not line.endswith("-") for line in lines)


def test_a_long_draft_argument_is_text_not_a_file_name(run_cli):
    draft = "The API is down. " * 40  # longer than any file name may be
    proc = run_cli("check", draft)
    assert proc.returncode == 1, proc.stderr_text
    assert "API ×40" in proc.stdout_text


def _jsonl_file(path, count: int, bad: dict[int, str]) -> list[str]:
    drafts = ["The API to the MES keeps timing out.", "Lunch is at noon in the canteen.",
              "We patched the hypervisor on stor-07 overnight.",
              "Finance team: the GL close moves to Friday."]
    lines = [bad.get(n, json.dumps({"text": f"{drafts[n % len(drafts)]} (note {n})"}))
             for n in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def test_jsonl_file_checked_by_several_processes_matches_one_at_a_time(run_cli, tmp_path):
    bad = {7: "not json", 500: '{"text": ""}', 1299: '{"nope": 1}'}
    path = tmp_path / "drafts.jsonl"
    _jsonl_file(path, 1300, bad)
    one = run_cli("check", "--jsonl", "--workers", "1", stdin_file=path,
                  env={"LOG_LEVEL": "INFO"})
    three = run_cli("check", "--jsonl", "--workers", "3", stdin_file=path,
                    env={"LOG_LEVEL": "INFO"})
    assert one.returncode == three.returncode == 0, three.stderr_text
    assert "with 3 processes" in three.stderr_text
    assert "processes" not in one.stderr_text
    assert three.stdout == one.stdout
    results = [json.loads(line) for line in three.stdout_text.splitlines()]
    assert len(results) == 1300
    assert [r["line"] for r in results if "error" in r] == sorted(bad)
    assert results[0]["text"].endswith("(note 1)")
    assert results[-1]["text"].endswith("(note 1300)")


def test_jsonl_large_file_uses_every_cpu_and_a_pipe_is_answered_line_by_line(run_cli, tmp_path):
    import os

    cpus = len(os.sched_getaffinity(0))
    path = tmp_path / "drafts.jsonl"
    lines = _jsonl_file(path, 6000, {})
    assert path.stat().st_size > 256_000
    from_file = run_cli("check", "--jsonl", stdin_file=path, env={"LOG_LEVEL": "INFO"},
                        timeout=300)
    assert from_file.returncode == 0, from_file.stderr_text
    assert len(from_file.stdout_text.splitlines()) == 6000
    assert (f"with {cpus} processes" in from_file.stderr_text) == (cpus > 1)
    piped = run_cli("check", "--jsonl", "--workers", "2", input="\n".join(lines[:50]) + "\n",
                    env={"LOG_LEVEL": "INFO"})
    assert piped.returncode == 0 and "processes" not in piped.stderr_text
    assert len(piped.stdout_text.splitlines()) == 50


@pytest.mark.parametrize("value", ["-1", "two", "65"])
def test_bad_worker_count_is_bad_input(run_cli, value):
    proc = run_cli("check", "--jsonl", "--workers", value, input='{"text": "ERP"}\n')
    assert proc.returncode == 2
    assert "--workers" in proc.stderr_text


def test_a_worker_that_dies_ends_the_run_with_a_message_not_a_hang(db_path, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.kit.cli import clean_env

    path = tmp_path / "drafts.jsonl"
    _jsonl_file(path, 60_000, {})
    with path.open("rb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "check", "--jsonl", "--workers",
                                 "2"], stdin=fh, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE,
                                env=clean_env({"CIO_COACH_DB": str(db_path)}), cwd=tmp_path)
        children: list[str] = []
        deadline = time.monotonic() + 60
        while not children and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            for task in Path(f"/proc/{proc.pid}/task").glob("*/children"):
                children += task.read_text().split()
        assert children, "no worker process was started"
        os.kill(int(children[0]), signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    message = err.decode("utf-8", "replace")
    assert "stopped unexpectedly" in message and "--workers 1" in message, message
    assert "Traceback" not in message
