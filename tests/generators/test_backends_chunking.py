"""Chunk plans cover the video with fixed-length chunks, and stitching hides the seams."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from motiondirector.generators.chunking import (
    Chunk,
    append_chunk,
    crossfade_weights,
    frame_jumps,
    plan_chunks,
    stitch,
)


@given(
    total=st.integers(1, 400),
    chunk=st.integers(1, 81),
    overlap=st.integers(0, 80),
)
def test_plan_covers_every_frame_with_full_chunks(total: int, chunk: int, overlap: int) -> None:
    if overlap >= chunk:
        with pytest.raises(ValueError, match="overlap_frames"):
            plan_chunks(total, chunk, overlap)
        return
    chunks = plan_chunks(total, chunk, overlap)
    assert chunks[0].start == 0 and chunks[0].overlap == 0 and chunks[-1].end == total
    if total <= chunk:
        assert chunks == [Chunk(0, total, 0)]
        return
    assert all(c.length == chunk for c in chunks)
    for previous, current in itertools.pairwise(chunks):
        assert current.overlap == previous.end - current.start >= overlap  # shares enough
        assert previous.start < current.start < previous.end or overlap == 0
        assert current.end > previous.end  # always some new frames
    assert len(chunks) == 1 + -(-(total - chunk) // (chunk - overlap))  # no chunk wasted


def test_plan_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="total"):
        plan_chunks(0, 9, 1)
    with pytest.raises(ValueError, match="chunk_frames"):
        plan_chunks(10, 0, 0)


def test_crossfade_weights_ramp_strictly_inside_zero_and_one() -> None:
    np.testing.assert_allclose(crossfade_weights(3), [0.25, 0.5, 0.75])
    assert crossfade_weights(0).size == 0


@pytest.mark.parametrize("total", [28, 30])  # three even chunks; four, the last moved back
def test_stitched_chunks_join_without_a_jump(total: int) -> None:
    # Each chunk is a smooth ramp (1 per frame), but chunks disagree by an offset of 40 where
    # they overlap: the crossfade spreads that over the shared frames instead of cutting.
    chunk, overlap, offset = 12, 4, 40.0
    chunks = plan_chunks(total, chunk, overlap)
    pieces = [
        (np.arange(c.start, c.end, dtype=np.float64) + offset * i)[:, None, None]
        * np.ones((1, 2, 2))
        for i, c in enumerate(chunks)
    ]
    video = stitch(pieces, chunks)
    assert video.shape == (total, 2, 2)
    jumps = frame_jumps(video)
    if len(chunks) == 3:
        assert jumps.max() <= 1 + offset / (overlap + 1) + 1e-9
    tails = [p[c.overlap :] for p, c in zip(pieces[1:], chunks[1:], strict=True)]
    cut = np.concatenate([pieces[0], *tails])
    assert frame_jumps(cut).max() > offset  # what a plain cut would have shown
    assert jumps.max() < offset / 2  # a moved-back chunk blends over two crossfades
    np.testing.assert_array_equal(video[: chunks[1].start], pieces[0][: chunks[1].start])
    np.testing.assert_array_equal(video[-1], pieces[-1][-1])


def test_append_without_overlap_concatenates_and_checks_lengths() -> None:
    a, b = np.zeros((3, 1)), np.ones((2, 1))
    np.testing.assert_array_equal(append_chunk(a, b, 0)[:, 0], [0, 0, 0, 1, 1])
    with pytest.raises(ValueError, match="overlap"):
        append_chunk(a, b, 3)
    with pytest.raises(ValueError, match="pieces"):
        stitch([a], [])


@given(
    total=st.integers(10, 60),
    overlap=st.integers(0, 6),
    seed=st.integers(0, 2**16),
)
def test_stitching_tensors_gives_the_frames_of_stitching_arrays(
    total: int, overlap: int, seed: int
) -> None:
    import torch

    chunks = plan_chunks(total, 10, overlap)
    rng = np.random.default_rng(seed)
    pieces = [rng.random((c.length, 3, 2, 2)).astype(np.float32) for c in chunks]
    arrays = stitch(pieces, chunks)
    tensors = stitch([torch.from_numpy(p) for p in pieces], chunks)
    assert isinstance(tensors, torch.Tensor) and tensors.dtype == torch.float32
    np.testing.assert_array_equal(tensors.numpy(), arrays)
    with pytest.raises(ValueError, match="overlap"):
        append_chunk(torch.zeros(2, 1), torch.ones(3, 1), 3)
