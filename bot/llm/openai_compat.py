"""Any OpenAI-compatible chat-completions endpoint (llama.cpp server, Ollama, vLLM, hosted).

Uses the `openai` client with streaming, no automatic retries (a retry would multiply
the wait), and one overall deadline: the client's timeout bounds each network wait,
and the elapsed time is checked between streamed pieces.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

from bot.config import ModelSettings
from bot.llm.base import Messages, ModelError, ModelTimeout, Piece, StreamingModel

log = logging.getLogger("cio_coach.llm")

TEMPERATURE = 0.2


def _http_errors() -> tuple[type[Exception], type[Exception]]:
    """(timeout, any) error classes of the HTTP library under `openai`.

    Errors raised while a stream is read come straight from it, unwrapped.
    """
    try:
        import httpx2 as httpx
    except ImportError:  # openai releases before the httpx2 switch
        import httpx
    return httpx.TimeoutException, httpx.HTTPError


def display_url(url: str) -> str:
    """The URL without any user:password part, safe to log and print."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


class OpenAICompatModel(StreamingModel):
    def __init__(self, base_url: str, model: str, api_key: str = "") -> None:
        self.base_url = base_url
        self.model = model
        self._api_key = api_key
        self._client = None
        self.name = f"openai-compatible {model} at {display_url(base_url)}"

    @classmethod
    def from_settings(cls, config: ModelSettings) -> OpenAICompatModel:
        return cls(config.base_url, config.model, config.api_key)

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatModel({self.name!r})"

    def _get_client(self):
        if self._client is None:
            from openai import OpenAI

            # Local servers need no key, but the client insists on one.
            self._client = OpenAI(base_url=self.base_url, api_key=self._api_key or "none",
                                  max_retries=0)
        return self._client

    def _stream(self, messages: Messages, *, max_tokens: int, timeout: float
                ) -> Iterator[Piece]:
        import openai

        http_timeout, http_error = _http_errors()
        client = self._get_client().with_options(timeout=timeout)
        try:
            stream = client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens,
                temperature=TEMPERATURE, stream=True)
            with stream:
                for chunk in stream:
                    if chunk.choices:
                        choice = chunk.choices[0]
                        yield (choice.delta.content if choice.delta else "") or "", \
                            choice.finish_reason
        except (openai.APITimeoutError, http_timeout) as exc:
            raise ModelTimeout(f"no answer within {timeout:g} s") from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"HTTP {exc.status_code} from {display_url(self.base_url)}") from exc
        except (openai.APIConnectionError, http_error) as exc:
            cause = f": {exc.__cause__}" if exc.__cause__ else ""
            raise ModelError(f"cannot reach {display_url(self.base_url)}{cause}") from exc
        except openai.OpenAIError as exc:
            message = f"{type(exc).__name__}: {exc}"
            if self._api_key:
                message = message.replace(self._api_key, "***")
            raise ModelError(message) from exc
