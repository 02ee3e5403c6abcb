"""`VectorIndex`: a FAISS index over L2-normalised float32 vectors, by inner product.

Three kinds, chosen by size (`choose_index_kind`) from figures measured by
`benchmarks/retrieval.py` on this machine (see docs/retrieval.md):

- "flat": `IndexFlatIP`, exact; no training, cheapest to add to. Best for small libraries.
- "hnsw": `IndexHNSWFlat` (inner product), approximate; fast queries, no training, grows by
  adding, but costs memory for its graph and slow builds at millions of vectors.
- "ivf":  `IndexIVFFlat` with a k-means coarse quantizer (trained on a seeded sample),
  approximate; fast to build at millions; new vectors join the trained lists, a rebuild
  retrains.

Vector ids are their row numbers (0, 1, 2, ... in the order added); the caller maps rows to
records. Searches run on one FAISS thread: on a small CPU one query is a few hundred
microseconds of work, and waking a second thread costs more than it saves (two threads made
small searches several times slower here). Builds and training use every core.

This module knows nothing of records, files or the embedder.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

IndexKind = Literal["flat", "hnsw", "ivf"]
INDEX_KINDS: tuple[str, ...] = get_args(IndexKind)

# Measured by benchmarks/retrieval.py (docs/benchmarks.md, "Retrieval"): up to this many
# vectors exact search takes under 0.5 ms on one thread (a tenth of the query budget), so an
# approximate index does not pay for its recall loss, training and slower adds; at 20k exact
# search took about 0.8 ms and HNSW/IVF under a tenth of that.
FLAT_UP_TO = 10_000
# From this many vectors on, IVF builds much faster than HNSW at equal recall and latency, and
# takes less memory.
IVF_FROM = 200_000

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
# IVF: about 4*sqrt(n) lists, trained on 40 points per list (FAISS asks for 39; enough for
# k-means to settle, and 6x cheaper than FAISS's default of 256), probed 1/128 of the lists
# but at least 16 (recall@10 >= 0.95 in the benchmark).
IVF_TRAIN_POINTS_PER_LIST = 40
IVF_MIN_POINTS_PER_LIST = 39
IVF_TRAIN_ITERATIONS = 10
DEFAULT_SEED = 1234

_threads_lock = threading.Lock()


def choose_index_kind(n_vectors: int) -> IndexKind:
    """The index kind for a library of `n_vectors` vectors (see FLAT_UP_TO and IVF_FROM)."""
    if n_vectors < 0:
        raise ValueError(f"n_vectors must be >= 0, got {n_vectors}")
    if n_vectors <= FLAT_UP_TO:
        return "flat"
    if n_vectors < IVF_FROM:
        return "hnsw"
    return "ivf"


def ivf_list_count(n_vectors: int) -> int:
    """Number of inverted lists for `n_vectors`: a power of two near 4*sqrt(n), kept small
    enough that every list gets enough training points."""
    if n_vectors < IVF_MIN_POINTS_PER_LIST:
        return 1
    wanted = 4 * math.sqrt(n_vectors)
    lists = 1 << max(0, round(math.log2(wanted)))
    return max(1, min(lists, n_vectors // IVF_MIN_POINTS_PER_LIST))


def ivf_probe_count(n_lists: int) -> int:
    return min(n_lists, max(16, n_lists // 128))


@dataclass(frozen=True)
class IndexParams:
    """Build and search parameters of one index; persisted in the library manifest."""

    kind: IndexKind
    hnsw_m: int | None = None
    ef_construction: int | None = None
    ef_search: int | None = None
    n_lists: int | None = None
    n_probe: int | None = None
    seed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexParams:
        if data.get("kind") not in INDEX_KINDS:
            raise ValueError(f"unknown index kind {data.get('kind')!r}")
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown index parameters {sorted(unknown)}")
        return cls(**data)

    @classmethod
    def default(cls, kind: IndexKind, n_vectors: int, seed: int = DEFAULT_SEED) -> IndexParams:
        if kind == "flat":
            return cls(kind="flat")
        if kind == "hnsw":
            return cls(
                kind="hnsw",
                hnsw_m=HNSW_M,
                ef_construction=HNSW_EF_CONSTRUCTION,
                ef_search=HNSW_EF_SEARCH,
            )
        if kind == "ivf":
            lists = ivf_list_count(n_vectors)
            return cls(kind="ivf", n_lists=lists, n_probe=ivf_probe_count(lists), seed=seed)
        raise ValueError(f"unknown index kind {kind!r}; choose one of {INDEX_KINDS}")


_configured = False


def _faiss() -> Any:
    """FAISS, imported on first use and set to one thread for the latency paths."""
    global _configured
    import faiss

    if not _configured:
        faiss.omp_set_num_threads(1)
        _configured = True
    return faiss


@contextmanager
def faiss_threads(count: int) -> Iterator[None]:
    """Run FAISS with `count` OpenMP threads inside the block, then restore one thread.

    The setting is process-wide, so builds hold a lock; searches always run on one thread.
    """
    faiss = _faiss()
    with _threads_lock:
        faiss.omp_set_num_threads(count)
        try:
            yield
        finally:
            faiss.omp_set_num_threads(1)


def _all_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _as_matrix(vectors: np.ndarray, dimension: int) -> np.ndarray:
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] != dimension:
        raise ValueError(f"expected vectors of shape (n, {dimension}), got {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("vectors contain NaN or infinite values")
    return matrix


@dataclass
class VectorIndex:
    """A FAISS index plus the parameters it was built with. Ids are row numbers."""

    faiss_index: Any
    params: IndexParams
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def kind(self) -> IndexKind:
        return self.params.kind

    @property
    def dimension(self) -> int:
        return int(self.faiss_index.d)

    def __len__(self) -> int:
        return int(self.faiss_index.ntotal)

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        *,
        kind: IndexKind | None = None,
        params: IndexParams | None = None,
        dimension: int | None = None,
        seed: int = DEFAULT_SEED,
    ) -> VectorIndex:
        """Build an index over `vectors` (rows are ids 0..n-1). `kind` None chooses by size;
        `params` overrides the defaults for that kind. IVF is trained here."""
        faiss = _faiss()
        dim = dimension if dimension is not None else int(np.shape(vectors)[-1])
        matrix = _as_matrix(np.reshape(vectors, (-1, dim)), dim)
        n = matrix.shape[0]
        chosen: IndexKind = params.kind if params else (kind or choose_index_kind(n))
        if params is None:
            params = IndexParams.default(chosen, n, seed)
        with faiss_threads(_all_cores()):
            if params.kind == "flat":
                index = faiss.IndexFlatIP(dim)
            elif params.kind == "hnsw":
                index = faiss.IndexHNSWFlat(dim, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = params.ef_construction
            else:
                lists = min(params.n_lists or 1, max(1, n // IVF_MIN_POINTS_PER_LIST))
                params = IndexParams(
                    kind="ivf",
                    n_lists=lists,
                    n_probe=min(params.n_probe or 1, lists),
                    seed=params.seed,
                )
                index = _train_ivf(matrix, lists, params.seed or DEFAULT_SEED)
            if n:
                index.add(matrix)
        built = cls(index, params)
        built._apply_search_params()
        return built

    def _apply_search_params(self) -> None:
        if self.params.kind == "hnsw":
            self.faiss_index.hnsw.efSearch = self.params.ef_search
        elif self.params.kind == "ivf":
            self.faiss_index.nprobe = self.params.n_probe

    def copy(self) -> VectorIndex:
        """An independent copy, to add to without disturbing readers of this one."""
        return VectorIndex(_faiss().clone_index(self.faiss_index), self.params)

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors; they get the next row ids. IVF adds them to its trained lists."""
        matrix = _as_matrix(vectors, self.dimension)
        if matrix.shape[0] == 0:
            return
        with self._lock, faiss_threads(_all_cores()):
            self.faiss_index.add(matrix)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-`k` rows by inner product for each query: (scores, ids), both (m, k); ids are
        -1 where fewer than k vectors were found. Runs on one thread."""
        matrix = _as_matrix(np.atleast_2d(queries), self.dimension)
        k = min(k, len(self))
        if k <= 0:
            empty = np.zeros((matrix.shape[0], 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        scores, ids = self.faiss_index.search(matrix, k)
        return scores, ids

    def reconstruct_all(self) -> np.ndarray:
        """Every stored vector in row order (exact for all three kinds)."""
        n = len(self)
        if n == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.params.kind == "ivf":
            index = _faiss().clone_index(self.faiss_index)
            index.make_direct_map()
            return np.asarray(index.reconstruct_n(0, n), dtype=np.float32)
        return np.asarray(self.faiss_index.reconstruct_n(0, n), dtype=np.float32)

    def to_bytes(self) -> bytes:
        return bytes(_faiss().serialize_index(self.faiss_index))

    @classmethod
    def from_bytes(cls, data: bytes, params: IndexParams) -> VectorIndex:
        """Load a serialised index; raises ValueError if it is not one of `params.kind`."""
        faiss = _faiss()
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:
            raise ValueError(f"not a readable FAISS index: {exc}") from exc
        expected = {"flat": "IndexFlatIP", "hnsw": "IndexHNSWFlat", "ivf": "IndexIVFFlat"}
        actual = type(index).__name__
        if actual != expected[params.kind]:
            raise ValueError(f"index file holds {actual}, the manifest says {params.kind}")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError("index file does not use the inner-product metric")
        loaded = cls(index, params)
        loaded._apply_search_params()
        return loaded


def _train_ivf(matrix: np.ndarray, lists: int, seed: int) -> Any:
    faiss = _faiss()
    dim = matrix.shape[1]
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
    if matrix.shape[0] == 0:
        raise ValueError("an IVF index needs vectors to train on")
    if lists == 1:
        # One list holds every vector whatever its centroid, so there is nothing to cluster;
        # k-means on fewer points than FAISS asks for would print a warning (from C, on the
        # stderr file descriptor, where `index build` reports skipped files).
        centroid = matrix.astype(np.float64).sum(axis=0)
        norm = float(np.linalg.norm(centroid))
        centroid = centroid / norm if norm > 1e-12 else np.eye(1, dim)[0]
        quantizer.add(np.ascontiguousarray(centroid.reshape(1, dim), dtype=np.float32))
        index.is_trained = True
        return index
    sample_size = min(matrix.shape[0], lists * IVF_TRAIN_POINTS_PER_LIST)
    rng = np.random.default_rng(seed)
    if sample_size < matrix.shape[0]:
        rows = np.sort(rng.choice(matrix.shape[0], size=sample_size, replace=False))
        sample = matrix[rows]
    else:
        sample = matrix
    clustering = faiss.Clustering(dim, lists)
    clustering.niter = IVF_TRAIN_ITERATIONS
    clustering.seed = seed
    clustering.spherical = True  # centroids on the unit sphere, as the data
    clustering.max_points_per_centroid = IVF_TRAIN_POINTS_PER_LIST
    clustering.verbose = False
    clustering.train(sample, quantizer)
    index.is_trained = True
    return index
