"""Source texts split into passages: a heading belongs with the paragraph it introduces,
and each passage keeps a locator a person can follow ("Title › Section › ¶N")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_HEADING_CHARS = 100


@dataclass
class Passage:
    ord: int  # paragraph number within the document, from 1
    section: str
    text: str


_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+\S")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BULLET = re.compile(r"^[\s•\-*·]+")


def _blocks(text: str) -> list[str]:
    """Paragraphs: runs of non-blank lines, whitespace inside folded."""
    return [re.sub(r"\s*\n\s*", " ", b).strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def _is_heading(blocks: list[str], i: int) -> bool:
    block = blocks[i]
    if _MD_HEADING.match(block):
        return True
    if len(block) > MAX_HEADING_CHARS or i + 1 >= len(blocks):
        return False
    if not block.rstrip().endswith((".", "?", "!", ":", '"')):
        return True
    # A short sentence standing alone before a longer paragraph (or before another
    # heading) introduces it.
    nxt = blocks[i + 1]
    return len(block) < 60 and (len(nxt) > 2 * len(block) or _is_heading(blocks, i + 1))


def _heading_label(block: str) -> str:
    return _BULLET.sub("", _MD_HEADING.sub("", block)).strip()


def _numbered_section(block: str) -> str:
    """'2. Never use professional terms. As a CIO...' -> '2. Never use professional terms'."""
    first = re.split(r"(?<=[.!?])\s", block[3:], maxsplit=1)[0]
    return (block[:3] + first).rstrip(".").strip()


def title_of(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return _heading_label(line)[:200] or fallback
    return fallback


def split_passages(text: str) -> Iterator[Passage]:
    """Headings join the paragraph they introduce; the title line itself is skipped."""
    blocks = _blocks(text)[1:]  # the first block is the title
    pending: list[str] = []
    section = ""
    ord_ = 0
    for i, block in enumerate(blocks):
        if _is_heading(blocks, i):
            label = _heading_label(block)
            if label and label.lower() != "detail":
                if not pending:  # the first of a run of headings names the section
                    section = label
                pending.append(label)
            continue
        if _NUMBERED.match(block):
            section = _numbered_section(block)
        ord_ += 1
        yield Passage(ord=ord_, section=section, text="\n".join([*pending, block]))
        pending = []
    if pending:  # trailing headings with no paragraph still hold words worth finding
        ord_ += 1
        yield Passage(ord=ord_, section=section, text="\n".join(pending))


def locator(title: str, section: str, ord_: int) -> str:
    parts = [title] + ([section] if section and section != title else []) + [f"¶{ord_}"]
    return " › ".join(parts)
