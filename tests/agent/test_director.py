"""The Director's deterministic pipeline: retrieval above the threshold, else generation when a
generator is configured, else procedural, with the reason in every segment's provenance."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from motiondirector.agent.director import Director
from motiondirector.errors import MotionDirectorError
from motiondirector.export.scene_folder import SceneFolder
from motiondirector.generators.preview import write_video
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import GestureEvent, MotionPlan
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import Segment, Timeline
from motiondirector.realize import DEFAULT_RETRIEVE_THRESHOLD, GeneratedMaterial, SegmentRequest
from motiondirector.retrieval import ClipLibrary
from tests.conftest import EXAMPLE_SCENE

SHORT_SCRIPT = (
    "ANA: Hello, Ben! Look at this, I found the old key in your jacket.\n"
    "BEN: (shrugs) I don't know. Maybe it is nothing, maybe it is the studio key.\n"
    "ANA: No, no. Stop it. You told me you sold the studio, and I believed you.\n"
)
KEPT_LEXEMES = ("beat", "idle", "nod")


@pytest.fixture(scope="module")
def small_library(
    builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory
) -> ClipLibrary:
    """A library with only beats, nods and idles: most planned lexemes have no clip in it."""
    records = [r for r in builtin_clips.records if set(r.tags.lexemes) <= set(KEPT_LEXEMES)]
    return ClipLibrary.create(tmp_path_factory.mktemp("small-library"), records)


@pytest.fixture(scope="module")
def directed(builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("directed")
    Director(library=builtin_clips).direct(EXAMPLE_SCENE, out)
    return out


def _clip_segments(timeline: Timeline) -> list[tuple[str, Segment]]:
    return [
        (track.name, segment)
        for track in timeline.characters
        for segment in track.segments
        if segment.event_ids and not segment.provenance.reason.startswith("procedural fill")
    ]


def test_built_in_library_retrieves_every_slot_and_says_why(directed: Path) -> None:
    result = SceneFolder(directed).load()
    slots = [segment for _, segment in _clip_segments(result.timeline)]
    assert len(slots) > 20
    for segment in slots:
        assert segment.kind == "clip"
        provenance = segment.provenance
        assert provenance.reason.startswith("retrieval: best library candidate")
        assert provenance.scores["best"] >= DEFAULT_RETRIEVE_THRESHOLD
        assert provenance.scores["threshold"] == DEFAULT_RETRIEVE_THRESHOLD


def test_writes_what_a_revision_needs(directed: Path) -> None:
    names = {p.name for p in directed.iterdir()}
    assert {"plan.json", "timeline.json", "timeline.otio", "scene.json", "direction.json"} <= names
    assert {"ANA.bvh", "BEN.bvh"} <= names
    scene = Scene.model_validate_json((directed / "scene.json").read_text())
    direction = Direction.model_validate_json((directed / "direction.json").read_text())
    assert scene.characters == ("ANA", "BEN")
    assert {u.utterance_id for u in direction.utterances} == {u.id for u in scene.utterances}


def test_a_missing_lexeme_falls_back_to_procedural(small_library: ClipLibrary) -> None:
    result = Director(library=small_library).direct(SHORT_SCRIPT)
    kinds: dict[str, set[str]] = {}
    for _, segment in _clip_segments(result.timeline):
        kinds.setdefault(segment.lexeme or "", set()).add(segment.kind)
        reason = segment.provenance.reason
        if segment.kind == "procedural":
            assert reason.startswith("procedural: best library candidate")
            assert "no generator configured" in reason
            lexeme = segment.lexeme
            assert (segment.clip_id or "").startswith(f"builtin/{lexeme}.")
        else:
            assert reason.startswith("retrieval:")
    print({lexeme: sorted(k) for lexeme, k in kinds.items()})
    assert kinds["shrug"] == {"procedural"}
    assert kinds["nod"] == {"clip"}
    # The procedural fallback is real motion: the body still moves during the shrug.
    shrug = next(s for _, s in _clip_segments(result.timeline) if s.lexeme == "shrug")
    motion = result.motions["BEN"]
    first, last = round(shrug.target_in * 30), round(shrug.target_out * 30)
    assert np.ptp(motion.joint_positions()[first:last], axis=0).max() > 0.05


def test_threshold_zero_keeps_every_clip(small_library: ClipLibrary) -> None:
    result = Director(library=small_library, retrieve_threshold=0.0).direct(SHORT_SCRIPT)
    assert {s.kind for _, s in _clip_segments(result.timeline)} == {"clip"}


class FakeVideoGenerator:
    """Writes a short gray MP4 per request, one frame per frame of the conditioning motion."""

    name = "fake-video"

    def __init__(self) -> None:
        self.requests: list[SegmentRequest] = []

    def generate_segment(self, request: SegmentRequest) -> GeneratedMaterial:
        self.requests.append(request)
        frames = request.motion.frames
        shade = request.seed % 200
        images = (np.full((32, 32, 3), shade, dtype=np.uint8) for _ in range(frames))
        written = write_video(images, request.out, size=(32, 32), fps=30)
        return GeneratedMaterial(source=str(request.out), duration=written / 30, backend=self.name)


def test_a_generator_makes_what_the_library_lacks(
    small_library: ClipLibrary, tmp_path: Path
) -> None:
    generator = FakeVideoGenerator()
    director = Director(library=small_library, generator=generator)
    result = director.direct(SHORT_SCRIPT, tmp_path / "out")
    generated = [s for _, s in _clip_segments(result.timeline) if s.kind == "generated"]
    assert generated and len(generated) == len(generator.requests)
    assert not [s for _, s in _clip_segments(result.timeline) if s.kind == "procedural"]
    for segment, request in zip(generated, generator.requests, strict=True):
        assert segment.source == str(request.out)
        assert Path(segment.source).is_file()
        assert Path(segment.source).parent == tmp_path / "out" / "generated"
        assert segment.provenance.reason.startswith("generated by fake-video: best library")
        assert request.event.id in segment.event_ids
        assert request.motion.frames >= 2
    seeds = [r.seed for r in generator.requests]
    assert len(set(seeds)) == len(seeds)
    # The written timeline names the videos, and the body follows the conditioning motion.
    written = Timeline.model_validate_json((tmp_path / "out" / "timeline.json").read_text())
    assert written == result.timeline
    again = FakeVideoGenerator()
    Director(library=small_library, generator=again).direct(SHORT_SCRIPT)
    assert [r.seed for r in again.requests] == seeds


class TinyPoseBackend:
    """The shape of a `motiondirector.generators` video backend: draws pose frames and
    'generates' by inverting them."""

    name = "tiny-pose"
    native_fps = 30
    default_size = (64, 48)

    def __init__(self) -> None:
        self.checked = 0

    def render_pose(self, motion, camera, *, size=None, fps=None):  # type: ignore[no-untyped-def]
        from motiondirector.generators.openpose import openpose_frames

        return np.stack(list(openpose_frames(motion, camera, size)))

    def check_inputs(self, request) -> None:  # type: ignore[no-untyped-def]
        from motiondirector.generators.base import check_request

        check_request(request)
        self.checked += 1

    def __call__(self, request):  # type: ignore[no-untyped-def]
        from motiondirector.generators.base import GenerationOutput

        return GenerationOutput(
            frames=255 - request.pose_frames, fps=request.fps, seed=request.seed
        )


def test_a_video_backend_is_wrapped_to_render_its_conditioning(
    small_library: ClipLibrary, tmp_path: Path
) -> None:
    import av

    backend = TinyPoseBackend()
    result = Director(library=small_library, generator=backend).direct(SHORT_SCRIPT, tmp_path)
    generated = [s for _, s in _clip_segments(result.timeline) if s.kind == "generated"]
    assert generated and backend.checked == len(generated)
    with av.open(generated[0].source) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert frames[0].shape == (48, 64, 3)
    # Inverted OpenPose: a white background with a dark figure drawn on it.
    assert frames[0].mean() > 128 and frames[0].min() < 100


def test_direct_accepts_text_scenes_and_plans(builtin_clips: ClipLibrary) -> None:
    director = Director(library=builtin_clips)
    from_text = director.direct(SHORT_SCRIPT)
    assert from_text.scene is not None and from_text.direction is not None
    from_scene = director.direct(from_text.scene)
    assert from_scene.timeline.to_json() == from_text.timeline.to_json()
    plan_only = MotionPlan.model_validate_json(from_text.plan.to_json())
    from_plan = director.direct(plan_only)
    assert from_plan.timeline.to_json() == from_text.timeline.to_json()
    assert from_plan.direction is None
    gestures = [
        e for t in from_text.plan.characters for e in t.events if isinstance(e, GestureEvent)
    ]
    assert gestures


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"retrieve_threshold": 1.5}, "retrieve_threshold"),
        # NaN passed a range check and retrieved every slot; True passed as 1.
        ({"retrieve_threshold": float("nan")}, r"retrieve_threshold must be a number in \[0, 1\]"),
        ({"retrieve_threshold": True}, "retrieve_threshold"),
        ({"k": 0}, "k .library candidates per slot. must be >= 1"),
        ({"k": 2.5}, "k .library candidates per slot. must be >= 1"),
        ({"generator": object()}, "not a generator"),
    ],
)
def test_bad_settings_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(MotionDirectorError, match=message):
        Director(**options)  # type: ignore[arg-type]


def test_generating_an_event_without_a_generator_says_so(builtin_clips: ClipLibrary) -> None:
    director = Director(library=builtin_clips)
    result = director.direct(SHORT_SCRIPT)
    with pytest.raises(MotionDirectorError, match="no video generator is configured"):
        director.generate_event(result, "ANA", "ana-1")


def test_a_real_tiny_diffusers_backend_generates_a_segment(
    small_library: ClipLibrary, tmp_path: Path
) -> None:
    import av

    from motiondirector.generators.backends import BACKENDS
    from motiondirector.generators.backends.tiny import tiny_pipeline
    from motiondirector.realize.video import VideoSegmentGenerator

    backend = BACKENDS["animatediff"].from_components(tiny_pipeline("animatediff"))
    generator = VideoSegmentGenerator(backend, size=(32, 32), steps=2)
    result = Director(library=small_library, generator=generator).direct(
        "BEN: (shrugs) I don't know.\n", tmp_path
    )
    generated = [s for _, s in _clip_segments(result.timeline) if s.kind == "generated"]
    assert [s.lexeme for s in generated] == ["shrug"]
    segment = generated[0]
    assert segment.provenance.reason.startswith("generated by animatediff: best library")
    assert segment.provenance.options["preset"] == "standard"
    written = json.loads((tmp_path / "timeline.json").read_text())
    kinds = {
        s["kind"]: "options" in s["provenance"]
        for c in written["characters"]
        for s in c["segments"]
    }
    assert kinds["generated"] and not any(v for k, v in kinds.items() if k != "generated")
    with av.open(segment.source or "") as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert frames[0].shape == (32, 32, 3)
    # AnimateDiff makes 8-fps video, its own rate, whatever the timeline's.
    assert segment.provenance.options["fps"] == 8.0
    assert len(frames) / 8 == pytest.approx(segment.source_out, abs=1e-6)
    assert result.paths[f"generated:{segment.source}"] == Path(segment.source or "")


def test_directing_without_a_generator_or_face_library_imports_neither(tmp_path: Path) -> None:
    """Their imports (diffusers' dependencies, SciPy's signal tools) cost most of a second of
    every `direct` that uses neither."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from motiondirector.cli import main\n"
        f"assert main(['direct', {str(EXAMPLE_SCENE)!r}, '--out', {str(tmp_path / 'o')!r},"
        " '-q']) == 0\n"
        "heavy = ('motiondirector.generators.backends', 'motiondirector.realize.faces',"
        " 'scipy.signal', 'diffusers')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
