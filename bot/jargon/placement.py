"""Where a plain alternative fits: the grammar around one substitution in a sentence.

`fits` says whether an alternative reads grammatically where a term stands; `agreeing`
gives it the number its place needs; `bare_name` says when a name that stood bare needs
"the" before its plain words; `said_after` finds the next word that already says them.
"""

from __future__ import annotations

import re

from bot.jargon.findings import Finding
from bot.jargon.openscan import GREETINGS
from bot.jargon.tokens import singular

CLAUSE_WORDS = frozenset(["that", "which", "who", "to", "from", "of", "for", "with", "in", "on",
                          "by", "as", "between", "into", "after", "before", "than", "when",
                          "while", "where", "if", "so", "because", "e.g.", "or", "and"])
DETERMINERS = "the|a|an|our|your|their|its|my|this|that|his|her|each|every|any|no"
POSSESSIVE_RE = re.compile(r"['\u2019]s\b")
WORD_AFTER_RE = re.compile(r"[ \t]+[A-Za-z]")
NAME_GOES_ON_RE = re.compile(r" [A-Z][a-z]")
LOWER_WORD_AFTER_RE = re.compile(r"[ \t]+[a-z]")
NEXT_WORD_RE = re.compile(r"[ \t]+([a-z][a-z-]*)\b")
GLUED_AFTER_RE = re.compile(r"[^\W_]|['’](?!s\b)[^\W_]")  # the word goes on: "re-IP'ing"
GLUED_BEFORE_RE = re.compile(r"[^\W\d_]-$")  # the word began before: "re-provision"
PARTICLES = frozenset(["up", "off", "out", "down", "over", "back", "in", "on", "away"])
PRONOUN_AFTER_RE = re.compile(r"\s+(?:it|them|him|her|this|that|these|those)\b", re.I)
GREETING_BEFORE_RE = re.compile(  # "Hi Priya," opens the sentence that follows
    rf"(?:^|\n|[.!?]\s+)(?:{'|'.join(sorted(GREETINGS))})\s+[A-Z][\w'’-]*,$", re.I)
AUXILIARY_AFTER_RE = re.compile(
    r"\s+(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must)\b")
SINGULAR_VERB_AFTER_RE = re.compile(r"\s+(?:is|was|has|does)(?:n['’]t)?\b", re.I)
# "our", "the new": a singular count noun may follow
DETERMINED_RE = re.compile(rf"\b(?:{DETERMINERS})\s+(?:[\w-]+\s+)?$", re.I)
# after these a plural alternative for a singular term reads as well as a singular one
KEEPS_NUMBER_AFTER_RE = re.compile(
    r"[ \t]+(?:and|or|but|for|to|from|in|on|at|by|with|of|back|up|down|out|off|over|will|"
    r"would|can|could|should|may|might|must|are|were|have|do|that|which|who|when|while|if|"
    r"as|than|so|because|into|through|via|across|after|before|during|until)\b", re.I)
# before these a name stands bare ("while Kofax is patched", "via Kepware"), where the
# plain words that replace it need "the"
BARE_NAME_BEFORE_RE = re.compile(
    r"\b(?:to|from|via|through|in|on|at|by|with|without|over|into|onto|for|against|under|"
    r"across|after|before|during|until|while|because|when|if|than)\s+$", re.I)
TERM_WORD_RE = re.compile(r"[^\W_]+")
PRODUCT_KINDS = frozenset(["software", "tool", "system", "service", "app", "platform"])
# a verb in -s or -ed right before a name ("reaches Exchange Online", "moved SCCM"), not
# after "is"/"was" ("is Jamf") or "has" ("has SCCM": possession reads either way)
VERB_BEFORE_RE = re.compile(r"(?<![\w'’-])(?!(?:is|was|has|does|as|us|its|this|thus|plus|"
                            r"yes|less|unless|across|towards|needed)\b)"
                            r"[a-z]{3,}(?:[^s\W]s|ed)\s+$")
