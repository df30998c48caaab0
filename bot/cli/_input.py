"""Reading user text from an argument or stdin, with clear errors for bad input."""

from __future__ import annotations

import sys

from bot.errors import CioCoachError


class InputError(CioCoachError, ValueError):
    """Bad input from the user: shown as one line on stderr, exit status 2."""


def decode_utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not valid UTF-8 text (bad byte at position {exc.start})") \
            from None


def looks_binary(text: str) -> bool:
    """NUL bytes or many control characters mean this is not prose."""
    if "\x00" in text:
        return True
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(2, len(sample) // 50)


def text_argument(value: str, *, what: str, max_bytes: int) -> str:
    """The text of a positional argument, or of stdin when it is `-`.

    Raises InputError for empty, oversized, binary or undecodable input.
    """
    if value == "-":
        # One byte past the limit tells an oversized paste without reading all of it.
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f"{what} is too long (over {max_bytes // 1_000_000 or 1} MB)"
                             if max_bytes >= 1_000_000 else
                             f"{what} is too long (over {max_bytes:,} bytes)")
        text = decode_utf8(data, what)
    else:
        text = value
        if len(text.encode("utf-8", "surrogateescape")) > max_bytes:
            raise InputError(f"{what} is too long (over {max_bytes:,} bytes)")
        if any("\udc80" <= ch <= "\udcff" for ch in text):
            raise InputError(f"{what} is not valid UTF-8 text")
    if looks_binary(text):
        raise InputError(f"{what} looks like binary data, not text")
    if not text.strip():
        raise InputError(f"{what} is empty")
    return text
