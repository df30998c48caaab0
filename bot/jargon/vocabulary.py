"""Open vocabulary: technical words no list names, found by how much more often technical
writing uses them than general English (`technical-vocabulary.tsv`, built by
`scripts/build_technical_vocabulary.py`), and product names found by their look and their
neighbours.

Three tiers, from the table's two Zipf figures (technical, English):
- rare: rare in English (below RARE_ENGLISH) and far more frequent in technical text:
  reported wherever it stands ("hypervisor", "failover");
- leaning: an everyday word with a strong technical lean ("queue", "kernel", "schema"):
  reported only where the sentence holds other technical findings, marked uncertain;
- phrases: two words that technical text uses as one unit ("connection string"), and
  two adjacent words that both lean technical ("database replica", "storage arrays").
Words in `everyday-it-words.txt` (login, backup, folder ...) are never reported by the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.jargon.tokens import ing_forms, past_forms, word_set

RARE_ENGLISH = 3.0  # Zipf: about once per million words
LEANING_ENGLISH = 4.0
COMMON_ENGLISH = 4.5  # "user", "file": too common to make a phrase technical on their own
MIN_WORD_GAP = 1.5  # technical Zipf at least this much above the English one
TECHNICAL_GAP = 1.0  # a word this much above English leans technical (the table keeps less)
MIN_PHRASE_GAP = 0.3  # as the table's script keeps phrases
# A unit ("health checks") whose technical figure is this far below wordfreq's estimate
# for the pair (near its rarer word's own figure) is an everyday pair ("large amount").
UNIT_GAP = -0.3
UNKNOWN_NAME_ZIPF = 2.6  # a capitalised word rarer than this in English is a name to explain
VOCABULARY_FILE = "technical-vocabulary.tsv"
VERBS_FILE = "it-verbs.txt"
PARTICLES = frozenset(["back", "over", "up", "down", "out", "re", "de"])

# Nouns that, right after an unknown name, say the name is a piece of IT: "GlobalProtect
# client", "KACE agent", "Okta tile".
IT_CUE_NOUNS = word_set("""
agent agents client clients gateway gateways server servers tile tiles portal console
profile profiles driver drivers platform plugin plugins extension extensions connector
connectors engine script scripts module trigger triggers tenant cluster instance
instances appliance appliances controller controllers firewall proxy hybrid farm relay
suite sensor dashboard
""")


# After a name everyone knows, only these make it a technical part of the product: "Zoom
# client", "Outlook profile", "Exchange 2016 server" (but "Teams channel", "Okta tile").
COMPONENT_NOUNS = word_set("""client clients agent agents gateway server servers profile
profiles driver drivers plugin plugins connector connectors engine script scripts module
trigger triggers tenant cluster instance instances appliance hybrid farm relay""")


@dataclass(frozen=True)
class Vocabulary:
    rare: frozenset[str] = frozenset()
    leaning: frozenset[str] = frozenset()
    phrases: frozenset[tuple[str, str]] = frozenset()
    everyday: frozenset[str] = frozenset()
    allowed: frozenset[str] = frozenset()  # acronyms everyone knows, lower case ("dfe")
    products: frozenset[tuple[str, ...]] = frozenset()  # lower-case words of known names
    product_words: frozenset[str] = frozenset()  # every word of a known name
    technical: frozenset[str] = frozenset()  # every word with a technical lean
    strong: frozenset[str] = frozenset()  # a strong lean, however common in English
    lean: Mapping[str, float] = field(default_factory=dict)  # technical minus English Zipf
    units: frozenset[tuple[str, str]] = frozenset()  # pairs technical writing uses as one
    # a unit's second word, singular and plural -> the first words it forms a unit with
    unit_mods: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # IT verbs: each form as its words ("rolled", "back") -> the verb's base form
    verbs: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    _openers: frozenset[str] = frozenset()
    _verb_openers: frozenset[str] = frozenset()

    @property
    def verb_openers(self) -> frozenset[str]:
        """First words of the IT verbs' forms: the only places a verb can start."""
        return self._verb_openers

    @property
    def phrase_openers(self) -> frozenset[str]:
        """Words that can open a technical phrase: the only ones worth a pair look-up."""
        return self._openers


