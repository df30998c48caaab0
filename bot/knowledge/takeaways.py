"""Data kept beside the texts, per passage, in tab-separated files named after the text:
- `knowledge/takeaways/<text's stem>.tsv`: one plain takeaway per passage (paragraph
  number, the passage's first words, the takeaway);
- `knowledge/questions/<text's stem>.tsv`: questions people ask that the passage answers,
  one per row, in the same columns (matched against a person's ask to find the passage).

The first words are checked, so an edited text never pairs a passage with another
passage's rows: a row that no longer fits is left out, with a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.text import squash

log = logging.getLogger(__name__)

TAKEAWAYS, QUESTIONS = "takeaways", "questions"
Rows = dict[int, tuple[str, list[str]]]  # ¶N -> (first words, values in file order)


def companion_path(source: Path, kind: str) -> Path:
    return source.parent / kind / f"{source.stem}.tsv"


def companion_files(source: Path) -> list[Path]:
    """The data files of `source` that exist (their edits re-index the text)."""
    return [p for p in (companion_path(source, k) for k in (TAKEAWAYS, QUESTIONS))
            if p.is_file()]


def _load_rows(path: Path) -> Rows | None:
    if not path.is_file():
        return None
    rows: Rows = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            log.warning("%s:%d: expected ¶N, first words, text (tab-separated)", path, n)
            continue
        first_words, values = rows.setdefault(int(parts[0]), (parts[1].strip(), []))
        values.append(parts[2].strip())
    return rows


def load_takeaways(source: Path) -> Rows | None:
    """¶N -> (first words, [takeaway]); None when the text has no takeaways file."""
    return _load_rows(companion_path(source, TAKEAWAYS))


def load_questions(source: Path) -> Rows | None:
    """¶N -> (first words, questions); None when the text has no questions file."""
    return _load_rows(companion_path(source, QUESTIONS))


def rows_for(rows: Rows | None, ord_: int, text: str, source: Path, kind: str) -> list[str]:
    """The values of passage ¶`ord_` whose text is `text`; [] when there are none."""
    if not rows or ord_ not in rows:
        return []
    first_words, values = rows[ord_]
    if not squash(text).lower().startswith(squash(first_words).lower()):
        log.warning("%s: ¶%d no longer starts with %r; its rows are left out",
                    companion_path(source, kind), ord_, first_words)
        return []
    return values


def takeaway_for(rows: Rows | None, ord_: int, text: str, source: Path) -> str:
    """The takeaway of passage ¶`ord_` whose text is `text`, "" when there is none."""
    return " ".join(rows_for(rows, ord_, text, source, TAKEAWAYS))
