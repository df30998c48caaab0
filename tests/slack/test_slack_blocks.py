"""Block Kit rendering: escaping user text and staying inside Slack's limits."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Citation
from bot.slack import blocks, home_blocks
from bot.slack.markup import jargon_draft, slack_to_plain, strip_mention

any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                   max_size=400) | st.sampled_from(
    ["<!channel>", "<!here|here>", "<@U123>", "&lt;!everyone&gt;", "a & b < c > d",
     "@channel hi", "<https://evil.example|click>"])


@given(any_text)
def test_escaped_text_triggers_no_mention_link_or_broadcast(text):
    out = blocks.escape(text)
    assert "<" not in out and ">" not in out
    assert "@channel" not in out.lower() and "@here" not in out.lower()
    assert out.replace("&amp;", "").count("&") == out.count("&lt;") + out.count("&gt;")


@settings(max_examples=60)
@given(st.text(alphabet="ab &<>\n.", max_size=20_000), st.integers(50, 3000))
def test_split_text_respects_the_limit_and_keeps_the_words(text, limit):
    escaped = blocks.escape(text)
    pieces = blocks.split_text(escaped, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(pieces).split() == escaped.split() or \
        "".join("".join(pieces).split()) == "".join(escaped.split())
    for piece in pieces:  # never cut inside an escape such as &amp;
        assert not piece.endswith(("&", "&a", "&am", "&l", "&g", "&amp", "&lt", "&gt"))


def long_answer(paragraphs: int) -> Answer:
    text = "\n\n".join(f"Paragraph {n}: " + "word " * 500 for n in range(paragraphs))
    cites = [Citation("a.txt", "A", f"A › Section › ¶{n}", "passage", 1.0, n, "a quote")
             for n in range(5)]
    return Answer("q", True, text, cites, generated_by="model")


def test_a_long_answer_fits_one_message_with_a_show_all_button():
    rendered = blocks.answer_blocks(long_answer(200), answer_id=7, shareable=True)
    assert len(rendered) <= blocks.MESSAGE_BLOCKS
    for block in rendered:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= blocks.SECTION_LIMIT
    last = rendered[-1]
    assert last["type"] == "actions"
    ids = [e["action_id"] for e in last["elements"]]
    assert ids[0] == blocks.ACTION_SHOW_ALL and blocks.ACTION_SHARE in ids
    assert blocks.block_text_size(rendered) <= blocks.BLOCK_TEXT_LIMIT
    assert len(blocks.answer_text(long_answer(200))) <= blocks.TEXT_LIMIT


def test_a_short_answer_is_not_trimmed():
    rendered = blocks.answer_blocks(long_answer(1), answer_id=3)
    assert blocks.ACTION_SHOW_ALL not in json.dumps(rendered)
    assert "a quote" in json.dumps(rendered)  # a model answer shows the passages it cites


def test_modal_and_home_stay_within_view_limits():
    view = blocks.full_text_modal("Full answer", "word " * 400_000)
    assert len(view["blocks"]) <= blocks.VIEW_BLOCKS
    home = home_blocks.home_view(recent=["<!channel> q"] * 5, asked=9, people=3,
                                 topics=[("<@U1> topic", 4)], term_count=3, helpful=2,
                                 not_helpful=1)
    assert "<!channel>" not in json.dumps(home) and "3 team terms" in json.dumps(home)


def test_slack_markup_becomes_plain_text():
    assert slack_to_plain("<@U1> see <https://x.example|the plan> &amp; <!here>") == \
        "@U1 see the plan & @here"
    assert strip_mention("<@U0BOT> why?", "U0BOT") == "why?"


def test_check_prefix_and_shared_messages_ask_for_a_jargon_report():
    assert jargon_draft({"text": "check: our ERP go-live"}) == "our ERP go-live"
    assert jargon_draft({"text": "Jargon the API is down"}) == "the API is down"
    assert jargon_draft({"text": "checking in: how do I start?"}) is None
    shared = {"text": "", "attachments": [{"is_share": True, "text": "SSO &amp; MFA rollout"}]}
    assert jargon_draft(shared) == "SSO & MFA rollout"
    assert jargon_draft({"text": "How do I lead?"}) is None
