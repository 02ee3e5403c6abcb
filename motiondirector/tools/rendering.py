"""Rendering for agents and the command line: the animatic preview of a plan file or of the
folder that `direct` wrote, and per-character conditioning videos (OpenPose-18 body pose or
the face track) from such a folder.

`render_preview_tool` and `render_conditioning_tool` take pydantic arguments whose field
descriptions are prompt text for an LLM, and return small results (paths, frame counts,
durations), never frames. `render_plan_preview`, `write_preview_files` and
`render_conditioning` are the same work as plain functions for the command line. Drawing and
encoding live in `generators`; this module only finds the inputs and names the outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from motiondirector.errors import ExportError

if TYPE_CHECKING:
    from motiondirector.export.face_curves import FaceCurves
    from motiondirector.motion.clip import Motion
    from motiondirector.plan.motion_plan import MotionPlan
    from motiondirector.retrieval import ClipLibrary

PreviewSource = Literal["folder", "plan"]
"""Where a preview's body motion or faces came from: the scene folder's files, or the plan."""
ConditioningFormat = Literal["openpose", "face"]
CONDITIONING_FORMATS: tuple[str, ...] = ("openpose", "face")
CONDITIONING_CRF = 18
"""Near-lossless H.264: conditioning frames are model input, not a preview."""

_SIZE_PATTERN = r"^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$"


def parse_size(text: str) -> tuple[int, int]:
    """(width, height) from "WIDTHxHEIGHT", e.g. "640x360"."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ExportError(f"size must look like 640x360, got {text!r}") from None
    return width, height


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RenderPreviewArgs(_Args):
    """Render the animatic preview video of a motion plan."""

    plan_path: Path = Field(
        description="Path to a motion plan JSON file, such as the plan.json that "
        "`motiondirector direct` or `motiondirector plan` wrote, or to the folder "
        "`motiondirector direct --out` wrote (its own body motion and faces are shown)."
    )
    out: Path = Field(description="Path of the MP4 video to write, for example preview.mp4.")
    size: str = Field(
        default="640x360",
        pattern=_SIZE_PATTERN,
        description="Frame size in pixels as WIDTHxHEIGHT; both numbers even, e.g. 640x360 "
        "or 1280x720.",
    )
    fps: int = Field(default=30, ge=1, le=60, description="Frames per second of the video.")
    contact_sheet: Path | None = Field(
        default=None,
        description="Optional path of a PNG to write with one still per line of dialogue and "
        "per action line; null for none.",
    )


class RenderPreviewResult(BaseModel):
    """What the preview rendering wrote."""

    video: Path = Field(description="The MP4 video written.")
    frames: int = Field(description="Number of frames in the video.")
    fps: int = Field(description="Frames per second.")
    duration: float = Field(description="Length of the video in seconds.")
    width: int = Field(description="Frame width in pixels.")
    height: int = Field(description="Frame height in pixels.")
    characters: list[str] = Field(description="Characters shown, left to right.")
    contact_sheet: Path | None = Field(description="The contact sheet PNG, or null.")
    motion_from: PreviewSource = Field(
        default="plan",
        description='"folder": the body motion of the <CHARACTER>.bvh files beside the plan; '
        '"plan": realized from the plan with a clip library (a plan without them).',
    )
    faces_from: PreviewSource = Field(
        default="plan",
        description='"folder": realized faces (from a face library) where there are any; '
        '"plan": every face from the plan\'s expressions and speech.',
    )
    missing_glyphs: list[str] = Field(
        default_factory=list,
        description="Characters of the names, lines or headings that no font found here can "
        "draw: they show as boxes (install a font that has them, e.g. Noto Sans CJK).",
    )


@dataclass(frozen=True)
class PreviewInputs:
    """What a preview draws: the plan, each character's body motion and realized faces, and
    where the motion came from."""

    plan: MotionPlan
    motions: dict[str, Motion]
    faces: dict[str, FaceCurves] = field(default_factory=dict)
    motion_from: PreviewSource = "plan"


