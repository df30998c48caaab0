"""The scope decision's learned judge: the shipped classifier, where it applies, and the
script that trains it."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.knowledge import KnowledgeIndex
from bot.scope import CLASSIFIER_FILE, load_classifier, scope_model
from bot.service import Coach

REPO = Path(__file__).resolve().parent.parent
SHIPPED = DEFAULT_KNOWLEDGE_DIR / "retrieval" / CLASSIFIER_FILE
TEXTS = ["how-can-i-become-a-cio.txt", "six-experiences-of-the-best-cio.txt"]


def test_the_built_in_texts_get_the_classifier(db_path):
    index = KnowledgeIndex.open(db_path, DEFAULT_KNOWLEDGE_DIR)
    index.refresh()
    assert scope_model(index).classifier is not None


def test_other_texts_or_another_model_do_without_it(tmp_path):
    folder = tmp_path / "kb"
    (folder / "retrieval").mkdir(parents=True)
    shutil.copy(SHIPPED, folder / "retrieval" / CLASSIFIER_FILE)
    assert load_classifier(folder, TEXTS, "all-MiniLM-L6-v2") is not None
    assert load_classifier(folder, ["advice.txt"], "all-MiniLM-L6-v2") is None
    assert load_classifier(folder, TEXTS, "another-model") is None
    assert load_classifier(tmp_path, TEXTS, "all-MiniLM-L6-v2") is None  # no file


def test_an_unreadable_classifier_is_logged_and_left_out(tmp_path, caplog):
    (tmp_path / "retrieval").mkdir()
    (tmp_path / "retrieval" / CLASSIFIER_FILE).write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_classifier(tmp_path, TEXTS, "all-MiniLM-L6-v2") is None
    assert CLASSIFIER_FILE in caplog.text


def test_kinds_of_ask_no_one_listed_are_declined(settings):
    """Neither ask is near a listed unanswered ask (out-of-scope.tsv); the classifier
    declines them, while a covered ask in the same words stays answered."""
    coach = Coach(settings)
    assert not coach.ask("Our MSP missed the uptime target in the contract three months "
                         "in a row. How do we claim the service credits?").answered
    assert not coach.ask("How long does a PIP usually run before HR can terminate?").answered
    assert not coach.ask("What's a reasonable hourly rate for an ERP consultant?").answered
    assert coach.ask("My old teammates now report to me and one of them resents it. "
                     "How do I handle that?").answered


def test_the_script_reproduces_the_shipped_classifier(tmp_path):
    out = tmp_path / CLASSIFIER_FILE
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "train_scope_classifier.py"),
                          "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "leave one set out" in run.stdout
    made, shipped = (np.array(json.loads(p.read_text())["weights"]) for p in (out, SHIPPED))
    assert made.shape == shipped.shape == (385,)
    assert float(made @ shipped / np.linalg.norm(made) / np.linalg.norm(shipped)) > 0.999


def test_a_post_with_several_asks_is_answered_when_one_is_covered(settings):
    coach = Coach(settings)
    one_covered = ("We're a contract manufacturer and the shop floor can't keep pace. Our CFO "
                   "wants the new ERP to start with the finance module; production wants "
                   "scheduling first. Which goes first, and how do I argue it? Also is the "
                   "vendor's premium support tier worth paying for?")
    assert coach.ask(one_covered).answered
    none_covered = ("I'm moving from IT manager to a CIO role next year. What salary should I "
                    "ask for in Ohio? Also is ITIL worth it, or should I do a PMP first?")
    assert not coach.ask(none_covered).answered


def test_the_answer_names_the_ask_it_leaves_out(settings):
    post = ("Our CFO wants the new ERP to start with the finance module; production wants "
            "scheduling first. Which goes first, and how do I argue it? Also is the vendor's "
            "premium support tier worth paying for?")
    answer = Coach(settings).ask(post)
    assert answer.answered
    assert answer.not_covered == ["Also is the vendor's premium support tier worth paying for?"]
    assert "don't cover “Also is the vendor's premium support tier" in answer.answer
    assert answer.to_json()["not_covered"] == answer.not_covered
    single = Coach(settings).ask("How do I get department heads involved in choosing the ERP?")
    assert "not_covered" not in single.to_json()


def test_a_paraphrase_of_an_answered_question_is_answered(settings):
    """"How much of the credit" reads like a pay question to the unanswered asks; the
    questions the passages answer hold one it paraphrases, so it is answered. A far
    answered question does not speak for an ask: the GDPR how-to stays declined."""
    coach = Coach(settings)
    credit = coach.ask("When my team pulls off a big project, how much of the credit should "
                       "I be taking as their manager?")
    assert credit.answered
    assert "success of the team" in " ".join(c.text for c in credit.citations[:2])
    assert not coach.ask("How does GDPR change the way my team stores users' personal "
                         "data?").answered
