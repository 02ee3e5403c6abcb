"""Plans measured against real people: the `realism` suite.

Real faces come from talking-face videos, tracked by `motiondirector.faces` (MediaPipe's Face
Landmarker). Planned faces come from motion plans: each character's ARKit-52 curves
(`export.arkit.arkit_curves`) and head rotation (`export.head_eyes`), sampled at 30 fps
with the idle drift and sway that every export and stream has (`export.idle`), become a
`FaceTrack` of their own, so both sides go through the very same readers: blinks, gaze
aversion and speaking/silent time by `faces.events`, the numbers by `faces.stats`.

Smile, brow and jaw weights are taken above each face's resting level (a low percentile of
its own frames, as the event reader takes them). Both sides are cut into `CHUNK_S` windows of
face time. A feature is a number or a distribution over the chunks (blink rate, smile weights,
head speed, ...), taken over all face time or only its speaking or silent part. Per feature
the distance between real and planned is the Wasserstein distance of the two distributions
(in the feature's unit) or the absolute difference of the two rates, shares or spectral
centroids; its 95 % interval is a percentile bootstrap (`scipy.stats.bootstrap`) that
resamples whole chunks on both sides, so frames that hang together stay together.

Tracks of real clips are cached under `<cache dir>/realism/tracks`, keyed by the video's bytes
and the model's id, so a second run reads them instead of tracking again. This module measures
and compares; it never changes a plan.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from motiondirector.errors import EvaluationError
from motiondirector.plan.scene import on_stage_spans

if TYPE_CHECKING:
    from motiondirector.faces.model import FaceModel
    from motiondirector.faces.stats import FaceStatistics
    from motiondirector.faces.tracker import FaceTrack
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.plan.scene import Scene
    from motiondirector.planners import Planner

FloatArray = npt.NDArray[np.float64]
Part = Literal["all", "speaking", "silent"]
Kind = Literal["distribution", "rate", "share", "centroid"]

PLAN_FPS = 30
CHUNK_S = 4.0
"""Face time is resampled in windows this long (two Welch segments of head speed)."""
MIN_CHUNK_S = 1.0
"""A window with less face time than this is left out."""
MIN_FACE_SHARE = 0.8
"""A video counts as a talking face when a face shows in at least this share of its frames."""
SPECTRUM_HZ = np.arange(0.0, 10.01, 0.5)
"""Common frequency grid of the head-speed spectra (clips run at 25 and 30 fps)."""
N_BOOT = 999
VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm", ".avi")
FEATURE_COLUMNS = [
    "feature",
    "part",
    "kind",
    "unit",
    "real",
    "planned",
    "distance",
    "ci_low",
    "ci_high",
    "ks",
    "real_n",
    "planned_n",
]


@dataclass(frozen=True)
class Feature:
    """One statistic compared between real and planned faces. `field` names the
    `FaceStatistics` attribute it reads."""

    name: str
    part: Part
    kind: Kind
    field: str
    unit: str

    @property
    def key(self) -> str:
        return self.name if self.part == "all" else f"{self.name}.{self.part}"


FEATURES: tuple[Feature, ...] = (
    Feature("blink_rate", "all", "rate", "blink_durations", "per min"),
    Feature("blink_rate", "speaking", "rate", "blink_durations", "per min"),
    Feature("blink_rate", "silent", "rate", "blink_durations", "per min"),
    Feature("blink_duration", "all", "distribution", "blink_durations", "s"),
    Feature("smile", "all", "distribution", "smile", "weight"),
    Feature("brow_raise", "all", "distribution", "brow_raise", "weight"),
    Feature("brow_lower", "all", "distribution", "brow_lower", "weight"),
    Feature("jaw", "speaking", "distribution", "jaw", "weight"),
    Feature("jaw", "silent", "distribution", "jaw", "weight"),
    Feature("head_speed", "all", "distribution", "head_speed", "deg/s"),
    Feature("head_speed", "speaking", "distribution", "head_speed", "deg/s"),
    Feature("head_speed", "silent", "distribution", "head_speed", "deg/s"),
    Feature("head_spectrum", "all", "centroid", "spectrum_power", "Hz"),
    Feature("gaze_aversion", "all", "share", "gaze_aversion", "share"),
    Feature("gaze_aversion", "speaking", "share", "gaze_aversion", "share"),
    Feature("gaze_aversion", "silent", "share", "gaze_aversion", "share"),
)


@dataclass(frozen=True)
class FaceSample:
    """One face over time, cut into chunks: a real clip or a planned character. `chunks` holds
    per window the statistics of its `all`, `speaking` and `silent` face time."""

    name: str
    origin: Literal["real", "planned"]
    seconds: float
    speaking_share: float
    chunks: tuple[Mapping[str, FaceStatistics], ...]


# --- both sides -------------------------------------------------------------------------------


def sample_from_track(
    name: str, origin: Literal["real", "planned"], track: FaceTrack
) -> FaceSample:
    """Read the behaviour of `track` and measure it per `CHUNK_S` window of its frames."""
    from motiondirector.faces.events import read_behaviour, resting, speaking_mask
    from motiondirector.faces.stats import face_statistics
    from motiondirector.plan.motion_plan import FaceEvent, GazeEvent

    behaviour = read_behaviour(track)
    blinks = [(e.start, e.end) for e in behaviour.events if isinstance(e, FaceEvent) and e.au == 45]
    averted = [(e.start, e.end) for e in behaviour.events if isinstance(e, GazeEvent)]
    speaking = speaking_mask(track)
    parts = {"all": track.present, "speaking": speaking, "silent": track.present & ~speaking}
    # The face model gives some faces a standing brow or smile score: activity is measured
    # above each face's own rest, as the event reader measures it.
    shapes = np.clip(track.blendshapes - resting(track.blendshapes, track.present), 0.0, 1.0)
    chunks: list[dict[str, FaceStatistics]] = []
    times = track.times
    step = 1.0 / track.fps
    start = float(times[0]) if times.size else 0.0
    while times.size and start <= float(times[-1]):
        end = start + CHUNK_S
        inside = np.flatnonzero((times >= start - 1e-9) & (times < end - 1e-9))
        start = end
        if inside.size == 0 or float(track.present[inside].sum()) * step < MIN_CHUNK_S:
            continue
        window = slice(int(inside[0]), int(inside[-1]) + 1)
        opened = float(times[window.start])
        closed = float(times[window.stop - 1]) + step
        # A blink belongs to the window it starts in, so no blink is counted twice.
        own = [(a, b) for a, b in blinks if opened - 1e-9 <= a < closed - 1e-9]
        chunks.append(
            {
                part: face_statistics(
                    times[window],
                    shapes[window],
                    track.head[window],
                    keep=mask[window],
                    blinks=own,
                    averted=averted,
                )
                for part, mask in parts.items()
            }
        )
    present = float(track.present.sum())
    return FaceSample(
        name=name,
        origin=origin,
        seconds=present * step,
        speaking_share=float(speaking.sum()) / present if present else 0.0,
        chunks=tuple(chunks),
    )


def plan_face_track(plan: MotionPlan, character: str, scene: Scene | None = None) -> FaceTrack:
    """`character`'s planned face as a `FaceTrack` at `PLAN_FPS`: the ARKit curves of the plan
    export, the head angles of the live stream turned into the tracker's convention (yaw,
    pitch up, roll to the left shoulder) and eye angles read from the eyeLook shapes as the
    tracker reads them. Frames where the character is off stage (no beat of `scene` lists
    them) are marked absent."""
    from motiondirector.export.arkit import arkit_curves
    from motiondirector.export.head_eyes import HeadEyesCurves
    from motiondirector.faces.tracker import FaceTrack, eye_angles

    times, weights = arkit_curves(plan, character, PLAN_FPS)
    angles = HeadEyesCurves(plan, character).sample(times).head  # pitch down, yaw, roll right
    head = np.column_stack((angles[:, 1], -angles[:, 0], -angles[:, 2]))
    present = np.ones(times.shape[0], dtype=bool)
    if scene is not None and scene.beats:
        present[:] = False
        for start, end in on_stage_spans(scene.beats, character):
            present |= (times >= start - 1e-9) & (times < end - 1e-9)
    blank = ~present
    weights = weights.copy()
    weights[blank] = np.nan
    head[blank] = np.nan
    return FaceTrack(
        source=f"plan:{character}",
        model_id="plan",
        fps=float(PLAN_FPS),
        width=0,
        height=0,
        times=times,
        present=present,
        blendshapes=weights,
        head=head,
        eyes=eye_angles(weights),
        landmarks=np.zeros((times.shape[0], 0, 3), dtype=np.float32),
    )


def planned_samples(
    scenes: Sequence[tuple[str, Scene]], planner: str | Planner = "rules", *, seed: int = 0
) -> list[FaceSample]:
    """Each scene planned by `planner` (a name or planner object); one sample per character
    who speaks in it."""
    from motiondirector.realize import plan_scene

    samples: list[FaceSample] = []
    for label, scene in scenes:
        plan = plan_scene(scene, planner=planner, fps=PLAN_FPS, seed=seed)
        speakers = {u.speaker for u in scene.utterances}
        for track in plan.characters:
            if track.name not in speakers:
                continue
            face = plan_face_track(plan, track.name, scene)
            samples.append(sample_from_track(f"{label}:{track.name}", "planned", face))
    return samples


def _track_cache_path(video: Path, model: FaceModel, cache_dir: Path) -> Path:
    digest = hashlib.sha256(video.read_bytes()).hexdigest()[:16]
    model_tag = model.model_id.replace("@", "-")
    return cache_dir / f"{video.stem}-{digest}-{model_tag}.npz"


def cached_track(video: Path, model: FaceModel, cache_dir: Path | None = None) -> FaceTrack:
    """The tracked face of `video`, read from the cache when this video was tracked with this
    model before, else tracked and written there (atomically)."""
    from motiondirector.cache import user_cache_dir
    from motiondirector.faces.tracker import FaceTrack, track_face

    folder = cache_dir if cache_dir is not None else user_cache_dir() / "realism" / "tracks"
    path = _track_cache_path(video, model, folder)
    if path.exists():
        try:
            return FaceTrack.load(path)
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)  # a broken cache entry is rebuilt
    track = track_face(video, model=model)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(track.to_bytes())
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return track


def real_samples(
    videos: Iterable[Path],
    model: FaceModel,
    *,
    cache_dir: Path | None = None,
    wanted: int | None = None,
) -> tuple[list[FaceSample], pd.DataFrame]:
    """Samples of the videos where a face shows in at least `MIN_FACE_SHARE` of the frames,
    and a table (item, face_share, used, reason) of every video looked at; with `wanted`,
    videos are looked at in order until that many talking faces are found."""
    from motiondirector.faces.errors import FaceVideoError

    samples: list[FaceSample] = []
    rows = []
    for video in videos:
        if wanted is not None and len(samples) >= wanted:
            break
        try:
            track = cached_track(video, model, cache_dir)
        except FaceVideoError as error:
            rows.append(
                {"item": video.name, "face_share": 0.0, "used": False, "reason": str(error)}
            )
            continue
        share = track.face_share
        used = share >= MIN_FACE_SHARE
        reason = "talking face" if used else f"face in {share:.0%} of frames"
        rows.append({"item": video.name, "face_share": share, "used": used, "reason": reason})
        if used:
            samples.append(sample_from_track(video.name, "real", track))
    return samples, pd.DataFrame(rows, columns=["item", "face_share", "used", "reason"])


# --- features and distances -------------------------------------------------------------------


def _spectrum(chunk: FaceStatistics) -> FloatArray | None:
    if chunk.spectrum_hz.size == 0:
        return None
    return np.asarray(
        np.interp(SPECTRUM_HZ, chunk.spectrum_hz, chunk.spectrum_power), dtype=np.float64
    )


def spectral_centroid(power: FloatArray) -> float:
    """Power-weighted mean frequency (Hz) of a spectrum on `SPECTRUM_HZ`."""
    total = float(power.sum())
    return float((SPECTRUM_HZ * power).sum() / total) if total > 0 else float("nan")


def feature_values(feature: Feature, chunks: Sequence[Mapping[str, FaceStatistics]]) -> FloatArray:
    """The sample a feature is compared on: the pooled values of a distribution, or one number
    (a rate per minute, a share, a centroid in Hz) as a 1-element array; empty when the chunks
    hold no such time."""
    parts = [c[feature.part] for c in chunks]
    seconds = np.array([p.seconds for p in parts])
    if feature.kind == "distribution":
        pooled = [np.asarray(getattr(p, feature.field), dtype=np.float64) for p in parts]
        return np.concatenate(pooled) if pooled else np.zeros(0)
    if seconds.sum() <= 0:
        return np.zeros(0)
    if feature.kind == "rate":
        blinks = sum(p.blink_durations.size for p in parts)
        return np.array([60.0 * blinks / seconds.sum()])
    if feature.kind == "share":
        shares = np.array([p.gaze_aversion for p in parts])
        return np.array([float((shares * seconds).sum() / seconds.sum())])
    spectra = [(s, p.seconds) for p in parts if (s := _spectrum(p)) is not None]
    if not spectra:
        return np.zeros(0)
    mean = np.average([s for s, _ in spectra], axis=0, weights=[w for _, w in spectra])
    centroid = spectral_centroid(np.asarray(mean, dtype=np.float64))
    return np.array([centroid]) if np.isfinite(centroid) else np.zeros(0)


def feature_distance(kind: Kind, real: FloatArray, planned: FloatArray) -> float:
    """Wasserstein distance of two distributions, else the absolute difference of the two
    numbers; NaN when either side is empty."""
    if real.size == 0 or planned.size == 0:
        return float("nan")
    if kind == "distribution":
        return float(stats.wasserstein_distance(real, planned))
    return float(abs(real[0] - planned[0]))


def _summary_value(kind: Kind, values: FloatArray) -> float:
    if values.size == 0:
        return float("nan")
    return float(values.mean()) if kind == "distribution" else float(values[0])


class ChunkResampler:
    """A feature's values per chunk on both sides, arranged once so that a bootstrap resample
    of chunks is a reweighting by how often each chunk was drawn: no values are copied and no
    distribution is sorted again. `distance(ones, ones)` is `feature_distance` of all chunks.
    """

    def __init__(
        self,
        feature: Feature,
        real: Sequence[Mapping[str, FaceStatistics]],
        planned: Sequence[Mapping[str, FaceStatistics]],
    ) -> None:
        self.kind = feature.kind
        self.sizes = (len(real), len(planned))
        sides = ([c[feature.part] for c in real], [c[feature.part] for c in planned])
        if feature.kind == "distribution":
            parts = [
                np.asarray(getattr(p, feature.field), dtype=np.float64) for s in sides for p in s
            ]
            values = np.concatenate(parts) if parts else np.zeros(0)
            chunk = np.repeat(np.arange(len(parts)), [p.size for p in parts])
            order = np.argsort(values, kind="stable")
            self.values = values[order]
            self.chunk = chunk[order]
            self.is_planned = self.chunk >= len(real)
            self.steps = np.diff(self.values)
            return
        # Every other feature is a ratio of chunk sums: sum(count * top) / sum(count * bottom).
        self.ratios = [self._ratio_terms(feature, side) for side in sides]

    @staticmethod
    def _ratio_terms(
        feature: Feature, parts: Sequence[FaceStatistics]
    ) -> tuple[FloatArray, FloatArray]:
        seconds = np.array([p.seconds for p in parts], dtype=np.float64)
        if feature.kind == "rate":
            blinks = np.array([p.blink_durations.size for p in parts], dtype=np.float64)
            return 60.0 * blinks, seconds
        if feature.kind == "share":
            return np.array([p.gaze_aversion for p in parts]) * seconds, seconds
        top, bottom = np.zeros(len(parts)), np.zeros(len(parts))
        for index, part in enumerate(parts):
            power = _spectrum(part)
            if power is not None:
                top[index] = part.seconds * float((SPECTRUM_HZ * power).sum())
                bottom[index] = part.seconds * float(power.sum())
        return top, bottom

    def distance(self, real_counts: FloatArray, planned_counts: FloatArray) -> float:
        """The distance with chunk i of each side counted `counts[i]` times; NaN when a side
        holds no such time."""
        if self.kind == "distribution":
            weights = np.concatenate((real_counts, planned_counts))[self.chunk]
            planned = np.where(self.is_planned, weights, 0.0)
            real = weights - planned
            real_total, planned_total = float(real.sum()), float(planned.sum())
            if real_total <= 0 or planned_total <= 0:
                return float("nan")
            gap = np.cumsum(real)[:-1] / real_total - np.cumsum(planned)[:-1] / planned_total
            return float(np.abs(gap) @ self.steps)
        values = []
        for (top, bottom), counts in zip(self.ratios, (real_counts, planned_counts), strict=True):
            denominator = float(counts @ bottom)
            if denominator <= 0:
                return float("nan")
            values.append(float(counts @ top) / denominator)
        return abs(values[0] - values[1])


def bootstrap_distance(
    feature: Feature,
    real: Sequence[Mapping[str, FaceStatistics]],
    planned: Sequence[Mapping[str, FaceStatistics]],
    *,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> tuple[float, float]:
    """95 % percentile interval of the feature's distance, resampling chunks on both sides;
    (NaN, NaN) with fewer than two chunks on a side."""
    if len(real) < 2 or len(planned) < 2:
        return float("nan"), float("nan")
    resampler = ChunkResampler(feature, real, planned)

    def distance(real_index: npt.NDArray[np.int64], planned_index: npt.NDArray[np.int64]) -> float:
        return resampler.distance(
            np.bincount(real_index, minlength=len(real)).astype(np.float64),
            np.bincount(planned_index, minlength=len(planned)).astype(np.float64),
        )

    with warnings.catch_warnings():
        # Resamples without such time (no blink drawn) give NaN, which scipy reports as a
        # degenerate interval; they are dropped below and the interval taken from the rest.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        result = stats.bootstrap(
            (np.arange(len(real)), np.arange(len(planned))),
            distance,
            paired=False,
            vectorized=False,
            n_resamples=n_boot,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    drawn = np.asarray(result.bootstrap_distribution, dtype=np.float64)
    drawn = drawn[np.isfinite(drawn)]
    if drawn.size == 0:
        return float("nan"), float("nan")
    low, high = np.percentile(drawn, [2.5, 97.5])
    return float(low), float(high)


def compare_faces(
    real: Sequence[FaceSample],
    planned: Sequence[FaceSample],
    *,
    features: Sequence[Feature] = FEATURES,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> pd.DataFrame:
    """Per feature: the real and planned value (mean of a distribution, else the number), the
    distance with its bootstrap interval, the KS statistic of distributions, and the sizes
    (values of a distribution, else chunks)."""
    real_chunks = [c for s in real for c in s.chunks]
    planned_chunks = [c for s in planned for c in s.chunks]
    rows = []
    for feature in features:
        real_values = feature_values(feature, real_chunks)
        planned_values = feature_values(feature, planned_chunks)
        distance = feature_distance(feature.kind, real_values, planned_values)
        low, high = (float("nan"), float("nan"))
        if np.isfinite(distance):
            low, high = bootstrap_distance(
                feature, real_chunks, planned_chunks, n_boot=n_boot, seed=seed
            )
        scattered = feature.kind == "distribution"
        ks = float("nan")
        if scattered and real_values.size and planned_values.size:
            ks = float(stats.ks_2samp(real_values, planned_values, method="asymp").statistic)
        rows.append(
            {
                "feature": feature.key,
                "part": feature.part,
                "kind": feature.kind,
                "unit": feature.unit,
                "real": _summary_value(feature.kind, real_values),
                "planned": _summary_value(feature.kind, planned_values),
                "distance": distance,
                "ci_low": low,
                "ci_high": high,
                "ks": ks,
                "real_n": int(real_values.size) if scattered else len(real_chunks),
                "planned_n": int(planned_values.size) if scattered else len(planned_chunks),
            }
        )
    return pd.DataFrame(rows, columns=FEATURE_COLUMNS)


def quantile_table(
    real: Sequence[FaceSample], planned: Sequence[FaceSample], *, points: int = 101
) -> pd.DataFrame:
    """`points` quantiles of every distribution feature on both sides (feature, side, q,
    value): enough to draw both CDFs without keeping every frame."""
    levels = np.linspace(0.0, 1.0, points)
    rows = []
    for feature in FEATURES:
        if feature.kind != "distribution":
            continue
        for side, samples in (("real", real), ("planned", planned)):
            values = feature_values(feature, [c for s in samples for c in s.chunks])
            if values.size == 0:
                continue
            for level, value in zip(levels, np.quantile(values, levels), strict=True):
                rows.append((feature.key, side, float(level), float(value)))
    return pd.DataFrame(rows, columns=["feature", "side", "q", "value"])


def spectrum_table(real: Sequence[FaceSample], planned: Sequence[FaceSample]) -> pd.DataFrame:
    """Mean head-speed spectrum of each side on `SPECTRUM_HZ`, normalised to unit area."""
    rows = []
    for side, samples in (("real", real), ("planned", planned)):
        spectra = [
            (s, c["all"].seconds)
            for sample in samples
            for c in sample.chunks
            if (s := _spectrum(c["all"])) is not None
        ]
        if not spectra:
            continue
        mean = np.average([s for s, _ in spectra], axis=0, weights=[w for _, w in spectra])
        total = float(mean.sum())
        shares = mean / total if total > 0 else mean
        rows += [(side, float(h), float(p)) for h, p in zip(SPECTRUM_HZ, shares, strict=True)]
    return pd.DataFrame(rows, columns=["side", "hz", "power"])


def sample_table(samples: Iterable[FaceSample]) -> pd.DataFrame:
    """One row per face: origin, item, face seconds, speaking share, chunks, blink rate."""
    rows = []
    for sample in samples:
        rate = feature_values(FEATURES[0], sample.chunks)
        rows.append(
            {
                "origin": sample.origin,
                "item": sample.name,
                "seconds": sample.seconds,
                "speaking_share": sample.speaking_share,
                "chunks": len(sample.chunks),
                "blinks_per_min": float(rate[0]) if rate.size else float("nan"),
            }
        )
    return pd.DataFrame(
        rows, columns=["origin", "item", "seconds", "speaking_share", "chunks", "blinks_per_min"]
    )


# --- the suite --------------------------------------------------------------------------------


def realism_model(data_dir: Path) -> FaceModel:
    """The configured face model, else the one in the data folder's `models/`."""
    from motiondirector.faces.errors import FaceModelError
    from motiondirector.faces.model import MODEL_FILE, find_face_model

    try:
        return find_face_model()
    except FaceModelError:
        bundled = data_dir / "models" / MODEL_FILE
        if bundled.is_file():
            return find_face_model(bundled)
        raise