class ConditioningArgs(_Args):
    """Render per-character conditioning videos for a video generator."""

    direction_dir: Path = Field(
        description="Folder written by `motiondirector direct --out`: it holds plan.json and "
        "one <CHARACTER>.bvh body motion per character."
    )
    format: ConditioningFormat = Field(
        default="openpose",
        description='"openpose" for body-pose stick figures (OpenPose-18 colours on black) or '
        '"face" for a white-on-black face landmark sketch driven by the planned expressions '
        "and speech.",
    )
    out_dir: Path = Field(
        description="Folder to write the videos to, one <CHARACTER>.<format>.mp4 per character."
    )
    size: str = Field(
        default="512x512",
        pattern=_SIZE_PATTERN,
        description="Frame size in pixels as WIDTHxHEIGHT; both numbers even, e.g. 512x512.",
    )
    character: str | None = Field(
        default=None,
        description="Render only this character, spelled as in the plan (e.g. ANA); null for "
        "every character.",
    )
    smooth: bool = Field(
        default=True,
        description="Smooth body keypoints with the One Euro filter to remove jitter "
        '(format "openpose" only; the face track is already smooth).',
    )
    fps: int = Field(
        default=30,
        ge=1,
        le=60,
        description="Frames per second of the videos: the scene's 30, or the video model's own "
        "rate (16 for Wan 2.1, 8 for CogVideoX-Fun and AnimateDiff).",
    )


class ConditioningVideo(BaseModel):
    """One character's conditioning video."""

    character: str = Field(description="The character, spelled as in the plan.")
    path: Path = Field(description="The MP4 video written.")
    frames: int = Field(description="Number of frames in the video.")
    duration: float = Field(description="Length of the video in seconds.")


class ConditioningResult(BaseModel):
    """What the conditioning rendering wrote."""

    format: ConditioningFormat = Field(description="The conditioning format rendered.")
    fps: int = Field(description="Frames per second of every video.")
    width: int = Field(description="Frame width in pixels.")
    height: int = Field(description="Frame height in pixels.")
    smoothed: bool = Field(description="Whether body keypoints were One Euro filtered.")
    videos: list[ConditioningVideo] = Field(description="One video per character rendered.")


def render_preview_tool(args: RenderPreviewArgs) -> RenderPreviewResult:
    """Render the animatic preview (stick figures with faces, subtitles, scene titles) of a
    motion plan file or a directed folder to an MP4: the folder's own body motion and faces
    where the plan has them beside it, else body motion realized with the built-in gesture
    library."""
    return render_plan_preview(
        args.plan_path,
        args.out,
        size=parse_size(args.size),
        fps=args.fps,
        contact_sheet=args.contact_sheet,
    )


def render_conditioning_tool(args: ConditioningArgs) -> ConditioningResult:
    """Render one conditioning video per character (OpenPose-18 body pose or face landmark
    sketch) from a folder written by `motiondirector direct --out`."""
    return render_conditioning(
        args.direction_dir,
        args.out_dir,
        format=args.format,
        size=parse_size(args.size),
        character=args.character,
        smooth=args.smooth,
        fps=args.fps,
    )