NOT_VERBS = frozenset(["its", "ours", "yours", "theirs", "as", "plus", "thus", "always", "perhaps"])
NEAR_AFTER = 2  # words after a term in which its plain words would be said twice
SENTENCE_CUT_RE = re.compile(r"[.!?;:\n]")
LOOKBACK = 40  # characters of context the rewrite looks at before a term


def is_name(finding: Finding) -> bool:
    """Is the entry a product's name or an acronym ("Veeam", "SCCM"), not a word?"""
    return finding.entry != finding.entry.lower()


def said_after(text: str, finding: Finding, alt: str) -> re.Match[str] | None:
    """The word after a product's name when it already says what the name's plain words
    would: "last night's Veeam backup job" is "last night's backup job", not "... backup
    software backup job"; the name and that word are then replaced together (see
    `rewrite._saying`)."""
    after = NEXT_WORD_RE.match(text, finding.end)
    if after is None or not is_name(finding):
        return None
    word = after.group(1).lower()
    plain = {w.lower() for w in alt.split() if len(w) > 2}
    return after if word in plain or singular(word) in plain else None


def bare_name(text: str, finding: Finding, alt: str, before: str) -> bool:
    """Does a product's name or an acronym stand bare, after a preposition ("while Kofax is
    patched", "through SCCM") or opening a sentence ("Kofax is patched tonight", "Hi Priya,
    Jamf shows"), as the object of a verb in -s or -ed ("reaches Exchange Online") or as
    the subject after an opening phrase ("From Monday, iManage replaces"), where the plain
    words that replace it need "the"? Not after a colon, where a heading often starts
    ("Planned maintenance: PaperCut and Follow-Me printing"), unless a verb like "will"
    follows."""
    if not is_name(finding) or finding.term == finding.term.lower() \
            or alt.split(" ", 1)[0].lower() in ("the", "a", "an") or alt.endswith("ing"):
        return False  # (an activity takes no "the": "goes into UAT", "into user testing")
    if BARE_NAME_BEFORE_RE.search(before):
        return True
    opens = text[max(0, finding.start - LOOKBACK):finding.start].rstrip()
    if opens.endswith(":"):  # a sentence after a colon, not a heading: "Mac users: Jamf will"
        return AUXILIARY_AFTER_RE.match(text, finding.end) is not None
    if opens.endswith(","):  # the subject after an opening phrase: "From Monday, iManage
        return _verb_after(text, finding.end)  # replaces", not a list: "Okta, Jamf and"
    if VERB_BEFORE_RE.search(before) and not DETERMINED_RE.search(before):
        return True  # its object: "before it reaches Exchange Online", not "an expired SAML"
    return (not opens or opens[-1] in ".!?" or GREETING_BEFORE_RE.search(opens) is not None) \
        and LOWER_WORD_AFTER_RE.match(text, finding.end) is not None


def _verb_after(text: str, end: int) -> bool:
    """Does a verb follow: "will", "is", or a word in -s ("replaces")?"""
    if AUXILIARY_AFTER_RE.match(text, end):
        return True
    after = NEXT_WORD_RE.match(text, end)
    return after is not None and is_plural(after.group(1)) and \
        after.group(1).lower() not in NOT_VERBS


