"""A small hand-built MotionPlan: ANA tells BEN she found the key, BEN doubts it.

Times are chosen so the checks are exact: apexes fall on 30 fps frames, and head and gesture
sync points fall on word starts where the BML export should refer to words.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from motiondirector.plan.motion_plan import (
    CharacterTrack,
    EmotionLabel,
    Envelope,
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    MotionPlan,
    PlanBeat,
    PlanUtterance,
    PostureEvent,
    SceneInfo,
    Source,
    SyncPoints,
)
from motiondirector.plan.scene import Word

SOURCE = Source(planner="rules", rule="fixture", reason="hand-built for the export tests")


def _words(*spans: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(text=text, start=start, end=end) for text, start, end in spans)


def _face(id: str, au: int, intensity: float, times: tuple[float, float, float, float],
          utterance: str | None) -> FaceEvent:  # fmt: skip
    start, apex_start, apex_end, end = times
    return FaceEvent(
        id=id,
        start=start,
        end=end,
        utterance_id=utterance,
        source=SOURCE,
        description=f"AU{au} at {intensity}",
        au=au,
        intensity=intensity,
        envelope=Envelope(apex_start=apex_start, apex_end=apex_end),
    )


def _sync(start: float, ready: float, stroke: float, relax: float, end: float) -> SyncPoints:
    return SyncPoints(start=start, ready=ready, stroke=stroke, relax=relax, end=end)


def make_plan(ana: str = "ANA", ben: str = "BEN") -> MotionPlan:
    """The fixture plan, with the two characters' names replaceable."""
    u1 = PlanUtterance(
        id="u1",
        speaker=ana,
        addressees=(ben,),
        text="Hello Ben, I found the key.",
        start=0.5,
        end=2.5,
        words=_words(
            ("Hello", 0.5, 0.9),
            ("Ben,", 0.9, 1.2),
            ("I", 1.3, 1.4),
            ("found", 1.4, 1.8),
            ("the", 1.8, 1.95),
            ("key.", 1.95, 2.5),
        ),
        emotion=EmotionLabel(label="joy", intensity=0.6),
        intent="inform",
    )
    u2 = PlanUtterance(
        id="u2",
        speaker=ben,
        addressees=(ana,),
        text="Wait, you & Ana? That's <unreal>.",
        start=3.0,
        end=5.0,
        words=_words(
            ("Wait,", 3.0, 3.4),
            ("you", 3.4, 3.6),
            ("&", 3.6, 3.75),
            ("Ana?", 3.75, 4.2),
            ("That's", 4.4, 4.7),
            ("<unreal>.", 4.7, 5.0),
        ),
        emotion=EmotionLabel(label="surprise", intensity=0.5),
        intent="question",
    )
    ana_events = (
        PostureEvent(id="ana-lean", start=0.0, end=6.0, source=SOURCE,
                     description="leans in", lexeme="lean_forward"),
        GazeEvent(id="ana-gaze-ben", start=0.4, end=2.6, utterance_id="u1", source=SOURCE,
                  description="looks at Ben", target=ben),
        _face("ana-smile", 12, 0.6, (0.5, 1.0, 2.0, 2.5), "u1"),
        _face("ana-cheeks", 6, 0.4, (0.5, 1.0, 2.0, 2.5), "u1"),
        HeadEvent(id="ana-nod", start=1.3, end=1.8, utterance_id="u1", source=SOURCE,
                  description="nods on 'found'", lexeme="nod",
                  sync=_sync(1.3, 1.35, 1.4, 1.6, 1.8), repetitions=2, amplitude=0.4),
        GestureEvent(id="ana-point", start=1.6, end=2.6, utterance_id="u1", source=SOURCE,
                     description="points at Ben on 'key'", lexeme="point", hand="right",
                     sync=_sync(1.6, 1.8, 1.95, 2.3, 2.6), target=ben),
        GazeEvent(id="ana-gaze-down", start=4.0, end=5.0, utterance_id="u2", source=SOURCE,
                  description="looks down while Ben doubts her", target="down"),
    )  # fmt: skip
    ben_events = (
        PostureEvent(id="ben-sit", start=0.0, end=6.0, source=SOURCE,
                     description="sits", lexeme="sit"),
        GazeEvent(id="ben-gaze-ana", start=0.5, end=2.5, utterance_id="u1", source=SOURCE,
                  description="listens to Ana", target=ana),
        _face("ben-smile", 12, 0.3, (1.0, 1.3, 2.0, 2.4), "u1"),
        _face("ben-frown", 4, 0.5, (2.9, 3.2, 4.6, 5.0), "u2"),
        HeadEvent(id="ben-shake", start=3.0, end=3.75, utterance_id="u2", source=SOURCE,
                  description="shakes on 'Wait'", lexeme="shake",
                  sync=_sync(3.0, 3.1, 3.2, 3.6, 3.75)),
        GazeEvent(id="ben-gaze-away", start=3.0, end=4.0, utterance_id="u2", source=SOURCE,
                  description="looks away in disbelief", target="away"),
        GestureEvent(id="ben-palms", start=4.4, end=5.2, utterance_id="u2", source=SOURCE,
                     description="open palms on 'unreal'", lexeme="open_palms", hand="both",
                     sync=_sync(4.4, 4.55, 4.7, 5.0, 5.2)),
        _face("ben-blink", 45, 1.0, (5.5, 5.6, 5.6, 5.7), None),
    )  # fmt: skip
    return MotionPlan(
        scene=SceneInfo(title="The Key", source=None, duration=6.0, fps=30, planner="rules",
                        seed=0),
        beats=(PlanBeat(index=0, heading="INT. KITCHEN - NIGHT", start=0.0, end=6.0,
                        characters=(ana, ben)),),
        utterances=(u1, u2),
        characters=(CharacterTrack(name=ana, events=ana_events),
                    CharacterTrack(name=ben, events=ben_events)),
    )  # fmt: skip


@pytest.fixture
def plan() -> MotionPlan:
    return make_plan()


@pytest.fixture
def plan_named() -> Callable[[str, str], MotionPlan]:
    """Builds the fixture plan with other character names (file-name safety tests)."""
    return make_plan
