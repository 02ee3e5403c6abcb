"""Motion codebook: discrete tokens for canonical motion, and motion back from tokens.

A motion is cut into fixed windows (`WINDOW` frames at 30 fps, one token per window). Each
window becomes a feature vector that does not depend on where the character stands or which
way it faces: joint positions relative to the pelvis ground point with the root yaw removed,
joint velocities in the body frame, and the root's planar velocity and yaw rate in the body
frame. Each block is standardised with statistics from training and weighted. FAISS k-means
over a library's windows gives the centroids; a token is the nearest centroid.

Every token keeps an exemplar: the training window nearest its centroid, as local rotations
with the heading removed and the root path in its own body frame. Decoding lays exemplars end
to end, turning each root path by the heading accumulated so far, and crossfades the seams.
A legend describes every token in words (from `describe`) with how often training used it.

This module must stay pure numpy + FAISS on the canonical skeleton: no file formats other than
its own `.npz`, no retrieval or planning logic.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial.transform import Rotation

from motiondirector.errors import BackendUnavailableError, CodebookError
from motiondirector.motion.clip import Motion, forward_kinematics
from motiondirector.motion.describe import describe_motion, summarize_motion
from motiondirector.motion.quaternion import quat_apply, quat_conjugate, quat_multiply
from motiondirector.motion.skeleton import CANONICAL_FPS, JOINTS
from motiondirector.plan.motion_plan import CodebookTokens

WINDOW = 8
"""Frames per token: 8 frames at 30 fps is 0.27 s, 3.75 tokens per second."""
DEFAULT_K = 256
FORMAT_VERSION = 1
DEFAULT_CODEBOOK = "default.npz"

# Frames of a window whose pose enters the features (0, 2, 5, 7 for 8 frames).
_POSE_SAMPLES = 4
# Relative weight of each feature block once standardised; each block's squared norm is
# scaled to weight**2 on average, so the pose block dominates and motion refines it.
_BLOCK_WEIGHTS = {"pose": 1.0, "velocity": 0.6, "root": 0.6}
# Yaw rate enters the root block as the speed of a point this far from the axis (metres).
_TURN_RADIUS = 0.5
_MIN_SCALE = 1e-3
_JOINT_COUNT = len(JOINTS)


@dataclass(frozen=True)
class LegendEntry:
    """What one token looks like: `description` is a sentence from `summarize_motion` of its
    exemplar, `codes` the pose-rule codes found in it, `count` how many training windows it
    took, `source` where the exemplar came from ("clip name@frame")."""

    token: int
    description: str
    codes: tuple[str, ...]
    count: int
    source: str


@dataclass(frozen=True, eq=False)
class Exemplars:
    """One training window per token, ready to decode. `rotations` (K, W, 22, 4) local
    quaternions xyzw with the heading of the window's first frame removed from the root;
    `root` (K, W, 3): x, z of the pelvis in the first frame's body frame (metres, +Z ahead)
    and y its height; `step` (K, 3): the planar move (x, z) to the frame after the window in
    the same frame, and the heading change (radians) over it."""

    rotations: np.ndarray
    root: np.ndarray
    step: np.ndarray


@dataclass(frozen=True, eq=False)
class Codebook:
    """A trained motion codebook. Features of a window are `(raw - mean) / std * weights`;
    `centroids` (K, d) float32 live in that space. `id` is a short hash of the content."""

    id: str
    window: int
    fps: float
    centroids: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    weights: np.ndarray
    legend: tuple[LegendEntry, ...]
    exemplars: Exemplars

    @property
    def size(self) -> int:
        """K, the number of tokens."""
        return int(self.centroids.shape[0])

    @property
    def rate(self) -> float:
        """Tokens per second."""
        return self.fps / self.window

    @cached_property
    def _index(self) -> Any:
        faiss = _faiss()
        index = faiss.IndexFlatL2(int(self.centroids.shape[1]))
        index.add(np.ascontiguousarray(self.centroids, dtype=np.float32))
        return index

    def features(self, motion: Motion) -> np.ndarray:
        """Standardised features (windows, d) float32 of the motion's consecutive windows."""
        raw, _starts = window_features(self._canonical_rate(motion), self.window, self.window)
        return self._standardise(raw)

    def encode(self, motion: Motion) -> np.ndarray:
        """Token ids (frames // window,) int64 of the motion's consecutive windows, each the
        nearest centroid. A motion at another frame rate is resampled to the codebook's."""
        features = self.features(motion)
        if len(features) == 0:
            return np.zeros(0, dtype=np.int64)
        with faiss_threads(1):
            _distances, ids = self._index.search(features, 1)
        return np.asarray(ids[:, 0], dtype=np.int64)

    def decode(self, ids: Sequence[int] | np.ndarray, fps: float | None = None) -> Motion:
        """Motion (len(ids) * window frames) from token ids: exemplar windows laid end to end,
        the root path turned by the heading accumulated so far, seams crossfaded. Starts at
        the origin facing +Z. Resampled to `fps` when it differs from the codebook's."""
        tokens = np.asarray(ids, dtype=np.int64).reshape(-1)
        bad = tokens[(tokens < 0) | (tokens >= self.size)]
        if len(bad):
            raise CodebookError(
                f"token id {int(bad[0])} is out of range for codebook {self.id} "
                f"({self.size} tokens)"
            )
        motion = _assemble(self.exemplars, tokens, self.window, self.fps)
        if fps is not None and abs(fps - self.fps) > 1e-9:
            return motion.resample(fps)
        return motion

    def tokens(self, motion: Motion) -> CodebookTokens:
        """The plan's `CodebookTokens` for a character's motion."""
        ids = tuple(int(token) for token in self.encode(motion))
        return CodebookTokens(codebook=self.id, rate=self.rate, ids=ids)

    def save(self, path: str | Path) -> None:
        """Write the codebook as one `.npz` (the legend inside as JSON)."""
        arrays = _arrays(self)
        arrays["legend"] = np.array(json.dumps([_legend_json(e) for e in self.legend]))
        arrays["id"] = np.array(self.id)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        Path(path).write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> Codebook:
        """Read a codebook written by `save`; a damaged or foreign file raises CodebookError."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                return _from_npz({name: data[name] for name in data.files}, str(path))
        except (OSError, ValueError, KeyError) as error:
            raise CodebookError(f"{path}: not a readable motion codebook ({error})") from error

    def legend_json(self) -> str:
        """The legend as indented JSON, one object per token."""
        entries = [_legend_json(entry) for entry in self.legend]
        return json.dumps({"codebook": self.id, "rate": self.rate, "tokens": entries}, indent=1)

    def _standardise(self, raw: np.ndarray) -> np.ndarray:
        out: np.ndarray = ((raw - self.mean) / self.std * self.weights).astype(np.float32)
        return np.ascontiguousarray(out)

    def _canonical_rate(self, motion: Motion) -> Motion:
        return motion if abs(motion.fps - self.fps) < 1e-9 else motion.resample(self.fps)


# --- features --------------------------------------------------------------------------------


def heading(rotations: np.ndarray) -> np.ndarray:
    """Root yaw (frames,) in radians about +Y, unwrapped, from the pelvis's left axis (which
    stays level when the body bends forward, unlike its forward axis)."""
    left = quat_apply(rotations[:, 0], np.broadcast_to([1.0, 0.0, 0.0], (len(rotations), 3)))
    # The rest left axis +X turned by yaw a about +Y is (cos a, 0, -sin a).
    return np.unwrap(np.arctan2(-left[:, 2], left[:, 0]))


def _turn(vectors: np.ndarray, yaw: np.ndarray | float) -> np.ndarray:
    """Vectors (..., 3) turned by `yaw` (broadcast over the leading axes) about +Y."""
    cos, sin = np.cos(yaw), np.sin(yaw)
    x, y, z = vectors[..., 0], vectors[..., 1], vectors[..., 2]
    return np.stack([cos * x + sin * z, y, -sin * x + cos * z], axis=-1)


def canonical_positions(
    motion: Motion, frames: np.ndarray | None = None, yaw: np.ndarray | None = None
) -> np.ndarray:
    """Joint positions (frames, 22, 3) relative to the pelvis ground point, each frame turned
    so the character faces +Z: the pose without where it stands or which way it faces. Only
    of the `frames` given (indices, any shape: the result has their shape first), with the
    motion's `heading` when it is known already."""
    rotations, root = motion.rotations, motion.root_positions
    if yaw is None:
        yaw = heading(rotations)
    shape: tuple[int, ...] = (len(rotations),)
    if frames is not None:
        shape, flat = frames.shape, frames.reshape(-1)
        rotations, root, yaw = rotations[flat], root[flat], yaw[flat]
    positions = forward_kinematics(rotations, root)
    ground = root * np.array([1.0, 0.0, 1.0])
    turned = _turn(positions - ground[:, None, :], -yaw[:, None])
    return turned.reshape(*shape, *turned.shape[1:])


