"""A realized face as sampled curves, and the files `direct --face-library` writes from it.

`FaceCurves` holds one character's face and head on a regular frame grid: ARKit-52 weights,
head rotation (pitch, yaw, roll) and eye rotations (left pitch, left yaw, right pitch, right
yaw) in degrees, in the conventions of `export.head_eyes`. `face_curve_files` writes them
in the layouts of the plan exports (ARKit CSV and JSON, Live Link Face CSV), so an engine
reads a realized face exactly as it reads a planned one. This module formats; it decides
nothing and reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from motiondirector.export.arkit import curves_csv, curves_json
from motiondirector.export.live_link_face import live_link_face_text

FloatArray = npt.NDArray[np.float64]

FACE_FILE_SUFFIXES: dict[str, str] = {
    "arkit-csv": ".arkit.csv",
    "arkit-json": ".arkit.json",
    "live-link-face": ".livelinkface.csv",
}
"""The files written per character from its realized face, by export format."""


@dataclass(frozen=True)
class FaceCurves:
    """One character's realized face at `fps`: times (n,), weights (n, 52), head (n, 3) and
    eyes (n, 4) in degrees; `duration` is the scene's."""

    times: FloatArray
    weights: FloatArray
    head: FloatArray
    eyes: FloatArray
    fps: int
    duration: float


def face_curve_files(curves: FaceCurves, character: str) -> dict[str, str]:
    """Export format -> text of each file in `FACE_FILE_SUFFIXES` for `character`."""
    return {
        "arkit-csv": curves_csv(curves.times, curves.weights),
        "arkit-json": curves_json(
            curves.times, curves.weights, character, curves.fps, curves.duration
        ),
        "live-link-face": live_link_face_text(
            curves.times, curves.weights, curves.head, curves.eyes, curves.fps
        ),
    }
