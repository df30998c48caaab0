"""Who reads the draft: each audience is a data file of the terms its readers know.

`knowledge/jargon/audiences/NAME.txt` holds one known term a line and `readers:` lines
naming the readers. A finding whose term the audience knows is dropped. Without an
audience given, a first sentence that addresses known readers ("Finance team: ...",
"To the AP team") picks their audience; otherwise the reader is `general`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.jargon.tokens import normalise_phrase

GENERAL = "general"
AUDIENCES = ("general", "finance", "operations", "sales", "executive")
OPENING_CHARS = 160  # the greeting or title that names the readers sits at the start


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
    known: set[str] = set()
    readers: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.lower().startswith("readers:"):
            readers.extend(r.strip().lower() for r in line[8:].split("|") if r.strip())
        else:
            known.add(_key(line))
    return Audience(path.stem, frozenset(known), tuple(readers))


@cache
def load_audiences(data_dir: Path) -> dict[str, Audience]:
    folder = data_dir / "audiences"
    found = {p.stem: load_audience(p) for p in sorted(folder.glob("*.txt"))} \
        if folder.is_dir() else {}
    found.setdefault(GENERAL, Audience(GENERAL, frozenset(), ()))
    return found


@cache
def _readers_pattern(data_dir: Path) -> tuple[re.Pattern[str], dict[str, str]] | None:
    owner = {reader: a.name for a in load_audiences(data_dir).values() for reader in a.readers}
    if not owner:
        return None
    alternatives = "|".join(
        rf"(?<![\s\S]){re.escape(r[1:])}" if r.startswith("^") else re.escape(r)
        for r in sorted(owner, key=len, reverse=True))
    owner.update({r[1:]: name for r, name in list(owner.items()) if r.startswith("^")})
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE), owner


def addressed_audience(text: str, data_dir: Path) -> str | None:
    """The audience whose readers the draft's first sentence names, if any."""
    compiled = _readers_pattern(data_dir)
    if compiled is None:
        return None
    pattern, owner = compiled
    head = text.lstrip()[:OPENING_CHARS]
    match = pattern.search(head)
    if not match:
        return None
    from bot.text import split_sentences

    first = split_sentences(head)[0]
    return owner[match.group().lower()] if match.end() <= first[1] else None


def resolve_audience(name: str | None, text: str, data_dir: Path) -> Audience:
    """The audience asked for, else the one the opening addresses, else `general`."""
    audiences = load_audiences(data_dir)
    if name is None:
        name = addressed_audience(text, data_dir) or GENERAL
    if name not in audiences:
        raise AudienceError(f"unknown audience {name!r}; choose from "
                            f"{', '.join(sorted(audiences))}")
    return audiences[name]
