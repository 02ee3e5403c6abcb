"""The `render` and `conditioning` commands: decoded MP4s (frame count, size, rate, duration,
content) and one-line errors with the documented exit codes."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import pytest
from PIL import Image

from motiondirector.cli import main
from motiondirector.generators.openpose import COLORS

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

SCRIPT = """ANA: Hello, Ben! Look at this. (waves)
BEN: (smiling) Wow. Thank you so much.
ANA: (angrily) Stop it. Just stop.
"""


@pytest.fixture(scope="module")
def builtin_cache(builtin_clips: ClipLibrary) -> Iterator[None]:
    """Point the CLI's built-in clip library cache at the one this test run built."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
        yield


@pytest.fixture(scope="module")
def directed(builtin_cache: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder written by `motiondirector direct --out`."""
    root = tmp_path_factory.mktemp("directed")
    script = root / "scene.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = root / "scene"
    assert main(["direct", str(script), "-q", "--out", str(out)]) == 0
    return out


def _duration(directed: Path) -> float:
    return float(json.loads((directed / "plan.json").read_text())["scene"]["duration"])


def _decode(path: Path) -> tuple[np.ndarray, float, float]:
    """Frames (n, h, w, 3), the stream's frame rate and the container's duration in seconds."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        rate = float(stream.average_rate)
        frames = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(stream)])
        assert container.duration is not None
        duration = container.duration / av.time_base
    return frames, rate, duration


