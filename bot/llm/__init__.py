"""Language models behind one small interface.

A backend only yields the pieces of text a model writes (`StreamingModel._stream`); the
one shared loop in `StreamingModel.complete` applies the deadline, forwards pieces to
`on_text` and turns failures into `ModelError`. Two backends: any OpenAI-compatible
endpoint (`openai_compat`) and a GGUF file run in process with llama-cpp-python
(`local`). `get_model(settings)` returns the configured one, built once per process, or
None. Features sit on top: grounded answers, draft rewrites, word-sense judgements.

The backends import `openai` and `llama_cpp` only when a model is built: importing
`openai` alone takes longer than answering a question, and the CLI works without either.
"""

from __future__ import annotations

import threading

from bot.config import ModelSettings, Settings
from bot.llm.base import (
    Completion,
    Messages,
    ModelError,
    ModelTimeout,
    OnText,
    Piece,
    StreamingModel,
    as_messages,
)
from bot.llm.local import LocalModel
from bot.llm.openai_compat import OpenAICompatModel

__all__ = ["Completion", "Messages", "ModelError", "ModelTimeout", "OnText", "Piece",
           "StreamingModel", "as_messages", "build_model", "get_model"]

_models: dict[ModelSettings, StreamingModel] = {}
_models_lock = threading.Lock()


def build_model(settings: Settings) -> StreamingModel | None:
    """A new model object for the settings (not cached); None when none is configured.

    `LLM_MODEL_PATH` wins over `LLM_BASE_URL` when both are set.
    """
    config = settings.model
    if config.model_path:
        return LocalModel.from_settings(config)
    if config.base_url and config.model:
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
