"""Live Link Face CSV: one character's face in the layout Epic's Live Link Face app records (in
its ARKit mode) and Unreal's LiveLinkFaceImporter plugin reads into a Level Sequence.

    Timecode,BlendShapeCount,EyeBlinkLeft,...,TongueOut,HeadYaw,HeadPitch,HeadRoll,
    LeftEyeYaw,LeftEyePitch,LeftEyeRoll,RightEyeYaw,RightEyePitch,RightEyeRoll

- `Timecode` is `HH:MM:SS:FF.mmm`: hours, minutes, seconds, the frame within the second at the
  export's frame rate (30 or 60) and the sub-frame in thousandths (always .000: every row is on
  the frame grid); the scene starts at 00:00:00:00.000.
- `BlendShapeCount` is 61: the 52 ARKit blendshapes and the 9 head and eye rotations.
- The 52 blendshapes use the app's PascalCase names in the app's order (which is not Apple's:
  JawRight before JawLeft, MouthRight before MouthLeft), weights 0..1 with 4 decimals.
- Head and eye rotations are radians with 5 decimals, from the plan's head and gaze events as
  the frame streams send them (`export.head_eyes`): yaw positive to the character's
  left, pitch positive looking down, roll positive toward the right shoulder; the eyes are
  relative to the head and have no roll.

Rows are the frames of `arkit_curves`, so this file and the `arkit-csv` export agree frame for
frame. Lines end with CRLF, as the app writes them.
"""

from __future__ import annotations

import io

import numpy as np

from motiondirector.export.arkit import arkit_curves
from motiondirector.export.head_eyes import HeadEyesCurves
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.vocabulary import load_arkit_map

LIVE_LINK_FACE_BLENDSHAPES: tuple[str, ...] = (
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft",
    "EyeSquintLeft", "EyeWideLeft", "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight",
    "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight", "EyeWideRight", "JawForward",
    "JawRight", "JawLeft", "JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthRight",
    "MouthLeft", "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft", "MouthFrownRight",
    "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight",
    "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft",
    "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft",
    "MouthUpperUpRight", "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft",
    "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft",
    "NoseSneerRight", "TongueOut",
)  # fmt: skip
LIVE_LINK_FACE_ROTATIONS: tuple[str, ...] = (
    "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
    "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
)  # fmt: skip
LIVE_LINK_FACE_COLUMNS: tuple[str, ...] = (
    "Timecode",
    "BlendShapeCount",
    *LIVE_LINK_FACE_BLENDSHAPES,
    *LIVE_LINK_FACE_ROTATIONS,
)
BLENDSHAPE_COUNT = len(LIVE_LINK_FACE_BLENDSHAPES) + len(LIVE_LINK_FACE_ROTATIONS)


def timecode(frame: int, fps: int) -> str:
    """`HH:MM:SS:FF.mmm` of frame `frame` at `fps` frames per second."""
    seconds, frames = divmod(frame, fps)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}:{frames:02d}.000"


def live_link_face_csv(
    plan: MotionPlan, character: str, fps: int = 60, *, speech: bool = True
) -> str:
    """`character`'s face as a Live Link Face CSV at `fps` (30 or 60)."""
    times, weights = arkit_curves(plan, character, fps, speech=speech)
    angles = HeadEyesCurves(plan, character).sample(times)
    return live_link_face_text(times, weights, angles.head, angles.eyes, fps)


def live_link_face_text(
    times: np.ndarray, weights: np.ndarray, head: np.ndarray, eyes: np.ndarray, fps: int
) -> str:
    """The Live Link Face CSV of sampled curves: ARKit weights (n, 52), head (n, 3: pitch,
    yaw, roll) and eyes (n, 4: left pitch, left yaw, right pitch, right yaw) in degrees, as
    `export.head_eyes` gives them (a realized face's, or the plan's)."""
    column = {name: i for i, name in enumerate(load_arkit_map().blendshapes)}
    order = [column[name[0].lower() + name[1:]] for name in LIVE_LINK_FACE_BLENDSHAPES]
    head, eyes = np.radians(head), np.radians(eyes)
    zero = np.zeros(times.size)
    # Ours: head (pitch, yaw, roll), eyes (left pitch, left yaw, right pitch, right yaw).
    rotations = np.column_stack(
        (
            head[:, 1],
            head[:, 0],
            head[:, 2],
            eyes[:, 1],
            eyes[:, 0],
            zero,
            eyes[:, 3],
            eyes[:, 2],
            zero,
        )
    )
    blendshapes = np.round(weights[:, order], 4) + 0.0
    rotations = np.round(rotations, 5) + 0.0
    out = io.StringIO()
    out.write(",".join(LIVE_LINK_FACE_COLUMNS) + "\r\n")
    for frame in range(times.size):
        values = ",".join(f"{v:.4f}" for v in blendshapes[frame])
        angles_text = ",".join(f"{v:.5f}" for v in rotations[frame])
        out.write(f"{timecode(frame, fps)},{BLENDSHAPE_COUNT},{values},{angles_text}\r\n")
    return out.getvalue()
