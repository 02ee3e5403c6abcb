"""Ingest clips as ClipRecords: the built-in gesture library, folders of BVH files, and (through
`video.py`) folders of video.

Labels for BVH clips come from the Bandai Motion Dataset adapter (content and style ids in each
clip's JSON, named by the `cfg/` label lists, mapped to our vocabulary by data/bandai.yaml),
from a `labels.jsonl` sidecar in the folder (one object per clip: `file`, `descriptions`,
optional `tags`), or, failing both, from the motion itself (pose descriptions); the Bandai
`cfg/` lists are looked for in the folder and beside it (a dataset's `data/`), and without them
a Bandai file name still gives content and style. A file that
cannot be read is skipped and reported with its line and reason; the rest is ingested. This
module reads files and builds records; it does not embed or index them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from tqdm import tqdm

from motiondirector.errors import BackendUnavailableError, ScriptError
from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.describe import summarize_motion
from motiondirector.motion.retargeting import SHIPPED_RIGS, RigMap, load_rig_map, retarget
from motiondirector.motion.speed import peaks
from motiondirector.retrieval.records import (
    ClipRecord,
    ClipSource,
    ClipTags,
    IngestResult,
    LibraryError,
    MotionFeatures,
    Skipped,
)
from motiondirector.retrieval.sources import KnownSources, is_local_file
from motiondirector.yaml_data import load_yaml

Labels = Literal["auto", "bandai", "sidecar", "motion"]
SIDECAR = "labels.jsonl"
_BANDAI_NAME = re.compile(r"^dataset-1_(?P<content>[a-z-]+)_(?P<style>[a-z-]+)_(?P<take>\d+)$")


def motion_features(motion: Motion) -> MotionFeatures:
    """First/last pose (joint positions relative to the pelvis' ground point), velocities
    there, and each group's peak speed and acceleration."""
    positions = motion.joint_positions()
    ground = positions[:, :1, :] * np.array([1.0, 0.0, 1.0])
    local = positions - ground
    first_velocity = (local[1] - local[0]) * motion.fps if motion.frames > 1 else local[0] * 0
    last_velocity = (local[-1] - local[-2]) * motion.fps if motion.frames > 1 else local[0] * 0

    speeds, accelerations = peaks(motion)

    def flat(values: np.ndarray) -> tuple[float, ...]:
        return tuple(float(v) for v in np.round(values.reshape(-1), 4))

    return MotionFeatures(
        first_pose=flat(local[0]),
        last_pose=flat(local[-1]),
        first_velocity=flat(first_velocity),
        last_velocity=flat(last_velocity),
        peak_speeds=speeds,
        peak_accelerations=accelerations,
    )


def ingest_builtin() -> IngestResult:
    """Records for every clip of the built-in procedural gesture library."""
    from motiondirector.motion.library import builtin_library

    records = []
    for clip in builtin_library():
        records.append(
            ClipRecord(
                id=f"builtin/{clip.id}",
                source=ClipSource(file=f"builtin:{clip.id}", start=0.0, end=clip.duration),
                duration=clip.duration,
                fps=clip.motion().fps,
                descriptions=clip.descriptions,
                tags=ClipTags(
                    lexemes=(clip.lexeme,),
                    emotion=clip.emotion,
                    style=clip.style,
                    hand=clip.hand,
                    free=(clip.channel, clip.amplitude, clip.tempo),
                ),
                features=motion_features(clip.motion()),
            )
        )
    return IngestResult(tuple(records), ())


@cache
def _bandai_table() -> Mapping[str, Any]:
    text = resources.files("motiondirector.retrieval").joinpath("data", "bandai.yaml").read_text()
    data: Mapping[str, Any] = load_yaml(text)
    return data


def _bandai_cfg(folder: Path) -> tuple[list[str], list[str]] | None:
    """The dataset's content and style label lists (cfg/), without their `dataset-1_` prefix:
    in the folder, or beside it when the folder is the dataset's `data/` (cfg/ is its sibling)."""
    for cfg in (folder / "cfg", folder.parent / "cfg"):
        try:
            lists = [
                [line.strip().removeprefix("dataset-1_") for line in path.read_text().splitlines()]
                for path in (cfg / "content_label.txt", cfg / "style_label.txt")
            ]
        except OSError:
            continue
        return lists[0], lists[1]
    return None


def _bandai_labels(
    path: Path, cfg: tuple[list[str], list[str]] | None
) -> tuple[tuple[str, ...], ClipTags] | None:
    """Labels from the clip's JSON (content and style ids into the cfg lists), else its name."""
    content_name = style_name = None
    try:
        if cfg is None:
            raise KeyError("no cfg lists")
        ids = json.loads(path.with_suffix(".json").read_text())
        content_name, style_name = cfg[0][int(ids["content"])], cfg[1][int(ids["style"])]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        match = _BANDAI_NAME.match(path.stem)
        if match is not None:
            content_name, style_name = match["content"], match["style"]
    table = _bandai_table()
    content = table["contents"].get(content_name)
    style = table["styles"].get(style_name)
    if content is None or style is None:
        return None
    manner = f" {style['phrase']}" if style["phrase"] else ""
    descriptions = tuple(f"{phrase}{manner}" for phrase in content["phrases"])
    tags = ClipTags(
        lexemes=tuple(content["lexemes"]),
        emotion=style["emotion"],
        style=style_name,
        free=(str(content_name), "bandai"),
    )
    return descriptions, tags


class SidecarLabel(BaseModel):
    """One line of a folder's `labels.jsonl`: a clip's file (relative to the folder, or its
    name), the words that describe it, and its tags."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(min_length=1)
    descriptions: tuple[str, ...] = ()
    tags: ClipTags = Field(default_factory=ClipTags)

    @field_validator("descriptions")
    @classmethod
    def _not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not text.strip() for text in value):
            raise ValueError("descriptions must not be blank")
        return value


def _sidecar_labels(folder: Path) -> tuple[dict[str, SidecarLabel], list[Skipped]]:
    """The labels of `folder`'s sidecar by file, and its lines that are no label, each named
    with its number and the field at fault."""
    path = folder / SIDECAR
    labels: dict[str, SidecarLabel] = {}
    problems: list[Skipped] = []
    if not path.is_file():
        return labels, problems
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            label = SidecarLabel.model_validate_json(line)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            why = f"{where}: {first['msg']}" if where else first["msg"]
            problems.append(Skipped(str(path), number, f"bad label line: {why}"))
            continue
        labels[label.file] = label
    return labels, problems


def ingest_bvh_folder(
    folder: str | Path,
    *,
    labels: Labels = "auto",
    progress: bool = False,
    rig: str | Path | RigMap | None = None,
    known: KnownSources | None = None,
) -> IngestResult:
    """Records for every `.bvh` under `folder`, retargeted to the canonical skeleton with
    `rig` (a shipped map's name, a YAML map's path, or a map), or with the map each file's
    joint names reveal when it is None. A file the map does not fit is skipped with why. A map
    named or given by path is recorded in each clip's source, so assembly reads the file with it
    again; a map given as an object is not (name it or give its path for that). Files in
    `known` (a library's) are not read unless they changed: unchanged ones are listed as
    kept."""
    rig_map = rig if isinstance(rig, RigMap) or rig is None else load_rig_map(rig)
    rig_ref = _rig_reference(rig)
    root = Path(folder)
    if not root.is_dir():
        raise LibraryError(f"{root}: not a folder of BVH files")
    files = bvh_files(root)
    if not files:
        raise LibraryError(f"{root}: no .bvh files found")
    bandai_cfg = _bandai_cfg(root) if labels in ("auto", "bandai") else None
    if labels == "bandai" and bandai_cfg is None:
        raise LibraryError(f"{root}: no Bandai label lists in {root / 'cfg'} or beside it")
    sidecar, skipped = _sidecar_labels(root) if labels in ("auto", "sidecar") else ({}, [])
    kept: list[Path] = []
    if known is not None:
        files, kept = known.split(files)
    records: list[ClipRecord] = []
    for path in tqdm(files, disable=not progress, unit="clip", desc="ingesting"):
        try:
            motion = retarget(read_bvh(path), rig_map).motion
        except ScriptError as error:
            skipped.append(Skipped(str(path), error.line, error.message))
            continue
        if motion.frames < 2:
            skipped.append(Skipped(str(path), None, "fewer than two frames"))
            continue
        relative = path.relative_to(root).as_posix()
        summary = summarize_motion(motion)
        descriptions: tuple[str, ...] = (summary,)
        tags = ClipTags()
        label = sidecar.get(relative) or sidecar.get(path.name)
        # Without the cfg lists a Bandai file name still says its content and style.
        bandai = _bandai_labels(path, bandai_cfg) if labels in ("auto", "bandai") else None
        if label is not None:
            descriptions = (*label.descriptions, summary)
            tags = label.tags
        elif bandai is not None:
            descriptions = (*bandai[0], summary)
            tags = bandai[1]
        records.append(
            ClipRecord(
                id=f"{root.name}/{Path(relative).with_suffix('').as_posix()}",
                source=ClipSource(file=str(path), start=0.0, end=motion.duration, rig=rig_ref),
                duration=motion.duration,
                fps=motion.fps,
                descriptions=descriptions,
                tags=tags,
                features=motion_features(motion),
            )
        )
    return IngestResult(tuple(records), tuple(skipped), kept=tuple(str(path) for path in kept))


def _ingest_videos(source: str, *, progress: bool, known: KnownSources | None) -> IngestResult:
    """A video folder analysed for faces; where face analysis cannot run (no model, no
    MediaPipe) a folder with captions is still ingested from them, with a note saying why."""
    from motiondirector.faces.errors import FaceModelError
    from motiondirector.retrieval.video import CAPTIONS, ingest_face_folder, ingest_video_folder

    try:
        return ingest_face_folder(source, progress=progress, known=known)
    except (FaceModelError, BackendUnavailableError) as error:
        if not (Path(source) / CAPTIONS).is_file():
            raise
        captioned = ingest_video_folder(source, progress=progress)
        note = Skipped(source, None, f"faces not analysed, captions only: {error}")
        return IngestResult(captioned.records, (note, *captioned.skipped))


def _ingest_mixed(
    source: str, *, progress: bool, rig: str | Path | None, known: KnownSources | None
) -> IngestResult:
    """A folder of BVH files with videos among them: both are ingested (their ids differ: a
    video's end in `#face`). Where the videos cannot be analysed (no face model, no
    MediaPipe), the motion still goes in and each video is reported as skipped with why."""
    from motiondirector.faces.errors import FaceModelError
    from motiondirector.retrieval.video import media_files

    motion = ingest_bvh_folder(source, progress=progress, rig=rig, known=known)
    try:
        videos = _ingest_videos(source, progress=progress, known=known)
    except (FaceModelError, BackendUnavailableError) as error:
        why = f"not analysed for faces: {error}"
        files = media_files(source)
        kept: list[Path] = []
        if known is not None:
            files, kept = known.split(files)
        skipped = tuple(Skipped(str(p), None, why) for p in files)
        videos = IngestResult((), skipped, kept=tuple(str(p) for p in kept))
    return IngestResult(
        (*motion.records, *videos.records),
        (*motion.skipped, *videos.skipped),
        videos.tracks,
        videos.face_model,
        (*motion.kept, *videos.kept),
        videos.empty,
    )


def _rig_reference(rig: str | Path | RigMap | None) -> str | None:
    """How a clip's source names the map its BVH file is read with (see `ClipSource.rig`)."""
    if rig is None or isinstance(rig, RigMap):
        return None
    if isinstance(rig, str) and rig in SHIPPED_RIGS:
        return rig
    return str(Path(rig).resolve())


def ingest(
    sources: Iterable[str],
    *,
    progress: bool = False,
    rig: str | Path | None = None,
    known: KnownSources | None = None,
) -> IngestResult:
    """Ingest several sources: `builtin`, BVH folders (read with the rig map `rig` when given,
    see `ingest_bvh_folder`), or folders of videos (analysed for faces, with their captions
    file merged in when there is one); a BVH folder with videos among its files gives both.
    Files in `known`, the source files of a library being added to, are passed over before
    they are read or analysed unless they changed: unchanged ones are listed in `kept`
    (`retrieval/sources.py`)."""
    if rig is not None:
        load_rig_map(rig)  # a bad map fails before any folder is read
    from motiondirector.retrieval.video import is_video_folder

    records: list[ClipRecord] = []
    skipped: list[Skipped] = []
    tracks: dict[str, Any] = {}
    face_model: str | None = None
    kept: list[str] = []
    empty: list[str] = []
    for source in sources:
        if source != "builtin":
            _check_source_folder(Path(source))
        if source == "builtin":
            result = ingest_builtin()
        elif is_video_folder(source) and not bvh_files(source):
            result = _ingest_videos(source, progress=progress, known=known)
        elif is_video_folder(source):
            result = _ingest_mixed(source, progress=progress, rig=rig, known=known)
        else:
            result = ingest_bvh_folder(source, progress=progress, rig=rig, known=known)
        result = _with_absolute_files(result)
        records.extend(result.records)
        skipped.extend(result.skipped)
        tracks.update(result.tracks)
        face_model = result.face_model or face_model
        kept.extend(result.kept)
        empty.extend(result.empty)
    records, clashes = _without_id_clashes(records)
    skipped.extend(clashes)
    for clash in clashes:
        tracks.pop(clash.file, None)
    return IngestResult(
        tuple(records), tuple(skipped), tracks, face_model, tuple(kept), tuple(empty)
    )


def _absolute(file: str) -> str:
    if not is_local_file(file) or Path(file).is_absolute():
        return file
    return str(Path(file).absolute())


def _with_absolute_files(result: IngestResult) -> IngestResult:
    """`result` with every relative source file made absolute against the current folder. A
    library is used from other folders than the one it was built in, and a relative path
    would be read against each of them: its clips would count as gone, and the timeline's
    links to the source videos would point nowhere. What was skipped keeps the path as given,
    which is how the user named it."""
    records = tuple(
        record.model_copy(
            update={
                "source": record.source.model_copy(update={"file": _absolute(record.source.file)})
            }
        )
        for record in result.records
    )
    tracks = {
        _absolute(key): dataclasses.replace(track, source=_absolute(track.source))
        for key, track in result.tracks.items()
    }
    return dataclasses.replace(
        result,
        records=records,
        tracks=tracks,
        kept=tuple(_absolute(file) for file in result.kept),
        empty=tuple(_absolute(file) for file in result.empty),
    )


def _check_source_folder(path: Path) -> None:
    """A source that is no folder, or holds nothing to ingest, said in the user's terms."""
    from motiondirector.retrieval.video import is_video_folder

    takes = "sources are folders of BVH files or videos, or `builtin`"
    if path.is_file():
        raise LibraryError(f"{path}: not a folder but a file; {takes} (give its folder)")
    if not path.is_dir():
        raise LibraryError(f"{path}: not a folder: nothing is there")
    if not bvh_files(path) and not is_video_folder(path):
        raise LibraryError(
            f"{path}: no BVH files, videos or captions file found in it or its subfolders "
            "(hidden ones are left out)"
        )


def bvh_files(folder: str | Path) -> list[Path]:
    """The BVH files under `folder`, in path order: any case of `.bvh` (`Take01.BVH` from
    Windows tools), hidden files and folders left out (`._take.bvh` from macOS)."""
    root = Path(folder)
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix.lower() == ".bvh"
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def _without_id_clashes(records: list[ClipRecord]) -> tuple[list[ClipRecord], list[Skipped]]:
    """Ids come from file names without extensions (and folder names), so `talk.mp4` beside
    `talk.mov`, or two sources folders of one name, would give one id twice: the later file
    is skipped, naming the earlier, instead of failing the whole build after the ingest."""
    owner: dict[str, str] = {}
    clashing: dict[str, str] = {}
    for record in records:
        first = owner.setdefault(record.id, record.source.file)
        if first != record.source.file and record.source.file not in clashing:
            clashing[record.source.file] = first
    kept: list[ClipRecord] = []
    seen: set[str] = set()
    for record in records:
        # A source named twice gives its own records twice: keep the first of each.
        if record.source.file not in clashing and record.id not in seen:
            seen.add(record.id)
            kept.append(record)
    reasons = [
        Skipped(file, None, f"its clip ids are taken by {first}: rename one of them")
        for file, first in clashing.items()
    ]
    return kept, reasons
