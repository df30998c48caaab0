"""Language models behind one small interface.

A backend only yields the pieces of text a model writes (`StreamingModel._stream`); the
one shared loop in `StreamingModel.complete` applies the deadline, forwards pieces to
`on_text` and turns failures into `ModelError`. Two backends: any OpenAI-compatible
endpoint (`openai_compat`) and a GGUF file run in process with llama-cpp-python
(`local`). `get_model(settings)` returns the configured one, built once per process, or
None. Features sit on top: grounded answers, draft rewrites, word-sense judgements.

Nothing here imports `openai` or `llama_cpp` at module level: importing `openai` alone
takes longer than answering a question, and the CLI works without either installed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing

from bot.config import ModelSettings, Settings
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


_models: dict[ModelSettings, StreamingModel] = {}
_models_lock = threading.Lock()


def build_model(settings: Settings) -> StreamingModel | None:
    """A new model object for the settings (not cached); None when none is configured.

    `LLM_MODEL_PATH` wins over `LLM_BASE_URL` when both are set.
    """
    config = settings.model
    if config.model_path:
        from bot.llm.local import LocalModel

        return LocalModel.from_settings(config)
    if config.base_url and config.model:
        from bot.llm.openai_compat import OpenAICompatModel

        return OpenAICompatModel.from_settings(config)
    return None


def get_model(settings: Settings) -> StreamingModel | None:
    """The configured model, one per process and configuration; None without one."""
    if not settings.model_configured:
        return None
    with _models_lock:
        model = _models.get(settings.model)
        if model is None:
            model = build_model(settings)
            if model is not None:
                _models[settings.model] = model
        return model
