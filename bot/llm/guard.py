"""Guards: nothing a model writes reaches a user unless it passes these checks.

`check_answer` (grounding guard) and `check_rewrite` (rewrite guard) return None when
the text passes, otherwise a short reason ("no citation", "repetitive", ...) that is
shown in `cio-coach ask --json` as `"guard"` and logged. `StreamWatch` applies the
cheap checks while a model is still writing, so a degenerate answer is stopped early.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable

from bot.errors import CioCoachError
from bot.llm.base import OnText
from bot.text import sentences

log = logging.getLogger("cio_coach.llm")

ANSWER_MAX_CHARS = 1500

CITATION = re.compile(r"\[(\d+(?:\s*(?:[,;]|–|-|and)\s*\d+)*)\]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_TRAILING_DECORATION = re.compile(r"(?:\s|\[[\d,;\s–-]+\]|[)\"'”’*_»])+$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_COMPLETE_ENDING = tuple(".!?…:")
REPEATED_NGRAM = 5  # words
REPEATED_NGRAM_TIMES = 3
MIN_REPEATED_WORDS = 3  # a line or sentence this long must not appear twice


class GuardRejected(CioCoachError):
    """Raised while streaming when the text already fails a guard; str() is the reason."""


def cited_passages(text: str) -> list[int]:
    """Passage numbers cited as [n], [n, m] or [n-m], in order of first citation."""
    seen: dict[int, None] = {}
    for match in CITATION.finditer(text):
        for number in _expand(match.group(1)):
            seen.setdefault(number, None)
    return list(seen)


def _expand(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and)\s*", group):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and int(bounds[0]) < int(bounds[1]) <= int(bounds[0]) + 20:
            numbers.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            numbers.extend(int(b) for b in bounds)
    return numbers


def _words(text: str) -> list[str]:
    return _WORD.findall(CITATION.sub(" ", text).lower())


def _has_repeated_units(units: Iterable[str]) -> bool:
    counts = Counter(" ".join(_words(u)) for u in units)
    return any(n > 1 and len(key.split()) >= MIN_REPEATED_WORDS for key, n in counts.items())


def is_repetitive(text: str) -> bool:
    """Repeated lines or sentences, or the same phrase over and over."""
    if _has_repeated_units(text.splitlines()):
        return True
    if _has_repeated_units(sentences(text)):
        return True
    words = _words(text)
    ngrams = Counter(tuple(words[i:i + REPEATED_NGRAM])
                     for i in range(len(words) - REPEATED_NGRAM + 1))
    return any(n >= REPEATED_NGRAM_TIMES for n in ngrams.values())


def is_cut_off(text: str, finish_reason: str | None = None) -> bool:
    """Stopped by the token limit, or ends mid-sentence."""
    if finish_reason == "length":
        return True
    body = _TRAILING_DECORATION.sub("", text.strip())
    if not body:
        return True
    if body.endswith(_COMPLETE_ENDING):
        return False
    return not _LIST_ITEM.match(body.splitlines()[-1])


def check_answer(text: str, passages: int, *, finish_reason: str | None = None,
                 max_chars: int = ANSWER_MAX_CHARS) -> str | None:
    """Why a model answer over `passages` numbered passages must not be shown, or None."""
    if not text.strip():
        return "empty"
    if len(text) > max_chars:
        return "too long"
    if is_repetitive(text):
        return "repetitive"
    cited = cited_passages(text)
    unknown = [n for n in cited if not 1 <= n <= passages]
    if unknown:
        return f"cites unknown passage [{unknown[0]}]"
    if not cited:
        return "no citation"
    if is_cut_off(text, finish_reason):
        return "cut off"
    return None


class StreamWatch:
    """Wraps an `on_text` callback; raises GuardRejected as soon as the text so far is
    repetitive or too long, which stops the model (backends propagate the exception)."""

    CHECK_EVERY = 80  # characters

    def __init__(self, on_text: OnText | None = None, *, max_chars: int) -> None:
        self.on_text = on_text
        self.max_chars = max_chars
        self.text = ""
        self._checked_at = 0

    def __call__(self, piece: str) -> None:
        self.text += piece
        if len(self.text) > self.max_chars:
            raise GuardRejected("too long")
        if len(self.text) - self._checked_at >= self.CHECK_EVERY:
            self._checked_at = len(self.text)
            if is_repetitive(self.text):
                raise GuardRejected("repetitive")
        if self.on_text is not None:
            self._forward(piece)

    def _forward(self, piece: str) -> None:
        # A failing consumer (a Slack update, say) must not cost the answer itself.
        try:
            self.on_text(piece)
        except Exception:
            log.exception("streaming consumer failed; streaming stopped, answer continues")
            self.on_text = None


# --- rewrite guard -----------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
_DATE_WORDS = frozenset((
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday"))  # "may" left out: "May I..." opens sentences
_EXPLAINED_AFTER = re.compile(
    r"\s*(?:\(|,\s*(?:which|that|i\.e\.|meaning|or)\b|\s[–—-]\s|:\s)")


def _contains(text: str, token: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(token)}(?![\w])", text, re.IGNORECASE) is not None


def _contains_number(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", text) is not None


def _starts_sentence(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\"'“‘(")
    before = re.sub(r"(?:^|\n)\s*(?:[-*•]|\d+[.)])$", "\n", before)
    return not before or before[-1] in ".!?:;\n"


def kept_facts(draft: str, flagged_terms: Iterable[str]) -> tuple[list[str], list[str]]:
    """(numbers, names and dates) of the draft that a rewrite must keep.

    Names are capitalised words not at a sentence start, minus flagged terms (jargon
    acronyms are meant to go); month and weekday names count wherever they stand.
    """
    flagged_words = {w.lower() for term in flagged_terms for w in re.findall(r"[\w'’-]+", term)}
    numbers = list(dict.fromkeys(_NUMBER.findall(draft)))
    names: dict[str, None] = {}
    for match in _CAPITALISED.finditer(draft):
        word = match.group(0).rstrip("'’-")
        lower = word.lower()
        if lower in flagged_words or len(word) < 2 or any(c.isdigit() for c in word):
            continue
        if lower in _DATE_WORDS or not _starts_sentence(draft, match.start()):
            names.setdefault(word, None)
    return numbers, list(names)


def is_explained(text: str, term: str) -> bool:
    """Every use of `term` in `text` is followed by an explanation ("X (plain words)")."""
    uses = list(re.finditer(rf"(?<![\w]){re.escape(term)}(?![\w])", text, re.IGNORECASE))
    return bool(uses) and all(_EXPLAINED_AFTER.match(text, m.end()) for m in uses)


def check_rewrite(draft: str, rewrite: str, flagged_terms: Iterable[str],
                  still_flagged: Iterable[str], *, finish_reason: str | None = None) -> str | None:
    """Why a model rewrite of `draft` must not be offered, or None.

    `still_flagged`: terms the jargon check finds in the rewrite.
    """
    flagged = list(dict.fromkeys(flagged_terms))
    if not rewrite.strip():
        return "empty"
    if len(rewrite.strip()) > 2 * len(draft.strip()):
        return "too long"
    if is_repetitive(rewrite) and not is_repetitive(draft):
        return "repetitive"
    if finish_reason == "length":
        return "cut off"
    numbers, names = kept_facts(draft, flagged)
    for number in numbers:
        if not _contains_number(rewrite, number):
            return f"drops {number}"
    for name in names:
        if not _contains(rewrite, name):
            return f'drops "{name}"'
    remaining = {t.lower() for t in still_flagged}
    for term in flagged:
        if term.lower() in remaining and not is_explained(rewrite, term):
            return f"keeps jargon: {term}"
    return None
