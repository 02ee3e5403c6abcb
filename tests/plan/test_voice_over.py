"""A voice-over (V.O.) line is heard, not said on screen: no lips, no speech track, no listeners,
while the speaker's on-screen lines keep all of them."""

from __future__ import annotations

import json

import numpy as np

from motiondirector.export.arkit import arkit_curves
from motiondirector.export.visemes import visemes_json
from motiondirector.plan.motion_plan import FaceEvent, GazeEvent, MotionPlan
from motiondirector.realize.faces import face_slots
from motiondirector.realize.pipeline import plan_text

SCRIPT = """INT. KITCHEN - NIGHT

ANA and BEN sit at the table.

ANA
Are you hungry? I made soup.

ANA (V.O.)
I was furious. I could not say it out loud, not to him, not that night.

BEN
Soup sounds wonderful, thank you.
"""


def _plan() -> MotionPlan:
    return plan_text(SCRIPT, format="fountain")


def test_the_plan_marks_the_voice_over_and_only_it() -> None:
    plan = _plan()
    said, thought, answer = plan.utterances
    assert (said.voice_over, thought.voice_over, answer.voice_over) == (False, True, False)
    written = json.loads(plan.to_json())["utterances"]
    assert [u.get("voice_over") for u in written] == [None, True, None]  # left out when false
    assert MotionPlan.model_validate_json(plan.to_json()) == plan


def test_no_lips_part_and_nobody_listens_during_a_voice_over() -> None:
    plan = _plan()
    thought = plan.utterances[1]
    ana, ben = plan.character("ANA"), plan.character("BEN")
    lips = [e for e in ana.events if isinstance(e, FaceEvent) and e.au == 25]
    assert {e.utterance_id for e in lips} == {"u1"}  # the line said on screen only
    assert not [e for e in ben.events if e.utterance_id == thought.id]
    assert not [e for e in ana.events if isinstance(e, GazeEvent) and e.utterance_id == thought.id]


def test_the_face_exports_give_a_voice_over_no_speech_track() -> None:
    plan = _plan()
    said, thought = plan.utterances[:2]
    times, with_speech = arkit_curves(plan, "ANA", fps=30)
    _, without_speech = arkit_curves(plan, "ANA", fps=30, speech=False)
    during = (times > thought.start) & (times < thought.end)
    while_said = (times > said.start) & (times < said.end)
    assert not np.allclose(with_speech[while_said], without_speech[while_said])
    assert np.array_equal(with_speech[during], without_speech[during])
    track = json.loads(visemes_json(plan, "ANA"))
    assert [u["id"] for u in track["utterances"]] == [said.id]


def test_a_face_library_gives_the_voice_over_a_listening_face_with_its_emotion() -> None:
    plan = _plan()
    thought = plan.utterances[1]
    slot = next(s for s in face_slots(plan, "ANA") if s.utterance_id == thought.id)
    assert slot.speaking is False
    assert slot.emotion == thought.emotion.label


def test_the_speaker_of_a_voice_over_makes_no_speaking_movements() -> None:
    from motiondirector.plan.motion_plan import GestureEvent, HeadEvent

    def movements(script: str) -> list[str]:
        plan = plan_text(script, format="fountain")
        thought = plan.utterances[1]
        return [
            e.source.rule
            for e in plan.character("ANA").events
            if isinstance(e, GestureEvent | HeadEvent) and e.utterance_id == thought.id
        ]

    said_aloud = SCRIPT.replace("ANA (V.O.)", "ANA (CONT'D)")
    # Said on screen, the line's "not" shakes the head and its stressed words get beats.
    assert "rules.negation" in movements(said_aloud)
    assert movements(SCRIPT) == []
    # The line's emotion still shows on the face.
    thought = _plan().utterances[1]
    faces = [e for e in _plan().character("ANA").events if e.utterance_id == thought.id]
    assert faces and all(e.source.rule == "rules.emotion" for e in faces)
