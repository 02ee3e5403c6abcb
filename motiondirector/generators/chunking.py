"""Long videos in chunks: where each chunk starts and ends, and how chunks join.

Video models generate a bounded number of frames at once (Wan 81, CogVideoX 49, AnimateDiff
16). A longer segment is cut into chunks of `chunk_frames` that share `overlap_frames` with
their predecessor. Every chunk but a lone short one is a full `chunk_frames` long: the last is
aligned to the end of the video, sharing more frames with its predecessor, so a model that
wants fixed lengths never sees a stub. The shared frames are crossfaded linearly from the
earlier chunk into the later one; backends that can condition on frames also feed the earlier
chunk's shared frames into the later chunk, so the two already agree there.

Stitching takes numpy arrays or torch tensors (the backends keep frames on their device as
tensors): the same arithmetic, float64 crossfade cast back to the frames' dtype, so both give
identical frames. It knows nothing of models; torch is imported only for tensors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating]
Frames = TypeVar("Frames", bound=Any)
"""A numpy array or a torch tensor of frames, first axis time."""


@dataclass(frozen=True)
class Chunk:
    """Frames `start` (inclusive) to `end` (exclusive) of the video; the first `overlap` of
    them are shared with the previous chunk (0 for the first chunk)."""

    start: int
    end: int
    overlap: int

    @property
    def length(self) -> int:
        return self.end - self.start


def plan_chunks(total: int, chunk_frames: int, overlap_frames: int) -> list[Chunk]:
    """Chunks covering frames 0..total. Consecutive chunks share at least `overlap_frames`
    frames; the last one is moved back to end at `total`, sharing more if needed."""
    if total < 1:
        raise ValueError(f"total must be at least 1 frame, got {total}")
    if chunk_frames < 1:
        raise ValueError(f"chunk_frames must be at least 1, got {chunk_frames}")
    if not 0 <= overlap_frames < chunk_frames:
        raise ValueError(
            f"overlap_frames must be 0 or more and below chunk_frames ({chunk_frames}), "
            f"got {overlap_frames}"
        )
    if total <= chunk_frames:
        return [Chunk(0, total, 0)]
    step = chunk_frames - overlap_frames
    chunks = [Chunk(0, chunk_frames, 0)]
    while chunks[-1].end < total:
        previous = chunks[-1]
        start = min(previous.start + step, total - chunk_frames)
        chunks.append(Chunk(start, start + chunk_frames, previous.end - start))
    return chunks


def crossfade_weights(overlap: int) -> FloatArray:
    """Weight of the later chunk on each shared frame: 1/(n+1) .. n/(n+1), never 0 or 1."""
    return np.arange(1, overlap + 1, dtype=np.float64) / (overlap + 1)


def append_chunk(video: Frames | None, piece: Frames, overlap: int) -> Frames:
    """`video` (frames, ...) extended by `piece`, whose first `overlap` frames coincide with
    the last `overlap` frames of `video` and are crossfaded into them. Both are numpy arrays
    or both torch tensors (on one device)."""
    if video is None:
        return piece
    if isinstance(piece, np.ndarray):
        return cast(Frames, _append_numpy(video, piece, overlap))
    return cast(Frames, _append_torch(video, piece, overlap))


def _check_overlap(video: Any, piece: Any, overlap: int) -> None:
    if overlap > min(len(video), len(piece)):
        raise ValueError(
            f"overlap {overlap} is longer than the video ({len(video)}) or chunk ({len(piece)})"
        )


def _append_numpy(video: FloatArray, piece: FloatArray, overlap: int) -> FloatArray:
    if overlap == 0:
        return np.concatenate([video, piece])
    _check_overlap(video, piece, overlap)
    weights = crossfade_weights(overlap).reshape((-1,) + (1,) * (piece.ndim - 1))
    shared = (1.0 - weights) * video[-overlap:] + weights * piece[:overlap]
    return np.concatenate([video[:-overlap], shared.astype(video.dtype), piece[overlap:]])


def _append_torch(video: Any, piece: Any, overlap: int) -> Any:
    import torch

    if overlap == 0:
        return torch.cat([video, piece])
    _check_overlap(video, piece, overlap)
    weights = torch.from_numpy(crossfade_weights(overlap)).to(piece.device)
    weights = weights.reshape((-1,) + (1,) * (piece.ndim - 1))
    # float64 like numpy's promotion, so both paths give the same frames.
    shared = (1.0 - weights) * video[-overlap:].double() + weights * piece[:overlap].double()
    return torch.cat([video[:-overlap], shared.to(video.dtype), piece[overlap:]])


def stitch(pieces: list[Frames], chunks: list[Chunk]) -> Frames:
    """The whole video from each chunk's frames (arrays or tensors), in the order of
    `plan_chunks`."""
    if len(pieces) != len(chunks) or not pieces:
        raise ValueError(f"{len(pieces)} pieces for {len(chunks)} chunks")
    video: Frames | None = None
    for piece, chunk in zip(pieces, chunks, strict=True):
        if len(piece) != chunk.length:
            raise ValueError(f"chunk {chunk} has {len(piece)} frames, expected {chunk.length}")
        video = append_chunk(video, piece, chunk.overlap)
    assert video is not None
    return video


def frame_jumps(frames: npt.ArrayLike) -> FloatArray:
    """Mean absolute change between consecutive frames, (frames - 1,), in the frames' units."""
    video = np.asarray(frames, dtype=np.float64)
    if len(video) < 2:
        return np.zeros(0)
    axes = tuple(range(1, video.ndim))
    jumps: FloatArray = np.abs(np.diff(video, axis=0)).mean(axis=axes)
    return jumps
