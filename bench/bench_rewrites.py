"""Would a careful editor send the plain rewrites? Judged by a reader, not by the check.

    python -m bench.bench_rewrites

`tests/data/rewrite-judgments.jsonl` holds sentence pairs (a draft's sentence and the
rewrite's) with the judgment of a helper that saw only the pairs, shuffled, and a brief
(an editor of internal communications; no code, no lists, no labels): is the plain
sentence grammatical, does it keep the original's facts, would they send it as it is. The
pairs are every changed sentence of every rewrite offered on the labelled sets, by the
code of two versions (before and after the rewrite rules were widened). This prints, per
group of sets, how many rewrites the check offers now and how they fare; a sentence the
helper never judged (the rules changed since) is counted apart, never guessed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
JUDGMENTS = DATA / "rewrite-judgments.jsonl"
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")
GROUPS = {"tuning": "drafts_real*.jsonl", "blind": "drafts_blind*.jsonl"}


def _sentences(text: str) -> list[str]:
    # the judged pairs were cut with this rule: another splitter would miss their keys
    return [s for s in SENTENCE_END_RE.split(text.strip()) if s]


def changed_sentences(draft: str, rewrite: str) -> list[tuple[str, str]]:
    """(draft sentence, rewritten sentence) for each sentence the rewrite changed; the
    whole texts as one pair when the sentence counts differ."""
    before, after = _sentences(draft), _sentences(rewrite)
    if len(before) != len(after):
        return [(draft.strip(), rewrite.strip())]
    return [(a, b) for a, b in zip(before, after, strict=True) if a != b]


def _judged() -> dict[tuple[str, str], dict]:
    rows = [json.loads(line) for line in JUDGMENTS.read_text("utf-8").splitlines() if line]
    return {(row["original"], row["plain"]): row for row in rows}


def group_figures(paths: list[Path], judged: dict[tuple[str, str], dict]) -> dict:
    from bot.jargon import check, default_checker

    checker = default_checker()
    figures = {"drafts": 0, "offered": 0, "sendable": 0, "sentences": 0, "unjudged": 0,
               "grammar": 0, "meaning": 0, "send": 0}
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            figures["drafts"] += 1
            report = check(row["text"], checker=checker, audience=row.get("audience"))
            if report.rewrite:
                _count(figures, changed_sentences(row["text"], report.rewrite), judged)
    return figures


def _count(figures: dict, pairs: list[tuple[str, str]], judged: dict) -> None:
    figures["offered"] += 1
    verdicts = [judged.get(pair) for pair in pairs]
    figures["sendable"] += all(v is not None and v["send"] == "yes" for v in verdicts)
    for verdict in verdicts:
        if verdict is None:
            figures["unjudged"] += 1
            continue
        figures["sentences"] += 1
        figures["grammar"] += verdict["grammar"] == "ok"
        figures["meaning"] += verdict["meaning"] == "kept"
        figures["send"] += verdict["send"] == "yes"


def main() -> None:
    judged = _judged()
    print(f"rewrites judged by a reader ({len(judged)} sentence pairs on file):")
    for name, pattern in GROUPS.items():
        f = group_figures(sorted(DATA.glob(pattern)), judged)
        n = f["sentences"] or 1
        print(f"  {name:6} {f['offered']:3d} rewrites offered for {f['drafts']} drafts; "
              f"{f['sendable']} sendable as they are (every changed sentence judged 'send')")
        print(f"         changed sentences judged {f['sentences']}: grammatical "
              f"{f['grammar'] / n:.3f}, facts kept {f['meaning'] / n:.3f}, sendable "
              f"{f['send'] / n:.3f}; not judged yet {f['unjudged']}")


if __name__ == "__main__":
    main()
