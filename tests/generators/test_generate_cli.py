"""`motiondirector generate` over a folder as `direct --out` writes it: videos from tiny saved
pipelines loaded by path on the CPU, and every refusal as one clear line (exit 2)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import numpy as np
import pytest
import torch
from PIL import Image

from motiondirector.cli import main
from motiondirector.generators.backends import WanAnimateBackend
from motiondirector.generators.backends.scene import build_requests, read_direction
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.chunking import plan_chunks
from motiondirector.generators.face_track import face_frames
from motiondirector.plan.options import BACKEND_NAMES


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny random pipelines saved in diffusers layout, one folder per backend."""
    root = tmp_path_factory.mktemp("models")
    for name in BACKEND_NAMES:
        tiny_pipeline(name).save_pretrained(root / name)
    return root


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    path = tmp_path / "ana.png"
    Image.new("RGB", (40, 48), (200, 120, 90)).save(path)
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["generate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def tiny_args(models: Path, backend: str) -> list[str]:
    return [
        "--backend", backend, "--model", str(models / backend), "--device", "cpu",
        "--size", "32x32", "--steps", "2",
    ]  # fmt: skip


def video_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_generate_writes_a_video_and_its_record_per_character(
    direction: Path, models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    args = [str(direction), *tiny_args(models, "cogvideox-fun"), "--end", "1.5", "--out", str(out)]
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["ANA.json", "ANA.mp4", "BEN.json", "BEN.mp4"]
    frames = video_frames(out / "ANA.mp4")
    assert len(frames) == 13 and frames[0].shape == (32, 32, 3)  # 0..1.5 s at 8 fps
    record = json.loads((out / "ANA.json").read_text())
    assert record["character"] == "ANA" and record["fps"] == 8
    assert (record["start"], record["end"]) == (0.0, 1.5)
    assert record["metadata"]["backend"] == "cogvideox-fun"
    assert record["metadata"]["model"] == str(models / "cogvideox-fun")
    assert "ANA" in stdout and "13 frames 32x32 at 8 fps" in stdout


def test_generate_one_character_in_chunks(
    direction: Path, models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    args = [
        str(direction), *tiny_args(models, "animatediff"), "--character", "BEN",
        "--chunk-frames", "8", "--overlap-frames", "2", "--end", "2", "--seed", "5",
        "--out", str(out),
    ]  # fmt: skip
    code, _, err = run(args, capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["BEN.json", "BEN.mp4"]
    assert len(video_frames(out / "BEN.mp4")) == 17
    meta = json.loads((out / "BEN.json").read_text())["metadata"]
    assert meta["chunks"] == len(plan_chunks(17, 8, 2)) == 3 and meta["overlap_frames"] == 2


def test_real_weights_on_a_machine_without_gpu_fail_clearly(
    direction: Path,
    reference: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # whatever this machine has
    out = tmp_path / "generated"
    for device in ("auto", "cuda"):
        args = [
            str(direction), "--backend", "wan-vace", "--model", "/models/Wan2.1-VACE-1.3B",
            "--reference", str(reference), "--device", device, "--out", str(out),
        ]  # fmt: skip
        code, _, err = run(args, capsys)
        assert code == 1
        assert err.startswith(f"error: device {device!r} was asked for")
        assert "no GPU was found" in err and "--device cpu" in err and "Traceback" not in err
    assert not out.exists()


def bad_image(tmp_path: Path) -> str:
    path = tmp_path / "notes.png"
    path.write_text("not an image")
    return str(path)


def good_image(tmp_path: Path) -> str:
    path = tmp_path / "ana.png"
    Image.new("RGB", (32, 32)).save(path)
    return str(path)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--character", "ZOE"], "character: no character 'ZOE'"),
        (["--reference", bad_image], "reference: cannot read the image"),
        (["--reference", good_image], "reference: cogvideox-fun takes no reference image"),
        (["--chunk-frames", "8"], "chunk_frames: must be 4k+1 for cogvideox-fun"),
        (["--start", "500"], "start: must be within the scene's 0..2.12 s, got 500"),
        (["--start", "1", "--end", "0.5"], "end: must come after start (1.0 s)"),
        (["--size", "32by32"], "--size must look like"),
        (["--component", "controlnet"], "--component must look like NAME=MODEL"),
    ],
)
def test_bad_requests_fail_with_one_line(
    direction: Path,
    models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[object],
    message: str,
) -> None:
    resolved = [item(tmp_path) if callable(item) else str(item) for item in extra]
    args = [str(direction), *tiny_args(models, "cogvideox-fun"), "--out", str(tmp_path / "o")]
    code, _, err = run(args + resolved, capsys)
    assert code == 1
    last = err.strip().splitlines()[-1]  # after any loading progress
    assert last.startswith("error: ") and message in last and "Traceback" not in err


def test_a_missing_reference_is_refused_before_the_model_loads(
    direction: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    absent = tmp_path / "no-such-model"  # loading it would fail with another message
    args = [str(direction), "--backend", "wan-animate", "--model", str(absent), "--device", "cpu"]
    code, _, err = run([*args, "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    assert err.strip() == "error: reference: wan-animate animates a reference image; give one"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--size", "840x480"], "error: width: must be a multiple of 16 for wan-vace, got 840"),
        (["--chunk-frames", "80"], "error: chunk_frames: must be 4k+1 for wan-vace"),
        (
            ["--overlap-frames", "81"],
            "error: overlap_frames: must be smaller than chunk_frames (81)",
        ),
    ],
)
def test_sizes_and_chunks_a_model_cannot_take_are_refused_before_it_loads(
    direction: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    absent = tmp_path / "no-such-model"  # loading it would fail with another message
    args = [str(direction), "--backend", "wan-vace", "--model", str(absent), "--device", "cpu"]
    code, _, err = run([*args, *extra, "--out", str(tmp_path / "o")], capsys)
    assert code == 1 and err.strip().startswith(message)
    assert not (tmp_path / "o").exists()


def test_a_frame_rate_must_be_above_zero(
    direction: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(direction), "--backend", "wan-vace", "--fps", "0", "--out", str(tmp_path / "o")]
    with pytest.raises(SystemExit) as stopped:
        run(args, capsys)
    assert stopped.value.code == 2
    assert "argument --fps: must be 1 or more, got 0" in capsys.readouterr().err


def test_a_folder_without_a_plan_is_refused(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(tmp_path), *tiny_args(models, "cogvideox-fun"), "--out", str(tmp_path / "o")]
    code, _, err = run(args, capsys)
    assert code == 1 and "has no plan.json" in err and "motiondirector direct" in err


@pytest.mark.parametrize(
    ("module", "backend", "hint"),
    [
        ("diffusers", "animatediff", "pip install 'motiondirector[video]'"),
        ("ftfy", "wan-animate", "pip install ftfy"),
    ],
)
def test_missing_packages_say_what_to_install(
    direction: Path,
    models: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    backend: str,
    hint: str,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # importing it now fails
    args = [
        str(direction), "--backend", backend, "--model", str(models / backend),
        "--device", "cpu", "--out", str(tmp_path / "o"),
    ]  # fmt: skip
    code, _, err = run(args, capsys)
    assert code == 1 and hint in err and "Traceback" not in err


def test_wan_animate_gets_the_face_track_of_the_same_seconds(direction: Path) -> None:
    read = read_direction(direction, ["ANA"])
    reference = np.zeros((48, 40, 3), dtype=np.uint8)
    (item,) = build_requests(
        read, WanAnimateBackend, reference=reference, size=(64, 48), fps=15, start=0.4, end=1.2
    )
    request = item.request
    assert (item.start, item.end) == (0.4, 1.2)
    assert request.pose_frames.shape == (13, 48, 64, 3) and request.fps == 15
    faces = request.face_frames
    assert faces is not None and faces.shape == (13, 64, 64, 3)
    track = face_frames(read.plan, "ANA", 30, (64, 64))
    np.testing.assert_array_equal(faces, track[[12 + 2 * i for i in range(13)]])
    assert request.reference_image is reference


@pytest.mark.parametrize("backend", BACKEND_NAMES)
def test_generate_shows_the_user_no_library_warnings(
    backend: str,
    direction: Path,
    models: Path,
    reference: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "o"
    needs_reference = ["--reference", str(reference)] if backend.startswith("wan") else []
    args = [
        str(direction), *tiny_args(models, backend), *needs_reference,
        "--character", "BEN", "--end", "0.5", "--out", str(out),
    ]  # fmt: skip
    with library_records() as records:
        code, _, err = run(args, capsys)
    assert code == 0, err
    assert "warn" not in err.lower() and "deprecat" not in err.lower(), err
    # Not on a terminal: no loading bars (a log would get lines of carriage returns).
    assert "Loading" not in err and "\r" not in err, err
    # The libraries' handlers may hold a stream of an earlier test's capture, so their records
    # are read where they are made.
    assert not records, [record.getMessage() for record in records]


@contextmanager
def library_records() -> Iterator[list[logging.LogRecord]]:
    """The warnings diffusers and transformers log meanwhile; their levels are restored."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    loggers = [logging.getLogger(name) for name in ("diffusers", "transformers")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_a_face_video_for_a_backend_that_takes_none_is_refused(direction: Path) -> None:
    from motiondirector.errors import GenerationInputError
    from motiondirector.generators.backends import WanVACEBackend

    def never(*args: object) -> np.ndarray:
        raise AssertionError("no face video is drawn for a backend that takes none")

    read = read_direction(direction, ["ANA"])
    with pytest.raises(GenerationInputError, match="wan-vace takes no face video") as error:
        build_requests(read, WanVACEBackend, size=(32, 32), end=0.5, face_video=never)
    assert error.value.argument == "face_library" and "wan-animate" in str(error.value)


def test_a_character_is_named_whatever_its_case(direction: Path) -> None:
    read = read_direction(direction, ["ana"])
    assert list(read.motions) == ["ANA"]
