"""Small hand-built scenes and directions for the plan/ tests."""

from __future__ import annotations

import pytest

from motiondirector.plan.direction import ActionDirection, Behaviour, Direction, UtteranceDirection
from motiondirector.plan.scene import ActionLine, Beat, Scene, Utterance, Word


def make_utterance(
    uid: str, speaker: str, addressee: str, text: str, start: float, *, word_s: float = 0.4
) -> Utterance:
    words = tuple(
        Word(
            text=w,
            start=round(start + i * word_s, 3),
            end=round(start + (i + 1) * word_s - 0.05, 3),
        )
        for i, w in enumerate(text.split())
    )
    return Utterance(
        id=uid,
        speaker=speaker,
        addressees=(addressee,),
        text=text,
        words=words,
        start=words[0].start,
        end=words[-1].end,
    )


@pytest.fixture
def two_person_scene() -> Scene:
    u1 = make_utterance("u1", "ANA", "BEN", "Yes, I found the key under the old mat.", 0.5)
    u2 = make_utterance(
        "u2",
        "BEN",
        "ANA",
        "No. You did not find it there, and you know it, so tell me the truth now.",
        u1.end + 0.3,
    )
    action = ActionLine(id="a1", text="Ana crosses her arms.", start=u2.end + 0.2, end=u2.end + 2.2)
    u3 = make_utterance("u3", "ANA", "BEN", "Fine.", action.end + 0.2)
    duration = round(u3.end + 1.0, 3)
    beat = Beat(
        index=0, heading="INT. HALL - NIGHT", start=0.0, end=duration, characters=("ANA", "BEN")
    )
    return Scene(
        title="Test",
        characters=("ANA", "BEN"),
        beats=(beat,),
        utterances=(u1, u2, u3),
        actions=(action,),
        duration=duration,
    )


def b(character: str, channel: str, **kw: object) -> Behaviour:
    origin = kw.pop("origin", "cue")
    return Behaviour(
        character=character,
        channel=channel,
        origin=origin,
        rule=kw.pop("rule", f"test.{origin}"),
        reason="test",
        **kw,
    )


@pytest.fixture
def direction() -> Direction:
    return Direction(
        planner="test",
        utterances=(
            UtteranceDirection(
                utterance_id="u1",
                intent="inform",
                emotion="joy",
                intensity=0.7,
                emotion_origin="classifier",
                emotion_reason="test",
                behaviours=(
                    b("ANA", "head", lexeme="nod", word=0, intensity=0.8),
                    b("ANA", "face", au=12, word=0, until_word=8, intensity=0.7),
                    b("ANA", "face", au=6, word=0, until_word=8, intensity=0.5),
                    b("ANA", "gesture", lexeme="self_point", word=1),
                    b("ANA", "gesture", lexeme="point", word=6, target="addressee"),
                    b("ANA", "gesture", lexeme="beat", word=7, origin="beat"),
                    b("BEN", "gaze", target="speaker", word=0),
                    b("BEN", "face", au=12, word=2, intensity=0.3),
                ),
            ),
            UtteranceDirection(
                utterance_id="u2",
                intent="refuse",
                emotion="anger",
                intensity=0.8,
                emotion_origin="classifier",
                emotion_reason="test",
                behaviours=(
                    b("BEN", "head", lexeme="shake", word=0, intensity=0.6),
                    b("BEN", "face", au=4, word=0, until_word=15, intensity=0.8),
                    b("BEN", "gesture", lexeme="point", word=1, target="addressee"),
                    b("BEN", "gesture", lexeme="beat", word=4, origin="beat"),
                    b("BEN", "gesture", lexeme="open_palms", word=10),
                    b("BEN", "gesture", lexeme="beat", word=11, origin="beat"),
                ),
            ),
            UtteranceDirection(
                utterance_id="u3",
                intent="concede",
                emotion="neutral",
                intensity=0.2,
                emotion_origin="classifier",
                emotion_reason="test",
            ),
        ),
        actions=(
            ActionDirection(
                action_id="a1",
                behaviours=(
                    b("ANA", "gesture", lexeme="cross_arms", origin="action"),
                    b("ANA", "posture", lexeme="lean_back", origin="action"),
                ),
            ),
        ),
    )
