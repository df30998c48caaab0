"""Who reads the draft: each audience is a data file of the terms its readers know.

`knowledge/jargon/audiences/NAME.txt` holds one known term a line and `readers:` lines
naming the readers. A finding whose term the audience knows is dropped. Without an
audience given, a first sentence that addresses known readers ("Finance team: ...",
"To the AP team") picks their audience, and so does a draft that uses four or more words
of one trade ("MES", "work orders", "HMI", "OEE"); otherwise the reader is `general`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.jargon.tokens import WORD_RE, normalise_phrase

GENERAL = "general"
AUDIENCES = ("general", "finance", "operations", "sales", "executive")
OPENING_CHARS = 160  # the greeting or title that names the readers sits at the start
OPENING_WORDS = 30
# A draft using this many distinct words of one trade is written for it. Not executive:
# its words (ransomware, go-live, phishing) are in IT news to everyone.
TRADE_WORDS = 4
TRADES = ("finance", "operations", "sales")
READER_FIELDS = ("readers:", "domains:", "roles:")  # lines that name readers, not terms


class AudienceError(ValueError):
    """An audience name with no data file."""


@dataclass(frozen=True)
class Audience:
    name: str
    known: frozenset[str]  # term keys: lower-case words joined by one space
    readers: tuple[str, ...]

    def knows(self, *terms: str) -> bool:
        return any(_key(t) in self.known or _key(_singular(t)) in self.known for t in terms)


def _key(term: str) -> str:
    return " ".join(normalise_phrase(term))


def _singular(term: str) -> str:
    return term[:-1] if len(term) > 2 and term.endswith("s") else term


def load_audience(path: Path) -> Audience:
    """One term a line; `readers:` lines name the readers, and every `domains:` word
    before every `roles:` word names them too ("warehouse" + "leads")."""
    known: set[str] = set()
    named: dict[str, list[str]] = {field: [] for field in READER_FIELDS}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        field = next((f for f in READER_FIELDS if line.lower().startswith(f)), None)
        if field:
            named[field].extend(r.strip().lower() for r in line[len(field):].split("|")
                                if r.strip())
        elif line:
            known.add(_key(line))
    readers = named["readers:"] + [f"{domain} {role}" for domain in named["domains:"]
                                   for role in named["roles:"]]
    return Audience(path.stem, frozenset(known), tuple(readers))


@cache
def load_audiences(data_dir: Path) -> dict[str, Audience]:
    folder = data_dir / "audiences"
    found = {p.stem: load_audience(p) for p in sorted(folder.glob("*.txt"))} \
        if folder.is_dir() else {}
    found.setdefault(GENERAL, Audience(GENERAL, frozenset(), ()))
    return found


@cache
def _readers_index(data_dir: Path) -> dict[str, list[tuple[tuple[str, ...], bool, str]]]:
    """First word -> (words of the reader phrase, only as the draft's first word, audience)."""
    index: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
    for audience in load_audiences(data_dir).values():
        for reader in audience.readers:
            words = normalise_phrase(reader.lstrip("^"))
            if words:
                index.setdefault(words[0], []).append(
                    (words, reader.startswith("^"), audience.name))
    return index


def addressed_in(first_words: list[str], data_dir: Path) -> str | None:
    """The audience whose readers these words (the draft's first sentence, lower case)
    name, if any."""
    index = _readers_index(data_dir)
    opening = first_words[:OPENING_WORDS]
    if index.keys().isdisjoint(opening):
        return None
    for k, word in enumerate(opening):
        for phrase, first_only, name in index.get(word, ()):
            if tuple(first_words[k:k + len(phrase)]) == phrase and (k == 0 or not first_only):
                return name
    return None


def addressed_audience(text: str, data_dir: Path) -> str | None:
    """The audience whose readers the draft's first sentence names, if any."""
    from bot.text import split_sentences

    spans = split_sentences(text[:OPENING_CHARS])
    if not spans:
        return None
    first = text[spans[0][0]:spans[0][1]]
    return addressed_in([w.lower() for w in WORD_RE.findall(first)], data_dir)


@cache
def _trade_index(data_dir: Path) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word -> (words of a term, its trade) for the terms of each trade. A term
    other readers know too (ERP and go-live: the executives') is no trade's own word."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    audiences = load_audiences(data_dir)
    for name in TRADES:
        others = set().union(*(a.known for a in audiences.values() if a.name != name))
        for key in audiences[name].known - others if name in audiences else ():
            words = tuple(key.split())
            index.setdefault(words[0], []).append((words, name))
    return index


@cache
def _trade_openers(data_dir: Path) -> frozenset[str]:
    """Every word that opens a trade's term, and its plural: one set look-up a word."""
    index = _trade_index(data_dir)
    return frozenset(index) | frozenset(word + "s" for word in index if len(word) > 1)


def written_for(words: list[str], data_dir: Path) -> str | None:
    """The trade whose own words (`words`: the draft's, lower case) the draft uses
    TRADE_WORDS or more of, distinct: "the MES ... work orders ... the HMI ... OEE" is
    written for the plant floor, whoever it greets."""
    index, openers = _trade_index(data_dir), _trade_openers(data_dir)
    starts = [k for k, word in enumerate(words) if word in openers]
    if len(starts) < TRADE_WORDS:
        return None
    used: dict[str, set[str]] = {}
    for k in starts:
        for key in {words[k], _singular(words[k])}:
            for term, trade in index.get(key, ()):
                # "work order" and "work orders" are one word of the trade
                said = _singular(" ".join(term))
                if _singular(" ".join((key, *words[k + 1:k + len(term)]))) == said:
                    used.setdefault(trade, set()).add(said)
    best = max(used, key=lambda trade: len(used[trade]), default=None)
    return best if best and len(used[best]) >= TRADE_WORDS else None


def resolve_audience(name: str | None, text: str, data_dir: Path,
                     first_words: list[str] | None = None,
                     words: list[str] | None = None) -> Audience:
    """The audience asked for, else the one the opening addresses, else the trade whose
    words the draft uses, else `general` (`first_words`, `words`: the first sentence's
    and the draft's words in lower case, when already known)."""
    audiences = load_audiences(data_dir)
    if name is None:
        name = (addressed_in(first_words, data_dir) if first_words is not None
                else addressed_audience(text, data_dir)) or written_for(
            words if words is not None else [w.lower() for w in WORD_RE.findall(text)],
            data_dir) or GENERAL
    if name not in audiences:
        raise AudienceError(f"unknown audience {name!r}; choose from "
                            f"{', '.join(sorted(audiences))}")
    return audiences[name]
