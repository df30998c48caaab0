"""Build knowledge/jargon/technical-vocabulary.tsv: words and two-word phrases that are far
more frequent in technical writing than in general English.

    apt-get install python3.11-doc debian-reference-en debian-handbook postgresql-doc-15 \
        apache2-doc haproxy-doc bind9-doc postfix-doc
    .venv/bin/pip install wordfreq
    .venv/bin/python scripts/build_technical_vocabulary.py [--out PATH]

Technical text: the machine's English man pages, Python's documentation (reST sources),
the Debian Reference, the Debian Administrator's Handbook (en-US), and the manuals of
PostgreSQL, the Apache HTTP Server, HAProxy, BIND 9 and Postfix (operations vocabulary:
proxies, health checks, workers, queues, zones), all installed offline by the packages
above (missing ones are skipped). General English:
`wordfreq`. For every word and two-word phrase the technical frequency is put on the same
Zipf scale as wordfreq (log10 of occurrences per billion words); the table keeps those at
least MIN_GAP (words) or MIN_PHRASE_GAP (phrases) above their English frequency, seen in
at least MIN_DOCS documents so one program's own names do not count. How the check uses
the figures is in docs/jargon.md ("Open vocabulary"). Only the figures are
shipped; no text of the sources is.
"""

from __future__ import annotations

import argparse
import gzip
import math
import re
from collections import Counter
from collections.abc import Iterator
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
}
WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)?")
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
SKIP_PREFIXES = ("gcloud",)
MIN_COUNT, MIN_PHRASE_COUNT, MIN_DOCS, MIN_PHRASE_DOCS = 40, 20, 5, 8
# wordfreq has no phrase counts: its estimate for "w1 w2" is near the rarer word's own
# frequency, far above the phrase's real one, so a small gap already marks a technical unit.
MIN_GAP, MIN_PHRASE_GAP = 1.0, 0.3


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
    if path.suffix == ".gz":
        return ROFF_RE.sub(" ", gzip.open(path, "rt", encoding="utf-8", errors="replace").read())
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        parser = _TextOfHtml()
        parser.feed(raw)
        return "".join(parser.parts)
    return raw


def documents() -> Iterator[tuple[str, str]]:
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


def count(docs: Iterator[tuple[str, str]]) -> tuple[Counter, Counter, Counter, int]:
    words, phrases, doc_freq = Counter(), Counter(), Counter()
    total = 0
    for _, text in docs:
        seen: set[str] = set()
        for chunk in LINE_BREAK_RE.split(text.lower()):
            tokens = WORD_RE.findall(chunk)
            total += len(tokens)
            words.update(tokens)
            seen.update(tokens)
            pairs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)
                     if a not in STOP and b not in STOP and len(a) > 1 and len(b) > 1]
            phrases.update(pairs)
            seen.update(pairs)
        doc_freq.update(seen)
    return words, phrases, doc_freq, total


def zipf(n: int, total: int) -> float:
    return math.log10(n / total * 1e9)


def select(counts: Counter, doc_freq: Counter, total: int, min_count: int, min_docs: int,
           gap: float) -> list[tuple[str, float, float, int]]:
    rows = []
    for term, n in counts.items():
        if n < min_count or doc_freq[term] < min_docs or any(len(w) < 2 for w in term.split()):
            continue
        tech = zipf(n, total)
        english = zipf_frequency(term, "en")
        if tech - english >= gap:
            rows.append((term, round(tech, 2), round(english, 2), doc_freq[term]))
    return sorted(rows, key=lambda r: r[2] - r[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    words, phrases, doc_freq, total = count(documents())
    print(f"{total:,} words of technical text")
    rows = select(words, doc_freq, total, MIN_COUNT, MIN_DOCS, MIN_GAP)
    rows += select(phrases, doc_freq, total, MIN_PHRASE_COUNT, MIN_PHRASE_DOCS, MIN_PHRASE_GAP)
    header = [
        "# Words and two-word phrases far more frequent in technical writing than in general",
        "# English. Made by scripts/build_technical_vocabulary.py from the machine's man pages,",
        "# Python's documentation, the Debian Reference and Handbook and PostgreSQL's manual,",
        "# against wordfreq (data CC BY-SA 4.0). Zipf scale: log10 of uses per billion words.",
        f"# {total:,} words of technical text. term<TAB>technical zipf<TAB>english zipf<TAB>docs",
    ]
    lines = [f"{t}\t{tech}\t{eng}\t{docs}" for t, tech, eng, docs in rows]
    args.out.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
