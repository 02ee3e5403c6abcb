"""Phonemes of Japanese kana, which spell their sounds: one consonant and vowel per kana.

Hiragana and katakana write every mora as it is said, so a mouth can follow them exactly: the
lips close on ま ば ぱ (M, B, P), round on う お, and the jaw opens on every vowel. Small
ゃ ゅ ょ glide the kana before them (きゃ K Y AA; after し ち じ the glide is in the consonant,
しゃ SH AA), small vowels replace its vowel (ファ F AA, ティ T IY, ウィ W IY), the long-vowel
mark ー says the vowel before it again (コーヒー K OW OW HH IY IY: a long vowel holds the mouth
for two morae), ん is N and the small tsu っ a held consonant, neither with a vowel of its own
(ちょっと is CH OW T OW, two syllables). Half-width katakana and separate voicing marks are
read as their composed forms. Kanji spell no sound: `speech.phonemes` gives them neutral
syllables, one each, as before.
"""

from __future__ import annotations

import unicodedata

STRESS = "1"  # every mora is said alike: no stress, every vowel primary

# Hiragana by its sound; katakana are read as the hiragana 0x60 code points below them.
_KANA: dict[str, tuple[str, ...]] = {
    kana: tuple(spelling.split())
    for kana, spelling in {
        "あ": "AA", "い": "IY", "う": "UW", "え": "EH", "お": "OW",
        "か": "K AA", "き": "K IY", "く": "K UW", "け": "K EH", "こ": "K OW",
        "が": "G AA", "ぎ": "G IY", "ぐ": "G UW", "げ": "G EH", "ご": "G OW",
        "さ": "S AA", "し": "SH IY", "す": "S UW", "せ": "S EH", "そ": "S OW",
        "ざ": "Z AA", "じ": "JH IY", "ず": "Z UW", "ぜ": "Z EH", "ぞ": "Z OW",
        "た": "T AA", "ち": "CH IY", "つ": "T S UW", "て": "T EH", "と": "T OW",
        "だ": "D AA", "ぢ": "JH IY", "づ": "Z UW", "で": "D EH", "ど": "D OW",
        "な": "N AA", "に": "N IY", "ぬ": "N UW", "ね": "N EH", "の": "N OW",
        "は": "HH AA", "ひ": "HH IY", "ふ": "F UW", "へ": "HH EH", "ほ": "HH OW",
        "ば": "B AA", "び": "B IY", "ぶ": "B UW", "べ": "B EH", "ぼ": "B OW",
        "ぱ": "P AA", "ぴ": "P IY", "ぷ": "P UW", "ぺ": "P EH", "ぽ": "P OW",
        "ま": "M AA", "み": "M IY", "む": "M UW", "め": "M EH", "も": "M OW",
        "や": "Y AA", "ゆ": "Y UW", "よ": "Y OW",
        "ら": "R AA", "り": "R IY", "る": "R UW", "れ": "R EH", "ろ": "R OW",
        "わ": "W AA", "ゐ": "IY", "ゑ": "EH", "を": "OW", "ん": "N", "ゔ": "V UW",
        "ゕ": "K AA", "ゖ": "K EH",
        # Katakana without a hiragana twin: va, vi, ve, vo.
        "ヷ": "V AA", "ヸ": "V IY", "ヹ": "V EH", "ヺ": "V OW",
    }.items()
}  # fmt: skip
_SMALL_GLIDES = {"ゃ": "AA", "ゅ": "UW", "ょ": "OW", "ゎ": "AA"}
_SMALL_VOWELS = {"ぁ": "AA", "ぃ": "IY", "ぅ": "UW", "ぇ": "EH", "ぉ": "OW"}
_GLIDE_IN_CONSONANT = frozenset({"SH", "CH", "JH"})
_SMALL_TSU = "っ"
_LONG_VOWEL = "ー"
_VOWELS = frozenset({"AA", "IY", "UW", "EH", "OW"})


def _as_hiragana(char: str) -> str:
    code = ord(char)
    if 0x30A1 <= code <= 0x30F6:  # katakana with a hiragana twin
        return chr(code - 0x60)
    return char


_SIGNS = frozenset({*_SMALL_GLIDES, *_SMALL_VOWELS, _SMALL_TSU, _LONG_VOWEL}) | frozenset(
    chr(ord(c) + 0x60) for c in (*_SMALL_GLIDES, *_SMALL_VOWELS, _SMALL_TSU)
)


def is_kana(char: str) -> bool:
    """Whether `char` (composed, full-width) is a kana read here or the long-vowel mark."""
    return _as_hiragana(char) in _KANA or char in _SIGNS


def normalized_kana(text: str) -> str:
    """`text` with half-width katakana made full-width and voicing marks composed."""
    return unicodedata.normalize("NFKC", text)


def kana_sounds(text: str) -> list[tuple[str, ...]]:
    """The phonemes (with stress digits) of each character of `text` (normalized, see
    `normalized_kana`), in order: () for one that adds no sound of its own (っ, a small kana
    that changed the kana before it, a ー after no vowel) and for any that is not kana
    (`is_kana`), which the caller reads."""
    said: list[list[str]] = []
    for char in text:
        kana = _as_hiragana(char)
        previous = said[-1] if said else None
        if kana in _SMALL_GLIDES and previous and _vowel_at_end(previous):
            previous.pop()
            if previous and previous[-1].rstrip("1") not in _GLIDE_IN_CONSONANT:
                previous.append("Y" if kana != "ゎ" else "W")
            previous.append(_SMALL_GLIDES[kana] + STRESS)
            said.append([])
        elif kana in _SMALL_VOWELS and previous and _vowel_at_end(previous):
            vowel = previous.pop()
            if not previous and vowel.rstrip("1") == "UW":
                previous.append("W")  # ウィ, ウェ, ウォ: wi, we, wo
            previous.append(_SMALL_VOWELS[kana] + STRESS)
            said.append([])
        elif kana in _SMALL_GLIDES or kana in _SMALL_VOWELS:
            glide = ["Y"] if kana in _SMALL_GLIDES else []
            said.append([*glide, (_SMALL_GLIDES | _SMALL_VOWELS)[kana] + STRESS])
        elif kana == _LONG_VOWEL:
            held = _last_vowel(said)
            said.append([held] if held else [])
        elif kana == _SMALL_TSU:
            said.append([])
        else:
            sound = _KANA.get(kana, ())
            said.append([p + STRESS if p in _VOWELS else p for p in sound])
    return [tuple(sound) for sound in said]


def _vowel_at_end(sound: list[str]) -> bool:
    return bool(sound) and sound[-1].rstrip("1") in _VOWELS


def _last_vowel(said: list[list[str]]) -> str | None:
    for sound in reversed(said):
        if sound:
            return sound[-1] if sound[-1].rstrip("1") in _VOWELS else None
    return None
