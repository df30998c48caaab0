"""The passage model: the shipped file, where it applies, what it changes, and the script
that trains it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from bot.config import DEFAULT_KNOWLEDGE_DIR
from bot.knowledge import KnowledgeIndex
from bot.passage_model import MODEL_FILE, load_passage_model, passage_key, passage_model
from bot.retrieval import Retriever, Signals

REPO = Path(__file__).resolve().parent.parent
SHIPPED = DEFAULT_KNOWLEDGE_DIR / "retrieval" / MODEL_FILE
TEXTS = ["how-can-i-become-a-cio.txt", "six-experiences-of-the-best-cio.txt"]


def _index(db_path: Path, knowledge: Path = DEFAULT_KNOWLEDGE_DIR) -> KnowledgeIndex:
    index = KnowledgeIndex.open(db_path, knowledge)
    index.refresh()
    return index


def test_every_quotable_passage_of_the_built_in_texts_has_a_column(db_path):
    index = _index(db_path)
    model = passage_model(index, index.model_name())
    assert model is not None
    rows = index.conn.execute("SELECT source, locator, text FROM passages WHERE quotable")
    columns = [model.column({"source": s, "locator": loc, "text": t}) for s, loc, t in rows]
    assert None not in columns and sorted(columns) == list(range(model.weights.shape[1]))


def test_an_edited_passage_loses_its_column_not_to_another(kb_dir, db_path):
    text = kb_dir / "six-experiences-of-the-best-cio.txt"
    body = text.read_text(encoding="utf-8")
    # the words the takeaway is tied to stay; the first 60 characters change
    first = "3. When you succeed, please remember that this is the success"
    assert first in body
    text.write_text(body.replace(first, "3. When you succeed, please remember that this was the "
                                        "success"), encoding="utf-8")
    index = _index(db_path, kb_dir)
    model = passage_model(index, index.model_name())
    assert model is not None
    rows = index.conn.execute("SELECT source, locator, text FROM passages WHERE quotable")
    columns = [model.column({"source": s, "locator": loc, "text": t}) for s, loc, t in rows]
    assert columns.count(None) == 1
    assert len(set(c for c in columns if c is not None)) == len(columns) - 1


def test_other_texts_or_another_model_do_without_it(tmp_path):
    (tmp_path / "retrieval").mkdir()
    shutil.copy(SHIPPED, tmp_path / "retrieval" / MODEL_FILE)
    assert load_passage_model(tmp_path, TEXTS, "all-MiniLM-L6-v2") is not None
    assert load_passage_model(tmp_path, ["advice.txt"], "all-MiniLM-L6-v2") is None
    assert load_passage_model(tmp_path, TEXTS, "another-model") is None


def test_weights_that_do_not_fit_the_passages_are_left_out(tmp_path, caplog):
    (tmp_path / "retrieval").mkdir()
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["passages"] = data["passages"][:-1]
    (tmp_path / "retrieval" / MODEL_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert load_passage_model(tmp_path, TEXTS, "all-MiniLM-L6-v2") is None
    assert MODEL_FILE in caplog.text


def test_it_reorders_close_passages_and_the_ablation_switches_it_off(db_path):
    """A question of the old blind set (never trained on): the passage on respecting your
    staff leads with the model; the similarities alone put another first."""
    index = _index(db_path)
    question = "My engineers keep handing in their notice. What can I do as their manager?"
    with_model = Retriever(index).search(question)
    without = Retriever(index, Signals(passage_model=False)).search(question)
    assert "turnover rate of employees" in with_model.hits[0].text
    assert "turnover rate of employees" not in without.hits[0].text
    assert passage_key("a.txt", "A › ¶1", "  Some   TEXT ") == "a.txt|A › ¶1|some text"


def test_the_script_reproduces_the_shipped_model(tmp_path):
    out = tmp_path / MODEL_FILE
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "train_passage_classifier.py"),
                          "--quiet", "--output", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    made, shipped = (json.loads(p.read_text()) for p in (out, SHIPPED))
    assert made["passages"] == shipped["passages"]
    a, b = np.array(made["weights"]).ravel(), np.array(shipped["weights"]).ravel()
    assert float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) > 0.999
