"""Answers: the right passage for questions worded the way people ask, quotes, declines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.answer import Turn
from bot.service import Coach

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "questions_dev.jsonl"
OWN = Path(__file__).resolve().parent / "data" / "questions_paraphrased.jsonl"
# Written by someone who saw only the source texts, not the retrieval data or code.
BLIND = Path(__file__).resolve().parent / "data" / "questions_blind.jsonl"
BLIND2 = Path(__file__).resolve().parent / "data" / "questions_blind2.jsonl"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower()).strip()


def test_paraphrased_question_finds_the_passage(settings):
    answer = Coach(settings).ask("My former manager now reports to me, how do I treat him?")
    assert answer.answered
    assert "former bosses ended up as my employees" in answer.citations[0].text
    assert "former bosses" in answer.answer  # the quote is in the answer itself
    assert answer.citations[0].locator.startswith("Six experiences of the best CIO › 3.")


def test_answer_quotes_sentences_not_whole_paragraphs(settings):
    answer = Coach(settings).ask("What are the stages people go through with ERP?")
    assert answer.answered
    longest = max(len(c.text) for c in answer.citations)
    assert longest > 1000  # the paragraph is long...
    assert len(answer.answer) < 0.6 * longest  # ...the answer quotes only part of it
    assert "[1]" in answer.answer
    scores = [c.score for c in answer.citations]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("question", [
    "What is the capital of Australia?",
    "How do I bake sourdough bread?",
    "How do I configure a VLAN on a Cisco switch?",
])
def test_out_of_scope_is_declined_without_citations(settings, question):
    answer = Coach(settings).ask(question)
    assert not answer.answered
    assert answer.citations == []
    assert "don't cover" in answer.answer
    assert "for example" in answer.answer  # suggests what it can help with


def test_vague_follow_up_uses_the_earlier_question(settings):
    history = [Turn("How can I reduce staff turnover in my IT department?", "...")]
    alone = Coach(settings).ask("why?")
    follow = Coach(settings).ask("why?", history=history)
    assert not alone.answered
    assert follow.answered
    assert "turnover" in follow.citations[0].text


def test_wordy_follow_up_leans_on_the_thread_but_new_topics_stand_alone(settings):
    history = [Turn("How can I reduce staff turnover in my IT department?", "...")]
    follow = Coach(settings).ask("Can you give me a concrete example of that?", history=history)
    assert follow.answered and "turnover" in follow.citations[0].text
    new_topic = Coach(settings).ask("How should a CIO treat the doorman?", history=history)
    assert "doorman" in new_topic.citations[0].text
    off_topic = Coach(settings).ask("What is the weather in Paris tomorrow?", history=history)
    assert not off_topic.answered


def _score(rows, settings):
    coach = Coach(settings)
    hit1 = hit3 = declined_wrongly = answered_wrongly = 0
    n = 0
    for row in rows:
        answer = coach.ask(row["question"])
        if row.get("abstain"):
            answered_wrongly += answer.answered
            continue
        n += 1
        gold = [_norm(g) for g in row["gold"]]
        rank = next((i for i, c in enumerate(answer.citations)
                     if any(g in _norm(c.text) for g in gold)), None)
        declined_wrongly += not answer.answered
        hit1 += rank == 0
        hit3 += rank is not None and rank < 3
    return hit1 / n, hit3 / n, declined_wrongly, answered_wrongly


def _rows(path: Path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.skipif(not EVAL.is_file(), reason="shared/eval is not beside the repo")
def test_dev_set_quality(settings):
    hit1, hit3, declined, answered = _score(_rows(EVAL), settings)
    assert hit1 >= 0.9 and hit3 == 1.0
    assert declined == 0 and answered == 0


def test_paraphrased_set_quality(settings):
    """Our own paraphrases, written apart from the dev set, as a guard against overfitting."""
    hit1, hit3, declined, answered = _score(_rows(OWN), settings)
    assert hit1 >= 0.78 and hit3 >= 0.85
    assert declined <= 2 and answered == 0


def test_second_blind_set_quality(settings):
    """Written last, by someone who saw only the source texts; nothing was tuned on it."""
    hit1, hit3, declined, answered = _score(_rows(BLIND2), settings)
    assert hit1 >= 0.55 and hit3 >= 0.7
    assert declined <= 4 and answered <= 2


def test_blind_set_quality(settings):
    hit1, hit3, declined, answered = _score(_rows(BLIND), settings)
    assert hit1 >= 0.65 and hit3 >= 0.85
    assert declined <= 2 and answered == 0


def test_a_knowledge_folder_of_texts_only_uses_the_shipped_retrieval_data(tmp_path, db_path):
    from bot.config import DEFAULT_KNOWLEDGE_DIR, load_settings

    own = tmp_path / "own-knowledge"
    own.mkdir()
    text = (DEFAULT_KNOWLEDGE_DIR / "six-experiences-of-the-best-cio.txt").read_text()
    (own / "advice.txt").write_text(text, encoding="utf-8")
    settings = load_settings({"CIO_COACH_DB": str(db_path), "CIO_COACH_KNOWLEDGE": str(own)})
    answer = Coach(settings).ask("My ex-boss now works for me. How do I treat him?")
    assert answer.answered
    assert "former bosses" in answer.citations[0].text


REAL = Path(__file__).resolve().parent / "data" / "questions_real.jsonl"
BLIND3 = Path(__file__).resolve().parent / "data" / "questions_blind3.jsonl"
BLIND4 = Path(__file__).resolve().parent / "data" / "questions_blind4.jsonl"
REAL5 = Path(__file__).resolve().parent / "data" / "questions_real5.jsonl"
REAL6 = Path(__file__).resolve().parent / "data" / "questions_real6.jsonl"
BLIND5 = Path(__file__).resolve().parent / "data" / "questions_blind5.jsonl"


def test_real_style_set_quality(settings):
    """Questions in the style people post (tuned on: a guard against regressions)."""
    hit1, hit3, declined, answered = _score(_rows(REAL), settings)
    assert hit1 >= 0.85 and hit3 >= 0.94
    assert declined <= 2 and answered <= 2


def test_fifth_real_style_set_quality(settings):
    """Written by a helper from the style brief alone, then used to train the scope
    classifier (first run, before: hit@1 0.844, hit@3 0.933, 9 of 35 off-topic answered)."""
    hit1, hit3, declined, answered = _score(_rows(REAL5), settings)
    assert hit1 >= 0.86 and hit3 >= 0.93
    assert declined <= 2 and answered <= 3


def test_sixth_real_style_set_quality(settings):
    """90 questions in five voices (non-native writers, people outside IT, interview prep,
    tired admins, new managers), written by a helper from the style brief alone, then
    used for training (first run, before: hit@1 0.700, hit@3 0.800, 2 of 30 off-topic
    answered, none in scope declined)."""
    hit1, hit3, declined, answered = _score(_rows(REAL6), settings)
    assert hit1 >= 0.7 and hit3 >= 0.82
    assert declined <= 1 and answered <= 3


@pytest.mark.parametrize("name,bars", [
    ("questions_real7.jsonl", (0.72, 0.85, 4, 3)),  # first run: 0.700 / 0.867, 6 / 4
    ("questions_real8.jsonl", (0.76, 0.88, 4, 2)),  # first run: 0.783 / 0.917, 3 / 4
    ("questions_real9.jsonl", (0.78, 0.87, 3, 3)),  # first run: 0.800 / 0.900, 1 / 0
])
def test_seventh_to_ninth_real_style_sets_quality(settings, name, bars):
    """Written by more helpers from the style brief alone (Reddit, advice letters, Slack
    DMs, ERP leads; Spiceworks, LinkedIn, public sector, second-language writers, staff
    about their boss; small manufacturers, hospitals and schools, consultants, a CEO, HR,
    students, phone posts, long vents), then used for training. First runs in the
    comments: hit@1 / hit@3, in-scope declined / off-topic answered."""
    hit1, hit3, declined, answered = _score(_rows(REAL6.parent / name), settings)
    assert hit1 >= bars[0] and hit3 >= bars[1]
    assert declined <= bars[2] and answered <= bars[3]


def test_third_blind_set_quality(settings):
    """Written by someone who saw only the source texts and a style brief; never tuned on.
    The bar sits below the figures measured when it was first run."""
    hit1, hit3, declined, answered = _score(_rows(BLIND3), settings)
    assert hit1 >= 0.8 and hit3 >= 0.9  # 0.789 / 0.921 before the passage model
    assert declined <= 3 and answered <= 2  # 5 of 14 before the scope classifier


def test_fourth_blind_set_quality(settings):
    """Written later the same way, by another helper; never tuned on. First run: hit@1
    0.714, hit@3 0.857, 4 of 42 in-scope declined, 5 of 18 off-topic answered (1 with the
    scope classifier)."""
    hit1, hit3, declined, answered = _score(_rows(BLIND4), settings)
    assert hit1 >= 0.7 and hit3 >= 0.83
    assert declined <= 6 and answered <= 3


def test_fifth_blind_set_quality(settings):
    """Written at the end of a later stop by another helper from the style brief alone;
    never tuned on. First run: hit@1 0.833, hit@3 0.881, 2 of 42 in-scope declined, none
    of 18 off-topic answered."""
    hit1, hit3, declined, answered = _score(_rows(BLIND5), settings)
    assert hit1 >= 0.78 and hit3 >= 0.85
    assert declined <= 4 and answered <= 2
