"""ParsedScript -> Scene: beats, who is on stage (and when: entrances and exits), addressees
and the timeline.

Lays every element on one time axis in script order, in whole milliseconds:
a beat with a heading opens with `heading_gap`; turns and action lines follow each other with
`turn_gap` between them; a dual-dialogue turn starts with the turn it pairs with; turns with
given word timings keep them, and the next estimated element starts after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

from motiondirector.errors import SceneLimitError, ScriptError
from motiondirector.plan.scene import (
    ActionLine,
    Beat,
    Scene,
    StageChange,
    Utterance,
    Word,
    is_off_screen,
    is_voice_over,
)
from motiondirector.scene.addressees import engaged_with, infer_addressees
from motiondirector.scene.elements import ParsedScript, RawAction, RawHeading, RawTurn
from motiondirector.scene.group_lines import is_group_cue, split_group_lines
from motiondirector.scene.language import line_language, words_language, written_language
from motiondirector.scene.limits import SceneLimits
from motiondirector.scene.names import NameMatcher
from motiondirector.scene.speech import (
    Speech,
    build_speech,
    count_words,
    given_word_parentheticals,
)
from motiondirector.scene.stage import (
    Reading,
    StageReader,
    first_entrances,
    line_changes,
    stage_changes,
)
from motiondirector.scene.timing import TimingOptions, action_ms, language_pace, to_ms, word_ms
from motiondirector.speech.track import line_readings, said_in, said_syllables

if TYPE_CHECKING:
    from motiondirector.planners.actions import StageCue


@dataclass
class _BeatDraft:
    heading: str | None
    elements: list[RawTurn | RawAction] = field(default_factory=list)


def _seconds(ms: int) -> float:
    return ms / 1000


def assemble_scene(
    script: ParsedScript,
    *,
    timing: TimingOptions,
    file: str | None = None,
    limits: SceneLimits | None = None,
) -> Scene:
    """Lay the script out on one time axis; raises SceneLimitError beyond `limits`."""
    limits = limits or SceneLimits()
    beats = _split_beats(script)
    speeches = {
        el: build_speech(el.segments)
        for beat in beats
        for el in beat.elements
        if isinstance(el, RawTurn)
    }
    beats = [_without_silent_turns(beat, speeches) for beat in beats]
    beats = _with_group_lines_split(beats, script, speeches)
    turns = [el for beat in beats for el in beat.elements if isinstance(el, RawTurn)]
    if not turns and not script.declared_characters:
        _refuse_without_characters(script, file)
    limits.check_count("max_utterances", len(turns), field="turns", line=_line_of(turns, limits))
    known = list(script.declared_characters)
    for turn in turns:
        known.append(turn.speaker)
        known.extend(turn.addressees or ())
    known.extend(script.cast or ())
    named = set(known)
    if script.cast is not None and any(is_group_cue(name, named) for name in named):
        # A group cue that found members said its lines through them; one that found none
        # is spoken as a character of its own.
        speaking = {turn.speaker for turn in turns}
        known = [name for name in known if not is_group_cue(name, named) or name in speaking]
    limits.check_count("max_characters", len(set(known)), field="characters")
    names = NameMatcher(known)
    written = written_language(speeches[turn].text for turn in turns) or words_language(script)
    casts = [_on_stage(beat, script.declared_characters, names) for beat in beats]
    cues, readings = _stage_cues(
        beats, casts, speeches, list(dict.fromkeys(known)), script.language, written
    )
    stages = [_with_entrances(cast, beat, cues) for cast, beat in zip(casts, beats, strict=True)]
    layout = _Layout(timing, limits, file, script.language, written, readings)
    scene_beats = []
    for index, beat in enumerate(beats):
        scene_beats.append(layout.beat(index, beat, stages[index], speeches, names, cues))
    characters = tuple(
        dict.fromkeys([*script.declared_characters, *(c for s in stages for c in s), *known])
    )
    limits.check_count("max_characters", len(characters), field="characters")
    _check_character_seconds(len(characters), _seconds(layout.end), limits, file)
    return Scene(
        title=script.title,
        # The name only: a plan's bytes must not depend on how its path was typed, nor show
        # the directories it came from.
        source=PurePath(file).name if file is not None else None,
        characters=characters,
        beats=tuple(scene_beats),
        utterances=tuple(layout.utterances),
        actions=tuple(layout.actions),
        duration=_seconds(layout.end),
    )


def _refuse_without_characters(script: ParsedScript, file: str | None) -> None:
    """A script nobody speaks in plans when its action names a character; else say why not."""
    if script.cast is None:
        raise ScriptError(
            "the script has no dialogue: no character speaks a line (declare the characters "
            "to plan a scene of action alone)",
            line=1,
            file=file,
        )
    paragraphs = [e for e in script.elements if isinstance(e, RawAction) and not e.centered]
    if len(paragraphs) == 1 and not any(
        isinstance(e, RawHeading | RawTurn) for e in script.elements
    ):
        raise ScriptError(
            "the script has no dialogue and reads like a synopsis (one paragraph of prose, no "
            "scene heading); the planner needs a scene: a heading (INT. KITCHEN - DAY), each "
            "character's name in capitals where they first appear ('MARY enters and sits "
            "down.'), the action in short paragraphs and every line of dialogue under its "
            "speaker's name",
            line=paragraphs[0].line,
            file=file,
        )
    if not script.cast:
        raise ScriptError(
            "the script has no dialogue and no character: nobody speaks and no action line "
            "names someone who does something (introduce a character in capitals, as in "
            "'MARY enters and sits down.', or declare the characters)",
            line=1,
            file=file,
        )


SPLIT_HINT = "plan the script in parts (an act or a sequence of scenes per file)"
"""What a script over the duration or character-seconds limit can do: each part is a scene of
its own, with its own cast, so the cost is split as well."""


def _clock(seconds: float) -> str:
    """`seconds` as a screenwriter reads a running time: "1 h 37 min", "5 min 42 s", "42 s"."""
    if seconds >= 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    minutes, secs = divmod(round(seconds), 60)
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def _check_character_seconds(
    characters: int, duration: float, limits: SceneLimits, file: str | None
) -> None:
    if characters * duration > limits.max_character_seconds:
        product = characters * duration
        raise SceneLimitError(
            f"{characters} characters over {_clock(duration)} ({duration:g} s) is "
            f"{product / 3600:.1f} character-hours of motion ({product:g} character-seconds), "
            f"over the limit of {limits.max_character_seconds / 3600:g} character-hours "
            f"({limits.max_character_seconds:g}); {SPLIT_HINT}",
            field="characters",
            limit="max_character_seconds",
            file=file,
        )


def _line_of(turns: list[RawTurn], limits: SceneLimits) -> int | None:
    """The line of the first turn beyond the utterance limit."""
    return turns[limits.max_utterances].line if len(turns) > limits.max_utterances else None


def _split_beats(script: ParsedScript) -> list[_BeatDraft]:
    beats: list[_BeatDraft] = []
    for element in script.elements:
        if isinstance(element, RawHeading):
            beats.append(_BeatDraft(element.text))
        else:
            if not beats:
                beats.append(_BeatDraft(None))
            beats[-1].elements.append(element)
    return beats


def _with_group_lines_split(
    beats: list[_BeatDraft], script: ParsedScript, speeches: dict[RawTurn, Speech]
) -> list[_BeatDraft]:
    """Beats with each line of a group cue ("ALL", "BOTH", "PAUL AND CARMEN") said by its
    members (`group_lines`). Dialogue JSON names its speakers itself (`script.cast` is None):
    its turns stay as sent, one per speaker, as a transcript's "All" lines are counted."""
    turns = [el for beat in beats for el in beat.elements if isinstance(el, RawTurn)]
    named = {*script.declared_characters, *(t.speaker for t in turns), *(script.cast or ())}
    if script.cast is None or not any(is_group_cue(turn.speaker, named) for turn in turns):
        return beats
    known = [
        name
        for name in dict.fromkeys(
            [*script.declared_characters, *(t.speaker for t in turns), *(script.cast or ())]
        )
        if not is_group_cue(name, named)
    ]
    names = NameMatcher(known)
    return [
        _BeatDraft(
            beat.heading,
            split_group_lines(beat.elements, script.declared_characters, names, speeches, known),
        )
        for beat in beats
    ]


