"""Property-based tests: offsets always valid and pointing at the term; never a crash."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.jargon import acronyms, check, format_text, shapes

PIECES = ["ERP", "go-live", "go live", "API", "APIs", "latency", "hotfix", "rolled it back",
          "cloud", "cloud of", "migrate", "patched", "the build", "instance", "(MES)",
          "manufacturing execution system", "QXZ", "`code`", "```block```", "<@U1>",
          "<#C1|general>", ":tada:", "https://x.io/API", "Q3", "CEO", " ", "\n", ".", ",",
          "-", "(", ")", "é", "👋", "\u2019s", "SKUs", "OLAP cube", "fail over", "MFA"]

prose = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)
anything = st.one_of(st.text(max_size=400), prose,
                     st.lists(st.one_of(st.text(max_size=8), st.sampled_from(PIECES)),
                              max_size=30).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything)
def test_offsets_are_valid_sorted_and_point_at_the_term(text):
    report = check(text)
    previous_start = -1
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.term
        assert f.start >= previous_start
        previous_start = f.start
    data = report.to_json()
    assert data["text"] == text
    assert data["density"] >= 0.0
    assert isinstance(report.rewrite, str)
    format_text(report)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=20).map(" ".join))
def test_findings_do_not_overlap(text):
    findings = check(text).findings
    for a, b in zip(findings, findings[1:], strict=False):
        assert a.end <= b.start


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["ERP", "latency", "go-live", "API"]), st.text(max_size=60))
def test_markup_around_a_term_never_shifts_offsets(term, filler):
    text = f"<@U1> `{filler.replace('`', '')}` :tada: the {term} now"
    for f in check(text).findings:
        assert text[f.start:f.end] == f.term


# The readable forms of two patterns written for speed: each fast pattern must find what
# its readable form finds (tokens with a shape trigger; mixed-case acronyms).
READABLE_TRIGGER = re.compile(r"[\d/\\_=]|\.\w|[a-z][A-Z]|(?<!\S)-")
READABLE_MIXED_CASE = re.compile(r"(?<![^\W_])[A-Z]{1,2}[a-z]{1,2}[A-Z]{1,2}s?(?![^\W_])")
shape_text = st.text(alphabet="aAbBsS0&_-./=\\ \t\n,;(\"'é", max_size=40)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(shape_text, anything))
def test_fast_shape_triggers_cut_the_tokens_the_readable_pattern_cuts(text):
    assert shapes._tokens(text) == shapes._tokens(text, READABLE_TRIGGER)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(shape_text, anything))
def test_fast_mixed_case_pattern_matches_where_the_readable_one_does(text):
    spans = [m.span() for m in acronyms.MIXED_CASE_RE.finditer(text)]
    assert spans == [m.span() for m in READABLE_MIXED_CASE.finditer(text)]

