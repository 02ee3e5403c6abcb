"""Parentheticals in other languages (`planners/data/parenthetical_languages.yaml`): a wryly a
screenwriter writes in Spanish, Japanese or Chinese directs the line as its English kin does,
alone, between commas or inside a longer one, and no foreign word moves an English line."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from motiondirector.plan.direction import UtteranceDirection
from motiondirector.planners.cues import (
    load_cue_lexicon,
    normalise_phrase,
    with_other_languages,
)
from motiondirector.planners.rules import RulesPlanner
from motiondirector.scene import parse_script
from tests.planners.conftest import KeywordEmotionModel


def direct(line: str) -> UtteranceDirection:
    scene = parse_script(f"ANA: {line}\nBEN: Okay.\n", format="text")
    return RulesPlanner(KeywordEmotionModel()).plan(scene).utterances[0]


def explicit(line: str) -> tuple[str | None, set[str]]:
    """The line's emotion where a parenthetical set it, and the lexemes and gaze targets of
    the behaviours parentheticals gave the speaker."""
    directed = direct(line)
    found = {
        str(b.lexeme or b.target or b.au)
        for b in directed.behaviours
        if b.character == "ANA" and b.rule == "rules.parenthetical"
    }
    return (directed.emotion if directed.emotion_origin == "parenthetical" else None), found


@pytest.mark.parametrize(
    ("line", "emotion", "behaviours"),
    [
        ("(sonriendo) Hola, Ben.", "joy", set()),
        ("(furiosa) ¡Vete!", "anger", set()),
        ("(llorando) No puedo.", "sadness", {"lower", "down"}),
        ("(en souriant) Bonjour.", "joy", set()),
        ("(en colère) Sors d'ici.", "anger", set()),
        ("(flüsternd) Komm her.", None, {"lean_forward"}),
        ("(kopfschüttelnd) Nein.", None, {"shake"}),
        ("(piangendo) Basta.", "sadness", {"lower", "down"}),
        ("(dando de ombros) Tanto faz.", None, {"shrug"}),
        ("(кивая) Да.", None, {"nod"}),
        ("(испуганно) Кто там?", "fear", set()),
        ("（笑いながら）ありがとう。", "joy", {"26", "toss"}),
        ("（驚いて）本当？", "surprise", set()),
        ("（頷いて）はい。", None, {"nod"}),
        ("（生气地）走开！", "anger", set()),
        ("（哭着）我不知道。", "sadness", {"lower", "down"}),
        ("（聳聳肩）隨便。", None, {"shrug"}),
        ("(고개를 저으며) 아니요.", None, {"shake"}),
        ("(웃으며) 안녕하세요.", "joy", set()),
        ("(a la defensiva) No es culpa mía.", "anger", {"cross_arms"}),
        ("(les larmes aux yeux) Je ne savais pas.", "sadness", {"1", "15", "down"}),
        ("(misstrauisch) Wo warst du?", None, {"4", "7", "tilt"}),
        ("(al telefono) Sì, arrivo.", None, {"away"}),
        ("(magoada) Eu pensei que eras meu amigo.", "sadness", {"lower"}),
    ],
)
def test_a_foreign_wryly_directs_the_line_as_its_english_kin(
    line: str, emotion: str | None, behaviours: set[str]
) -> None:
    found_emotion, found = explicit(line)
    assert found_emotion == emotion
    assert behaviours <= found


def test_a_foreign_wryly_counts_between_commas_and_inside_a_longer_one() -> None:
    assert explicit("(todavía sonriendo) Hola.")[0] == "joy"
    assert explicit("(a Ben, sonriendo) Hola.")[0] == "joy"
    assert explicit("(muy enfadado) ¡Basta!")[0] == "anger"
    assert explicit("(крича, в ярости) Вон!")[0] == "anger"


@pytest.mark.parametrize(
    ("script", "addressee"),
    [
        ("ANA: (a Cleo, sonriendo) Hola.\nBEN: Hola.\nCLEO: Hey.", "CLEO"),
        ("ANA: (à Cleo) Bonjour.\nBEN: Salut.\nCLEO: Oui.", "CLEO"),
        ("ANA: (zu Cleo) Hallo.\nBEN: Hi.\nCLEO: Ja.", "CLEO"),
        ("李明: （对王芳）你好。\n张伟: 嗨。\n王芳: 你好。", "王芳"),
        ("ユキ: （アヤに）ありがとう。\nケン: うん。\nアヤ: はい。", "アヤ"),
        ("민수: (지은에게) 안녕.\n현우: 응.\n지은: 안녕.", "지은"),
        # Russian names take the dative: "(Софии)" alone, or "(к Софии)", is to СОФИЯ.
        ("АНА: (Софии) Привет.\nБЕН: Привет.\nСОФИЯ: Да.", "СОФИЯ"),
        ("АНА: (к Софии, улыбаясь) Привет.\nБЕН: Привет.\nСОФИЯ: Да.", "СОФИЯ"),
        ("АНА: (тихо) Привет.\nБЕН: Привет.\nСОФИЯ: Да.", None),
        ("ANA: (a beat) Well.\nBEN: Hi.\nCLEO: Yo.", None),  # English "a", no name after it
    ],
)
def test_a_foreign_wryly_names_whom_the_line_is_for(script: str, addressee: str | None) -> None:
    scene = parse_script(script, format="text")
    directed = RulesPlanner(KeywordEmotionModel()).plan(scene).utterances[0]
    speaker = scene.utterances[0].speaker
    gazes = [
        b.target
        for b in directed.behaviours
        if b.character == speaker and b.rule == "rules.parenthetical" and b.channel == "gaze"
    ]
    assert gazes == ([] if addressee is None else [addressee])


def test_the_pause_of_other_languages_is_a_pause() -> None:
    for wryly in ("(pausa)", "(un temps)", "（間）", "（沉默）", "(пауза)"):
        emotion, found = explicit(f"Bueno. {wryly} Vale.")
        assert (emotion, found) == (None, set()), wryly


def test_english_wrylies_read_as_before_and_foreign_words_stay_out_of_them() -> None:
    # Words of other languages that are English words too would move English lines.
    assert explicit("(on the ride home) We should go.") == (None, set())
    assert explicit("(looking at las fotos) Look.") == (None, {"away"})  # the look, no sigh
    table = yaml.safe_load(
        resources.files("motiondirector.planners")
        .joinpath("data", "parenthetical_languages.yaml")
        .read_text("utf-8")
    )
    phrases = [
        normalise_phrase(phrase)
        for language in table["languages"].values()
        for entry in language["wrylies"]
        for phrase in entry["phrases"]
    ]
    for false_friend in ("ride", "las", "temps", "bravo", "allegro", "ri"):
        assert false_friend not in phrases


def test_the_loader_refuses_an_unknown_kin_and_a_phrase_read_two_ways() -> None:
    english = load_cue_lexicon().parentheticals[:3]  # smiling, grinning, laughing
    with pytest.raises(ValueError, match="no English parenthetical 'smirking wildly'"):
        with_other_languages(
            english,
            {"languages": {"xx": {"wrylies": [{"like": "smirking wildly", "phrases": ["a"]}]}}},
        )
    twice = {
        "languages": {
            "es": {"wrylies": [{"like": "smiling", "phrases": ["sonriendo"]}]},
            "xx": {"wrylies": [{"like": "laughing", "phrases": ["Sonriendo"]}]},
        }
    }
    with pytest.raises(ValueError, match="'sonriendo' already reads as 'smiling', not 'laughing'"):
        with_other_languages(english, twice)
