"""Build knowledge/jargon/technical-vocabulary.tsv: words and two-word phrases that are far
more frequent in technical writing than in general English.

    apt-get install python3.11-doc debian-reference-en debian-handbook postgresql-doc-15 \
        apache2-doc haproxy-doc bind9-doc postfix-doc nodejs
    .venv/bin/pip install wordfreq botocore
    .venv/bin/python scripts/build_technical_vocabulary.py [--out PATH]

Technical text: the machine's English man pages, Python's documentation (reST sources),
the Debian Reference, the Debian Administrator's Handbook (en-US), and the manuals of
PostgreSQL, the Apache HTTP Server, HAProxy, BIND 9 and Postfix (operations vocabulary:
proxies, health checks, workers, queues, zones), Node.js's API documentation (Markdown,
code blocks left out), all installed offline by the packages above, and the API reference
of Amazon Web Services as botocore ships it (the documentation strings of the newest model
of each service: the vocabulary of cloud and enterprise operations, such as placement
groups, identity providers, health checks, reservations, draining). Missing sources are
skipped. General English:
`wordfreq`. For every word and two-word phrase the technical frequency is put on the same
Zipf scale as wordfreq (log10 of occurrences per billion words); the table keeps those at
least MIN_GAP (words) or MIN_PHRASE_GAP (phrases) above their English frequency, seen in
at least MIN_DOCS documents so one program's own names do not count. How the check uses
the figures is in docs/jargon.md ("Open vocabulary"). Words down to LEAN_GAP above English
are kept too: not technical on their own, they say whether a modifier leans technical
("replication factor", "heap size") or towards everyday business ("expenses portal").
Only the figures are shipped; no text of the sources is.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from wordfreq import zipf_frequency

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "knowledge" / "jargon" / "technical-vocabulary.tsv"
SOURCES = {
    "man pages": ("/usr/share/man", "man[1-8]/*.gz"),
    "Python documentation": ("/usr/share/doc/python3.11/html/_sources", "**/*.txt"),
    "Debian Reference": ("/usr/share/debian-reference", "*.en.html"),
    "Debian Administrator's Handbook": ("/usr/share/doc/debian-handbook/html/en-US", "*.html"),
    "PostgreSQL manual": ("/usr/share/doc/postgresql-doc-15/html", "*.html"),
    "Apache HTTP Server manual": ("/usr/share/doc/apache2-doc/manual/en", "**/*.html"),
    "HAProxy manual": ("/usr/share/doc/haproxy/html", "*.html"),
    "BIND 9 manual": ("/usr/share/doc/bind9-doc/arm", "*.html"),
    "Postfix manual": ("/usr/share/doc/postfix/html", "*.html"),
    "Node.js API documentation": ("/usr/share/doc/nodejs/api", "*.md"),
}
AWS = "AWS API reference (botocore)"
# The AWS reference is one vendor's documentation of its own services: it names their
# features in everyday words ("dashboards", "workspaces", "reservations"). It gives the
# lean of words and the last column of the table only; the technical figure, which
# decides whether a word or phrase is technical on its own, comes from the manuals.
VENDOR = frozenset([AWS])
WORD_RE = re.compile(r"[a-z]+(?:[-'\u2019][a-z]+)?")  # "wasn't" is one word, not "wasn"
POSSESSIVE_RE = re.compile(r"['\u2019]s\b")
LINE_BREAK_RE = re.compile(r"[.!?;:()\[\]{}<>=|,\"]|\n\s*\n")
ROFF_RE = re.compile(r"^[.'].*$|\\f[A-Z1-4P]|\\f\(..|\\[-&|^e(]|\\\*\(..|\\\*.|\\s[-+]?\d",
                     re.MULTILINE)
STOP_WORDS = """a an the and or of to in on at by for from with as is are was were be been
being it its this that these those which who whom whose what when where why how not no nor
but if then than so such can could may might must shall should will would do does did done
has have had having i you he she we they me him her us them my your his our their there here
all any each every some many much more most other another same own only also just very too
into onto over under about above below between through during before after again further
once both either neither one two three first second new use used using see e g i e etc via
per"""
STOP = frozenset(STOP_WORDS.split())
# Google Cloud's CLI installs some 16,000 generated reference pages of one program: left
# out, they would outvote every other source.
SKIP_PREFIXES = ("gcloud", "all.")  # Node's all.md repeats every other page
MIN_COUNT, MIN_PHRASE_COUNT, MIN_DOCS, MIN_PHRASE_DOCS = 40, 20, 5, 8
# wordfreq has no phrase counts: its estimate for "w1 w2" is near the rarer word's own
# frequency, far above the phrase's real one, so a small gap already marks a technical unit.
MIN_GAP, MIN_PHRASE_GAP = 1.0, 0.3
LEAN_GAP = 0.3  # words kept for their lean alone (see the module's docstring)
MIN_PMI = 6.0  # bits: a pair seen 64 times as often as its words' frequencies predict
PARTICLES = frozenset(["out", "up", "in", "off", "down", "over", "back", "on", "away"])
COMMON_ENGLISH = 4.5  # Zipf: as bot/jargon/vocabulary.py, too common to make a unit technical
FENCE_RE = re.compile(r"^```.*?^```|`[^`\n]*`", re.MULTILINE | re.DOTALL)


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "pre", "code"):
            self.skip += 1
        elif tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "dt", "dd", "div", "br"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "pre", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def read_text(path: Path) -> str:
    if path.suffix == ".md":
        return FENCE_RE.sub(" ", path.read_text(encoding="utf-8", errors="replace"))
    if path.suffix == ".gz":
        return ROFF_RE.sub(" ", gzip.open(path, "rt", encoding="utf-8", errors="replace").read())
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        parser = _TextOfHtml()
        parser.feed(raw)
        return "".join(parser.parts)
    return raw


def _documentation(node, out: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "documentation" and isinstance(value, str):
                out.append(value)
            else:
                _documentation(value, out)
    elif isinstance(node, list):
        for value in node:
            _documentation(value, out)


def aws_documents() -> Iterator[tuple[str, str]]:
    """One document per AWS service: the documentation strings of its newest model."""
    spec = importlib.util.find_spec("botocore")
    root = Path(spec.origin).parent / "data" if spec and spec.origin else None
    services = sorted(p for p in root.iterdir() if p.is_dir()) if root and root.is_dir() else []
    models = [max(found) for service in services
              if (found := sorted(service.glob("*/service-2.json.gz")))]
    print(f"{AWS}: {len(models)} services")
    for model in models:
        parts: list[str] = []
        with gzip.open(model, "rt", encoding="utf-8") as fh:
            _documentation(json.load(fh), parts)
        parser = _TextOfHtml()
        parser.feed("<p>".join(parts))
        yield AWS, "".join(parser.parts)


def documents() -> Iterator[tuple[str, str]]:
    yield from aws_documents()
    for name, (root, pattern) in SOURCES.items():
        folder = Path(root)
        files = sorted(p for p in folder.glob(pattern) if not p.name.startswith(SKIP_PREFIXES)) \
            if folder.is_dir() else []
        print(f"{name}: {len(files)} files")
        for path in files:
            try:
                yield name, read_text(path)
            except (OSError, EOFError, UnicodeError):
                continue


@dataclass
class Counts:
    """Word and phrase counts of the manuals and of the vendor reference, and in how many
    documents each term occurs."""

    words: dict[bool, Counter] = field(default_factory=lambda: {False: Counter(),
                                                                True: Counter()})
    phrases: dict[bool, Counter] = field(default_factory=lambda: {False: Counter(),
                                                                  True: Counter()})
    totals: Counter = field(default_factory=Counter)
    doc_freq: Counter = field(default_factory=Counter)

    def add(self, vendor: bool, text: str) -> None:
        words, phrases = self.words[vendor], self.phrases[vendor]
        seen: set[str] = set()
        for chunk in LINE_BREAK_RE.split(POSSESSIVE_RE.sub("", text.lower())):
            tokens = WORD_RE.findall(chunk)
            self.totals[vendor] += len(tokens)
            words.update(tokens)
            seen.update(tokens)
            pairs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)
                     if a not in STOP and b not in STOP and len(a) > 1 and len(b) > 1]
            phrases.update(pairs)
            seen.update(pairs)
        self.doc_freq.update(seen)


def count(docs: Iterator[tuple[str, str]]) -> Counts:
    counts = Counts()
    for name, text in docs:
        counts.add(name in VENDOR, text)
    return counts


def zipf(rate: float) -> float:
    """Zipf figure of a rate per word: log10 of uses per billion words (0 for none)."""
    return round(math.log10(rate * 1e9), 2) if rate else 0.0


def select(counts: dict[bool, Counter], totals: Counter, doc_freq: Counter, min_count: int,
           min_docs: int, gap: float, lean_gap: float | None = None
           ) -> list[tuple[str, float, float, int, float]]:
    """Terms whose Zipf figure in the manuals is `gap` or more above English, or whose
    figure in all the technical text (the vendor reference too) is `lean_gap` or more above
    it: (term, manuals, English, documents, all)."""
    manuals, vendor = counts[False], counts[True]
    rows = []
    for term, n in (manuals + vendor).items():
        if n < min_count or doc_freq[term] < min_docs or any(len(w) < 2 for w in term.split()):
            continue
        tech = zipf(manuals[term] / totals[False]) if totals[False] else 0.0
        both = zipf(n / (totals[False] + totals[True]))
        english = round(zipf_frequency(term, "en"), 2)
        if tech - english >= gap or (lean_gap is not None and both - english >= lean_gap):
            rows.append((term, tech, english, doc_freq[term], both))
    return sorted(rows, key=lambda r: r[2] - r[1])


def _noun_pair(first: str, second: str) -> bool:
    """Not an adverb first ("publicly accessible"), not a verb second ("swapped out",
    "request failed"), not two words too common to make a unit technical ("server error",
    "access management", "phone number")."""
    return not first.endswith("ly") and second not in PARTICLES and \
        not second.endswith("ed") and \
        min(zipf_frequency(first, "en"), zipf_frequency(second, "en")) < COMMON_ENGLISH


def units(counts: Counts) -> list[tuple[str, float, float, int, float, float]]:
    """Two-word units of technical writing ("health checks", "identity provider"): pairs
    seen MIN_PHRASE_COUNT times in MIN_PHRASE_DOCS documents whose words go together far
    more often than chance (pointwise mutual information, in bits, at least MIN_PMI).
    wordfreq has no phrase counts, so a unit is not compared with English: the check
    reports one only in a sentence that is technical already. (term, manuals, English,
    documents, all, PMI)."""
    words = counts.words[False] + counts.words[True]
    pairs = counts.phrases[False] + counts.phrases[True]
    total = counts.totals[False] + counts.totals[True]
    rows = []
    for pair, n in pairs.items():
        if n < MIN_PHRASE_COUNT or counts.doc_freq[pair] < MIN_PHRASE_DOCS:
            continue
        first, second = pair.split()
        if len(first) < 3 or len(second) < 3 or not _noun_pair(first, second):
            continue
        pmi = math.log2(n * total / (words[first] * words[second]))
        if pmi >= MIN_PMI:
            rows.append((pair, zipf(counts.phrases[False][pair] / counts.totals[False]),
                         round(zipf_frequency(pair, "en"), 2), counts.doc_freq[pair],
                         zipf(n / total), round(pmi, 1)))
    return sorted(rows, key=lambda r: -r[5])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    counts = count(documents())
    manuals, vendor = counts.totals[False], counts.totals[True]
    print(f"{manuals:,} words of manuals, {vendor:,} of the vendor reference")
    rows = select(counts.words, counts.totals, counts.doc_freq, MIN_COUNT, MIN_DOCS, MIN_GAP,
                  LEAN_GAP)
    rows += select(counts.phrases, counts.totals, counts.doc_freq, MIN_PHRASE_COUNT,
                   MIN_PHRASE_DOCS, MIN_PHRASE_GAP)
    kept = {row[0] for row in rows}
    rows += [row for row in units(counts) if row[0] not in kept]
    header = [
        "# Words and two-word phrases far more frequent in technical writing than in general",
        "# English. Made by scripts/build_technical_vocabulary.py from the machine's man pages,",
        "# Python's and Node.js's documentation, the Debian Reference and Handbook and the",
        "# manuals of PostgreSQL, Apache, HAProxy, BIND and Postfix (technical zipf), and the",
        "# same with the AWS API reference (all zipf: a word's lean), against wordfreq (data",
        "# CC BY-SA 4.0). Zipf scale: log10 of uses per billion words.",
        f"# {manuals:,} words of manuals, {vendor:,} of the AWS reference.",
        "# Then two-word units of technical writing, whatever their English figure, with the",
        f"# pointwise mutual information of their words (at least {MIN_PMI} bits).",
        "# term<TAB>technical zipf<TAB>english zipf<TAB>docs<TAB>all zipf[<TAB>pmi]",
    ]
    lines = ["\t".join(map(str, row)) for row in rows]
    args.out.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