def _without_silent_turns(beat: _BeatDraft, speeches: dict[RawTurn, Speech]) -> _BeatDraft:
    """A cue with only a parenthetical ("BRICK / (nods)") is action, not speech."""
    elements: list[RawTurn | RawAction] = []
    for element in beat.elements:
        if isinstance(element, RawTurn) and not element.words:
            speech = speeches[element]
            if not speech.words:
                wrylies = " ".join(p.text for p in speech.parentheticals)
                if wrylies:
                    elements.append(RawAction(f"{element.speaker} {wrylies}", element.line))
                continue
        elements.append(element)
    return _BeatDraft(beat.heading, elements)


def _stage_cues(
    beats: list[_BeatDraft],
    casts: list[tuple[str, ...]],
    speeches: dict[RawTurn, Speech],
    characters: list[str],
    language: str | None,
    written: str | None,
) -> tuple[dict[RawAction | RawTurn, list[StageCue]], dict[RawAction, Reading]]:
    """The entrances and exits of every action line and parenthetical ("(entering)",
    "(leaving)": its speaker's), read in script order, and the reading of each action line
    (how long it takes to act out, whom it aims at); `casts` is who each beat names ("They
    leave." is all of them)."""
    cues: dict[RawAction | RawTurn, list[StageCue]] = {}
    readings: dict[RawAction, Reading] = {}
    if not any(
        speeches[e].parentheticals if isinstance(e, RawTurn) else not e.centered
        for b in beats
        for e in b.elements
    ):
        return cues, readings  # a live turn: nothing to read
    reader = StageReader(
        characters, [e.text for b in beats for e in b.elements if isinstance(e, RawAction)]
    )
    for beat, cast in zip(beats, casts, strict=True):
        for index, element in enumerate(beat.elements):
            if isinstance(element, RawTurn):
                reader.speaks(element.speaker)
                for parenthetical in speeches[element].parentheticals:
                    text = parenthetical.text
                    said_in = line_language(element.language or language, text, written=written)
                    cues.setdefault(element, []).extend(
                        reader.read(
                            text, cast, beat.heading, said_in, speaker=element.speaker
                        ).changes
                    )
            elif not element.centered:
                said_in = line_language(language, element.text, written=written)
                reading = reader.read(element.text, cast, beat.heading, said_in, opens=index == 0)
                cues[element], readings[element] = reading.changes, reading
    return cues, readings


