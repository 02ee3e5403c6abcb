"""Spanish, Italian and German lines said by their letters (`speech.romance`, `speech.german`):
a line in one of them, stated or told by its script's words, is read word by word as its
spelling says, so "que" is K EH (not English K Y UW) and "weiß" V AY S, its words are timed by
their own syllables, and the lips close on every b, m, p and Spanish v."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motiondirector import plan_text
from motiondirector.plan.scene import Word
from motiondirector.speech import ARPABET
from motiondirector.speech.french import french_phonemes
from motiondirector.speech.german import german_phonemes
from motiondirector.speech.portuguese import portuguese_phonemes
from motiondirector.speech.romance import romance_phonemes
from motiondirector.speech.track import derive_keys, line_readings, said_syllables
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("word", "language", "said"),
    [
        ("hola", "es", "OW1 L AA0"),  # h silent; stress on the second to last
        ("¿Qué?", "es", "K EH1"),  # qu: K; the accent stresses
        ("gracias", "es", "G R AA1 S Y AA0 S"),  # c before i: S; i before a vowel: Y
        ("cuando", "es", "K W AA1 N D OW0"),
        ("llave", "es", "Y AA1 B EH0"),  # ll: Y; v: B
        ("España", "es", "EH0 S P AA1 N Y AA0"),  # ñ
        ("jardín", "es", "HH AA0 R D IY1 N"),
        ("guerra", "es", "G EH1 R AA0"),  # gu before e: G
        ("ferrocarril", "es", "F EH0 R OW0 K AA0 R IY1 L"),  # ends in l: the last syllable
        ("y", "es", "IY1"),
        ("ciao", "it", "CH AA1 OW0"),  # ci before a vowel: CH
        ("grazie", "it", "G R AA1 T S Y EH0"),  # z: T S
        ("figlio", "it", "F IY1 L Y OW0"),  # gli: L Y
        ("scienza", "it", "SH EH1 N T S AA0"),
        ("gnocchi", "it", "N Y OW1 K IY0"),  # gn, cch
        ("città", "it", "CH IY0 T AA1"),  # the accent stresses the last
        ("acqua", "it", "AA1 K W AA0"),  # cq: one K
    ],
)
def test_a_word_is_said_as_spelled(word: str, language: str, said: str) -> None:
    assert " ".join(romance_phonemes(word, language) or ()) == said


def test_a_spanish_or_italian_line_is_read_by_its_letters_only_when_known() -> None:
    assert line_readings(["¿Qué", "pasa?"], "es-MX") == ["es:¿Qué", "es:pasa?"]
    assert line_readings(["Ciao", "bella!"], "it") == ["it:Ciao", "it:bella!"]
    assert line_readings(["Que", "pasa"]) == [None, None]  # unknown language: its writing
    assert line_readings(["42"], "es") == [None]  # no letters: the other rules
    assert said_syllables("es:quedarte") == 3  # the English rules count "que-dar-te" otherwise


def test_que_is_not_the_english_rules_k_y_uw() -> None:
    word = Word(text="que", start=0.0, end=0.3)
    spanish = [key.phoneme for key in derive_keys([word], "es")]
    english = [key.phoneme for key in derive_keys([word])]
    assert spanish == ["K", "EH1"] and english != spanish


def test_a_spanish_script_closes_the_lips_on_its_b_v_and_m() -> None:
    line = (
        "ANA: Vamos a ver a mi abuela mañana, pero no sé si ella va a estar en casa. "
        "Bueno, llámame más tarde y lo vemos juntos."
    )
    closures = labial_closures(line, "ANA")  # told Spanish by its words
    phonemes = [key.phoneme for key, _ in closures]
    assert phonemes.count("B") == 6 and phonemes.count("M") == 7  # v is B; ll is no labial
    assert all(closed > 0.5 for _, closed in closures), closures


def test_a_stated_language_times_words_by_their_own_syllables() -> None:
    script = '{"language": "es", "turns": [{"speaker": "ANA", "text": "Quedarte aquí."}]}'
    (utterance,) = plan_text(script).utterances
    assert utterance.language == "es"
    quedarte, aqui = utterance.words
    # que-dar-te is three syllables and a-quí two, as Spanish says them
    ratio = (quedarte.end - quedarte.start) / (aqui.end - aqui.start)
    assert 1.2 < ratio < 1.8


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("schön", "SH OW1 N"),  # sch; ö rounded
        ("weiß", "V AY1 S"),  # w: V; ei; ß
        ("Ich", "IH1 HH"),  # ch: no lips
        ("Sonne", "Z OW1 N AH0"),  # s before a vowel; nn once; final schwa
        ("sprechen", "SH P R EH1 HH AH0 N"),  # sp opening a word
        ("Tag", "T AA1 K"),  # final devoicing
        ("wichtig", "V IH1 HH T IH0 HH"),  # -ig
        ("Vater", "F AA1 T EH0 R"),  # v: F
        ("zwei", "T S V AY1"),
        ("Pferd", "P F EH1 R T"),
        ("verstehen", "F EH0 R S T EY1 AH0 N"),  # stress after the prefix
        ("gehen", "G EY1 AH0 N"),  # ge- of the stem, stressed
    ],
)
def test_a_german_word_is_said_as_spelled(word: str, said: str) -> None:
    assert " ".join(german_phonemes(word) or ()) == said


def test_a_german_line_is_read_by_its_letters_and_rounds_and_closes_the_lips() -> None:
    assert line_readings(["Guten", "Morgen!"], "de-AT") == ["de:Guten", "de:Morgen!"]
    word = Word(text="weiß", start=0.0, end=0.3)
    phonemes = [key.phoneme for key in derive_keys([word], "de")]
    assert [p for p, _ in groupby(phonemes)] == ["V", "AY1", "S"]  # a diphthong: two keys
    script = (
        '{"language": "de", "turns": [{"speaker": "ANNA", "text": "Wir müssen morgen '
        'ein bisschen früher beim Bahnhof sein, bitte."}]}'
    )
    (utterance,) = plan_text(script).utterances
    keys = derive_keys(utterance.words, utterance.language)
    said = [k.phoneme for k in keys]
    assert [p for p in said if p in ("M", "B", "P")] == ["M", "M", "B", "B", "M", "B", "B"]
    assert said[0] == "V" and "W" not in said  # "Wir": German w is V, never the English glide


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("beaucoup", "B OW0 K UW1"),  # eau, ou; the final p unsaid: no closing lips
        ("temps", "T AA1"),  # a nasal vowel: m and ps unsaid
        ("bonne", "B OW1 N"),  # nn: not nasal; the final e unsaid
        ("une", "UW1 N"),  # a final e keeps n from being nasal
        ("parler", "P AA0 R L EY1"),  # -er
        ("parlent", "P AA1 R L"),  # the verb's -ent unsaid
        ("moment", "M OW0 M AA1"),  # -ment said
        ("fille", "F IY1 Y"),
        ("travaille", "T R AA0 V AA1 Y"),
        ("maison", "M EH0 Z OW1"),  # s between vowels
        ("France", "F R AA1 S"),  # c before an unsaid e
        ("oui", "W IY1"),
        ("avec", "AA0 V EH1 K"),  # c, r, f, l are said at the end
        ("c'est", "S EH1"),
        ("étais-tu", "EY0 T EH0 T UW1"),  # each part a word, the last one stressed
    ],
)
def test_a_french_word_is_said_as_spelled(word: str, said: str) -> None:
    assert " ".join(french_phonemes(word) or ()) == said


def test_a_french_line_is_read_by_its_letters_and_leaves_unsaid_endings_unsaid() -> None:
    assert line_readings(["Bonjour", "Marie!"], "fr-CA") == ["fr:Bonjour", "fr:Marie!"]
    script = (
        '{"language": "fr", "turns": [{"speaker": "ANNA", "text": "C\'est trop tard, '
        'beaucoup trop tard."}]}'
    )
    (utterance,) = plan_text(script).utterances
    said = [k.phoneme for k in derive_keys(utterance.words, utterance.language)]
    # English rules closed the lips on the final p of "trop" and "beaucoup"; French never does.
    assert [p for p in said if p in ("M", "B", "P")] == ["B"]
    assert said[:4] == ["S", "EH1", "T", "R"]  # "C'est" has no t of its own; "trop" has


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("não", "N AW1"),
        ("obrigado", "OW0 B R IY0 G AA1 D UW0"),  # the final o reduced to u
        ("noite", "N OY1 CH IY0"),  # t before an i sound; the final e reduced to i
        ("também", "T AA0 B EY1"),  # the final m unsaid: no closing lips
        ("falam", "F AA1 L AW0"),
        ("filho", "F IY1 L Y UW0"),  # lh
        ("casa", "K AA1 Z AH0"),  # s between vowels
        ("rua", "HH UW1 AH0"),  # r opening a word
        ("Brasil", "B R AA0 Z IY1 W"),  # l closing a syllable
        ("cidade", "S IY0 D AA1 JH IY0"),
        ("senta-se", "S EY1 T AH0 S EH0"),  # the first part stressed
    ],
)
def test_a_portuguese_word_is_said_as_spelled(word: str, said: str) -> None:
    assert " ".join(portuguese_phonemes(word) or ()) == said


def test_a_portuguese_line_does_not_close_the_lips_on_a_final_m() -> None:
    assert line_readings(["Bom", "dia!"], "pt-BR") == ["pt:Bom", "pt:dia!"]
    script = '{"language": "pt", "turns": [{"speaker": "ANA", "text": "Tem um bom homem."}]}'
    (utterance,) = plan_text(script).utterances
    said = [k.phoneme for k in derive_keys(utterance.words, utterance.language)]
    # The English rules closed the lips five times (every m); Portuguese only on b and the m
    # between the vowels of "homem".
    assert [p for p in said if p in ("M", "B", "P")] == ["B", "M"]


_READERS: dict[str, tuple[Callable[[str], tuple[str, ...] | None], str]] = {
    "es": (lambda word: romance_phonemes(word, "es"), "abcdefghijklmnopqrstuvwxyzñáéíóúü"),
    "it": (lambda word: romance_phonemes(word, "it"), "abcdefghijklmnopqrstuvwxyzàèéìòù"),
    "de": (german_phonemes, "abcdefghijklmnopqrstuvwxyzäöüß"),
    "fr": (french_phonemes, "abcdefghijklmnopqrstuvwxyz-àâçéèêëîïôœùûü"),
    "pt": (portuguese_phonemes, "abcdefghijklmnopqrstuvwxyz-áàâãçéêíóôõú"),
}


@pytest.mark.parametrize("language", sorted(_READERS))
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_any_word_has_one_stressed_vowel_or_is_left_to_the_other_rules(
    language: str, data: st.DataObject
) -> None:
    read, letters = _READERS[language]
    said = read(data.draw(st.text(st.sampled_from(letters), min_size=1, max_size=9)))
    if said is not None:
        assert all(p.rstrip("012") in ARPABET for p in said)
        assert sum(p.endswith("1") for p in said) == 1