def _pose_frames(window: int) -> np.ndarray:
    return np.unique(np.linspace(0, window - 1, _POSE_SAMPLES).round().astype(np.int64))


def _block_sizes(window: int) -> dict[str, int]:
    return {
        "pose": len(_pose_frames(window)) * _JOINT_COUNT * 3,
        "velocity": _JOINT_COUNT * 3,
        "root": 3,
    }


def window_features(motion: Motion, window: int, hop: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw (unstandardised) features (windows, d) float64 of the windows starting every `hop`
    frames that fit in the motion, and those start frames."""
    if window < 2 or hop < 1:
        raise CodebookError(f"window must be at least 2 and hop at least 1, got {window}, {hop}")
    starts = np.arange(0, motion.frames - window + 1, hop, dtype=np.int64)
    dim = sum(_block_sizes(window).values())
    if len(starts) == 0:
        return np.zeros((0, dim)), starts
    yaw = heading(motion.rotations)
    span = (window - 1) / motion.fps
    first, last = starts, starts + window - 1
    # Forward kinematics of the frames the features read only: half of them at 8 per window.
    sampled = np.unique(np.concatenate([_pose_frames(window), [0, window - 1]]))
    canon = canonical_positions(motion, first[:, None] + sampled[None, :], yaw)
    at = {int(frame): column for column, frame in enumerate(sampled)}
    pose = canon[:, [at[int(f)] for f in _pose_frames(window)]].reshape(len(starts), -1)
    velocity = ((canon[:, at[window - 1]] - canon[:, at[0]]) / span).reshape(len(starts), -1)
    moved = motion.root_positions[last] - motion.root_positions[first]
    moved[:, 1] = 0.0
    ahead = _turn(moved, -yaw[first]) / span
    turn_rate = (yaw[last] - yaw[first]) / span * _TURN_RADIUS
    root = np.stack([ahead[:, 0], ahead[:, 2], turn_rate], axis=1)
    return np.concatenate([pose, velocity, root], axis=1), starts


def _standardisation(raw: np.ndarray, window: int) -> tuple[np.ndarray, ...]:
    """Per-dimension mean; per-block scale (the block's RMS spread) so a block's dimensions
    keep their relative sizes; weights that give each block its share of the distance."""
    mean = raw.mean(axis=0)
    std = np.empty(raw.shape[1])
    weights = np.empty(raw.shape[1])
    offset = 0
    for name, size in _block_sizes(window).items():
        block = raw[:, offset : offset + size] - mean[offset : offset + size]
        std[offset : offset + size] = max(float(np.sqrt((block**2).mean())), _MIN_SCALE)
        weights[offset : offset + size] = _BLOCK_WEIGHTS[name] / np.sqrt(size)
        offset += size
    return mean.astype(np.float32), std.astype(np.float32), weights.astype(np.float32)


# --- training --------------------------------------------------------------------------------


def train_codebook(
    motions: Sequence[Motion],
    *,
    names: Sequence[str] | None = None,
    k: int = DEFAULT_K,
    window: int = WINDOW,
    hop: int = 2,
    niter: int = 25,
    seed: int = 0,
    threads: int = 1,
) -> Codebook:
    """Train a codebook of `k` tokens on every `hop`-th window of `motions` (resampled to
    30 fps) with FAISS k-means. Same motions and arguments give the same codebook."""
    if names is not None and len(names) != len(motions):
        raise CodebookError(f"{len(names)} names for {len(motions)} motions")
    labels = list(names) if names is not None else [f"motion {i}" for i in range(len(motions))]
    clips = [m if abs(m.fps - CANONICAL_FPS) < 1e-9 else m.resample(CANONICAL_FPS) for m in motions]
    raw_parts: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    for number, motion in enumerate(clips):
        raw, starts = window_features(motion, window, hop)
        raw_parts.append(raw)
        owners.extend((number, int(start)) for start in starts)
    dim = sum(_block_sizes(window).values())
    raw_all = np.concatenate(raw_parts) if raw_parts else np.zeros((0, dim))
    if len(raw_all) < k:
        raise CodebookError(
            f"{len(raw_all)} training windows of {window} frames for {k} tokens; "
            "give more or longer motions, or a smaller k"
        )
    mean, std, weights = _standardisation(raw_all, window)
    features = np.ascontiguousarray(((raw_all - mean) / std * weights).astype(np.float32))

    faiss = _faiss()
    with faiss_threads(threads):
        kmeans = faiss.Kmeans(dim, k, niter=niter, seed=seed, spherical=False, verbose=False)
        kmeans.train(features)
        centroids = np.ascontiguousarray(kmeans.centroids, dtype=np.float32)
        windows = faiss.IndexFlatL2(dim)
        windows.add(features)
        _distances, nearest = windows.search(centroids, 1)
        tokens = faiss.IndexFlatL2(dim)
        tokens.add(centroids)
        _distances, assigned = tokens.search(features, 1)
    counts = np.bincount(assigned[:, 0], minlength=k)
    chosen = [owners[int(row)] for row in nearest[:, 0]]
    exemplars = _exemplars([(clips[n], start) for n, start in chosen], window)
    unnamed = Codebook(
        "", window, float(CANONICAL_FPS), centroids, mean, std, weights, (), exemplars
    )
    legend = tuple(
        _describe_token(unnamed, token, int(counts[token]), f"{labels[n]}@{start}")
        for token, (n, start) in enumerate(chosen)
    )
    return Codebook(
        _content_id(unnamed),
        window,
        float(CANONICAL_FPS),
        centroids,
        mean,
        std,
        weights,
        legend,
        exemplars,
    )


def _exemplars(windows: Sequence[tuple[Motion, int]], window: int) -> Exemplars:
    rotations = np.empty((len(windows), window, _JOINT_COUNT, 4))
    root = np.empty((len(windows), window, 3))
    step = np.empty((len(windows), 3))
    for token, (motion, start) in enumerate(windows):
        stop = start + window
        yaw = heading(motion.rotations)
        local = motion.rotations[start:stop].copy()
        local[:, 0] = quat_multiply(_yaw_quat(-yaw[start]), local[:, 0])
        origin = motion.root_positions[start] * np.array([1.0, 0.0, 1.0])
        path = _turn(motion.root_positions[start:stop] - origin, -yaw[start])
        if stop < motion.frames:
            after = motion.root_positions[stop] - origin
            turned = yaw[stop] - yaw[start]
        else:  # the last window of a clip: carry its own last frame-to-frame move on
            after = 2 * motion.root_positions[stop - 1] - motion.root_positions[stop - 2] - origin
            turned = 2 * yaw[stop - 1] - yaw[stop - 2] - yaw[start]
        moved = _turn(after * np.array([1.0, 0.0, 1.0]), -yaw[start])
        rotations[token] = local
        root[token] = path
        step[token] = (moved[0], moved[2], turned)
    return Exemplars(
        _unit(rotations).astype(np.float32), root.astype(np.float32), step.astype(np.float32)
    )


def _describe_token(codebook: Codebook, token: int, count: int, source: str) -> LegendEntry:
    # Three repeats give the pose rules (which need ~0.2 s spans and smoothed velocities)
    # enough frames to see a held pose or a gait.
    motion = codebook.decode([token] * 3)
    codes = tuple(sorted({span.code for span in describe_motion(motion)}))
    description = summarize_motion(motion) if codes else _moving_parts(motion)
    return LegendEntry(token, description, codes, count, source)


# Body parts named when no pose rule fires, and the joint whose speed stands for each.
_PARTS = (
    ("right arm", "right_wrist"),
    ("left arm", "left_wrist"),
    ("head", "head"),
    ("legs", "left_ankle"),
    ("legs", "right_ankle"),
)
_MOVING = 0.3  # metres per second, root-relative, for a part to count as moving


def _moving_parts(motion: Motion) -> str:
    """A sentence for a token no pose rule describes: which parts move, or "Standing still."."""
    canon = canonical_positions(motion)
    speeds = np.linalg.norm(np.diff(canon, axis=0), axis=-1).mean(axis=0) * motion.fps
    moving: list[str] = []
    for part, joint in _PARTS:
        if speeds[JOINTS.index(joint)] > _MOVING and part not in moving:
            moving.append(part)
    if not moving:
        return "Standing still."
    listed = moving[0] if len(moving) == 1 else ", ".join(moving[:-1]) + " and " + moving[-1]
    if "legs" in moving:
        return f"{listed[0].upper()}{listed[1:]} moving."
    return f"Standing, {listed} moving."


# --- decoding --------------------------------------------------------------------------------


def _assemble(exemplars: Exemplars, tokens: np.ndarray, window: int, fps: float) -> Motion:
    count = len(tokens) * window
    rotations = np.empty((count, _JOINT_COUNT, 4))
    root = np.empty((count, 3))
    yaw, origin = 0.0, np.zeros(3)
    for slot, token in enumerate(tokens):
        frames = slice(slot * window, (slot + 1) * window)
        local = exemplars.rotations[token].astype(np.float64)
        local[:, 0] = quat_multiply(_yaw_quat(yaw), local[:, 0])
        rotations[frames] = local
        path = _turn(exemplars.root[token].astype(np.float64), yaw)
        root[frames] = path * np.array([1.0, 0.0, 1.0]) + origin
        root[frames, 1] = path[:, 1]
        dx, dz, turned = exemplars.step[token].astype(np.float64)
        origin = origin + _turn(np.array([dx, 0.0, dz]), yaw)
        yaw += float(turned)
    _crossfade(rotations, root, window)
    return Motion(_unit(rotations), root, fps)


def _crossfade(rotations: np.ndarray, root: np.ndarray, window: int) -> None:
    """Close the jump at every seam in place: the `half` frames on each side of it turn part
    of the way toward the seam's midpoint pose, shares chosen so the jump is spread evenly
    over the `2 * half + 1` frame steps around the seam."""
    half = max(1, (window - 2) // 2)
    for seam in range(window, len(rotations), window):
        before, after = rotations[seam - 1], rotations[seam].copy()
        after *= np.where(np.sum(before * after, axis=-1, keepdims=True) < 0, -1.0, 1.0)
        middle = _slerp_half(before, after)
        to_middle = {
            seam - 1: quat_multiply(middle, quat_conjugate(before)),
            seam: quat_multiply(middle, quat_conjugate(after)),
        }
        height_middle = 0.5 * (root[seam - 1, 1] + root[seam, 1])
        heights = {seam - 1: height_middle - root[seam - 1, 1], seam: height_middle - root[seam, 1]}
        for side, frames in (
            (seam - 1, range(seam - 1, seam - 1 - half, -1)),
            (seam, range(seam, seam + half)),
        ):
            turn = Rotation.from_quat(to_middle[side]).as_rotvec()
            for distance, frame in enumerate(frames):
                share = 2 * (half - distance) / (2 * half + 1)
                partial = Rotation.from_rotvec(turn * share).as_quat()
                rotations[frame] = quat_multiply(partial, rotations[frame])
                root[frame, 1] += heights[side] * share


def _slerp_half(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The rotation halfway between unit quaternions a and b (same hemisphere), per row."""
    return _unit(a + b)


def _yaw_quat(angle: float) -> np.ndarray:
    return np.array([0.0, np.sin(angle / 2), 0.0, np.cos(angle / 2)])


def _unit(quaternions: np.ndarray) -> np.ndarray:
    out: np.ndarray = quaternions / np.linalg.norm(quaternions, axis=-1, keepdims=True)
    return out


# --- quality ---------------------------------------------------------------------------------


def reconstruction_error(motion: Motion, codebook: Codebook) -> float:
    """Mean per-joint position error (metres) of decode(encode(motion)) against the motion
    over the frames the tokens cover, both as `canonical_positions` (root-relative, heading
    removed per frame). NaN when the motion is shorter than one window."""
    source = codebook._canonical_rate(motion)
    ids = codebook.encode(source)
    if len(ids) == 0:
        return float("nan")
    decoded = codebook.decode(ids)
    covered = slice(0, decoded.frames)
    original = canonical_positions(
        Motion(source.rotations[covered], source.root_positions[covered], source.fps)
    )
    return float(np.linalg.norm(canonical_positions(decoded) - original, axis=-1).mean())


def usage(ids: np.ndarray, size: int) -> tuple[int, float]:
    """How many of `size` tokens occur in `ids`, and the perplexity of their distribution
    (exp of its entropy: `size` when all are equally used, 1 when one token is)."""
    counts = np.bincount(np.asarray(ids, dtype=np.int64), minlength=size)
    if counts.sum() == 0:
        return 0, 0.0
    share = counts[counts > 0] / counts.sum()
    return int((counts > 0).sum()), float(np.exp(-(share * np.log(share)).sum()))


# --- storage ---------------------------------------------------------------------------------


def _arrays(codebook: Codebook) -> dict[str, np.ndarray]:
    return {
        "format": np.array(FORMAT_VERSION),
        "window": np.array(codebook.window),
        "fps": np.array(codebook.fps),
        "centroids": codebook.centroids,
        "mean": codebook.mean,
        "std": codebook.std,
        "weights": codebook.weights,
        "exemplar_rotations": codebook.exemplars.rotations,
        "exemplar_root": codebook.exemplars.root,
        "exemplar_step": codebook.exemplars.step,
    }


def _content_id(codebook: Codebook) -> str:
    digest = hashlib.sha256()
    for name, array in _arrays(codebook).items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return f"mcb-{digest.hexdigest()[:12]}"


def _legend_json(entry: LegendEntry) -> dict[str, Any]:
    return {
        "token": entry.token,
        "description": entry.description,
        "codes": list(entry.codes),
        "count": entry.count,
        "source": entry.source,
    }


def _from_npz(data: dict[str, np.ndarray], where: str) -> Codebook:
    if int(data["format"]) != FORMAT_VERSION:
        raise CodebookError(
            f"{where}: codebook format {int(data['format'])}, this version reads {FORMAT_VERSION}"
        )
    legend = tuple(
        LegendEntry(
            int(item["token"]),
            str(item["description"]),
            tuple(item["codes"]),
            int(item["count"]),
            str(item["source"]),
        )
        for item in json.loads(str(data["legend"]))
    )
    exemplars = Exemplars(data["exemplar_rotations"], data["exemplar_root"], data["exemplar_step"])
    codebook = Codebook(
        str(data["id"]),
        int(data["window"]),
        float(data["fps"]),
        data["centroids"],
        data["mean"],
        data["std"],
        data["weights"],
        legend,
        exemplars,
    )
    if _content_id(codebook) != codebook.id:
        raise CodebookError(f"{where}: content does not match its id {codebook.id}; file damaged")
    return codebook


@cache
def default_codebook() -> Codebook:
    """The codebook shipped with the package (trained on the built-in library), loaded once."""
    resource = resources.files("motiondirector.motion") / "codebook_data" / DEFAULT_CODEBOOK
    with resources.as_file(resource) as path:
        if not path.is_file():
            raise CodebookError(
                f"the shipped codebook is missing ({path}); run scripts/train_codebook.py"
            )
        return Codebook.load(path)


def tokens_for(motion: Motion, codebook: Codebook | None = None) -> CodebookTokens:
    """A character's `CodebookTokens` for its motion (the shipped codebook by default)."""
    return (codebook or default_codebook()).tokens(motion)


# --- FAISS -----------------------------------------------------------------------------------


@cache
def _faiss() -> Any:
    try:
        import faiss
    except ImportError as error:  # pragma: no cover - faiss-cpu is a core dependency
        raise BackendUnavailableError(
            "the motion codebook needs FAISS: pip install faiss-cpu"
        ) from error
    faiss.omp_set_num_threads(1)
    return faiss


@contextmanager
def faiss_threads(count: int) -> Iterator[None]:
    """Run FAISS with `count` threads inside the block, one thread after it."""
    faiss = _faiss()
    faiss.omp_set_num_threads(max(1, count))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)
