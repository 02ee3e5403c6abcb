"""realize_plan's arguments: values that would realize a silently wrong timeline are refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.motion_plan import GestureEvent, MotionPlan
from motiondirector.realize import plan_text, realize_plan
from motiondirector.retrieval import ClipLibrary, ClipQuery
from motiondirector.retrieval.ingest import ingest_bvh_folder
from motiondirector.retrieval.records import ClipTags

from ..conftest import SHARED_DATA

BANDAI = SHARED_DATA / "mocap" / "bandai-namco-1" / "data"


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text("ANA: (waving) Hello Ben, how are you today?\nBEN: Fine.", format="text")


def test_the_default_arguments_retrieve_the_planned_gesture(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    realization = realize_plan(plan, builtin_clips, tokens=False)
    kinds = {s.kind for c in realization.timeline.characters for s in c.segments}
    assert "clip" in kinds


def test_progress_names_each_characters_motion_and_tokens_and_changes_nothing(
    plan: MotionPlan, builtin_clips: ClipLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    # A feature-length scene spends minutes here: the bar says whose motion is under way.
    quiet = realize_plan(plan, builtin_clips)
    assert capsys.readouterr().err == ""
    shown = realize_plan(plan, builtin_clips, progress=True)
    err = capsys.readouterr().err
    for name in ("ANA", "BEN"):
        assert f"body motion: {name}" in err and f"codebook tokens: {name}" in err
    assert shown.plan.to_json() == quiet.plan.to_json()
    for name, motion in quiet.motions.items():
        assert np.array_equal(shown.motions[name].rotations, motion.rotations)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": float("nan")}, "threshold must be a number in"),  # retrieved every slot
        ({"threshold": 1.5}, "threshold must be a number in"),
        ({"threshold": -0.1}, "threshold must be a number in"),
        ({"k": 0}, "k .library candidates per slot. must be >= 1"),  # dropped every clip slot
    ],
)
def test_bad_options_are_refused_by_name(
    plan: MotionPlan, builtin_clips: ClipLibrary, options: dict[str, float], message: str
) -> None:
    with pytest.raises(MotionDirectorError, match=message):
        realize_plan(plan, builtin_clips, **options)  # type: ignore[arg-type]


def test_a_script_instead_of_a_plan_is_refused(builtin_clips: ClipLibrary) -> None:
    with pytest.raises(MotionDirectorError, match="takes a MotionPlan, got str"):
        realize_plan("ANA: Hi.", builtin_clips)  # type: ignore[arg-type]


def test_sample_finds_a_character_as_exports_do_and_refuses_an_unknown_one(
    plan: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    """An unknown name (a typo) stood silently at rest; NaN or 2-D times failed inside numpy."""
    realization = realize_plan(plan, builtin_clips, tokens=False)
    times = np.array([0.2, 0.8, 1.4])
    assert np.allclose(realization.sample("ana", times).rotations,
                       realization.sample("ANA", times).rotations)  # fmt: skip
    with pytest.raises(MotionDirectorError, match="no character 'ZED' in the plan"):
        realization.sample("ZED", times)
    with pytest.raises(MotionDirectorError, match="NaN or infinite"):
        realization.sample("ANA", np.array([0.1, np.nan]))
    with pytest.raises(MotionDirectorError, match=r"one-dimensional .* shape \(1, 3\)"):
        realization.sample("ANA", times[None, :])


def test_a_library_path_is_refused_with_how_to_open_it(plan: MotionPlan) -> None:
    """A folder name given as the library failed with "'str' object has no attribute 'embedder'"."""
    with pytest.raises(MotionDirectorError, match=r"ClipLibrary.open\('lib/bandai'\)"):
        realize_plan(plan, "lib/bandai")  # type: ignore[arg-type]


def test_procedural_stand_ins_are_sped_up_no_faster_than_people_move(
    builtin_clips: ClipLibrary,
) -> None:
    from pathlib import Path

    from motiondirector.retrieval.sequence import builtin_max_rate

    script = Path(__file__).parents[2] / "examples" / "the_key.fountain"
    # Nothing clears a threshold of 1: every slot is played by its built-in stand-in.
    plan = plan_text(script.read_text(), format="fountain")
    realization = realize_plan(plan, builtin_clips, threshold=1.0, tokens=False)
    stand_ins = [
        s
        for track in realization.timeline.characters
        for s in track.segments
        if s.kind == "procedural" and s.clip_id != "builtin/idle.normal.normal.neutral"
    ]
    assert stand_ins
    rates = [
        ((s.source_out - s.source_in) / (s.target_out - s.target_in), s.clip_id) for s in stand_ins
    ]
    # A stand-in was cut at twice its speed whatever its joints then reached (the fist pump's
    # wrist went past 10 m/s); now as far as the library's speed limits allow.
    limited = [clip for _, clip in rates if builtin_max_rate(clip[len("builtin/") :]) < 2.0]
    assert limited
    for rate, clip in rates:
        assert rate <= builtin_max_rate(clip[len("builtin/") :]) + 1e-3, clip


def test_a_library_of_video_alone_is_refused_for_bodies_by_name(
    plan: MotionPlan, face_clip_library: ClipLibrary
) -> None:
    # Its clips were chosen for body slots and assembly failed reading an MP4 as BVH.
    with pytest.raises(MotionDirectorError) as caught:
        realize_plan(plan, face_clip_library, tokens=False)
    message = str(caught.value)
    assert message.startswith(f"the clip library {face_clip_library.path} holds no body motion")
    assert "give it as the face library (--face-library" in message


def test_body_slots_of_a_library_of_motion_and_video_take_motion_only(
    plan: MotionPlan, face_clip_library: ClipLibrary, tmp_path: Path
) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    (folder / "bye.bvh").symlink_to(BANDAI / "dataset-1_bye_normal_001.bvh")
    motion = ingest_bvh_folder(folder).records
    # A face segment described and tagged as the planned wave, of its length: the best match.
    wave = next(e for e in plan.characters[0].events if isinstance(e, GestureEvent))
    query = ClipQuery.from_event(wave)
    face = min(face_clip_library.records, key=lambda r: abs(r.duration - (wave.end - wave.start)))
    waving = face.model_copy(
        update={
            "descriptions": (query.text,),
            "tags": ClipTags(lexemes=(wave.lexeme,), hand=wave.hand),
        }
    )
    mixed = ClipLibrary.create(tmp_path / "mixed", [*motion, waving])
    realization = realize_plan(plan, mixed, tokens=False)
    sources = {s.source for c in realization.timeline.characters for s in c.segments}
    assert str(folder / "bye.bvh") in sources or any(
        s.kind == "procedural" for c in realization.timeline.characters for s in c.segments
    )
    assert not any(str(source).endswith(".mp4") for source in sources)


OPENING = """INT. BEDROOM - MORNING

