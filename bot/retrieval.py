"""Finding the passages that answer a question, and deciding whether the texts cover it.

Two signals, fused (bench/bench_answers.py measures what each adds):
- lexical (`bot.lexical`): the question's words and related terms, BM25, sentence
  coverage, section headings;
- semantic: all-MiniLM-L6-v2 vectors (`bot.embedding`) of the whole post against each
  passage, its two best sentences and the questions it answers (kept as data beside the
  texts), and of the post's ask sentences (`bot.asks`) against each passage's takeaway.
  The semantic score is the weighted mean of the cosines a passage has; the lexical
  score, normalised to the best candidate's, is added with a smaller weight. The weights
  were chosen on tests/data/questions_real.jsonl and the development set (a grid over
  them; every setting near the chosen one scores within a question of it), and checked on
  questions_real2.jsonl; the blind sets were not used.

Scope is decided by what is asked, not by how many of the texts' words a post uses: the
ask is declined when it is nearer to an ask the texts do not answer (pay, certifications,
vendor choice, ...: `knowledge/retrieval/out-of-scope.tsv`) than to anything the texts
say or to a question their passages answer, or when nothing in the texts is near the post
at all. Without an embedding model the lexical coverage rule decides, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from bot.asks import Ask, read_ask
from bot.embedding import EmbeddingUnavailable, load_embedder
from bot.knowledge import KnowledgeIndex, Vectors
from bot.lexical import Concept, LexicalHit, LexicalResult, LexicalSearch, LexicalSignals
from bot.passage_model import passage_model
from bot.scope import Said, ScopeModel, scope_model
from bot.text import squash

CANDIDATES = 60
MIN_SENTENCE_WORDS = 5
_ELISION = re.compile(r"\.\.\.|…|↓")
# The semantic score is the weighted mean of a passage's cosines; the lexical one is added.
W_PASSAGE, W_SENTENCES, W_TAKEAWAY, W_QUESTION = 1.0, 1.0, 1.0, 1.5
W_LEXICAL = 0.22
# The passage model's score (about -1 to 1), added to the fused score: enough to order
# passages the similarities find nearly alike, too little to lift a far one. Chosen
# leaving one real-style set out at a time (scripts/train_passage_classifier.py).
W_LEARNED = 0.05
TOP_SENTENCES = 2


@dataclass(frozen=True)
class Signals:
    """Which signals to combine; all on in production, switched off one by one in bench/."""

    lexical: LexicalSignals = LexicalSignals()
    semantic: bool = True
    focus: bool = True  # the ask sentences weigh on their own
    questions: bool = True  # the questions each passage answers (data beside the texts)
    scope: bool = True  # off: every question with a match is answered
    scope_classifier: bool = True  # the learned judge of scope beside the nearest-neighbour rule
    passage_model: bool = True  # the learned judge of which passage a question is about


@dataclass
class SentenceScore:
    start: int
    end: int
    score: float  # how well this sentence answers the question (for quoting)
    quotable: bool = True  # not a heading or a cut fragment


@dataclass
class Hit:
    passage_id: int
    source: str
    title: str
    section: str
    locator: str
    text: str
    takeaway: str
    quotable: bool
    score: float = 0.0
    lexical: float = 0.0
    semantic: float = 0.0
    sentences: list[SentenceScore] = field(default_factory=list)  # best first


@dataclass
class SearchResult:
    question: str
    ask: Ask
    concepts: list[Concept]
    hits: list[Hit]  # best first
    in_scope: bool = True
    decline_reason: str = ""  # "off_topic", "unrelated", "no_match"
    not_covered: list[str] = field(default_factory=list)  # asks of the post left unanswered

    @property
    def confident(self) -> bool:
        return self.in_scope and bool(self.hits)


@dataclass
class _Query:
    ask: Ask
    full: np.ndarray | None  # the whole post's vector
    focus: np.ndarray | None  # the ask sentences' vector


class Retriever:
    """Searches one index; cheap to create (the embedding model loads once per process)."""

    def __init__(self, index: KnowledgeIndex, signals: Signals = Signals()) -> None:
        self.index = index
        self.knowledge_dir = index.knowledge_dir
        self.signals = signals
        self.lexical = LexicalSearch(index, signals.lexical)

    def search(self, question: str, k: int = 5) -> SearchResult:
        ask = read_ask(question, self.knowledge_dir)
        lexical = self.lexical.search(question, k=CANDIDATES)
        vectors = self.index.vectors() if self.signals.semantic else None
        query = self._embed(ask, vectors)
        if query.full is None or vectors is None:
            return self._lexical_only(question, ask, lexical, k)
        rows = self._candidates(query, lexical, vectors)
        sentence_vectors = self.index.sentence_vectors(list(rows))
        hits = self._fused(query, lexical, vectors, rows, sentence_vectors)[:k]
        for hit in hits:
            _judge_quotable(hit)
        result = SearchResult(question, ask, lexical.concepts, hits)
        if self.signals.scope:
            self._decide_scope(result, query, self._said(vectors, sentence_vectors, hits))
        return result

    def _said(self, vectors: Vectors, sentence_vectors: dict[int, np.ndarray],
              hits: list[Hit]) -> Said:
        """What the texts say and answer near this question: the takeaways, the questions
        the passages answer (ask against ask, as the unanswered side is), and the best
        passages' sentences."""
        answered = vectors.question if self.signals.questions else vectors.question[:0]
        statements = [vectors.takeaway, *(sentence_vectors[h.passage_id] for h in hits
                                          if h.passage_id in sentence_vectors)]
        return Said(statements, answered)

    # --- embedding --------------------------------------------------------------------

    def _embed(self, ask: Ask, vectors: Vectors | None) -> _Query:
        if vectors is None:
            return _Query(ask, None, None)
        try:
            embedder = load_embedder()
        except EmbeddingUnavailable:
            return _Query(ask, None, None)
        if ask.focus == ask.text or not self.signals.focus:
            full = embedder.encode([ask.text])[0]
            return _Query(ask, full, full)
        full, focus = embedder.encode([ask.text, ask.focus])
        return _Query(ask, full, focus)

    # --- ranking ----------------------------------------------------------------------

    def _candidates(self, query: _Query, lexical: LexicalResult, vectors: Vectors
                    ) -> dict[int, dict]:
        """Lexical candidates plus the passages nearest in meaning."""
        rows = {h.passage_id: h.row for h in lexical.hits}
        near = vectors.nearest_passages(query.full, CANDIDATES)
        missing = [int(vectors.passage_ids[i]) for i in near
                   if int(vectors.passage_ids[i]) not in rows]
        rows.update((r["id"], r) for r in self.index.passages_by_id(missing))
        return rows

    def _fused(self, query: _Query, lexical: LexicalResult, vectors: Vectors,
               rows: dict[int, dict], sentence_vectors: dict[int, np.ndarray]) -> list[Hit]:
        lexical_scores = {h.passage_id: h.score for h in lexical.hits}
        best_lexical = max(lexical_scores.values(), default=0.0) or 1.0
        ids = np.fromiter(rows, np.int64, len(rows))
        no_questions = np.full(len(ids), np.nan)
        per_passage = [  # (weight, cosine per candidate; NaN where the passage has none)
            (W_PASSAGE, vectors.passage_similarity(ids, query.full)),
            (W_TAKEAWAY, vectors.takeaway_similarity(ids, query.focus)),
            (W_QUESTION, vectors.question_similarity(ids, query.full)
             if self.signals.questions else no_questions)]
        learned = self._learned(query, vectors.model)
        hits = []
        for n, (pid, row) in enumerate(rows.items()):
            if not row["quotable"]:
                continue
            sentences = _sentence_scores(row, sentence_vectors.get(pid), query)
            sentence_score = _top_quotable_mean(row, sentences, TOP_SENTENCES)
            semantic = _weighted_mean([(W_SENTENCES, sentence_score),
                                       *((w, float(x[n])) for w, x in per_passage)])
            lex = lexical_scores.get(pid, 0.0) / best_lexical
            score = semantic + W_LEXICAL * lex + learned(row)
            hits.append(_hit(row, score, lex, semantic, sentences))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    def _learned(self, query: _Query, embedding_model: str) -> Callable[[dict], float]:
        """The passage model's weighted score per passage row (0 without a model)."""
        model = passage_model(self.index, embedding_model) if self.signals.passage_model \
            else None
        if model is None:
            return lambda row: 0.0
        scores = model.scores(query.full, query.focus)

        def learned(row: dict) -> float:
            column = model.column(row)
            return 0.0 if column is None else W_LEARNED * float(scores[column])

        return learned

    def _one_ask_covered(self, model: ScopeModel, query: _Query, said: Said,
                         best: float) -> tuple[str, list[str]]:
        """"Which module goes first? Also, is premium support worth it?": a post with
        several asks is answered when one of them, judged alone, is covered. Returns the
        decline reason ("" to answer) and the asks left unanswered."""
        vectors = load_embedder().encode(list(query.ask.asks))
        covered, not_covered = False, []
        for text, vector in zip(query.ask.asks, vectors, strict=True):
            one = replace(query.ask, focus=text)
            if model.is_vague(one):
                continue
            if model.decline_reason(one, query.full, vector, said, best=best,
                                    learned=self.signals.scope_classifier):
                not_covered.append(text)
            else:
                covered = True
        return ("", not_covered) if covered else ("off_topic", [])

    def _lexical_only(self, question: str, ask: Ask, lexical: LexicalResult,
                      k: int) -> SearchResult:
        hits = [_hit(h.row, h.score, h.score, 0.0,
                     [SentenceScore(s.start, s.end, s.coverage, is_quotable(
                         h.text, h.section, s.start, s.end)) for s in h.sentences])
                for h in lexical.hits if h.row.get("quotable", True)]
        result = SearchResult(question, ask, lexical.concepts, hits[:k])
        if self.signals.scope and not lexical.confident:
            result.in_scope, result.decline_reason = False, "no_match"
        return result

    # --- scope ------------------------------------------------------------------------

    def _decide_scope(self, result: SearchResult, query: _Query,
                      said: Said) -> None:
        """`said`: what the texts say and answer near this question (`_said`)."""
        model: ScopeModel = scope_model(self.index)
        best = max((h.semantic for h in result.hits), default=0.0)
        reason = model.decline_reason(query.ask, query.full, query.focus, said, best=best,
                                      learned=self.signals.scope_classifier)
        if reason == "off_topic" and len(query.ask.asks) > 1:
            reason, result.not_covered = self._one_ask_covered(model, query, said, best)
        if reason or not result.hits:
            result.in_scope, result.decline_reason = False, reason or "no_match"


