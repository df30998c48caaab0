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
from typing import Any

from bot.config import ModelSettings
from bot.llm.base import Messages, ModelError, ModelTimeout, Piece, StreamingModel

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


class LocalModel(StreamingModel):
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
    def from_settings(cls, config: ModelSettings) -> LocalModel:
        return cls(config.model_path, n_ctx=config.n_ctx or DEFAULT_N_CTX,
                   n_threads=config.threads, chat_format=config.chat_format or None,
                   repack_weights=config.repack_weights)

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

    def _stream(self, messages: Messages, *, max_tokens: int, timeout: float
                ) -> Iterator[Piece]:
        if not self._lock.acquire(timeout=max(timeout, 0.0)):
            raise ModelTimeout(f"model busy for {timeout:g} s")
        try:
            self._ensure_loaded()
            try:
                chunks = self._llm.create_chat_completion(
                    messages=messages, max_tokens=max_tokens, temperature=TEMPERATURE,
                    stream=True)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(str(exc)) from exc
            with contextlib.closing(chunks):
                yield from _pieces(chunks)
        finally:
            self._lock.release()


def _pieces(chunks: Iterator[dict]) -> Iterator[Piece]:
    while True:
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        except (ValueError, RuntimeError) as exc:
            raise ModelError(str(exc)) from exc
        choice = chunk["choices"][0]
        yield choice.get("delta", {}).get("content") or "", choice.get("finish_reason")
