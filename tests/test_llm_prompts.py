"""Prompt files: every prompt is a file, a deployment can bring its own folder."""

from __future__ import annotations

import pytest

from bot.answer import Citation, Turn
from bot.config import DEFAULT_PROMPTS_DIR, load_settings
from bot.llm.grounded import build_prompt
from bot.llm.prompts import PROMPT_NAMES, PromptError, load_prompt, render_prompt

EXPECTED_PLACEHOLDERS = {
    "answer": {"passages", "question"},
    "followup": {"history", "passages", "question"},
    "rewrite": {"draft", "terms"},
    "jargon_sense": {"term", "meaning", "sentence"},
    "takeaway": {"passage"},
}


def _settings(prompts_dir=None):
    env = {"CIO_COACH_PROMPTS": str(prompts_dir)} if prompts_dir else {}
    return load_settings(env)


@pytest.mark.parametrize("name", PROMPT_NAMES)
def test_each_shipped_prompt_renders(name):
    prompt = load_prompt(_settings(), name)
    assert prompt.path.parent == DEFAULT_PROMPTS_DIR
    assert set(prompt.placeholders) == EXPECTED_PLACEHOLDERS[name]
    text = prompt.render(**{p: f"<{p} value>" for p in prompt.placeholders})
    for p in prompt.placeholders:
        assert f"<{p} value>" in text
    assert "$" not in text


def test_answer_prompt_numbers_the_passages_and_carries_the_question():
    citations = [Citation("a.txt", "A", "A › Start › ¶1", "Meet them weekly.", 1.0),
                 Citation("b.txt", "B", "B › Scope › ¶2", "Let them own it.", 0.5)]
    text = build_prompt("How do I involve them?", citations, _settings())
    assert "[1] (A › Start › ¶1) Meet them weekly." in text
    assert "[2] (B › Scope › ¶2) Let them own it." in text
    assert "How do I involve them?" in text


def test_followup_prompt_carries_the_earlier_turns():
    citations = [Citation("a.txt", "A", "A › ¶1", "Meet them weekly.", 1.0)]
    history = [Turn("How do I involve department heads?", "Meet them weekly [1].")]
    text = build_prompt("Why?", citations, _settings(), history)
    assert "Q: How do I involve department heads?" in text
    assert "A: Meet them weekly [1]." in text
    assert "Latest question: Why?" in text


def test_a_deployment_folder_replaces_the_prompts(tmp_path):
    (tmp_path / "answer.txt").write_text("Our house style. Q=$question P=${passages}",
                                         encoding="utf-8")
    text = render_prompt(_settings(tmp_path), "answer", question="q?", passages="[1] p")
    assert text == "Our house style. Q=q? P=[1] p"


def test_literal_dollar_and_values_with_dollars(tmp_path):
    (tmp_path / "answer.txt").write_text("Budget $$5. $question", encoding="utf-8")
    text = render_prompt(_settings(tmp_path), "answer", question="Is $passages literal?")
    assert text == "Budget $5. Is $passages literal?"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PromptError, match=r"prompt file not found: .*followup\.txt"):
        load_prompt(_settings(tmp_path), "followup")


def test_a_missing_value_names_the_placeholder_and_file(tmp_path):
    (tmp_path / "rewrite.txt").write_text("$draft and $audience", encoding="utf-8")
    with pytest.raises(PromptError, match=r"rewrite\.txt: no value for placeholder \$audience"):
        render_prompt(_settings(tmp_path), "rewrite", draft="d", terms="t")


def test_a_malformed_placeholder_is_a_clear_error(tmp_path):
    (tmp_path / "answer.txt").write_text("Costs $5 a month: $question", encoding="utf-8")
    with pytest.raises(PromptError, match="malformed placeholder"):
        load_prompt(_settings(tmp_path), "answer")