def face_videos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)


def run_realism(
    data_dir: Path,
    planner: str | Planner,
    limit: int | None = None,
    *,
    n_boot: int = N_BOOT,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame], str]:
    """(features, items, tables, source) of the realism suite on `data_dir`'s `video/` and
    `screenplays/`; `limit` keeps the first N videos with a talking face (a first video of
    someone walking left none) and the first N screenplays."""
    from motiondirector.scene import read_script

    video_dir = data_dir / "video"
    script_dir = data_dir / "screenplays"
    for folder in (video_dir, script_dir):
        if not folder.is_dir():
            raise EvaluationError(f"evaluation data missing: {folder}")
    videos = face_videos(video_dir)
    scripts = sorted(script_dir.glob("*.fountain"))
    if limit is not None:
        scripts = scripts[:limit]
    if not videos or not scripts:
        raise EvaluationError(
            f"the realism suite needs videos in {video_dir} and .fountain "
            f"screenplays in {script_dir}"
        )
    model = realism_model(data_dir)
    if progress is not None:
        progress(f"tracking {len(videos) if limit is None else f'up to {len(videos)}'} videos")
    real, clips = real_samples(videos, model, cache_dir=cache_dir, wanted=limit)
    if not real:
        raise EvaluationError(f"no talking face in the videos of {video_dir}")
    if progress is not None:
        progress(f"planning {len(scripts)} screenplays")
    planned = planned_samples([(p.name, read_script(p)) for p in scripts], planner)
    if not planned:
        raise EvaluationError(f"no speaking character in the screenplays of {script_dir}")
    features = compare_faces(real, planned, n_boot=n_boot)
    items = sample_table([*real, *planned])
    tables = {
        "features": features,
        "videos": clips,
        "quantiles": quantile_table(real, planned),
        "spectrum": spectrum_table(real, planned),
    }
    source = (
        f"{len(real)} talking-face videos of {len(clips)} looked at in video/ (tracked with "
        f"{model.model_id}) against {len(planned)} speaking characters of {len(scripts)} "
        "screenplays in screenplays/"
    )
    return features, items, tables, source
