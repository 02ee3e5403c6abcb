"""Generating video for the characters of a directed scene (the folder `direct --out` writes).

`read_direction` loads `plan.json` and each character's `<CHARACTER>.bvh` through
`export.scene_folder.SceneFolder`, which owns the folder's layout. `generate_direction` then
renders each character's conditioning the way the backend's model expects it (pose frames at
its frame rate and size; for Wan-Animate also the face track), runs the generator and writes
`<CHARACTER>.mp4` (H.264, with `preview.write_video`) and a `<CHARACTER>.json` beside it that
records the settings and the generator's metadata (with the speed and memory options that
took effect). Callers read the folder (and the reference
image) before loading a model; every request is checked before the first one runs.
`write_generated` writes one character's video and record, wherever its frames were made
(`generators/distributed.py` makes them on Ray workers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from motiondirector.errors import ExportError, GenerationError, GenerationInputError
from motiondirector.generators.backends.common import DiffusersBackend
from motiondirector.generators.base import GenerationOutput, GenerationRequest, UInt8Array
from motiondirector.generators.preview import write_video
from motiondirector.motion.clip import Motion
from motiondirector.plan.motion_plan import MotionPlan

DEFAULT_PROMPT = (
    "a person talking and gesturing naturally, full body, front view, plain studio background, "
    "soft light"
)
CRF = 18
FACE_TRACK_MIN_SIDE = 64
FACE_TRACK_MAX_SIDE = 512
FACE_TRACK_FPS = 30


@dataclass(frozen=True)
class DirectedScene:
    """A directed scene read back from disk: the plan and each character's body motion."""

    folder: Path
    plan: MotionPlan
    motions: dict[str, Motion]
    stems: dict[str, str]


@dataclass(frozen=True)
class GeneratedVideo:
    """One character's generated video: where it was written and what made it."""

    character: str
    path: Path
    metadata_path: Path
    output: GenerationOutput


def read_direction(folder: Path, characters: list[str] | None = None) -> DirectedScene:
    """The plan and body motions `direct --out folder` wrote (through `SceneFolder`), for
    `characters` (None: all)."""
    from motiondirector.export.files import character_file_stems
    from motiondirector.export.scene_folder import SceneFolder

    scene_folder = SceneFolder(folder)
    try:
        plan = scene_folder.read_plan()
        names = [track.name for track in scene_folder.read_timeline().characters]
    except ExportError as error:
        raise GenerationInputError("direction", str(error)) from None
    named = {name.casefold(): name for name in names}  # "ana" is ANA, as in notes
    unknown = [name for name in characters or () if name.casefold() not in named]
    if unknown:
        raise GenerationInputError(
            "character", f"no character {unknown[0]!r} in {folder}; there are {', '.join(names)}"
        )
    characters = [named[name.casefold()] for name in characters or ()]
    try:
        motions = scene_folder.read_motions(characters or names, names)
    except ExportError as error:
        raise GenerationInputError("direction", str(error)) from None
    return DirectedScene(
        folder=Path(folder), plan=plan, motions=motions, stems=character_file_stems(names)
    )