NORA lies in bed. TOM sits on the edge of the bed. KAI stands at the window.

TOM
You're awake.

Nora sits up.

NORA
What time is it?
"""


@pytest.fixture(scope="module")
def opening() -> MotionPlan:
    return plan_text(OPENING, format="fountain")


def test_a_scene_opens_with_its_characters_in_the_postures_described(
    opening: MotionPlan, builtin_clips: ClipLibrary
) -> None:
    realization = realize_plan(opening, builtin_clips, tokens=False)
    standing = realization.motions["KAI"].root_positions[0, 1]
    nora, tom = realization.motions["NORA"], realization.motions["TOM"]
    # From the first frame: lying on the floor, seated, standing; no one lies or sits down.
    assert nora.root_positions[0, 1] < 0.3 * standing
    assert tom.root_positions[0, 1] < 0.95 * standing
    assert np.ptp(nora.root_positions[: int(nora.fps), 1]) < 0.02
    assert np.ptp(tom.root_positions[: int(tom.fps), 1]) < 0.02
    first = realization.timeline.character("NORA").segments[0]
    assert first.freezes and first.lexeme == "lie" and first.target_in == 0
    assert "when the scene opens" in first.provenance.reason
    # Sitting up from lying rises all the way, never above seated height on the way.
    sits = next(s for s in realization.timeline.character("NORA").segments if s.lexeme == "sit")
    assert sits.freezes and "from lying" in sits.provenance.reason
    start, end = round(sits.target_in * nora.fps), round(sits.target_out * nora.fps)
    heights = nora.root_positions[start:end, 1]
    assert heights[-1] > 2 * heights[0]
    assert np.all(np.diff(heights) > -1e-3) and heights.max() <= heights[-1] + 1e-3


def test_a_held_posture_no_clip_scores_for_is_held_procedurally_not_generated(
    opening: MotionPlan, builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    records = [r for r in builtin_clips.records if set(r.tags.lexemes) <= {"idle", "beat", "nod"}]
    ClipLibrary.create(tmp_path / "library", records)
    realization = realize_plan(opening, ClipLibrary.open(tmp_path / "library"), tokens=False)
    first = realization.timeline.character("NORA").segments[0]
    assert first.kind == "procedural" and first.freezes
    assert "holds the last frame of the built-in synthesized 'lie'" in first.provenance.reason
    standing = realization.motions["KAI"].root_positions[0, 1]
    assert realization.motions["NORA"].root_positions[0, 1] < 0.3 * standing
