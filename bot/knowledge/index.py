"""The index's tables, building them, and the lexical queries on them.

The index is derived data: when its schema version changes it is dropped and built again
from the files. Indexing is incremental: a file whose size, mtime and content hash are
unchanged is not touched; a changed file is re-indexed (and its passages embedded again)
and a deleted one removed. `rebuild` starts every table afresh.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.db import connect_sqlite, file_lock, transaction
from bot.knowledge.takeaways import (
    QUESTIONS,
    companion_files,
    load_questions,
    load_takeaways,
    rows_for,
    takeaway_for,
)
from bot.knowledge.vectors import (
    Vectors,
    cached_text_vectors,
    embed_missing,
    load_vectors,
    sentence_vectors,
)
from bot.passages import locator, split_passages, title_of
from bot.text import content_stems, split_sentences, stems, stopwords

SOURCE_SUFFIXES = (".md", ".txt")
# Bump when the tables, splitting or stemming change: the index is then built afresh.
SCHEMA_VERSION = "9"
TABLES = ("passages_fts", "vectors", "text_vectors", "passages", "documents", "vocabulary",
          "kb_meta", "kb_stats", "passages_vocab")
VECTOR_DIM = 384

Progress = Callable[[int, int, str], None]

_SCHEMA = (
    "CREATE TABLE kb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE documents (source TEXT PRIMARY KEY, title TEXT NOT NULL, "
    "sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL, indexed_at REAL NOT NULL)",
    "CREATE TABLE passages (id INTEGER PRIMARY KEY, source TEXT NOT NULL, ord INTEGER NOT NULL, "
    "title TEXT NOT NULL, section TEXT NOT NULL, locator TEXT NOT NULL, text TEXT NOT NULL, "
    "stems TEXT NOT NULL, sentences TEXT NOT NULL, takeaway TEXT NOT NULL, "
    "quotable INTEGER NOT NULL, questions TEXT NOT NULL)",
    "CREATE TABLE text_vectors (text TEXT PRIMARY KEY, vector BLOB NOT NULL)",
    "CREATE TABLE vectors (passage_id INTEGER NOT NULL, kind TEXT NOT NULL, ord INTEGER NOT NULL, "
    "vector BLOB NOT NULL, PRIMARY KEY (passage_id, kind, ord))",
    "CREATE INDEX passages_source ON passages (source)",
    "CREATE TABLE vocabulary (term TEXT PRIMARY KEY, df INTEGER NOT NULL)",
    "CREATE VIRTUAL TABLE passages_fts USING fts5 (stems, content='passages', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN "
    "INSERT INTO passages_fts (rowid, stems) VALUES (new.id, new.stems); END",
    "CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN "
    "INSERT INTO passages_fts (passages_fts, rowid, stems) VALUES ('delete', old.id, old.stems); "
    "DELETE FROM vectors WHERE passage_id = old.id; END",
)

PASSAGE_COLUMNS = ("id", "source", "title", "section", "locator", "text", "stems",
                   "sentences", "takeaway", "quotable", "questions")


@dataclass
class IndexReport:
    documents: int
    passages: int
    added: list[str]
    updated: list[str]
    removed: list[str]
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class CorpusStats:
    passages: int
    avg_stems: float


def source_files(knowledge_dir: Path) -> list[Path]:
    if not knowledge_dir.is_dir():
        return []
    return sorted(p for p in knowledge_dir.iterdir()
                  if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
                  and not p.name.startswith("."))


def read_source(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")


def encode_sentences(text: str, stop: frozenset[str]) -> str:
    """One line per sentence: "start end stem stem ..." (content stems only)."""
    return "\n".join(f"{a} {b} {' '.join(content_stems(text[a:b], stop))}".rstrip()
                     for a, b in split_sentences(text))


def decode_sentences(encoded: str) -> list[tuple[int, int, list[str]]]:
    out = []
    for line in encoded.split("\n") if encoded else []:
        a, b, *rest = line.split(" ")
        out.append((int(a), int(b), rest))
    return out


class KnowledgeIndex:
    """One SQLite connection's view of the index (open one per thread)."""

    def __init__(self, conn: sqlite3.Connection, knowledge_dir: Path, *,
                 write_takeaway: Callable[[str], str] | None = None) -> None:
        self.conn = conn
        self.knowledge_dir = knowledge_dir
        self.stop = stopwords(knowledge_dir)
        # For texts without takeaways kept as data: a model's guarded sentence, or none.
        self.write_takeaway = write_takeaway

    @classmethod
    def open(cls, db_path: Path, knowledge_dir: Path) -> KnowledgeIndex:
        return cls(connect_sqlite(db_path), knowledge_dir)

    def close(self) -> None:
        self.conn.close()

    # --- building -------------------------------------------------------------------

    def _lock(self):
        path = self._file()
        return nullcontext() if path.startswith("memory:") else file_lock(path)

    def _schema_current(self) -> bool:
        try:
            row = self.conn.execute(
                "SELECT value FROM kb_meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:  # no kb_meta yet
            return False
        return row is not None and row[0] == SCHEMA_VERSION

    def _create_schema(self) -> None:
        """Drop whatever an older version left and create the tables (inside the lock)."""
        with transaction(self.conn):
            for table in TABLES:
                kind = self.conn.execute("SELECT type FROM sqlite_master WHERE name = ?",
                                         [table]).fetchone()
                if kind:
                    self.conn.execute(f"DROP {kind[0].upper()} IF EXISTS {table}")
            for statement in _SCHEMA:
                self.conn.execute(statement)
            self.conn.execute("INSERT INTO kb_meta VALUES ('schema_version', ?)",
                              [SCHEMA_VERSION])

    def refresh(self, progress: Progress | None = None) -> IndexReport:
        """Bring the index up to date with the knowledge folder; cheap when nothing changed
        (a stat per file and one query). `progress(done, total, name)` is called before
        each file that has to be read."""
        started = time.perf_counter()
        files = {p.name: p for p in source_files(self.knowledge_dir)}
        added: list[str] = []
        updated: list[str] = []
        removed: list[str] = []
        if not self._schema_current() or any(self._pending(files)):
            with self._lock():
                if not self._schema_current():
                    self._create_schema()
                added, updated, removed = self._apply(files, progress)
        documents, passages = self.conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM passages)"
        ).fetchone()
        return IndexReport(documents, passages, added, updated, removed,
                           time.perf_counter() - started)

    def rebuild(self, progress: Progress | None = None) -> IndexReport:
        """Every table afresh, every file indexed again."""
        with self._lock():
            self._create_schema()
        return self.refresh(progress)

    def _known(self) -> dict[str, tuple[str, int, float]]:
        return {row[0]: row[1:] for row in self.conn.execute(
            "SELECT source, sha256, size, mtime FROM documents")}

    def _pending(self, files: dict[str, Path]) -> tuple[list[Path], list[str]]:
        known = self._known()
        todo = [p for name, p in files.items()
                if name not in known or known[name][1:] != _size_mtime(p)]
        return todo, [name for name in known if name not in files]

    def _apply(self, files: dict[str, Path], progress: Progress | None
               ) -> tuple[list[str], list[str], list[str]]:
        todo, removed = self._pending(files)  # again: another process may have indexed
        known = self._known()
        added: list[str] = []
        updated: list[str] = []
        with transaction(self.conn):
            for done, path in enumerate(todo):
                if progress:
                    progress(done, len(todo), path.name)
                sha = _sha256(path)
                if path.name in known and known[path.name][0] == sha:
                    size, mtime = _size_mtime(path)  # touched, not changed
                    self.conn.execute("UPDATE documents SET size = ?, mtime = ? "
                                      "WHERE source = ?", [size, mtime, path.name])
                    continue
                self._index_document(path, sha)
                (updated if path.name in known else added).append(path.name)
            for name in removed:
                self._remove_document(name)
            self._update_stats()
            self._embed(progress)
        return added, updated, removed

    def _embed(self, progress: Progress | None) -> None:
        """Vectors for the passages that have none; the generation moves on, so every
        process reads the new matrices."""
        step = (lambda done, total: progress(done, total, "sentence vectors")) \
            if progress else None
        model = embed_missing(self.conn, step)
        generation = int(self._meta("generation") or 0) + 1
        self.conn.executemany("INSERT OR REPLACE INTO kb_meta VALUES (?, ?)",
                              [("model", model), ("generation", str(generation))])

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM kb_meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _index_document(self, path: Path, sha: str) -> None:
        text = read_source(path)
        title = title_of(text, path.stem)
        self._remove_document(path.name)
        size, mtime = _size_mtime(path)
        self.conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                          [path.name, title, sha, size, mtime, time.time()])
        takeaways, questions = load_takeaways(path), load_questions(path)
        rows = []
        for p in split_passages(text):
            takeaway = takeaway_for(takeaways, p.ord, p.text, path)
            if takeaways is None and self.write_takeaway is not None:
                takeaway = self.write_takeaway(p.text)
            # A text with takeaways marks its quotable passages by giving them one.
            quotable = takeaways is None or bool(takeaway)
            rows.append((path.name, p.ord, title, p.section, locator(title, p.section, p.ord),
                         p.text, " ".join(stems(p.text)), encode_sentences(p.text, self.stop),
                         takeaway, int(quotable),
                         "\n".join(rows_for(questions, p.ord, p.text, path, QUESTIONS))))
        self.conn.executemany(
            "INSERT INTO passages (source, ord, title, section, locator, text, stems, "
            "sentences, takeaway, quotable, questions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
        self._add_frequencies((r[6] for r in rows), +1)

    def _remove_document(self, source: str) -> None:
        self._add_frequencies((row[0] for row in self.conn.execute(
            "SELECT stems FROM passages WHERE source = ?", [source])), -1)
        self.conn.execute("DELETE FROM passages WHERE source = ?", [source])
        self.conn.execute("DELETE FROM documents WHERE source = ?", [source])

    def _add_frequencies(self, passage_stems: Iterable[str], sign: int) -> None:
        counts: Counter[str] = Counter()
        for text in passage_stems:
            counts.update(set(text.split()))
        self.conn.executemany(
            "INSERT INTO vocabulary (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
            ((term, sign * n) for term, n in counts.items()))
        self.conn.execute("DELETE FROM vocabulary WHERE df <= 0")

    def _update_stats(self) -> None:
        n, avg = self.conn.execute(
            "SELECT count(*), avg(length(stems) - length(replace(stems, ' ', '')) + 1) "
            "FROM passages").fetchone()
        self.conn.executemany("INSERT OR REPLACE INTO kb_meta VALUES (?, ?)",
                              [("passages", str(n)), ("avg_stems", str(avg or 1.0))])

    # --- queries --------------------------------------------------------------------

    def stats(self) -> CorpusStats:
        rows = dict(self.conn.execute(
            "SELECT key, value FROM kb_meta WHERE key IN ('passages', 'avg_stems')"))
        return CorpusStats(int(rows.get("passages", 0)), float(rows.get("avg_stems", 1.0)))

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        terms = list(terms)
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        return dict(self.conn.execute(
            f"SELECT term, df FROM vocabulary WHERE term IN ({marks})", terms).fetchall())

    def candidates(self, terms: Iterable[str], limit: int) -> list[dict]:
        """Passages holding any of `terms` (stems), FTS5's BM25 order, at most `limit`."""
        match = " OR ".join(f'"{t}"' for t in sorted(set(terms)))
        if not match:
            return []
        rows = self.conn.execute(
            f"SELECT {', '.join('p.' + c for c in PASSAGE_COLUMNS)} FROM passages_fts f "
            "JOIN passages p ON p.id = f.rowid WHERE passages_fts MATCH ? "
            "ORDER BY f.rank LIMIT ?", [match, limit])
        return [dict(zip(PASSAGE_COLUMNS, r, strict=True)) for r in rows]

    def model_name(self) -> str:
        """The embedding model the index's vectors come from ("" without vectors)."""
        return self._meta("model") or ""

    def vectors(self) -> Vectors | None:
        """The index's vectors, or None when it was built without an embedding model."""
        model = self._meta("model")
        if not model:
            return None
        key = (self._file(), self._meta("generation") or "0")
        return load_vectors(self.conn, key, model, VECTOR_DIM)

    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]:
        """Each passage's sentence vectors (rows in sentence order); empty without a model."""
        return sentence_vectors(self.conn, passage_ids, VECTOR_DIM)

    def text_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of data texts (the unanswered asks, say), embedded once and kept."""
        return cached_text_vectors(self.conn, texts, VECTOR_DIM)

    def passages_by_id(self, ids: Iterable[int]) -> list[dict]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT {', '.join(PASSAGE_COLUMNS)} FROM passages "
                                 f"WHERE id IN ({marks})", ids).fetchall()
        return [dict(zip(PASSAGE_COLUMNS, r, strict=True)) for r in rows]

    def _file(self) -> str:
        row = self.conn.execute("PRAGMA database_list").fetchone()
        return (row[2] if row else "") or f"memory:{id(self.conn)}"

    def sections(self) -> list[str]:
        """Section names in text order: what the texts are about."""
        return [row[0] for row in self.conn.execute(
            "SELECT section FROM passages WHERE section != '' GROUP BY section "
            "ORDER BY min(source), min(ord)")]

    def vocabulary_sum(self) -> tuple[int, int]:
        """(sum, maximum) of the document frequencies: a consistency figure for tests."""
        total, most = self.conn.execute(
            "SELECT coalesce(sum(df), 0), coalesce(max(df), 0) FROM vocabulary").fetchone()
        return total, most


def _size_mtime(path: Path) -> tuple[int, float]:
    """A text's size and time of change, counting its takeaways and questions files: an
    edit to either indexes the text again."""
    stats = [p.stat() for p in (path, *companion_files(path))]
    return sum(s.st_size for s in stats), max(s.st_mtime for s in stats)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    for companion in companion_files(path):
        digest.update(b"\0" + companion.read_bytes())
    return digest.hexdigest()