def read_reference_image(path: Path) -> UInt8Array:
    """An image file as uint8 RGB (height, width, 3)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
    except (OSError, UnidentifiedImageError) as error:
        raise GenerationInputError("reference", f"cannot read the image {path}: {error}") from None


def frame_window(frames: int, fps: float, start: float | None, end: float | None) -> slice:
    """The frames between `start` and `end` seconds (None: the ends of the scene)."""
    length = (frames - 1) / fps
    if start is not None and not 0 <= start <= length:
        raise GenerationInputError(
            "start", f"must be within the scene's 0..{length:.2f} s, got {start}"
        )
    first = 0 if start is None else round(start * fps)
    last = frames if end is None else min(frames, round(end * fps) + 1)
    if last <= first:
        raise GenerationInputError("end", f"must come after start ({start or 0} s), got {end}")
    return slice(first, last)


def face_track(
    plan: MotionPlan,
    character: str,
    fps: float,
    size: tuple[int, int],
    window: slice,
    count: int,
) -> UInt8Array:
    """`count` frames of the character's face track from frame `window.start` at `fps`, each
    the nearest of the track's 30 fps frames (the last one holds past the scene's end)."""
    from motiondirector.generators.face_track import iter_face_frames

    wanted = np.rint((window.start + np.arange(count)) * FACE_TRACK_FPS / fps).astype(int)
    frames: list[UInt8Array] = []
    last: UInt8Array | None = None
    needed = iter(wanted)
    target = next(needed)
    for index, frame in enumerate(iter_face_frames(plan, character, FACE_TRACK_FPS, size)):
        last = frame
        while index == target:
            frames.append(frame)
            target = next(needed, -1)
        if target < 0:
            break
    if last is None:
        raise GenerationError(f"the face track of {character} is empty")
    frames.extend([last] * (count - len(frames)))
    return np.stack(frames)


def check_reference(backend: type[DiffusersBackend], reference: object | None) -> None:
    """Refuse a missing or an unwanted reference image by the backend class alone, before the
    conditioning is drawn and the (slow) model loads, as its `check_inputs` would after."""
    if backend.needs_reference and reference is None:
        raise GenerationInputError(
            "reference", f"{backend.name} animates a reference image; give one"
        )
    if not backend.takes_reference and reference is not None:
        raise GenerationInputError(
            "reference",
            f"{backend.name} takes no reference image; describe the character in the prompt",
        )


@dataclass(frozen=True)
class CharacterRequest:
    """What to generate for one character: the request and the scene seconds it covers."""

    character: str
    request: GenerationRequest
    start: float
    end: float


def build_requests(
    direction: DirectedScene,
    backend: type[DiffusersBackend],
    *,
    reference: UInt8Array | None = None,
    prompt: str | None = None,
    negative_prompt: str | None = None,
    size: tuple[int, int] | None = None,
    fps: float | None = None,
    start: float | None = None,
    end: float | None = None,
    steps: int | None = None,
    seed: int = 0,
    guidance_scale: float | None = None,
    chunk_frames: int | None = None,
    overlap_frames: int | None = None,
    face_video: Callable[..., UInt8Array] | None = None,
) -> list[CharacterRequest]:
    """One request per character of `direction`, its conditioning rendered as the `backend`
    class's model expects (no model needed): pose frames at its rate (`fps`) and `size`, the
    face track where it takes one, cut to the `start`..`end` seconds of the scene. `steps`
    None leaves the denoising steps to the backend's preset (30 when it has none).
    `face_video` (called as `face_track` is, e.g. `generators.face_track.RealFaceVideo`) makes
    the face track instead of the plan's sketch."""
    if face_video is not None and not backend.takes_face_frames:
        from motiondirector.generators.backends import BACKENDS

        fit = ", ".join(name for name, kind in BACKENDS.items() if kind.takes_face_frames)
        raise GenerationInputError(
            "face_library", f"{backend.name} takes no face video; real faces drive {fit}"
        )
    if fps is not None and not fps > 0:
        raise GenerationInputError("fps", f"must be above 0, got {fps}")
    rate = fps or backend.native_fps
    width, height = size or backend.default_size
    # Refused before any conditioning is drawn or weights load.
    backend.check_size(width, height)
    backend.check_chunks(chunk_frames, overlap_frames)
    requests = []
    for name, motion in direction.motions.items():
        timed = motion.resample(rate)
        window = frame_window(timed.frames, rate, start, end)
        shown = Motion(timed.rotations[window], timed.root_positions[window], timed.fps)
        pose = backend.render_pose(shown, size=(width, height), fps=rate)
        face = None
        if backend.takes_face_frames:
            # The backend crops and scales faces to its encoder's size; draw them sharp enough.
            side = max(FACE_TRACK_MIN_SIDE, min(width, height, FACE_TRACK_MAX_SIDE))
            make_face = face_video or face_track
            face = make_face(direction.plan, name, rate, (side, side), window, len(pose))
        request = GenerationRequest(
            pose_frames=pose,
            face_frames=face,
            reference_image=reference,
            prompt=prompt or DEFAULT_PROMPT,
            negative_prompt=negative_prompt,
            width=width,
            height=height,
            fps=rate,
            num_inference_steps=steps,
            guidance_scale=guidance_scale,
            seed=seed,
            chunk_frames=chunk_frames,
            overlap_frames=overlap_frames,
        )
        first, last = window.start / rate, (window.start + len(pose) - 1) / rate
        requests.append(CharacterRequest(name, request, first, last))
    return requests


def generate_requests(
    direction: DirectedScene,
    backend: DiffusersBackend,
    requests: list[CharacterRequest],
    out_dir: Path,
) -> list[GeneratedVideo]:
    """Check every request, then generate each and write `<CHARACTER>.mp4` and its record
    `<CHARACTER>.json` into `out_dir`."""
    for item in requests:
        backend.check_inputs(item.request)
    make_output_folder(out_dir)
    return [write_generated(direction, item, backend(item.request), out_dir) for item in requests]


def make_output_folder(out_dir: Path) -> None:
    """Create `out_dir` (and its parents) for the generated videos."""
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GenerationError(f"cannot create the output folder {out_dir}: {error}") from None


def write_generated(
    direction: DirectedScene, item: CharacterRequest, output: GenerationOutput, out_dir: Path
) -> GeneratedVideo:
    """Write one character's generated frames as `<CHARACTER>.mp4` and its record
    `<CHARACTER>.json` into `out_dir` (which exists)."""
    stem = direction.stems[item.character]
    path = Path(out_dir) / f"{stem}.mp4"
    height, width = output.frames.shape[1:3]
    write_video(
        iter(output.frames),
        path,
        size=(width, height),
        fps=round(output.fps),
        crf=CRF,
        what=f"the generated video of {item.character}",
    )
    record: dict[str, Any] = {
        "character": item.character,
        "video": path.name,
        "fps": output.fps,
        "seed": output.seed,
        "prompt": item.request.prompt,
        "negative_prompt": item.request.negative_prompt,
        "start": item.start,
        "end": item.end,
        "metadata": output.metadata,
    }
    metadata_path = Path(out_dir) / f"{stem}.json"
    try:
        metadata_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise GenerationError(f"cannot write {metadata_path}: {error}") from None
    return GeneratedVideo(item.character, path, metadata_path, output)


def generate_direction(
    direction: DirectedScene, backend: DiffusersBackend, out_dir: Path, **options: Any
) -> list[GeneratedVideo]:
    """`build_requests` with `options`, then `generate_requests`: one video per character."""
    requests = build_requests(direction, type(backend), **options)
    return generate_requests(direction, backend, requests, out_dir)
