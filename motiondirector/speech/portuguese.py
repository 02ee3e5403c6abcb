"""Phonemes of Portuguese words, read by the rules of Portuguese spelling (as Brazil says them).

Portuguese words went to the English letter-to-sound rules: "não" ended on an English
diphthong, "obrigado" on OW, "noite" on T, "também" closed the lips on a final M. A line in
Portuguese (stated, or told by the script's words: `scene.language`) is read by its letters, as
far as the lips and jaw show them:

- a vowel before m or n that no vowel follows is nasal, the m or n unsaid ("também" ends on EY,
  "falam" on AW, "canto" is K AA T U); ão as AW, ãe as AY, õe as OY, ã as AA;
- ai, ei, oi, ou, au, eu, iu, ui as one syllable each; the vowels a e i o u as AA EH IY OW UW,
  ê as EY; an unstressed final e, o and a are reduced to IY, UW and AH ("noite", "obrigado");
- lh as L Y, nh as N Y, ch and x as SH, ç and c or sc before e or i as S, g before e or i and j
  as ZH, qu and gu as K and G before e or i (else K W, G W), h silent, s between vowels as Z,
  r opening a word or after n, l or s and rr as HH (no lips), l closing a syllable as W, t and d
  before an i sound as CH and JH ("noite", "cidade");
- the stressed vowel is the accented one (á é í ó ú â ê ô ã õ), else the one before last in a
  word ending in a, e, o (with s), am, em or ens, else the last. In a hyphenated word the first
  part is stressed ("senta-se").
"""

from __future__ import annotations

import unicodedata

PORTUGUESE = "pt"

# Longest spelling first. A nasal vowel is read before these (see `_nasal`).
_VOWELS = (
    ("ãos", "AW"), ("ão", "AW"), ("ães", "AY"), ("ãe", "AY"), ("õe", "OY"), ("ai", "AY"),
    ("ái", "AY"), ("ei", "EY"), ("éi", "EH Y"), ("oi", "OY"), ("ói", "OY"), ("ou", "OW"),
    ("au", "AW"), ("eu", "EH W"), ("éu", "EH W"), ("iu", "IY W"), ("ui", "UW Y"), ("a", "AA"),
    ("á", "AA"), ("à", "AA"), ("â", "AH"), ("ã", "AA"), ("e", "EH"), ("é", "EH"), ("ê", "EY"),
    ("i", "IY"), ("í", "IY"), ("o", "OW"), ("ó", "OW"), ("ô", "OW"), ("õ", "OW"), ("u", "UW"),
    ("ú", "UW"), ("ü", "UW"), ("y", "IY"),
)  # fmt: skip
_NASAL = {"a": "AA", "â": "AA", "e": "EY", "ê": "EY", "é": "EY", "i": "IY", "í": "IY",
          "o": "OW", "ô": "OW", "ó": "OW", "u": "UW", "ú": "UW"}  # fmt: skip
