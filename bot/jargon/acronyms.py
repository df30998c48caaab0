"""Unexplained acronyms, and acronyms the writer has defined in the same text.

A definition is "full name (ACR)" or "ACR (full name)" (also "ACR stands for / means /
is short for full name", "full name, or ACR", and a short explanation in brackets:
"ERP (our business system)"). Whether the words really spell the acronym is decided with
the Schwartz & Hearst (2003) rule: every letter of the acronym, right to left, is found in
the full name in order, and its first letter starts a word of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACRONYM_TOKEN_RE = re.compile(r"[A-Z0-9&]{1,9}[A-Z0-9](?:s)?")
# "PoE", "QoS", "SaaS", "VoIP": an acronym whose short words ("over", "of", "as a") are
# written small (the capital comes before the look-behind, so only capitals are tried)
MIXED_CASE_RE = re.compile(r"[A-Z](?<![^\W_][A-Z])[A-Z]?[a-z]{1,2}[A-Z]{1,2}s?(?![^\W_])")
DIGIT_PATTERN_RE = re.compile(
    r"(?:Q[1-4]|H[12]|FY\d{2,4}|\d+[KMBX]|\d+(?:AM|PM)|\d+[DH]|\d+S"
    r"|[A-Z]{1,3}(?:19|20)\d\d"  # a period label: YE2024, WK2025
    r"|\d+[A-Z]"  # a building, room or part number: 81A, 2B
    r"|[A-Z]\d{2,3})$")  # a form, road or model number: P60, M25 (not S3, C2)
PAREN_AFTER_RE = re.compile(
    r"\b(?P<short>[A-Za-z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*)s?\s*\((?P<long>[^()\n]{3,120})\)")
ACRONYM_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*s?\s*$")
OR_SHORT_RE = re.compile(
    r",?\s+or\s+(?:just\s+|simply\s+)?(?P<short>[A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*s?)\b")
STANDS_FOR_HINT_RE = re.compile(r"stands for|means|short for|abbreviation")
PAREN_SHORT_RE = re.compile(r"\((?P<short>[A-Za-z0-9][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*)s?\)")
STANDS_FOR_RE = re.compile(
    r"\b(?P<short>[A-Z][A-Z0-9&]{1,9})s?,?\s+"
    r"(?:stands for|means|is short for|is an? abbreviation for)\s+(?P<long>[^.;:\n()]{3,120})")
GLOSS_NOT_START = frozenset(["which", "that", "who", "see", "e", "eg", "for", "not", "and", "or",
                             "but", "as", "to", "in", "on", "at", "was", "is", "are", "were",
                             "will", "again", "also", "still", "now", "so", "then", "if"])
WORDS_BEFORE_RE = re.compile(r"[^\W_][\w'&-]*")


@dataclass(frozen=True, slots=True)
class Definition:
    acronym: str  # upper case, no plural s
    start: int  # span of the whole definition in the text (long form and short form)
    end: int


def looks_like_acronym(token: str) -> str | None:
    """The acronym a token stands for ("SKUs" -> "SKU"), or None for ordinary words."""
    core = token[:-1] if len(token) > 2 and token.endswith("s") else token
    if not (2 <= len(core) <= 6) or not core.isupper():
        return None
    if not any(ch.isalpha() for ch in core) or DIGIT_PATTERN_RE.match(core):
        return None
    return core


def mixed_case_acronym(word: str) -> str | None:
    """The acronym a word in mixed case stands for ("PoE" -> "POE"), or None."""
    if MIXED_CASE_RE.fullmatch(word) is None:
        return None
    return (word[:-1] if word.endswith("s") and word[-2].isupper() else word).upper()


def _core(short: str) -> str:
    if len(short) > 2 and short.endswith("s") and short[:-1].upper() != short[:-1].lower() \
            and short[-2].isupper():
        short = short[:-1]
    return short.upper()


def spells(short: str, long: str) -> bool:
    """Schwartz & Hearst: does `long` plausibly spell out `short`?"""
    short = "".join(ch for ch in short.lower() if ch.isalpha())  # "2FA": digits are spoken
    long = long.lower()
    if not short or len(long) <= len(short):
        return False
    s_i, l_i = len(short) - 1, len(long) - 1
    while s_i >= 0:
        ch = short[s_i]
        while l_i >= 0 and (long[l_i] != ch or
                            (s_i == 0 and l_i > 0 and long[l_i - 1].isalnum())):
            l_i -= 1
        if l_i < 0:
            return False
        l_i -= 1
        s_i -= 1
    return True


def is_gloss(text: str) -> bool:
    """A parenthesised explanation such as "ERP (our business system)"."""
    words = [w.lower() for w in WORDS_BEFORE_RE.findall(text)]
    return (2 <= len(words) <= 12 and words[0] not in GLOSS_NOT_START
            and not any(ch.isdigit() for ch in text))


def _long_form_before(text: str, paren_start: int, short: str) -> int | None:
    """Start offset of a long form ending just before `(`, or None."""
    limit = min(len(short) + 5, len(short) * 2)
    words = list(WORDS_BEFORE_RE.finditer(text, max(0, paren_start - 200), paren_start))
    # keep to the same sentence / clause
    tail: list[re.Match[str]] = []
    for m in reversed(words):
        gap = text[m.end():(tail[-1].start() if tail else paren_start)]
        if any(p in gap for p in ".;:!?\n(") or len(tail) >= limit:
            break
        tail.append(m)
    for size in range(1, len(tail) + 1):
        candidate_start = tail[size - 1].start()
        if spells(short, text[candidate_start:paren_start].strip()) and (
                short[0].isdigit() or text[candidate_start].lower() == short[0].lower()):
            return candidate_start
    return None


def _paren_after(text: str, paren: int) -> re.Match[str] | None:
    """"ACR (long form)" ending at the bracket that opens at `paren`, if any."""
    lo = max(0, paren - 16)
    word = ACRONYM_BEFORE_RE.search(text, lo, paren)
    if not word or (word.start() > 0 and text[word.start() - 1].isalnum()):
        return None
    return PAREN_AFTER_RE.match(text, word.start())


def find_definitions(text: str) -> list[Definition]:
    found: list[Definition] = []
    if "(" in text:
        for m in PAREN_SHORT_RE.finditer(text):
            short = _core(m.group("short"))
            start = _long_form_before(text, m.start(), short)
            if start is not None:
                found.append(Definition(short, start, m.end()))
        paren = text.find("(")
        while paren >= 0:
            after = _paren_after(text, paren)
            if after:
                short, long = _core(after.group("short")), after.group("long").strip(" ,")
                if (spells(short, long) and long[:1].lower() == short[:1].lower()) \
                        or is_gloss(long):
                    found.append(Definition(short, after.start(), after.end()))
            paren = text.find("(", paren + 1)
    if " or " in text:
        for m in OR_SHORT_RE.finditer(text):  # "warehouse management system, or WMS"
            short = _core(m.group("short"))
            start = _long_form_before(text, m.start(), short)
            if start is not None:
                found.append(Definition(short, start, m.end()))
    if not STANDS_FOR_HINT_RE.search(text):
        return found
    for m in STANDS_FOR_RE.finditer(text):
        short, long = _core(m.group("short")), m.group("long")
        if spells(short, long):
            found.append(Definition(short, m.start(), m.end()))
    return found
