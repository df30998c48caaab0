"""Technical tokens recognised by their shape, whatever the word: paths, server names,
versions, network addresses, command-line options, code names, ticket numbers and status
codes. No list can name them all; their form says what kind of thing they are.

`find_shapes(prose)` yields (start, end, kind) over the masked prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Order matters: the first alternative that matches at a position wins.
SHAPES: tuple[tuple[str, str], ...] = (
    ("file path", r"(?:~|\.{1,2})?/(?:[\w.+-]+/)+[\w.+-]*[\w+-]"  # ~/Library/..., /var/log/x
                  r"|\b[A-Za-z]:\\[^\s,;]+|\\\\[\w.-]+\\[^\s,;]+"),  # C:\..., \\server\share
    ("network address", r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b"),
    ("web or server address",
     r"\b(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|io|local|corp|internal|lan|intra|cloud|"
     r"ac\.uk|co\.uk|gov|edu|uk|de|fr|nl|eu|ie|au|ca|us|app|dev|biz|info)\b(?![\w-])"),
    ("program file", r"\b[\w-]+\.(?:exe|msi|dll|ps1|bat|cmd|sh|vbs|jar|pkg|dmg|cfg|conf|ini|"
                     r"ya?ml|json|xml|log|pst|ost|sql|py|js|csv)\b"),
    ("version number", r"(?<![\w.])(?:[vVR]\d+(?:\.\d+)+|\d+\.\d+\.\d+(?:\.\d+)?|"
                       r"\d+\.\d+[a-zA-Z]{1,3}|\d{2}H[12])(?![\w-]|\.\w)"),
    ("ticket number", r"\b(?:[A-Z]{2,5}\d{5,}|[A-Z]{2,5}-\d{3,})\b"),
    ("status code", r"\b[1-5]\d\d(?=\s+(?:errors?|error codes?|responses?|status|codes?)\b)"
                    r"|\b(?:HTTP|error|code|status)\s+[1-5]\d\d\b"),
    ("network port", r"\b(?:UDP|TCP|port|ports)\s+\d{2,5}\b"),
    ("command-line option", r"(?<![\w/-])(?:--?[A-Za-z][\w-]*[\w]|/(?:[a-z]{3,})(?![\w/.]))"
                            r"(?=[\s,.;:)]|$)"),
    ("code name", r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b"  # snake_case, E_MATNR_NOT_FOUND
                  r"|\b[A-Z][a-z]+(?:[A-Z][a-z0-9]+){2,}\b"),  # OutOfMemoryException
    ("server name", r"(?<![\w.-])[a-z]{2,}(?:-[a-z]+)*-?\d{1,3}[a-z]?(?![\w-]|\.\w)"),
)
SHAPE_RE = re.compile("|".join(f"(?P<g{n}>{pattern})" for n, (_, pattern) in enumerate(SHAPES)))
DATE_RE = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")
KINDS = tuple(kind for kind, _ in SHAPES)
# cheap test: most drafts hold no character that any shape needs
SHAPE_HINT_RE = re.compile(r"[/\\_.]\w|\d|\b[A-Z][a-z]+[A-Z]|(?<!\w)-\w")
# a short lower-case word with digits is often ordinary: "mp3", "a4", "covid19", "x2"
NOT_SERVER_NAMES = frozenset(["mp3", "mp4", "covid", "a4", "a3", "a5", "b2b", "h1", "h2", "q1",
                              "q2", "q3", "q4", "p1", "p2", "p3", "p4", "iphone"])


def find_shapes(prose: str) -> Iterator[tuple[int, int, str]]:
    if not SHAPE_HINT_RE.search(prose):
        return
    for m in SHAPE_RE.finditer(prose):
        kind = KINDS[int(m.lastgroup[1:])]
        if (kind == "server name" and _ordinary(m.group())) or \
                (kind == "version number" and DATE_RE.fullmatch(m.group())):
            continue
        if kind == "command-line option" and m.group().startswith("/") and \
                _looks_like_fraction(prose, m.start()):
            continue
        yield m.start(), m.end(), kind


def _ordinary(word: str) -> bool:
    letters = word.rstrip("0123456789")
    return word in NOT_SERVER_NAMES or letters in NOT_SERVER_NAMES or len(letters) < 2


def _looks_like_fraction(prose: str, start: int) -> bool:
    """"24/7", "and/or", "km/h" are not options; an option follows a space."""
    return start > 0 and not prose[start - 1].isspace()