def _parts(
    beat: _BeatDraft, cues: dict[RawAction | RawTurn, list[StageCue]]
) -> list[tuple[str, StageCue | None]]:
    """The beat's lines said on screen and its entrances and exits, in script order (a
    line's parentheticals have their characters come on before it and go off after it)."""
    parts: list[tuple[str, StageCue | None]] = []
    for element in beat.elements:
        said = cues.get(element, ())
        if isinstance(element, RawTurn):
            parts.extend((cue.character, cue) for cue in said if cue.change == "enters")
            if not is_off_screen(element.extension):
                parts.append((element.speaker, None))
            parts.extend((cue.character, cue) for cue in said if cue.change == "exits")
        else:
            parts.extend((cue.character, cue) for cue in said)
    return parts


def _heard_off_screen(extension: str | None) -> bool:
    """A line the others hear from off screen ("O.S."): not a voice-over, which they do not."""
    return is_off_screen(extension) and not is_voice_over(extension)


def _with_entrances(
    cast: tuple[str, ...], beat: _BeatDraft, cues: dict[RawAction | RawTurn, list[StageCue]]
) -> tuple[str, ...]:
    """`cast` and whoever the beat's action has enter: "He enters." brings on whom "he"
    means, named in this beat or not."""
    entering = (
        cue.character
        for element in beat.elements
        for cue in cues.get(element, ())
        if cue.change == "enters"
    )
    return tuple(dict.fromkeys([*cast, *entering]))


_QUOTED = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')


def _on_stage(beat: _BeatDraft, declared: tuple[str, ...], names: NameMatcher) -> tuple[str, ...]:
    present: dict[str, None] = dict.fromkeys(declared)
    turns = [element for element in beat.elements if isinstance(element, RawTurn)]
    # Who is only heard in the beat (Mom on the phone): spoken to, still not on stage.
    seen = {turn.speaker for turn in turns if not is_off_screen(turn.extension)}
    heard = {turn.speaker for turn in turns} - seen
    for element in beat.elements:
        if isinstance(element, RawAction):
            if not element.centered:
                # Not a name in quotes: "mouths "Your mom?"" is no one there.
                unquoted = _QUOTED.sub(" ", element.text)
                present.update(dict.fromkeys(names.mentions(unquoted)))
            continue
        # A voice-over or a voice off screen is heard, not seen: it alone does not bring the
        # speaker on stage.
        if not is_off_screen(element.extension):
            present.setdefault(element.speaker, None)
        present.update(dict.fromkeys(a for a in element.addressees or () if a not in heard))
    return tuple(present)


