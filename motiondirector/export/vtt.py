"""Subtitles of a MotionPlan's lines: WebVTT with `<v Speaker>` voice tags, and SRT.

One cue per utterance, from its start to its end. An utterance longer than
`MAX_CUE_SECONDS` is split at sentence ends (by its word timings) into cues of at most that
length where it can be (Chinese and Japanese sentence ends too); a single sentence longer
than that stays one cue. Cues are in start
order, as WebVTT requires. Both formats escape `&`, `<` and `>` in names and text the same way
(`escape_cue_text`): players read tags such as `<i>` in SRT too, and a line that says
"<unreal>" must show as written. A voice-over's text is in italics (`<i>`), as subtitles
mark a voice that is heard, not seen. A line whose language the plan knows is in a WebVTT
`<lang>` span (`<lang ja>...</lang>`), so a player draws Chinese characters in the glyphs of
that language; SRT has no such tag. This module formats text only; it must not change the
plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motiondirector.plan.motion_plan import MotionPlan, PlanUtterance
from motiondirector.speech.punctuation import SENTENCE_MARKS
from motiondirector.speech.scripts import written_span

MAX_CUE_SECONDS = 7.0

# Sentence ends of Latin, CJK (fullwidth and ideographic), Arabic, Urdu, Devanagari and
# Ethiopic text, closing quotes and brackets allowed after them.
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_MARKS)}…]" + r"[\"'”’)\]」』）】〕〉》]*$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    id: str
    speaker: str
    start: float
    end: float
    text: str
    voice_over: bool = False
    language: str | None = None


def plan_cues(plan: MotionPlan, character: str | None = None) -> list[Cue]:
    """The subtitle cues of the plan in start order; `character` keeps only their lines."""
    cues: list[Cue] = []
    for utterance in plan.utterances:
        if character is None or utterance.speaker == character:
            cues.extend(_utterance_cues(utterance))
    return sorted(cues, key=lambda c: c.start)  # stable: script order breaks ties


def plan_to_vtt(plan: MotionPlan, character: str | None = None) -> str:
    blocks = ["WEBVTT"]
    for cue in plan_cues(plan, character):
        timing = f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}"
        identifier = _one_line(cue.id).replace("-->", "->")
        voice = escape_cue_text(_one_line(cue.speaker))
        text = _cue_text(cue)
        if cue.language is not None:
            text = f"<lang {cue.language}>{text}</lang>"
        blocks.append(f"{identifier}\n{timing}\n<v {voice}>{text}")
    return "\n\n".join(blocks) + "\n"


def plan_to_srt(plan: MotionPlan, character: str | None = None) -> str:
    """SRT has no voice tag: the speaker's name leads the text, both escaped as in WebVTT."""
    blocks = []
    for number, cue in enumerate(plan_cues(plan, character), start=1):
        timing = f"{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}"
        line = f"{escape_cue_text(_one_line(cue.speaker))}: {_cue_text(cue)}"
        blocks.append(f"{number}\n{timing}\n{line}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _cue_text(cue: Cue) -> str:
    text = escape_cue_text(cue.text)
    return f"<i>{text}</i>" if cue.voice_over else text


def _utterance_cues(utterance: PlanUtterance) -> list[Cue]:
    words = utterance.words
    if utterance.end - utterance.start <= MAX_CUE_SECONDS or not words:
        return [_whole_cue(utterance)]
    sentences: list[tuple[int, int]] = []  # word index ranges [first, last]
    first = 0
    for index, word in enumerate(words):
        if ends_sentence(word.text) or index == len(words) - 1:
            sentences.append((first, index))
            first = index + 1
    chunks: list[tuple[int, int]] = []
    for first, last in sentences:
        if chunks and words[last].end - words[chunks[-1][0]].start <= MAX_CUE_SECONDS:
            chunks[-1] = (chunks[-1][0], last)
        else:
            chunks.append((first, last))
    if len(chunks) == 1:
        return [_whole_cue(utterance)]
    cues = []
    for part, (first, last) in enumerate(chunks, start=1):
        start = utterance.start if part == 1 else words[first].start
        end = utterance.end if part == len(chunks) else words[last].end
        text = _one_line(_written(utterance, first, last))
        cues.append(
            Cue(
                f"{utterance.id}-{part}",
                utterance.speaker,
                start,
                end,
                text,
                utterance.voice_over,
                utterance.language,
            )
        )
    return cues


def ends_sentence(word: str) -> bool:
    """Whether `word` ends a sentence: `.`, `!`, `?` or `…` (or `。` `！` `？` `؟` `।` ...),
    closing quotes allowed."""
    return _SENTENCE_END.search(word) is not None


def _written(utterance: PlanUtterance, first: int, last: int) -> str:
    """Words `first` to `last` as the utterance's text writes them (`written_span`)."""
    return written_span(utterance.text, [word.text for word in utterance.words], first, last)


def _whole_cue(utterance: PlanUtterance) -> Cue:
    return Cue(
        utterance.id,
        utterance.speaker,
        utterance.start,
        utterance.end,
        _one_line(utterance.text),
        utterance.voice_over,
        utterance.language,
    )


def _one_line(text: str) -> str:
    # A blank line would end the cue early; subtitles read as one line per cue here.
    return _WHITESPACE.sub(" ", text).strip()


def escape_cue_text(text: str) -> str:
    """Cue text with `&`, `<` and `>` as character references, so no player reads markup
    into it (and no `-->` can appear in a cue's text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"
