"""The model interface: errors, completions, and the one loop every backend shares.

A backend only yields the pieces of text a model writes (`StreamingModel._stream`); the
loop in `StreamingModel.complete` applies the deadline, forwards pieces to `on_text` and
lets failures surface as `ModelError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing

from bot.errors import CioCoachError

Messages = list[dict[str, str]]
OnText = Callable[[str], None]
Piece = tuple[str, str | None]  # text, and finish_reason once the model says why it stopped


class ModelError(CioCoachError):
    """The model could not produce an answer (connection, server or library error)."""


class ModelTimeout(ModelError):
    """The model did not finish within the allowed time."""


class Completion(str):
    """Model output: a `str`, plus why generation stopped ("stop", "length" or None)."""

    finish_reason: str | None

    def __new__(cls, text: str, finish_reason: str | None = None) -> Completion:
        obj = super().__new__(cls, text)
        obj.finish_reason = finish_reason
        return obj


def as_messages(messages_or_prompt: str | Messages) -> Messages:
    if isinstance(messages_or_prompt, str):
        return [{"role": "user", "content": messages_or_prompt}]
    return list(messages_or_prompt)


class StreamingModel:
    """Base of the backends: subclasses implement `_stream`, the loop lives here."""

    name = "model"

    def _stream(self, messages: Messages, *, max_tokens: int, timeout: float
                ) -> Iterator[Piece]:
        raise NotImplementedError

    def complete(self, messages_or_prompt: str | Messages, *, max_tokens: int,
                 timeout: float, on_text: OnText | None = None) -> Completion:
        """The model's reply; pieces go to `on_text` as they arrive.

        Raises ModelTimeout past `timeout` seconds, ModelError on any other failure.
        Exceptions raised by `on_text` stop generation and propagate unchanged.
        """
        deadline = time.monotonic() + timeout
        pieces: list[str] = []
        finish_reason = None
        stream = self._stream(as_messages(messages_or_prompt), max_tokens=max_tokens,
                              timeout=timeout)
        with closing(stream):
            for piece, reason in stream:
                finish_reason = reason or finish_reason
                if piece:
                    pieces.append(piece)
                    if on_text is not None:
                        on_text(piece)
                if time.monotonic() > deadline:
                    raise ModelTimeout(f"no complete answer within {timeout:g} s")
        return Completion("".join(pieces), finish_reason)