class _Layout:
    def __init__(
        self,
        timing: TimingOptions,
        limits: SceneLimits,
        file: str | None,
        language: str | None,
        written: str | None,
        readings: dict[RawAction, Reading],
    ) -> None:
        self.timing = timing
        self.readings = readings
        self.limits = limits
        self.file = file
        self.language = language
        self.written = written
        self.gap = to_ms(timing.turn_gap)
        self.end = 0
        # Where a transcript's first time stamp falls in the scene (ms): the later stamps
        # count from there.
        self.stamp_zero: int | None = None
        self.utterances: list[Utterance] = []
        self.actions: list[ActionLine] = []

    def beat(
        self,
        index: int,
        beat: _BeatDraft,
        on_stage: tuple[str, ...],
        speeches: dict[RawTurn, Speech],
        names: NameMatcher,
        cues: dict[RawAction | RawTurn, list[StageCue]],
    ) -> Beat:
        start = self.end
        if beat.heading is not None:
            self.end += to_ms(self.timing.heading_gap)
        entering = first_entrances(_parts(beat, cues))
        present = [name for name in on_stage if name not in entering]
        stage: list[StageChange] = []
        first = True
        previous: Utterance | None = None
        aimed: list[tuple[str, str, str]] = []  # behaviours aimed at someone since the last line
        for element in beat.elements:
            at = self.end if first else self.end + self.gap
            first = False
            if isinstance(element, RawAction):
                action = self._action(element, index, at)
                stage.extend(stage_changes(action, cues.get(element, ()), present))
                reading = self.readings.get(element)
                aimed.extend(reading.aimed if reading is not None else ())
                continue
            said = cues.get(element, ())
            coming = [c.character for c in said if c.change == "enters"]
            if not is_off_screen(element.extension):
                # A line said on screen by someone off stage brings them on.
                coming.append(element.speaker)
            coming = [name for name in dict.fromkeys(coming) if name not in present]
            present.extend(coming)
            speech = speeches[element]
            addressees = element.addressees
            if addressees is None:
                previous_speaker = previous.speaker if previous is not None else None
                asked = previous is not None and previous.text.rstrip().endswith("?")
                here = [name for name in on_stage if name in present]
                since = previous.start if previous is not None else -1.0
                gone = [c.character for c in stage if c.change == "exits" and c.time > since]
                # The voice off screen that has just spoken is there to answer.
                voice = (
                    previous.speaker
                    if previous is not None
                    and _heard_off_screen(previous.extension)
                    and previous.speaker not in present
                    else None
                )
                addressees = infer_addressees(
                    element.speaker,
                    speech.text,
                    here,
                    previous_speaker,
                    names,
                    gone,
                    voice,
                    engaged=engaged_with(element.speaker, aimed, asked=asked),
                    asked=asked,
                )
            aimed = []
            dual = element.dual and previous is not None
            if dual and previous is not None:
                at = to_ms(previous.start)
            previous = self._utterance(element, speech, addressees, dual, index, at)
            stage.extend(line_changes(previous, coming, said, present))
        return Beat(
            index=index,
            heading=beat.heading,
            start=_seconds(start),
            end=_seconds(self.end),
            characters=on_stage,
            stage=tuple(sorted(stage, key=lambda change: change.time)),
        )

    def _action(self, action: RawAction, beat: int, at: int) -> ActionLine:
        reading = self.readings.get(action)
        performed = reading.performed if reading is not None else 0.0
        end = at + action_ms(count_words(action.text), self.timing, performed)
        line = ActionLine(
            id=f"a{len(self.actions) + 1}",
            text=action.text,
            start=_seconds(at),
            end=_seconds(end),
            beat=beat,
            line=action.line,
            language=line_language(self.language, action.text, written=self.written),
        )
        self.actions.append(line)
        self._advance(end, action.line)
        return line

    def _utterance(
        self,
        turn: RawTurn,
        speech: Speech,
        addressees: tuple[str, ...],
        dual: bool,
        beat: int,
        at: int,
    ) -> Utterance:
        parentheticals = speech.parentheticals
        language = line_language(turn.language or self.language, speech.text, written=self.written)
        stamped = None if turn.words else self._stated_start(turn, at)
        if stamped is not None:
            silence = _seconds(stamped - at)
            if silence > self.limits.max_gap_s:
                said = "start" if turn.start is not None else "time stamp"
                raise SceneLimitError(
                    f"the line's {said} leaves {silence:g} s of silence before it, over the "
                    f"limit of {self.limits.max_gap_s:g} s; without it the lines follow one "
                    "another",
                    field=f"{turn.where}.start" if turn.start is not None and turn.where else said,
                    limit="max_gap_s",
                    line=turn.line,
                    file=self.file,
                )
            at = max(at, stamped)
        if turn.words:
            self._check_given_start(turn, at)
            words = tuple(
                Word(text=w.text, start=w.start, end=w.end, phonemes=w.phonemes) for w in turn.words
            )
            parentheticals = given_word_parentheticals(speech, [w.text for w in turn.words])
        else:
            words = self._estimate_words(speech, at, language)
        utterance = Utterance(
            id=f"u{len(self.utterances) + 1}",
            speaker=turn.speaker,
            addressees=addressees,
            text=speech.text,
            words=words,
            start=words[0].start,
            end=max(word.end for word in words),
            parentheticals=parentheticals,
            extension=turn.extension,
            dual=dual,
            beat=beat,
            line=turn.line,
            language=language,
        )
        self.utterances.append(utterance)
        self._advance(to_ms(utterance.end), turn.line)
        return utterance

    def _stated_start(self, turn: RawTurn, at: int) -> int | None:
        """Where (ms) the turn says it starts: its `start` from the scene start, or a
        transcript's stamp, the first stamped line where it falls (`at`) and each later one as
        many seconds after it as the stamps say; None when it says nothing."""
        if turn.start is not None:
            return to_ms(turn.start)
        if turn.stamp is None:
            return None
        if self.stamp_zero is None:
            self.stamp_zero = at - to_ms(turn.stamp)
        return self.stamp_zero + to_ms(turn.stamp)

    def _check_given_start(self, turn: RawTurn, at: int) -> None:
        """A timed turn may start after a silence of at most `max_gap_s`."""
        assert turn.words
        gap = turn.words[0].start - _seconds(at)
        if gap > self.limits.max_gap_s:
            where = f"{turn.where}.words[0]" if turn.where else "words[0]"
            raise SceneLimitError(
                f"the turn starts after {gap:g} s of silence, over the limit of "
                f"{self.limits.max_gap_s:g} s",
                field=f"{where}.start",
                limit="max_gap_s",
                line=turn.line,
                file=self.file,
            )

    def _advance(self, end: int, line: int) -> None:
        self.end = max(self.end, end)
        if _seconds(self.end) > self.limits.max_duration_s:
            raise SceneLimitError(
                f"the scene runs to {_seconds(self.end):g} s, over the limit of "
                f"{self.limits.max_duration_s:g} s ({_clock(self.limits.max_duration_s)}); "
                f"{SPLIT_HINT}",
                field="duration",
                limit="max_duration_s",
                line=line,
                file=self.file,
            )

    def _estimate_words(self, speech: Speech, at: int, language: str | None) -> tuple[Word, ...]:
        timing = self.timing
        pause_before = {
            p.before_word: to_ms(timing.parenthetical_pause)
            for p in speech.parentheticals
            if 0 < p.before_word < len(speech.words)
        }
        # A Japanese line's kanji take as long as their reading says (私 wa-ta-shi, three),
        # each syllable as long as its language's are (a Japanese mora shorter than English).
        readings = line_readings([spoken.text for spoken in speech.words], language)
        pace = language_pace(said_in(language, readings))
        words = []
        cursor = at
        for index, spoken in enumerate(speech.words):
            if index > 0:
                pause = timing.pause_ms(speech.words[index - 1].pause)
                cursor += max(pause, pause_before.get(index, 0))
            end = cursor + word_ms(spoken.text, timing, said_syllables(readings[index]), pace)
            words.append(Word(text=spoken.text, start=_seconds(cursor), end=_seconds(end)))
            cursor = end
        return tuple(words)
