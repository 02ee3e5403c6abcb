"""Pose descriptions: motion -> text, in the spirit of MotionScript.

Rules over joint positions and orientations on the canonical skeleton (after forward
kinematics) turn a `Motion` into time spans of plain-language statements such as "right hand
raised above the head", "leaning forward", "head tilted left" or "walking forward". Each rule
switches on above one threshold and off below a lower one (hysteresis), so a signal hovering at
a threshold does not flicker; spans shorter than `min_duration` are dropped.

Angles are measured in the character's own frame (its facing from the hips, Y up), so the same
pose reads the same whichever way the character faces. Output is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from motiondirector.motion.clip import Motion
from motiondirector.motion.quaternion import quat_apply, quat_conjugate, quat_multiply
from motiondirector.motion.skeleton import JOINT_INDEX, PARENTS, REST_OFFSETS

_J = JOINT_INDEX
_REST_PELVIS_HEIGHT = float(REST_OFFSETS[0, 1])
_HEAD_TOP = 0.10  # head joint to the top of the head, metres
_SMOOTH_S = 0.3  # window for velocities, seconds

# How much a statement says about a clip, for `summarize_motion` (per second it lasts).
_SALIENCE = {
    "run": 3.0, "walk": 2.5, "jump": 3.0, "turn": 1.5, "lie_back": 3.0, "lie_front": 3.0,
    "kneel": 2.5, "sit": 2.5, "crouch": 2.0, "leg_raised": 2.5,
    "hand_above_head": 2.5, "hand_above_shoulder": 2.0, "arms_crossed": 2.0,
    "hand_near_face": 1.5, "hand_in_front": 1.0, "lean_forward": 1.5, "lean_back": 1.5,
    "lean_side": 1.0, "head_turn": 1.0, "head_tilt": 0.8, "head_down": 0.8, "head_up": 0.8,
}  # fmt: skip


@dataclass(frozen=True)
class PoseSpan:
    """A statement true from `start` to `end` (seconds). `code` is a stable identifier
    (e.g. "right_hand_above_head", "lean_forward", "walk") for tags and tests."""

    start: float
    end: float
    text: str
    code: str


@dataclass(frozen=True)
class _Frames:
    """Per-frame quantities every rule reads."""

    fps: float
    positions: np.ndarray  # (T, 22, 3) world
    forward: np.ndarray  # (T, 3) horizontal facing
    left: np.ndarray  # (T, 3) horizontal, the character's left
    head_in_torso: np.ndarray  # (T, 4) head rotation relative to spine3
    yaw: np.ndarray  # (T,) facing angle about +Y, radians, unwrapped


def describe_motion(motion: Motion, *, min_duration: float = 0.2) -> list[PoseSpan]:
    """Every rule's spans over the motion, sorted by start time then code."""
    if motion.frames == 0:
        return []
    frames = _frames(motion)
    spans: list[PoseSpan] = []
    for rule in _RULES:
        spans.extend(rule(frames, min_duration))
    return sorted(spans, key=lambda span: (span.start, span.code, span.end))


def summarize_motion(motion: Motion) -> str:
    """One sentence naming the most salient statements, in the order they begin."""
    spans = describe_motion(motion)
    if not spans:
        return "Standing still."
    best: dict[str, tuple[float, PoseSpan]] = {}
    for span in spans:
        family = _family(span.code)
        score = (span.end - span.start) * _SALIENCE.get(family, 1.0)
        if span.text not in best or score > best[span.text][0]:
            best[span.text] = (score, span)
    chosen: list[PoseSpan] = []
    families: set[str] = set()
    for _score, span in sorted(best.values(), key=lambda item: (-item[0], item[1].text)):
        if _family(span.code) in families:
            continue
        chosen.append(span)
        families.add(_family(span.code))
        if len(chosen) == 3:
            break
    texts = [span.text for span in sorted(chosen, key=lambda s: (s.start, s.code))]
    sentence = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]
    return sentence[0].upper() + sentence[1:] + "."


def _family(code: str) -> str:
    """The statement kind without side or direction: "right_hand_above_head" ->
    "hand_above_head", "turn_left" -> "turn"."""
    for side in ("left_", "right_"):
        code = code.removeprefix(side)
    if code not in _SALIENCE:
        for direction in ("_left", "_right"):
            code = code.removesuffix(direction)
    return code


