"""One-line scenes for scoring a planner line by line.

- `sentence_scene(text)`: a data set sentence (MELD, GoEmotions) as the only line of a scene,
  spoken by SPEAKER to LISTENER. The text is taken literally: brackets are words, not
  parentheticals, so the planner reads the sentence the gold label was given for. Word times
  come from the same timing model the script readers use.
- `turn_scene(scene, utterance)`: one line of a script as a dialogue turn on its own, as a
  conversational product sends it: the line, its speaker, addressees and the characters on stage
  in its beat, with times starting at 0. Earlier lines are not included.
"""

from __future__ import annotations

from motiondirector.plan.scene import Beat, Scene, Utterance, Word
from motiondirector.scene.speech import has_speech
from motiondirector.scene.timing import (
    PauseKind,
    TimingOptions,
    pause_after,
    to_ms,
    word_ms,
)

SPEAKER = "SPEAKER"
LISTENER = "LISTENER"
_TIMING = TimingOptions()


def spoken_words(text: str, timing: TimingOptions = _TIMING) -> tuple[Word, ...]:
    """The words of `text` (split on whitespace) with estimated start and end times."""
    words: list[Word] = []
    cursor_ms = 0
    pause: PauseKind = "none"
    for token in text.split():
        if not has_speech(token):
            # A free-standing "--" or "..." is a pause, not a word.
            pause = pause_after(token) if pause_after(token) != "none" else pause
            continue
        if words:
            cursor_ms += timing.pause_ms(pause)
        end_ms = cursor_ms + word_ms(token, timing)
        words.append(Word(text=token, start=cursor_ms / 1000, end=end_ms / 1000))
        cursor_ms = end_ms
        pause = pause_after(token)
    return tuple(words)


def sentence_scene(text: str, *, utterance_id: str = "u1") -> Scene:
    """`text` as the only line of a two-character scene."""
    words = spoken_words(text)
    end = words[-1].end if words else 0.0
    characters = (SPEAKER, LISTENER)
    utterance = Utterance(
        id=utterance_id,
        speaker=SPEAKER,
        addressees=(LISTENER,),
        text=" ".join(text.split()),
        words=words,
        start=0.0,
        end=end,
    )
    beat = Beat(index=0, start=0.0, end=end, characters=characters)
    return Scene(characters=characters, beats=(beat,), utterances=(utterance,), duration=end)


def turn_scene(scene: Scene, utterance: Utterance) -> Scene:
    """`utterance` of `scene` as a scene of its own, shifted to start at 0."""
    shift = utterance.start
    on_stage = (utterance.speaker, *utterance.addressees, *scene.on_stage(utterance.beat))
    characters = tuple(dict.fromkeys(on_stage))
    duration = max(utterance.end - shift, 0.0)
    words = tuple(
        Word(text=w.text, start=_ms(w.start - shift), end=_ms(w.end - shift))
        for w in utterance.words
    )
    line = utterance.model_copy(
        update={
            "words": words,
            "start": 0.0,
            "end": _ms(duration),
            "beat": 0,
            "dual": False,
        }
    )
    heading = scene.beats[utterance.beat].heading if utterance.beat < len(scene.beats) else None
    beat = Beat(index=0, heading=heading, start=0.0, end=line.end, characters=characters)
    return Scene(
        title=scene.title,
        source=scene.source,
        characters=characters,
        beats=(beat,),
        utterances=(line,),
        duration=line.end,
    )


def _ms(seconds: float) -> float:
    # Scripts keep times in whole milliseconds; shifting must not add float noise below that.
    return max(to_ms(seconds), 0) / 1000
