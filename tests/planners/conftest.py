"""Helpers for the planner tests: a keyword emotion model and small hand-timed scenes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest

from motiondirector.plan.scene import ActionLine, Beat, Parenthetical, Scene, Utterance, Word
from motiondirector.scene import parse_script
from tests.openai_server import ScriptedServer, serve

KEYWORDS: dict[str, tuple[str, ...]] = {
    "anger": ("hate", "regret", "idiot", "furious"),
    "joy": ("great", "won", "thank", "love", "bravo", "wonderful"),
    "sadness": ("sorry", "gone", "miss", "lost"),
    "fear": ("afraid", "scared", "coming for"),
    "surprise": ("wow", "no way"),
    "disgust": ("gross", "disgusting"),
    "contempt": ("pathetic",),
}


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float


@dataclass
class KeywordEmotionModel:
    """Labels a text by the first emotion keyword in it, else neutral; records every call."""

    calls: list[list[str]] = field(default_factory=list)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        self.calls.append(list(texts))
        predictions = []
        for text in texts:
            lowered = text.lower()
            label = next(
                (k for k, words in KEYWORDS.items() if any(w in lowered for w in words)),
                "neutral",
            )
            predictions.append(Prediction(label, 0.9 if label != "neutral" else 0.6))
        return predictions


@pytest.fixture
def emotion_model() -> KeywordEmotionModel:
    return KeywordEmotionModel()


def timed(text: str, start: float, word_s: float = 0.4) -> tuple[Word, ...]:
    """Words of `text`, each `word_s` long, from `start`."""
    return tuple(
        Word(text=w, start=round(start + i * word_s, 3), end=round(start + (i + 1) * word_s, 3))
        for i, w in enumerate(text.split())
    )


def make_scene(
    *items: tuple[str, str] | tuple[str, str, Sequence[tuple[int, str]]] | str,
    on_stage: Sequence[str] = ("ANA", "BEN"),
    addressees: dict[str, tuple[str, ...]] | None = None,
    word_s: float = 0.4,
) -> Scene:
    """A one-beat scene. Items: (speaker, text), (speaker, text, [(before_word, wryly)]) or an
    action line as a plain string. Addressees default to none (the planner infers them)."""
    time = 0.5
    utterances: list[Utterance] = []
    actions: list[ActionLine] = []
    for item in items:
        if isinstance(item, str):
            actions.append(
                ActionLine(id=f"a{len(actions) + 1}", text=item, start=time, end=time + 2.0)
            )
            time += 2.2
            continue
        speaker, text = item[0], item[1]
        parentheticals = tuple(
            Parenthetical(before_word=w, text=t) for w, t in (item[2] if len(item) > 2 else ())
        )
        words = timed(text, time, word_s)
        uid = f"u{len(utterances) + 1}"
        utterances.append(
            Utterance(
                id=uid,
                speaker=speaker,
                addressees=(addressees or {}).get(uid, ()),
                text=text,
                words=words,
                start=words[0].start,
                end=words[-1].end,
                parentheticals=parentheticals,
            )
        )
        time = words[-1].end + 0.3
    characters = tuple(dict.fromkeys([*on_stage, *(u.speaker for u in utterances)]))
    duration = round(time + 1.0, 3)
    return Scene(
        characters=characters,
        beats=(Beat(index=0, start=0.0, end=duration, characters=characters),),
        utterances=tuple(utterances),
        actions=tuple(actions),
        duration=duration,
    )


LLM_SCRIPT = """INT. KITCHEN - DAY

ANA
(angrily)
I told you no, Ben.

BEN
Fine. I will go.

ANA
Wait, please stay.
"""
"""The three-line kitchen scene the LLM planner tests direct."""


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted OpenAI-compatible server on loopback."""
    yield from serve()


@pytest.fixture
def scene() -> Scene:
    return parse_script(LLM_SCRIPT)
