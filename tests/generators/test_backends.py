"""The four diffusers backends, each over its real pipeline class built from tiny random parts
on the CPU: two denoising steps, frame counts and sizes, pose conditioning that matters,
chunked long requests with smooth seams, input checks that name the argument, loading, and the
refusals (no diffusers, no GPU, no prompt cleaner)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import torch

from motiondirector.errors import BackendUnavailableError, GenerationError, GenerationInputError
from motiondirector.generators.backends import (
    BACKEND_NAMES,
    BACKENDS,
    DiffusersBackend,
    backend_class,
    get_generator,
)
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.backends.wan_vace import GENERATE, KEEP, WanVACEBackend
from motiondirector.generators.base import BackendOptions, GenerationRequest, Generator
from motiondirector.generators.chunking import Chunk, frame_jumps, plan_chunks
from motiondirector.motion.library import get_clip

SIZE = 32
TEXT_DIM = 32  # the tiny text encoders' width
CHUNK = {"wan-animate": 9, "wan-vace": 9, "cogvideox-fun": 9, "animatediff": 8}
OVERLAP = {"wan-animate": 1, "wan-vace": 2, "cogvideox-fun": 2, "animatediff": 2}


@pytest.fixture(scope="module")
def backends() -> dict[str, DiffusersBackend]:
    torch.set_num_threads(1)
    return {name: BACKENDS[name].from_components(tiny_pipeline(name)) for name in BACKEND_NAMES}


def pose_video(clip_id: str, frames: int) -> np.ndarray:
    """OpenPose-18 frames of a built-in gesture clip at 16 fps, looped to `frames`."""
    rendered = WanVACEBackend.render_pose(get_clip(clip_id).motion(), size=(SIZE, SIZE), fps=16)
    return rendered[np.arange(frames) % len(rendered)]


WAVE = "wave.right.large.fast.happy"
BOW = "bow.large.normal.neutral"


def request_for(name: str, poses: np.ndarray, **changes: Any) -> GenerationRequest:
    """A two-step request each backend takes: Wan gets prompt embeddings (its prompt text
    cleaner, ftfy, is an extra), the others a prompt."""
    rng = np.random.default_rng(7)
    fields: dict[str, Any] = {
        "pose_frames": poses,
        "num_inference_steps": 2,
        "seed": 3,
        "fps": 16.0,
        "chunk_frames": CHUNK[name],
        "overlap_frames": OVERLAP[name],
    }
    if name.startswith("wan"):
        fields["prompt_embeds"] = rng.standard_normal((1, 8, TEXT_DIM)).astype(np.float32)
        fields["negative_prompt_embeds"] = np.zeros((1, 8, TEXT_DIM), dtype=np.float32)
    else:
        fields["prompt"] = "a man waves his right hand"
    if name == "wan-animate":
        fields["reference_image"] = rng.integers(0, 256, (48, 40, 3), dtype=np.uint8)
        fields["face_frames"] = rng.integers(0, 256, (len(poses), 24, 24, 3), dtype=np.uint8)
    fields.update(changes)
    return GenerationRequest(**fields)


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_backend_generates_the_frames_asked_and_follows_the_pose(
    backends: dict[str, DiffusersBackend], name: str
) -> None:
    backend = backends[name]
    assert isinstance(backend, Generator)
    first = backend(request_for(name, pose_video(WAVE, 7)))
    assert first.frames.shape == (7, SIZE, SIZE, 3) and first.frames.dtype == np.uint8
    assert first.fps == 16.0 and first.seed == 3
    meta = first.metadata
    assert meta["backend"] == name and meta["pipeline"] == type(backend.pipeline).__name__
    assert meta["steps"] == 2 and meta["chunks"] == 1 and meta["frames"] == 7

    again = backend(request_for(name, pose_video(WAVE, 7)))
    np.testing.assert_array_equal(again.frames, first.frames)  # seeded: the same video
    other = backend(request_for(name, pose_video(BOW, 7)))
    changed = (other.frames != first.frames).mean()
    assert changed > 0.2, f"{name}: another pose changed only {changed:.1%} of the values"


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_long_request_is_generated_in_chunks_with_smooth_seams(
    backends: dict[str, DiffusersBackend], name: str
) -> None:
    backend = backends[name]
    total = CHUNK[name] + 2 * (CHUNK[name] - OVERLAP[name])  # three chunks
    output = backend(request_for(name, pose_video(WAVE, total)))
    assert output.frames.shape[0] == total
    meta = output.metadata
    chunks = plan_chunks(total, CHUNK[name], OVERLAP[name])
    assert meta["chunks"] == len(chunks) == 3
    assert meta["chunk_starts"] == [chunk.start for chunk in chunks]

    jumps = frame_jumps(output.frames)
    seams = {
        step
        for chunk in chunks[1:]
        for step in range(chunk.start - 1, chunk.start + chunk.overlap)
        if 0 <= step < len(jumps)
    }
    inner = [jumps[i] for i in range(len(jumps)) if i not in seams]
    worst_seam = max(jumps[i] for i in seams)
    # Random weights make every frame differ; a seam must not stand out from that.
    assert worst_seam <= max(inner), f"{name}: seam jump {worst_seam:.1f} > {max(inner):.1f}"


def test_progress_counts_the_chunks_of_a_long_request(
    backends: dict[str, DiffusersBackend], capsys: pytest.CaptureFixture[str]
) -> None:
    backend = backends["cogvideox-fun"]
    total = CHUNK["cogvideox-fun"] + 2 * (CHUNK["cogvideox-fun"] - OVERLAP["cogvideox-fun"])
    backend.show_progress(True)
    try:
        backend(request_for("cogvideox-fun", pose_video(WAVE, total)))
        shown = capsys.readouterr().err
        backend(request_for("cogvideox-fun", pose_video(WAVE, 7)))  # one chunk: no chunk bar
        single = capsys.readouterr().err
    finally:
        backend.show_progress(False)
    assert "cogvideox-fun chunks: 100%" in shown and "3/3" in shown
    assert "chunks" not in single and "/2 [" in single  # the denoising steps still show
    backend(request_for("cogvideox-fun", pose_video(WAVE, total)))
    assert capsys.readouterr().err == ""  # off by default


def test_vace_continues_a_chunk_from_the_carried_frames(
    backends: dict[str, DiffusersBackend],
) -> None:
    backend = backends["wan-vace"]
    request = request_for("wan-vace", pose_video(WAVE, 21))
    settings = backend.settings(request)
    carried = torch.rand((4, 3, SIZE, SIZE), generator=torch.Generator().manual_seed(1))
    inputs = backend.chunk_inputs(request, settings, Chunk(8, 17, 4), carried)
    video, mask = inputs["video"][0], inputs["mask"][0]  # (frames, channels, h, w)
    assert len(video) == len(mask) == inputs["num_frames"] == 9
    kept = (video[:4] * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    np.testing.assert_array_equal(kept, np.rint(carried.permute(0, 2, 3, 1).numpy() * 255))
    pose = (video[4] * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    np.testing.assert_array_equal(pose, request.pose_frames[12])
    assert [round(float(m.max()) * 255) for m in mask] == [KEEP] * 4 + [GENERATE] * 5


def test_animate_face_video_is_cropped_square_or_black(
    backends: dict[str, DiffusersBackend],
) -> None:
    backend = backends["wan-animate"]
    side = backend.pipeline.transformer.config.motion_encoder_size
    faces = np.zeros((2, 20, 30, 3), dtype=np.uint8)
    faces[:, :, 5:25] = 200  # the centred square
    crops = backend.face_video(faces, 2)
    assert [image.size for image in crops] == [(side, side)] * 2
    assert np.asarray(crops[0]).min() == 200
    blank = backend.face_video(None, 3)
    assert len(blank) == 3 and np.asarray(blank[0]).max() == 0


def test_embeddings_without_a_text_encoder_guide_against_zeros(
    backends: dict[str, DiffusersBackend],
) -> None:
    parts = backends["wan-vace"].pipeline
    bare = type(parts)(
        tokenizer=None,
        text_encoder=None,
        vae=parts.vae,
        scheduler=parts.scheduler,
        transformer=parts.transformer,
    )
    backend = WanVACEBackend.from_components(bare)
    request = request_for("wan-vace", pose_video(WAVE, 5), negative_prompt_embeds=None)
    output = backend(request)
    assert output.frames.shape == (5, SIZE, SIZE, 3)
    assert output.metadata["guidance_scale"] == 5.0  # guidance ran, against zero embeddings


def bad(name: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    return name, changes


POSES = np.zeros((5, SIZE, SIZE, 3), dtype=np.uint8)
CASES = {
    "pose_frames": bad("wan-vace", pose_frames=POSES.astype(np.float32)),
    "pose_frames-shape": bad("cogvideox-fun", pose_frames=POSES[..., 0]),
    "face_frames": bad("wan-animate", face_frames=np.zeros((3, 8, 8, 3), np.uint8)),
    "face_frames-unused": bad("wan-vace", face_frames=POSES),
    "reference_image": bad("wan-animate", reference_image=None),
    "reference_image-unused": bad("animatediff", reference_image=POSES[0]),
    "reference_image-shape": bad("wan-vace", reference_image=POSES[0, ..., 0]),
    "prompt": bad("cogvideox-fun", prompt=None),
    "prompt-both": bad("cogvideox-fun", prompt_embeds=np.zeros((1, 4, TEXT_DIM))),
    "prompt_embeds": bad("wan-vace", prompt_embeds=np.zeros((4, TEXT_DIM))),
    "num_frames": bad("wan-vace", num_frames=6),
    "height": bad("wan-vace", height=40),
    "width": bad("animatediff", width=36),
    "chunk_frames": bad("wan-vace", chunk_frames=8),
    "overlap_frames": bad("cogvideox-fun", chunk_frames=9, overlap_frames=9),
    "overlap_frames-animate": bad("wan-animate", overlap_frames=2),
    "num_inference_steps": bad("animatediff", num_inference_steps=0),
    "fps": bad("cogvideox-fun", fps=0.0),
    "seed": bad("animatediff", seed=-1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_inputs_names_the_bad_argument(
    backends: dict[str, DiffusersBackend], case: str
) -> None:
    name, changes = CASES[case]
    argument = case.split("-")[0]
    request = request_for(name, POSES, **changes)
    with pytest.raises(GenerationInputError) as caught:
        backends[name].check_inputs(request)
    assert caught.value.argument == argument
    assert str(caught.value).startswith(f"{argument}: ")
    with pytest.raises(GenerationInputError):  # generating checks first
        backends[name](request)


def test_loading_a_saved_pipeline_by_path(tmp_path: Any) -> None:
    folder = tmp_path / "cogvideox-fun"
    tiny_pipeline("cogvideox-fun").save_pretrained(folder)
    backend = get_generator("cogvideox-fun", BackendOptions(model=str(folder), device="cpu"))
    assert backend.device == "cpu" and backend.model == str(folder)
    output = backend(request_for("cogvideox-fun", pose_video(WAVE, 5)))
    assert output.frames.shape == (5, SIZE, SIZE, 3)
    assert output.metadata["model"] == str(folder) and output.metadata["dtype"] == "float32"


@pytest.mark.parametrize("name", ["wan-vace", "wan-animate", "animatediff"])
def test_loading_keeps_the_backends_own_components(tmp_path: Any, name: str) -> None:
    folder = tmp_path / name
    tiny_pipeline(name).save_pretrained(folder)
    backend = backend_class(name).from_pretrained(
        BackendOptions(model=str(folder), device="cpu", dtype="bf16")
    )
    pipeline = backend.pipeline
    if name.startswith("wan"):
        assert pipeline.vae.dtype == torch.float32  # the VAE stays in full precision
        assert pipeline.transformer.dtype == torch.bfloat16
    else:  # the saved adapter and ControlNet were used, not the hub defaults
        assert pipeline.controlnet.dtype == torch.bfloat16


def test_loading_puts_the_wan_vae_in_the_dtype_asked(tmp_path: Any) -> None:
    folder = tmp_path / "wan-vace"
    tiny_pipeline("wan-vace").save_pretrained(folder)
    backend = backend_class("wan-vace").from_pretrained(
        BackendOptions(model=str(folder), device="cpu", vae_dtype="bfloat16")
    )
    assert backend.pipeline.vae.dtype == torch.bfloat16
    assert backend.pipeline.transformer.dtype == torch.float32
    assert backend.applied["vae_dtype"] == "bfloat16"


def test_a_backend_refuses_another_models_pipeline(
    backends: dict[str, DiffusersBackend],
) -> None:
    with pytest.raises(GenerationInputError, match="wraps a WanVACEPipeline") as caught:
        WanVACEBackend.from_components(backends["cogvideox-fun"].pipeline)
    assert caught.value.argument == "pipeline"


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(GenerationInputError, match="wan-animate, wan-vace"):
        get_generator("sora")


def test_missing_diffusers_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "diffusers", None)  # `import diffusers` now fails
    with pytest.raises(BackendUnavailableError, match=r"pip install 'motiondirector\[video\]'"):
        get_generator("wan-vace", BackendOptions(device="cpu"))


def test_real_weights_without_a_gpu_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever this machine has, the check must see no GPU.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for device in ("cuda", "auto"):
        options = BackendOptions(model="/models/Wan2.1-VACE-1.3B", device=device)
        with pytest.raises(BackendUnavailableError) as caught:
            get_generator("wan-vace", options)
        message = str(caught.value)
        assert f"device {device!r}" in message and "no GPU was found" in message
        assert "/models/Wan2.1-VACE-1.3B" in message and "--device cpu" in message
    with pytest.raises(GenerationError, match="no model folder"):
        get_generator("wan-vace", BackendOptions(model="/models/Wan2.1-VACE-1.3B", device="cpu"))


def test_prompt_text_for_wan_without_ftfy_says_what_to_install(
    backends: dict[str, DiffusersBackend], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ftfy", None)
    request = request_for("wan-vace", POSES, prompt="a man waves", prompt_embeds=None)
    with pytest.raises(BackendUnavailableError, match="pip install ftfy"):
        backends["wan-vace"](request)


def test_importing_the_backends_does_not_import_diffusers() -> None:
    code = (
        "import sys\n"
        "import motiondirector.generators.backends, motiondirector.generators.base\n"
        "import motiondirector.generators.chunking, motiondirector.generators.backends.tiny\n"
        "print(sorted(m for m in ('diffusers', 'transformers', 'torch') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_render_pose_frames_the_character_at_the_models_rate(name: str) -> None:
    backend = BACKENDS[name]
    clip = get_clip(WAVE)
    frames = backend.render_pose(clip.motion(), size=(128, 96))
    assert frames.shape == (int(clip.duration * backend.native_fps + 1e-9) + 1, 96, 128, 3)
    drawn = np.argwhere(frames.max(axis=(0, 3)) > 0)
    (top, left), (bottom, right) = drawn.min(axis=0), drawn.max(axis=0)
    assert top > 0 and left > 0 and bottom < 95 and right < 127  # the whole figure is in view
    assert bottom - top > 0.6 * 96  # and fills the frame
