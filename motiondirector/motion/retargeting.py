"""Retargeting: a BVH of any rig onto the canonical skeleton, by a joint-name map.

A rig map (YAML, package data under `rigs/` or a user file) names, for each source joint, the
canonical joint it drives (or null to ignore it), the source's length unit in metres and
whether to put the clip's lowest point on the ground, and optionally a `prefix`: a regular
expression taken off the start of a joint name before it is looked up (Mixamo's "mixamorig:"
namespace, which some exports carry and some do not).

Method: forward kinematics on the source rig gives each source joint's global rotation. For a
canonical joint driven by source joint s, the canonical global rotation is G_s(t) * A, where
the rest correction A turns the canonical rest bone direction(s) onto the source rest bone
direction(s), so a bone points the same way on both skeletons whatever the two rest poses are.
Global rotations are then made local to the canonical parents; canonical joints with no source
keep their parent's global orientation. A bone's rest direction fixes its twist about itself
only through the source's rest pose, which for some rigs is no pose a person takes (Bandai's
bones all run along their joints' X axes): its thighs came out turned half a turn about
themselves, so the joint positions were right but blending into a built-in clip swung the shin
round the thigh (a foot at 25 m/s) and a skinned knee would face backwards. For such a rig
(`twist: clip` in its map) each joint whose one bone leads to one driven child is turned about
that bone, which moves no joint, to keep its rotations over the clip as near the canonical
rest pose as they can be, as the built-in clips' are. Positions come from canonical bone
lengths, so bone lengths always equal the canonical ones; the root translation is converted to
metres and scaled by the ratio of leg lengths so that strides fit the canonical legs.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from scipy.spatial.transform import Rotation

from motiondirector.errors import ScriptError
from motiondirector.motion.bvh import BvhMotion, BvhSkeleton
from motiondirector.motion.clip import Motion
from motiondirector.motion.quaternion import quat_apply, quat_conjugate, quat_multiply
from motiondirector.motion.skeleton import CANONICAL_FPS, JOINT_INDEX, JOINTS, PARENTS, REST_OFFSETS
from motiondirector.yaml_data import load_yaml

SHIPPED_RIGS: tuple[str, ...] = ("bandai", "canonical", "cmu", "mixamo")

# The child whose bone a multi-child joint must match exactly; the others only fix the twist.
_PRIMARY_CHILD = {"pelvis": "spine1", "spine3": "neck"}
_LEG_CHAIN = ("left_hip", "left_knee", "left_ankle")
# Frame times in files are rounded (0.0333333); within this relative distance a rate is taken
# to be the target rate rather than resampled by a hair.
_FPS_SNAP = 1e-3
# Where a bone's twist about itself comes from: the rest poses (`rest`), or, for a rig whose
# rest pose is no pose a person takes, the clip (`clip`, `_least_twist`).
Twist = Literal["rest", "clip"]
TWISTS: tuple[Twist, ...] = ("rest", "clip")
# A map is detected when at least this share of its driving joints is in the file.
_DETECT_COVERAGE = 0.8
# A map named by the caller must find at least this share of its driving joints in the file.
_MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class RigMap:
    """Source joint name -> canonical joint name (None: known, deliberately ignored)."""

    name: str
    joints: dict[str, str | None] = field(hash=False)
    scale: float = 1.0
    ground: bool = False
    prefix: str = ""
    twist: Twist = "rest"

    @property
    def driving(self) -> dict[str, str]:
        """Only the source joints that drive a canonical joint."""
        return {source: target for source, target in self.joints.items() if target is not None}

    def key(self, joint: str) -> str:
        """The name `joint` is looked up by: without the map's prefix where it has one."""
        return _prefix_pattern(self.prefix).sub("", joint, count=1) if self.prefix else joint


@functools.cache
def _prefix_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(f"^(?:{prefix})")


@dataclass(frozen=True)
class RetargetResult:
    """The retargeted motion, the source joints no map entry covers, and the map used."""

    motion: Motion
    unmapped: tuple[str, ...]
    rig: str


