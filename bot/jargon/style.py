"""Beyond single words: very long sentences and passive voice, and one verdict on the draft.

Style notes are kept apart from findings: they never change the exit status of
`cio-coach check` and are not counted as jargon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.jargon.findings import Finding
from bot.jargon.tokens import WORD_RE

LONG_SENTENCE_WORDS = 25
BE_FORMS = r"(?:am|is|are|was|were|be|been|being|get|gets|got|gotten)"
IRREGULAR_PARTICIPLES = (
    "done made taken given held sent built written shown seen found lost kept left set put run "
    "shut cut brought bought caught taught told sold paid laid met hit read known drawn driven "
    "broken chosen frozen spoken stolen forgotten begun hidden understood spent won split "
    "thrown grown blown rebuilt reset rerun withdrawn overridden undone upheld")
PASSIVE_RE = re.compile(
    rf"\b{BE_FORMS}\s+(?:(?:not|also|still|now|already|then|being|just|all|fully|"
    rf"automatically|\w+ly)\s+)?(?P<verb>[a-z]+ed|(?:{IRREGULAR_PARTICIPLES.replace(' ', '|')}))"
    r"\b(?!\s+(?:to|that)\b)")  # run on the lower-cased prose: faster than IGNORECASE
# adjectives that look like participles: "is based in Leeds", "are located", "is closed"
NOT_PASSIVE_WORDS = """based located closed interested supposed used tired pleased
concerned involved married excited worried surprised prepared qualified experienced detailed
limited advanced required expected scheduled delayed unaffected affected allowed needed
dedicated sized"""
NOT_PASSIVE = frozenset(NOT_PASSIVE_WORDS.split())


@dataclass(frozen=True, slots=True)
class StyleNote:
    kind: str  # "long sentence" or "passive voice"
    start: int
    end: int
    message: str
    words: int = 0

    def to_json(self) -> dict:
        data = {"kind": self.kind, "start": self.start, "end": self.end,
                "message": self.message}
        if self.words:
            data["words"] = self.words
        return data


def long_sentences(prose: str, sentences: list[tuple[int, int]],
                   counts: list[int] | None = None) -> list[StyleNote]:
    """Sentences over LONG_SENTENCE_WORDS words (`counts`: words per sentence, if known)."""
    notes = []
    for n, (start, end) in enumerate(sentences):
        count = counts[n] if counts else len(WORD_RE.findall(prose, start, end))
        if count > LONG_SENTENCE_WORDS:
            notes.append(StyleNote("long sentence", start, end,
                                   f"{count} words: split it into two or three sentences "
                                   f"of under {LONG_SENTENCE_WORDS + 1} words.", count))
    return notes


def passive_voice(prose: str) -> list[StyleNote]:
    notes = []
    low = prose.lower()
    for m in PASSIVE_RE.finditer(low if len(low) == len(prose) else prose):
        if m.group("verb") in NOT_PASSIVE:
            continue
        written = prose[m.start():m.end()]
        notes.append(StyleNote("passive voice", m.start(), m.end(),
                               f"'{written}': passive voice; say who does it."))
    return notes


def style_notes(prose: str, sentences: list[tuple[int, int]],
                counts: list[int] | None = None) -> list[StyleNote]:
    if not sentences:
        return []
    return long_sentences(prose, sentences, counts) + passive_voice(prose)


def verdict(findings: list[Finding], notes: list[StyleNote]) -> str:
    """Ready to send, or the one thing to fix first."""
    high = [f for f in findings if f.severity == "high"]
    if high:
        names = ", ".join(dict.fromkeys(f"'{f.term}'" for f in high[:3]))
        return f"Fix first: replace or explain {names}; a reader outside IT will stumble there."
    if findings:
        names = ", ".join(dict.fromkeys(f"'{f.term}'" for f in findings[:3]))
        return f"Fix first: say in everyday words what {names} means for the reader."
    long = [n for n in notes if n.kind == "long sentence"]
    if long:
        return f"Fix first: split the {long[0].words}-word sentence."
    passive = [n for n in notes if n.kind == "passive voice"]
    if passive:
        return "Ready to send (you may say who does what where the voice is passive)."
    return "Ready to send."
