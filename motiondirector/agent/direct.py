"""Directing a scene end to end: plan, sequence clips into a timeline, assemble body motion,
and write the files (plan.json, timeline.json, timeline.otio, one BVH per character).

Without a library the built-in gesture library is used. Building its index embeds about 1,700
descriptions (seconds), so it is built once per process and kept on disk under the user cache
directory (`$MOTIONDIRECTOR_CACHE_DIR`, else `$XDG_CACHE_HOME/motiondirector`, else
`~/.cache/motiondirector`) in `builtin-<version>`, where the version names the package version,
a digest of the library's data and the embedding model; later runs open it. An unwritable or
broken cache falls back to a fresh build in a temporary folder.

This module adds no behaviour of its own: planning, sequencing, assembly and export live in
their packages.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from motiondirector.agent.pipeline import plan_scene
from motiondirector.cache import user_cache_dir
from motiondirector.errors import ExportError
from motiondirector.export.files import character_file_stems, write_text_atomic
from motiondirector.export.otio import timeline_to_otio_json
from motiondirector.motion.assemble import MotionLoader, MotionSourceCache, assemble_timeline
from motiondirector.motion.bvh import motion_to_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.codebook import default_codebook
from motiondirector.motion.library import builtin_library
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import Timeline
from motiondirector.retrieval.records import LibraryError
from motiondirector.retrieval.sequence import sequence_plan
from motiondirector.retrieval.store import ClipLibrary

PLAN_FILE = "plan.json"
TIMELINE_FILE = "timeline.json"
OTIO_FILE = "timeline.otio"
BVH_SUFFIX = ".bvh"

_libraries: dict[Path, ClipLibrary] = {}
_libraries_lock = threading.Lock()


@dataclass(frozen=True)
class DirectResult:
    """What `direct_scene` made: the plan, its timeline, the body motion per character, and the
    files written (key -> path: "plan", "timeline", "otio", "bvh:<character>"). `scene` and
    `direction` are what the plan was realized from, when known (`Director` keeps them so a
    revision can re-realize)."""

    plan: MotionPlan
    timeline: Timeline
    motions: dict[str, Motion]
    paths: dict[str, Path] = field(default_factory=dict)
    scene: Scene | None = None
    direction: Direction | None = None


@cache
def builtin_library_version() -> str:
    """Names a build of the built-in library index: package version, data digest, model
    (computed once per process: the package data does not change under a running process)."""
    from motiondirector.embedding import DEFAULT_MODEL_ID

    try:
        package = version("motiondirector")
    except PackageNotFoundError:
        package = "0"
    digest = hashlib.sha256(f"{package}\n{DEFAULT_MODEL_ID}\n".encode())
    data = resources.files("motiondirector.motion.library").joinpath("data")
    for name in sorted(entry.name for entry in data.iterdir() if entry.name.endswith(".yaml")):
        digest.update(name.encode() + b"\n" + data.joinpath(name).read_bytes())
    # Descriptions and tags are written by code as well as data: hash what the index embeds.
    for clip in builtin_library():
        digest.update(repr((clip.id, clip.descriptions, clip.tags, clip.duration)).encode())
    return f"{package}-{digest.hexdigest()[:12]}"


def builtin_clip_library(cache_dir: Path | None = None) -> ClipLibrary:
    """The built-in gesture library as a ClipLibrary: opened from `cache_dir` (default: the
    user cache, see the module docstring) or built there, once per process."""
    root = (cache_dir or user_cache_dir()) / f"builtin-{builtin_library_version()}"
    with _libraries_lock:
        found = _libraries.get(root)
        if found is None:
            found = _open_or_build(root)
            _libraries[root] = found
        return found


def _open_or_build(root: Path) -> ClipLibrary:
    from motiondirector.retrieval.ingest import ingest_builtin

    try:
        return ClipLibrary.open(root)
    except LibraryError:
        pass
    records = ingest_builtin().records
    try:
        return ClipLibrary.create(root, records, overwrite=True)
    except (OSError, LibraryError):
        # No writable cache: a private build still lets `direct` run offline.
        scratch = Path(tempfile.mkdtemp(prefix="motiondirector-builtin-"))
        return ClipLibrary.create(scratch / "library", records)


def direct_scene(
    scene_or_plan: Scene | MotionPlan,
    *,
    library: ClipLibrary | None = None,
    out_dir: Path | None = None,
    k: int = 10,
) -> DirectResult:
    """Plan (when given a Scene), sequence clips of `library` (None: the built-in gesture
    library) into a timeline, assemble each character's body motion and, with `out_dir`,
    write plan.json, timeline.json, timeline.otio and <CHARACTER>.bvh there. The returned plan
    carries each character's motion-codebook tokens."""
    plan = scene_or_plan if isinstance(scene_or_plan, MotionPlan) else plan_scene(scene_or_plan)
    chosen = library if library is not None else builtin_clip_library()
    timeline = sequence_plan(plan, chosen, k=k)
    return finish_direction(plan, timeline, out_dir=out_dir)


def finish_direction(
    plan: MotionPlan,
    timeline: Timeline,
    *,
    out_dir: Path | None = None,
    loader: MotionLoader | None = None,
) -> DirectResult:
    """Assemble the body motion of `timeline` (sources read by `loader`, default: built-in
    clips and BVH files), add the codebook tokens to `plan` and, with `out_dir`, write the
    files."""
    motions = assemble_timeline(timeline, loader=loader or MotionSourceCache())
    plan = with_tokens(plan, motions)
    paths = write_direction(plan, timeline, motions, out_dir) if out_dir is not None else {}
    return DirectResult(plan=plan, timeline=timeline, motions=motions, paths=paths)


def with_tokens(plan: MotionPlan, motions: dict[str, Motion]) -> MotionPlan:
    """The plan with each character's assembled motion encoded as motion-codebook tokens."""
    codebook = default_codebook()
    tracks = tuple(
        track.model_copy(update={"tokens": codebook.tokens(motions[track.name])})
        if track.name in motions
        else track
        for track in plan.characters
    )
    return plan.model_copy(update={"characters": tracks})


def write_direction(
    plan: MotionPlan, timeline: Timeline, motions: dict[str, Motion], out_dir: Path
) -> dict[str, Path]:
    """Write the plan, the timeline (JSON and OTIO) and one BVH per character into `out_dir`."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the output folder {out_dir}: {error}") from error
    paths = {
        "plan": write_text_atomic(out_dir / PLAN_FILE, plan.to_json()),
        "timeline": write_text_atomic(out_dir / TIMELINE_FILE, timeline.to_json()),
        "otio": write_text_atomic(out_dir / OTIO_FILE, timeline_to_otio_json(timeline)),
    }
    stems = character_file_stems(list(motions))
    for name, motion in motions.items():
        path = out_dir / f"{stems[name]}{BVH_SUFFIX}"
        paths[f"bvh:{name}"] = write_text_atomic(path, motion_to_bvh(motion))
    return paths
