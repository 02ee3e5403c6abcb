"""VectorIndex on real FAISS: kind choice, approximate kinds agree with exact search, adds,
serialisation and reconstruction."""

from __future__ import annotations

import numpy as np
import pytest

from motiondirector.retrieval import IndexParams, VectorIndex, choose_index_kind
from motiondirector.retrieval.index import FLAT_UP_TO, IVF_FROM, ivf_list_count


def clustered(n: int, seed: int, centers: int = 40, dim: int = 64) -> np.ndarray:
    rng = np.random.default_rng(100)
    middle = rng.standard_normal((centers, dim)).astype(np.float32)
    rng = np.random.default_rng(seed)
    points = middle[rng.integers(0, centers, n)] + 0.3 * rng.standard_normal(
        (n, dim), dtype=np.float32
    )
    out: np.ndarray = points / np.linalg.norm(points, axis=1, keepdims=True)
    return out


@pytest.fixture(scope="module")
def base() -> np.ndarray:
    return clustered(3000, seed=1)


@pytest.fixture(scope="module")
def queries() -> np.ndarray:
    return clustered(50, seed=2)


def test_kind_is_chosen_by_size_at_the_measured_crossovers() -> None:
    assert choose_index_kind(0) == "flat"
    assert choose_index_kind(FLAT_UP_TO) == "flat"
    assert choose_index_kind(FLAT_UP_TO + 1) == "hnsw"
    assert choose_index_kind(IVF_FROM - 1) == "hnsw"
    assert choose_index_kind(IVF_FROM) == "ivf"
    with pytest.raises(ValueError):
        choose_index_kind(-1)


def test_ivf_lists_grow_with_size_but_keep_enough_training_points() -> None:
    assert ivf_list_count(10) == 1
    assert ivf_list_count(1_000_000) == 4096
    assert ivf_list_count(2000) * 39 <= 2000


@pytest.mark.parametrize("n", [1, 10, 38, 77, 200])
def test_small_ivf_builds_print_nothing_and_find_every_vector(
    n: int, base: np.ndarray, capfd: pytest.CaptureFixture[str]
) -> None:
    index = VectorIndex.build(base[:n], kind="ivf")
    index.add(base[n : n + 5])
    # FAISS prints its warnings from C, past sys.stderr: only fd capture sees them.
    assert capfd.readouterr() == ("", "")
    _, ids = index.search(base[: n + 5], 1)
    assert list(ids[:, 0]) == list(range(n + 5))


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_kinds_give_the_same_top1_as_exact_search(
    kind: str, base: np.ndarray, queries: np.ndarray
) -> None:
    exact = VectorIndex.build(base, kind="flat")
    approximate = VectorIndex.build(base, kind=kind)  # type: ignore[arg-type]
    assert approximate.kind == kind and len(approximate) == len(base)
    _, exact_ids = exact.search(queries, 10)
    _, ids = approximate.search(queries, 10)
    assert np.mean(ids[:, 0] == exact_ids[:, 0]) >= 0.98
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact_ids, strict=True)])
    assert recall >= 0.9


def test_flat_search_is_exact_inner_product(base: np.ndarray, queries: np.ndarray) -> None:
    index = VectorIndex.build(base[:500], kind="flat")
    scores, ids = index.search(queries[:3], 5)
    brute = queries[:3] @ base[:500].T
    np.testing.assert_array_equal(ids, np.argsort(-brute, axis=1)[:, :5])
    np.testing.assert_allclose(scores, np.sort(brute, axis=1)[:, ::-1][:, :5], rtol=1e-5)


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_add_appends_rows_and_serialisation_round_trips(kind: str, base: np.ndarray) -> None:
    index = VectorIndex.build(base[:2000], kind=kind)  # type: ignore[arg-type]
    copy = index.copy()
    copy.add(base[2000:])
    assert len(index) == 2000 and len(copy) == 3000
    # A vector added later is found as its own nearest neighbour, under its row id.
    _, ids = copy.search(base[2500], 1)
    assert ids[0, 0] == 2500
    loaded = VectorIndex.from_bytes(copy.to_bytes(), copy.params)
    np.testing.assert_array_equal(loaded.search(base[:20], 5)[1], copy.search(base[:20], 5)[1])
    np.testing.assert_allclose(loaded.reconstruct_all(), base, atol=1e-6)


def test_a_file_of_another_kind_is_refused(base: np.ndarray) -> None:
    flat = VectorIndex.build(base[:100], kind="flat")
    with pytest.raises(ValueError, match="manifest says hnsw"):
        VectorIndex.from_bytes(flat.to_bytes(), IndexParams.default("hnsw", 100))
    with pytest.raises(ValueError, match="not a readable FAISS index"):
        VectorIndex.from_bytes(b"garbage" * 10, flat.params)


def test_search_asks_for_no_more_than_there_is(base: np.ndarray) -> None:
    index = VectorIndex.build(base[:3], kind="flat")
    _, ids = index.search(base[0], 10)
    assert sorted(ids[0].tolist()) == [0, 1, 2]
    empty = VectorIndex.build(np.zeros((0, 64), dtype=np.float32), kind="flat")
    assert empty.search(base[0], 5)[1].shape == (1, 0)
