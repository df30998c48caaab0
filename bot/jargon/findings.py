"""What a scan reports: findings with their spans, and the scan that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Finding:
    start: int
    end: int
    term: str  # the text as written
    kind: str  # term, buzzword, team, acronym
    suggestion: str
    explanation: str
    severity: str
    uncertain: bool = False  # decided by a weak context cue or a default
    entry: str = ""  # the list entry it matched
    category: str = ""
    tag: str = ""  # inflection of the matched form
    word: int = 0
    pos: str = "n"
    canonical: bool = True
    alternatives: tuple[str, ...] = ()  # every plain alternative, the suggestion first

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "term": self.term, "kind": self.kind,
                "suggestion": self.suggestion, "explanation": self.explanation,
                "severity": self.severity, "uncertain": self.uncertain, "entry": self.entry,
                "category": self.category}


@dataclass(slots=True)
class Scan:
    """What one pass over a text found, before reporting."""

    text: str
    prose: str  # text with markup masked, same length
    words: int
    findings: list[Finding] = field(default_factory=list)
    considered: list[Finding] = field(default_factory=list)  # dropped on weak evidence
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sentence_words: list[int] = field(default_factory=list)  # words in each sentence
    word_list: list[str] | None = None  # the prose's words
    audience: str = "general"
