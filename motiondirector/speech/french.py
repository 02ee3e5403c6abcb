"""Phonemes of French words, read by the rules of French spelling.

French words went to the English letter-to-sound rules, which say every letter they see:
"beaucoup" closed the lips on a final P, "temps" on M and P, "parle" had two syllables. A line in
French (stated, or told by the script's words: `scene.language`) is read by its letters instead,
as far as the lips and jaw show them:

- a word's last consonant is silent, unless it is c, r, f or l ("avec", "pour", "neuf", "il");
  -er and -ez are EY ("parler", "nez"); -es and -e are silent after another vowel ("tables",
  "parle"), but a one-vowel word keeps its vowel ("le", "les", "de");
- a vowel before n or m that no vowel or second n/m follows is nasal: the vowel alone, the lips
  open ("temps" T AA, "bon" B OW, "vin" V EH, "bien" B Y EH); "bonne" and "ami" are not;
- eau, au as OW, ou as UW, oi as W AA, ai, ei and è ê as EH, é and -et as EY, eu and œu as OW
  and u as UW (rounded, as the lips show them), ui as W IY, ill after a vowel or in -ille as Y;
- ch as SH, ph as F, th as T, gn as N Y, qu as K, c and g before e, i or y as S and ZH, ç as S,
  j as ZH, h silent, s between vowels as Z, -tion as S Y OW, a doubled consonant once.

The last vowel said is stressed, as French stresses a phrase's last full syllable.
"""

from __future__ import annotations

FRENCH = "fr"

