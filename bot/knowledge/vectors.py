"""The semantic side of the index: one vector per passage, per takeaway, per sentence and
per question a passage answers (kept as data beside the text),
computed when indexing (only for passages that changed) and read back as matrices.

Vectors are float32 rows of unit length stored as BLOBs. Reading them back builds one
matrix per kind, cached per database file and index generation, so a question costs one
embedding and a few matrix products.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.db import connect_sqlite
from bot.embedding import Embedder, EmbeddingUnavailable, load_embedder

log = logging.getLogger(__name__)

KINDS = ("passage", "takeaway", "question")  # in memory; sentences are read per candidate
BATCH = 32
# Above this many passages the nearest ones are found in two steps: the Hamming distance
# of the vectors' sign bits (a 32nd of the memory an exact scan reads) keeps
# RESCORE_FACTOR rows per passage wanted, and those are scored exactly.
# bench/bench_retrieval.py measures both steps' speed and how many of the exact scan's
# nearest passages the two steps find.
EXACT_SCAN_ROWS = 20_000
RESCORE_FACTOR = 16

EmbedProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Vectors:
    """Passage and takeaway rows (unit length), and the passage each row belongs to.
    Sentence vectors are read per candidate passage (`sentence_vectors`): there are many
    more of them and a question only needs a few."""

    model: str
    passage: np.ndarray
    passage_ids: np.ndarray  # sorted
    takeaway: np.ndarray
    takeaway_ids: np.ndarray  # sorted
    question: np.ndarray
    question_ids: np.ndarray  # sorted; a passage may have several questions or none
    passage_bits: np.ndarray | None = None  # sign bits, one uint64 row per 64 dimensions

    def nearest_passages(self, query: np.ndarray, n: int,
                         exact_up_to: int | None = None) -> np.ndarray:
        """Row numbers of the `n` passages nearest `query` (unordered)."""
        rows = len(self.passage_ids)
        if rows <= n:
            return np.arange(rows)
        exact_up_to = EXACT_SCAN_ROWS if exact_up_to is None else exact_up_to
        if self.passage_bits is None or rows <= exact_up_to:
            return _top(self.passage @ query, n)
        keep = min(rows - 1, max(n, n * RESCORE_FACTOR))
        distance = _hamming(self.passage_bits, sign_bits(query))
        shortlist = _smallest(distance, keep)
        return shortlist[_top(self.passage[shortlist] @ query, n)]

    def passage_similarity(self, passage_ids: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine of each passage with `query`; NaN for a passage without a vector."""
        return _similarity(self.passage, self.passage_ids, passage_ids, query)

    def takeaway_similarity(self, passage_ids: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine of each passage's takeaway with `query`; NaN where there is none."""
        return _similarity(self.takeaway, self.takeaway_ids, passage_ids, query)

    def question_similarity(self, passage_ids: np.ndarray, query: np.ndarray) -> np.ndarray:
        """For each passage, the cosine of its nearest question with `query`; NaN where it
        has none."""
        out = np.full(len(passage_ids), np.nan)
        if not len(self.question_ids):
            return out
        starts = np.searchsorted(self.question_ids, passage_ids, side="left")
        ends = np.searchsorted(self.question_ids, passage_ids, side="right")
        for n in np.flatnonzero(ends > starts):
            out[n] = float((self.question[starts[n]:ends[n]] @ query).max())
        return out


def _top(similarity: np.ndarray, n: int) -> np.ndarray:
    if n >= len(similarity):
        return np.arange(len(similarity))
    return np.argpartition(-similarity, n)[:n]


def _smallest(distance: np.ndarray, keep: int) -> np.ndarray:
    """Row numbers of `keep` smallest distances (small integers): a count of each
    distance finds the cut-off, several times faster than argpartition over many rows.
    Ties at the cut-off go to the lower row numbers."""
    counts = np.cumsum(np.bincount(distance))
    cutoff = int(np.searchsorted(counts, keep))  # the distance where `keep` is reached
    below = np.flatnonzero(distance < cutoff)
    at = np.flatnonzero(distance == cutoff)[: keep - len(below)]
    return np.concatenate([below, at])


def sign_bits(matrix: np.ndarray) -> np.ndarray:
    """Each row's signs packed into uint64 words; for a matrix, one row per word (the
    column-major layout makes the Hamming loop read memory in order)."""
    if matrix.ndim == 1:
        return np.packbits(matrix > 0).view(np.uint64)
    return np.ascontiguousarray(np.packbits(matrix > 0, axis=1).view(np.uint64).T)


def _hamming(bits: np.ndarray, query_bits: np.ndarray) -> np.ndarray:
    distance = np.bitwise_count(bits[0] ^ query_bits[0]).astype(np.uint16)
    for word, query_word in zip(bits[1:], query_bits[1:], strict=True):
        distance += np.bitwise_count(word ^ query_word)
    return distance


def _similarity(matrix: np.ndarray, ids: np.ndarray, wanted: np.ndarray,
                query: np.ndarray) -> np.ndarray:
    """Rows found by binary search (ids are sorted), not a dict per question."""
    out = np.full(len(wanted), np.nan)
    if not len(ids) or not len(wanted):
        return out
    at = np.searchsorted(ids, wanted).clip(max=len(ids) - 1)
    present = ids[at] == wanted
    out[present] = matrix[at[present]] @ query
    return out


def _texts_to_embed(conn: sqlite3.Connection) -> list[tuple[int, str, int, str]]:
    """(passage id, kind, ord, text) for every passage that has no vectors yet."""
    rows = conn.execute(
        "SELECT id, text, takeaway, sentences, questions FROM passages WHERE id NOT IN "
        "(SELECT passage_id FROM vectors WHERE kind = 'passage')").fetchall()
    out: list[tuple[int, str, int, str]] = []
    for pid, text, takeaway, sentences, questions in rows:
        out.append((pid, "passage", 0, text))
        if takeaway:
            out.append((pid, "takeaway", 0, takeaway))
        for n, question in enumerate(questions.split("\n") if questions else []):
            out.append((pid, "question", n, question))
        for n, line in enumerate(sentences.split("\n") if sentences else []):
            start, end = (int(x) for x in line.split(" ", 2)[:2])
            out.append((pid, "sentence", n, text[start:end]))
    return out


def embed_missing(conn: sqlite3.Connection, progress: EmbedProgress | None = None) -> str:
    """Embed what has no vectors yet (inside the caller's transaction); returns the
    model's name, or "" when no embedding model is available (lexical signals only).
    Texts embedded before (by any index on this machine) come from the cache."""
    todo = _texts_to_embed(conn)
    try:
        embedder = load_embedder()
    except EmbeddingUnavailable as exc:
        log.warning("no semantic signal: %s", exc)
        return ""
    if todo:
        blobs = embedding_cache().vectors(embedder, [t[3] for t in todo], progress)
        conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                         ((pid, kind, ord_, blob)
                          for (pid, kind, ord_, _), blob in zip(todo, blobs, strict=True)))
    return embedder.name


