"""The semantic side of the index: one vector per passage, per takeaway and per sentence,
computed when indexing (only for passages that changed) and read back as matrices.

Vectors are float32 rows of unit length stored as BLOBs. Reading them back builds one
matrix per kind, cached per database file and index generation, so a question costs one
embedding and a few matrix products.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.embedding import EmbeddingUnavailable, load_embedder

log = logging.getLogger(__name__)

KINDS = ("passage", "takeaway")  # held in memory; sentences are read per candidate
BATCH = 32

EmbedProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Vectors:
    """Passage and takeaway rows (unit length), and the passage each row belongs to.
    Sentence vectors are read per candidate passage (`sentence_vectors`): there are many
    more of them and a question only needs a few."""

    model: str
    passage: np.ndarray
    passage_ids: np.ndarray
    takeaway: np.ndarray
    takeaway_ids: np.ndarray


def _texts_to_embed(conn: sqlite3.Connection) -> list[tuple[int, str, int, str]]:
    """(passage id, kind, ord, text) for every passage that has no vectors yet."""
    rows = conn.execute(
        "SELECT id, text, takeaway, sentences FROM passages WHERE id NOT IN "
        "(SELECT passage_id FROM vectors WHERE kind = 'passage')").fetchall()
    out: list[tuple[int, str, int, str]] = []
    for pid, text, takeaway, sentences in rows:
        out.append((pid, "passage", 0, text))
        if takeaway:
            out.append((pid, "takeaway", 0, takeaway))
        for n, line in enumerate(sentences.split("\n") if sentences else []):
            start, end = (int(x) for x in line.split(" ", 2)[:2])
            out.append((pid, "sentence", n, text[start:end]))
    return out


def embed_missing(conn: sqlite3.Connection, progress: EmbedProgress | None = None) -> str:
    """Embed what has no vectors yet (inside the caller's transaction); returns the
    model's name, or "" when no embedding model is available (lexical signals only)."""
    todo = _texts_to_embed(conn)
    try:
        embedder = load_embedder()
    except EmbeddingUnavailable as exc:
        log.warning("no semantic signal: %s", exc)
        return ""
    if todo:
        matrix = embedder.encode([t[3] for t in todo], batch_size=BATCH, progress=progress)
        conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                         ((pid, kind, ord_, row.astype(np.float32).tobytes())
                          for (pid, kind, ord_, _), row in zip(todo, matrix, strict=True)))
    return embedder.name


def _rows_to_matrix(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)


def _matrix(conn: sqlite3.Connection, kind: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute("SELECT passage_id, vector FROM vectors WHERE kind = ? "
                        "ORDER BY passage_id", [kind]).fetchall()
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
    vectors = Vectors(model, *parts["passage"], *parts["takeaway"])
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
