"""One tokenising regex and the regular English inflections used to compile the lists."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[^\W_]+")
# What may sit between the words of a phrase: spaces, one hyphen or dash, one line break.
JOINABLE_GAP_RE = re.compile(r"[ \t\u00a0]*[-\u2010\u2011\u2013/]?[ \t\u00a0]*\n?[ \t\u00a0]*")

VOWELS = frozenset("aeiou")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text: word lists kept in code."""
    return frozenset(text.split())


def normalise_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in WORD_RE.finditer(phrase.replace("\u2019", "'")))


def _ends_cvc(word: str) -> bool:
    return (len(word) >= 3 and word[-1] not in VOWELS and word[-1] not in "wxy"
            and word[-2] in VOWELS and word[-3] not in VOWELS)


def plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def singular(word: str) -> str | None:
    """The word whose `plural` is `word` ("rules" -> "rule", "policies" -> "policy"), or
    None when there is none."""
    return next((stem for stem in (word[:-3] + "y", word[:-2], word[:-1])
                 if stem and plural(stem) == word), None)


def past_forms(word: str) -> set[str]:
    if word.endswith("e"):
        return {word + "d"}
    if len(word) > 1 and word.endswith("y") and word[-2] not in VOWELS:
        return {word[:-1] + "ied"}
    forms = {word + "ed"}
    if _ends_cvc(word):
        forms.add(word + word[-1] + "ed")
    return forms


def ing_forms(word: str) -> set[str]:
    if word.endswith("ie"):
        return {word[:-2] + "ying"}
    if word.endswith("e") and not word.endswith("ee") and len(word) > 2:
        return {word[:-1] + "ing"}
    forms = {word + "ing"}
    if _ends_cvc(word):
        forms.add(word + word[-1] + "ing")
    return forms


def inflections(word: str, pos: str) -> list[tuple[str, str]]:
    """(form, tag) pairs for `word`: tag "s" (plural or third person), "ed", "ing"."""
    out: list[tuple[str, str]] = []
    if pos == "x" or not word.isalpha():
        return out
    out.append((plural(word), "s"))
    if "v" in pos:
        out.extend((f, "ed") for f in sorted(past_forms(word)))
        out.extend((f, "ing") for f in sorted(ing_forms(word)))
    return out


IRREGULAR_VERBS = {
    "be": ("is", "was", "being"), "build": ("builds", "built", "building"),
    "bring": ("brings", "brought", "bringing"), "get": ("gets", "got", "getting"),
    "give": ("gives", "gave", "giving"), "go": ("goes", "went", "going"),
    "keep": ("keeps", "kept", "keeping"), "make": ("makes", "made", "making"),
    "put": ("puts", "put", "putting"), "run": ("runs", "ran", "running"),
    "send": ("sends", "sent", "sending"), "set": ("sets", "set", "setting"),
    "shut": ("shuts", "shut", "shutting"), "spin": ("spins", "spun", "spinning"),
    "take": ("takes", "took", "taking"), "undo": ("undoes", "undid", "undoing"),
    "write": ("writes", "wrote", "writing"), "cut": ("cuts", "cut", "cutting"),
    "stop": ("stops", "stopped", "stopping"), "plan": ("plans", "planned", "planning"),
    "fit": ("fits", "fitted", "fitting"), "let": ("lets", "let", "letting"),
    "hold": ("holds", "held", "holding"), "break": ("breaks", "broke", "breaking"),
    "lose": ("loses", "lost", "losing"), "find": ("finds", "found", "finding"),
    "show": ("shows", "showed", "showing"), "fix": ("fixes", "fixed", "fixing"),
    "copy": ("copies", "copied", "copying"), "tidy": ("tidies", "tidied", "tidying"),
}


def inflect_word(word: str, tag: str, *, noun: bool) -> str:
    """Apply tag ("s", "ed", "ing") to a plain word of an alternative."""
    if not tag:
        return word
    lower = word.lower()
    if noun:
        return plural(lower) if tag == "s" else lower
    if lower in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[lower][("s", "ed", "ing").index(tag)]
    if tag == "s":
        return plural(lower)
    double = _ends_cvc(lower) and len(lower) == 3  # log -> logged, open -> opened
    if tag == "ed":
        return lower + lower[-1] + "ed" if double else min(past_forms(lower), key=len)
    return lower + lower[-1] + "ing" if double else min(ing_forms(lower), key=len)
