"""Codebook tokens of a feature-length motion: the features from the frames they read only
(now) against forward kinematics of every frame (before), same tokens, in one run.

Writes docs/benchmarks.md between the `codebook-tokens` markers. The motion is the example
scene's ANA realized with the built-in library, repeated to 97 minutes (as a character of a
feature-length screenplay).

    .venv/bin/python benchmarks/codebook.py      # about half a minute on 2 cores
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time

import numpy as np
from long_motion import feature_length_character  # benchmarks/long_motion.py
from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPEATS = 5


def _before(motion: object, window: int, hop: int) -> tuple[np.ndarray, np.ndarray]:
    """`window_features` as it was: forward kinematics of every frame."""
    from motiondirector.motion import codebook

    canon = codebook.canonical_positions(motion)  # type: ignore[arg-type]
    yaw = codebook.heading(motion.rotations)  # type: ignore[attr-defined]
    starts = np.arange(0, motion.frames - window + 1, hop, dtype=np.int64)  # type: ignore[attr-defined]
    span = (window - 1) / motion.fps  # type: ignore[attr-defined]
    first, last = starts, starts + window - 1
    pose = canon[first[:, None] + codebook._pose_frames(window)[None, :]].reshape(len(starts), -1)
    velocity = ((canon[last] - canon[first]) / span).reshape(len(starts), -1)
    root_positions = motion.root_positions  # type: ignore[attr-defined]
    moved = root_positions[last] - root_positions[first]
    moved[:, 1] = 0.0
    ahead = codebook._turn(moved, -yaw[first]) / span
    turn_rate = (yaw[last] - yaw[first]) / span * codebook._TURN_RADIUS
    root = np.stack([ahead[:, 0], ahead[:, 2], turn_rate], axis=1)
    return np.concatenate([pose, velocity, root], axis=1), starts


def _seconds(call: object) -> float:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    from motiondirector.motion import codebook

    motion = feature_length_character()
    book = codebook.default_codebook()
    now_tokens = book.encode(motion)
    now = _seconds(lambda: book.encode(motion))
    current = codebook.window_features
    codebook.window_features = _before  # type: ignore[assignment]
    try:
        before_tokens = book.encode(motion)
        before = _seconds(lambda: book.encode(motion))
    finally:
        codebook.window_features = current
    same = bool(np.array_equal(now_tokens, before_tokens))
    markdown = "\n".join(
        [
            "## Codebook tokens of a feature-length motion",
            "",
            f"One character's body motion of {motion.frames / motion.fps / 60:.0f} minutes "
            f"({motion.frames} frames, {len(now_tokens)} tokens): `Codebook.encode`, median of "
            f"{REPEATS}. Before, forward kinematics ran on every frame; the features read 4 "
            "of each window's 8 frames (`window_features`), so now only those are computed.",
            "",
            "| | seconds | tokens |",
            "|---|---|---|",
            f"| before | {before:.2f} | |",
            f"| now | {now:.2f} | the same: {same} |",
            "",
            f"{before / now:.1f}x faster. A feature-length screenplay's `direct` spent a third of "
            "its time here ([Feature-length screenplay](#feature-length-screenplay)). "
            f"{platform.machine()}, Python {platform.python_version()}, 2 cores shared with "
            "other work. Reproduce: `.venv/bin/python benchmarks/codebook.py`.",
        ]
    )
    write_section("codebook-tokens", markdown)
    print(markdown)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
