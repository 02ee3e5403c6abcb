"""The exported files as third-party readers see them: webvtt-py for WebVTT, srt for SRT and
the `bvh` package for BVH. Each must read our file and find the plan's lines, times, speakers,
joints, frames and channel order."""

from __future__ import annotations

from pathlib import Path

import bvh
import numpy as np
import pytest
import srt
import webvtt
from scipy.spatial.transform import Rotation

from motiondirector.export import write_exports
from motiondirector.motion.bvh import read_bvh, write_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.library import get_clip
from motiondirector.motion.skeleton import JOINTS
from motiondirector.plan.motion_plan import MotionPlan


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_webvtt_py_reads_every_line_at_its_time_and_voice(plan: MotionPlan, tmp_path: Path) -> None:
    (path,) = write_exports(plan, tmp_path, ["vtt"])
    cues = webvtt.read(str(path))
    assert [c.identifier for c in cues] == [u.id for u in plan.utterances]
    for cue, utterance in zip(cues, plan.utterances, strict=True):
        # webvtt-py's *_in_seconds are whole seconds: compare the stamps themselves.
        assert _seconds(cue.start) == pytest.approx(utterance.start, abs=5e-4)
        assert _seconds(cue.end) == pytest.approx(utterance.end, abs=5e-4)
        assert cue.voice == utterance.speaker
    assert cues[1].text == "Wait, you &amp; Ana? That's &lt;unreal&gt;."


def test_srt_reads_every_line_at_its_time(plan: MotionPlan, tmp_path: Path) -> None:
    (path,) = write_exports(plan, tmp_path, ["srt"])
    subtitles = list(srt.parse(path.read_text(encoding="utf-8")))
    assert [s.index for s in subtitles] == list(range(1, len(plan.utterances) + 1))
    for subtitle, utterance in zip(subtitles, plan.utterances, strict=True):
        assert subtitle.start.total_seconds() == pytest.approx(utterance.start, abs=5e-4)
        assert subtitle.end.total_seconds() == pytest.approx(utterance.end, abs=5e-4)
        assert subtitle.content.startswith(f"{utterance.speaker}: ")


