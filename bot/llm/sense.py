"""Jargon sense judgement: is a word used in its IT sense in this sentence?

For words the jargon check cannot decide from context ("cloud", "migrate"). The answer
is advisory: None whenever there is no model, it fails, or it answers neither yes nor no,
and the caller then keeps its own decision.
"""

from __future__ import annotations

import logging
import re

from bot.config import Settings
from bot.jargon import Finding, Report
from bot.jargon.report import with_findings
from bot.llm import StreamingModel, get_model
from bot.llm.calls import attempt
from bot.llm.prompts import JARGON_SENSE, PromptError, render_prompt
from bot.text import sentence_around

log = logging.getLogger("cio_coach.llm")

SENSE_MAX_TOKENS = 4
MAX_JUDGEMENTS = 8  # per draft: each is a model call
_VERDICT = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)


def judge_sense(term: str, meaning: str, sentence: str, settings: Settings, *,
                model: StreamingModel | None = None) -> bool | None:
    """True: IT sense; False: everyday sense; None: no usable judgement."""
    model = model or get_model(settings)
    if model is None:
        return None
    try:
        prompt = render_prompt(settings, JARGON_SENSE, term=term, meaning=meaning,
                               sentence=sentence)
    except PromptError as exc:
        log.error("jargon sense prompt unusable: %s", exc)
        return None
    result = attempt(model, prompt, what=f"the sense of {term!r}",
                     max_tokens=SENSE_MAX_TOKENS, timeout=settings.model.timeout)
    reply = result.text
    match = _VERDICT.match(reply)
    if match is None:
        log.info("jargon sense judgement for %r unclear: %r", term, reply[:80])
        return None
    return match.group(1).lower() == "yes"


def judge_report(report: Report, settings: Settings, *,
                 model: StreamingModel | None = None) -> Report:
    """Let the model decide the findings the check was unsure of.

    Unsure findings the model calls everyday English are dropped; findings the check
    dropped on weak evidence and the model calls IT jargon come back. Without a model, or
    without a usable answer, the check's own decision stands.
    """
    doubtful = [f for f in report.findings if f.uncertain] + list(report.considered)
    model = model or (get_model(settings) if doubtful else None)
    if model is None:
        return report
    kept = [f for f in report.findings if not f.uncertain]
    dropped: list[Finding] = []
    for n, finding in enumerate(doubtful):
        verdict = None
        if n < MAX_JUDGEMENTS:
            verdict = judge_sense(finding.term, finding.explanation,
                                  sentence_around(report.text, finding.start, finding.end),
                                  settings, model=model)
        was_flagged = finding in report.findings
        if verdict is not None:
            finding.uncertain = False
        if verdict is True or (verdict is None and was_flagged):
            kept.append(finding)
        else:
            dropped.append(finding)
    return with_findings(report, kept, dropped)
