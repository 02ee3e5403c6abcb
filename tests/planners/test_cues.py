"""The cue lexicons and the dialogue matcher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import pytest
import yaml

from motiondirector.plan.vocabulary import load_vocabulary
from motiondirector.planners import cues as cues_module
from motiondirector.planners.cues import (
    DialogueMatcher,
    find_enumeration,
    load_cue_lexicon,
    tokenize,
)
from tests.planners.conftest import timed


def tokens(text: str) -> tuple[cues_module.Token, ...]:
    return tokenize(timed(text, 0.0))


def matched(text: str) -> list[tuple[str, int]]:
    matcher = DialogueMatcher(load_cue_lexicon())
    return [(m.category.name, m.anchor) for m in matcher.find(tokens(text))]


def test_lexicon_uses_only_the_vocabulary() -> None:
    lexicon = load_cue_lexicon()
    vocabulary = load_vocabulary()
    templates = [t for c in lexicon.dialogue for t in c.behaviours]
    templates += [t for p in lexicon.parentheticals for t in p.behaviours]
    templates += [t for a in lexicon.actions for t in a.behaviours]
    for template in templates:
        if template.channel in ("head", "gesture", "posture"):
            assert template.lexeme in vocabulary.lexemes(template.channel)
    assert len(lexicon.parentheticals) >= 60
    assert {"no", "yes"} <= {p.words[0] for c in lexicon.dialogue for p in c.phrases}


def test_bad_lexicon_entries_are_refused() -> None:
    with pytest.raises(ValueError, match="not in the vocabulary"):
        cues_module._template({"channel": "gesture", "lexeme": "moonwalk"}, "test")
    with pytest.raises(ValueError, match="quote it"):
        cues_module._texts(yaml.safe_load("[no, yes]"), "test")
    with pytest.raises(ValueError, match=r"actions\[3\] \(push\).*placeholders of an object"):
        cues_module._action({"verb": "push", "object": ["$persn"], "behaviours": []}, 3)
    with pytest.raises(ValueError, match=r"actions\[3\] \(go\).*and, last, \$end"):
        cues_module._action({"verb": "go", "object": ["$end now"], "behaviours": []}, 3)
    with pytest.raises(ValueError, match=r"states\[2\]: a state's object opens with a word"):
        cues_module._state({"object": ["* feet"], "behaviours": []}, 2)
    with pytest.raises(ValueError, match=r"states\[2\]: a state needs the object"):
        cues_module._state({"behaviours": []}, 2)
    with pytest.raises(ValueError, match=r"actions\[4\] \(kick\): voice must be active or passive"):
        cues_module._action({"verb": "kick", "voice": "middle", "behaviours": []}, 4)
    assert cues_module._action({"verb": "kick", "voice": "passive", "behaviours": []}, 5).passive


def test_tokens_know_sentences_and_emphasis() -> None:
    toks = tokens("It was *me*, not HIM. Really?")
    assert [t.norm for t in toks] == ["it", "was", "me", "not", "him", "really"]
    assert [t.emphasis for t in toks] == [False, False, True, False, True, False]
    assert [t.end_mark for t in toks] == ["", "", "", "", ".", "?"]
    assert toks[5].sentence_start and toks[3].clause_start


def test_shouted_lines_do_not_stress_every_word() -> None:
    assert not any(t.emphasis for t in tokens("GET OUT OF HERE NOW!"))


def test_longer_stronger_cue_wins_the_overlap() -> None:
    assert matched("Never mind.") == [("dismissal", 0)]
    assert matched("Thank you.") == [("thanks", 0)]  # "you" is not a point here


def test_position_restrictions() -> None:
    assert ("greeting", 0) in matched("Hi, Ben.")
    assert not any(name == "greeting" for name, _ in matched("He said hi to me."))
    assert ("praise", 0) in matched("Great!")
    assert not any(name == "praise" for name, _ in matched("It was a great day for it."))


def test_a_phrase_may_have_a_position_of_its_own() -> None:
    assert ("handshake", 0) in matched("Deal!")
    assert ("handshake", 1) in matched("Okay, it's a deal.")
    assert not any(name == "handshake" for name, _ in matched("It's no big deal."))
    assert ("farewell", 0) in matched("See you!")
    assert ("farewell", 0) in matched("I'll see you tomorrow.")
    assert not any(name == "farewell" for name, _ in matched("I can't wait to see you."))
    assert not any(name == "farewell" for name, _ in matched("Take care of the baby."))
    assert ("farewell", 3) in matched("Thanks, you too. Have a good one.")
    assert not any(name == "farewell" for name, _ in matched("I have a good day planned."))
    phrase = cues_module._category_phrase({"phrase": "deal!", "where": "alone"}, "handshake")
    assert (phrase.words, phrase.punctuation, phrase.where) == (("deal",), "!", {"alone"})
    with pytest.raises(ValueError, match=r"dialogue.handshake: .*keys phrase and where"):
        cues_module._category_phrase({"phrase": "deal!", "position": "alone"}, "handshake")
    with pytest.raises(ValueError, match=r"dialogue.handshake: unknown where \['middle'\]"):
        cues_module._category_phrase({"phrase": "deal!", "where": "middle"}, "handshake")


def test_a_question_is_never_a_phrase_alone_and_listen_to_is_no_filler() -> None:
    assert ("toast", 0) in matched("To us!")
    assert not any(name == "toast" for name, _ in matched("To kill Bob?"))
    assert not any(name == "toast" for name, _ in matched("Listen to Janice."))
    assert ("explanation", 0) in matched("Listen, I'm sorry.")


class _CountingTokens(Sequence[cues_module.Token]):
    """Tokens that count how often the matcher looks at one."""

    def __init__(self, tokens: Sequence[cues_module.Token]) -> None:
        self._tokens, self.reads = tokens, 0

    def __len__(self) -> int:
        return len(self._tokens)

    @overload
    def __getitem__(self, index: int) -> cues_module.Token: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[cues_module.Token]: ...
    def __getitem__(self, index: int | slice) -> Any:
        self.reads += 1
        return self._tokens[index]


def test_a_line_of_many_sentences_is_matched_in_linear_time() -> None:
    # "Deal!" is a cue only as its whole sentence: each one must look at its own sentence,
    # not at the whole line (a 40k-word line of such sentences took 4.7 s instead of 2.8).
    matcher = DialogueMatcher(load_cue_lexicon())
    reads = {}
    for n in (100, 400):
        counted = _CountingTokens(tokens(" ".join(["Word and then more. Deal!"] * n)))
        matcher.find(counted)
        reads[n] = counted.reads
    assert reads[400] < 5 * reads[100]


def test_contractions_written_without_an_apostrophe_read_as_spelled() -> None:
    assert matched("i dont know") == matched("I don't know.")
    assert ("uncertainty", 2) in matched("i dont know")
    assert [t.norm for t in tokens("thats its well")] == ["that's", "its", "well"]


def test_come_on_urges_unless_it_leads_somewhere() -> None:
    assert matched("Oh, come on!") == [("urging", 1)]
    assert ("beckon", 0) in matched("Come on in.")
    assert ("beckon", 0) in matched("Come on, let's go.")
    assert matched("It was supposed to come on Monday.") == []


def test_get_out_sends_away_and_leave_me_alone_withdraws() -> None:
    assert ("expulsion", 0) in matched("Get out of my house!")
    assert matched("Out!") == [("expulsion", 0)]
    assert ("rejection", 0) in matched("Leave me alone.")
    assert matched("We should get out of here before he wakes up.") == []


def test_told_you_and_you_did_point_wherever_they_stand() -> None:
    assert ("deixis", 3) in matched("Ha! I told you so.")
    assert ("deixis", 3) in matched("I can't believe you did that.")
    assert not any(name == "deixis" for name, _ in matched("Did you do it?"))
    assert not any(name == "deixis" for name, _ in matched("I know you like him."))


def test_required_punctuation() -> None:
    assert matched("Yes!")[0] == ("triumph", 0)
    assert matched("Yes.")[0] == ("agreement", 0)


def test_look_and_listen_explain_only_before_a_clause_end_without_a_mark() -> None:
    assert matched("Look, I didn't mean it.")[0] == ("explanation", 0)
    assert matched("Look over there.") == [("deixis_place", 2)]
    assert not any(name == "explanation" for name, _ in matched("Look!"))


def test_a_greeting_there_and_an_offer_to_you_point_nowhere() -> None:
    for line in ("Hi there!", "Hello there."):
        assert [name for name, _ in matched(line)] == ["greeting"], line
    assert [name for name, _ in matched("Is there anything else I can do for you?")] == [
        "offer_help"
    ]


def test_reassurance_shakes_no_head_and_pardon_asks_again() -> None:
    for line in ("No problem.", "No worries.", "Don't worry about it."):
        assert [name for name, _ in matched(line)] == ["reassurance"], line
    assert [name for name, _ in matched("Sorry?")] == ["pardon"]
    assert [name for name, _ in matched("Sorry, I'm late.")] == ["apology"]
    # Asking someone's attention dips the head; only an apology looks down.
    assert matched("Excuse me, where's the bathroom?")[0] == ("excuse_me", 0)
    assert ("apology", 1) in matched("Oops, my mistake.")
    # Not having heard is asked again, the apology before it no dip of the head.
    for line in ("I'm sorry, I didn't catch that.", "Sorry, could you repeat that?"):
        assert [name for name, _ in matched(line)] == ["pardon"], line
    assert [name for name, _ in matched("Could you say that again?")] == ["pardon"]


def test_bad_news_told_kindly_is_regret_and_a_hardship_heard_is_sympathy() -> None:
    for line in ("Unfortunately, that item is out of stock.", "I'm afraid we're closed."):
        assert [name for name, _ in matched(line)] == ["regret"], line
    assert "regret" not in [name for name, _ in matched("I'm afraid of spiders.")]
    # "Oh no" at what the other tells of is no blunder of one's own.
    assert [name for name, _ in matched("Oh no, that sounds really stressful.")] == ["sympathy"]
    assert [name for name, _ in matched("That sounds really hard.")] == ["sympathy"]
    assert [name for name, _ in matched("I totally understand how you feel.")] == ["sympathy"]
    # Sorrow at what the other goes through points at no "this"; heartening is a thumbs-up,
    # neither the shake of its "don't" nor a point.
    assert matched("I'm so sorry you're dealing with this.") == [("sympathy", 2)]
    assert {name for name, _ in matched("Don't give up, you've got this!")} == {"encouragement"}
    assert [name for name, _ in matched("I don't give up.")] == ["negation"]
    # Begging opens the palms to the one begged; it points at no one.
    assert [name for name, _ in matched("Please, I'm begging you.")] == ["pleading"]
    assert [name for name, _ in matched("I beg you, let him go.")] == ["pleading"]
    # "Nice!" alone praises; "Nice try." does not.
    assert [name for name, _ in matched("Nice! You got it right.")] == ["praise"]
    assert matched("Nice try.") == []
    assert [name for name, _ in matched("Oh no, I forgot my keys.")] == ["facepalm"]


def test_sorrow_for_the_listener_is_no_apology_and_a_favour_points_at_no_one() -> None:
    assert matched("I'm sorry to hear that your order arrived damaged.") == [("sympathy", 1)]
    assert matched("I'm so sorry for your loss.") == [("sympathy", 2)]
    assert matched("Sorry, my fault.")[0] == ("apology", 0)
    assert [name for name, _ in matched("Let me look into that for you.")] == ["warmth"]
    assert matched("It's you!") == [("deixis", 1)]


def test_thanks_are_taken_with_a_nod_and_a_wish_for_the_day_waves() -> None:
    assert matched("You're welcome! Have a wonderful day.") == [("welcome", 0), ("farewell", 2)]
    assert matched("My pleasure.") == [("welcome", 0)]
    assert matched("Enjoy the rest of your day!") == [("farewell", 0)]


def test_a_judge_is_addressed_not_bowed_to() -> None:
    assert matched("Your Honor, the defense calls Ms. Patel.") == [("court", 0)]
    assert matched("Your Majesty.") == [("formal", 0)]


def test_asking_to_be_chosen_raises_a_hand() -> None:
    for line in ("Me!", "Ooh, me!", "Pick me!", "I volunteer.", "Count me in!", "I'm in!"):
        assert [name for name, _ in matched(line)] == ["volunteering"], line
    assert matched("Me! Me!")[0] == ("volunteering", 0)
    for line in ("Me?", "Give it to me!", "Not me!", "I'm in.", "I'm in the car!"):
        assert "volunteering" not in [name for name, _ in matched(line)], line


def test_a_goodbye_talked_about_waves_at_no_one() -> None:
    assert "farewell" not in [name for name, _ in matched("You weren't going to say goodbye?")]
    assert [name for name, _ in matched("Say hi to your mom.")] == ["greeting_mentioned"]
    assert matched("Goodbye, Theo.") == [("farewell", 0)]


def test_warmth_points_at_no_one_and_no_idea_shrugs() -> None:
    assert matched("I'm so proud of you!") == [("warmth", 2)]
    assert matched("I told you so.") == [("deixis", 2)]
    assert ("uncertainty", 4) in matched("Honestly, I have no idea.")


def test_laughter_written_out() -> None:
    for line in ("That's hilarious, haha!", "Ha ha, very funny.", "lol that's so true"):
        assert "laughter" in [name for name, _ in matched(line)], line


def test_anchor_marker() -> None:
    assert ("uncertainty", 2) in matched("I don't know.")


def test_enumerations() -> None:
    function_words = load_cue_lexicon().function_words
    assert find_enumeration(tokens("We need eggs, milk, flour and sugar."), function_words) == [
        2, 3, 4, 6,
    ]  # fmt: skip
    assert find_enumeration(tokens("No, no, no."), function_words) == []
    assert find_enumeration(tokens("Yes, I know, fine."), function_words) == []


def test_calming_and_silencing_open_the_line() -> None:
    assert ("calming", 0) in matched("Calm down.")
    assert ("calming", 0) in matched("Easy, easy.")
    assert not any(name == "calming" for name, _ in matched("It was easy."))
    assert not any(name == "calming" for name, _ in matched("I can't relax."))
    assert ("stop", 0) in matched("Shut up!")
