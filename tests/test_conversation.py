"""Conversation basics: small talk, declines that help, follow-ups that show something new,
every suggested prompt answered, and quotes that are whole sentences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.answer import Turn, example_questions
from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.service import Coach
from bot.slack import blocks

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def coach(tmp_path_factory) -> Coach:
    from bot.config import load_settings

    db = tmp_path_factory.mktemp("conversation") / "cio-coach.db"
    return Coach(load_settings({"CIO_COACH_DB": str(db)}))


def _manifest_prompts() -> list[str]:
    manifest = yaml.safe_load((REPO / "manifest.yaml").read_text(encoding="utf-8"))
    view = manifest["features"]["assistant_view"]
    return [p["message"] for p in view.get("suggested_prompts", [])]


def test_every_suggested_prompt_anywhere_is_answered(coach):
    prompts = {*example_questions(DEFAULT_KNOWLEDGE_DIR), *blocks.EXAMPLE_QUESTIONS,
               *_manifest_prompts()}
    assert len(prompts) >= 5
    unanswered = [q for q in prompts if not coach.ask(q).answered]
    assert unanswered == []


@pytest.mark.parametrize(("message", "kind"), [
    ("hi", "greeting"), ("Hello there!", "greeting"), ("thanks!", "thanks"),
    ("Thank you so much", "thanks"), ("what can you do?", "capabilities"), ("help", "")])
def test_small_talk_gets_a_friendly_reply_not_a_decline(coach, message, kind):
    answer = coach.ask(message)
    assert answer.kind == "small_talk" and not answer.citations
    assert "don't cover" not in answer.answer
    assert any(q in answer.answer for q in example_questions(DEFAULT_KNOWLEDGE_DIR))


def test_a_decline_says_what_was_not_covered_and_offers_three_questions(coach):
    answer = coach.ask("What's a typical CIO salary at a 500 person company?")
    assert not answer.answered and answer.kind == "decline" and answer.citations == []
    assert "typical CIO salary" in answer.answer
    offered = [q for q in example_questions(DEFAULT_KNOWLEDGE_DIR) if q in answer.answer]
    assert len(offered) == 3


def test_after_a_long_post_the_decline_suggests_one_thing_at_a_time(coach):
    post = ("We are choosing between two ERP vendors and the consultants push the bigger "
            "one while our finance chief prefers the cheaper one that a friend uses. "
            "We make to order, have two plants and a budget of about a million. "
            "Which vendor would you pick? And what should we ask in the final demos? "
            "And how long should the contract run?")
    answer = coach.ask(post)
    assert not answer.answered
    assert "one at a time" in answer.answer


def _quotes(text: str) -> list[str]:
    return re.findall(r"“([^”]*)”", text)


def test_why_shows_a_sentence_not_already_shown(coach):
    first = coach.ask("How can I reduce staff turnover in my IT department?")
    follow = coach.ask("why?", history=[Turn(first.question, first.answer)])
    assert follow.answered
    assert not set(_quotes(follow.answer)) & set(_quotes(first.answer))


def test_an_example_follow_up_stays_on_the_thread_topic(coach):
    first = coach.ask("What is the CIO's role in the company?")
    follow = coach.ask("can you give me an example of that?",
                       history=[Turn(first.question, first.answer)])
    assert follow.answered
    assert follow.citations[0].source == first.citations[0].source
    assert not set(_quotes(follow.answer)) & set(_quotes(first.answer))


def test_follow_ups_say_so_when_there_is_nothing_more(coach):
    history: list[Turn] = []
    answer = coach.ask("What does 'purple adjustable water wrench' mean?")
    kinds = []
    for _ in range(12):
        history.append(Turn(answer.question, answer.answer))
        answer = coach.ask("why?", history=[Turn(history[0].question, "\n".join(
            t.answer for t in history))])
        kinds.append(answer.kind)
        if answer.kind == "nothing_more":
            break
    assert kinds[-1] == "nothing_more" and "every passage" in answer.answer


def test_the_cli_says_it_keeps_no_conversation(run_cli):
    result = run_cli("ask", "--json", "why?")
    assert result.returncode == 0
    data = json.loads(result.stdout_text)
    assert data["kind"] == "needs_context" and not data["answered"]
    assert "keeps no conversation" in data["answer"]


def test_answers_lead_with_a_takeaway_and_quote_whole_sentences(coach):
    rows = [json.loads(line) for line in (DATA / "questions_real.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    answered = 0
    for row in rows:
        answer = coach.ask(row["question"])
        if not answer.answered:
            continue
        answered += 1
        assert answer.takeaway and answer.answer.startswith(answer.takeaway)
        for quote in _quotes(answer.answer):
            for sentence in quote.split(" … "):
                assert len(sentence.split()) >= 5, sentence
                assert "..." not in sentence and "↓" not in sentence
                assert not re.fullmatch(r"\d+\.\s.*", sentence.strip()) or \
                    len(sentence.split()) > 12, sentence  # never a bare numbered heading
    assert answered >= 60


def test_json_carries_the_takeaway_and_a_complete_answer(run_cli):
    data = json.loads(run_cli("ask", "--json", "How do I get department heads involved in "
                              "choosing the ERP?").stdout_text)
    assert data["answered"] and data["kind"] == "answer"
    assert data["takeaway"] and data["answer"].startswith(data["takeaway"])
    assert "[1]" in data["answer"]
    assert {"question", "answered", "answer", "citations", "generated_by"} <= set(data)