class EmbeddingCache:
    """Vectors by model and text hash, in a SQLite file in the user's cache folder: a
    paragraph embedded once is not embedded again by a rebuild, another index or a test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = connect_sqlite(self.path)
        conn.execute("CREATE TABLE IF NOT EXISTS cached (model TEXT NOT NULL, "
                     "sha TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, sha))")
        return conn

    def vectors(self, embedder: Embedder, texts: list[str],
                progress: EmbedProgress | None = None) -> list[bytes]:
        shas = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        with self._lock:
            conn = self._connect()
            try:
                known = self._known(conn, embedder.name, shas)
                missing = [i for i, sha in enumerate(shas) if sha not in known]
                if missing:
                    matrix = embedder.encode([texts[i] for i in missing], batch_size=BATCH,
                                             progress=progress)
                    fresh = {shas[i]: row.astype(np.float32).tobytes()
                             for i, row in zip(missing, matrix, strict=True)}
                    conn.executemany("INSERT OR REPLACE INTO cached VALUES (?, ?, ?)",
                                     ((embedder.name, sha, blob) for sha, blob in fresh.items()))
                    known.update(fresh)
            finally:
                conn.close()
        return [known[sha] for sha in shas]

    @staticmethod
    def _known(conn: sqlite3.Connection, model: str, shas: list[str]) -> dict[str, bytes]:
        known: dict[str, bytes] = {}
        unique = list(dict.fromkeys(shas))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(conn.execute(f"SELECT sha, vector FROM cached WHERE model = ? AND "
                                      f"sha IN ({marks})", [model, *chunk]).fetchall())
        return known


@lru_cache(maxsize=1)
def embedding_cache() -> EmbeddingCache:
    from platformdirs import user_cache_dir

    return EmbeddingCache(Path(user_cache_dir("cio-coach", appauthor=False)) / "embeddings.db")


def _rows_to_matrix(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)


def _matrix(conn: sqlite3.Connection, kind: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute("SELECT passage_id, vector FROM vectors WHERE kind = ? "
                        "ORDER BY passage_id, ord", [kind]).fetchall()
    return (_rows_to_matrix([r[1] for r in rows], dim),
            np.array([r[0] for r in rows], np.int64))


def sentence_vectors(conn: sqlite3.Connection, passage_ids: list[int],
                     dim: int) -> dict[int, np.ndarray]:
    """Each passage's sentence rows, in sentence order."""
    if not passage_ids:
        return {}
    marks = ",".join("?" * len(passage_ids))
    rows = conn.execute(f"SELECT passage_id, vector FROM vectors WHERE kind = 'sentence' "
                        f"AND passage_id IN ({marks}) ORDER BY passage_id, ord",
                        passage_ids).fetchall()
    grouped: dict[int, list[bytes]] = {}
    for pid, blob in rows:
        grouped.setdefault(pid, []).append(blob)
    return {pid: _rows_to_matrix(blobs, dim) for pid, blobs in grouped.items()}


