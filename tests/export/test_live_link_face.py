"""The Live Link Face CSV, read back with the layout its importers read: the column names and
order the app records, `HH:MM:SS:FF.mmm` time codes at the export's frame rate, a blendshape
count of 61, and values that match the plan's ARKit curves and head and eye rotations."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from motiondirector.export import arkit_curves, export_plan
from motiondirector.export.head_eyes import HeadEyesCurves
from motiondirector.export.live_link_face import timecode
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.options import FPS_CHOICES
from motiondirector.plan.vocabulary import load_arkit_map

# The header as Live Link Face writes it, written out here rather than taken from the module.
HEADER = [
    "Timecode", "BlendShapeCount", "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft",
    "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft", "EyeWideLeft", "EyeBlinkRight",
    "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight",
    "EyeWideRight", "JawForward", "JawRight", "JawLeft", "JawOpen", "MouthClose", "MouthFunnel",
    "MouthPucker", "MouthRight", "MouthLeft", "MouthSmileLeft", "MouthSmileRight",
    "MouthFrownLeft", "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight",
    "MouthStretchLeft", "MouthStretchRight", "MouthRollLower", "MouthRollUpper",
    "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft", "MouthPressRight",
    "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight",
    "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight",
    "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight",
    "TongueOut", "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch",
    "LeftEyeRoll", "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
]  # fmt: skip
TIMECODE = re.compile(r"^(\d{2}):(\d{2}):(\d{2}):(\d{2})\.(\d{3})$")


def _read(text: str) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _seconds(code: str, fps: int) -> float:
    match = TIMECODE.match(code)
    assert match, code
    hours, minutes, seconds, frames, sub = (int(g) for g in match.groups())
    assert frames < fps and sub == 0
    return hours * 3600 + minutes * 60 + seconds + frames / fps


@pytest.mark.parametrize("fps", FPS_CHOICES)
def test_the_file_reads_back_in_the_importers_layout(plan: MotionPlan, fps: int) -> None:
    text = export_plan(plan, "live-link-face", character="ANA", fps=fps)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    header, rows = _read(text)
    assert header == HEADER and len(header) == 63
    times, weights = arkit_curves(plan, "ANA", fps)
    assert len(rows) == times.size
    assert [_seconds(r["Timecode"], fps) for r in rows] == pytest.approx(times.tolist())
    assert {r["BlendShapeCount"] for r in rows} == {"61"}
    column = {n: i for i, n in enumerate(load_arkit_map().blendshapes)}
    for name in HEADER[2:54]:
        ours = weights[:, column[name[0].lower() + name[1:]]]
        read = np.array([float(r[name]) for r in rows])
        assert np.allclose(read, ours, atol=5e-5), name
        assert re.fullmatch(r"\d\.\d{4}", rows[0][name])


@pytest.mark.parametrize("fps", FPS_CHOICES)
def test_unreals_importer_infers_the_frame_rate_and_times_we_wrote(
    plan: MotionPlan, fps: int
) -> None:
    # Unreal's LiveLinkFaceImporter has no rate in the file: it splits the timecode on ":",
    # reads 60 fps when any frame field is above 30 (else 30), and places a row at
    # h * 3600 + m * 60 + s + float(FF.mmm) / rate, splitting lines on "," without quoting.
    text = export_plan(plan, "live-link-face", character="BEN", fps=fps)
    lines = text.splitlines()
    keys = lines[0].split(",")
    assert keys[:2] == ["Timecode", "BlendShapeCount"]
    fields = [line.split(":") for line in (row.split(",")[0] for row in lines[1:])]
    assert all(len(parts) == 4 for parts in fields)
    inferred = 60 if any(float(parts[3]) > 30.0 for parts in fields) else 30
    assert inferred == fps
    times = [int(h) * 3600 + int(m) * 60 + int(s) + float(f) / inferred for h, m, s, f in fields]
    assert times == pytest.approx(arkit_curves(plan, "BEN", fps)[0].tolist(), abs=1e-9)
    assert all(len(row.split(",")) == len(keys) for row in lines[1:])


def test_head_and_eyes_come_from_the_plans_head_and_gaze_events(plan: MotionPlan) -> None:
    fps = 60
    _, rows = _read(export_plan(plan, "live-link-face", character="BEN", fps=fps))
    times = np.array([_seconds(r["Timecode"], fps) for r in rows])
    angles = HeadEyesCurves(plan, "BEN").sample(times)
    pitch, yaw, roll = np.radians(angles.head).T
    left_pitch, left_yaw, right_pitch, right_yaw = np.radians(angles.eyes).T

    def read(name: str) -> np.ndarray:
        return np.array([float(r[name]) for r in rows])

    for name, expected in (
        ("HeadYaw", yaw), ("HeadPitch", pitch), ("HeadRoll", roll),
        ("LeftEyeYaw", left_yaw), ("LeftEyePitch", left_pitch),
        ("RightEyeYaw", right_yaw), ("RightEyePitch", right_pitch),
    ):  # fmt: skip
        assert np.allclose(read(name), expected, atol=5e-6), name
    assert not read("LeftEyeRoll").any() and not read("RightEyeRoll").any()
    # BEN shakes his head on "Wait," (3.0-3.75 s) and looks away (3.0-4.0 s).
    shaking = (times > 3.1) & (times < 3.6)
    assert np.ptp(read("HeadYaw")[shaking]) > np.radians(5.0)
    assert abs(read("LeftEyeYaw")[np.argmin(np.abs(times - 3.8))]) > np.radians(5.0)


def test_timecodes_count_frames_within_the_second() -> None:
    assert timecode(0, 30) == "00:00:00:00.000"
    assert timecode(29, 30) == "00:00:00:29.000"
    assert timecode(30, 30) == "00:00:01:00.000"
    assert timecode(60 * 3600 + 61, 60) == "01:00:01:01.000"


def test_the_mouth_follows_speech_unless_told_not_to(plan: MotionPlan) -> None:
    _, spoken = _read(export_plan(plan, "live-link-face", character="ANA", fps=60))
    _, silent = _read(export_plan(plan, "live-link-face", character="ANA", fps=60, speech=False))
    b_frame = 57  # t = 0.95 s, the B of "Ben,"
    assert float(spoken[b_frame]["MouthPressLeft"]) > 0.5
    assert float(silent[b_frame]["MouthPressLeft"]) == 0.0
    assert spoken[b_frame]["MouthSmileLeft"] != "0.0000"  # the smile stays on
    assert spoken[b_frame]["HeadYaw"] == silent[b_frame]["HeadYaw"]
