"""Slack markup is not prose: mask it so the matcher never sees it.

`mask(text)` returns a string of the same length in which code blocks, code spans,
URLs, `<@U123>` mentions, channel links, e-mail addresses and `:emoji:` are blanked
out (line breaks kept), so every offset found in the masked text is an offset into the
original text.
"""

from __future__ import annotations

import re

MARKUP_RE = re.compile(
    r"```.*?(?:```|\Z)"  # code block (an unclosed one runs to the end)
    r"|`[^`\n]+`"  # code span
    r"|<[@#!][^<>\n]*>"  # user mention, channel link, <!here>
    r"|<(?:https?|mailto|ftp|tel|slack):[^<>\n]*>"  # Slack-formatted link with optional label
    r"|\b(?:https?|ftp)://[^\s<>]+"  # bare URL
    r"|\bwww\.[^\s<>]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail address
    r"|(?<![\w:]):[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*:(?::skin-tone-\d:)?",  # :emoji:
    re.DOTALL,
)


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in match.group())


def mask(text: str) -> str:
    return MARKUP_RE.sub(_blank, text)
