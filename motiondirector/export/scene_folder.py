"""The folder `direct --out` writes, owned by one class: every file name, how it is written
and how it is read back.

    folder = SceneFolder("out/the_key")
    folder.save(result)                 # plan, timeline (JSON, OTIO), BVH per character, ...
    result = folder.load()              # plan, timeline, scene, direction (no motion)
    result = folder.load(motions=True)  # and each character's body motion from its BVH
    result = folder.load(faces=True)    # and each realized face from its ARKit and LLF files

    plan.json                 the MotionPlan, with codebook tokens
    timeline.json / .otio     the realized timeline
    <CHARACTER>.bvh           body motion on the canonical skeleton (names: character_file_stems,
                              in the timeline's character order), each on its mark of a row
                              across the stage (`export/staging.py`)
    <CHARACTER>.arkit.csv / .arkit.json / .livelinkface.csv
                              the realized face and head (`direct --face-library` only)
    scene.json, direction.json   what the plan was realized from (what a revision needs)
    revision.json             the note, constraints and diff of a revision
    preview.mp4, contact.png  the animatic preview (`direct --preview`)
    generated/                videos generated for segments
    agent/                    files the LLM agent asked for
    <CHARACTER>.mp4 / .json   videos generated for whole characters (`generate`)

Readers (revisions, `render`, `generate`, the tools) go through this class only, so the layout
is known in one place. Every write is atomic (`write_text_atomic`). Saving over an earlier
scene folder (one with a plan.json) then removes what the earlier save, revision or preview
left that the new result does not have (`REPLACED_BY_SAVE`: the BVH and face files of
characters or faces no longer there, revision.json, the preview), so that no file in the
folder describes another plan; other files, `generated/` and `agent/` are left alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError
from tqdm import tqdm

from motiondirector.errors import ExportError, ScriptError
from motiondirector.export.arkit import ARKIT_JSON_FORMAT
from motiondirector.export.face_curves import FACE_FILE_SUFFIXES, FaceCurves, face_curve_files
from motiondirector.export.files import (
    character_file_stems,
    legacy_character_file_stems,
    make_folder,
    remove_outdated,
    write_text_atomic,
)
from motiondirector.export.live_link_face import LIVE_LINK_FACE_COLUMNS
from motiondirector.export.otio import PreviewMedia, timeline_to_otio_json
from motiondirector.export.staging import staged, unstaged
from motiondirector.motion.bvh import BvhMotion, motion_to_bvh, read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.retargeting import retarget
from motiondirector.motion.skeleton import JOINTS, REST_OFFSETS
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import Timeline
from motiondirector.plan.vocabulary import load_arkit_map

_M = TypeVar("_M", bound=BaseModel)


def read_plan_text(text: str, source: Path) -> MotionPlan:
    """The plan in the text of the file `source`: validated (`load_plan_json`) and held to the
    limits of a scene (`SceneLimits.check_plan`), before anything is sampled from it."""
    from motiondirector.plan.validate import load_plan_json
    from motiondirector.scene.limits import SceneLimits

    return SceneLimits().check_plan(load_plan_json(text, source=source), file=str(source))


@dataclass(frozen=True)
class DirectResult:
    """A directed scene: the plan, its timeline, the body motion per character, and the files
    written (key -> path: "plan", "timeline", "otio", "bvh:<character>", "scene",
    "direction", ...). `scene` and `direction` are what the plan was realized from, when known
    (a revision re-realizes from them). `faces` holds each character's realized face when
    faces were realized from a video library (empty otherwise)."""

    plan: MotionPlan
    timeline: Timeline
    motions: dict[str, Motion]
    paths: dict[str, Path] = field(default_factory=dict)
    scene: Scene | None = None
    direction: Direction | None = None
    faces: dict[str, FaceCurves] = field(default_factory=dict)


class SceneFolder:
    """One `direct --out` folder (see the module docstring)."""

    PLAN = "plan.json"
    TIMELINE = "timeline.json"
    OTIO = "timeline.otio"
    SCENE = "scene.json"
    DIRECTION = "direction.json"
    REVISION = "revision.json"
    PREVIEW = "preview.mp4"
    CONTACT_SHEET = "contact.png"
    GENERATED = "generated"
    AGENT = "agent"
    BVH_SUFFIX = ".bvh"
    REPLACED_BY_SAVE = (REVISION, PREVIEW, CONTACT_SHEET)
    """Fixed names a save removes when it does not write them (an earlier run's)."""
    REPLACED_SUFFIXES = (BVH_SUFFIX, *FACE_FILE_SUFFIXES.values())
    """Per-character files a save removes when it does not write them."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"SceneFolder({str(self.root)!r})"

    def path(self, name: str) -> Path:
        """The path of one of the folder's fixed names (`SceneFolder.PLAN`, ...)."""
        return self.root / name

    @property
    def generated_dir(self) -> Path:
        return self.root / self.GENERATED

    @property
    def agent_dir(self) -> Path:
        return self.root / self.AGENT

    # -- writing -------------------------------------------------------------------------

    @classmethod
    def files(
        cls, result: DirectResult, *, preview: float | None = None
    ) -> Iterator[tuple[str, str, str]]:
        """(key, file name, text) of every file `save` writes for `result`, made one at a
        time: plan, timeline (JSON and OTIO), one BVH per character ("bvh:<name>"), then the
        scene and direction when the result has them. `preview`: the length in seconds of
        the preview.mp4 written beside them, which the OTIO timeline then plays."""
        yield "plan", cls.PLAN, result.plan.to_json()
        yield "timeline", cls.TIMELINE, result.timeline.to_json()
        yield "otio", cls.OTIO, cls._otio_text(result, preview)
        stems = character_file_stems(list(result.motions))
        count = len(result.motions)
        for index, (name, motion) in enumerate(result.motions.items()):
            bvh = motion_to_bvh(staged(motion, index, count))
            yield f"bvh:{name}", f"{stems[name]}{cls.BVH_SUFFIX}", bvh
        for name, curves in result.faces.items():
            stem = stems.get(name) or character_file_stems([name])[name]
            for key, text in face_curve_files(curves, name).items():
                yield f"{key}:{name}", f"{stem}{FACE_FILE_SUFFIXES[key]}", text
        yield from cls._source_files(result)

    def save(self, result: DirectResult, *, progress: bool = False) -> dict[str, Path]:
        """Write every file of `result` (see `files`), then remove what an earlier save left
        that this one does not write (see the module docstring); returns what was written, by
        key. `progress` shows a bar over the files (a feature's 36 BVH files are 4 GB)."""
        self._make()
        earlier = self._replaced_files()
        files = self.files(result)
        sources = (result.scene is not None) + (result.direction is not None)
        count = 3 + len(result.motions) + len(FACE_FILE_SUFFIXES) * len(result.faces) + sources
        bar = tqdm(files, total=count, desc="writing", unit="file", disable=not progress)
        written = {key: self._write(name, text) for key, name, text in bar}
        remove_outdated(earlier - set(written.values()))
        return written

    @classmethod
    def _otio_text(cls, result: DirectResult, preview: float | None) -> str:
        media = None if preview is None else PreviewMedia(cls.PREVIEW, preview)
        return timeline_to_otio_json(
            result.timeline, dialogue=result.plan.utterances, preview=media
        )

    def save_preview_track(self, result: DirectResult, preview: float) -> Path:
        """Write timeline.otio again with a track playing the folder's preview.mp4 (of
        `preview` seconds), once the preview is written."""
        return self.save_text(self.OTIO, self._otio_text(result, preview))

    def _replaced_files(self) -> set[Path]:
        """The files of an earlier scene folder here that a new save replaces (empty unless
        the folder holds a plan.json)."""
        if not self.path(self.PLAN).is_file():
            return set()
        return {
            path
            for path in self.root.iterdir()
            if path.is_file()
            and (path.name in self.REPLACED_BY_SAVE or path.name.endswith(self.REPLACED_SUFFIXES))
        }

    def save_sources(self, result: DirectResult) -> dict[str, Path]:
        """scene.json and direction.json, what the plan was realized from, when known."""
        self._make()
        return {key: self._write(name, text) for key, name, text in self._source_files(result)}

    @classmethod
    def _source_files(cls, result: DirectResult) -> Iterator[tuple[str, str, str]]:
        if result.scene is not None:
            yield "scene", cls.SCENE, result.scene.model_dump_json(indent=2) + "\n"
        if result.direction is not None:
            yield "direction", cls.DIRECTION, result.direction.model_dump_json(indent=2) + "\n"

    def _write(self, name: str, text: str) -> Path:
        return write_text_atomic(self.path(name), text)

    def save_text(self, name: str, text: str) -> Path:
        """Write one of the folder's fixed names (revision.json, ...) atomically."""
        self._make()
        return self._write(name, text)

    def check_writable(self) -> None:
        """Refuse, before any work and without creating anything, a folder that cannot be
        written: a file in its place or on its path, or a read-only parent."""
        if self.root.exists() and not self.root.is_dir():
            raise ExportError(f"cannot write into {self.root}: it is a file; name a folder")
        existing = self.root
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise ExportError(f"cannot create the output folder {self.root}: {existing} is a file")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise ExportError(
                f"cannot create the output folder {self.root}: {existing} is not writable"
            )

    def _make(self) -> None:
        make_folder(self.root)

    # -- reading -------------------------------------------------------------------------

    def load(
        self, *, motions: bool | Sequence[str] = False, sources: bool = True, faces: bool = False
    ) -> DirectResult:
        """The folder's plan and timeline, with the scene and direction when `sources` (an
        error names what is missing), the body motion of every character (`True`) or of
        the named ones, and with `faces` the realized face of every character that has one."""
        plan = self.read_plan()
        timeline = self.read_timeline()
        scene = self._model(self.SCENE, Scene) if sources else None
        direction = self._model(self.DIRECTION, Direction) if sources else None
        names = [track.name for track in timeline.characters]
        chosen = names if motions is True else list(motions or ())
        return DirectResult(
            plan=plan,
            timeline=timeline,
            motions=self.read_motions(chosen, names),
            scene=scene,
            direction=direction,
            faces=self.read_faces(names, names) if faces else {},
        )

    def read_plan(self) -> MotionPlan:
        return read_plan_text(self._read(self.PLAN), self.path(self.PLAN))

    def read_timeline(self) -> Timeline:
        return self._model(self.TIMELINE, Timeline)

    def bvh_paths(self, names: Sequence[str], order: Sequence[str]) -> dict[str, Path]:
        """The BVH path of each of `names`; `order` is every character in the order `save`
        named them (the timeline's)."""
        stems = character_file_stems(list(order))
        unknown = [name for name in names if name not in stems]
        if unknown:
            raise ExportError(
                f"no character {unknown[0]!r} in {self.root}; there are {', '.join(order)}"
            )
        if not all(self.path(f"{stem}{self.BVH_SUFFIX}").is_file() for stem in stems.values()):
            # A folder saved before names kept their own letters ("character-1.bvh").
            legacy = legacy_character_file_stems(list(order))
            if all(self.path(f"{stem}{self.BVH_SUFFIX}").is_file() for stem in legacy.values()):
                stems = legacy
        return {name: self.root / f"{stems[name]}{self.BVH_SUFFIX}" for name in names}

    def read_motions(self, names: Sequence[str], order: Sequence[str]) -> dict[str, Motion]:
        """Body motion of `names`, read from their BVH files (`order` as in `bvh_paths`)."""
        motions: dict[str, Motion] = {}
        for name, path in self.bvh_paths(names, order).items():
            if not path.is_file():
                raise ExportError(
                    f"no body motion for {name!r}: {path} is missing; "
                    "write it with `motiondirector direct`"
                )
            try:
                read = _canonical_motion(read_bvh(path))
            except ScriptError as error:
                raise ExportError(f"cannot read the body motion of {name!r}: {error}") from None
            motions[name] = unstaged(read, list(order).index(name), len(order))
        return motions

    def face_paths(self, names: Sequence[str], order: Sequence[str]) -> dict[str, Path]:
        """The ARKit JSON path of each of `names` that has a realized face in the folder
        (`direct --face-library` wrote it); `order` as in `bvh_paths`."""
        suffix = FACE_FILE_SUFFIXES["arkit-json"]
        paths = {
            name: path.with_name(path.name.removesuffix(self.BVH_SUFFIX) + suffix)
            for name, path in self.bvh_paths(names, order).items()
        }
        return {name: path for name, path in paths.items() if path.is_file()}

    def read_faces(self, names: Sequence[str], order: Sequence[str]) -> dict[str, FaceCurves]:
        """The realized face of each of `names` that has one (see `face_paths`): ARKit weights
        from its `.arkit.json`, head and eyes from its `.livelinkface.csv`, at the files'
        precision (4 and 5 decimals)."""
        faces: dict[str, FaceCurves] = {}
        for name, path in self.face_paths(names, order).items():
            live_link = path.with_name(
                path.name.removesuffix(FACE_FILE_SUFFIXES["arkit-json"])
                + FACE_FILE_SUFFIXES["live-link-face"]
            )
            faces[name] = _read_face_curves(path, live_link)
        return faces

    def _read(self, name: str) -> str:
        path = self.path(name)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            hint = {
                self.PLAN: f"; write one with `motiondirector direct SCRIPT --out {self.root}`",
                self.SCENE: " (written by `motiondirector direct` since revisions exist; "
                "direct the script again)",
                self.DIRECTION: " (written by `motiondirector direct` since revisions exist; "
                "direct the script again)",
            }.get(name, "")
            raise ExportError(f"{self.root} has no {name}{hint}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(f"cannot read {path}: {error}") from None

    def _model(self, name: str, model: type[_M]) -> _M:
        text = self._read(name)
        try:
            return model.model_validate_json(text)
        except ValidationError as error:
            raise ExportError(f"{self.path(name)} does not match its contract: {error}") from None


_LIVE_LINK_ANGLES = (
    "HeadPitch", "HeadYaw", "HeadRoll",
    "LeftEyePitch", "LeftEyeYaw", "RightEyePitch", "RightEyeYaw",
)  # fmt: skip
"""Live Link Face columns in `FaceCurves`' order: head (pitch, yaw, roll), then the eyes."""


def _read_face_curves(arkit_json: Path, live_link: Path) -> FaceCurves:
    """One realized face from the two files `face_curve_files` wrote for it."""
    try:
        document = json.loads(arkit_json.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("format") != ARKIT_JSON_FORMAT:
            raise ValueError(f"its format is not {ARKIT_JSON_FORMAT}")
        frames = np.asarray(document["frames"], dtype=np.float64).reshape(
            len(document["frames"]), -1
        )
        column = {name: i for i, name in enumerate(document["blendshapes"])}
        if frames.shape[1] != len(column) + 1:
            raise ValueError("its frames do not hold a time and one weight per blendshape")
        order = [1 + column[name] for name in load_arkit_map().blendshapes]
        fps, duration = int(document["fps"]), float(document["duration"])
        if fps <= 0:
            raise ValueError(f"its frame rate {fps} is not positive")
        # Rows lie on the frame grid; the file keeps their times to 4 decimals only.
        times = np.arange(len(frames)) / fps
        if not np.allclose(frames[:, 0], times, rtol=0.0, atol=1e-4):
            raise ValueError(f"its frames are not one per 1/{fps} s")
    except FileNotFoundError:
        raise ExportError(f"{arkit_json} is missing") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise ExportError(f"cannot read the realized face {arkit_json}: {error}") from None
    try:
        with live_link.open(encoding="utf-8", newline="") as handle:
            header = handle.readline().strip().split(",")
            wanted = [header.index(name) for name in _LIVE_LINK_ANGLES]
            angles = np.loadtxt(handle, delimiter=",", usecols=wanted, ndmin=2)
        if header != list(LIVE_LINK_FACE_COLUMNS) or len(angles) != len(frames):
            raise ValueError("its columns or rows do not match the ARKit file's")
    except FileNotFoundError:
        raise ExportError(
            f"no head and eyes for the realized face {arkit_json.name}: {live_link} is missing"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ExportError(f"cannot read the realized face {live_link}: {error}") from None
    degrees = np.degrees(angles) + 0.0
    return FaceCurves(
        times=times,
        weights=frames[:, order],
        head=degrees[:, :3],
        eyes=degrees[:, 3:],
        fps=fps,
        duration=duration,
    )


def _canonical_motion(bvh: BvhMotion) -> Motion:
    """The motion of a BVH file on the canonical skeleton, as `direct` writes them: its local
    rotations as they are (the same joint positions as retargeting gives, to 1e-15 m, in a
    third of the time: a feature's folder is 4 GB of them); any other skeleton retargeted."""
    names = list(bvh.skeleton.names)
    if sorted(names) != sorted(JOINTS):
        return retarget(bvh).motion
    order = [names.index(joint) for joint in JOINTS]
    offsets = bvh.skeleton.offsets[order]
    if not np.allclose(offsets[1:], REST_OFFSETS[1:], atol=1e-6):
        return retarget(bvh).motion
    # The file's frame time has ten decimals: 1 / 0.0333333333 is 30.00000003.
    fps = round(bvh.fps, 6)
    return Motion(bvh.local_quaternions()[:, order], bvh.root_positions(), fps)