_VOWELS = (
    ("ouill", "UW Y"), ("euill", "OW Y"), ("aill", "AA Y"), ("eill", "EH Y"), ("oui", "W IY"),
    ("ail", "AA Y"), ("eil", "EH Y"), ("eaux", "OW"), ("eau", "OW"), ("aux", "OW"), ("au", "OW"),
    ("oeu", "OW"), ("œu", "OW"), ("ou", "UW"), ("où", "UW"), ("oû", "UW"), ("oi", "W AA"),
    ("oy", "W AA Y"), ("ai", "EH"), ("aî", "EH"), ("ay", "EH Y"), ("ei", "EH"), ("eu", "OW"),
    ("eû", "OW"), ("ui", "W IY"),
    ("a", "AA"), ("à", "AA"), ("â", "AA"), ("é", "EY"), ("è", "EH"), ("ê", "EH"), ("ë", "EH"),
    ("e", "AH"), ("i", "IY"), ("î", "IY"), ("ï", "IY"), ("y", "IY"), ("o", "OW"), ("ô", "OW"),
    ("u", "UW"), ("û", "UW"), ("ù", "UW"), ("ü", "UW"), ("œ", "OW"), ("æ", "EY"),
)  # fmt: skip
# Nasal vowels, before an n or m that no vowel or second n/m follows: the vowel, lips open.
_NASALS = (
    ("ain", "EH"), ("aim", "EH"), ("ein", "EH"), ("eim", "EH"), ("oin", "W EH"), ("ien", "Y EH"),
    ("an", "AA"), ("am", "AA"), ("en", "AA"), ("em", "AA"), ("on", "OW"), ("om", "OW"),
    ("in", "EH"), ("im", "EH"), ("yn", "EH"), ("ym", "EH"), ("un", "EH"), ("um", "EH"),
)  # fmt: skip
_CONSONANTS = (
    ("tion", "S Y OW"), ("sch", "SH"), ("ch", "SH"), ("ph", "F"), ("th", "T"), ("gn", "N Y"),
    ("qu", "K"), ("gu", "G"), ("ç", "S"), ("b", "B"), ("c", "K"), ("d", "D"), ("f", "F"),
    ("g", "G"), ("h", ""), ("j", "ZH"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"),
    ("p", "P"), ("r", "R"), ("s", "S"), ("t", "T"), ("v", "V"), ("w", "W"), ("x", "K S"),
    ("z", "Z"),
)  # fmt: skip
# Words in -ent that are no verb, whose ending is said ("souvent", "content").
_SAID_ENT = frozenset(
    {"souvent", "content", "parent", "argent", "présent", "absent", "accident", "urgent",
     "violent", "prudent", "évident", "différent", "intelligent", "patient", "client", "talent",
     "serpent", "agent", "adolescent", "innocent", "incident", "récent", "excellent"}
)  # fmt: skip
_UNSAID_E = "ə"
"""Where a final e was, after n or m: unsaid, but "une" is not the nasal "un"."""
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzàâæçéèêëîïôœùûüÿ")
_CONSONANT_LETTERS = _LETTERS - frozenset("aeiouyàâæéèêëîïôœùûüÿ")
_VOWEL_LETTERS = frozenset("aeiouyàâæéèêëîïôœùûüÿ")
_SOFT = frozenset("eiyéèêëîï" + _UNSAID_E)
_VOWEL_PHONEMES = frozenset({"AA", "AH", "EH", "EY", "IY", "OW", "UW"})


def french_phonemes(word: str) -> tuple[str, ...] | None:
    """The ARPAbet phonemes of one French word, the stressed vowel with 1 and the others 0;
    None for a word without a vowel or with letters outside the French alphabet. The parts of
    a hyphenated word are read as words ("étais-tu", "l'après-midi"), the last one stressed."""
    parts = [_part_phonemes(part) for part in word.split("-") if any(map(str.isalpha, part))]
    if not parts or any(part is None for part in parts):
        return None
    said = [phoneme for part in parts for phoneme in part or ()]
    last = max(at for at, phoneme in enumerate(said) if phoneme.endswith("1"))
    return tuple(p[:-1] + "0" if p.endswith("1") and at != last else p for at, p in enumerate(said))


def _part_phonemes(word: str) -> tuple[str, ...] | None:
    letters = "".join(char for char in word.lower() if char.isalpha())
    if not letters or not set(letters) <= _LETTERS:
        return None
    letters = _without_silent_ending(letters)
    said: list[str] = []
    index = 0
    while index < len(letters):
        rest = letters[index:]
        nasal = _nasal(letters, index)
        if nasal is not None:
            said.extend(nasal[1].split())
            index += len(nasal[0])
        elif rest.startswith("ill") and index > 0:
            # "fille" says its i; "travaille" has had its vowel.
            said.extend(("Y",) if letters[index - 1] in _VOWEL_LETTERS else ("IY", "Y"))
            index += 3
        elif rest[0] == _UNSAID_E:
            index += 1
        elif (vowel := next(((s, p) for s, p in _VOWELS if rest.startswith(s)), None)) is not None:
            closed = rest[1:2] in _CONSONANT_LETTERS and rest[2:3] in _CONSONANT_LETTERS | {""}
            # An e before two consonants, or one that ends the word, is open: "merci", "avec".
            said.extend(("EH",) if vowel[0] == "e" and closed else vowel[1].split())
            index += len(vowel[0])
        elif rest[1:2] == rest[0]:
            index += 1  # a doubled consonant is said once ("belle", "attendre")
        elif consonant := next(((s, p) for s, p in _CONSONANTS if rest.startswith(s)), None):
            spelled, sounds = consonant
            index += len(spelled)
            following = letters[index : index + 1]
            if spelled == "c" and following in _SOFT:
                sounds = "S"
            elif spelled == "g" and following in _SOFT:
                sounds = "ZH"
            elif spelled == "s" and _voices_s(letters, index - 1):
                sounds = "Z"
            said.extend(sounds.split())
        else:
            return None
    vowels = [at for at, phoneme in enumerate(said) if phoneme in _VOWEL_PHONEMES]
    if not vowels:
        return None
    stressed = vowels[-1] if said[vowels[-1]] != "AH" or len(vowels) == 1 else vowels[-2]
    return tuple(
        f"{phoneme}{int(at == stressed)}" if at in vowels else phoneme
        for at, phoneme in enumerate(said)
    )


def _voices_s(letters: str, at: int) -> bool:
    """Whether the s at `at` is between two vowels, where French says Z ("maison", "chose";
    "aussi" has two s)."""
    after = letters[at + 1 : at + 2]
    return (
        at > 0
        and letters[at - 1] in _VOWEL_LETTERS
        and (after in _VOWEL_LETTERS or after == _UNSAID_E)
    )


def _without_silent_ending(letters: str) -> str:
    """`letters` without the ending French leaves unsaid: -ent of a verb ("parlent"), a final
    consonant other than c, r, f or l ("beaucoup", "petit", "temps"), then a final e after
    another vowel ("tables", "parle"); -er and -ez of a longer word as é ("parler", "nez"), -es
    of a one-vowel word as é ("les")."""
    vowels = _vowel_count(letters)
    if letters == "et":
        return "é"
    if vowels > 1 and letters.endswith(("er", "ez")):
        return letters[:-2] + "é"
    if vowels == 1 and letters.endswith("es"):
        return letters[:-2] + "é"
    if (
        letters.endswith("ent")
        and vowels > 1
        and letters not in _SAID_ENT
        and not letters.endswith("ment")
    ):
        letters = letters[:-2]  # "parlent" -> "parle"
    trimmed = letters.rstrip("bdgpstxz") or letters
    if trimmed != letters and trimmed.endswith("e") and _vowel_count(trimmed) == 1:
        return trimmed[:-1] + "è"  # "est", "c'est"
    if trimmed.endswith("e") and _vowel_count(trimmed) > 1:
        # Unsaid, the final e still softens a c or g ("France", "mange"), voices an s ("chose")
        # and keeps an n or m from being nasal ("une", "comme").
        trimmed = trimmed[:-1] + _UNSAID_E
    return trimmed


def _vowel_count(letters: str) -> int:
    runs = 0
    previous = False
    for char in letters:
        vowel = char in _VOWEL_LETTERS
        runs += vowel and not previous
        previous = vowel
    return runs


def _nasal(letters: str, index: int) -> tuple[str, str] | None:
    """The nasal vowel spelled at `index`, if one is: its vowel letters and n or m, with no
    vowel or second n/m after them."""
    rest = letters[index:]
    for spelled, sounds in _NASALS:
        if not rest.startswith(spelled):
            continue
        after = rest[len(spelled) : len(spelled) + 1]
        if after and (after in _VOWEL_LETTERS or after in "nmh" + _UNSAID_E):
            return None
        if spelled[0] in "iu" and index > 0 and letters[index - 1] in "aeo":
            return None  # "ain", "oin" are read whole from their first vowel
        return spelled, sounds
    return None