def load_rig_map(name_or_path: str | Path) -> RigMap:
    """A shipped map by name ("bandai", "canonical", "cmu", "mixamo") or a YAML file by path."""
    key = str(name_or_path)
    if isinstance(name_or_path, str) and key in SHIPPED_RIGS:
        shipped = _shipped_rig_map(key)
        return RigMap(
            shipped.name,
            dict(shipped.joints),
            shipped.scale,
            shipped.ground,
            shipped.prefix,
            shipped.twist,
        )
    else:
        file = key
        try:
            text = Path(name_or_path).read_text(encoding="utf-8")
        except OSError:
            raise ScriptError(
                f"no such rig map; shipped maps are {', '.join(SHIPPED_RIGS)}", file=file
            ) from None
    return _parse_rig_map(text, file)


@functools.cache
def _shipped_rig_map(name: str) -> RigMap:
    text = (
        resources.files("motiondirector.motion").joinpath("rigs", f"{name}.yaml").read_text("utf-8")
    )
    return _parse_rig_map(text, f"rigs/{name}.yaml")


def _parse_rig_map(text: str, file: str) -> RigMap:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScriptError(f"not valid YAML: {error}", line=line, file=file) from None
    if not isinstance(data, dict) or not isinstance(data.get("joints"), dict):
        raise ScriptError("a rig map needs a 'joints' mapping (source joint: canonical joint)",
                          file=file)  # fmt: skip
    joints: dict[str, str | None] = {}
    used: dict[str, str] = {}
    for source, target in data["joints"].items():
        if target is not None and target not in JOINT_INDEX:
            raise ScriptError(
                f"joint {source!r} maps to {target!r}, which is not a canonical joint "
                f"({', '.join(JOINTS)})",
                file=file,
            )
        if target is not None and target in used:
            raise ScriptError(f"{source!r} and {used[target]!r} both map to {target!r}", file=file)
        if target is not None:
            used[target] = str(source)
        joints[str(source)] = target
    scale = data.get("scale", 1.0)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or not scale > 0:
        raise ScriptError(f"scale must be a positive number of metres per unit, got {scale!r}",
                          file=file)  # fmt: skip
    prefix = data.get("prefix") or ""
    try:
        _prefix_pattern(str(prefix))
    except re.error as error:
        raise ScriptError(f"prefix {prefix!r} is not a regular expression: {error}",
                          file=file) from None  # fmt: skip
    twist = data.get("twist", "rest")
    if twist not in TWISTS:
        raise ScriptError(f"twist must be one of {', '.join(TWISTS)}, got {twist!r}", file=file)
    name = str(data.get("name") or Path(file).stem)
    return RigMap(
        name=name,
        joints=joints,
        scale=float(scale),
        ground=bool(data.get("ground")),
        prefix=str(prefix),
        twist=twist,
    )


def detect_rig(skeleton: BvhSkeleton) -> str | None:
    """The shipped map whose joints the skeleton carries, or None. The best coverage of the
    map's driving joints wins; between equals, the map that knows more of the file's joints
    (Mixamo and CMU share most names, but not Spine2, LowerBack or the fingers)."""
    best: tuple[float, float, str] | None = None
    for name in SHIPPED_RIGS:
        rig = _shipped_rig_map(name)
        keys = {rig.key(joint) for joint in skeleton.names}
        driving = rig.driving
        coverage = sum(source in keys for source in driving) / len(driving)
        known = len(keys & rig.joints.keys()) / len(keys)
        if coverage >= _DETECT_COVERAGE and (best is None or (coverage, known) > best[:2]):
            best = (coverage, known, name)
    return best[2] if best else None