def _one_line_error(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    for needle in needles:
        assert needle in err
    return err


def test_render_writes_the_preview_and_contact_sheet(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video, sheet = tmp_path / "preview.mp4", tmp_path / "sheet.png"
    argv = ["render", str(directed / "plan.json"), "--out", str(video), "--size", "160x96"]
    assert main([*argv, "--fps", "24", "--contact-sheet", str(sheet), "-q"]) == 0
    printed = capsys.readouterr().out
    frames, rate, duration = _decode(video)
    expected = math.ceil(_duration(directed) * 24 - 1e-6) + 1
    assert frames.shape == (expected, 96, 160, 3)
    assert rate == 24
    assert duration == pytest.approx(expected / 24, abs=0.05)
    assert f"{expected} frames" in printed and str(sheet) in printed
    with Image.open(sheet) as image:
        assert image.size == (3 * 320, 180)  # three lines: one row of three 320x180 tiles
    # Motion realized as `direct` does: the figures move over the scene.
    assert np.abs(frames[-1].astype(int) - frames[0].astype(int)).max() > 60


def test_render_without_out_writes_beside_its_input(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scene"
    shutil.copytree(directed, folder)
    assert main(["render", str(folder), "--size", "64x48", "-q"]) == 0
    assert (folder / "preview.mp4").is_file() and str(
        folder / "preview.mp4"
    ) in capsys.readouterr().out
    plan = tmp_path / "take.json"
    shutil.copy(directed / "plan.json", plan)
    assert main(["render", str(plan), "--size", "64x48", "-q"]) == 0
    assert _decode(tmp_path / "take.mp4")[0].shape[1:] == (48, 64, 3)


def test_render_names_the_characters_no_font_draws(
    builtin_cache: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from motiondirector import plan_text
    from motiondirector.generators.preview import preview_fonts

    script = tmp_path / "scene.txt"
    script.write_text("ANA: The sign said \U00013000 and nothing more.\n", encoding="utf-8")
    out = tmp_path / "scene"
    assert main(["direct", str(script), "-q", "--out", str(out), "--preview"]) == 0
    _, missing = preview_fonts(plan_text(script.read_text(encoding="utf-8"), format="text"))
    err = capsys.readouterr().err
    # A hieroglyph no font here has: drawn as a box, and the note says which and what to do.
    assert ("note: the preview draws 1 character as boxes (\U00013000)" in err) == bool(missing)
    assert "fonts-noto-core" in err or not missing


def test_the_missing_glyph_note_names_the_fonts_for_those_scripts() -> None:
    from motiondirector.cli.output import font_packages

    assert font_packages(["你", "好"]) == "fonts-noto-cjk for Chinese, Japanese and Korean"
    assert font_packages(["र", "ม"]).startswith("fonts-noto-core")
    both = font_packages(["你", "र"])
    assert "fonts-noto-cjk" in both and "fonts-noto-core" in both


def test_render_matches_direct_preview(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same plan and library give the frames `direct --preview` would make.
    from motiondirector.generators.preview import render_preview
    from motiondirector.plan.validate import load_plan_json
    from motiondirector.realize import direct_scene
    from motiondirector.retrieval.builtin import builtin_clip_library

    plan = load_plan_json((directed / "plan.json").read_text())
    result = direct_scene(plan, library=builtin_clip_library())
    reference = render_preview(result.plan, result.motions, tmp_path / "ref.mp4", size=(64, 48))
    out = tmp_path / "cli.mp4"
    plan_path = str(directed / "plan.json")
    assert main(["render", plan_path, "--out", str(out), "--size", "64x48", "-q"]) == 0
    ours, _, _ = _decode(out)
    theirs, _, _ = _decode(reference.path)
    assert np.array_equal(ours, theirs)


def test_conditioning_openpose_writes_a_pose_video_per_character(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pose"
    argv = ["conditioning", str(directed), "--format", "openpose", "--out", str(out)]
    assert main([*argv, "--size", "96x128", "-q"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["ANA.openpose.mp4", "BEN.openpose.mp4"]
    expected = math.ceil(_duration(directed) * 30 - 1e-6) + 1
    frames, rate, duration = _decode(out / "ANA.openpose.mp4")
    assert frames.shape == (expected, 128, 96, 3) and rate == 30
    assert duration == pytest.approx(expected / 30, abs=0.05)
    assert capsys.readouterr().out.count(f"{expected} frames") == 2
    # OpenPose colours on black: the background is black and the neck keypoint's red is drawn.
    first = frames[0].astype(int)
    assert (first.sum(axis=2) < 30).mean() > 0.8
    red = np.asarray(COLORS[1])  # neck
    assert (np.abs(first - red).sum(axis=2) < 60).sum() >= 5


def test_no_smooth_draws_the_raw_keypoints(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["conditioning", str(directed), "--character", "ANA", "--size", "64x64", "-q"]
    assert main([*base, "--out", str(tmp_path / "smooth")]) == 0
    assert main([*base, "--out", str(tmp_path / "raw"), "--no-smooth"]) == 0
    smooth, _, _ = _decode(tmp_path / "smooth" / "ANA.openpose.mp4")
    raw, _, _ = _decode(tmp_path / "raw" / "ANA.openpose.mp4")
    assert [p.name for p in (tmp_path / "raw").iterdir()] == ["ANA.openpose.mp4"]
    assert smooth.shape == raw.shape
    difference = np.abs(smooth.astype(int) - raw.astype(int)).mean(axis=(1, 2, 3))
    # The filter starts at the first pose, so there the videos differ only by the encoder's
    # choices (measured: 0.7 levels on average); where Ana moves the drawn poses differ
    # (measured: up to 3.7 levels).
    assert difference[0] < 1.5 and difference.max() > 2.5 * difference[0]


def test_conditioning_face_track_at_60_fps(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "face"
    argv = ["conditioning", str(directed), "--format", "face", "--out", str(out), "-q"]
    # A name is matched whatever its case, as in notes.
    assert main([*argv, "--size", "64x64", "--fps", "60", "--character", "ben"]) == 0
    frames, rate, duration = _decode(out / "BEN.face.mp4")
    expected = math.ceil(_duration(directed) * 60 - 1e-6) + 1
    assert frames.shape == (expected, 64, 64, 3) and rate == 60
    assert duration == pytest.approx(expected / 60, abs=0.05)
    # White lines on black: grey pixels only (H.264 keeps them within a few levels).
    spread = frames.max(axis=3).astype(int) - frames.min(axis=3).astype(int)
    assert spread.max() < 40 and frames.max() > 200
    # Ben speaks the middle line only: his face moves during it and not at the start.
    assert np.abs(np.diff(frames.astype(np.int16), axis=0)).max() > 100
    # (Frames after the first: the key frame and the next are coded apart, up to ~60 levels.)
    still = np.abs(np.diff(frames[1:10].astype(np.int16), axis=0))
    assert still.max() < 40


def test_conditioning_at_a_video_model_s_own_rate(directed: Path, tmp_path: Path) -> None:
    out = tmp_path / "wan"
    argv = ["conditioning", str(directed), "--out", str(out), "--size", "64x64", "-q"]
    assert main([*argv, "--fps", "16", "--character", "ANA"]) == 0
    frames, rate, _ = _decode(out / "ANA.openpose.mp4")
    assert rate == 16
    assert len(frames) == math.ceil(_duration(directed) * 16 - 1e-6) + 1
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--fps", "0"])
    assert exit_info.value.code == 2


def test_conditioning_errors_are_one_line(
    directed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "out")
    assert main(["conditioning", str(tmp_path / "missing"), "--out", out]) == 1
    _one_line_error(capsys, "missing")
    assert main(["conditioning", str(directed), "--out", out, "--character", "ZED"]) == 1
    _one_line_error(capsys, "ZED", "'ANA', 'BEN'")
    assert main(["conditioning", str(directed), "--out", out, "--size", "big"]) == 1
    _one_line_error(capsys, "640x360")
    assert main(["conditioning", str(directed), "--out", out, "--size", "65x64"]) == 1
    _one_line_error(capsys, "even")

    broken = tmp_path / "broken"
    shutil.copytree(directed, broken)
    (broken / "BEN.bvh").unlink()
    assert main(["conditioning", str(broken), "--out", out]) == 1
    _one_line_error(capsys, "BEN.bvh")
    (broken / "plan.json").unlink()
    assert main(["conditioning", str(broken), "--out", out, "--format", "face"]) == 1
    _one_line_error(capsys, "plan.json")
    (broken / "plan.json").write_text('{"schema_version": "1.0"}')
    assert main(["conditioning", str(broken), "--out", out, "--format", "face"]) == 1
    assert "invalid plan" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["conditioning", str(directed), "--out", out, "--format", "depth"])
    assert exit_info.value.code == 2
    assert not (tmp_path / "out").exists()


def test_render_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "p.mp4")
    assert main(["render", str(tmp_path / "nope.json"), "--out", out]) == 1
    _one_line_error(capsys, "nope.json")
    assert main(["render", str(tmp_path / "nope.json"), "--out", out, "--size", "8x8"]) == 1
    _one_line_error(capsys, "16x16")
    assert main(["render", str(tmp_path / "nope.json"), "--out", out, "--fps", "0"]) == 1
    _one_line_error(capsys, "frame rate")
    assert not (tmp_path / "p.mp4").exists()
