"""The lists in knowledge/jargon are data: check their shape so a bad edit fails early."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.jargon.matcher import Checker, term_key
from bot.jargon.terms import DATA_DIR, TermListError, load_lists, load_term_file

LISTS = load_lists()


def test_term_list_is_large_and_complete():
    assert len(LISTS.terms) >= 400
    for t in LISTS.terms:
        assert t.instead and t.why and t.category, t.term
    categories = Counter(t.category for t in LISTS.terms)
    for needed in ("erp", "manufacturing", "networking", "security", "data", "delivery"):
        assert categories[needed] >= 20, needed


def test_buzzwords_are_low_severity():
    assert len(LISTS.buzzwords) >= 50
    assert {b.severity for b in LISTS.buzzwords} == {"low"}


def test_no_term_is_listed_twice():
    keys = Counter(term_key(t.term) for t in (*LISTS.terms, *LISTS.buzzwords))
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_sense_cue_belongs_to_an_ambiguous_term():
    ambiguous = {term_key(t.term) for t in (*LISTS.terms, *LISTS.buzzwords) if t.sense}
    assert {c.term for c in LISTS.sense_cues} <= ambiguous
    for word in ("cloud", "cache", "patch", "migrate", "build", "instance", "node", "green"):
        assert word in ambiguous


def test_allowed_acronyms_are_upper_case():
    assert {"CEO", "HR", "OK", "USA"} <= LISTS.allowed_acronyms
    assert all(a == a.upper() for a in LISTS.allowed_acronyms)


def _other_trades_acronyms() -> set[str]:
    found: set[str] = set()
    in_trades = False
    for line in (DATA_DIR / "allowed-acronyms.txt").read_text("utf-8").splitlines():
        if line.startswith("#"):
            in_trades = line.startswith("# Trade:")
        elif in_trades:
            found.update(line.split())
    return found


def test_other_trades_acronyms_are_no_it_terms():
    trades = _other_trades_acronyms()
    assert {"ED", "MAR", "NEWS2", "PDQ", "SENCO", "COSHH", "HSBC"} <= trades
    listed = {form.upper() for t in (*LISTS.terms, *LISTS.buzzwords)
              for form in (t.term, *t.variants)}
    assert trades & listed == set()


def test_lists_compile_quickly_into_one_index():
    checker = Checker(LISTS)
    assert len(checker.index) > 5 * len(LISTS.terms)


def test_a_malformed_row_names_file_and_line(tmp_path):
    bad = tmp_path / "terms.csv"
    bad.write_text("term,variants,instead,why,category,severity,pos,sense\n"
                   "ok,,fine,why,data,high,n,\nbroken,,x,y,data,urgent,n,\n", encoding="utf-8")
    with pytest.raises(TermListError, match=r"terms.csv:3: severity"):
        load_term_file(bad, "term")


def test_nothing_indexable_at_the_top_of_knowledge():
    assert DATA_DIR.parent.name == "knowledge"
    assert not any(p.suffix in (".md", ".txt") for p in DATA_DIR.iterdir() if p.is_dir())
