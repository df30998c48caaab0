"""`cio-coach check` through the real command line: exit codes, JSON, JSON lines, bad input."""

from __future__ import annotations

import json


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
    assert "Reading grade" in out and "Jargon density" in out
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
    assert {"findings", "density", "grade", "rewrite"} <= data.keys()
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
