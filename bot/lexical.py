"""The lexical signals: which passages share the question's words (or related ones).

Signals, combined (bench/bench_retrieval.py measures what each adds):
- stemmed words, stop words removed, weighted by IDF (document frequencies kept by the
  indexer) times their specificity in general English (everyday words weigh less);
- related terms (`knowledge/retrieval/related-terms.tsv`): a question word also matches
  passages that use a related word, at a lower weight;
- passage-level BM25 over those concepts, and sentence-level coverage (how much of the
  question one sentence of the passage covers), plus the section heading.

Candidates come from the FTS5 index, matched on the question's selective words only, so
a query stays fast on a large knowledge base.

`LexicalResult.confident` says whether the best passage covers enough of the question's
weight; retrieval falls back to it for scope when no embedding model is installed.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.knowledge import KnowledgeIndex, decode_sentences
from bot.text import (
    content_stems,
    load_word_list,
    retrieval_data,
    stem,
    stopwords,
    words,
    zipf_of,
)

RELATED_WEIGHT = 0.6
K1, B = 1.2, 0.75
CANDIDATES = 60
MIN_COVERAGE = 0.22
W_PASSAGE, W_COVERAGE, W_SENTENCE, W_SECTION = 0.9, 0.3, 0.45, 0.10
PAIR_DISCOUNT = 0.85
RERANK = 20  # passages that get sentence-level scoring
# Candidate selection reads at most this many postings (share of the passages, floor).
POSTINGS_SHARE, POSTINGS_FLOOR = 0.01, 1000


@dataclass(frozen=True)
class Concept:
    """One content word of the question and the related terms that may stand for it."""

    stem: str
    related: tuple[tuple[str, ...], ...]  # each alternative: the stems that must all appear
    specificity: float = 1.0  # 1 for rare words, down to 0.2 for everyday ones ("take")

    single: frozenset[str] = field(init=False, repr=False, compare=False)
    multi: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Split once: matching runs for every sentence of every candidate passage.
        object.__setattr__(self, "single",
                           frozenset(alt[0] for alt in self.related if len(alt) == 1))
        object.__setattr__(self, "multi", tuple(alt for alt in self.related if len(alt) > 1))


def specificity(word: str, knowledge_dir: Path) -> float:
    """How much a word says about a topic, from its frequency in general English.

    Everyday words ("good", "take", "keep") are weak evidence both ways: their absence
    from a passage must not sink an in-scope question, and their presence must not
    carry an out-of-scope one. Words missing from the list are rare: full weight.
    """
    zipf = zipf_of(word, knowledge_dir)
    return min(1.0, max(0.2, (6.5 - zipf) / 2.5))


@dataclass
class Sentence:
    start: int
    end: int
    coverage: float


@dataclass
class LexicalHit:
    passage_id: int
    source: str
    title: str
    section: str
    locator: str
    text: str
    score: float = 0.0
    coverage: float = 0.0  # share of the question's weight this passage covers
    sentences: list[Sentence] = field(default_factory=list)  # best first
    row: dict = field(default_factory=dict, repr=False)  # the passage as the index gave it


@dataclass
class LexicalResult:
    question: str
    concepts: list[Concept]
    hits: list[LexicalHit]  # best first

    @property
    def confident(self) -> bool:
        return bool(self.hits) and self.hits[0].coverage >= MIN_COVERAGE


# --- related terms ----------------------------------------------------------------------

def _member_stems(member: str, stop: frozenset[str]) -> tuple[str, ...]:
    return tuple(s for s in (stem(w) for w in words(member)) if s not in stop)


@lru_cache(maxsize=4)
def related_groups(knowledge_dir: Path) -> tuple[tuple[tuple[str, ...], ...], ...]:
    path = retrieval_data(knowledge_dir, "related-terms.tsv")
    if not path.is_file():
        return ()
    stop = stopwords(knowledge_dir)
    groups = []
    for line in load_word_list(path):
        members = {_member_stems(m, stop) for m in line.split(",")}
        members.discard(())
        if len(members) > 1:
            groups.append(tuple(sorted(members)))
    return tuple(groups)


@lru_cache(maxsize=4)
def _groups_by_stem(knowledge_dir: Path) -> dict[str, list[tuple[tuple[str, ...], ...]]]:
    """Each stem's related-term groups (those with a member using it)."""
    by_stem: dict[str, list[tuple[tuple[str, ...], ...]]] = {}
    for group in related_groups(knowledge_dir):
        for s in dict.fromkeys(s for member in group for s in member):
            by_stem.setdefault(s, []).append(group)
    return by_stem