_cache: dict[tuple[str, str], Vectors] = {}
_cache_lock = threading.Lock()


def load_vectors(conn: sqlite3.Connection, cache_key: tuple[str, str], model: str,
                 dim: int) -> Vectors:
    """The index's vectors as matrices, read once per database file and generation."""
    with _cache_lock:
        hit = _cache.get(cache_key)
    if hit is not None:
        return hit
    parts = {kind: _matrix(conn, kind, dim) for kind in KINDS}
    passage = parts["passage"][0]
    bits = sign_bits(passage) if len(passage) > EXACT_SCAN_ROWS else None
    vectors = Vectors(model, *parts["passage"], *parts["takeaway"], *parts["question"], bits)
    with _cache_lock:
        for key in [k for k in _cache if k[0] == cache_key[0]]:
            del _cache[key]  # an older generation of the same file
        _cache[cache_key] = vectors
    return vectors


def cached_text_vectors(conn: sqlite3.Connection, texts: list[str], dim: int) -> np.ndarray:
    """Rows for `texts` in order: read from the index, embedded (and kept) when missing."""
    if not texts:
        return np.zeros((0, dim), np.float32)
    marks = ",".join("?" * len(texts))
    known = dict(conn.execute(f"SELECT text, vector FROM text_vectors WHERE text IN ({marks})",
                              texts).fetchall())
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        matrix = load_embedder().encode(missing)
        fresh = {t: row.astype(np.float32).tobytes() for t, row in zip(missing, matrix,
                                                                         strict=True)}
        conn.executemany("INSERT OR REPLACE INTO text_vectors VALUES (?, ?)", fresh.items())
        known.update(fresh)
    return _rows_to_matrix([known[t] for t in texts], dim)
