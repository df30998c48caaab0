"""A GGUF model run in process with llama-cpp-python (the `cio-coach[local]` extra).

The model is loaded lazily, on the first completion, once per process; a lock
serialises every call (a llama.cpp context is not thread-safe). The load is not
counted against the completion timeout; waiting for the lock and generating are.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.llm import Completion, Messages, ModelError, ModelTimeout, OnText, as_messages

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("cio_coach.llm")

DEFAULT_N_CTX = 4096
TEMPERATURE = 0.2
CLOSE_WAIT = 5.0  # seconds
_patch_lock = threading.Lock()


def _prepare_openmp() -> None:
    """Let idle llama.cpp threads sleep instead of spinning (unless set otherwise).

    Must run before llama_cpp is first imported: OpenMP reads it once. With spinning
    threads, a CPU shared with other work collapses generation speed (measured on 2
    cores with one busy: 0.7 tokens/s spinning against 26 sleeping).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@contextlib.contextmanager
def weights_not_repacked() -> Iterator[None]:
    """Load models inside this block without llama.cpp's "extra buffer types".

    Those repack weights for AMX and similar CPU paths; on virtual machines whose CPU
    advertises AMX that the hypervisor does not enable (Firecracker, for one), the
    first matrix multiplication dies with a general protection fault. `Llama` offers
    no switch for `use_extra_bufts`, so its default-parameters function is wrapped
    for the duration of the block. Costs some prompt-processing speed.
    """
    _prepare_openmp()
    import llama_cpp.llama_cpp as lib

    with _patch_lock:
        original = lib.llama_model_default_params

        def without_extra_buffers():
            params = original()
            params.use_extra_bufts = False
            return params

        lib.llama_model_default_params = without_extra_buffers
        try:
            yield
        finally:
            lib.llama_model_default_params = original


def _int_setting(settings: Settings, name: str) -> int | None:
    from bot.config import ConfigError

    raw = settings.get(name).strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


class LocalModel:
    def __init__(self, path: str | Path, *, n_ctx: int = DEFAULT_N_CTX,
                 n_threads: int | None = None, chat_format: str | None = None,
                 repack_weights: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.n_ctx = n_ctx
        self.n_threads = n_threads or min(os.cpu_count() or 1, 8)
        self.chat_format = chat_format or None
        self.repack_weights = repack_weights
        self.name = f"local {self.path.name}"
        self.load_seconds: float | None = None
        self._llm: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalModel:
        return cls(settings.llm_model_path,
                   n_ctx=_int_setting(settings, "LLM_N_CTX") or DEFAULT_N_CTX,
                   n_threads=_int_setting(settings, "LLM_THREADS"),
                   chat_format=settings.get("LLM_CHAT_FORMAT").strip() or None,
                   repack_weights=settings.get("LLM_REPACK_WEIGHTS").strip() == "1")

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def load(self) -> None:
        """Load the model now (it otherwise loads on the first completion)."""
        with self._lock:
            self._ensure_loaded()

    def _ensure_loaded(self) -> None:
        if self._llm is not None:
            return
        if not self.path.is_file():
            raise ModelError(f"model file not found: {self.path}")
        _prepare_openmp()
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError("llama-cpp-python is not installed "
                             "(pip install 'cio-coach[local]')") from exc
        started = time.perf_counter()
        repacking = contextlib.nullcontext() if self.repack_weights else weights_not_repacked()
        try:
            with repacking:
                llm = Llama(model_path=str(self.path), n_ctx=self.n_ctx,
                            n_threads=self.n_threads, n_threads_batch=self.n_threads,
                            chat_format=self.chat_format, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"cannot load {self.path.name}: {exc}") from exc
        if self.chat_format is None:
            self._fix_chat_format(llm)
        self._llm = llm
        self.load_seconds = time.perf_counter() - started
        # Free it before interpreter shutdown: llama-cpp-python's own finaliser fails
        # noisily once its modules are torn down.
        atexit.register(self.close)
        log.info("loaded %s in %.2f s (chat format %s)", self.path.name, self.load_seconds,
                 llm.chat_format)

    def close(self) -> None:
        """Free the model; it loads again on the next completion."""
        if not self._lock.acquire(timeout=CLOSE_WAIT):
            log.warning("model %s still busy, not freed", self.path.name)
            return
        try:
            llm, self._llm = self._llm, None
        finally:
            self._lock.release()
        if llm is not None:
            atexit.unregister(self.close)
            llm.close()

    @staticmethod
    def _fix_chat_format(llm: Any) -> None:
        # Gemma GGUFs often ship without a chat template; llama-cpp-python then falls
        # back to the llama-2 format, which Gemma answers with noise.
        metadata = llm.metadata or {}
        if ("tokenizer.chat_template" not in metadata
                and metadata.get("general.architecture", "").startswith("gemma")):
            llm.chat_format = "gemma"

    def complete(self, messages_or_prompt: str | Messages, *, max_tokens: int,
                 timeout: float, on_text: OnText | None = None) -> str:
        if not self._lock.acquire(timeout=max(timeout, 0.0)):
            raise ModelTimeout(f"model busy for {timeout:g} s")
        try:
            self._ensure_loaded()
            return self._generate(as_messages(messages_or_prompt), max_tokens, timeout, on_text)
        finally:
            self._lock.release()

    def _generate(self, messages: Messages, max_tokens: int, timeout: float,
                  on_text: OnText | None) -> Completion:
        deadline = time.monotonic() + timeout
        pieces: list[str] = []
        finish_reason = None
        try:
            stream = self._llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=TEMPERATURE, stream=True)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(str(exc)) from exc
        try:
            while True:
                try:
                    chunk = next(stream)
                except StopIteration:
                    break
                except (ValueError, RuntimeError) as exc:
                    raise ModelError(str(exc)) from exc
                choice = chunk["choices"][0]
                finish_reason = choice.get("finish_reason") or finish_reason
                piece = choice.get("delta", {}).get("content")
                if piece:
                    pieces.append(piece)
                    if on_text is not None:
                        on_text(piece)
                if time.monotonic() > deadline:
                    raise ModelTimeout(f"no complete answer within {timeout:g} s")
        finally:
            stream.close()
        return Completion("".join(pieces), finish_reason)