def _contains(seq: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(seq[i:i + n]) == phrase for i in range(len(seq) - n + 1))


def concepts_of(question: str, knowledge_dir: Path) -> list[Concept]:
    stop = stopwords(knowledge_dir)
    spec: dict[str, float] = {}
    q = []
    for w in words(question):
        s = stem(w)
        if s in stop or w in stop:
            continue
        q.append(s)
        spec[s] = min(spec.get(s, 1.0), specificity(w, knowledge_dir))
    groups = _groups_by_stem(knowledge_dir)
    concepts = []
    for s in dict.fromkeys(q):
        alternatives: set[tuple[str, ...]] = set()
        for group in groups.get(s, ()):
            if any(s in member and _contains(q, member) for member in group):
                alternatives.update(m for m in group if s not in m)
        concepts.append(Concept(s, tuple(sorted(alternatives)), spec[s]))
    return concepts


# --- scoring ----------------------------------------------------------------------------

@dataclass(frozen=True)
class LexicalSignals:
    """Which signals to combine; all on in production, switched off one by one in bench/."""

    related: bool = True
    specificity: bool = True
    sentences: bool = True
    section: bool = True


class LexicalSearch:
    """Scores the passages an index hands it; cheap to create, holds no state of its own."""

    def __init__(self, index: KnowledgeIndex, signals: LexicalSignals = LexicalSignals()):
        self.index = index
        self.knowledge_dir = index.knowledge_dir
        self.signals = signals
        self.stop = index.stop

    def _candidates(self, terms: set[str], df: dict[str, int], n: int) -> list[dict]:
        """Passages that contain the question's most selective words, FTS5's BM25 first.

        Ranking every passage that contains a common word (the likes of "CIO") is what
        costs time in a large corpus, and such a word cannot lift a passage that lacks the
        rarer ones anyway: words join the match rarest first, within a budget of postings.
        """
        budget = max(POSTINGS_FLOOR, POSTINGS_SHARE * n)
        chosen: list[str] = []
        postings = 0
        for term in sorted((t for t in terms if df.get(t)), key=df.__getitem__):
            if len(chosen) >= 2 and postings + df[term] > budget:
                break
            chosen.append(term)
            postings += df[term]
        return self.index.candidates(chosen, CANDIDATES)

    def concepts(self, question: str) -> list[Concept]:
        concepts = concepts_of(question, self.knowledge_dir)
        if not self.signals.related:
            concepts = [Concept(c.stem, (), c.specificity) for c in concepts]
        if not self.signals.specificity:
            concepts = [Concept(c.stem, c.related, 1.0) for c in concepts]
        return concepts

    def search(self, question: str, k: int = 5) -> LexicalResult:
        concepts = self.concepts(question)
        terms = {c.stem for c in concepts} | {s for c in concepts for alt in c.related for s in alt}
        if not terms:
            return LexicalResult(question, concepts, [])
        stats = self.index.stats()
        n, avg_len = stats.passages, stats.avg_stems
        df = self.index.document_frequencies(terms)
        weights = {c.stem: _idf(df.get(c.stem, 0), n) * c.specificity for c in concepts}
        query = _Query(concepts, weights, sum(weights.values()) or 1.0, avg_len)
        scored = [self._score(row, query) for row in self._candidates(terms, df, n)]
        # Sentence-level scoring is the dearer part: only for the passage-level best.
        scored.sort(key=lambda pair: pair[0].score, reverse=True)
        hits = [self._rescore(hit, row, query) for hit, row in scored[:RERANK]]
        hits.sort(key=lambda h: h.score, reverse=True)
        for hit in hits[:k]:
            hit.sentences = sorted(hit.sentences, key=lambda s: s.coverage, reverse=True)
        return LexicalResult(question, concepts, hits[:k])

    def _score(self, row: dict, q: _Query) -> tuple[LexicalHit, dict]:
        tokens = row["stems"].split()
        tf = Counter(tokens)
        norm = K1 * (1 - B + B * len(tokens) / q.avg_len)
        bm25 = covered = 0.0
        for c in q.concepts:
            count, strength = _match(c, tf)
            if strength:
                w = q.weights[c.stem] * strength
                covered += w
                bm25 += w * count * (K1 + 1) / (count + norm)
        coverage = covered / q.total
        score = W_PASSAGE * bm25 / (q.total * (K1 + 1)) + W_COVERAGE * coverage
        if self.signals.section:
            section = _section_stems(row["section"], self.stop)
            score += W_SECTION * sum(q.weights[c.stem] for c in q.concepts
                                     if c.stem in section) / q.total
        return LexicalHit(passage_id=row["id"], source=row["source"], title=row["title"],
                   section=row["section"], locator=row["locator"], text=row["text"],
                   score=score, coverage=coverage, row=row), row

    def _rescore(self, hit: LexicalHit, row: dict, q: _Query) -> LexicalHit:
        sents = decode_sentences(row["sentences"]) if row["sentences"] else []
        per_sentence = [_strengths(st, q) for _, _, st in sents]
        hit.sentences = [Sentence(a, b, _coverage(x, q))
                         for (a, b, _), x in zip(sents, per_sentence, strict=True)]
        if self.signals.sentences:
            hit.score += W_SENTENCE * _best_sentence_coverage(per_sentence, q)
        return hit


