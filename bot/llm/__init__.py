"""Language models behind one small interface.

A `Model` turns a prompt (or chat messages) into text, streaming pieces to `on_text`
while they arrive. Two backends: any OpenAI-compatible endpoint (`openai_compat`) and
a GGUF file run in process with llama-cpp-python (`local`). `get_model(settings)`
returns the configured one, built once per process, or None when no model is set.

Nothing here imports `openai` or `llama_cpp` at module level: the CLI starts fast and
works without either installed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.config import Settings

Messages = list[dict[str, str]]
OnText = Callable[[str], None]


class ModelError(Exception):
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


class Model(Protocol):
    name: str

    def complete(self, messages_or_prompt: str | Messages, *, max_tokens: int,
                 timeout: float, on_text: OnText | None = None) -> str:
        """The model's reply; pieces go to `on_text` as they arrive.

        Raises ModelTimeout past `timeout` seconds, ModelError on any other failure.
        Exceptions raised by `on_text` stop generation and propagate unchanged.
        """
        ...


def as_messages(messages_or_prompt: str | Messages) -> Messages:
    if isinstance(messages_or_prompt, str):
        return [{"role": "user", "content": messages_or_prompt}]
    return list(messages_or_prompt)


_models: dict[tuple, Model] = {}
_models_lock = threading.Lock()


def _model_key(settings: Settings) -> tuple:
    if settings.llm_model_path:
        return ("local", settings.llm_model_path, settings.get("LLM_N_CTX"),
                settings.get("LLM_THREADS"), settings.get("LLM_CHAT_FORMAT"))
    return ("openai", settings.llm_base_url, settings.llm_model, settings.llm_api_key)


def build_model(settings: Settings) -> Model | None:
    """A new model object for the settings (not cached); None when none is configured.

    `LLM_MODEL_PATH` wins over `LLM_BASE_URL` when both are set.
    """
    if settings.llm_model_path:
        from bot.llm.local import LocalModel

        return LocalModel.from_settings(settings)
    if settings.llm_base_url and settings.llm_model:
        from bot.llm.openai_compat import OpenAICompatModel

        return OpenAICompatModel.from_settings(settings)
    return None


def get_model(settings: Settings) -> Model | None:
    """The configured model, one per process and configuration; None without one."""
    if not settings.model_configured:
        return None
    key = _model_key(settings)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = build_model(settings)
            if model is not None:
                _models[key] = model
        return model
