"""A video backend as the segment generator: a backend that cannot make a segment from its pose
alone is refused by name, before any model loads and before any planning; the videos it makes
are named where they lie."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.errors import GenerationInputError
from motiondirector.generators.backends import BACKENDS
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.base import BackendOptions
from motiondirector.plan.timeline import Timeline
from motiondirector.realize.video import VideoSegmentGenerator, generator_from_registry
from tests.conftest import EXAMPLE_SCENE

POSE_ONLY = "use one that generates from pose alone: wan-vace, cogvideox-fun, animatediff"


def test_a_backend_that_needs_a_reference_image_is_refused_before_it_loads(
    tmp_path: Path,
) -> None:
    options = BackendOptions(model=str(tmp_path / "no-such-model"), device="cpu")
    with pytest.raises(GenerationInputError, match="wan-animate animates a reference image") as e:
        generator_from_registry("wan-animate", options)
    assert e.value.argument == "generator" and POSE_ONLY in str(e.value)


def test_a_loaded_backend_that_needs_a_reference_image_is_refused() -> None:
    backend = BACKENDS["wan-animate"].from_components(tiny_pipeline("wan-animate"))
    with pytest.raises(GenerationInputError, match=POSE_ONLY):
        VideoSegmentGenerator(backend, size=(32, 32), steps=1)


def test_direct_refuses_it_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scene"
    model = str(tmp_path / "no-such-model")
    argv = ["direct", str(EXAMPLE_SCENE), "-q", "--out", str(out), "--generator", "wan-animate",
            "--generator-model", model, "--generator-device", "cpu"]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: generator: wan-animate animates a reference image")
    assert "Traceback" not in err and not out.exists()


def test_direct_names_the_generated_videos_where_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "animatediff"
    tiny_pipeline("animatediff").save_pretrained(model)
    script = tmp_path / "shrug.txt"
    script.write_text("BEN: (shrugs) I don't know.\n")
    out = tmp_path / "scene"
    argv = ["direct", str(script), "-q", "--out", str(out), "--retrieve-threshold", "1.0",
            "--generator", "animatediff", "--generator-model", str(model),
            "--generator-device", "cpu", "--generator-size", "32x32",
            "--generator-steps", "1", "--preset", "cfg-distilled", "--vae-slicing"]  # fmt: skip
    assert main(argv) == 0
    wrote = capsys.readouterr().out.strip().splitlines()[-1]
    listed = wrote.split(": ", 1)[1].split(", ")
    generated = [name for name in listed if name.endswith(".mp4")]
    assert generated and all(name.startswith("generated/") for name in generated)
    assert all((out / name).is_file() for name in listed)
    # The speed flags reach the generator and its provenance, as `generate`'s do.
    timeline = Timeline.model_validate_json((out / "timeline.json").read_text())
    made = [s for t in timeline.characters for s in t.segments if s.kind == "generated"]
    options = made[0].provenance.options
    assert options["preset"] == "cfg-distilled" and options["vae_slicing"] is True
    assert options["guidance_scale"] == 1.0


def test_the_provenance_records_the_steps_and_guidance_the_segment_ran(tmp_path: Path) -> None:
    from motiondirector.motion.library import get_clip
    from motiondirector.plan.motion_plan import GestureEvent
    from motiondirector.realize import plan_script
    from motiondirector.realize.requests import SegmentRequest

    options = BackendOptions(device="cpu", preset="distilled-4")
    backend = BACKENDS["wan-vace"].from_components(tiny_pipeline("wan-vace"), options=options)
    event = next(
        event
        for track in plan_script(EXAMPLE_SCENE).characters
        for event in track.events
        if isinstance(event, GestureEvent)
    )
    motion = get_clip("wave.right.large.fast.happy").motion()
    asked = SegmentRequest("ANA", event, 0.0, 0.3, motion, "a wave", 1, tmp_path / "a.mp4")
    # The preset says 4 steps; the generator's own steps win, and the provenance says so.
    material = VideoSegmentGenerator(backend, size=(32, 32), steps=2).generate_segment(asked)
    assert material.options == {
        "preset": "distilled-4",
        "shift": 5.0,
        "steps": 2,
        "guidance_scale": 1.0,
        "fps": 16.0,
    }


def test_a_segment_is_generated_at_the_model_s_own_frame_rate(tmp_path: Path) -> None:
    import av

    from motiondirector.motion.library import get_clip
    from motiondirector.plan.motion_plan import GestureEvent
    from motiondirector.realize import plan_script
    from motiondirector.realize.requests import SegmentRequest

    backend = BACKENDS["wan-vace"].from_components(tiny_pipeline("wan-vace"))
    event = next(
        event
        for track in plan_script(EXAMPLE_SCENE).characters
        for event in track.events
        if isinstance(event, GestureEvent)
    )
    motion = get_clip("nod.normal.normal.neutral").motion()
    assert motion.fps == 30
    asked = SegmentRequest("ANA", event, 0.0, 1.0, motion, "a nod", 1, tmp_path / "a.mp4")
    material = VideoSegmentGenerator(backend, size=(32, 32), steps=1).generate_segment(asked)
    # Wan is a 16-fps model: the timeline's 30 fps would nearly double its frames.
    with av.open(material.source) as video:
        stream = video.streams.video[0]
        frames = sum(1 for _ in video.decode(stream))
        rate = float(stream.average_rate)
    assert rate == 16.0 and material.options["fps"] == 16.0
    expected = motion.resample(16).frames
    assert (
        expected < motion.frames
        and frames == expected
        and material.duration == pytest.approx(frames / 16)
    )


def test_a_scene_s_segments_are_made_in_one_call_under_a_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import av
    import numpy as np

    from motiondirector.motion.library import get_clip
    from motiondirector.plan.motion_plan import GestureEvent
    from motiondirector.realize import plan_script
    from motiondirector.realize.requests import BatchSegmentGenerator, SegmentRequest

    backend = BACKENDS["wan-vace"].from_components(tiny_pipeline("wan-vace"))
    events = [
        event
        for track in plan_script(EXAMPLE_SCENE).characters
        for event in track.events
        if isinstance(event, GestureEvent)
    ][:2]
    motion = get_clip("wave.right.large.fast.happy").motion()

    def asked(folder: str) -> list[SegmentRequest]:
        return [
            SegmentRequest("ANA", e, 0.0, 0.3, motion, "a wave", n, tmp_path / folder / f"{n}.mp4")
            for n, e in enumerate(events)
        ]

    def frames(path: str) -> np.ndarray:
        with av.open(path) as video:
            return np.stack([f.to_ndarray(format="rgb24") for f in video.decode(video=0)])

    # The decider hands a batch generator every segment at once: the bar counts them.
    batch = VideoSegmentGenerator(backend, size=(32, 32), steps=1, progress=True)
    assert isinstance(batch, BatchSegmentGenerator)
    made = batch.generate_segments(asked("batch"))
    err = capsys.readouterr().err
    assert "wan-vace: 100%" in err and "2/2 [" in err
    one = VideoSegmentGenerator(backend, size=(32, 32), steps=1)
    alone = [one.generate_segment(request) for request in asked("one")]
    assert capsys.readouterr().err == ""  # no bar unless asked
    for a, b in zip(made, alone, strict=True):
        assert (a.duration, a.options) == (b.duration, b.options)
        np.testing.assert_array_equal(frames(a.source), frames(b.source))


def test_direct_without_a_gpu_names_its_own_device_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is there: nothing is refused")
    out = tmp_path / "scene"
    argv = ["direct", str(EXAMPLE_SCENE), "-q", "--out", str(out), "--generator", "wan-vace",
            "--generator-model", str(tmp_path / "weights")]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "no GPU was found" in err and "--generator-device cpu with direct" in err
    assert not out.exists()
