"""Terms the writer has explained in the text itself, so the reader is not left guessing.

An explanation is a gloss in brackets right after the term ("the cutover blackout period
(the interval between ...)"), a clause or apposition after it ("X, which ...", "X, meaning
...", "X, the phone app that ...", "X - that's the device that ...", "X, the disk
encryption on your laptop.", also after the phrase's head noun, and a "- that's the device
that ..." clause later in the sentence), a plain word or phrase given first ("move, or cut
over, to", "the network name (SSID)", "phones (VoIP)"),
"known as X", for an address the plain noun it stands in brackets after ("a look-alike
domain (rnicrosoft-online.com)"), or the next sentence defining it ("X is the ...", "This is the
...").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.jargon.acronyms import GLOSS_NOT_START as CLAUSE_STARTS

GLOSS_AFTER_RE = re.compile(r"\s*\((?P<gloss>[^()\n]{3,200})\)")
# "which is" then what it is; not a reason or a state ("which is why ...", "which is near
# its limit", "which is now down", "which is capped at ...")
NOT_WHAT_IT_IS = (r"(?!\s+(?:why|because|near|now|still|also|already|not|due|expected|"
                  r"scheduled|likely|back|down|up|out|off|unaffected|[a-z]+ed|[a-z]+ing)\b)")
CLAUSE_AFTER_RE = re.compile(
    rf",?\s+(?:which\s+(?:(?:is|are){NOT_WHAT_IT_IS}|means|lets|let|keeps|keep|stops|decides|"
    r"checks|holds|"
    r"sends|tracks|runs|protects|controls|approves|connects|"
    r"(?!(?:was|has|does|needs|seems|looks|remains|gets|goes|takes)\b)[a-z]+s\s+"
    r"(?:the|your|our|a|an|every|all|you|everything|"
    r"everyone|anything|each|what|who|how)\b)|meaning|that\s+is,|"
    r"i\.e\.|in\s+other\s+words|or\s+in\s+plain\s+words|"
    r"[-\u2013\u2014]\s+(?:basically|put\s+simply|in\s+plain\s+terms)(?=,))\b", re.IGNORECASE)
# what may open an apposition before its article: "that's", "basically", "think of it as"
APPOSITION_OPENER = (r"(?:(?:that's|that\s+is|it's|i\.e\.|basically|essentially|simply|"
                     r"think\s+of\s+it\s+as)\s+)?")
APPOSITION_AFTER_RE = re.compile(
    rf"(?:,|:|\s+[-\u2013\u2014])\s+{APPOSITION_OPENER}"
    r"(?:the|a|an|our)\s+[^,.;:()\n]{2,80}?\s+"
    r"(?:that|which|who|where|used\s+to|(?:you|we)\s+use)\b", re.IGNORECASE)
NAMED_BEFORE_RE = re.compile(r"\b(?:known\s+as|called|so-called|what\s+(?:\w+\s+){1,2}calls?)\s+$",
                             re.IGNORECASE)
PLAIN_FIRST_RE = re.compile(r"\b[a-z]+(?:,|\s+[-\u2013\u2014])\s+or(?:,\s+[a-z ]{2,25},)?\s+$",
                            re.IGNORECASE)
ASIDE_CLOSES = (",", " -", " \u2013", " \u2014")
# "a look-alike domain (rnicrosoft-online.com)": the plain noun before the brackets says
# what the thing in them is
NAMED_IN_BRACKETS_RE = re.compile(r"\b([a-z][a-z-]+)\s*\($")
ADDRESS_RE = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}|(?:\d{1,3}\.){3}\d{1,3}")  # web or network
DEFINES_RE = re.compile(r"\s*(?:(?:this|that|it|these|they)\s+(?:is|are|means)|"
                        r"(?:is|are|means|refers\s+to)\s+(?:the|a|an|when|where|how|what))\b",
                        re.IGNORECASE)
# "BitLocker scrambles the contents of the drive so that ...": says what it does
DOES_RE = re.compile(r"\s+(?:(?!was\b|has\b|does\b)[a-z]+s|lets|keeps|makes)\s+"
                     r"(?:the|your|our|a|an|every|all|you|everything|everyone|anything|"
                     r"each|what|who|how)\b")
THIS_IS_A_RE = re.compile(r"(?:this|that|it|these|they)\s+(?:is|are|means)\s+an?\s",
                          re.IGNORECASE)
# one plain lower-case noun after the term, the head of its phrase, then a clause that
# says what the phrase means ("the hypercare period, meaning ..."); not brackets, which
# often explain only the head ("circular BOM references (each listed the other ...)")
HEAD_NOUN_RE = re.compile(r" [a-z]{3,15}(?=, (?P<marker>meaning|that is,|i\.e\.|in other words)\b)")
# "our Azure tenant - the slice of the cloud that ...": an apposition after the head noun
HEAD_APPOSITION_RE = re.compile(r" [a-z]{3,15}(?=(?:,|\s+[-\u2013\u2014])\s)")
HEAD_GLOSS_RE = re.compile(
    r" [a-z]{3,15} \((?P<gloss>(?:where|which|that|who|used|the|an?) [^()\n]{3,200})\)")
# "BitLocker, the disk encryption on your laptop.": an apposition to the clause's end
APPOSITION_TO_END_RE = re.compile(
    rf"(?:,|\s+[-\u2013\u2014])\s+{APPOSITION_OPENER}(?P<words>(?:the|a|an)\s+"
    r"[^,.;:()\n\u2013\u2014]{2,60}?)(?=\s*(?:[.;:!?)\n]|\s[-\u2013\u2014]\s|$))",
    re.IGNORECASE)
# "replacing the firewall at all four academies - that's the device that filters ...": a
# "that's the <kind of thing> ..." clause later in the sentence says what the last term
# before it is (not "on Friday - that's the day that suits everyone")
THATS_LATER_RE = re.compile(
    r"[^.;:!?()\n]{0,60}?\s+[-\u2013\u2014]\s+(?P<clause>(?:that's|that\s+is|this\s+is|"
    r"it's)\s+(?:the|a|an)\s+(?:[a-z-]+\s+)?(?:device|tool|app|application|system|service|"
    r"program|programme|software|box|machine|computer|part|setting|feature|process|network|"
    r"connection|code|file|list|record|screen|page|website|platform|account|key|address|"
    r"number|kit|equipment|link|line|check)s?\s+[^,.;:()\n]{0,60}?"
    r"(?:that|which|who|where|used|you)\b)", re.IGNORECASE)
# a cheap look, once a draft, for the dash and opening word THATS_LATER_RE needs
THATS_HINT_RE = re.compile(r"\s[-\u2013\u2014]\s+(?:that|this|it)\b", re.IGNORECASE)
LIST_WORDS_RE = re.compile(r"\b(?:and|or|plus)\b")
# "the network name (SSID)": the plain words first, the term alone in brackets after them
PLAIN_BEFORE_RE = re.compile(r"(?:^|[\s(])(?P<words>[A-Za-z][a-z-]{3,}(?: [a-z][a-z-]+){0,3})"
                             r" \($")
PLAIN_WORDS_RE = re.compile(
    r"\s*[,\u2013\u2014-]?\s*(?:which|that|this|or)\s+in\s+(?:plain|simple|everyday)\s+"
    r"(?:english|words|terms)\s*,?\s+(?:means|is)\b", re.IGNORECASE)
PLAIN_WORDS_REACH = 60  # characters after the term
ARTICLE_RE = re.compile(r"(?:the|a|an|our)\s+", re.IGNORECASE)
GLOSS_NOT_START = ("see ", "e.g", "i.e", "for example", "optional", "if ", "or ", "and ")
MAX_LOOKBACK = 40
LAST_WORDS = 3  # a term this close to its sentence's end is what "This is a ..." explains
CLAUSE_STOP_RE = re.compile(r"[,;:.!?)\n]")
SENTENCE_STOP_RE = re.compile(r"[.!?\n](?:\s|$)")
# "the servers, the storage arrays, the backup jobs that ...": a list, not an apposition
LIST_ITEM_RE = re.compile(r",\s+(?:the\s+|our\s+|a\s+|an\s+)?[\w-]*\s*$")
DEFINING_OPENERS = ("this ", "that ", "it ", "these ", "they ")
# "A VPN is a private tunnel that keeps ...", "Phishing means ...": a sentence that opens on
# the term and says what it is explains it (not "The VPN is a bottleneck today")
OPENS_SENTENCE_RE = re.compile(r"(?:^|[.!?:\n]\s*)(?:(?P<article>the|a|an|our|your)\s+)?$",
                               re.IGNORECASE)
IS_A_RE = re.compile(r"\s+is\s+an?\s", re.IGNORECASE)  # "A VPN is a ...": any VPN, defined
OWN_DEFINITION_RE = re.compile(
    r"\s+(?:(?:is|are)\s+(?:a|an)\s+[^,.;:!?()\n]{2,80}?\s+(?:that|which|who|where|when|"
    r"used\s+to|you\s+use)\b|means\s)", re.IGNORECASE)


def is_gloss(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 30 and not text.lstrip().lower().startswith(GLOSS_NOT_START) \
        and words[0].lower().strip(",;:") not in CLAUSE_STARTS


def explanation(prose: str, start: int, end: int,
                next_sentence: Callable[[int], tuple[int, int] | None]
                ) -> tuple[int, int] | None:
    """Where the term at prose[start:end] is explained (the span of the explaining words,
    empty when they come before it), or None. `next_sentence(start)` gives the span of the
    sentence after the term's. The caller checks that the explaining words are plain: an
    explanation in jargon explains nothing."""
    term = prose[start:end]
    glossed = _explained_after(prose, start, end)
    if glossed is None and (head := HEAD_NOUN_RE.match(prose, end)):
        # "the hypercare period, meaning ...": the clause follows the phrase's head noun
        glossed = head.end(), _clause_end(prose, head.end() + len(head.group("marker")) + 2)
    if glossed is None and (head := HEAD_GLOSS_RE.match(prose, end)):
        # "the PACS archive (where X-rays and scans are stored)": a relative clause in
        # brackets after the head says what the whole phrase is
        glossed = head.start("gloss"), head.end("gloss")
    if glossed is None and (head := HEAD_APPOSITION_RE.match(prose, end)):
        glossed = _apposition(prose, start, head.end(), to_the_end=False)
    plain = None if glossed or not _says_plainly(prose[end:end + PLAIN_WORDS_REACH]) else \
        PLAIN_WORDS_RE.search(prose, end, end + PLAIN_WORDS_REACH)
    if plain and not CLAUSE_STOP_RE.search(prose, end, plain.start()):
        # "... served through a CDN, which in plain English means ...": the writer
        # translates the clause before it, the terms in it included
        return plain.start(), _clause_end(prose, plain.end())
    if glossed is not None:
        return glossed
    before = prose[max(0, start - MAX_LOOKBACK):start]
    if ("call" in before or "known" in before) and NAMED_BEFORE_RE.search(before):
        return start, start
    if before.endswith("(") and ADDRESS_RE.fullmatch(term) and \
            (named := NAMED_IN_BRACKETS_RE.search(before)):
        return start - len(before) + named.start(1), start - len(before) + named.end(1)
    if prose[end:end + 2].startswith(ASIDE_CLOSES) and " or" in before and \
            PLAIN_FIRST_RE.search(before):
        return start, start
    if before.endswith("(") and prose[end:end + 1] == ")" and term.isalpha() and \
            (given_first := PLAIN_BEFORE_RE.search(before)):
        offset = start - len(before)
        return offset + given_first.start("words"), offset + given_first.end("words")
    own_definition = OWN_DEFINITION_RE.match(prose, end)
    if (own_definition or IS_A_RE.match(prose, end)) and \
            (opening := OPENS_SENTENCE_RE.search(before)) and (own_definition or (
                (opening.group("article") or "").lower() in ("a", "an"))):
        return end, _sentence_end(prose, end)
    following = next_sentence(start)
    if following is not None:
        sentence = prose[following[0]:following[1]]
        # "This is a ..." speaks of what the last sentence ended on, not of all of it
        last_words = len(prose[end:following[0]].split()) <= LAST_WORDS
        # "... set up with Windows Autopilot. Autopilot means ...": the phrase's head
        last_word = term.split()[-1] if " " in term else ""
        if defines(sentence, term, this_is_a=last_words) or \
                (len(last_word) > 3 and defines(sentence, last_word, this_is_a=False)):
            return following
    return None


def _says_plainly(window: str) -> bool:
    """Cheap test that lets most terms skip PLAIN_WORDS_RE."""
    window = window.lower()
    return "plain" in window or "simple" in window or "everyday" in window


def _explained_after(prose: str, start: int, end: int) -> tuple[int, int] | None:
    """A gloss, apposition or clause right after prose[start:end]."""
    after = prose[end:end + 2].lstrip()[:1]
    if after == "(":
        gloss = GLOSS_AFTER_RE.match(prose, end)
        if gloss and is_gloss(gloss.group("gloss")):
            return gloss.span()
    if after in (",", ":", "-", "\u2013", "\u2014") and \
            (found := _apposition(prose, start, end)):
        return found
    if after in (",", "w", "m", "t", "i", "-", "\u2013", "\u2014"):
        clause = CLAUSE_AFTER_RE.match(prose, end)
        if clause:
            return end, _clause_end(prose, clause.end())
    return None


def might_explain_later(prose: str) -> bool:
    """Could any "- that's the X that ..." clause stand in the text at all?"""
    return THATS_HINT_RE.search(prose) is not None


def explained_later(prose: str, end: int) -> tuple[int, int] | None:
    """The span of a "- that's the X that ..." clause later in the sentence after
    prose[end], or None; the caller makes sure no other term stands in between."""
    later = THATS_LATER_RE.match(prose, end)
    if later is None:
        return None
    return later.start("clause"), _clause_end(prose, later.end())


# "After the cutover, the team will check ...": a comma after a term that closes an
# introductory phrase opens the main clause, not an apposition
INTRO_PHRASE_RE = re.compile(
    r"(?:^|[.;:!?\n,]\s*)(?:after|before|during|once|when|whenever|following|until|since|"
    r"if|unless|while|whilst|because|although|though|as\s+soon\s+as|on|in|at|with|without|"
    r"by|from|for|through|over|under|between)\s[^,.;:!?\n]*$", re.IGNORECASE)
INTRO_LOOKBACK = 80


# "From Monday you will need MFA, a second check ...": a subject after a preposition means
# the main clause has begun, so the comma does not close an introductory phrase
PREPOSITION_THEN_SUBJECT_RE = re.compile(
    r"^[.;:!?\n,]?\s*(?:on|in|at|with|without|by|from|for|through|over|under|between|during)"
    r"\s.*\b(?:you|we|they|I|he|she|it|there)\b", re.IGNORECASE)


def _closes_an_introductory_phrase(prose: str, start: int, end: int) -> bool:
    if prose[end:end + 1] != ",":
        return False
    intro = INTRO_PHRASE_RE.search(prose, max(0, start - INTRO_LOOKBACK), start)
    return intro is not None and not PREPOSITION_THEN_SUBJECT_RE.match(intro.group())


def _apposition(prose: str, start: int, end: int, to_the_end: bool = True
                ) -> tuple[int, int] | None:
    """"X, the phone app that ...", "X - that's the device that ...", "X, the disk
    encryption on your laptop." (`to_the_end`): an apposition after prose[end], not an
    item of a list. After a head noun only the first kind: "after a BIOS update, the
    laptop may ask ..." is a clause, not an apposition."""
    if LIST_ITEM_RE.search(prose, max(0, start - MAX_LOOKBACK), start) or \
            _closes_an_introductory_phrase(prose, start, end):
        return None
    apposition = APPOSITION_AFTER_RE.match(prose, end)
    if apposition:
        return end, _clause_end(prose, apposition.end())
    to_end = APPOSITION_TO_END_RE.match(prose, end) if to_the_end else None
    if to_end and not LIST_WORDS_RE.search(to_end.group("words")):
        return end, to_end.end()
    return None


def _sentence_end(prose: str, at: int) -> int:
    stop = SENTENCE_STOP_RE.search(prose, at)
    return stop.start() if stop else len(prose)


def _clause_end(prose: str, at: int) -> int:
    stop = CLAUSE_STOP_RE.search(prose, at)
    return stop.start() if stop else len(prose)


def defines(sentence: str, term: str, *, this_is_a: bool = True) -> bool:
    """Does `sentence` open by defining `term` ("A firewall is ...", "This is a ...")?"""
    opening = sentence.lstrip()[:len(term) + 6].lower()
    if term.lower() not in opening and not opening.startswith(DEFINING_OPENERS):
        return False
    rest = ARTICLE_RE.sub("", sentence.lstrip(), count=1) \
        if ARTICLE_RE.match(sentence.lstrip()) else sentence.lstrip()
    if rest.lower().startswith(term.lower()):
        return bool(DEFINES_RE.match(rest, len(term)) or DOES_RE.match(rest, len(term)))
    # "This is a ..." defines; "This is the second time ..." does not
    return this_is_a and bool(THIS_IS_A_RE.match(rest))
