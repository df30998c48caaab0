"""The index's vector matrices: per-passage similarities and the sign-bit shortlist."""

from __future__ import annotations

import numpy as np

from bot.knowledge.vectors import Vectors, sign_bits

DIM = 384


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def _vectors(passage: np.ndarray, question: np.ndarray | None = None,
             question_ids: list[int] | None = None) -> Vectors:
    empty = np.zeros((0, DIM), np.float32)
    ids = np.arange(len(passage), dtype=np.int64)
    return Vectors("test", passage, ids, empty, np.zeros(0, np.int64),
                   question if question is not None else empty,
                   np.array(question_ids or [], np.int64), sign_bits(passage))


def test_question_similarity_is_the_nearest_question_of_each_passage():
    rng = np.random.default_rng(1)
    questions = _unit(rng.normal(size=(5, DIM)))
    vectors = _vectors(_unit(rng.normal(size=(4, DIM))), questions, [0, 0, 2, 2, 2])
    query = questions[3]
    found = vectors.question_similarity(np.array([0, 1, 2, 3]), query)
    assert np.isnan(found[1]) and np.isnan(found[3])  # passages without questions
    assert found[2] == np.float32(questions[2:5] @ query).max()
    assert found[0] == np.float32(questions[0:2] @ query).max()


def test_the_shortlist_finds_the_passages_an_exact_scan_finds():
    rng = np.random.default_rng(7)
    topics = _unit(rng.normal(size=(50, DIM)))
    # 5,000 passages around 50 topics, as real passages cluster by subject
    passage = _unit(topics[rng.integers(0, 50, 5000)] + 0.6 * rng.normal(size=(5000, DIM))
                    / np.sqrt(DIM) * 4)
    vectors = _vectors(passage)
    found = []
    for query in _unit(topics[:10] + 0.3 * rng.normal(size=(10, DIM)) / np.sqrt(DIM) * 4):
        exact = set(vectors.nearest_passages(query, 60, exact_up_to=10**9).tolist())
        near = vectors.nearest_passages(query, 60, exact_up_to=1000)
        assert len(near) == 60 == len(set(near.tolist()))
        found.append(len(exact & set(near.tolist())) / 60)
    assert np.mean(found) >= 0.9


def test_a_small_index_is_scanned_exactly():
    rng = np.random.default_rng(3)
    vectors = _vectors(_unit(rng.normal(size=(100, DIM))))
    query = vectors.passage[17]
    assert 17 in vectors.nearest_passages(query, 1).tolist()
    assert sorted(vectors.nearest_passages(query, 500).tolist()) == list(range(100))


def test_the_shortlist_cut_keeps_the_smallest_distances():
    """The counting cut-off returns exactly `keep` rows, and their distances are the
    `keep` smallest (as argpartition would give, ties aside)."""
    import numpy as np

    from bot.knowledge.vectors import _smallest

    rng = np.random.default_rng(7)
    skewed = np.concatenate([rng.binomial(384, 0.3, 5_000), rng.binomial(384, 0.5, 50_000)])
    for distance in (skewed.astype(np.uint16), np.zeros(100, np.uint16)):
        for keep in (1, 37, 960, len(distance) - 1):
            if keep >= len(distance):
                continue
            rows = _smallest(distance, keep)
            assert len(rows) == keep == len(set(rows.tolist()))
            expected = np.sort(distance)[:keep]
            assert (np.sort(distance[rows]) == expected).all()
