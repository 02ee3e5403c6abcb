"""Frames as torch tensors on the pipeline's device, from the conditioning to the output.

The backends ask their pipelines for `output_type="pt"`, stitch chunks and carry frames as
tensors where they were decoded, and convert to uint8 numpy once, at the end (`to_uint8`).
Conditioning frames go to the pipeline as float tensors in 0..1, uploaded as uint8
(`FrameTensors`): a range of frames asked for right after an overlapping one reuses the frames
already uploaded, so a chunk's frames shared with the previous chunk are converted once.
`Prefetcher` prepares the next chunk's conditioning on one background thread while the current
chunk denoises.

The arithmetic is that of the PIL and numpy path the pipelines take otherwise (uint8 / 255 in
float32, PIL bilinear resizing, round-half-to-even quantization), so the frames are the same.

torch is imported inside functions only.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np
from PIL import Image

from motiondirector.generators.base import UInt8Array

if TYPE_CHECKING:
    import torch

T = TypeVar("T")


def resized(frames: UInt8Array, size: tuple[int, int]) -> UInt8Array:
    """uint8 (frames, h, w, 3) at `size` (width, height), resized with PIL's bilinear filter
    (what the PIL path does) only when the size differs."""
    width, height = size
    if frames.shape[1:3] == (height, width):
        return frames
    images = [
        Image.fromarray(np.ascontiguousarray(frame), "RGB").resize(size, Image.Resampling.BILINEAR)
        for frame in frames
    ]
    return np.stack([np.asarray(image) for image in images])


def to_float(frames: torch.Tensor) -> torch.Tensor:
    """uint8 (frames, h, w, 3) as float32 (frames, 3, h, w) in 0..1."""
    # Contiguous channels-first before the float copy: diffusers' preprocessing is faster on it.
    return frames.permute(0, 3, 1, 2).contiguous().float() / 255.0


def padded(frames: torch.Tensor, length: int | None) -> torch.Tensor:
    """`frames` lengthened to `length` by repeating the last frame."""
    import torch

    if length is None or length <= len(frames):
        return frames
    return torch.cat([frames, frames[-1:].expand(length - len(frames), *frames.shape[1:])])


def quantized(frames: torch.Tensor) -> torch.Tensor:
    """Float frames in 0..1 rounded to what uint8 holds (as the model sees carried frames)."""
    return (frames * 255.0).round().clamp(0, 255) / 255.0


def to_uint8(video: torch.Tensor) -> UInt8Array:
    """float (frames, 3, h, w) in 0..1 on any device as uint8 (frames, h, w, 3) numpy."""
    as_bytes = (video * 255.0).round().clamp(0, 255).to(dtype=_uint8())
    return np.ascontiguousarray(as_bytes.permute(0, 2, 3, 1).cpu().numpy())


def _uint8() -> torch.dtype:
    import torch

    return torch.uint8


class FrameTensors:
    """Ranges of one uint8 video as float (frames, 3, h, w) tensors in 0..1 on `device`, at
    `size`. The last range is kept (as uint8, on the device) and its frames reused by the next
    range that overlaps it. Not thread-safe: one caller at a time."""

    def __init__(self, frames: UInt8Array, size: tuple[int, int], device: str) -> None:
        self.frames = frames
        self.size = size
        self.device = device
        self.uploaded = 0
        """Frames converted and uploaded so far (shared frames count once)."""
        self._last: tuple[int, int, torch.Tensor] | None = None

    def __call__(self, start: int, end: int, *, length: int | None = None) -> torch.Tensor:
        """Frames `start`..`end`, padded to `length` by repeating the last one."""
        import torch

        pieces = []
        cursor = start
        if self._last is not None:
            last_start, last_end, kept = self._last
            if last_start <= start < last_end:
                cursor = min(end, last_end)
                pieces.append(kept[start - last_start : cursor - last_start])
        if cursor < end:
            fresh = resized(self.frames[cursor:end], self.size)
            pieces.append(torch.from_numpy(np.ascontiguousarray(fresh)).to(self.device))
            self.uploaded += end - cursor
        raw = pieces[0] if len(pieces) == 1 else torch.cat(pieces)
        self._last = (start, end, raw)
        return padded(to_float(raw), length)


class Prefetcher(Generic[T]):
    """`prepare(i)` for i in 0..count-1, each started on one background thread as soon as the
    one before is taken, so item i+1 is prepared while item i is used. Results are those of
    calling `prepare` in order; an exception in `prepare` is raised by `get`."""

    def __init__(self, prepare: Callable[[int], T], count: int) -> None:
        self._prepare = prepare
        self._count = count
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chunk-prepare")
        self._pending: dict[int, Future[T]] = {}

    def get(self, index: int) -> T:
        """Item `index` (waiting for it), with item `index + 1` started behind it."""
        future = self._pending.pop(index, None) or self._pool.submit(self._prepare, index)
        following = index + 1
        if following < self._count and following not in self._pending:
            self._pending[following] = self._pool.submit(self._prepare, following)
        return future.result()

    def close(self) -> None:
        """Drop what was not taken and wait for the thread to finish."""
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)

    def __enter__(self) -> Prefetcher[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
