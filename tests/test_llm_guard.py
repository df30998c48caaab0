"""The grounding guard and the rewrite guard: one test per rejection reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.llm.grounded import renumber
from bot.llm.guard import (
    GuardRejected,
    StreamWatch,
    check_answer,
    check_rewrite,
    cited_passages,
    is_cut_off,
    is_explained,
    is_repetitive,
    kept_facts,
)

GOOD = ("Meet each department head before the ERP choice and ask what slows their team "
        "down [1]. Let them own the requirements, so the choice is theirs too [2].")


def test_a_grounded_answer_passes():
    assert check_answer(GOOD, passages=2) is None


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("   \n ", "empty"),
    ("x [1]. " * 400, "too long"),
    ("Involve them early [1].\nInvolve them early [1].\nInvolve them early [1].", "repetitive"),
    ("Talk to them. " + "the business needs the system to work " * 3 + "[1].", "repetitive"),
    ("Meet them weekly [1]. Let them own it [7].", "cites unknown passage [7]"),
    ("Meet them weekly [0].", "cites unknown passage [0]"),
    ("Meet them weekly. Let them own the requirements.", "no citation"),
    ("Meet them weekly (1). Let them own the requirements.", "no citation"),
    ("Meet them weekly [1]. Let them own the requirements and", "cut off"),
])
def test_each_rejection_reason(text, reason):
    assert check_answer(text, passages=2) == reason


def test_stopped_by_the_token_limit_is_cut_off_even_after_a_full_stop():
    assert check_answer(GOOD, passages=2, finish_reason="length") == "cut off"
    assert check_answer(GOOD, passages=2, finish_reason="stop") is None


def test_length_limit_is_a_parameter():
    assert check_answer(GOOD, passages=2, max_chars=50) == "too long"


def test_citation_forms():
    assert cited_passages("a [2] b [1, 3] c [4-5] d [2]") == [2, 1, 3, 4, 5]
    assert cited_passages("no markers here, not even (1)") == []


def test_complete_endings():
    assert not is_cut_off("Meet them weekly [1].")
    assert not is_cut_off('They said "own it." [2]')
    assert not is_cut_off("Two steps:\n- meet them weekly [1]\n- let them own it [2]")
    assert is_cut_off("Meet them weekly and [1]")


def test_varied_prose_is_not_repetitive():
    assert not is_repetitive(GOOD)
    assert not is_repetitive("The business owns the choice. The business also owns the "
                             "budget, and the team owns the delivery.")


def test_renumbering_follows_the_cited_passages():
    assert renumber("Own it [3]. Meet them [1]. Both [1, 3].", [3, 1]) == \
        "Own it [2]. Meet them [1]. Both [1, 2]."


def test_stream_watch_stops_a_repetitive_stream_early_and_forwards_pieces():
    seen: list[str] = []
    watch = StreamWatch(seen.append, max_chars=2000)
    line = "You need to get the department heads involved early.\n"
    with pytest.raises(GuardRejected, match="repetitive"):
        for _ in range(20):
            watch(line)
    assert 1 <= len(seen) < 20


def test_a_failing_consumer_stops_streaming_but_not_the_answer(caplog):
    calls: list[str] = []

    def consumer(piece: str) -> None:
        calls.append(piece)
        raise RuntimeError("chat.update failed")

    watch = StreamWatch(consumer, max_chars=2000)
    for word in ("Meet ", "them ", "weekly ", "[1]."):
        watch(word)
    assert calls == ["Meet "] and watch.text == "Meet them weekly [1]."
    assert "streaming consumer failed" in caplog.text


def test_stream_watch_stops_at_the_length_limit():
    watch = StreamWatch(None, max_chars=100)
    with pytest.raises(GuardRejected, match="too long"):
        for word in ("alpha beta gamma delta epsilon zeta eta theta iota kappa " * 5).split():
            watch(word + " ")


# --- rewrite guard -----------------------------------------------------------------

DRAFT = ("Hi Maria, on Monday 3 March we move the ERP to the cloud. "
         "Finance keeps 15% of the 2026 budget for Q3.")
FLAGGED = ["ERP", "cloud"]
PLAIN = ("Hi Maria, on Monday 3 March we move the system that runs orders and invoices to "
         "rented servers. Finance keeps 15% of the 2026 budget for Q3.")


def test_facts_a_rewrite_must_keep():
    numbers, names = kept_facts(DRAFT, FLAGGED)
    assert numbers == ["3", "15", "2026"]
    assert names == ["Maria", "Monday", "March"]  # "Hi" and "Finance" open sentences


def test_a_plain_rewrite_passes():
    assert check_rewrite(DRAFT, PLAIN, FLAGGED, still_flagged=[]) is None


@pytest.mark.parametrize("rewrite, still_flagged, reason", [
    ("", [], "empty"),
    (PLAIN * 3, [], "too long"),
    (PLAIN.replace("15%", "a share"), [], "drops 15"),
    (PLAIN.replace("2026", "this year's"), [], "drops 2026"),
    (PLAIN.replace("Maria", "there"), [], 'drops "Maria"'),
    (PLAIN.replace("Monday ", ""), [], 'drops "Monday"'),
    (PLAIN.replace("rented servers", "the cloud"), ["cloud"], "keeps jargon: cloud"),
    ("We move it. " * 3 + PLAIN, [], "repetitive"),
])
def test_each_rewrite_rejection_reason(rewrite, still_flagged, reason):
    assert check_rewrite(DRAFT, rewrite, FLAGGED, still_flagged) == reason


def test_a_flagged_term_may_stay_when_explained():
    explained = PLAIN.replace("rented servers", "the cloud (servers we rent)")
    assert is_explained(explained, "cloud")
    assert check_rewrite(DRAFT, explained, FLAGGED, still_flagged=["cloud"]) is None


def test_a_rewrite_stopped_by_the_token_limit_is_cut_off():
    assert check_rewrite(DRAFT, PLAIN, FLAGGED, [], finish_reason="length") == "cut off"


# --- properties ---------------------------------------------------------------------

REASON_PREFIXES = ("empty", "too long", "repetitive", "cites unknown passage [", "no citation",
                   "cut off")
model_text = st.lists(st.sampled_from(list("ab [],-–1234567890.!?\n\"()") + ["the ", "ERP "]),
                      max_size=150).map("".join)


@settings(max_examples=300, deadline=None)
@given(model_text, st.integers(min_value=1, max_value=6))
def test_check_answer_always_gives_a_verdict(text, passages):
    reason = check_answer(text, passages)
    assert reason is None or reason.startswith(REASON_PREFIXES)
    if reason is None:  # what passes cites something, and only what it was given
        cited = cited_passages(text)
        assert cited and all(1 <= n <= passages for n in cited)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=6, unique=True))
def test_renumbered_markers_count_from_one(cited):
    text = " ".join(f"Claim {n} [{n}]." for n in cited)
    out = renumber(text, cited)
    assert sorted(cited_passages(out)) == list(range(1, len(cited) + 1))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_check_rewrite_never_raises(draft, rewrite):
    reason = check_rewrite(draft, rewrite, ["ERP"], [])
    assert reason is None or isinstance(reason, str)
