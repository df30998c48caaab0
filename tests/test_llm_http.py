"""The OpenAI-compatible backend against real HTTP servers on loopback.

A small server in the test plays an OpenAI-compatible endpoint with canned streamed
completions (the one case where a grounded answer must pass the guard); a socket that
accepts connections and never answers shows that a dead endpoint cannot hang an answer.
The same backend against the real model served by llama_cpp.server is in
test_llm_models.py.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.jargon
from bot.answer import Answer, Citation, Turn
from bot.config import load_settings
from bot.llm import ModelError, ModelTimeout, get_model
from bot.llm.doctor import checks
from bot.llm.grounded import generate_answer
from bot.llm.openai_compat import OpenAICompatModel
from tests.kit.cli import run_cli
from tests.kit.fakemodel import GROUNDED, FakeModel, silent_model

API_KEY = "sk-test-secret-4711"


@pytest.fixture
def endpoint() -> Iterator[FakeModel]:
    model = FakeModel(GROUNDED).start()
    yield model
    model.stop()


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    with silent_model() as url:
        yield url


def _settings(url: str, tmp_path: Path, timeout: float = 10.0):
    return load_settings({"LLM_BASE_URL": url, "LLM_MODEL": "canned", "LLM_API_KEY": API_KEY,
                          "LLM_TIMEOUT": str(timeout), "CIO_COACH_DB": str(tmp_path / "t.db")})


def _quoted() -> Answer:
    texts = ["Meet department heads early and often, one by one.",
             "Budget reviews are quarterly.",
             "Let the business own the requirements of a new system."]
    citations = [Citation(f"s{n}.txt", f"S{n}", f"S{n} › ¶{n}", text, 1.0 - n / 10, n)
                 for n, text in enumerate(texts, 1)]
    return Answer("How do I involve department heads in the ERP choice?", True,
                  "“Meet department heads early and often.” [1]", citations)


def test_grounded_answer_passes_and_shows_its_citations(endpoint, tmp_path):
    pieces: list[str] = []
    answer = generate_answer(_quoted(), _settings(endpoint.url, tmp_path),
                             on_text=pieces.append)
    assert answer.generated_by == "model"
    assert answer.guard is None
    # Only the cited passages, best first, and the markers renumbered to match them.
    assert [c.source for c in answer.citations] == ["s1.txt", "s3.txt"]
    assert answer.answer == ("Let the department heads own the requirements, so the choice "
                             "is theirs [2]. Meet them early and often [1].")
    assert len(pieces) > 5 and "".join(pieces) == GROUNDED
    prompt = endpoint.prompt()
    assert "[1] (S1 › ¶1) Meet department heads early" in prompt
    assert "[3] (S3 › ¶3) Let the business own" in prompt
    assert "Question: How do I involve department heads in the ERP choice?" in prompt
    assert endpoint.requests[0]["stream"] is True
    assert endpoint.authorizations == [f"Bearer {API_KEY}"]


def test_inline_reasoning_is_not_shown(endpoint, tmp_path):
    endpoint.reply = "<think>They want names. Passage 2 is off topic.</think>\n" + GROUNDED
    answer = generate_answer(_quoted(), _settings(endpoint.url, tmp_path))
    assert answer.generated_by == "model"
    assert answer.answer.startswith("Let the department heads") and "think" not in answer.answer


def test_followup_sends_the_earlier_turns(endpoint, tmp_path):
    history = [Turn("Who should choose the ERP?", "The business [1].")]
    answer = generate_answer(_quoted(), _settings(endpoint.url, tmp_path), history=history)
    assert answer.generated_by == "model"
    assert "Q: Who should choose the ERP?" in endpoint.prompt()


@pytest.mark.parametrize("reply, reason", [
    ("Meet them early and often.", "no citation"),
    ("Meet them early and often [9].", "cites unknown passage [9]"),
    ("Meet them. Meet them. Meet them. Meet them. Meet them.", "repetitive"),
    ("Meet them early [1] and", "cut off"),
])
def test_guard_rejection_falls_back_to_the_quoted_answer(endpoint, tmp_path, reply, reason,
                                                        caplog):
    endpoint.reply = reply
    quoted = _quoted()
    answer = generate_answer(quoted, _settings(endpoint.url, tmp_path))
    assert (answer.generated_by, answer.guard) == ("quotes", reason)
    assert answer.answer == quoted.answer and answer.citations == quoted.citations
    assert reason in caplog.text


def test_unanswered_question_never_reaches_the_model(endpoint, tmp_path):
    declined = Answer("What is the weather?", False, "The texts don't cover that.")
    assert generate_answer(declined, _settings(endpoint.url, tmp_path)) is declined
    assert endpoint.requests == []


def test_server_error_falls_back_with_the_reason(endpoint, tmp_path):
    endpoint.status = 503
    answer = generate_answer(_quoted(), _settings(endpoint.url, tmp_path))
    assert answer.generated_by == "quotes"
    assert answer.guard.startswith("model error: HTTP 503")


def test_connection_refused_falls_back(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    answer = generate_answer(_quoted(), _settings(f"http://127.0.0.1:{port}/v1", tmp_path))
    assert answer.generated_by == "quotes"
    assert answer.guard.startswith("model error: cannot reach")


def test_silent_server_ends_in_the_fallback_within_the_timeout(silent_endpoint, tmp_path):
    timeout = 2.0
    started = time.monotonic()
    answer = generate_answer(_quoted(), _settings(silent_endpoint, tmp_path, timeout))
    elapsed = time.monotonic() - started
    assert (answer.generated_by, answer.guard) == ("quotes", "timeout")
    assert elapsed < timeout + 5


def test_a_trickling_server_is_cut_at_the_overall_deadline(endpoint, tmp_path):
    endpoint.pause = 0.4  # each piece arrives well within the timeout, the whole does not
    timeout = 2.0
    started = time.monotonic()
    pieces: list[str] = []
    answer = generate_answer(_quoted(), _settings(endpoint.url, tmp_path, timeout),
                             on_text=pieces.append)
    assert (answer.generated_by, answer.guard) == ("quotes", "timeout")
    assert pieces and time.monotonic() - started < timeout + 2


def test_backend_raises_timeout_on_a_silent_server(silent_endpoint):
    model = OpenAICompatModel(silent_endpoint, "canned")
    with pytest.raises(ModelTimeout):
        model.complete("hello", max_tokens=5, timeout=1.0)
    assert issubclass(ModelTimeout, ModelError)  # callers may catch either


def test_get_model_builds_one_client_per_configuration(endpoint, tmp_path):
    settings = _settings(endpoint.url, tmp_path)
    model = get_model(settings)
    assert isinstance(model, OpenAICompatModel)
    assert get_model(settings) is model
    assert API_KEY not in repr(model) and API_KEY not in model.name
    assert get_model(load_settings({})) is None


def _cli(args: list[str], env: dict[str, str], cwd: Path):
    result = run_cli(*args, env=env, cwd=cwd, timeout=120)
    result.stdout, result.stderr = result.stdout_text, result.stderr_text
    return result


def _cli_env(url: str, tmp_path: Path, timeout: float = 10.0) -> dict[str, str]:
    return {"LLM_BASE_URL": url, "LLM_MODEL": "canned", "LLM_API_KEY": API_KEY,
            "LLM_TIMEOUT": str(timeout), "CIO_COACH_DB": str(tmp_path / "cli.db")}


QUESTION = "How do I get department heads involved in choosing the ERP?"


def test_ask_json_shows_a_model_answer_with_its_citations(endpoint, tmp_path):
    endpoint.reply = "Bring the department heads in early and let them own the choice [1]."
    result = _cli(["ask", "--json", QUESTION], _cli_env(endpoint.url, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["generated_by"] == "model" and "guard" not in data
    assert data["answer"] == endpoint.reply
    assert len(data["citations"]) == 1 and data["citations"][0]["text"]
    assert "[1] (" in endpoint.prompt()  # the retrieved passages went to the model


def test_ask_json_shows_why_the_guard_rejected(endpoint, tmp_path):
    endpoint.reply = "Just buy the one your friends use."
    result = _cli(["ask", "--json", QUESTION], _cli_env(endpoint.url, tmp_path), tmp_path)
    data = json.loads(result.stdout)
    assert (data["generated_by"], data["guard"]) == ("quotes", "no citation")
    assert data["citations"]
    assert "no citation" in result.stderr  # logged as a warning


def test_ask_json_against_a_silent_server_does_not_hang(silent_endpoint, tmp_path):
    timeout = 2.0
    started = time.monotonic()
    result = _cli(["ask", "--json", QUESTION], _cli_env(silent_endpoint, tmp_path, timeout),
                  tmp_path)
    elapsed = time.monotonic() - started
    data = json.loads(result.stdout)
    assert (data["generated_by"], data["guard"]) == ("quotes", "timeout")
    assert elapsed < timeout + 5 + 5  # plus the CLI's start-up and index build


def test_doctor_reports_backend_and_timing_without_the_key(endpoint, tmp_path):
    endpoint.reply = "ready"
    found = checks(_settings(endpoint.url, tmp_path))
    assert [(c.name, c.ok) for c in found] == [("backend", True), ("answers", True)]
    assert "API key set" in found[0].detail and endpoint.url in found[0].detail
    assert "short completion in" in found[1].detail and "'ready'" in found[1].detail
    assert all(API_KEY not in c.detail for c in found)


def test_doctor_reports_a_dead_endpoint(silent_endpoint, tmp_path):
    found = checks(_settings(silent_endpoint, tmp_path, timeout=1.0))
    assert found[-1].name == "answers" and found[-1].ok is False
    assert "no answer within 1 s" in found[-1].detail


def test_doctor_command_hides_credentials(endpoint, tmp_path):
    endpoint.reply = "ready"
    url = endpoint.url.replace("http://", "http://admin:hunter2@")
    result = _cli(["doctor", "--json"], _cli_env(url, tmp_path), tmp_path)
    model_checks = [c for c in json.loads(result.stdout) if c["section"] == "model"]
    assert [c["ok"] for c in model_checks] == [True, True]
    assert API_KEY not in result.stdout + result.stderr
    assert "hunter2" not in result.stdout + result.stderr


def test_doctor_without_a_model(tmp_path):
    found = checks(load_settings({"CIO_COACH_DB": str(tmp_path / "t.db")}))
    assert [(c.name, c.ok) for c in found] == [("backend", None)]


# --- draft rewrites -----------------------------------------------------------------

DRAFT = "Hi Maria, on Monday 3 March we migrate the ERP to the cloud via SSO. Budget 15%."
PLAIN = ("Hi Maria, on Monday 3 March we move the finance and orders system to computers "
         "run by another company, with one login for everything. Budget 15%.")


def _report():
    import bot.jargon

    report = bot.jargon.check(DRAFT)
    assert {f.term for f in report.findings} >= {"ERP", "cloud", "SSO"}
    return report


def test_a_plain_rewrite_passes_the_guard(endpoint, tmp_path):
    from bot.llm.rewrite import rewrite_draft

    endpoint.reply = "Rewritten draft:\n" + PLAIN
    result = rewrite_draft(_report(), _settings(endpoint.url, tmp_path))
    assert result == (PLAIN, "model", None)
    prompt = endpoint.prompt()
    assert DRAFT in prompt and "- ERP: suggested plain words:" in prompt


@pytest.mark.parametrize("reply, reason", [
    (PLAIN.replace("Maria", "team"), 'drops "Maria"'),
    (PLAIN.replace("15%", "a bit more"), "drops 15"),
    (PLAIN.replace("finance and orders system", "ERP"), "keeps jargon: ERP"),
    (PLAIN + " " + "And there is much more to say about it all. " * 4, "too long"),
])
def test_a_failing_rewrite_offers_the_substitution_rewrite(endpoint, tmp_path, reply, reason):
    from bot.llm.rewrite import rewrite_draft

    endpoint.reply = reply
    report = _report()
    result = rewrite_draft(report, _settings(endpoint.url, tmp_path))
    assert result == (report.rewrite, "substitution", reason)


def test_a_rewrite_is_checked_again_for_the_readers_the_draft_was_checked_for(endpoint,
                                                                           tmp_path):
    """Checked for operations (the person's choice, say), a draft whose opening names the
    finance team: a rewrite that keeps "GL" still has jargon for its readers."""
    import bot.jargon
    from bot.llm.rewrite import rewrite_draft

    draft = "Finance team: please check the GL accounts before Friday."
    report = bot.jargon.check(draft, audience="operations")
    assert [f.term for f in report.findings] == ["GL"]
    endpoint.reply = "Finance team: please look at the GL accounts before Friday."
    result = rewrite_draft(report, _settings(endpoint.url, tmp_path))
    assert result == (report.rewrite, "substitution", "keeps jargon: GL")


def test_a_rewrite_timeout_offers_the_substitution_rewrite(silent_endpoint, tmp_path):
    from bot.llm.rewrite import rewrite_draft

    report = _report()
    result = rewrite_draft(report, _settings(silent_endpoint, tmp_path, timeout=1.0))
    assert result == (report.rewrite, "substitution", "timeout")


def test_no_model_or_nothing_flagged_needs_no_model(endpoint, tmp_path):
    import bot.jargon
    from bot.llm.rewrite import rewrite_draft

    report = _report()
    no_model = load_settings({"CIO_COACH_DB": str(tmp_path / "t.db")})
    assert rewrite_draft(report, no_model) == (report.rewrite, "substitution", None)
    clean = bot.jargon.check(PLAIN)
    assert rewrite_draft(clean, _settings(endpoint.url, tmp_path)).generated_by == "substitution"
    assert endpoint.requests == []


# --- jargon sense judgement -----------------------------------------------------------

@pytest.mark.parametrize("reply, verdict", [
    ("Yes.", True), ("no", False), ("**No** - it is the weather.", False), ("Maybe", None),
])
def test_jargon_sense_judgement(endpoint, tmp_path, reply, verdict):
    from bot.llm.sense import judge_sense

    endpoint.reply = reply
    settings = _settings(endpoint.url, tmp_path)
    assert judge_sense("cloud", "servers run by another company", "A cloud hid the sun.",
                       settings) is verdict
    prompt = endpoint.prompt()
    assert "Word: cloud" in prompt and "Sentence: A cloud hid the sun." in prompt


def test_jargon_sense_without_a_working_model(silent_endpoint, tmp_path):
    from bot.llm.sense import judge_sense

    assert judge_sense("cloud", "m", "s", load_settings({})) is None
    assert judge_sense("cloud", "m", "s", _settings(silent_endpoint, tmp_path, 1.0)) is None


# --- the model judges the word senses the jargon check was unsure of ----------------------

def test_model_drops_an_unsure_finding_it_calls_everyday_english(endpoint, tmp_path):
    from bot.llm.sense import judge_report

    report = bot.jargon.check("Please migrate the files before Friday.")
    assert [(f.term, f.uncertain) for f in report.findings] == [("migrate", True)]
    endpoint.reply = "no"
    judged = judge_report(report, _settings(endpoint.url, tmp_path))
    assert judged.findings == [] and [f.term for f in judged.considered] == ["migrate"]
    assert judged.rewrite == ""  # nothing left to change: no rewrite is offered
    assert "Sentence: Please migrate the files before Friday." in endpoint.prompt()


def test_model_restores_a_finding_the_check_dropped_on_weak_evidence(endpoint, tmp_path):
    from bot.llm.sense import judge_report

    report = bot.jargon.check("We will patch it tonight.")
    assert report.findings == [] and [f.term for f in report.considered] == ["patch"]
    endpoint.reply = "Yes."
    judged = judge_report(report, _settings(endpoint.url, tmp_path))
    assert [(f.term, f.uncertain) for f in judged.findings] == [("patch", False)]
    assert judged.density > 0


def test_unusable_judgement_keeps_the_checks_own_decision(silent_endpoint, tmp_path):
    from bot.llm.sense import judge_report

    report = bot.jargon.check("Please migrate the files. We will patch it tonight.")
    judged = judge_report(report, _settings(silent_endpoint, tmp_path, timeout=1.0))
    assert [f.term for f in judged.findings] == ["migrate"]
    assert [f.term for f in judged.considered] == ["patch"]


def test_check_cli_asks_the_model_about_unsure_senses(endpoint, tmp_path):
    endpoint.reply = "no"
    proc = _cli(["check", "--json", "Please migrate the files."],
                _cli_env(endpoint.url, tmp_path), tmp_path)
    assert proc.returncode == 0, proc.stderr  # the only finding was judged everyday English
    assert json.loads(proc.stdout)["findings"] == []
    assert len(endpoint.requests) == 1


# --- takeaways for texts that have none kept as data -----------------------------------------

PASSAGE = ("Budgets are won in the boardroom, not the server room. Show the board what an "
           "outage costs in lost orders and missed shipments, never in server hours.")


@pytest.mark.parametrize(("reply", "kept"), [
    ("Show the board what an outage costs in lost orders, not in server hours.", True),
    ("Buy a faster mainframe from a trusted vendor next quarter.", False),  # not the passage
    ("Show the board the cost. Then show it again.", False),  # two sentences
])
def test_a_model_takeaway_is_kept_only_when_grounded(endpoint, tmp_path, reply, kept):
    from bot.llm.takeaway import write_takeaway

    endpoint.reply = reply
    takeaway = write_takeaway(PASSAGE, _settings(endpoint.url, tmp_path))
    assert (takeaway == reply) if kept else takeaway == ""


def test_a_text_without_takeaways_gets_the_models_when_indexed(endpoint, tmp_path, kb_dir):
    from bot.config import load_settings
    from bot.service import Coach

    (kb_dir / "budgets.md").write_text(f"# Budgets\n\n{PASSAGE}\n", encoding="utf-8")
    endpoint.reply = "Show the board what an outage costs in lost orders, not server hours."
    env = {"LLM_BASE_URL": endpoint.url, "LLM_MODEL": "canned", "LLM_TIMEOUT": "10",
           "CIO_COACH_DB": str(tmp_path / "t.db"), "CIO_COACH_KNOWLEDGE": str(kb_dir)}
    Coach(load_settings(env)).refresh_index()
    plain = Coach(load_settings({"CIO_COACH_DB": str(tmp_path / "t.db"),
                                 "CIO_COACH_KNOWLEDGE": str(kb_dir)}))
    rows = plain.knowledge().conn.execute(
        "SELECT source, takeaway FROM passages WHERE source = 'budgets.md'").fetchall()
    assert rows == [("budgets.md", endpoint.reply)]
    # the built-in texts keep their takeaways from data: the model was asked once
    assert len(endpoint.requests) == 1
