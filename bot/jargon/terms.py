"""Loading the jargon lists kept as data in `knowledge/jargon/`.

`terms.csv` and `buzzwords.csv` share one header:
term, variants (`|`-separated), instead (`;`-separated, first one used by the rewrite),
why (one line for the reader), category, severity (high/medium/low),
pos (n noun, v verb, nv both, x fixed form: how the term inflects),
sense ("" always technical; "tech" or "plain": has an everyday sense too, and this is
the default when the context cues in `sense-cues.csv` do not decide).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path

from bot.config import DEFAULT_KNOWLEDGE_DIR

DATA_DIR = DEFAULT_KNOWLEDGE_DIR / "jargon"  # the repository's lists

SEVERITIES = ("high", "medium", "low")
POS_TAGS = ("n", "v", "nv", "x")
SENSES = ("", "tech", "plain")
SENSE_WHERE = ("prev", "next", "near")


class TermListError(ValueError):
    """A row of a list file is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    variants: tuple[str, ...]
    instead: str
    why: str
    category: str
    severity: str
    pos: str = "n"
    sense: str = ""
    kind: str = "term"
    # parsed once here: every finding of the term carries them (a scan's hot path)
    alternatives: tuple[str, ...] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "alternatives",
                           tuple(a.strip() for a in self.instead.split(";") if a.strip()))

    @property
    def suggestion(self) -> str:
        """The alternative the rewrite uses; "" when there is none to substitute."""
        return self.alternatives[0] if self.alternatives else ""


@dataclass(frozen=True, slots=True)
class SenseCue:
    term: str  # normalised key of the term it applies to
    sense: str  # "tech" or "plain"
    where: str  # prev / next (strong cues) or near (weak: same sentence)
    cue: tuple[str, ...]  # lower-case tokens


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.lstrip().startswith("#"))
        yield from enumerate(csv.DictReader(lines), start=2)


def _term_from_row(row: dict[str, str], kind: str, where: str) -> Term:
    def field(name: str) -> str:
        return (row.get(name) or "").strip()

    term = field("term")
    severity = field("severity") or ("low" if kind == "buzzword" else "medium")
    pos = field("pos") or "n"
    sense = field("sense")
    if not term:
        raise TermListError(f"{where}: empty term")
    if severity not in SEVERITIES:
        raise TermListError(f"{where}: severity {severity!r} not one of {SEVERITIES}")
    if pos not in POS_TAGS:
        raise TermListError(f"{where}: pos {pos!r} not one of {POS_TAGS}")
    if sense not in SENSES:
        raise TermListError(f"{where}: sense {sense!r} not one of {SENSES}")
    variants = tuple(v.strip() for v in field("variants").split("|") if v.strip())
    return Term(term=term, variants=variants, instead=field("instead"), why=field("why"),
                category=field("category") or kind, severity=severity, pos=pos, sense=sense,
                kind=kind)


def load_term_file(path: Path, kind: str) -> list[Term]:
    return [_term_from_row(row, kind, f"{path.name}:{line}") for line, row in _rows(path)]


def load_sense_cues(path: Path) -> list[SenseCue]:
    from bot.jargon.tokens import normalise_phrase

    def cue_words(cue: str) -> tuple[str, ...]:
        # words of the cue; a trailing * matches any ending ("server*")
        return tuple(w.lower() for w in cue.replace("-", " ").split())

    cues = []
    for line, row in _rows(path):
        term = (row.get("term") or "").strip()
        sense = (row.get("sense") or "").strip()
        where = (row.get("where") or "").strip()
        cue = cue_words(row.get("cue") or "")
        if not term or sense not in ("tech", "plain") or where not in SENSE_WHERE or not cue:
            raise TermListError(f"{path.name}:{line}: need term, sense tech|plain, "
                                f"where prev|next|near and a cue")
        cues.append(SenseCue(" ".join(normalise_phrase(term)), sense, where, cue))
    return cues


def load_allowed_acronyms(path: Path) -> frozenset[str]:
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        words.update(w.upper() for w in line.split())
    return frozenset(words)


@dataclass(frozen=True)
class Lists:
    terms: tuple[Term, ...]
    buzzwords: tuple[Term, ...]
    allowed_acronyms: frozenset[str]
    sense_cues: tuple[SenseCue, ...]
    data_dir: Path = DATA_DIR


def jargon_dir(knowledge_dir: Path) -> Path:
    """`knowledge_dir/jargon`; a knowledge folder without jargon lists (a deployment that
    only brings its own texts) falls back to the repository's."""
    folder = Path(knowledge_dir) / "jargon"
    return folder if (folder / "terms.csv").is_file() else DATA_DIR


def load_lists(data_dir: Path = DATA_DIR) -> Lists:
    return Lists(
        terms=tuple(load_term_file(data_dir / "terms.csv", "term")),
        buzzwords=tuple(load_term_file(data_dir / "buzzwords.csv", "buzzword")),
        allowed_acronyms=load_allowed_acronyms(data_dir / "allowed-acronyms.txt"),
        sense_cues=tuple(load_sense_cues(data_dir / "sense-cues.csv")),
        data_dir=data_dir,
    )


@cache
def default_lists(knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR) -> Lists:
    """The lists of `knowledge_dir` (the repository's by default), loaded once."""
    return load_lists(jargon_dir(knowledge_dir))