@dataclass
class _Query:
    concepts: list[Concept]
    weights: dict[str, float]
    total: float
    avg_len: float


@lru_cache(maxsize=8192)
def _section_stems(section: str, stop: frozenset[str]) -> frozenset[str]:
    return frozenset(content_stems(section, stop))


def _idf(doc_freq: int, n: int) -> float:
    return math.log(1 + (n - doc_freq + 0.5) / (doc_freq + 0.5))


def _match(c: Concept, tf: Counter) -> tuple[int, float]:
    """How often, and how strongly (1 own word, RELATED_WEIGHT a related one), c appears."""
    own = tf.get(c.stem)
    if own:
        return own, 1.0
    best = max((tf[s] for s in c.single if s in tf), default=0)
    for alt in c.multi:
        if all(s in tf for s in alt):
            best = max(best, min(tf[s] for s in alt))
    return (best, RELATED_WEIGHT) if best else (0, 0.0)


def _strength(c: Concept, present: set[str] | frozenset[str]) -> float:
    """1 when the question's own word is present, RELATED_WEIGHT for a related one."""
    if c.stem in present:
        return 1.0
    if not c.single.isdisjoint(present) or any(present.issuperset(alt) for alt in c.multi):
        return RELATED_WEIGHT
    return 0.0


def _strengths(stems_: list[str], q: _Query) -> list[float]:
    present = set(stems_)
    return [_strength(c, present) for c in q.concepts]


def _coverage(strengths: list[float], q: _Query) -> float:
    """Share of the question's weight that these per-concept strengths cover."""
    return sum(q.weights[c.stem] * x for c, x in zip(q.concepts, strengths, strict=True)) / q.total


def _best_sentence_coverage(per_sentence: list[list[float]], q: _Query) -> float:
    best = 0.0
    for i, strengths in enumerate(per_sentence):
        best = max(best, _coverage(strengths, q))
        if i + 1 < len(per_sentence):  # an idea often spans two sentences
            pair = [max(a, b) for a, b in zip(strengths, per_sentence[i + 1], strict=True)]
            best = max(best, PAIR_DISCOUNT * _coverage(pair, q))
    return best
