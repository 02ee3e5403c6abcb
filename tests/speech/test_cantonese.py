"""Chinese characters said as Cantonese (`speech.cantonese`, ToJyutping's dictionary): a line of
written Cantonese, or one whose language is Cantonese, is read through its Jyutping, so its
mouth closes on the p of 十 and the m of 未, which Mandarin says without either."""

from __future__ import annotations

import pytest
import ToJyutping

from motiondirector.speech import ARPABET
from motiondirector.speech.cantonese import jyutping_phonemes
from motiondirector.speech.mandarin import pinyin_phonemes
from motiondirector.speech.track import line_readings
from tests.speech.lips import labial_closures


@pytest.mark.parametrize(
    ("syllable", "said"),
    [
        ("sap6", "S AH1 P"),  # 十: an unreleased p closes the lips
        ("ngan4", "NG AH1 N"),
        ("keoi5", "K UH1 Y"),  # 佢: the rounded eo, then the i glide
        ("sik6", "S IH1 K"),  # i before k and ng is lax
        ("gwong2", "G W AO1 NG"),
        ("jyut6", "Y UW1 T"),  # j is y, yu a rounded UW
        ("hoeng1", "HH AO1 NG"),
        ("zo2", "Z AO1"),
        ("cin4", "T S IY1 N"),
        ("m4", "M AH1"),  # 唔 and 五: syllabic nasals
        ("ng5", "NG AH1"),
        ("hm1", "HH M AH1"),
        ("gaau3", "G AW1"),
        ("xyz", ""),  # not Jyutping
    ],
)
def test_a_syllable_is_its_initial_vowel_and_coda(syllable: str, said: str) -> None:
    assert " ".join(jyutping_phonemes(syllable)) == said


def test_every_reading_of_the_common_characters_has_one_vowel() -> None:
    text = "".join(chr(code) for code in range(0x4E00, 0xA000))
    syllables = {s for _, said in ToJyutping.get_jyutping_list(text) if said for s in said.split()}
    assert len(syllables) > 1500
    for syllable in syllables:
        said = jyutping_phonemes(syllable)
        assert sum(phoneme[-1].isdigit() for phoneme in said) == 1, syllable
        assert all(phoneme.rstrip("1") in ARPABET for phoneme in said), syllable


def test_written_cantonese_or_a_cantonese_language_reads_jyutping() -> None:
    line = ["佢", "哋", "去", "咗", "銀", "行。"]
    assert line_readings(line) == [
        "jyutping:keoi", "jyutping:dei", "jyutping:heoi", "jyutping:zo",
        "jyutping:ngan", "jyutping:hong",
    ]  # fmt: skip
    plain = ["多", "謝", "你!"]  # characters Mandarin writes too: Mandarin unless stated
    assert line_readings(plain) == ["pinyin:duo", "pinyin:xie", "pinyin:ni"]
    for language in ("yue", "yue-Hant-HK", "zh-HK", "zh-Hant-HK", "zh-MO"):
        assert line_readings(plain, language) == ["jyutping:do", "jyutping:ze", "jyutping:nei"]
    assert line_readings(plain, "zh-TW") == ["pinyin:duo", "pinyin:xie", "pinyin:ni"]
    for language in ("zh", "zh-CN", "cmn"):  # stated Mandarin, though written Cantonese
        assert all(r is not None and r.startswith("pinyin:") for r in line_readings(line, language))


def test_a_cantonese_line_closes_the_lips_where_mandarin_would_not() -> None:
    # 你食咗十碗飯未? nei sik zo sap wun faan mei: the p of 十 and the m of 未; Mandarin's
    # ni shi zuo shi wan fan wei has no labial at all.
    line = "阿明: 你食咗十碗飯未?"
    closures = labial_closures(line, "阿明")
    assert [key.phoneme for key, _ in closures] == ["P", "M"]
    assert all(closed > 0.5 for _, closed in closures), closures
    mandarin = line_readings(list("你食咗十碗飯未"), "zh")
    said = [
        p for r in mandarin if r for syllable in r[7:].split() for p in pinyin_phonemes(syllable)
    ]
    assert len(said) > 10 and not {"M", "B", "P"} & set(said)