def retarget(bvh: BvhMotion, rig: RigMap | None = None, *, fps: float = CANONICAL_FPS) -> (
    RetargetResult
):  # fmt: skip
    """The BVH motion on the canonical skeleton at `fps`. Without `rig`, the map is detected
    from the joint names; an unknown rig raises `ScriptError` naming the file."""
    skeleton = bvh.skeleton
    if rig is None:
        detected = detect_rig(skeleton)
        if detected is None:
            raise ScriptError(
                "unknown rig: no shipped joint-name map fits its joints "
                f"({', '.join(skeleton.names[:6])}, ...); shipped maps are "
                f"{', '.join(SHIPPED_RIGS)}; name one, or a YAML map of your own, with "
                "--rig NAME|PATH (`index build`) or load_rig_map(name_or_path)",
                file=bvh.file,
            )
        rig = load_rig_map(detected)
    source_of = _canonical_sources(skeleton, rig, bvh.file)
    unmapped = tuple(name for name in skeleton.names if rig.key(name) not in rig.joints)

    global_rot, positions = bvh.forward_kinematics()
    corrections = _rest_corrections(
        skeleton.parents, skeleton.offsets.tobytes(), tuple(sorted(source_of.items()))
    )

    frames = bvh.frames
    identity = np.array([0.0, 0.0, 0.0, 1.0])
    canonical_global = np.empty((frames, len(JOINTS), 4))
    local = np.empty((frames, len(JOINTS), 4))
    for joint, parent in enumerate(PARENTS):
        source = source_of.get(joint)
        if source is None:
            canonical_global[:, joint] = canonical_global[:, parent] if parent >= 0 else identity
            local[:, joint] = identity
            continue
        rotation = quat_multiply(global_rot[:, source], corrections[joint])
        canonical_global[:, joint] = rotation
        if parent >= 0:
            rotation = quat_multiply(quat_conjugate(canonical_global[:, parent]), rotation)
        local[:, joint] = rotation
    local /= np.linalg.norm(local, axis=-1, keepdims=True)
    if rig.twist == "clip":
        local = _least_twist(local, source_of)

    root_source = source_of.get(0, 0)
    root = positions[:, root_source] * rig.scale * _leg_ratio(skeleton, source_of, rig.scale)
    motion = Motion(_canonical_sign(local), root, bvh.fps)
    if rig.ground and frames:
        lowest = float(_lowest_height(canonical_global, root))
        rest_lowest = float(_canonical_rest()[:, 1].min())
        motion = Motion(
            motion.rotations, root + np.array([0.0, rest_lowest - lowest, 0.0]), bvh.fps
        )
    if abs(motion.fps - fps) <= _FPS_SNAP * fps:
        motion = Motion(motion.rotations, motion.root_positions, float(fps))
    else:
        motion = motion.resample(fps)
    return RetargetResult(motion=motion, unmapped=unmapped, rig=rig.name)


def _least_twist(local: np.ndarray, source_of: dict[int, int]) -> np.ndarray:
    """`local` rotations (frames, joints, 4) with each joint that has a single canonical child,
    driven like itself, turned about its bone by the angle that keeps its rotations nearest the
    rest pose over the clip (the children compensate, so every joint keeps its position); a
    leaf, whose frame came from its parent's, turns with its parent.

    The turn T about the bone b maximizes the sum over frames of w(M T)^2, where M is the
    joint's rotation after its parent's turn and w(M T) = w(M) cos(a/2) - (v(M).b) sin(a/2):
    the top eigenvector of a 2x2 matrix. Squared, so q and -q count alike."""
    children: dict[int, list[int]] = {}
    for joint, parent in enumerate(PARENTS):
        if parent >= 0:
            children.setdefault(parent, []).append(joint)
    out = local.copy()
    turns = np.tile(np.array([0.0, 0.0, 0.0, 1.0]), (len(JOINTS), 1))
    for joint, parent in enumerate(PARENTS):
        if parent >= 0:
            out[:, joint] = quat_multiply(quat_conjugate(turns[parent])[None], out[:, joint])
        below = children.get(joint, [])
        if not below and parent >= 0:
            # A leaf (head, hand, toes) took its frame from its parent's: it turns with it.
            turns[joint] = turns[parent]
            out[:, joint] = quat_multiply(out[:, joint], turns[joint][None])
            continue
        if len(below) != 1 or joint not in source_of or below[0] not in source_of:
            continue
        bone = REST_OFFSETS[below[0]] / np.linalg.norm(REST_OFFSETS[below[0]])
        w = out[:, joint, 3]
        v = out[:, joint, :3] @ bone
        matrix = np.array([[w @ w, -(w @ v)], [-(w @ v), v @ v]])
        cos_half, sin_half = np.linalg.eigh(matrix)[1][:, -1]
        turns[joint] = np.array([*(sin_half * bone), cos_half])
        out[:, joint] = quat_multiply(out[:, joint], turns[joint][None])
    normalized: np.ndarray = out / np.linalg.norm(out, axis=-1, keepdims=True)
    return normalized


