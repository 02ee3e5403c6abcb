"""Words of scripts written without spaces, and the text they make again."""

from __future__ import annotations

from motiondirector.speech import pronounce, syllable_count
from motiondirector.speech.scripts import join_words, joins_without_space, split_unspaced


def test_han_and_kana_are_a_word_per_character_with_what_goes_with_them() -> None:
    assert split_unspaced("你好，我") == ["你", "好，", "我"]
    assert split_unspaced("東京タワー！") == ["東", "京", "タ", "ワー！"]
    assert split_unspaced("「きょうは」") == ["「きょ", "う", "は」"]
    assert split_unspaced("有3个iPhone") == ["有", "3", "个", "iPhone"]
    # Tokens without Han or kana are left whole, Korean and accented Latin included.
    for token in ("Hello,", "안녕하세요!", "Ça", "...", "नमस्ते"):
        assert split_unspaced(token) == [token]


def test_words_join_without_spaces_only_between_cjk() -> None:
    assert join_words(["你", "好，", "我"]) == "你好，我"
    assert join_words(["I", "said", "你", "好", "to", "her"]) == "I said 你好 to her"
    assert not joins_without_space("안녕", "하세요")


def test_small_kana_join_the_syllable_before_them() -> None:
    counts = {w: syllable_count(pronounce(w)) for w in ("きょう", "ちょっと", "ファイル", "東京")}
    # The small tsu is a held consonant, no vowel: ちょっと is chot-to.
    assert counts == {"きょう": 2, "ちょっと": 2, "ファイル": 3, "東京": 2}
