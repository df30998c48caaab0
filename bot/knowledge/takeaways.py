"""Plain takeaways kept as data beside the texts: `knowledge/takeaways/<text's stem>.tsv`,
one row per passage (paragraph number, the passage's first words, the takeaway).

The first words are checked, so an edited text never pairs a passage with another
passage's takeaway: a row that no longer fits is left out, with a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.text import squash

log = logging.getLogger(__name__)


def takeaways_path(source: Path) -> Path:
    return source.parent / "takeaways" / f"{source.stem}.tsv"


def load_takeaways(source: Path) -> dict[int, tuple[str, str]] | None:
    """¶N -> (first words, takeaway); None when the text has no takeaways file."""
    path = takeaways_path(source)
    if not path.is_file():
        return None
    rows: dict[int, tuple[str, str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            log.warning("%s:%d: expected ¶N, first words, takeaway (tab-separated)", path, n)
            continue
        rows[int(parts[0])] = (parts[1].strip(), parts[2].strip())
    return rows


def takeaway_for(rows: dict[int, tuple[str, str]] | None, ord_: int, text: str,
                 source: Path) -> str:
    """The takeaway of passage ¶`ord_` whose text is `text`, "" when there is none."""
    if not rows or ord_ not in rows:
        return ""
    first_words, takeaway = rows[ord_]
    if not squash(text).lower().startswith(squash(first_words).lower()):
        log.warning("%s: ¶%d no longer starts with %r; its takeaway is left out",
                    takeaways_path(source), ord_, first_words)
        return ""
    return takeaway
