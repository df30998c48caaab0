"""How far two careful labellers differ, beside the jargon check, on the same drafts.

    python -m bench.bench_labellers

`tests/data/second-labels-blind6-blind7.jsonl` holds a second labelling of the drafts of
`drafts_blind6` and `drafts_blind7`; `tests/data/second-labels-real-blind3.jsonl` and
`tests/data/second-labels-real-blind3-b.jsonl`, `-c.jsonl` and `-d.jsonl` four more of
`drafts_real` (the tuning set) and `drafts_blind3` (the blind set), by four other helpers;
`tests/data/second-labels-real5-real10.jsonl` one of the six tuning sets helpers wrote
(400 drafts shuffled together, a third each to three more helpers). Each helper saw only
the labelling rules and the texts (never the first labels, the code or the lists); those
given two sets or more had their drafts shuffled together, not knowing which was which. With one
labeller for both, the real-style and blind figures compare like with like. Each labelling
is scored against the other as the bench scores the check (a finding counts for a term
when their spans overlap), and the check against both. Then, for the check's misses and
its must-not-flag hits against the first labels, what the second labeller called them.
For the real-style and blind sets, the recall gap between them three ways (the check
against each set's own labels, the check against the one labeller, the labeller's own
flags against each set's own labels), each with a 95% bootstrap interval: with a few dozen
drafts a set, chance alone moves a gap by several hundredths. Last, the same three pooled
over every labeller of both sets, and the gap of what most of them flag: a careful
person's flags, scored as the check is scored, beside the check's.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bench.bench_jargon import (
    BOOTSTRAP_ROUNDS,
    _spans,
    gap_interval,
    hits_per_draft,
    our_spans,
    recall,
    score,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SECOND_LABELS = {"second-labels-blind6-blind7.jsonl": ("drafts_blind6", "drafts_blind7"),
                 "second-labels-real-blind3.jsonl": ("drafts_real", "drafts_blind3"),
                 "second-labels-real-blind3-b.jsonl": ("drafts_real", "drafts_blind3"),
                 "second-labels-real-blind3-c.jsonl": ("drafts_real", "drafts_blind3"),
                 "second-labels-real-blind3-d.jsonl": ("drafts_real", "drafts_blind3"),
                 "second-labels-real5-real10.jsonl": tuple(f"drafts_real{n}" for n in range(5, 11))}
LABELS = ("flag", "either", "ok")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _label(text: str, start: int, end: int, row: dict) -> str:
    """The label of a span: the first of flag, either, ok whose terms overlap it."""
    return next((kind for kind in LABELS if any(
        a < end and start < b for term in row.get(kind, []) for a, b in _spans(text, term))),
        "none")


def _terms_as_spans(rows: list[dict], kinds: tuple[str, ...]) -> list[list[tuple[int, int]]]:
    return [[span for kind in kinds for term in row[kind] for span in _spans(row["text"], term)]
            for row in rows]


def _line(name: str, figures: dict) -> str:
    return (f"    {name:32} recall {figures['recall']:.3f}  precision "
            f"{figures['precision']:.3f}  must-not-flag {figures['ok_flagged']:3d}")


def compare(first: list[dict], second: list[dict]) -> dict[str, list[tuple[float, int]]]:
    """Prints the comparison; returns, draft by draft, the hits of the second labeller's
    flags and of the check, each against the first labels, and the check's against the
    second."""
    human_spans = _terms_as_spans(second, ("flag",))
    human = score(first, human_spans)
    print(_line("second (flag) vs first", human))
    print(_line("second (flag+either) vs first",
                score(first, _terms_as_spans(second, ("flag", "either")))))
    print(_line("first (flag) vs second", score(second, _terms_as_spans(first, ("flag",)))))
    ours = our_spans(first)
    against_first, against_second = score(first, ours), score(second, ours)
    print(_line("cio-coach vs first", against_first))
    print(_line("cio-coach vs second", against_second))
    misses: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for row, other, spans in zip(first, second, ours, strict=True):
        text = row["text"]
        for term in row["flag"]:
            where = _spans(text, term)
            if not any(a < f[1] and f[0] < b for a, b in where for f in spans):
                misses[_label(text, *where[0], other)] += 1
        for start, end in spans:
            if _label(text, start, end, row) == "ok":
                false[_label(text, start, end, other)] += 1
    print(f"    cio-coach's misses, as the second labeller called them: {dict(misses)}")
    print(f"    cio-coach's must-not-flag hits, as the second labeller called them: {dict(false)}")
    return {"human": hits_per_draft(first, human_spans),
            "first": hits_per_draft(first, ours), "second": hits_per_draft(second, ours)}


def print_gaps(file_name: str, hits: dict[str, dict[str, list[tuple[float, int]]]]) -> None:
    """For a labelling of both a tuning set and a blind set: recall on each, the gap, and
    how far chance alone moves the gap (a few dozen drafts, a few hundred terms)."""
    (tuned, tuned_hits), (blind, blind_hits) = hits.items()
    print(f"  recall gap, {tuned} minus {blind} ({file_name}); 95% interval from "
          f"{BOOTSTRAP_ROUNDS} resamplings of the drafts:")
    for key, what in (("first", "cio-coach, each set's own labels"),
                      ("second", "cio-coach, this one labeller for both"),
                      ("human", "this labeller's flags, scored against each set's own labels")):
        a, b = recall(tuned_hits[key]), recall(blind_hits[key])
        low, high = gap_interval(tuned_hits[key], blind_hits[key])
        print(f"    {what:62} {a:.3f} - {b:.3f} = {a - b:+.3f}  [{low:+.3f}, {high:+.3f}]")


def _summed(hits: list[list[tuple[float, int]]]) -> list[tuple[float, int]]:
    """Each draft's hits summed over the labellers: recall and its bootstrap over these
    pool every labeller while resampling the drafts (the labellers are not resampled)."""
    return [(sum(found for found, _ in draft), sum(total for _, total in draft))
            for draft in zip(*hits, strict=True)]


def _majority_spans(labellings: list[list[dict]]) -> list[list[tuple[int, int]]]:
    """For each draft, the spans that most of the labellers flag: a checker that agreed
    with the independent labellers' majority, word for word."""
    found = []
    for rows in zip(*labellings, strict=True):
        text = rows[0]["text"]
        spans = {s for row in rows for term in row["flag"] for s in _spans(text, term)}
        found.append(sorted(s for s in spans if sum(any(
            a < s[1] and s[0] < b for term in row["flag"] for a, b in _spans(text, term))
            for row in rows) * 2 > len(rows)))
    return found


