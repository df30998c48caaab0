"""The independent labellings behind the blind-set figures, and the bench's pooling of them.

Each second labelling must name, for every draft of the sets it covers, terms that stand in
that draft's text exactly: a term that does not would silently count as a miss or as no
label at all.
"""

from __future__ import annotations

import json

import pytest

from bench.bench_jargon import gap_interval, recall
from bench.bench_labellers import DATA, LABELS, SECOND_LABELS, _majority_spans, _summed


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("file_name", sorted(SECOND_LABELS))
def test_every_labelled_term_stands_in_its_draft(file_name: str) -> None:
    texts = {row["id"]: row["text"] for name in SECOND_LABELS[file_name]
             for row in _rows(f"{name}.jsonl")}
    labelled = _rows(file_name)
    assert {row["id"] for row in labelled} == set(texts)
    for row in labelled:
        for kind in LABELS:
            missing = [term for term in row[kind] if term not in texts[row["id"]]]
            assert not missing, (row["id"], kind, missing)


def _row(text: str, *flags: str) -> dict:
    return {"text": text, "flag": list(flags), "either": [], "ok": []}


def test_majority_keeps_what_most_labellers_flag() -> None:
    text = "The VPN gateway failed over to the spare node."
    labellings = [[_row(text, "VPN gateway", "node")], [_row(text, "VPN", "failed over")],
                  [_row(text, "VPN gateway")]]
    [spans] = _majority_spans(labellings)
    assert [text[a:b] for a, b in spans] == ["VPN", "VPN gateway"]


def test_pooled_recall_counts_every_labeller_on_the_chosen_drafts() -> None:
    first = [(1.0, 2), (0.0, 1)]
    second = [(2.0, 2), (1.0, 1)]
    assert recall(_summed([first, second])) == pytest.approx(4 / 6)
    assert recall([_summed([first, second])[1]] * 2) == pytest.approx(2 / 4)


def test_pooled_gap_interval_holds_the_gap() -> None:
    tuned = _summed([[(2.0, 2)] * 20 + [(1.0, 2)] * 20, [(2.0, 2)] * 30 + [(0.0, 2)] * 10])
    blind = _summed([[(1.0, 2)] * 15, [(2.0, 2)] * 5 + [(0.0, 2)] * 10])
    low, high = gap_interval(tuned, blind, rounds=400)
    gap = recall(tuned) - recall(blind)
    assert low < gap < high
    assert low > 0
