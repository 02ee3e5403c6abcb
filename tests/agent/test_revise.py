"""Revision by notes: notes become constraints, constraints change the Direction, and only what
the note names changes in the realized plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motiondirector.agent.director import Director
from motiondirector.agent.notes import (
    EmotionShift,
    GestureChange,
    Span,
    Stillness,
    StyleChange,
    load_styles,
    parse_note,
    parse_note_llm,
)
from motiondirector.agent.revise import Revision, RevisionResult, apply_constraints
from motiondirector.cli import main
from motiondirector.errors import LLMError, RevisionError
from motiondirector.export.scene_folder import DirectResult, SceneFolder
from motiondirector.plan.motion_plan import FaceEvent, MotionPlan, PostureEvent
from motiondirector.plan.scene import Scene
from motiondirector.plan.timeline import Timeline
from motiondirector.plan.vocabulary import load_emfacs
from motiondirector.retrieval import ClipLibrary
from tests.conftest import EXAMPLE_SCENE
from tests.openai_server import Reply, ScriptedServer, serve

NOTE = "Ana angrier in the second half; Ben stays still"


@pytest.fixture(scope="module")
def director(builtin_clips: ClipLibrary) -> Director:
    return Director(library=builtin_clips)


@pytest.fixture(scope="module")
def first(director: Director, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("v1")
    director.direct(EXAMPLE_SCENE, out)
    return out


@pytest.fixture(scope="module")
def base(first: Path) -> DirectResult:
    from motiondirector.export.scene_folder import SceneFolder

    return SceneFolder(first).load()


@pytest.fixture(scope="module")
def revised(director: Director, first: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("v2")
    director.revise(first, NOTE, out)
    return out


def _plan(folder: Path) -> MotionPlan:
    return MotionPlan.model_validate_json((folder / "plan.json").read_text())


def _events(plan: MotionPlan, name: str) -> dict[str, str]:
    return {e.id: e.model_dump_json() for e in plan.character(name).events}


def _second_half(plan: MotionPlan) -> set[str]:
    half = plan.scene.duration / 2
    return {u.id for u in plan.utterances if (u.start + u.end) / 2 >= half}


# -- the rule parser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def scene(base: DirectResult) -> Scene:
    assert base.scene is not None
    return base.scene


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            NOTE,
            [
                EmotionShift(
                    character="ANA", emotion="anger", change=0.3, span=Span(part="second_half")
                ),
                Stillness(character="BEN"),
            ],
        ),
        (
            "Ben: fewer gestures from line 5.",
            [GestureChange(character="BEN", scale=0.5, span=Span(part="from_line", line=5))],
        ),
        (
            "Ana much happier at the start, and she gestures more",
            [
                EmotionShift(
                    character="ANA", emotion="joy", change=0.51, span=Span(part="first_half")
                ),
                GestureChange(character="ANA", scale=1.5),
            ],
        ),
        (
            "Ana less angry",
            [EmotionShift(character="ANA", change=-0.3, only="anger")],
        ),
        (
            "Both calmer after line 3",
            [
                EmotionShift(character=name, change=-0.3, span=Span(part="from_line", line=4))
                for name in ("ANA", "BEN")
            ],
        ),
        (
            "Ana is nervous while Ben is very angry",
            [
                StyleChange(character="ANA", style="nervous"),
                EmotionShift(character="BEN", emotion="anger", intensity=1.0),
            ],
        ),
        ("Ben no gestures throughout", [GestureChange(character="BEN", scale=0.0)]),
        (
            "BEN doesn't move in the second half",
            [Stillness(character="BEN", span=Span(part="second_half"))],
        ),
        (
            "Ana and Ben sadder",
            [
                EmotionShift(character=name, emotion="sadness", change=0.3)
                for name in ("ANA", "BEN")
            ],
        ),
    ],
)
def test_rule_parser_reads_common_phrasings(
    note: str, expected: list[object], scene: Scene
) -> None:
    assert parse_note(note, scene) == expected


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("make it pop", "which character"),
        ("Ana: make it pop", 'cannot read "ana: make it pop"'),
        ("Ana angrier from line 99", '"ana angrier from line 99": the scene has'),
        ("   ", "empty"),
        ("Ben stays still and Ana", "names ANA but asks nothing of them"),
    ],
)
def test_rule_parser_refuses_what_it_cannot_read(note: str, message: str, scene: Scene) -> None:
    with pytest.raises(RevisionError, match=message):
        parse_note(note, scene)


def test_names_joined_by_and_share_what_follows_and_both_means_them() -> None:
    from motiondirector.scene import parse_script

    scene = parse_script("ANA\nHi.\n\nBEN\nHey.\n\nCAL\nYo.\n", format="fountain")
    sadder = [
        EmotionShift(character=name, emotion="sadness", change=0.3) for name in ("ANA", "CAL")
    ]
    assert parse_note("Ana and Cal both sadder", scene) == sadder
    assert parse_note("Ana, Cal: sadder", scene) == sadder
    assert parse_note("Both sadder", scene) == [
        EmotionShift(character=name, emotion="sadness", change=0.3)
        for name in ("ANA", "BEN", "CAL")
    ]
    assert parse_note("Ben stays still, and Ana and Cal are sadder", scene) == [
        Stillness(character="BEN"),
        *sadder,
    ]


def test_style_presets_match_the_style_names() -> None:
    assert set(load_styles()) == {"energetic", "reserved", "nervous", "confident", "tired"}


# -- applying constraints to the Direction -------------------------------------------------


def test_fewer_gestures_drops_beats_first_and_more_adds_beats(base: DirectResult) -> None:
    assert base.direction is not None and base.scene is not None

    def gestures(direction: object) -> list[Any]:
        return [
            b
            for item in (*direction.utterances, *direction.actions)  # type: ignore[attr-defined]
            for b in item.behaviours
            if b.character == "ANA" and b.channel == "gesture"
        ]

    before = gestures(base.direction)
    fewer = gestures(
        apply_constraints(base.direction, base.scene, [GestureChange(character="ANA", scale=0.5)])
    )
    assert len(before) >= 4
    assert len(fewer) == (len(before) + 1) // 2
    assert all(b in before for b in fewer)
    dropped = [b for b in before if b not in fewer]
    if any(b.rule == "rules.beat" for b in fewer):
        assert all(b.rule == "rules.beat" for b in dropped)
    explicit = [b for b in before if "parenthetical" in b.rule or "action" in b.rule]
    assert all(b in fewer for b in explicit[: len(fewer)])
    more = gestures(
        apply_constraints(base.direction, base.scene, [GestureChange(character="ANA", scale=2.0)])
    )
    added = [b for b in more if b.rule == "revision.gestures.beat"]
    assert 0 < len(added) <= len(before)
    assert all(b in more for b in before)
    assert all(b.lexeme == "beat" and b.word is not None for b in added)
    assert {b.origin for b in added} == {"beat"}


def test_revised_lines_and_faces_carry_typed_provenance(base: DirectResult) -> None:
    """An emotion note marks the line's emotion as the revision's and its new faces as the
    emotion's, so a later note finds them without reading rule names."""
    assert base.direction is not None and base.scene is not None
    shift = EmotionShift(character="ANA", emotion="sadness", intensity=0.7)
    once = apply_constraints(base.direction, base.scene, [shift])
    spoken = [u for u in once.utterances if base.scene.utterance(u.utterance_id).speaker == "ANA"]
    assert spoken and {u.emotion_origin for u in spoken} == {"revision"}
    faces = [b for u in spoken for b in u.behaviours if b.rule == "revision.emotion"]
    assert faces and {b.origin for b in faces} == {"emotion"}
    again = EmotionShift(character="ANA", emotion="joy", intensity=0.6)
    twice = apply_constraints(once, base.scene, [again])
    sad_only = set(load_emfacs()["sadness"]) - set(load_emfacs()["joy"])
    assert sad_only
    left = {
        b.au
        for u in twice.utterances
        for b in u.behaviours
        if b.character == "ANA" and b.origin == "emotion"
    }
    assert left and not left & sad_only