def _weighted_mean(parts: list[tuple[float, float]]) -> float:
    """Mean of the cosines a passage has (a passage of a text without takeaways or
    questions is judged on the others)."""
    present = [(w, x) for w, x in parts if not np.isnan(x)]
    total = sum(w for w, _ in present)
    return sum(w * x for w, x in present) / total if total else 0.0


def _top_quotable_mean(row: dict, sentences: list[SentenceScore], n: int) -> float:
    """Mean score of the `n` best quotable sentences (of the best ones when none is
    quotable). Sentences come best first, so quotability is judged only until `n` are
    found: judging every sentence of every candidate cost milliseconds at scale."""
    best: list[float] = []
    for sentence in sentences:
        sentence.quotable = is_quotable(row["text"], row["section"], sentence.start,
                                        sentence.end)
        if sentence.quotable:
            best.append(sentence.score)
            if len(best) == n:
                break
    best = best or [s.score for s in sentences[:n]]
    return sum(best) / len(best) if best else 0.0


def _judge_quotable(hit: Hit) -> None:
    for sentence in hit.sentences:
        sentence.quotable = is_quotable(hit.text, hit.section, sentence.start, sentence.end)


def _sentence_scores(row: dict, matrix: np.ndarray | None, query: _Query
                     ) -> list[SentenceScore]:
    """Each sentence's relevance, best first (for ranking and for choosing the quote);
    quotability is judged later, where it is needed."""
    spans = [(int(a), int(b)) for a, b, *_ in
             (line.split(" ", 2) for line in (row["sentences"] or "").split("\n") if line)]
    if matrix is None or len(matrix) != len(spans):
        scores = np.zeros(len(spans))
    else:
        scores = matrix @ query.full
    scored = [SentenceScore(a, b, float(x)) for (a, b), x in zip(spans, scores, strict=True)]
    return sorted(scored, key=lambda s: s.score, reverse=True)


def _is_heading(text: str, section: str, start: int, end: int) -> bool:
    """A heading line above the paragraph, or the paragraph's own numbered title."""
    if end <= text.rfind("\n") + 1:
        return True
    label = squash(text[start:end]).rstrip(".:").lower()
    return bool(section) and label == section.rstrip(".").lower()


def is_quotable(text: str, section: str, start: int, end: int) -> bool:
    """A whole sentence of the paragraph: not a heading, not a cut fragment, not a stub."""
    sentence = text[start:end]
    return (not _is_heading(text, section, start, end) and not _ELISION.search(sentence)
            and len(sentence.split()) >= MIN_SENTENCE_WORDS)


def _hit(row: dict, score: float, lexical: float, semantic: float,
         sentences: list[SentenceScore]) -> Hit:
    return Hit(passage_id=row["id"], source=row["source"], title=row["title"],
               section=row["section"], locator=row["locator"], text=row["text"],
               takeaway=row.get("takeaway", ""), quotable=bool(row.get("quotable", True)),
               score=score, lexical=lexical, semantic=semantic, sentences=sentences)


__all__ = ["Hit", "LexicalHit", "Retriever", "SearchResult", "SentenceScore", "Signals"]
