"""Labelled drafts of the kinds the jargon check meets, scored like the evaluation set.

These are our own rows, written apart from the dev set, to catch over-fitting: status
updates, incidents, buzzwords, defined acronyms, everyday-sense words and clean prose.
`flag` terms must be found, `ok` terms must not be, `either` terms are not scored.
"""

from __future__ import annotations

import re

import pytest

from bot.jargon import check

DRAFTS = [
    # status updates
    ("status", "The WMS upgrade is done, but the EDI interface to our biggest retailer still "
     "fails UAT, so the go-live moves to May.",
     ["WMS", "EDI", "UAT", "go-live"], ["interface", "upgrade"], ["retailer", "May"]),
    ("status", "We migrated the on-prem Exchange servers to the cloud over the weekend; a few "
     "mailboxes still need a resync.",
     ["on-prem", "cloud", "resync"], ["migrated", "servers", "Exchange", "mailboxes"],
     ["weekend"]),
    ("status", "Sprint 12 is closed. The backlog grooming for the pricing API is on Thursday and "
     "the MVP demo is next week.",
     ["API", "MVP"], ["Sprint", "backlog", "grooming"], ["pricing", "Thursday"]),
    ("status", "The data lake now ingests SKU master data from all three ERPs every night.",
     ["data lake", "SKU", "master data", "ERPs"], ["ingests"], ["every night"]),
    ("status", "Our CI/CD pipeline now runs the regression suite on every pull request, so "
     "hotfixes reach prod in under an hour.",
     ["CI/CD pipeline", "regression suite", "pull request", "hotfixes", "prod"], [],
     ["hour"]),
    ("status", "We are refactoring the legacy billing monolith into microservices behind an "
     "API gateway.",
     ["refactoring", "monolith", "microservices", "API gateway"], ["legacy"], ["billing"]),
    ("status", "The MRP run finished in four hours after the DBA rebuilt the indexes on the "
     "BOM tables.",
     ["MRP run", "DBA", "BOM"], ["indexes", "tables"], ["four hours"]),
    # incidents
    ("incident", "P1 incident: the SAN controller failed over at 02:00 and disk latency on the "
     "ERP database spiked, so order entry was down for 40 minutes.",
     ["P1", "SAN", "failed over", "latency", "ERP"], ["controller", "database", "spiked"],
     ["order entry", "minutes"]),
    ("incident", "A misconfigured firewall rule blocked SFTP traffic to the bank, so the payment "
     "file was not sent. We rolled back the change and will write a post-mortem.",
     ["misconfigured", "firewall", "SFTP", "rolled back", "post-mortem"], ["traffic"],
     ["bank", "payment file"]),
    ("incident", "The DNS outage took down SSO, which is why nobody could log in to the CRM "
     "this morning.",
     ["DNS", "SSO", "CRM"], ["outage"], ["morning"]),
    ("incident", "We saw a memory leak in the MES middleware; the pods kept restarting until we "
     "deployed a hotfix.",
     ["memory leak", "MES", "middleware", "pods", "deployed", "hotfix"], ["restarting"], []),
    # buzzwords
    ("buzzwords", "Going forward we need to leverage our core competencies and ideate some "
     "quick wins to move the needle.",
     [], ["Going forward", "leverage", "core competencies", "ideate", "quick wins",
          "move the needle"], []),
    ("buzzwords", "Let's touch base next week and do a deep dive on the pain points.",
     [], ["touch base", "deep dive", "pain points"], ["next week"]),
    # defined acronyms
    ("defined-acronym", "Our warehouse management system (WMS) will be replaced in June. The "
     "new WMS scans every pallet.", [], [], ["WMS", "warehouse", "pallet"]),
    ("defined-acronym", "From Monday you will use multi-factor authentication (MFA) to log in. "
     "MFA sends a code to your phone.", [], [], ["MFA", "phone", "Monday"]),
    ("defined-acronym", "The RFQ process (request for quotation) is unchanged; the new EDI link "
     "just sends it faster.", ["EDI"], [], ["RFQ"]),
    # everyday senses
    ("sense", "The geese migrate south in October, just as our busy season starts.",
     [], [], ["migrate", "season"]),
    ("sense", "She patched things up with the supplier after the late delivery.",
     [], [], ["patched", "supplier"]),
    ("sense", "We want to build a stronger relationship with the plant managers.",
     [], [], ["build", "plant managers"]),
    ("sense", "For instance, the Lyon team cut travel costs by a fifth.",
     [], [], ["instance", "travel costs"]),
    ("sense", "The green belt around the new factory was part of the planning permission.",
     [], [], ["green", "factory"]),
    ("sense", "There is a cloud over the merger until the regulator decides.",
     [], [], ["cloud", "merger"]),
    ("sense", "The cloud hanging over this year's budget is the energy contract.",
     [], [], ["cloud", "budget"]),
    ("sense", "Sales had a great sprint to the finish line this quarter.",
     [], [], ["sprint", "quarter"]),
    ("sense", "Our order backlog in Poland is down to two weeks.",
     [], [], ["backlog", "order"]),
    ("sense", "Shipping containers are piling up at the port because of the strike.",
     [], [], ["containers", "port"]),
    ("sense", "The squirrels kept a cache of acorns behind the loading dock.",
     [], [], ["cache", "loading dock"]),
    # clean prose
    ("clean", "Thank you all for a strong quarter. Sales grew 8 percent and we hired twelve "
     "people for the new plant.", [], [], ["quarter", "plant", "Sales"]),
    ("clean", "From next month, travel requests go to your manager first and then to finance "
     "for approval.", [], [], ["travel requests", "finance", "approval"]),
    ("clean", "Please restart your computer before you leave on Friday so the update can "
     "finish.", [], [], ["restart", "computer", "update"]),
    ("clean", "The CEO will host a town hall in the canteen at 3 pm on Wednesday; the slides "
     "will be shared afterwards.", [], [], ["CEO", "town hall", "slides"]),
    ("clean", "If you see a suspicious email, do not click any links and forward it to the IT "
     "help desk.", [], [], ["email", "links", "IT", "help desk"]),
    ("clean", "Our new expense app is on your phone; take a photo of each receipt and submit it "
     "by the fifth of the month.", [], [], ["app", "phone", "receipt"]),
]