def test_emotion_faces_of_planners_that_do_not_name_them_are_replaced(
    base: DirectResult,
) -> None:
    """An LLM planner's faces are of origin llm (rule llm.face): the old emotion's AUs go,
    others stay."""
    assert base.direction is not None and base.scene is not None
    joyful = next(
        u
        for u in base.direction.utterances
        if u.emotion == "joy" and any(b.origin == "emotion" for b in u.behaviours)
    )
    speaker = base.scene.utterance(joyful.utterance_id).speaker
    as_llm = joyful.model_copy(
        update={
            "behaviours": tuple(
                b.model_copy(update={"rule": "llm.face", "origin": "llm"})
                if b.origin == "emotion"
                else b
                for b in joyful.behaviours
            )
        }
    )
    direction = base.direction.model_copy(
        update={
            "utterances": tuple(
                as_llm if u.utterance_id == joyful.utterance_id else u
                for u in base.direction.utterances
            )
        }
    )
    shift = EmotionShift(character=speaker, emotion="anger", intensity=0.8)
    revised = apply_constraints(direction, base.scene, [shift])
    line = next(u for u in revised.utterances if u.utterance_id == joyful.utterance_id)
    faces = [b for b in line.behaviours if b.character == speaker and b.channel == "face"]
    assert line.emotion == "anger" and line.intensity == 0.8
    assert not [b for b in faces if b.rule == "llm.face" and b.au in load_emfacs()["joy"]]
    assert {b.au for b in faces if b.rule == "revision.emotion"} == {
        au for au, weight in load_emfacs()["anger"].items() if weight * 0.8 >= 0.05
    }
    others = [b for b in joyful.behaviours if b.character != speaker or b.channel != "face"]
    assert [b for b in line.behaviours if b.character != speaker or b.channel != "face"] == others