def _canonical_sources(skeleton: BvhSkeleton, rig: RigMap, file: str | None) -> dict[int, int]:
    """Canonical joint index -> source joint index, for the map's joints present in the file."""
    present = {rig.key(name): index for index, name in enumerate(skeleton.names)}
    source_of = {
        JOINT_INDEX[target]: present[source]
        for source, target in rig.driving.items()
        if source in present
    }
    if not source_of:
        raise ScriptError(
            f"rig map {rig.name!r} drives none of this file's joints "
            f"({', '.join(skeleton.names[:6])}, ...)",
            file=file,
        )
    if len(source_of) < _MIN_COVERAGE * len(rig.driving):
        # A few shared names (Hips, Spine, Head) are not a fit: most of the body would stand
        # still in its rest pose, silently.
        raise ScriptError(
            f"rig map {rig.name!r} finds only {len(source_of)} of its {len(rig.driving)} "
            f"joints in this file ({', '.join(skeleton.names[:6])}, ...); another --rig "
            "NAME|PATH may fit",
            file=file,
        )
    return source_of


def _first_driven_descendants(joint: int, source_of: dict[int, int]) -> list[int]:
    """Canonical descendants reached through undriven joints, in PARENTS order."""
    out: list[int] = []
    for child, parent in enumerate(PARENTS):
        if parent == joint:
            out.extend(
                [child] if child in source_of else _first_driven_descendants(child, source_of)
            )
    return out


@functools.lru_cache(maxsize=64)
def _rest_corrections(
    parents: tuple[int, ...], offsets: bytes, sources: tuple[tuple[int, int], ...]
) -> dict[int, np.ndarray]:
    """For each driven canonical joint, the rotation A (quaternion xyzw) with A (canonical rest
    bone) parallel to (source rest bone); leaves take their parent's correction. Cached: a
    library holds many clips of one rig."""
    source_of = dict(sources)
    source_rest = _rest_positions(parents, np.frombuffer(offsets).reshape(-1, 3))
    canonical_rest = _canonical_rest()
    corrections: dict[int, Rotation] = {}
    reference: dict[int, Rotation] = {}
    for joint in range(len(JOINTS)):  # parents come first, so leaves find theirs
        if joint not in source_of:
            continue
        descendants = _first_driven_descendants(joint, source_of)
        canonical_dirs, source_dirs, kept = [], [], []
        for child in descendants:
            c = canonical_rest[child] - canonical_rest[joint]
            s = source_rest[source_of[child]] - source_rest[source_of[joint]]
            if np.linalg.norm(s) > 1e-9:  # a zero-length source bone says nothing
                canonical_dirs.append(c / np.linalg.norm(c))
                source_dirs.append(s / np.linalg.norm(s))
                kept.append(child)
        inherited = _ancestor_correction(joint, corrections)
        reference[joint] = inherited
        if not canonical_dirs:
            # A leaf has no bone of its own to align: it takes the frame its parent had before
            # the parent aligned its bone, so a head or hand in line with its parent in the
            # source reads as in line in the canonical skeleton too.
            parent = PARENTS[joint]
            corrections[joint] = reference.get(parent, inherited)
        elif len(canonical_dirs) == 1:
            # One bone fixes only two degrees of freedom; the twist about it is inherited from
            # the parent, so frames stay consistent down a chain (and leaves like the head
            # keep the torso's sense of left and front).
            turned = inherited.apply(canonical_dirs[0])
            corrections[joint] = _minimal_rotation(turned, source_dirs[0]) * inherited
        else:
            primary = _PRIMARY_CHILD.get(JOINTS[joint])
            first = kept.index(JOINT_INDEX[primary]) if primary in _names(kept) else 0
            weights = np.ones(len(canonical_dirs))
            weights[first] = np.inf
            if _spans_plane(np.array(canonical_dirs)) and _spans_plane(np.array(source_dirs)):
                corrections[joint], _ = Rotation.align_vectors(
                    np.array(source_dirs), np.array(canonical_dirs), weights=weights
                )
            else:
                corrections[joint] = _minimal_rotation(canonical_dirs[first], source_dirs[first])
    return {joint: rotation.as_quat() for joint, rotation in corrections.items()}


