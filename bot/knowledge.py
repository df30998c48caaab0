"""The knowledge base: source texts split into passages, indexed in SQLite (FTS5).

Passages follow the texts' structure: a heading belongs with the paragraph it
introduces, and each passage keeps a locator a person can follow
("Title › Section › ¶N"). Indexing is incremental: a file whose size, mtime and
content hash are unchanged is not touched; a changed file is re-indexed and a deleted
one removed. The full-text table is kept in sync with `passages` by triggers.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.db import AnyDb, as_database, migrate, raw_connection, schema_lock
from bot.text import content_stems, split_sentences, stems, stopwords

if TYPE_CHECKING:
    import sqlite_utils

SOURCE_SUFFIXES = (".md", ".txt")
# Bump when splitting or stemming changes: every document is then re-indexed.
INDEX_VERSION = "5"
MAX_HEADING_CHARS = 100


@dataclass
class Passage:
    ord: int  # paragraph number within the document, from 1
    section: str
    text: str


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


# --- schema -------------------------------------------------------------------------

def m001_documents_and_passages(db: sqlite_utils.Database) -> None:
    db["documents"].create({"source": str, "title": str, "sha256": str, "size": int,
                            "mtime": float, "indexed_at": float, "index_version": str},
                           pk="source")
    db["passages"].create({"id": int, "source": str, "ord": int, "title": str, "section": str,
                           "locator": str, "text": str, "stems": str},
                          pk="id", foreign_keys=[("source", "documents", "source")])
    db["passages"].create_index(["source"])
    db["passages"].enable_fts(["stems"], create_triggers=True, tokenize="unicode61")


def m002_vocabulary(db: sqlite_utils.Database) -> None:
    # Document frequencies straight from the FTS index, for IDF weights at query time.
    db.execute("CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row')")


def m003_corpus_stats(db: sqlite_utils.Database) -> None:
    db["kb_stats"].create({"id": int, "passages": int, "avg_stems": float}, pk="id")
    _update_stats(db)


def _update_stats(db: sqlite_utils.Database) -> None:
    n, avg = db.execute(
        "SELECT count(*), avg(length(stems) - length(replace(stems, ' ', '')) + 1) "
        "FROM passages").fetchone()
    db["kb_stats"].upsert({"id": 1, "passages": n, "avg_stems": avg or 1.0}, pk="id")


def m004_sentence_stems(db: sqlite_utils.Database) -> None:
    # Sentence spans and their content stems, so a query need not re-split passages.
    db["passages"].add_column("sentences", str)


def m005_document_frequencies(db: sqlite_utils.Database) -> None:
    # fts5vocab answers a term lookup by scanning; this table answers it by key.
    db.execute("DROP TABLE IF EXISTS passages_vocab")
    db["vocabulary"].create({"term": str, "df": int}, pk="term")
    _add_frequencies(db, (row[0] for row in db.execute("SELECT stems FROM passages")), +1)


def _add_frequencies(db: sqlite_utils.Database, passage_stems, sign: int) -> None:
    counts: Counter[str] = Counter()
    for text in passage_stems:
        counts.update(set(text.split()))
    db.execute("CREATE TEMP TABLE IF NOT EXISTS _df_delta (term TEXT PRIMARY KEY, n INTEGER)")
    db.execute("DELETE FROM _df_delta")
    db.conn.executemany("INSERT INTO _df_delta VALUES (?, ?)",
                        ((t, sign * n) for t, n in counts.items()))
    db.execute("INSERT INTO vocabulary (term, df) SELECT term, n FROM _df_delta WHERE true "
               "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df")
    db.execute("DELETE FROM vocabulary WHERE df <= 0")


def _remove_passages(db: sqlite_utils.Database, source: str) -> None:
    _add_frequencies(db, (row[0] for row in db.execute(
        "SELECT stems FROM passages WHERE source = ?", [source])), -1)
    db["passages"].delete_where("source = ?", [source])


MIGRATIONS = [m001_documents_and_passages, m002_vocabulary, m003_corpus_stats,
              m004_sentence_stems, m005_document_frequencies]


def ensure_schema(db: AnyDb) -> None:
    migrate(db, "knowledge", MIGRATIONS)


# --- splitting ------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+\S")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BULLET = re.compile(r"^[\s•\-*·]+")


def _blocks(text: str) -> list[str]:
    """Paragraphs: runs of non-blank lines, whitespace inside folded."""
    return [re.sub(r"\s*\n\s*", " ", b).strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def _is_heading(blocks: list[str], i: int) -> bool:
    block = blocks[i]
    if _MD_HEADING.match(block):
        return True
    if len(block) > MAX_HEADING_CHARS or i + 1 >= len(blocks):
        return False
    if not block.rstrip().endswith((".", "?", "!", ":", '"')):
        return True
    # A short sentence standing alone before a longer paragraph (or before another
    # heading) introduces it.
    nxt = blocks[i + 1]
    return len(block) < 60 and (len(nxt) > 2 * len(block) or _is_heading(blocks, i + 1))


def _heading_label(block: str) -> str:
    return _BULLET.sub("", _MD_HEADING.sub("", block)).strip()


def _numbered_section(block: str) -> str:
    """'2. Never use professional terms. As a CIO...' -> '2. Never use professional terms'."""
    first = re.split(r"(?<=[.!?])\s", block[3:], maxsplit=1)[0]
    return (block[:3] + first).rstrip(".").strip()


def title_of(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return _heading_label(line)[:200] or fallback
    return fallback


def split_passages(text: str) -> Iterator[Passage]:
    """Headings join the paragraph they introduce; the title line itself is skipped."""
    blocks = _blocks(text)[1:]  # the first block is the title
    pending: list[str] = []
    section = ""
    ord_ = 0
    for i, block in enumerate(blocks):
        if _is_heading(blocks, i):
            label = _heading_label(block)
            if label and label.lower() != "detail":
                if not pending:  # the first of a run of headings names the section
                    section = label
                pending.append(label)
            continue
        if _NUMBERED.match(block):
            section = _numbered_section(block)
        ord_ += 1
        yield Passage(ord=ord_, section=section, text="\n".join([*pending, block]))
        pending = []
    if pending:  # trailing headings with no paragraph still hold words worth finding
        ord_ += 1
        yield Passage(ord=ord_, section=section, text="\n".join(pending))


def locator(title: str, section: str, ord_: int) -> str:
    parts = [title] + ([section] if section and section != title else []) + [f"¶{ord_}"]
    return " › ".join(parts)


# --- indexing -------------------------------------------------------------------------

def source_files(knowledge_dir: Path) -> list[Path]:
    if not knowledge_dir.is_dir():
        return []
    return sorted(p for p in knowledge_dir.iterdir()
                  if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
                  and not p.name.startswith("."))


def _read_source(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")


def encode_sentences(text: str, stop: frozenset[str]) -> str:
    """One line per sentence: "start end stem stem ..." (content stems only)."""
    return "\n".join(f"{a} {b} {' '.join(content_stems(text[a:b], stop))}".rstrip()
                     for a, b in split_sentences(text))


def decode_sentences(encoded: str) -> list[tuple[int, int, list[str]]]:
    out = []
    for line in encoded.split("\n"):
        a, b, *rest = line.split(" ")
        out.append((int(a), int(b), rest))
    return out


def _index_document(db: sqlite_utils.Database, path: Path, sha: str) -> None:
    stop = stopwords(path.parent)
    text = _read_source(path)
    title = title_of(text, path.stem)
    stat = path.stat()
    _remove_passages(db, path.name)
    db["documents"].upsert({"source": path.name, "title": title, "sha256": sha,
                            "size": stat.st_size, "mtime": stat.st_mtime,
                            "indexed_at": time.time(), "index_version": INDEX_VERSION},
                           pk="source")
    rows = [{"source": path.name, "ord": p.ord, "title": title, "section": p.section,
             "locator": locator(title, p.section, p.ord), "text": p.text,
             "stems": " ".join(stems(p.text)), "sentences": encode_sentences(p.text, stop)}
            for p in split_passages(text)]
    db["passages"].insert_all(rows)
    _add_frequencies(db, (r["stems"] for r in rows), +1)


_DOC_COLUMNS = ("source", "sha256", "size", "mtime", "index_version")


def _unchanged(row: dict | None, path: Path) -> bool | None:
    """True/False when size+mtime decide it; None when the hash must be compared."""
    if row is None or row["index_version"] != INDEX_VERSION:
        return False
    stat = path.stat()
    if row["size"] == stat.st_size and row["mtime"] == stat.st_mtime:
        return True
    return None


def _known_documents(conn) -> dict[str, dict]:
    return {row[0]: dict(zip(_DOC_COLUMNS, row, strict=True)) for row in conn.execute(
        f"SELECT {', '.join(_DOC_COLUMNS)} FROM documents")}


def _pending(files: dict[str, Path], known: dict[str, dict]) -> tuple[list[Path], list[str]]:
    todo = [p for name, p in files.items() if _unchanged(known.get(name), p) is not True]
    return todo, [name for name in known if name not in files]


def ensure_index(db: AnyDb, knowledge_dir: Path,
                 progress: Callable[[int, int, str], None] | None = None) -> IndexReport:
    """Bring the index up to date with the knowledge folder; cheap when nothing changed
    (a stat per file and one query on the plain connection). `progress(done, total,
    name)` is called before each file that has to be read."""
    started = time.perf_counter()
    ensure_schema(db)
    conn = raw_connection(db)
    files = {p.name: p for p in source_files(knowledge_dir)}
    known = _known_documents(conn)
    added: list[str] = []
    updated: list[str] = []
    removed: list[str] = []
    if any(_pending(files, known)):
        with schema_lock(db):
            known = _known_documents(conn)  # another process may have indexed meanwhile
            todo, removed = _pending(files, known)
            udb = as_database(db)
            with udb.conn:
                for done, path in enumerate(todo):
                    if progress:
                        progress(done, len(todo), path.name)
                    sha = hashlib.sha256(path.read_bytes()).hexdigest()
                    row = known.get(path.name)
                    if row and row["sha256"] == sha and row["index_version"] == INDEX_VERSION:
                        stat = path.stat()  # touched, not changed: remember the new mtime
                        udb["documents"].update(path.name, {"mtime": stat.st_mtime,
                                                            "size": stat.st_size})
                        continue
                    _index_document(udb, path, sha)
                    (updated if row else added).append(path.name)
                for name in removed:
                    _remove_passages(udb, name)
                    udb["documents"].delete(name)
                _update_stats(udb)
    documents, passages = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM passages)").fetchone()
    return IndexReport(documents=documents, passages=passages, added=added, updated=updated,
                       removed=removed, seconds=time.perf_counter() - started)