def test_unknown_characters_are_refused(base: DirectResult) -> None:
    assert base.direction is not None and base.scene is not None
    with pytest.raises(RevisionError, match="ZED"):
        apply_constraints(base.direction, base.scene, [Stillness(character="ZED")])


# -- a revision end to end -----------------------------------------------------------------


def test_untouched_characters_and_lines_stay_byte_identical(first: Path, revised: Path) -> None:
    before, after = _plan(first), _plan(revised)
    later = _second_half(before)
    old_ana, new_ana = _events(before, "ANA"), _events(after, "ANA")
    untouched = {
        eid for eid, event in old_ana.items() if json.loads(event)["utterance_id"] not in later
    }
    assert untouched
    # Ana's lines in the first half, her blinks and idle posture: the same bytes, same ids.
    for eid in untouched:
        if json.loads(old_ana[eid])["utterance_id"] is not None:
            assert new_ana[eid] == old_ana[eid]
    blinks = {eid for eid in untouched if json.loads(old_ana[eid]).get("au") == 45}
    assert blinks and all(new_ana[eid] == old_ana[eid] for eid in blinks)
    # Ben's face and gaze (his listening) are untouched too.
    old_ben, new_ben = before.character("BEN").events, after.character("BEN").events
    kept = [e for e in old_ben if e.channel in ("face", "gaze")]
    assert [e.model_dump_json() for e in new_ben if e.channel in ("face", "gaze")] == [
        e.model_dump_json() for e in kept
    ]


def test_touched_lines_change_as_asked(first: Path, revised: Path) -> None:
    before, after = _plan(first), _plan(revised)
    later = _second_half(before)
    anger = set(load_emfacs()["anger"])
    for old, new in zip(before.utterances, after.utterances, strict=True):
        if old.speaker == "ANA" and old.id in later:
            assert new.emotion.label == "anger"
            assert new.emotion.intensity >= 0.7
            aus = {
                e.au
                for e in after.character("ANA").events
                if isinstance(e, FaceEvent) and e.utterance_id == old.id
                and e.source.rule == "revision.emotion"
            }  # fmt: skip
            assert aus and aus <= anger
        else:
            assert new.emotion == old.emotion
    moving = [e for e in after.character("BEN").events if e.channel in ("gesture", "head")]
    assert moving == []
    # He stays leaning in the doorway, as the scene opens on him, and never moves.
    postures = [e for e in after.character("BEN").events if isinstance(e, PostureEvent)]
    assert [(e.start, e.lexeme, e.end) for e in postures] == [
        (0.0, "lean_forward", after.scene.duration)
    ]
    timeline = Timeline.model_validate_json((revised / "timeline.json").read_text())
    held, *rest = timeline.character("BEN").segments
    assert held.freezes and held.lexeme == "lean_forward"
    assert {s.kind for s in rest} == {"procedural"}