def print_pooled_gaps(hits: dict[str, dict[str, dict[str, list[tuple[float, int]]]]],
                      majority: dict[str, list[tuple[float, int]]]) -> None:
    """`drafts_real` against `drafts_blind3` over every labeller of both: how far a
    careful person's own flags, and the check, fall apart between the two sets."""
    tuned, blind = "drafts_real", "drafts_blind3"
    files = [f for f in hits if tuned in hits[f] and blind in hits[f]]
    if len(files) < 2:
        return
    print(f"recall gap, {tuned} minus {blind}, pooled over {len(files)} independent "
          f"labellers; 95% interval from {BOOTSTRAP_ROUNDS} resamplings of the drafts:")
    for key, what in (("first", "cio-coach, each set's own labels"),
                      ("second", "cio-coach, each labeller for both sets"),
                      ("human", "the labellers' own flags, against each set's own labels")):
        a_hits = _summed([hits[f][tuned][key] for f in files])
        b_hits = _summed([hits[f][blind][key] for f in files])
        a, b = recall(a_hits), recall(b_hits)
        low, high = gap_interval(a_hits, b_hits)
        print(f"    {what:62} {a:.3f} - {b:.3f} = {a - b:+.3f}  [{low:+.3f}, {high:+.3f}]")
    a, b = recall(majority[tuned]), recall(majority[blind])
    low, high = gap_interval(majority[tuned], majority[blind])
    what = "what most of the labellers flag, against each set's own labels"
    print(f"    {what:62} {a:.3f} - {b:.3f} = {a - b:+.3f}  [{low:+.3f}, {high:+.3f}]")


def main() -> int:
    every_hits: dict[str, dict[str, dict[str, list[tuple[float, int]]]]] = {}
    labellings: dict[str, list[list[dict]]] = {}
    firsts: dict[str, list[dict]] = {}
    for file_name, sets in SECOND_LABELS.items():
        path = DATA / file_name
        if not path.is_file():
            print(f"no second labelling at {path}")
            continue
        second = {row["id"]: row for row in _rows(path)}
        hits = {}
        for name in sets:
            drafts = _rows(DATA / f"{name}.jsonl")
            first = [row for row in drafts if row["id"] in second]
            print(f"{name} ({len(first)} drafts, second labels from {file_name})")
            relabelled = [dict(row, **{k: second[row["id"]][k] for k in LABELS})
                          for row in first]
            hits[name] = compare(first, relabelled)
            if len(first) == len(drafts):
                firsts[name] = first
                labellings.setdefault(name, []).append(relabelled)
        if "drafts_real" in hits:
            print_gaps(file_name, hits)
            every_hits[file_name] = hits
    majority = {name: hits_per_draft(firsts[name], _majority_spans(labellings[name]))
                for name in ("drafts_real", "drafts_blind3") if len(labellings.get(name, [])) > 2}
    if len(majority) == 2:
        print_pooled_gaps(every_hits, majority)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