_CONSONANTS = (
    ("lh", "L Y"), ("nh", "N Y"), ("ch", "SH"), ("rr", "HH"), ("ss", "S"), ("sç", "S"),
    ("sc", "S", "front"), ("qu", "K", "front"), ("qu", "K W"), ("gu", "G", "front"),
    ("gu", "G W"), ("ç", "S"), ("c", "S", "front"), ("c", "K"), ("g", "ZH", "front"),
    ("g", "G"), ("j", "ZH"), ("h", ""), ("x", "SH"), ("z", "Z"), ("b", "B"), ("d", "D"),
    ("f", "F"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"), ("p", "P"), ("r", "R"),
    ("s", "S"), ("t", "T"), ("v", "V"), ("w", "W"),
)  # fmt: skip
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzáàâãçéêíóôõúü")
_VOWEL_LETTERS = frozenset("aeiouyáàâãéêíóôõúü")
_ACCENTED = frozenset("áâãéêíóôõú")
_FRONT = frozenset("eiéêí")
_VOWEL_PHONEMES = frozenset({"AA", "AH", "AW", "AY", "EH", "EY", "IY", "OW", "OY", "UW"})
_REDUCED = {"e": "IY", "o": "UW", "a": "AH"}


def portuguese_phonemes(word: str) -> tuple[str, ...] | None:
    """The ARPAbet phonemes of one Portuguese word, the stressed vowel with 1 and the others 0;
    None for a word without a vowel or with letters outside the Portuguese alphabet."""
    parts = [_part_phonemes(part) for part in word.split("-") if any(map(str.isalpha, part))]
    if not parts or any(part is None for part in parts):
        return None
    first = parts[0] or ()
    rest = [p[:-1] + "0" if p.endswith("1") else p for part in parts[1:] for p in part or ()]
    return (*first, *rest)


def _part_phonemes(word: str) -> tuple[str, ...] | None:
    letters = "".join(c for c in unicodedata.normalize("NFC", word.lower()) if c.isalpha())
    if not letters or not set(letters) <= _LETTERS or not set(letters) & _VOWEL_LETTERS:
        return None
    said: list[str] = []
    accented_at = -1  # where in `said` the accented vowel is
    index = 0
    while index < len(letters):
        rest = letters[index:]
        nasal = _nasal(letters, index)
        vowel = next(((s, p) for s, p in _VOWELS if rest.startswith(s)), None)
        if nasal is not None:
            spelled, sounds = nasal
        elif vowel is not None:
            spelled, sounds = vowel
        else:
            consonant = _consonant(letters, index)
            if consonant is None:
                return None
            spelled, sounds = consonant
            said.extend(sounds.split())
            index += len(spelled)
            continue
        if set(spelled) & _ACCENTED:
            accented_at = len(said) + (1 if sounds.startswith(("W ", "Y ")) else 0)
        said.extend(sounds.split())
        index += len(spelled)
    vowels = [at for at, phoneme in enumerate(said) if phoneme in _VOWEL_PHONEMES]
    if not vowels:
        return None
    stressed = accented_at if accented_at in vowels else vowels[_stressed(letters, len(vowels))]
    last = vowels[-1]
    final = letters.rstrip("s")[-1:]
    if stressed != last and final in _REDUCED and len(vowels) > 1:
        said[last] = _REDUCED[final]
    return tuple(
        f"{phoneme}{int(at == stressed)}" if at in vowels else phoneme
        for at, phoneme in enumerate(said)
    )


def _nasal(letters: str, index: int) -> tuple[str, str] | None:
    """A vowel before an m or n that no vowel (nor h, of nh) follows: the vowel alone, nasal;
    a final -am is AW ("falam"), a final -em or -ens EY ("também")."""
    vowel = letters[index]
    after = letters[index + 2 : index + 3]
    if vowel not in _NASAL or letters[index + 1 : index + 2] not in ("m", "n"):
        return None
    if after and (after in _VOWEL_LETTERS or after == "h"):
        return None
    if index > 0 and letters[index - 1] in _VOWEL_LETTERS and vowel in "iu":
        return None  # the second letter of a diphthong ("muito" is read from its u)
    ending = letters[index + 2 :] in ("", "s")
    sounds = "AW" if vowel == "a" and letters[index + 1] == "m" and ending else _NASAL[vowel]
    return letters[index : index + 2], sounds


def _consonant(letters: str, index: int) -> tuple[str, str] | None:
    """The consonant spelled at `index` and its sounds, by the rules of the module."""
    for spelled, sounds, *condition in _CONSONANTS:
        end = index + len(spelled)
        if letters[index:end] != spelled:
            continue
        following = letters[end : end + 1]
        if condition and following not in _FRONT:
            continue
        before = letters[index - 1 : index]
        if spelled == "s" and before in _VOWEL_LETTERS and following in _VOWEL_LETTERS:
            sounds = "Z"  # "casa"
        elif spelled == "r" and (index == 0 or before in ("n", "l", "s")):
            sounds = "HH"  # "rua", "honra"
        elif spelled == "l" and following not in _VOWEL_LETTERS and following != "h":
            sounds = "W"  # "Brasil", "alto"
        elif spelled in ("t", "d") and _before_i(letters, end):
            sounds = "CH" if spelled == "t" else "JH"  # "noite", "cidade"
        return spelled, sounds
    return None


def _before_i(letters: str, at: int) -> bool:
    """Whether an i sound is said at `at`: an i, or a final unaccented e ("noite", "tardes")."""
    following = letters[at : at + 1]
    return following in ("i", "í") or (following == "e" and letters[at + 1 :] in ("", "s"))


def _stressed(letters: str, vowels: int) -> int:
    """Which vowel a word without an accent stresses: the one before last where the word ends
    in a, e, o (with s), am, em or ens, else the last."""
    if vowels > 1 and letters.endswith(("a", "e", "o", "as", "es", "os", "am", "em", "ens")):
        return vowels - 2
    return vowels - 1