def test_revision_json_records_note_constraints_and_diff(first: Path, revised: Path) -> None:
    revision = Revision.model_validate_json((revised / SceneFolder.REVISION).read_text())
    before = _plan(first)
    assert revision.note == NOTE
    assert revision.parser == "rules"
    assert [c.kind for c in revision.constraints] == ["emotion", "stillness"]
    ben = revision.diff.character("BEN")
    assert ben.added == ()
    # Stillness removes Ben's lean forward, so his resting posture runs on instead of ending.
    assert all(c.channel == "posture" and set(c.fields) == {"end"} for c in ben.changed)
    assert {e.channel for e in ben.removed} <= {"gesture", "head", "posture"}
    moving = {e.id for e in before.character("BEN").events if e.channel in ("gesture", "head")}
    assert moving <= {e.id for e in ben.removed}
    ana = revision.diff.character("ANA")
    after = {e.id: e for e in _plan(revised).character("ANA").events}
    assert {after[e.id].source.rule for e in ana.added} >= {"revision.emotion"}
    assert (
        not set(after) - {e.id for e in before.character("ANA").events} - {e.id for e in ana.added}
    )
    assert ana.unchanged > 0
    assert {line.speaker for line in revision.diff.lines} == {"ANA"}
    same_seed = _plan(revised).scene
    assert (same_seed.seed, same_seed.fps) == (before.scene.seed, before.scene.fps)


def test_a_note_about_one_character_leaves_the_other_identical(
    director: Director, base: DirectResult
) -> None:
    angrier: RevisionResult = director.revise(base, "Ana much angrier from line 6")
    before, after = base.plan, angrier.result.plan
    assert after.character("BEN").events == before.character("BEN").events
    assert angrier.diff.character("BEN").unchanged == len(before.character("BEN").events)
    assert angrier.diff.character("ANA").added
    # Ben's clips are chosen again only where a line's emotion changed (the sequencer asks for
    # a listener's clips in the line's emotion); a note that leaves emotions alone keeps them.
    calmer = director.revise(base, "Ana fewer gestures")
    assert calmer.result.plan.character("BEN").events == before.character("BEN").events
    assert calmer.result.timeline.character("BEN") == base.timeline.character("BEN")
    assert len(calmer.result.plan.character("ANA").events) < len(before.character("ANA").events)