def test_the_bvh_package_reads_our_bvh_as_we_do(tmp_path: Path) -> None:
    motion = get_clip("wave.right.large.fast.happy").motion()
    path = tmp_path / "wave.bvh"
    write_bvh(motion, path)
    theirs = bvh.Bvh(path.read_text())
    ours = read_bvh(path)
    names = theirs.get_joints_names()
    assert sorted(names) == sorted(JOINTS) and names == list(ours.skeleton.names)
    offsets = [value for n in names for value in theirs.joint_offset(n)]
    assert offsets == pytest.approx(ours.skeleton.offsets.reshape(-1).tolist(), abs=1e-6)
    assert [theirs.joint_parent_index(n) for n in names] == list(ours.skeleton.parents)
    assert theirs.nframes == motion.frames == ours.values.shape[0]
    assert theirs.frame_time == pytest.approx(1 / motion.fps, abs=1e-6)
    root = ["Xposition", "Yposition", "Zposition", "Zrotation", "Xrotation", "Yrotation"]
    assert theirs.joint_channels(names[0]) == root
    assert all(theirs.joint_channels(n) == root[3:] for n in names[1:])
    # Frame by frame, the same numbers in the same columns.
    for frame in (0, motion.frames // 2, motion.frames - 1):
        values = [float(v) for v in theirs.frames[frame]]
        assert values == pytest.approx(ours.values[frame].tolist(), abs=1e-6)


def _timecode_seconds(timecode: str, fps: int) -> float:
    hours, minutes, seconds, frames = timecode.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(frames) / fps


@pytest.mark.parametrize("fps", [30, 60])
def test_every_file_of_a_scene_puts_a_line_at_the_same_time(
    plan: MotionPlan, tmp_path: Path, fps: int
) -> None:
    import csv
    import json
    import xml.etree.ElementTree as ET

    formats = ["vtt", "srt", "visemes", "bml", "arkit-csv", "live-link-face"]
    write_exports(plan, tmp_path, formats, fps=fps)
    cues = {c.identifier: _seconds(c.start) for c in webvtt.read(str(tmp_path / "plan.vtt"))}
    subtitles = list(srt.parse((tmp_path / "plan.srt").read_text(encoding="utf-8")))
    ns = {"b": "http://www.bml-initiative.org/bml/bml-1.0"}
    md = "{https://motiondirector.dev/bml-export/1.0}"
    bml = ET.parse(tmp_path / "plan.bml.xml").getroot()
    for number, utterance in enumerate(plan.utterances):
        speaker = utterance.speaker
        visemes = json.loads((tmp_path / f"{speaker}.visemes.json").read_text())
        (line,) = [u for u in visemes["utterances"] if u["id"] == utterance.id]
        block = bml.find(f"b:bml[@id='{utterance.id}-{speaker}']", ns)
        assert block is not None
        speech = block.find("b:speech", ns)
        assert speech is not None
        spoken = float(block.get(md + "start", "nan")) + float(speech.get("start", "nan"))
        times = {
            "vtt": cues[utterance.id],
            "srt": subtitles[number].start.total_seconds(),
            "visemes": line["start"],
            "visemes first key": line["keys"][0]["start"],
            "bml": spoken,
        }
        assert times == pytest.approx(dict.fromkeys(times, utterance.start), abs=5e-4)
        # The frame files: the row of the line's start frame carries that frame's time.
        frame = round(utterance.start * fps)
        with (tmp_path / f"{speaker}.arkit.csv").open(newline="") as handle:
            row = list(csv.reader(handle))[frame + 1]
        with (tmp_path / f"{speaker}.livelinkface.csv").open(newline="") as handle:
            face = list(csv.reader(handle))[frame + 1]
        assert float(row[0]) == pytest.approx(frame / fps, abs=5e-5)
        assert _timecode_seconds(face[0], fps) == pytest.approx(frame / fps, abs=1e-6)


def _blender_style_positions(theirs: bvh.Bvh) -> dict[str, np.ndarray]:
    """World joint positions (frames, 3) per joint from the `bvh` package's numbers alone,
    composed as Blender's importer does: parent @ translate(offset) @ Rz @ Rx @ Ry."""
    names = theirs.get_joints_names()
    world: dict[str, np.ndarray] = {}
    for name in names:
        channels = theirs.joint_channels(name)
        values = np.array(theirs.frames_joint_channels(name, channels), dtype=np.float64)
        local = np.tile(np.eye(4), (theirs.nframes, 1, 1))
        local[:, :3, 3] = theirs.joint_offset(name)
        for column, channel in enumerate(channels):
            if channel.endswith("position"):
                local[:, "XYZ".index(channel[0]), 3] = values[:, column]
        rotation = np.eye(3)[None].repeat(theirs.nframes, axis=0)
        for column, channel in enumerate(channels):
            if channel.endswith("rotation"):
                axis = channel[0].lower()
                step = Rotation.from_euler(axis, values[:, column : column + 1], degrees=True)
                rotation = rotation @ step.as_matrix()
        local[:, :3, :3] = rotation
        parent = theirs.joint_parent(name)
        world[name] = local if parent is None else world[parent.name] @ local
    return {name: matrix[:, :3, 3] for name, matrix in world.items()}


def test_an_independent_reader_places_every_joint_where_our_kinematics_does(
    tmp_path: Path,
) -> None:
    # Blender's BVH import of directed scenes put every joint within 1e-5 m of our forward
    # kinematics; this is the same check without Blender: the `bvh` package's numbers, composed
    # by hand, on a clip with a knee bent past 90 degrees and a turn through 180 degrees.
    base = get_clip("wave.right.large.fast.happy").motion()
    rotations = base.rotations.copy()
    frames = base.frames
    knee = Rotation.from_euler("x", np.linspace(60.0, 120.0, frames)[:, None], degrees=True)
    rotations[:, JOINTS.index("left_knee")] = knee.as_quat()
    turn = Rotation.from_euler("y", np.linspace(90.0, 270.0, frames)[:, None], degrees=True)
    pelvis = turn * Rotation.from_quat(rotations[:, 0])
    rotations[:, 0] = pelvis.as_quat()
    motion = Motion(rotations, base.root_positions, base.fps)
    path = tmp_path / "turn.bvh"
    write_bvh(motion, path)
    theirs = _blender_style_positions(bvh.Bvh(path.read_text(encoding="utf-8")))
    ours = motion.joint_positions()
    for index, name in enumerate(JOINTS):
        np.testing.assert_allclose(theirs[name], ours[:, index], atol=2e-5, err_msg=name)
