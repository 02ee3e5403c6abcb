"""Japanese lines read with their kanji (`speech.japanese`, Janome, the `japanese` extra): each
analysed word's pronunciation shared out among its characters, particles said as spoken, and a
planned line closing the lips on the m and b of its kanji; without Janome, kanji stay neutral.
Janome comes with the dev install, as the test suite needs it."""

from __future__ import annotations

import pytest

from motiondirector.speech import japanese, track
from motiondirector.speech.japanese import _shared_out, japanese_readings
from motiondirector.speech.scripts import split_unspaced
from motiondirector.speech.track import line_readings
from tests.speech.lips import labial_closures


def _read(line: str) -> list[tuple[str, str | None]]:
    words = split_unspaced(line)
    return list(zip(words, japanese_readings(words), strict=True))


def test_a_line_is_read_word_by_word_and_shared_among_its_characters() -> None:
    assert _read("東京へ行って、友達と食べました。") == [
        ("東", "トウ"), ("京", "キョウ"), ("へ", "エ"),  # the particle へ said e
        ("行っ", "イッ"), ("て、", "テ"), ("友", "トモ"), ("達", "ダチ"), ("と", "ト"),
        ("食", "タ"), ("べ", "ベ"),  # the okurigana takes its own mora
        ("ま", "マ"), ("し", "シ"), ("た。", "タ"),
    ]  # fmt: skip
    assert _read("こんにちは")[-1] == ("は", "ワ")  # the particle は said wa
    # そう is said so-o: its う holds the o before it.
    assert _read("そうですね")[:2] == [("そ", "ソ"), ("う", "オ")]
    assert _read("私はOKです")[2] == ("OK", None)


@pytest.mark.parametrize(
    ("surface", "reading", "shares"),
    [
        ("天気", "テンキ", ["テン", "キ"]),  # a syllable each: n closes the first
        ("美味しい", "オイシイ", ["オ", "イ", "シ", "イ"]),
        ("今日", "キョウ", ["キョ", "ウ"]),  # a reading of the whole word, shared in order
        ("一", "イチ", ["イチ"]),
    ],
)
def test_a_words_reading_is_shared_out_among_its_kanji(
    surface: str, reading: str, shares: list[str]
) -> None:
    assert _shared_out(surface, reading) == shares


def test_chinese_and_latin_lines_are_not_read_as_japanese() -> None:
    assert japanese_readings(["我", "们"]) == [None, None]
    assert line_readings(["我", "们"]) == ["pinyin:wo", "pinyin:men"]
    assert line_readings(["Hello", "there"]) == [None, None]


def test_a_japanese_line_closes_the_lips_on_the_m_and_b_of_its_kanji(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "ユキ: 毎晩、本を読みます。"
    # 毎晩 (mai-ban), 読み, ます: Janome reads the kanji.
    closures = labial_closures(line, "ユキ")
    assert [key.phoneme for key, _ in closures] == ["M", "B", "M", "M"]
    assert all(closed > 0.5 for _, closed in closures), closures
    # Without Janome the kanji keep neutral syllables: only the kana close the lips.
    monkeypatch.setattr(japanese, "janome_installed", lambda: False)
    track._line_readings.cache_clear()  # lines read with Janome are remembered
    try:
        assert [key.phoneme for key, _ in labial_closures(line, "ユキ")] == ["M", "M"]
    finally:
        track._line_readings.cache_clear()


def test_a_line_stated_japanese_is_never_read_as_mandarin(monkeypatch: pytest.MonkeyPatch) -> None:
    assert line_readings(["無", "理!"], "ja") == ["kana:ム", "kana:リ"]
    assert line_readings(["無", "理!"]) == ["pinyin:wu", "pinyin:li"]
    assert line_readings(["無", "理!"], "zh-Hant") == ["pinyin:wu", "pinyin:li"]
    # Without Janome a Japanese line's kanji keep their neutral syllables, not Mandarin's.
    monkeypatch.setattr(japanese, "janome_installed", lambda: False)
    track._line_readings.cache_clear()
    try:
        assert line_readings(["無", "理!"], "ja") == [None, None]
    finally:
        track._line_readings.cache_clear()


def test_a_kanji_takes_as_long_as_its_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from motiondirector import plan_text

    def spans(line: str) -> dict[str, float]:
        (utterance,) = plan_text(line, format="text").utterances
        return {word.text: word.end - word.start for word in utterance.words}

    said = spans("ユキ: 私は東京に住んでいます。")
    # 私 wa-ta-shi is three syllables, 東 to-u two, the particle は one.
    assert said["私"] == pytest.approx(3 * said["は"], abs=0.002)
    assert said["東"] == pytest.approx(2 * said["は"], abs=0.002)
    monkeypatch.setattr(japanese, "janome_installed", lambda: False)
    track._line_readings.cache_clear()
    try:
        alone = spans("ユキ: 私は東京に住んでいます。")
        assert alone["私"] == pytest.approx(alone["は"])  # a kanji is one syllable unread
    finally:
        track._line_readings.cache_clear()


def test_lines_read_at_once_from_many_threads_read_as_one_at_a_time() -> None:
    from concurrent.futures import ThreadPoolExecutor

    lines = [split_unspaced(f"今日は{n}回も東京へ行って、友達と食べました。") for n in range(40)]
    alone = [japanese_readings(words) for words in lines]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(japanese_readings, lines)) == alone
