"""One-line scenes: data set sentences and script lines as turns of their own."""

from __future__ import annotations

from motiondirector.evaluation.scenes import LISTENER, SPEAKER, sentence_scene, turn_scene
from motiondirector.realize import plan_scene
from motiondirector.scene import read_script

from ..conftest import EXAMPLE_SCENE


def test_a_sentence_is_taken_literally_with_timed_words() -> None:
    scene = sentence_scene("(sigh) I   told you [NAME] -- twice!")
    (utterance,) = scene.utterances
    assert utterance.text == "(sigh) I told you [NAME] -- twice!"
    assert [w.text for w in utterance.words] == ["(sigh)", "I", "told", "you", "[NAME]", "twice!"]
    assert utterance.parentheticals == ()
    starts = [w.start for w in utterance.words]
    assert starts == sorted(starts) and all(w.end > w.start for w in utterance.words)
    # "[NAME]" is followed by a dash pause, so "twice!" starts later than [NAME] ends.
    assert utterance.words[5].start > utterance.words[4].end
    assert (utterance.speaker, utterance.addressees) == (SPEAKER, (LISTENER,))
    assert scene.duration == utterance.end == utterance.words[-1].end


def test_a_sentence_without_words_is_an_empty_line() -> None:
    scene = sentence_scene("...")
    assert scene.utterances[0].words == () and scene.duration == 0.0


def test_a_script_line_becomes_a_turn_starting_at_zero() -> None:
    scene = read_script(EXAMPLE_SCENE)
    original = scene.utterances[3]
    turn = turn_scene(scene, original)
    (line,) = turn.utterances
    assert line.id == original.id and line.text == original.text
    assert line.start == 0.0 and line.words[0].start == 0.0
    assert line.end == round(original.end - original.start, 3)
    assert [w.text for w in line.words] == [w.text for w in original.words]
    assert set(turn.characters) >= {original.speaker, *original.addressees}
    assert set(turn.characters) >= set(scene.on_stage(original.beat))
    assert turn.beats[0].characters == turn.characters and line.beat == 0
    plan = plan_scene(turn)
    assert plan.utterances[0].id == original.id
