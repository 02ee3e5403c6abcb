"""Phonemes of German words, whose spelling says how they are said.

German words went to the English letter-to-sound rules: "schön" came out with S K, "weiß" with
a W, "Ich" with CH. A line in German (stated, or told by the script's words: `scene.language`)
is read by its letters: sch as SH, ch as HH (no lips), sp and st opening a word as SH P and SH T,
w as V, v as F, z and tz as T S, pf as P F, qu as K V, j as Y, ß and ss as S, s before a vowel
opening a word as Z, b d g closing a word as P T K (-ig as IH HH); the vowels a e i o u as AA EH
IY OW UW, ä as EH, ö as OW and ü as UW (rounded, as the lips show them), ei and ai as AY, eu and
äu as OY, au as AW, ie as IY, a vowel with h or doubled as one, and a final -e or -en as AH. The
first syllable is stressed, or the second after an unstressed prefix of a longer word (be-, ge-,
ver-, zer-, ent-, emp-: "verstehen", not "gehen"); a doubled consonant is said once.
"""

from __future__ import annotations

GERMAN = "de"

_VOWELS = (
    ("aa", "AA"), ("ah", "AA"), ("ai", "AY"), ("au", "AW"), ("ay", "AY"), ("ee", "EY"),
    ("eh", "EY"), ("ei", "AY"), ("eu", "OY"), ("ey", "AY"), ("ie", "IY"), ("ih", "IY"),
    ("oo", "OW"), ("oh", "OW"), ("uh", "UW"), ("äu", "OY"), ("äh", "EH"), ("öh", "OW"),
    ("üh", "UW"), ("a", "AA"), ("e", "EH"), ("i", "IH"), ("o", "OW"), ("u", "UW"),
    ("ä", "EH"), ("ö", "OW"), ("ü", "UW"), ("y", "UW"),
)  # fmt: skip
_CONSONANTS = (
    ("tsch", "CH"), ("sch", "SH"), ("chs", "K S"), ("ch", "HH"), ("ck", "K"), ("ph", "F"),
    ("pf", "P F"), ("qu", "K V"), ("tz", "T S"), ("th", "T"), ("ng", "NG"), ("nk", "NG K"),
    ("ss", "S"), ("ß", "S"), ("b", "B"), ("c", "K"), ("d", "D"), ("f", "F"), ("g", "G"),
    ("h", "HH"), ("j", "Y"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"), ("p", "P"),
    ("r", "R"), ("s", "S"), ("t", "T"), ("v", "F"), ("w", "V"), ("x", "K S"), ("z", "T S"),
)  # fmt: skip
_DEVOICED = {"B": "P", "D": "T", "G": "K"}
_PREFIXES = ("be", "ge", "ver", "zer", "ent", "emp")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüß")
_VOWEL_LETTERS = frozenset("aeiouäöüy")


def german_phonemes(word: str) -> tuple[str, ...] | None:
    """The ARPAbet phonemes of one German word, the stressed vowel with 1 and the others 0;
    None for a word without a vowel or with letters outside the German alphabet."""
    letters = "".join(char for char in word.lower() if char.isalpha())
    if not letters or not set(letters) <= _LETTERS:
        return None
    said: list[str] = []
    vowels: list[int] = []
    index = 0
    while index < len(letters):
        rest = letters[index:]
        if index == 0 and rest[:2] in ("sp", "st"):
            said.extend(("SH", "P" if rest[1] == "p" else "T"))
            index += 2
            continue
        vowel = next(((s, p) for s, p in _VOWELS if rest.startswith(s)), None)
        if vowel is not None:
            vowels.append(len(said))
            said.append(vowel[1] + "0")
            index += len(vowel[0])
            continue
        if rest[1:2] == rest[0] and rest[0] not in _VOWEL_LETTERS:
            index += 1  # a doubled consonant is said once ("Sonne", "Bitte")
            continue
        consonant = next(((s, p) for s, p in _CONSONANTS if rest.startswith(s)), None)
        if consonant is None:
            return None
        spelled, sounds = consonant
        end = index + len(spelled)
        if spelled == "s" and index == 0 and letters[end : end + 1] in _VOWEL_LETTERS:
            sounds = "Z"  # "Sonne"
        if end == len(letters) and sounds in _DEVOICED:
            sounds = _DEVOICED[sounds]
        if spelled == "g" and end == len(letters) and letters[index - 1 : index] == "i":
            sounds = "HH"  # "-ig"
        said.extend(sounds.split())
        index = end
    if not vowels:
        return None
    if len(vowels) > 1 and (letters.endswith("e") or letters.endswith("en")):
        said[vowels[-1]] = "AH0"  # the final schwa
    stressed = 1 if len(vowels) > 2 and letters.startswith(_PREFIXES) else 0
    said[vowels[stressed]] = said[vowels[stressed]][:-1] + "1"
    return tuple(said)