def fits(text: str, finding: Finding, alt: str,
         neighbours: tuple[tuple[Finding, str | None] | None, ...]) -> bool:
    """Would `alt` read grammatically where `finding` stands? `neighbours`: the findings
    before and after it, each with its own alternative (None: it has none)."""
    after = text[finding.end:finding.end + 3]
    if GLUED_AFTER_RE.match(text, finding.end) or GLUED_BEFORE_RE.search(
            text, max(0, finding.start - 2), finding.start):
        return False  # "re-IP'ing" -> "renumber'ing", "re-provision" -> "re-set up"
    if alt.rsplit(" ", 1)[-1].lower() in PARTICLES and PRONOUN_AFTER_RE.match(text, finding.end):
        return False  # "provision it" -> "set up it"
    if agreeing(text, finding, alt) is None:
        return False  # "the Cloud's" -> "the online servers's", no singular to use
    attributive = finding.term.endswith("ed") and WORD_AFTER_RE.match(text, finding.end)
    if attributive and " " in alt:
        return False  # "the misconfigured load balancer" -> "the set up wrongly ..."
    if finding.term[:1].isupper() and NAME_GOES_ON_RE.match(text, finding.end):
        return False  # "Jamf School": the name goes on, and half a name is no name
    if after.lstrip().startswith("(") or text[max(0, finding.start - 1):finding.start] == "(":
        return False  # "virtual machines (VM)": the writer's own definition stays whole
    before = text[max(0, finding.start - LOOKBACK):finding.start].split()
    if before and before[-1].lower() in alt.lower().split():
        return False  # "SAP S/4HANA" -> "SAP new SAP system"
    if said_after(text, finding, alt) is None and _said_twice(text, finding, alt):
        return False  # (a name whose next word says its plain words gives way to it)
    # "DNS nameservers", "SSH host key": half a compound replaced reads worse than none
    return not any(_half_compound(text, finding, other) for other in neighbours)


def _said_twice(text: str, finding: Finding, alt: str) -> bool:
    """Do the words just after a term already say its plain words? "the new Dynamics CRM
    for supporter records" is no "the new ... supporter records software for supporter
    records"."""
    plain = {stem(w) for w in TERM_WORD_RE.findall(alt.lower())
             if len(w) > 3 and w not in PRODUCT_KINDS}
    rest = SENTENCE_CUT_RE.split(text[finding.end:finding.end + LOOKBACK], 1)[0]
    following = TERM_WORD_RE.findall(rest)[:NEAR_AFTER]
    return any(w.islower() and stem(w) in plain for w in following)  # not "Teams Phone"


def stem(word: str) -> str:
    """A plural word's singular ("rules" -> "rule"), any other word as it is."""
    return (singular(word) or word) if is_plural(word) else word


def agreeing(text: str, finding: Finding, alt: str) -> str | None:
    """`alt` in the number its place needs, where a singular term stood. Before a noun, a
    verb or a possessive, a plural alternative becomes singular when a determiner leads it
    ("our PCI DSS compliance work" -> "our card security rule compliance work", "StoreFront
    is down" -> "The remote app component is down"); without one it stays plural ("because
    conditional access saw" -> "because sign-in rules saw"). None: no number fits."""
    if finding.tag or not is_plural(alt):
        return alt
    possessive = POSSESSIVE_RE.match(text, finding.end) is not None
    agrees = SINGULAR_VERB_AFTER_RE.match(text, finding.end) is not None or possessive
    if not (agrees or LOWER_WORD_AFTER_RE.match(text, finding.end)) or \
            KEEPS_NUMBER_AFTER_RE.match(text, finding.end):
        return alt
    before = text[max(0, finding.start - LOOKBACK):finding.start]
    head, _, last = alt.rpartition(" ")
    single = singular(last)
    if single and (DETERMINED_RE.search(before) or bare_name(text, finding, alt, before)):
        return f"{head} {single}".lstrip()
    return None if agrees else alt


def is_plural(phrase: str) -> bool:
    last = phrase.rsplit(" ", 1)[-1].lower()
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "'s", "’s"))


def _half_compound(text: str, finding: Finding,
                   neighbour: tuple[Finding, str | None] | None) -> bool:
    if neighbour is None or "v" in neighbour[0].pos or neighbour[1] is not None:
        return False
    other = neighbour[0]
    between = text[finding.end:other.start] if other.start >= finding.end \
        else text[other.end:finding.start]
    return not between.strip()
