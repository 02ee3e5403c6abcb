"""Frames as tensors end to end (`backends/frames.py`): the backends give the very frames of
the PIL and numpy path (PIL conditioning, `output_type="np"`, numpy stitching, re-implemented
here as the reference), convert shared conditioning frames once, and prepare the next chunk
on one background thread whose errors reach the caller."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from motiondirector.generators.backends import BACKENDS, DiffusersBackend
from motiondirector.generators.backends.cogvideox_fun import CogVideoXFunBackend
from motiondirector.generators.backends.common import Settings, float_to_pil, to_pil_frames
from motiondirector.generators.backends.frames import FrameTensors, Prefetcher, to_uint8
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.backends.wan_vace import GENERATE, KEEP
from motiondirector.generators.base import GenerationRequest
from motiondirector.generators.chunking import Chunk, append_chunk, plan_chunks
from motiondirector.motion.library import get_clip

CLIP = "wave.right.large.fast.happy"
CHUNK = {"wan-vace": 9, "cogvideox-fun": 9, "animatediff": 8}
OVERLAP = {"wan-vace": 2, "cogvideox-fun": 2, "animatediff": 2}


def poses(frames: int, size: int) -> np.ndarray:
    rendered = BACKENDS["wan-vace"].render_pose(get_clip(CLIP).motion(), size=(size, size))
    return rendered[np.arange(frames) % len(rendered)]


def three_chunks(name: str, pose_size: int = 32) -> GenerationRequest:
    total = CHUNK[name] + 2 * (CHUNK[name] - OVERLAP[name]) - 1  # the last chunk moves back
    return GenerationRequest(
        pose_frames=poses(total, pose_size),
        width=32,
        height=32,
        prompt="a person waves",
        num_inference_steps=2,
        seed=5,
        chunk_frames=CHUNK[name],
        overlap_frames=OVERLAP[name],
    )


def reference_frames(backend: DiffusersBackend, request: GenerationRequest) -> np.ndarray:
    """The frames of the PIL / numpy path: PIL conditioning, numpy output and stitching."""
    settings = backend.settings(request)
    size = (settings.width, settings.height)
    shared = backend.prompt_inputs(request, settings) | {
        "height": settings.height,
        "width": settings.width,
        "num_inference_steps": settings.steps,
        "guidance_scale": settings.guidance_scale,
        "generator": torch.Generator("cpu").manual_seed(request.seed),
        "output_type": "np",
    }
    video: np.ndarray | None = None
    for chunk in plan_chunks(settings.frames, settings.chunk_frames, settings.overlap_frames):
        length = backend.chunk_length(chunk.length)
        frames = request.pose_frames[chunk.start : chunk.end]
        inputs: dict[str, Any]
        if backend.name == "wan-vace":
            kept = []
            if chunk.overlap and video is not None:
                kept = float_to_pil(video[chunk.start : chunk.start + chunk.overlap], size)
            pose = to_pil_frames(frames, size, length=length)
            mask = [Image.new("L", size, KEEP)] * len(kept) + [Image.new("L", size, GENERATE)] * (
                length - len(kept)
            )
            inputs = {"video": kept + pose[len(kept) :], "mask": mask, "num_frames": length}
        elif backend.name == "cogvideox-fun":
            inputs = {
                "control_video": to_pil_frames(frames, size, length=length),
                "max_sequence_length": backend.pipeline.transformer.config.max_text_seq_length,
            }
        else:
            inputs = {"conditioning_frames": to_pil_frames(frames, size), "num_frames": length}
        result = backend.pipeline(**shared, **inputs)
        piece = np.asarray(result.frames[0], dtype=np.float32)[: chunk.length]
        video = append_chunk(video, piece, chunk.overlap)
    assert video is not None
    return np.clip(np.rint(video * 255.0), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", list(CHUNK))
@pytest.mark.parametrize("pose_size", [32, 48])
def test_tensor_frames_are_the_frames_of_the_pil_path(name: str, pose_size: int) -> None:
    torch.set_num_threads(1)
    backend = BACKENDS[name].from_components(tiny_pipeline(name), device="cpu")
    request = three_chunks(name, pose_size)  # 48: the pose frames are resized to 32
    output = backend(request)
    assert output.metadata["chunks"] == 3 and output.frames.dtype == np.uint8
    np.testing.assert_array_equal(output.frames, reference_frames(backend, request))


def test_shared_frames_are_uploaded_once_and_match_uint8_over_255() -> None:
    frames = np.random.default_rng(0).integers(0, 256, (20, 8, 6, 3), dtype=np.uint8)
    tensors = FrameTensors(frames, (6, 8), "cpu")
    first = tensors(0, 9, length=13)
    second = tensors(7, 16)
    assert tensors.uploaded == 16  # frames 7 and 8 came from the first range
    assert first.shape == (13, 3, 8, 6) and first.dtype == torch.float32
    expected = torch.from_numpy(frames.astype(np.float32) / 255.0).permute(0, 3, 1, 2)
    torch.testing.assert_close(first[:9], expected[:9], rtol=0, atol=0)
    torch.testing.assert_close(first[9:], expected[8:9].expand(4, -1, -1, -1), rtol=0, atol=0)
    torch.testing.assert_close(second, expected[7:16], rtol=0, atol=0)
    tensors(2, 5)  # before the last range: converted again
    assert tensors.uploaded == 19
    np.testing.assert_array_equal(to_uint8(second), frames[7:16])


def test_frames_of_another_size_are_resized_as_pil_does() -> None:
    frames = np.random.default_rng(1).integers(0, 256, (3, 12, 10, 3), dtype=np.uint8)
    tensors = FrameTensors(frames, (8, 6), "cpu")(0, 3)
    expected = np.stack([np.asarray(image) for image in to_pil_frames(frames, (8, 6))])
    np.testing.assert_array_equal(to_uint8(tensors), expected)


def test_the_next_item_is_prepared_on_one_other_thread_while_this_one_is_used() -> None:
    main = threading.get_ident()
    threads: list[int] = []
    second_started = threading.Event()

    def prepare(index: int) -> int:
        threads.append(threading.get_ident())
        if index == 1:
            second_started.set()
        return index * 10

    with Prefetcher(prepare, 3) as prefetch:
        assert prefetch.get(0) == 0
        # Nobody asked for item 1 yet: it is being prepared behind item 0.
        assert second_started.wait(timeout=30)
        assert [prefetch.get(1), prefetch.get(2)] == [10, 20]
    assert len(set(threads)) == 1 and main not in threads


def test_an_error_while_preparing_reaches_the_caller() -> None:
    def prepare(index: int) -> int:
        if index == 1:
            raise ValueError("pose frame 12 is broken")
        return index

    with Prefetcher(prepare, 3) as prefetch:
        assert prefetch.get(0) == 0
        with pytest.raises(ValueError, match="pose frame 12"):
            prefetch.get(1)


class BrokenSecondChunk(CogVideoXFunBackend):
    """A backend whose conditioning fails for the second chunk, and that keeps its tensors."""

    seen: list[FrameTensors]

    def pose_tensors(self, request: GenerationRequest, settings: Settings) -> FrameTensors:
        tensors = super().pose_tensors(request, settings)
        self.seen.append(tensors)
        return tensors

    def prepare_chunk(
        self, request: GenerationRequest, settings: Settings, chunk: Chunk, pose: FrameTensors
    ) -> dict[str, Any]:
        if chunk.start > 0 and request.seed == 13:
            raise RuntimeError(f"no conditioning for the chunk at {chunk.start}")
        return super().prepare_chunk(request, settings, chunk, pose)


def test_a_backend_converts_each_pose_frame_once_and_raises_a_preparing_error() -> None:
    backend = BrokenSecondChunk.from_components(tiny_pipeline("cogvideox-fun"), device="cpu")
    backend.seen = []
    request = three_chunks("cogvideox-fun")
    backend(request)
    assert backend.seen[0].uploaded == request.frame_count
    with pytest.raises(RuntimeError, match=r"no conditioning for the chunk at 7$"):
        backend(request.model_copy(update={"seed": 13}))