def _words_file(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def _table(path: Path) -> tuple[set[str], set[str], set[tuple[str, str]], set[str], set[str],
                              dict[str, float], set[tuple[str, str]]]:
    rare: set[str] = set()
    leaning: set[str] = set()
    phrases: set[tuple[str, str]] = set()
    technical: set[str] = set()  # every word of the table: halves of technical compounds
    strong: set[str] = set()  # words at least MIN_WORD_GAP above English, however common
    lean: dict[str, float] = {}  # every word of the table: how far above English
    units: set[tuple[str, str]] = set()
    if not path.is_file():
        return rare, leaning, phrases, technical, strong, lean, units
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            term, technical_zipf, english, _, *more = line.rstrip("\n").split("\t")
            parts = term.replace("-", " ").split()
            gap = float(technical_zipf) - float(english)
            if len(parts) == 1 and len(term) > 2:
                lean[term] = max([gap] + [float(z) - float(english) for z in more[:1]])
            if len(more) > 1:  # a unit of technical writing ("health checks")
                if len(parts) == 2 and float(more[0]) - float(english) >= UNIT_GAP:
                    units.add((parts[0], parts[1]))
                continue
            if gap < MIN_PHRASE_GAP:
                continue  # kept for its lean only
            if len(parts) == 2:
                phrases.add((parts[0], parts[1]))
            elif len(parts) == 1 and len(term) > 2 and gap >= TECHNICAL_GAP:
                technical.add(term)
            if len(parts) == 1 and len(term) > 2 and gap >= MIN_WORD_GAP:
                if float(english) < COMMON_ENGLISH:
                    strong.add(term)
                tier = rare if float(english) < RARE_ENGLISH else leaning
                if float(english) < LEANING_ENGLISH:
                    tier.add(term)
    return rare, leaning, phrases, technical, strong, lean, units


def _by_head(units: set[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each unit's second word, also in the other number, to the first words before it."""
    mods: dict[str, set[str]] = {}
    for first, head in units:
        for form in {head, head + "s", head.removesuffix("s")}:
            mods.setdefault(form, set()).add(first)
    return {head: frozenset(firsts) for head, firsts in mods.items()}


def _verb_forms(words: list[str]) -> set[tuple[str, ...]]:
    """Every inflection of a verb given as words: the verb word inflects, particles and
    prefixes do not; a one-word verb only in its -ed and -ing forms."""
    verb = next(i for i, w in enumerate(words) if w not in PARTICLES)
    base = words[verb]
    forms = past_forms(base) | ing_forms(base)
    if len(words) > 1:
        forms |= {base, base + "s"}
    return {tuple(words[:verb] + [form] + words[verb + 1:]) for form in forms}


def _verbs(path: Path) -> dict[tuple[str, ...], str]:
    verbs: dict[tuple[str, ...], str] = {}
    for line in _words_file(path):
        base, *irregular = [part.strip().lower() for part in line.split("|")]
        forms = _verb_forms(base.split()) | {tuple(form.split()) for form in irregular}
        verbs.update((form, base) for form in forms)
    return verbs


@cache
def load_vocabulary(data_dir: Path) -> Vocabulary:
    rare, leaning, phrases, technical, strong, lean, units = _table(data_dir / VOCABULARY_FILE)
    verbs = _verbs(data_dir / VERBS_FILE)
    everyday = frozenset(w.lower() for line in _words_file(data_dir / "everyday-it-words.txt")
                         for w in line.split())
    products = {tuple(name.lower().replace("-", " ").split())
                for name in _words_file(data_dir / "known-products.txt")}
    allowed = {w.lower() for line in _words_file(data_dir / "allowed-acronyms.txt")
               for w in line.split()}
    product_words = frozenset(w for p in products for w in p)
    known = everyday | allowed | product_words
    return Vocabulary(
        rare=frozenset(rare - known), leaning=frozenset(leaning - known),
        phrases=frozenset(p for p in phrases if not (set(p) & allowed)), everyday=everyday,
        allowed=frozenset(allowed),
        products=frozenset(products), product_words=product_words,
        technical=frozenset(technical - known), strong=frozenset(strong - known),
        lean={w: gap for w, gap in lean.items() if w not in known},
        units=frozenset(u for u in units if not set(u) & known),
        unit_mods=_by_head({u for u in units if not set(u) & known}),
        verbs=verbs, _verb_openers=frozenset(form[0] for form in verbs),
        _openers=frozenset({a for a, _ in phrases} | (technical - known)))