def read_plan_file(path: Path) -> MotionPlan:
    """The validated plan in the JSON file at `path`, or in the plan.json of the folder
    `path` (as `direct --out` writes it)."""
    from motiondirector.export.scene_folder import read_plan_text
    from motiondirector.plan.validate import PLAN_FILE

    path = Path(path)
    if path.is_dir():
        if not (path / PLAN_FILE).is_file():
            raise ExportError(f"{path} is a folder without a {PLAN_FILE}; name a plan file")
        path = path / PLAN_FILE
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(f"no plan file at {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"cannot read the plan {path}: {error}") from None
    return read_plan_text(text, Path(path))


def render_plan_preview(
    plan_path: Path,
    out: Path,
    *,
    size: tuple[int, int] = (640, 360),
    fps: int = 30,
    contact_sheet: Path | None = None,
    library: ClipLibrary | None = None,
    progress: bool = False,
) -> RenderPreviewResult:
    """Write the preview of the plan or folder at `plan_path` (see `preview_inputs`) to `out`,
    and the contact sheet to `contact_sheet` when given."""
    from motiondirector.generators.preview import check_video_settings

    check_video_settings(size, fps)  # refuse bad settings before the realization's work
    inputs = preview_inputs(plan_path, library)
    return write_preview_files(
        inputs.plan,
        inputs.motions,
        out,
        size=size,
        fps=fps,
        contact_sheet=contact_sheet,
        progress=progress,
        faces=inputs.faces,
        motion_from=inputs.motion_from,
    )


def preview_inputs(plan_path: Path, library: ClipLibrary | None = None) -> PreviewInputs:
    """What the preview of `plan_path` shows. A folder `direct --out` wrote (or its plan.json)
    shows its own motion: each character's `<CHARACTER>.bvh` and, where `direct
    --face-library` wrote them, its realized faces. A plan without BVH files beside it is
    realized as `direct` does (`realize.realize_plan` with clips of `library`, None: the
    built-in gesture library), with the plan's faces."""
    from motiondirector.export.scene_folder import SceneFolder
    from motiondirector.realize import realize_plan

    path = Path(plan_path)
    folder = SceneFolder(path if path.is_dir() else path.parent)
    plan_file = folder.path(SceneFolder.PLAN) if path.is_dir() else path
    plan = read_plan_file(plan_file)
    names = [track.name for track in plan.characters]
    bvh = folder.bvh_paths(names, names) if plan_file.name == SceneFolder.PLAN else {}
    if not any(file.is_file() for file in bvh.values()):
        realized = realize_plan(plan, library)
        return PreviewInputs(realized.plan, dict(realized.motions))
    motions = folder.read_motions(names, names)
    return PreviewInputs(plan, motions, folder.read_faces(names, names), "folder")


def write_preview_files(
    plan: MotionPlan,
    motions: dict[str, Motion],
    out: Path,
    *,
    size: tuple[int, int] = (640, 360),
    fps: int = 30,
    contact_sheet: Path | None = None,
    progress: bool = False,
    faces: Mapping[str, FaceCurves] | None = None,
    motion_from: PreviewSource = "folder",
) -> RenderPreviewResult:
    """Write the preview MP4 of `plan` with its body `motions` (and the realized `faces`, where
    given) to `out`, and the contact sheet PNG to `contact_sheet` when given; `motion_from`
    says where `motions` came from, for the result."""
    from motiondirector.generators import preview

    video = preview.render_preview(
        plan, motions, Path(out), size=size, fps=fps, progress=progress, faces=faces
    )
    sheet = None
    if contact_sheet is not None:
        sheet = preview.contact_sheet(plan, motions, Path(contact_sheet), faces=faces)
    names = [track.name for track in plan.characters] or sorted(motions)
    return RenderPreviewResult(
        video=video.path,
        frames=video.frames,
        fps=fps,
        duration=video.duration,
        width=size[0],
        height=size[1],
        characters=names,
        contact_sheet=sheet,
        motion_from=motion_from,
        faces_from="folder" if faces else "plan",
        missing_glyphs=list(preview.preview_fonts(plan)[1]),
    )


def render_conditioning(
    direction_dir: Path,
    out_dir: Path,
    *,
    format: str = "openpose",
    size: tuple[int, int] = (512, 512),
    character: str | None = None,
    smooth: bool = True,
    fps: int = 30,
    progress: bool = False,
) -> ConditioningResult:
    """Write `<CHARACTER>.<format>.mp4` into `out_dir` for each character of the plan in
    `direction_dir` (or only `character`): OpenPose-18 frames of its body motion
    (`<CHARACTER>.bvh`, One Euro smoothed unless `smooth` is False) or its face track, black
    where the character is off stage (`on_stage_frames`: no person to draw). Every video has
    one frame per 1 / fps over the scene, ceil(duration * fps) + 1 frames, as the preview, at
    any whole rate (16 for Wan 2.1, say)."""
    from motiondirector.export.arkit import frame_times
    from motiondirector.export.files import character_file_stems
    from motiondirector.export.scene_folder import SceneFolder
    from motiondirector.generators.preview import (
        check_video_settings,
        on_stage_frames,
        write_video,
    )

    if format not in CONDITIONING_FORMATS:
        raise ExportError(
            f"unknown conditioning format {format!r}; choose {', '.join(CONDITIONING_FORMATS)}"
        )
    check_video_settings(size, fps)
    direction_dir = Path(direction_dir)
    if not direction_dir.is_dir():
        raise ExportError(f"no folder {direction_dir}; write one with `motiondirector direct`")
    folder = SceneFolder(direction_dir)
    plan = read_plan_file(folder.path(SceneFolder.PLAN))
    names = [track.name for track in plan.characters]
    chosen = _choose_characters(names, character)
    stems = character_file_stems(names)
    times = frame_times(plan.scene.duration, fps)
    # Every input is read before the first video is written.
    motions = folder.read_motions(chosen, names) if format == "openpose" else {}
    videos: list[ConditioningVideo] = []
    for name in chosen:
        if format == "face":
            frames = _face_frames(plan, name, fps, size)
        else:
            frames = _pose_frames(motions[name], times, fps, size, smooth)
        path = Path(out_dir) / f"{stems[name]}.{format}.mp4"
        shown = _off_stage_black(frames, on_stage_frames(plan, name, times))
        count = write_video(
            _progress(shown, len(times), name, progress),
            path,
            size=size,
            fps=fps,
            crf=CONDITIONING_CRF,
            what=f"the {format} video of {name}",
        )
        videos.append(
            ConditioningVideo(character=name, path=path, frames=count, duration=count / fps)
        )
    return ConditioningResult(
        format="face" if format == "face" else "openpose",
        fps=fps,
        width=size[0],
        height=size[1],
        smoothed=smooth and format == "openpose",
        videos=videos,
    )


def _choose_characters(names: Sequence[str], character: str | None) -> list[str]:
    if not names:
        raise ExportError("the plan has no characters to render")
    if character is None:
        return list(names)
    named = {name.casefold(): name for name in names}  # "ana" is ANA, as in notes
    if character.casefold() not in named:
        known = ", ".join(repr(name) for name in names)
        raise ExportError(f"no character {character!r} in the plan; characters: {known}")
    return [named[character.casefold()]]


def _face_frames(
    plan: MotionPlan, name: str, fps: int, size: tuple[int, int]
) -> Iterator[npt.NDArray[np.uint8]]:
    from motiondirector.generators.face_track import iter_face_frames

    return iter_face_frames(plan, name, fps, size)


def _pose_frames(
    motion: Motion, times: npt.NDArray[np.float64], fps: int, size: tuple[int, int], smooth: bool
) -> Iterator[npt.NDArray[np.uint8]]:
    from motiondirector.generators.openpose import conditioning_camera, openpose_frames
    from motiondirector.motion.clip import Motion

    if abs(motion.fps - fps) > 1e-9:
        motion = motion.resample(fps)
    # One frame per tick of the scene, as the preview: the last pose holds past the motion's end.
    index = np.minimum(np.rint(times * fps).astype(int), motion.frames - 1)
    sampled = Motion(motion.rotations[index], motion.root_positions[index], float(fps))
    return openpose_frames(sampled, conditioning_camera(motion, size), smooth=smooth)


def _off_stage_black(
    frames: Iterable[npt.NDArray[np.uint8]], on_stage: npt.NDArray[np.bool_]
) -> Iterator[npt.NDArray[np.uint8]]:
    """`frames`, black where `on_stage` is False."""
    for frame, here in zip(frames, on_stage, strict=True):
        yield frame if here else np.zeros_like(frame)


def _progress(
    frames: Iterable[npt.NDArray[np.uint8]], total: int, name: str, enabled: bool
) -> Iterable[npt.NDArray[np.uint8]]:
    if not enabled:
        return frames
    from tqdm import tqdm

    return tqdm(frames, total=total, desc=name, unit="frame")