def _frames(motion: Motion) -> _Frames:
    rotations = _global_rotations(motion.rotations)
    positions = motion.joint_positions()
    across = positions[:, _J["left_hip"]] - positions[:, _J["right_hip"]]
    across[:, 1] = 0.0
    left = _unit(across, fallback=np.array([1.0, 0.0, 0.0]))
    forward = np.cross(left, np.array([0.0, 1.0, 0.0]))
    head_in_torso = quat_multiply(
        quat_conjugate(rotations[:, _J["spine3"]]), rotations[:, _J["head"]]
    )
    yaw = np.unwrap(np.arctan2(forward[:, 0], forward[:, 2]))
    return _Frames(motion.fps, positions, forward, left, head_in_torso, yaw)


def _global_rotations(local: np.ndarray) -> np.ndarray:
    out = np.empty_like(local)
    for joint, parent in enumerate(PARENTS):
        out[:, joint] = (
            local[:, joint] if parent < 0 else quat_multiply(out[:, parent], local[:, joint])
        )
    return out


def _unit(vectors: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.where(norms > 1e-9, vectors / np.maximum(norms, 1e-12), fallback)


def _hysteresis(signal: np.ndarray, on: float, off: float) -> np.ndarray:
    """True from where `signal` rises above `on` until it falls below `off` (off < on)."""
    index = np.arange(len(signal))
    last_on = np.maximum.accumulate(np.where(signal > on, index, -1))
    last_off = np.maximum.accumulate(np.where(signal < off, index, -1))
    return last_on > last_off


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of every run of True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _spans(
    frames: _Frames, mask: np.ndarray, text: str, code: str, min_duration: float
) -> list[PoseSpan]:
    out = []
    for first, last in _runs(mask):
        start, end = first / frames.fps, last / frames.fps
        if end - start + 1e-9 >= min_duration:
            out.append(PoseSpan(round(start, 3), round(end, 3), text, code))
    return out


def _smooth(values: np.ndarray, frames: _Frames) -> np.ndarray:
    """Centred moving average over `_SMOOTH_S` along time, edges held."""
    width = max(1, round(_SMOOTH_S * frames.fps)) | 1
    pad = width // 2
    padded = np.concatenate([np.repeat(values[:1], pad, 0), values, np.repeat(values[-1:], pad, 0)])
    kernel = np.ones(width) / width
    if values.ndim == 1:
        return np.convolve(padded, kernel, mode="valid")
    return np.stack(
        [np.convolve(padded[:, k], kernel, mode="valid") for k in range(values.shape[1])], axis=1
    )


def _velocity(values: np.ndarray, frames: _Frames) -> np.ndarray:
    if len(values) < 2:
        return np.zeros_like(values)
    return _smooth(np.gradient(values, 1.0 / frames.fps, axis=0), frames)


def _body(frames: _Frames, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """World vectors (T, 3) as (left, up, forward) components in the character's frame."""
    return (
        np.einsum("ti,ti->t", vectors, frames.left),
        vectors[:, 1],
        np.einsum("ti,ti->t", vectors, frames.forward),
    )


Rule = Callable[[_Frames, float], list[PoseSpan]]


def _hands(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    p = frames.positions
    out: list[PoseSpan] = []
    for side in ("right", "left"):
        wrist = p[:, _J[f"{side}_wrist"]]
        over_head = _hysteresis(wrist[:, 1] - (p[:, _J["head"], 1] + _HEAD_TOP), 0.0, -0.05)
        over_shoulder = _hysteresis(wrist[:, 1] - p[:, _J[f"{side}_shoulder"], 1], 0.05, 0.0)
        out += _spans(frames, over_head, f"{side} hand raised above the head",
                      f"{side}_hand_above_head", min_duration)  # fmt: skip
        out += _spans(frames, over_shoulder & ~over_head,
                      f"{side} hand raised above the shoulder", f"{side}_hand_above_shoulder",
                      min_duration)  # fmt: skip
        to_face = np.linalg.norm(wrist - p[:, _J["head"]], axis=1)
        near_face = _hysteresis(-to_face, -0.20, -0.25)
        out += _spans(frames, near_face, f"{side} hand near the face", f"{side}_hand_near_face",
                      min_duration)  # fmt: skip
        _lateral, height, ahead = _body(frames, wrist - p[:, _J["spine3"]])
        chest_height = (height > -0.25) & (height < 0.25)
        in_front = _hysteresis(ahead, 0.30, 0.25) & chest_height & ~near_face
        out += _spans(frames, in_front, f"{side} hand in front of the chest",
                      f"{side}_hand_in_front", min_duration)  # fmt: skip
    return out


def _arms_crossed(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    p = frames.positions
    chest = p[:, _J["spine3"]]
    left_lateral, left_height, left_ahead = _body(frames, p[:, _J["left_wrist"]] - chest)
    right_lateral, right_height, right_ahead = _body(frames, p[:, _J["right_wrist"]] - chest)
    crossing = np.minimum(-left_lateral, right_lateral)  # each wrist past the midline
    near_chest = (
        (np.abs(left_height) < 0.3) & (np.abs(right_height) < 0.3)
        & (left_ahead > 0.0) & (right_ahead > 0.0)
    )  # fmt: skip
    mask = _hysteresis(crossing, 0.03, 0.0) & near_chest
    return _spans(frames, mask, "arms crossed", "arms_crossed", min_duration)


def _trunk(frames: _Frames) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pelvis-to-neck vector as (left, up, forward) components in the character's frame."""
    p = frames.positions
    return _body(frames, p[:, _J["neck"]] - p[:, _J["pelvis"]])


def _lying(frames: _Frames) -> np.ndarray:
    """Frames whose trunk is within about 35° of level with the pelvis near the floor."""
    lateral, up, ahead = _trunk(frames)
    elevation = np.degrees(np.arctan2(up, np.hypot(lateral, ahead)))
    pelvis = frames.positions[:, _J["pelvis"], 1] / _REST_PELVIS_HEIGHT
    return _hysteresis(-elevation, -35.0, -45.0) & (pelvis < 0.4)


def _lean(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    lateral, up, ahead = _trunk(frames)
    pitch = np.degrees(np.arctan2(ahead, up))
    roll = np.degrees(np.arctan2(lateral, up))
    upright = ~_lying(frames)  # a body lying down is not leaning
    return [
        *_spans(frames, _hysteresis(pitch, 20.0, 15.0) & upright, "leaning forward",
                "lean_forward", min_duration),
        *_spans(frames, _hysteresis(-pitch, 12.0, 8.0) & upright, "leaning back", "lean_back",
                min_duration),
        *_spans(frames, _hysteresis(roll, 12.0, 8.0) & upright, "leaning left",
                "lean_side_left", min_duration),
        *_spans(frames, _hysteresis(-roll, 12.0, 8.0) & upright, "leaning right",
                "lean_side_right", min_duration),
    ]  # fmt: skip


def _head(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    count = len(frames.head_in_torso)
    up = quat_apply(frames.head_in_torso, np.broadcast_to([0.0, 1.0, 0.0], (count, 3)))
    ahead = quat_apply(frames.head_in_torso, np.broadcast_to([0.0, 0.0, 1.0], (count, 3)))
    # In the torso's rest frame +X is the character's left, +Z its front.
    tilt = np.degrees(np.arctan2(up[:, 0], up[:, 1]))
    turn = np.degrees(np.arctan2(ahead[:, 0], ahead[:, 2]))
    pitch = np.degrees(np.arctan2(-ahead[:, 1], np.hypot(ahead[:, 0], ahead[:, 2])))
    return [
        *_spans(frames, _hysteresis(tilt, 15.0, 10.0), "head tilted left", "head_tilt_left",
                min_duration),
        *_spans(frames, _hysteresis(-tilt, 15.0, 10.0), "head tilted right", "head_tilt_right",
                min_duration),
        *_spans(frames, _hysteresis(turn, 25.0, 18.0), "head turned left", "head_turn_left",
                min_duration),
        *_spans(frames, _hysteresis(-turn, 25.0, 18.0), "head turned right", "head_turn_right",
                min_duration),
        *_spans(frames, _hysteresis(pitch, 20.0, 14.0), "head down", "head_down", min_duration),
        *_spans(frames, _hysteresis(-pitch, 20.0, 14.0), "head up", "head_up", min_duration),
    ]  # fmt: skip


def _stance(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    p = frames.positions
    pelvis = p[:, _J["pelvis"], 1] / _REST_PELVIS_HEIGHT
    knee_low = np.minimum(p[:, _J["left_knee"], 1], p[:, _J["right_knee"], 1])
    thighs = []
    for side in ("left", "right"):
        thigh = p[:, _J[f"{side}_knee"]] - p[:, _J[f"{side}_hip"]]
        thighs.append(np.degrees(np.arctan2(-thigh[:, 1], np.hypot(thigh[:, 0], thigh[:, 2]))))
    thigh_drop = np.maximum(*thighs)  # degrees below horizontal; 90 is standing
    lying = _lying(frames)
    _, _, ahead = _trunk(frames)
    low = _hysteresis(-pelvis, -0.80, -0.85) & ~lying
    kneel = low & (knee_low < 0.15)
    sit = low & ~kneel & (thigh_drop < 35.0)
    crouch = _hysteresis(-pelvis, -0.75, -0.80) & ~kneel & ~sit & ~lying
    return [
        *_spans(frames, lying & (ahead <= 0), "lying on the back", "lie_back", min_duration),
        *_spans(frames, lying & (ahead > 0), "lying face down", "lie_front", min_duration),
        *_spans(frames, kneel, "kneeling", "kneel", min_duration),
        *_spans(frames, sit, "sitting", "sit", min_duration),
        *_spans(frames, crouch, "crouching", "crouch", min_duration),
    ]


def _legs(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    """A foot raised in front of the body above the other knee (a kick, a high step). A kick
    is up for a tenth of a second, so a span that short counts."""
    min_duration = min(min_duration, 0.1)
    p = frames.positions
    standing = p[:, _J["pelvis"], 1] / _REST_PELVIS_HEIGHT > 0.75
    out: list[PoseSpan] = []
    for side, other in (("right", "left"), ("left", "right")):
        foot = p[:, _J[f"{side}_foot"]]
        _, _, ahead = _body(frames, foot - p[:, _J["pelvis"]])
        raised = foot[:, 1] - p[:, _J[f"{other}_knee"], 1]
        mask = _hysteresis(raised, 0.0, -0.08) & (ahead > 0.3) & standing
        out += _spans(frames, mask, f"{side} leg raised in front", f"{side}_leg_raised",
                      min_duration)  # fmt: skip
    return out


def _locomotion(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    velocity = _velocity(frames.positions[:, _J["pelvis"]], frames)
    velocity[:, 1] = 0.0
    speed = np.linalg.norm(velocity, axis=1)
    run = _hysteresis(speed, 2.2, 1.8)
    walk = _hysteresis(speed, 0.5, 0.3) & ~run
    out: list[PoseSpan] = []
    for mask, verb, code in ((walk, "walking", "walk"), (run, "running", "run")):
        for span in _spans(frames, mask, verb, code, min_duration):
            first = round(span.start * frames.fps)
            last = round(span.end * frames.fps) + 1
            lateral, _up, ahead = _body(frames, velocity)
            direction = _direction(
                float(lateral[first:last].mean()), float(ahead[first:last].mean())
            )
            out.append(PoseSpan(span.start, span.end, f"{verb} {direction}", code))
    return out


def _direction(lateral: float, ahead: float) -> str:
    if abs(ahead) >= abs(lateral):
        return "forward" if ahead >= 0 else "backward"
    return "to the left" if lateral > 0 else "to the right"


def _jump(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    p = frames.positions
    feet = [_J[name] for name in ("left_ankle", "right_ankle", "left_foot", "right_foot")]
    lowest = p[:, feet, 1].min(axis=1)
    ground = float(np.percentile(lowest, 5))
    airborne = _hysteresis(lowest - ground, 0.10, 0.05)
    return _spans(frames, airborne, "jumping", "jump", min_duration)


def _turn(frames: _Frames, min_duration: float) -> list[PoseSpan]:
    rate = np.degrees(_velocity(frames.yaw, frames))
    return [
        *_spans(frames, _hysteresis(rate, 45.0, 30.0), "turning left", "turn_left", min_duration),
        *_spans(frames, _hysteresis(-rate, 45.0, 30.0), "turning right", "turn_right",
                min_duration),
    ]  # fmt: skip


_RULES: tuple[Rule, ...] = (
    _hands, _arms_crossed, _lean, _head, _stance, _legs, _locomotion, _jump, _turn,
)  # fmt: skip
