"""Context cues that decide whether a word with an everyday sense is used in its IT sense."""

from __future__ import annotations

from collections.abc import Iterable

from bot.jargon.terms import SenseCue


class CueSet:
    """The context cues of one term, indexed for quick look-up.

    Strong cues (the words right before or after) decide when one sense has more of
    them; otherwise weak cues (words near by in the same sentence) are counted.
    A trailing * in a cue matches any ending.
    """

    def __init__(self, cues: Iterable[SenseCue]) -> None:
        self.prev: dict[tuple[str, ...], int] = {}
        self.next: dict[tuple[str, ...], int] = {}
        self.prev_prefix: list[tuple[str, int]] = []
        self.next_prefix: list[tuple[str, int]] = []
        self.near_words: dict[str, int] = {}
        self.near_prefix: dict[int, tuple[str, ...]] = {1: (), -1: ()}
        self.near_phrases: list[tuple[str, int]] = []
        for cue in cues:
            vote = 1 if cue.sense == "tech" else -1
            words = cue.cue
            if cue.where in ("prev", "next"):
                exact = self.prev if cue.where == "prev" else self.next
                if len(words) == 1 and words[0].endswith("*"):
                    prefixes = self.prev_prefix if cue.where == "prev" else self.next_prefix
                    prefixes.append((words[0][:-1], vote))
                else:
                    exact[words] = exact.get(words, 0) + vote
            elif len(words) > 1:
                self.near_phrases.append((" " + " ".join(words).replace("*", ""), vote))
            elif words[0].endswith("*"):
                self.near_prefix[vote] += (words[0][:-1],)
            else:
                self.near_words[words[0]] = self.near_words.get(words[0], 0) + vote
        self.prev_sizes = sorted({len(k) for k in self.prev})
        self.next_sizes = sorted({len(k) for k in self.next})

    def __bool__(self) -> bool:
        return bool(self.prev or self.next or self.prev_prefix or self.next_prefix
                    or self.near_words or any(self.near_prefix.values()) or self.near_phrases)

    def strong(self, low: list[str], lo: int, i: int, j: int, hi: int) -> int:
        """Positive: technical, negative: everyday, 0: undecided."""
        score = 0
        for size in self.prev_sizes:
            if i - size >= lo:
                score += self.prev.get(tuple(low[i - size:i]), 0)
        for size in self.next_sizes:
            if j + size <= hi:
                score += self.next.get(tuple(low[j:j + size]), 0)
        if i > lo:
            score += sum(v for p, v in self.prev_prefix if low[i - 1].startswith(p))
        if j < hi:
            score += sum(v for p, v in self.next_prefix if low[j].startswith(p))
        return score

    def weak(self, window: list[str]) -> int:
        words = self.near_words
        score = sum(words.get(w, 0) for w in set(window))
        tech, plain = self.near_prefix[1], self.near_prefix[-1]
        for w in window:
            if tech and w.startswith(tech):
                score += 1
            if plain and w.startswith(plain):
                score -= 1
        if self.near_phrases:
            joined = " " + " ".join(window)
            score += sum(v for phrase, v in self.near_phrases if phrase in joined)
        return score
