"""RulesPlanner: precedence, emotion, dialogue cues, beats, listeners, intent, determinism."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.direction import Behaviour, Direction, UtteranceDirection
from motiondirector.plan.validate import validate_direction
from motiondirector.plan.vocabulary import load_emfacs
from motiondirector.planners.beats import BEAT_MIN_SECONDS, beat_hand
from motiondirector.planners.rules import RulesPlanner, classifier_intensity
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel, Prediction, make_scene


def plan_one(*items: object, model: KeywordEmotionModel | None = None, **kw: object) -> Direction:
    scene = make_scene(*items, **kw)  # type: ignore[arg-type]
    direction = RulesPlanner(model or KeywordEmotionModel()).plan(scene)
    assert validate_direction(direction, scene) == []
    return direction


def find(u: UtteranceDirection, character: str, channel: str, **fields: object) -> list[Behaviour]:
    return [
        b
        for b in u.behaviours
        if b.character == character
        and b.channel == channel
        and all(getattr(b, k) == v for k, v in fields.items())
    ]


def test_one_classifier_call_for_the_whole_scene(emotion_model: KeywordEmotionModel) -> None:
    scene = make_scene(
        ("ANA", "Hello there."),
        ("BEN", "I hate Mondays."),
        ("ANA", "Me too.", [(0, "smiling")]),
    )
    RulesPlanner(emotion_model).plan(scene)
    # the line with an explicit emotion cue is not sent to the classifier
    assert emotion_model.calls == [["Hello there.", "I hate Mondays."]]


def test_explicit_emotion_overrides_the_classifier() -> None:
    direction = plan_one(("ANA", "I hate this wonderful day.", [(0, "sadly")]))
    u = direction.utterances[0]
    assert (u.emotion, u.intensity) == ("sadness", 0.6)
    assert u.emotion_reason == 'parenthetical "(sadly)"'


@pytest.mark.parametrize("parenthetical", ["defeated", "crestfallen", "resigned"])
def test_a_defeated_line_is_sad(parenthetical: str) -> None:
    u = plan_one(("ANA", "Fine. You win.", [(0, parenthetical)])).utterances[0]
    assert (u.emotion, u.emotion_origin) == ("sadness", "parenthetical")


@pytest.mark.parametrize(
    ("parenthetical", "emotion"),
    [
        ("laughing bitterly", "anger"),
        ("smiling sadly", "sadness"),
        ("sadly smiling", "sadness"),
        ("laughs nervously", "fear"),
        ("with a mirthless laugh", "contempt"),
        ("laughing happily", "joy"),
        ("smiling", "joy"),
    ],
)
def test_a_smile_or_laugh_with_another_feeling_is_that_feeling_smiling(
    parenthetical: str, emotion: str
) -> None:
    # "(laughing bitterly)" was joy at 0.85, and the one listening smiled along.
    u = plan_one(("ANA", "I see. That is just great.", [(0, parenthetical)])).utterances[0]
    assert u.emotion == emotion
    assert any(b.au == 12 for b in find(u, "ANA", "face"))  # the smile still shows


def test_classifier_emotion_gives_emfacs_face_over_the_whole_line() -> None:
    direction = plan_one(("BEN", "I hate waiting for the bus."))
    u = direction.utterances[0]
    assert u.emotion == "anger"
    assert u.emotion_reason.startswith("classifier: anger 0.90")
    faces = {b.au: b for b in find(u, "BEN", "face", rule="rules.emotion")}
    assert set(faces) == set(load_emfacs()["anger"])
    assert all(b.word == 0 and b.until_word == 5 for b in faces.values())
    assert faces[4].intensity == pytest.approx(u.intensity * load_emfacs()["anger"][4], abs=1e-3)


def test_neutral_lines_get_no_emotion_face() -> None:
    u = plan_one(("BEN", "The bus leaves at nine.")).utterances[0]
    assert u.emotion == "neutral"
    assert find(u, "BEN", "face") == []


def test_classifier_intensity_grows_with_confidence_and_exclamation() -> None:
    low = classifier_intensity(0.3, [])
    high = classifier_intensity(0.95, [])
    assert 0.0 < low < high <= 1.0


def test_unknown_classifier_label_falls_back_to_neutral() -> None:
    class Odd:
        def predict(self, texts: object) -> list[Prediction]:
            return [Prediction("boredom", 0.9)]

    direction = RulesPlanner(Odd()).plan(make_scene(("ANA", "Fine.")))
    assert direction.utterances[0].emotion == "neutral"
    assert "boredom" in direction.utterances[0].emotion_reason


def test_a_model_returning_the_wrong_count_is_an_error() -> None:
    class Short:
        def predict(self, texts: object) -> list[Prediction]:
            return []

    with pytest.raises(MotionDirectorError, match="0 predictions for 1 texts"):
        RulesPlanner(Short()).plan(make_scene(("ANA", "Fine.")))


def test_negation_shakes_on_the_negative_word() -> None:
    u = plan_one(("BEN", "I really can't stay here tonight.")).utterances[0]
    (shake,) = find(u, "BEN", "head", lexeme="shake")
    assert shake.word == 2
    assert (shake.rule, shake.reason) == ("rules.negation", 'word "can\'t"')


def test_repeated_negation_is_one_long_shake() -> None:
    u = plan_one(("BEN", "No, no, no.")).utterances[0]
    (shake,) = find(u, "BEN", "head", lexeme="shake")
    assert (shake.word, shake.until_word) == (0, 2)


def test_i_dont_know_is_a_shrug_not_a_negation() -> None:
    u = plan_one(("ANA", "I don't know.")).utterances[0]
    assert find(u, "ANA", "gesture", lexeme="shrug", word=2)
    assert find(u, "ANA", "head", lexeme="shake") == []


def test_question_raises_the_brows_on_the_last_words() -> None:
    u = plan_one(("ANA", "Did you take my old red car?")).utterances[0]
    brows = find(u, "ANA", "face", rule="rules.question")
    assert {b.au for b in brows} == {1, 2}
    assert all((b.word, b.until_word) == (4, 6) for b in brows)
    assert find(u, "ANA", "head", lexeme="tilt") == []  # a yes/no question


def test_wh_question_tilts_the_head_on_its_last_word() -> None:
    u = plan_one(("ANA", "Oh, where did you park it?")).utterances[0]
    (tilt,) = find(u, "ANA", "head", lexeme="tilt")
    assert tilt.word == 5
    assert u.intent == "ask"


def test_gestures_do_not_stack_on_one_word() -> None:
    # "yes!" is both triumph and agreement: only the stronger cue fires on the word
    u = plan_one(("BEN", "Yes!")).utterances[0]
    gestures = find(u, "BEN", "gesture", word=0)
    assert [g.lexeme for g in gestures] == ["fist_pump"]
    assert find(u, "BEN", "head", lexeme="nod") == []


def test_explicit_gesture_beats_a_dialogue_cue_on_the_same_word() -> None:
    u = plan_one(("ANA", "Hello, Ben.", [(0, "bowing")])).utterances[0]
    assert [g.lexeme for g in find(u, "ANA", "gesture", word=0)] == ["bow"]
    assert find(u, "ANA", "head", lexeme="nod", word=0)  # other channels still speak


def test_you_points_at_the_addressee() -> None:
    u = plan_one(("ANA", "This was all because of YOU.")).utterances[0]
    (point,) = find(u, "ANA", "gesture", lexeme="point")
    assert (point.word, point.target) == (5, "BEN")


def test_addressee_hint_directs_gaze_and_pointing() -> None:
    scene = make_scene(("ANA", "I blame you.", [(0, "to Cal")]), on_stage=("ANA", "BEN", "CAL"))
    u = RulesPlanner(KeywordEmotionModel()).plan(scene).utterances[0]
    assert find(u, "ANA", "gaze", target="CAL", word=0)
    assert find(u, "ANA", "gesture", lexeme="point", target="CAL")


def test_speaker_looks_at_the_addressee() -> None:
    u = plan_one(("ANA", "The bus is late.")).utterances[0]
    (gaze,) = find(u, "ANA", "gaze")
    assert (gaze.target, gaze.word, gaze.rule) == ("BEN", 0, "rules.gaze.addressee")


def test_pause_parentheticals_add_nothing() -> None:
    plain = plan_one(("ANA", "I know. I just know.")).utterances[0]
    paused = plan_one(("ANA", "I know. I just know.", [(2, "beat")])).utterances[0]
    assert paused.behaviours == plain.behaviours


# Common wrylies of real scripts: the emotion they state (None: the classifier's stands) and
# the behaviours they add, as "lexeme", "AU<n>" or "gaze>target".
WRYLIES = [
    ("exasperated", "anger", {"AU4"}),
    ("bitterly", "anger", {"AU4"}),
    ("defensive", "anger", {"cross_arms"}),
    ("icy", "anger", {"AU4"}),
    ("amused", "joy", {"tilt"}),
    ("mock offended", "joy", {"tilt"}),
    ("proud", "joy", set()),
    ("half-smile", "joy", {"tilt"}),
    ("softening", "joy", {"tilt"}),
    ("teary", "sadness", {"AU1", "AU15", "gaze>down"}),
    ("fighting tears", "sadness", {"AU1", "AU15", "gaze>down"}),
    ("hurt", "sadness", {"lower"}),
    ("wistful", "sadness", set()),
    ("apologetic", "sadness", {"lower", "gaze>down"}),
    ("flustered", "fear", {"AU28", "gaze>away"}),
    ("awkward", "fear", {"AU28", "gaze>away"}),
    ("horrified", "fear", {"AU5"}),
    ("realizing", "surprise", {"AU1", "AU2"}),
    ("snide", "contempt", set()),
    ("suspicious", None, {"AU7", "AU4", "tilt"}),
    ("determined", None, {"AU24", "AU4"}),
    ("sincerely", None, {"hand_on_heart"}),
    ("reluctantly", None, {"gaze>away", "AU24"}),
    ("into phone", None, {"gaze>away"}),
    ("mouth full", None, {"cover_mouth"}),
    ("sotto voce", None, {"lean_forward"}),
]


@pytest.mark.parametrize(("wryly", "emotion", "behaviours"), WRYLIES)
def test_common_wrylies_state_their_emotion_and_behaviours(
    wryly: str, emotion: str | None, behaviours: set[str]
) -> None:
    u = plan_one(("ANA", "I went there on Tuesday with the others.", [(0, wryly)])).utterances[0]
    if emotion is None:
        assert u.emotion_origin == "classifier"
    else:
        assert (u.emotion, u.emotion_reason) == (emotion, f'parenthetical "({wryly})"')
    found = {
        f"gaze>{b.target}" if b.channel == "gaze" else b.lexeme or f"AU{b.au}"
        for b in u.behaviours
        if b.rule == "rules.parenthetical"
    }
    assert found == behaviours


def test_parenthetical_actions_use_the_speaker_as_subject() -> None:
    u = plan_one(("BEN", "Fine.", [(0, "slowly crossing his arms")])).utterances[0]
    (arms,) = find(u, "BEN", "gesture", lexeme="cross_arms")
    assert (arms.word, arms.rule) == (0, "rules.parenthetical")
    assert arms.reason == 'parenthetical "(slowly crossing his arms)"'


def test_a_negated_parenthetical_rules_its_behaviour_out() -> None:
    # The keyword model reads "won" as joy: "(not smiling)" keeps the smile off the face.
    u = plan_one(("ANA", "We won the cup.", [(0, "not smiling")])).utterances[0]
    assert (u.emotion, u.emotion_origin) == ("neutral", "parenthetical")
    assert u.emotion_reason == 'parenthetical "(not smiling)" rules out joy (classifier: joy 0.90)'
    assert find(u, "ANA", "face", au=12) == []
    plain = plan_one(("ANA", "We won the cup.")).utterances[0]
    assert find(plain, "ANA", "face", au=12) != []


@pytest.mark.parametrize(
    ("wryly", "channel", "fields"),
    [
        ("without looking up", "gaze", {"target": "up"}),
        ("not looking up from her book", "gaze", {"target": "up"}),
        ("without turning", "posture", {"lexeme": "turn"}),
        ("not laughing", "head", {"lexeme": "toss"}),
        ("no longer smiling", "face", {"au": 12}),
        ("stops smiling", "face", {"au": 12}),
    ],
)
def test_negated_parentheticals_give_nothing_of_what_they_negate(
    wryly: str, channel: str, fields: dict[str, object]
) -> None:
    u = plan_one(("ANA", "I went there on Tuesday.", [(0, wryly)])).utterances[0]
    assert find(u, "ANA", channel, **fields) == []


def test_a_negation_inside_a_phrase_of_the_lexicon_keeps_its_meaning() -> None:
    u = plan_one(("ANA", "I went there on Tuesday.", [(0, "not looking at him")])).utterances[0]
    assert [b.target for b in find(u, "ANA", "gaze", rule="rules.parenthetical")] == ["away"]


def test_intensifiers_scale_explicit_emotion() -> None:
    plain = plan_one(("ANA", "Stop that.", [(0, "angry")])).utterances[0]
    very = plan_one(("ANA", "Stop that.", [(0, "very angry")])).utterances[0]
    slight = plan_one(("ANA", "Stop that.", [(0, "slightly angry")])).utterances[0]
    assert slight.intensity < plain.intensity < very.intensity


def test_a_line_said_into_a_phone_shows_the_caller_no_wave() -> None:
    u = plan_one(("ANA", "Love you too. Bye.", [(0, "into phone")])).utterances[0]
    assert not find(u, "ANA", "gesture", lexeme="wave")
    assert find(u, "ANA", "head", lexeme="nod")  # a nod goes with the words all the same
    assert find(
        plan_one(("ANA", "Love you too. Bye.")).utterances[0], "ANA", "gesture", lexeme="wave"
    )


def test_whispering_turns_beats_off() -> None:
    text = (
        "The guards change shifts at midnight and the eastern gate stays unlocked for ten minutes."
    )
    loud = plan_one(("ANA", text)).utterances[0]
    quiet = plan_one(("ANA", text, [(0, "whispering")])).utterances[0]
    assert find(loud, "ANA", "gesture", lexeme="beat")
    assert find(quiet, "ANA", "gesture", lexeme="beat") == []


def test_beats_are_rate_limited_and_avoid_gesture_words() -> None:
    text = (
        "Thank you, everybody, the harvest festival committee worked incredibly hard preparing "
        "wonderful decorations, delicious food and spectacular fireworks for tonight's "
        "celebration downtown."
    )
    scene = make_scene(("ANA", text))
    u = RulesPlanner(KeywordEmotionModel()).plan(scene).utterances[0]
    words = scene.utterances[0].words
    beats = find(u, "ANA", "gesture", lexeme="beat")
    strokes = sorted(g.word for g in find(u, "ANA", "gesture") if g.word is not None)
    assert len(beats) >= 2
    assert len(strokes) > len(beats)  # "thank you" carries a gesture of its own
    for a, b in itertools.pairwise(strokes):
        assert words[b].start - words[a].start >= BEAT_MIN_SECONDS
    assert all(b.word is not None and b.hand == beat_hand("u1", b.word) for b in beats)
    assert {b.rule for b in beats} == {"rules.beat"}


def test_short_lines_get_no_beats() -> None:
    u = plan_one(("ANA", "Bring the enormous ladder downstairs.")).utterances[0]
    assert find(u, "ANA", "gesture", lexeme="beat") == []


def test_listeners_look_at_the_speaker_and_nod_at_phrase_ends() -> None:
    text = (
        "So I walked down to the harbour, and the boats were all gone, and the old man at the "
        "gate said he saw nothing, which I did not believe."
    )
    scene = make_scene(("ANA", text), on_stage=("ANA", "BEN", "CAL"))
    u = RulesPlanner(KeywordEmotionModel()).plan(scene).utterances[0]
    for listener in ("BEN", "CAL"):
        assert find(u, listener, "gaze", target="ANA", word=0, rule="rules.listener.gaze")
        nods = find(u, listener, "head", lexeme="nod", rule="rules.listener.backchannel")
        assert 1 <= len(nods) <= 3
        for nod in nods:
            assert nod.word is not None
            assert scene.utterances[0].words[nod.word].text.endswith((",", "."))
    assert find(u, "ANA", "gaze", rule="rules.listener.gaze") == []


def test_listeners_mirror_joy_and_raise_brows_at_exclamations() -> None:
    u = plan_one(("ANA", "We won the great big prize!")).utterances[0]
    assert u.emotion == "joy"
    (smile,) = find(u, "BEN", "face", au=12)
    assert smile.intensity == pytest.approx(0.5 * u.intensity, abs=1e-3)
    assert {b.au for b in find(u, "BEN", "face", rule="rules.listener.brows")} == {1, 2}


def test_listeners_show_concern_at_sadness_and_fear_not_at_joy() -> None:
    for text, emotion in (("I lost everything today.", "sadness"), ("I'm scared.", "fear")):
        u = plan_one(("ANA", text)).utterances[0]
        assert u.emotion == emotion and u.intensity >= 0.3
        concern = {b.au: b for b in find(u, "BEN", "face", rule="rules.listener.concern")}
        assert set(concern) == {1, 4}
        assert concern[1].intensity == pytest.approx(0.5 * u.intensity, abs=1e-3)
        assert concern[4].intensity == pytest.approx(0.3 * u.intensity, abs=1e-3)
        assert (concern[1].word, concern[1].until_word) == (0, len(text.split()) - 1)
        assert find(u, "ANA", "face", rule="rules.listener.concern") == []
    u = plan_one(("ANA", "We won the great big prize!")).utterances[0]
    assert find(u, "BEN", "face", rule="rules.listener.concern") == []


def test_listener_frowns_only_when_the_anger_is_aimed_at_them() -> None:
    scene = make_scene(("ANA", "I hate what you did, Ben."), on_stage=("ANA", "BEN", "CAL"))
    u = RulesPlanner(KeywordEmotionModel()).plan(scene).utterances[0]
    assert find(u, "BEN", "face", au=4, rule="rules.listener.frown")
    assert find(u, "CAL", "face", au=4) == []


def test_an_answer_to_a_question_is_no_toast() -> None:
    asked = plan_one(("ANA", "Where are you going?"), ("BEN", "To the bank."))
    answer = asked.utterances[1]
    assert answer.intent == "answer"
    assert find(answer, "BEN", "gesture", rule="rules.toast") == []
    toast = plan_one(("ANA", "We made it."), ("BEN", "To the bank!")).utterances[1]
    assert toast.intent == "toast" and find(toast, "BEN", "gesture", lexeme="salute")


def test_a_listener_told_of_anger_shows_concern_not_a_frown() -> None:
    # "I'm really frustrated" says how the speaker feels; said with "you", it is at Ben.
    for text, told in (
        ("It never came. I'm really frustrated.", True),
        ("That's unacceptable!", True),
        ("I hate what you did, Ben.", False),
        ("I'm so angry with you.", False),
        # Anger at something else is met with concern; an order is aimed at the listener.
        ("The idiot printer jammed again!", True),
        ("Idiot! Get out!", False),
    ):
        u = plan_one(("ANA", text)).utterances[0]
        assert u.emotion == "anger", text
        concern = {b.au: b for b in find(u, "BEN", "face", rule="rules.listener.concern")}
        frowns = find(u, "BEN", "face", rule="rules.listener.frown")
        assert (set(concern), bool(frowns)) == (({1, 4}, False) if told else (set(), True)), text
        if told:
            assert concern[1].intensity == pytest.approx(0.5 * u.intensity, abs=1e-3)
            stated = "frustrated" in text or "unacceptable" in text
            said = "says they are angry" if stated else "is angry, not at them"
            assert said in concern[1].reason


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hello, Ben.", "greet"),
        ("Goodbye, Ben.", "farewell"),
        ("Where is the key?", "ask"),
        ("Yes, of course.", "agree"),
        ("No, I won't.", "refuse"),
        ("Thanks a lot.", "thank"),
        ("I'm sorry.", "apologise"),
        ("Great job!", "praise"),
        ("You'll pay for this.", "threaten"),
        ("Give me the key.", "command"),
        ("Don't cry.", "command"),
        ("Let me go!", "command"),
        ("Let me transfer you.", "offer"),
        ("Let me get you a coffee.", "offer"),
        ("Let me explain.", "inform"),
        ("Look, I didn't mean it.", "inform"),
        ("Listen.", "command"),
        ("Then explain this.", "command"),
        ("So, tell me everything.", "command"),
        ("Well, I think so.", "inform"),
        ("No problem.", "reassure"),
        ("Don't worry about it.", "reassure"),
        ("Excuse me, where's the bathroom?", "ask"),
        ("I'm sorry, can you repeat that?", "ask"),
        ("Excuse me.", "apologise"),
        ("Sorry?", "ask"),
        ("Stop what? Us?", "ask"),
        ("No? Hush, yes?", "ask"),
        ("Don't.", "refuse"),
        ("What a day!", "exclaim"),
        ("The key is under the mat.", "inform"),
    ],
)
def test_intent(text: str, intent: str) -> None:
    assert plan_one(("ANA", text)).utterances[0].intent == intent


def test_an_order_after_a_name_called_is_an_order() -> None:
    assert plan_one(("ANA", "Ben. Sit down.")).utterances[0].intent == "command"
    assert plan_one(("ANA", "Ben. The key is here.")).utterances[0].intent == "inform"


def test_an_answer_follows_a_question() -> None:
    direction = plan_one(("ANA", "Where is it?"), ("BEN", "Under the mat."))
    assert [u.intent for u in direction.utterances] == ["ask", "answer"]


def test_action_lines_become_action_directions() -> None:
    direction = plan_one("Ana crosses her arms. Ben sits down heavily.", ("ANA", "Well."))
    (action,) = direction.actions
    assert [(b.character, b.lexeme, b.rule) for b in action.behaviours] == [
        ("ANA", "cross_arms", "rules.action"),
        ("BEN", "sit", "rules.action"),
    ]
    assert action.behaviours[0].reason == 'action "crosses her arms"'


def test_same_scene_same_direction(shared_data: Path) -> None:
    text = (shared_data / "screenplays" / "brick_and_steel.fountain").read_text("utf-8")
    body = text[text.index("EXT. BRICK'S PATIO") :]
    scene = parse_script(body, format="fountain", file="brick_and_steel.fountain")
    first = RulesPlanner(KeywordEmotionModel()).plan(scene)
    second = RulesPlanner(KeywordEmotionModel()).plan(scene)
    assert first.model_dump_json() == second.model_dump_json()
    assert validate_direction(first, scene) == []
    behaviours = {(b.character, b.lexeme) for a in first.actions for b in a.behaviours}
    assert {("STEEL", "sit"), ("STEEL", "walk"), ("BRICK", "sit")} <= behaviours


def test_the_default_emotion_model_is_loaded_lazily() -> None:
    planner = RulesPlanner()  # nothing is loaded yet
    scene = make_scene(("ANA", "Fine.", [(0, "smiling")]))
    assert planner.plan(scene).utterances[0].emotion == "joy"  # no classifier needed
    direction = planner.plan(make_scene(("ANA", "I hate you! Get out!")))
    assert direction.utterances[0].emotion == "anger"
    assert direction.utterances[0].emotion_reason.startswith("classifier:")


def test_an_action_lines_behaviours_are_on_the_words_that_say_them() -> None:
    direction = plan_one("Ana looks up and then studies Ben.", "Ben (still) sits down.")
    first, second = direction.actions
    assert [(b.target, b.word) for b in first.behaviours] == [("up", 1), ("BEN", 5)]
    # Words count as the line writes them: an aside in brackets is one of them.
    assert [(b.lexeme, b.word) for b in second.behaviours] == [("sit", 2)]


def test_a_play_s_stage_directions_in_brackets_direct_its_characters() -> None:
    from motiondirector import plan_text

    play = (
        "MARTHA: In the pot. Where it always is.\n"
        "GEORGE: (sitting) You're in a mood.\n"
        "(She slams a plate down in front of him.)\n"
        "GEORGE: Clearly.\n"
        "(She exits. George stares after her, then buries his face in his hands.)\n"
    )
    plan = plan_text(play, format="text")
    changes = [(change.character, change.change) for change in plan.beats[0].stage]
    assert ("MARTHA", "exits") in changes
    lexemes = {
        (track.name, getattr(event, "lexeme", None))
        for track in plan.characters
        for event in track.events
        if event.source.rule == "rules.action"
    }
    assert {("MARTHA", "put_down"), ("GEORGE", "cover_face")} <= lexemes
