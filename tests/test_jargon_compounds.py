"""Noun compounds no list names (bot/jargon/compounds.py): units of technical writing and
kind compounds, with the everyday sentences that must stay clean."""

from __future__ import annotations

import pytest

from bot.jargon import check


def found(text: str) -> list[str]:
    return [f.term for f in check(text, audience="general").findings]


def uncertain(text: str) -> dict[str, bool]:
    return {f.term: f.uncertain for f in check(text, audience="general").findings}


def test_a_unit_of_technical_writing_in_a_technical_sentence():
    assert "health checks" in found(
        "After the DNS change the health checks on the web servers failed.")
    assert "identity provider" in found(
        "Sign in with your company identity provider and the VPN client.")


def test_a_unit_alone_in_everyday_prose_is_not_reported():
    assert found("The annual health checks for staff are in the canteen on Tuesday.") == []


@pytest.mark.parametrize("text,term", [
    ("We raised the heap size last night.", "heap size"),
    ("Orders that fail the check sit in an error queue until someone looks.", "error queue"),
    ("If you have no work phone, ask the service desk for a hardware token.",
     "hardware token"),
])
def test_a_strongly_technical_modifier_before_a_kind_noun(text, term):
    assert term in found(text)


def test_a_strong_compound_with_no_other_jargon_is_uncertain():
    assert uncertain("We raised the heap size last night.") == {"heap size": True}
    assert uncertain("We raised the heap size on stor-07.")["heap size"] is False


def test_a_weaker_compound_needs_a_technical_sentence():
    assert "admin rights" in found("The VPN change removes admin rights from laptops.")
    assert found("The new policy removes admin rights from every laptop.") == []


@pytest.mark.parametrize("text", [
    "The expenses portal opens on Monday and the customer group meets on Friday.",
    "The population grew by a factor of two and the group size doubled.",
    "Keep your recovery key somewhere safe.",
    "After the away day the shared group photo is on the noticeboard.",
])
def test_everyday_compounds_are_not_reported(text):
    assert found(text) == []


@pytest.mark.parametrize("text,term", [
    ("After the VPN change, a lifecycle policy on the bucket moved the archives to cold "
     "tiers.", "lifecycle policy"),
    ("The indexing job stalled when the SFTP endpoint rejected the host key.",
     "indexing job"),
    ("The mailbox retention policy deleted old mail after the tenant migration.",
     "retention policy"),
    ("The web tier ran out of memory when the API gateway retried every request.",
     "web tier"),
    ("A blocking session held a lock on the SQL Server table for an hour.", "blocking session"),
    ("After the RAID rebuild the secondary array on the SAN stayed degraded.",
     "secondary array"),
    ("The nightly job rebuilt the search index after the SAN failover.", "search index"),
    ("We failed over to the secondary region when the VPC lost its NAT gateway.",
     "secondary region"),
    ("Our Okta admins changed the session policies, so the SSO prompt now comes daily.",
     "session policies"),
])
def test_kinds_named_by_a_technical_modifier_in_a_technical_sentence(text, term):
    assert term in found(text)


@pytest.mark.parametrize("text", [
    "The new expense policy starts in May and the travel policy stays as it is.",
    "She starts her new part-time job on Monday in the print room.",
    "The top tier of the car park is closed while the light switch is repaired.",
    "Cold storage in the kitchen is full, and the meeting table is booked.",
    # sessions and indexes lean technical, so only a technical sentence makes them IT kinds
    "There is an information session on the new pension scheme on Thursday.",
    "The test session for new volunteers is on Monday morning.",
    "The search index of the library catalogue is printed at the back.",
])
def test_everyday_kind_compounds_are_not_reported(text):
    assert found(text) == []


def test_a_head_followed_by_its_object_is_a_verb():
    assert not [t for t in found("The SMTP relay queues them overnight.")
                if " " in t and "queues" in t]