def _ancestor_correction(joint: int, corrections: dict[int, Rotation]) -> Rotation:
    parent = PARENTS[joint]
    while parent >= 0:
        if parent in corrections:
            return corrections[parent]
        parent = PARENTS[parent]
    return Rotation.identity()


def _names(joints: list[int]) -> list[str]:
    return [JOINTS[j] for j in joints]


def _spans_plane(directions: np.ndarray) -> bool:
    return bool(np.linalg.norm(np.cross(directions[0], directions[1:]), axis=-1).max() > 1e-6)


def _minimal_rotation(a: np.ndarray, b: np.ndarray) -> Rotation:
    """The smallest rotation taking unit vector a onto unit vector b."""
    cross = np.cross(a, b)
    dot = float(np.dot(a, b))
    if dot < -1.0 + 1e-9:  # opposite: half a turn about any axis perpendicular to a
        axis = np.cross(a, [1.0, 0.0, 0.0])
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross(a, [0.0, 1.0, 0.0])
        return Rotation.from_rotvec(np.pi * axis / np.linalg.norm(axis))
    return Rotation.from_quat([*cross, 1.0 + dot])


def _rest_positions(parents: tuple[int, ...], offsets: np.ndarray) -> np.ndarray:
    positions = np.zeros((len(parents), 3))
    for joint, parent in enumerate(parents):
        positions[joint] = offsets[joint] + (positions[parent] if parent >= 0 else 0.0)
    return positions


@functools.cache
def _canonical_rest() -> np.ndarray:
    positions: np.ndarray = Motion.rest().joint_positions()[0]
    return positions


def _lowest_height(global_rotations: np.ndarray, root: np.ndarray) -> float:
    """The lowest joint height over the clip, by forward kinematics on the canonical skeleton."""
    heights = np.empty((len(root), len(JOINTS)))
    positions = np.empty((len(root), len(JOINTS), 3))
    for joint, parent in enumerate(PARENTS):
        if parent < 0:
            positions[:, joint] = root
        else:
            offset = np.broadcast_to(REST_OFFSETS[joint], root.shape)
            positions[:, joint] = positions[:, parent] + quat_apply(
                global_rotations[:, parent], offset
            )
        heights[:, joint] = positions[:, joint, 1]
    return float(heights.min())


def _leg_ratio(skeleton: BvhSkeleton, source_of: dict[int, int], scale: float) -> float:
    """Canonical leg length over the source's (in metres), or 1 when the legs are not mapped."""
    chain = [JOINT_INDEX[name] for name in _LEG_CHAIN]
    if not all(joint in source_of for joint in chain):
        return 1.0
    canonical_rest = _canonical_rest()
    source_rest = skeleton.rest_positions()
    canonical = sum(
        np.linalg.norm(canonical_rest[b] - canonical_rest[a]) for a, b in itertools.pairwise(chain)
    )
    source = scale * sum(
        np.linalg.norm(source_rest[source_of[b]] - source_rest[source_of[a]])
        for a, b in itertools.pairwise(chain)
    )
    return float(canonical / source) if source > 1e-9 else 1.0


def _canonical_sign(quaternions: np.ndarray) -> np.ndarray:
    """q and -q are one rotation; keep w >= 0 so output is deterministic and easy to compare."""
    return np.where(quaternions[..., 3:4] < 0, -quaternions, quaternions)