def test_revise_command_writes_a_new_folder(
    first: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    builtin_clips: ClipLibrary,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
    out = tmp_path / "v2"
    assert (
        main(["revise", str(first), "Ben fewer gestures; Ana very angry", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split() == ["gestures", "BEN", "gestures", "×0.5,", "whole", "scene"]
    assert printed[1].split() == ["emotion", "ANA", "anger", "at", "1,", "whole", "scene"]
    assert (out / SceneFolder.REVISION).is_file() and (out / "plan.json").is_file()
    assert main(["validate", str(out / "plan.json")]) == 0
    assert main(["revise", str(tmp_path / "nowhere"), "Ben still", "--out", str(out)]) == 1
    assert "has no plan.json" in capsys.readouterr().err
    assert main(["revise", str(first), "make it pop", "--out", str(out)]) == 1
    assert "which character" in capsys.readouterr().err


# -- the LLM note parser, against an OpenAI-compatible server on loopback --------------------


@pytest.fixture
def llm_server() -> Iterator[ScriptedServer]:
    yield from serve()


def _span(part: str = "whole", line: int | None = None) -> dict[str, Any]:
    return {"part": part, "line": line}


def test_llm_parser_feeds_errors_back_then_reads_the_answer(
    llm_server: ScriptedServer, scene: Scene
) -> None:
    from motiondirector.planners.llm_client import LLMConfig, StructuredOutputMode

    wrong = {"constraints": [{"kind": "stillness", "character": "ZED", "span": _span()}]}
    right = {
        "constraints": [
            {
                "kind": "emotion",
                "character": "ANA",
                "emotion": "anger",
                "intensity": None,
                "change": 0.3,
                "only": None,
                "span": _span("second_half"),
            },
            {"kind": "stillness", "character": "BEN", "span": _span()},
        ]
    }
    llm_server.push(Reply.answer(wrong), Reply.answer(right))
    config = LLMConfig(
        model="scripted",
        base_url=llm_server.base_url,
        api_key_env="MOTIONDIRECTOR_TEST_NO_KEY",
        mode=StructuredOutputMode.JSON_OBJECT,
        max_retries=0,
    )
    constraints = parse_note_llm("Ana should be angrier later on, Ben keep still", scene, config)
    assert constraints == parse_note(NOTE, scene)
    assert len(llm_server.requests) == 2
    sent = llm_server.requests[1]["messages"]
    assert "ZED" in sent[-1]["content"] and sent[-2]["role"] == "assistant"
    schema = llm_server.requests[0]["response_format"]["schema"]
    assert schema["$defs"]["character"]["enum"] == ["ANA", "BEN"]
    # The note travels as data inside the JSON user message.
    user = json.loads(llm_server.requests[0]["messages"][1]["content"])
    assert user["note"].startswith("Ana should") and len(user["lines"]) == len(scene.utterances)

    llm_server.requests.clear()
    llm_server.push(*[Reply.answer(wrong)] * config.max_attempts)
    with pytest.raises(LLMError, match="no usable constraints"):
        parse_note_llm("Zed stays still", scene, config)
    assert len(llm_server.requests) == config.max_attempts


def test_llm_parser_feeds_back_an_empty_answer_and_one_that_is_not_json(
    llm_server: ScriptedServer, scene: Scene
) -> None:
    from motiondirector.planners.llm_client import LLMConfig

    still = {"constraints": [{"kind": "stillness", "character": "BEN", "span": _span()}]}
    llm_server.push(
        Reply.answer({"constraints": []}),
        Reply.answer("Sure! Ben stays still."),
        Reply.answer(still),
    )
    config = LLMConfig(model="scripted", base_url=llm_server.base_url, max_retries=0)
    constraints = parse_note_llm("Ben stays still", scene, config)
    assert [c.kind for c in constraints] == ["stillness"]
    assert len(llm_server.requests) == 3
    second, third = (r["messages"][-1]["content"] for r in llm_server.requests[1:])
    assert "no constraints: give at least one" in second
    assert "not valid JSON" in third
    assert llm_server.requests[2]["messages"][-2]["content"] == "Sure! Ben stays still."

    # A model that never asks for anything fails the revision instead of changing nothing.
    llm_server.requests.clear()
    llm_server.push(*[Reply.answer({"constraints": []})] * config.max_attempts)
    with pytest.raises(LLMError, match=r"no usable constraints .*--parser rules\)") as raised:
        parse_note_llm("make it pop", scene, config)
    assert len(raised.value.attempts) == config.max_attempts


def test_a_revision_with_another_library_or_threshold_says_so(
    builtin_clips: ClipLibrary,
    first: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from motiondirector.agent.revise import realization_notes

    assert realization_notes(first, Director(library=builtin_clips)) == []
    lower = Director(library=builtin_clips, retrieve_threshold=0.3)
    assert realization_notes(first, lower) == [
        "it was directed with --retrieve-threshold 0.6, this revision uses 0.3"
    ]
    beats = [r for r in builtin_clips.records if r.tags.lexemes == ("beat",)]
    small = ClipLibrary.create(tmp_path / "beats", beats)
    (missing,) = realization_notes(first, Director(library=small))
    assert " are not in the library " in missing and "give --library" in missing
    # The CLI says it before revising, and revises all the same.
    argv = ["revise", str(first), "Ben stays still", "--out", str(tmp_path / "r")]
    assert main([*argv, "--library", str(small.path)]) == 0
    assert "note: " in capsys.readouterr().err
    assert main([*argv, "--library", str(builtin_clips.path)]) == 0
    assert "note: " not in capsys.readouterr().err