def _spans(text: str, term: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score(drafts=DRAFTS):
    tp = fn = fp = total = ok_hits = 0
    notes = []
    for tag, text, flag, either, ok in drafts:
        found = [(f.start, f.end) for f in check(text).findings]
        total += len(found)
        labelled = [s for t in flag + either for s in _spans(text, t)]
        for term in flag:
            assert _spans(text, term), f"label {term!r} not in text"
            if any(_overlaps(s, f) for s in _spans(text, term) for f in found):
                tp += 1
            else:
                fn += 1
                notes.append((tag, "missed", term))
        for f in found:
            if not any(_overlaps(f, s) for s in labelled):
                fp += 1
                notes.append((tag, "flagged", text[f[0]:f[1]]))
        for term in ok:
            if any(_overlaps(s, f) for s in _spans(text, term) for f in found):
                ok_hits += 1
                notes.append((tag, "flagged ok term", term))
    recall = tp / (tp + fn)
    precision = (total - fp) / total if total else 1.0
    return recall, precision, ok_hits, notes


def _labelled_drafts(name: str) -> list[tuple[str, str, list, list, list]]:
    """(tag, text, flag, either, ok) of each draft of tests/data/`name`."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(r["tag"], r["text"], r["flag"], r["either"], r["ok"]) for r in rows]


def test_own_labelled_drafts_meet_the_quality_bar():
    recall, precision, ok_hits, notes = _score()
    assert recall >= 0.95, notes
    assert precision >= 0.95, notes
    assert ok_hits == 0, notes


@pytest.mark.parametrize("tag,text,flag,either,ok",
                         [d for d in DRAFTS if d[0] in ("clean", "sense")])
def test_clean_and_everyday_sense_drafts_have_no_findings(tag, text, flag, either, ok):
    assert [f.term for f in check(text).findings] == []


def test_blind_drafts_meet_a_quality_bar():
    """Drafts written by someone who saw only the eval README and the dev set, never the
    lists or the code (tests/data/drafts_blind.jsonl). Some of their misses became list
    entries, so this is no longer fully blind: the bar is below the dev set's."""
    drafts = _labelled_drafts("drafts_blind.jsonl")
    recall, precision, ok_hits, notes = _score(drafts)
    assert recall >= 0.88, notes
    assert precision >= 0.93, notes
    assert ok_hits <= 1, notes


def test_real_style_drafts_meet_a_quality_bar():
    """IT notices written in the style of real ones (status pages, announcements,
    postmortems, change notices, ERP cutover notes, helpdesk replies) with non-IT controls
    (tests/data/drafts_real.jsonl), the set the issue's targets are set on: recall 0.9,
    precision 0.95, no must-not-flag term (today 0.929, 0.972, 0)."""
    drafts = _labelled_drafts("drafts_real.jsonl")
    recall, precision, ok_hits, notes = _score(drafts)
    assert recall >= 0.90, notes
    assert precision >= 0.95, notes
    assert ok_hits == 0, notes
    wrong_in_controls = [n for n in notes if n[0] == "control" and n[1] != "missed"]
    assert wrong_in_controls == []  # the non-IT notices get nothing beyond their labels


# Sets written by helpers from the style brief alone, labelled exhaustively, each checked
# for general readers. A floor under the first run of each, to catch regressions; they
# show how far the check is from the targets on new writing. First runs (recall,
# precision, must-not-flag terms hit) in the comments. The floors were raised when the
# audience guess learnt titles, domain-and-role readers and trade words (general-reader
# precision up on every set but blind3; now real5 0.956, real6 0.932, real7 0.968, real8
# 0.911, blind5 0.878, blind6 0.834, blind7 0.847, blind8 0.823).
FRESH_SETS = [
    # 0.569, 0.894, 17
    # (after two glossary sweeps by area: 0.668, 0.935, 10)
    pytest.param("drafts_real5.jsonl", 0.64, 0.92, 9, id="real5"),
    # seven kinds of organisation; its must-not-flag hits were later looked at and led to
    # general fixes (a bracket after a head noun, "in plain English means", a next
    # sentence saying what a product does to everything): 0.696, 0.851, 24 (the code at
    # the start of that stop: 0.696, 0.835, 28)
    # (after the glossary sweeps: 0.768, 0.896, 18)
    pytest.param("drafts_real6.jsonl", 0.76, 0.90, 15, id="real6"),
    # hospitals, schools, warehouses, payroll, status pages, offices; its misses and
    # must-not-flag hits were then looked at and led to general fixes (plain words given
    # before a term in brackets, an apposition to the clause's end, a gloss in brackets
    # opening with an article): 0.686, 0.871, 25
    # (after the glossary sweeps: 0.774, 0.938, 13)
    pytest.param("drafts_real7.jsonl", 0.75, 0.93, 11, id="real7"),
    # councils, hospitals, schools, law firms, SaaS status pages; first run 0.765, 0.817,
    # 18, then tuned on (addresses to visit, dash appositions, places, greetings): 0.765,
    # 0.845, 14
    # (after the glossary sweeps: 0.841, 0.863, 13)
    pytest.param("drafts_real8.jsonl", 0.81, 0.88, 9, id="real8"),
    # written at the end of a later stop, never tuned on: 0.701, 0.858, 14 (the code from
    # the start of that stop: 0.693, 0.857, 14)
    pytest.param("drafts_blind5.jsonl", 0.67, 0.85, 14, id="blind5"),
    # written by a helper from the style brief alone at the start of a later stop, scored
    # once at its end and never tuned on: 0.690, 0.801, 25 (the code from the start of
    # that stop: 0.690, 0.763, 28)
    pytest.param("drafts_blind6.jsonl", 0.72, 0.80, 23, id="blind6"),
    # written by a helper at the start of a later stop from the brief with its example
    # product names and phrases taken out (pick them from real pages read), never tuned
    # on: 0.767, 0.790, 18 on the code from the start of that stop
    pytest.param("drafts_blind7.jsonl", 0.77, 0.81, 14, id="blind7"),
    # written by a helper at the start of a later stop from the same brief, never tuned
    # on: 0.814, 0.801, 18 on the code from the start of that stop
    pytest.param("drafts_blind8.jsonl", 0.79, 0.79, 17, id="blind8"),
    # written by a helper at the start of a later stop from the same brief with a part on
    # how writers explain terms (half the IT drafts explain one); scored once on the code
    # from the start of that stop (0.827, 0.764, 23), then tuned on (definitions, colons,
    # hedged asides, sign-offs, an explained phrase's head): 0.816, 0.838, 15
    pytest.param("drafts_real9.jsonl", 0.79, 0.81, 17, id="real9"),
    # its blind twin, from the same brief at the same time, never tuned on: 0.755, 0.845,
    # 11 on the code from the start of that stop; 0.745, 0.861, 10 after that stop's
    # explanation rules
    pytest.param("drafts_blind9.jsonl", 0.72, 0.83, 12, id="blind9"),
    # a pair written later in the same stop from a brief with a part on words that look
    # technical but the readers know (their own systems, screen labels, their trade's
    # words): real10 scored 0.760, 0.732, 16 on the code from the start of that stop, then
    # was tuned on (a product whose availability is the news, "the tool we use to"):
    # 0.760, 0.762, 13; blind10, never tuned on: 0.682, 0.701, 17 before and after
    pytest.param("drafts_real10.jsonl", 0.73, 0.73, 15, id="real10"),
    pytest.param("drafts_blind10.jsonl", 0.65, 0.67, 19, id="blind10"),
]


@pytest.mark.parametrize("name,min_recall,min_precision,max_ok_hits", FRESH_SETS)
def test_fresh_sets_stay_above_their_first_run(name, min_recall, min_precision, max_ok_hits):
    recall, precision, ok_hits, notes = _score(_labelled_drafts(name))
    assert recall >= min_recall, notes
    assert precision >= min_precision, notes
    assert ok_hits <= max_ok_hits, notes
