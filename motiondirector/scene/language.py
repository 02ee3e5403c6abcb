"""The language each line is said in: as the script states it, else as its writing tells.

Most writing says how it is read, but not all of it: Chinese characters are read one way in
Mandarin, another in Cantonese and another in Japanese (大丈夫 is da-zhang-fu, daai-zoeng-fu,
da-i-jo-u-bu), and Vietnamese typed without its accents looks like any Latin text. A script may
state its language (a Fountain title page's `Language: ja`, dialogue JSON's `language`, the
`--language` option, a session's `language`); a line's own statement wins over the script's.
Where nothing is stated, a script that writes kana in its dialogue is Japanese: its lines in
Japanese characters (kana or kanji) are marked `ja`, so that a line of kanji alone (無理!) is
read as Japanese, not as Mandarin; one that writes a character only written Cantonese uses (佢,
嘅, 咗) is Cantonese: its lines in Chinese characters are marked `yue`. A script whose words are
mostly Spanish, French, German, Italian or Portuguese (told by their most common words, which
English does not share: "el", "est", "und", "che", "não") is in that language: its lines and
action in Latin letters are marked with it, so that each is timed at its language's pace and
its action lines are read in it (`planners.action_gloss`). Every other line stays unmarked and
is read by its writing (`speech.track`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from motiondirector.errors import ScriptError
from motiondirector.plan.scene import language_problem
from motiondirector.scene.elements import ParsedScript, RawAction, RawTurn, SpeechLine
from motiondirector.speech.cantonese import writes_cantonese
from motiondirector.speech.kana import is_kana
from motiondirector.speech.mandarin import is_han

JAPANESE = "ja"
CANTONESE = "yue"

# Frequent words of each language that English and the others here do not share (so "de",
# "la", "que", "il", "si", "no" and "die" are left out): a script's language is the one most of
# these words belong to.
_COMMON_WORDS = {
    "en": "the and you is it that of to what this with for have are was not they we my your "
    "don't it's i'm can there them their do just know yeah oh me he she her his",
    "es": "el los las del y está pero muy qué sí yo tú él ella ellos esto eso aquí ahora cómo "
    "porque cuando hay tengo estoy puedo también usted hola gracias bueno algo todo dónde "
    "quién hacia entonces después desde mientras sus despacio frente mira sienta acerca",
    "fr": "les et est je ce cette qui dans pour avec sur mais oui très rien merci bonjour "
    "c'est j'ai suis être nous vous ils elle au aux du des une pas puis vers ses leur "
    "regarde lève s'assoit",
    "de": "der das und ist nicht ich sie wir ein eine den dem mit auf für von aber wie nein "
    "auch noch sich doch hier jetzt danke bitte zu dann langsam zum zur vom seine ihre "
    "sieht steht geht setzt",
    "it": "il che è di per sono ma ho questo quello cosa perché anche molto grazie gli della "
    "nel sul io noi voi loro sei hai qui adesso niente tutto ci lo poi verso mentre dalla "
    "sulla nella alla guarda siede alza",
    "pt": "os um uma não é do da dos das em na para com mas eu você ele ela nós isso isto "
    "aqui agora muito obrigado obrigada sim então também estou tenho bem tudo coisa meu "
    "minha sua ao olha depois enquanto lhe",
}
_LANGUAGE_OF = {language: frozenset(words.split()) for language, words in _COMMON_WORDS.items()}
LATIN_LANGUAGES = frozenset(_LANGUAGE_OF) - {"en"}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MIN_WORDS = 20  # fewer words than this tell no language
_MIN_SHARE = 0.12  # of all words, the telling language's common words at least this share
_MIN_DISTINCT = 4  # and at least this many different ones: "'em, 'em, 'em" is not Portuguese


def check_language(value: str, *, file: str | None = None, line: int | None = None) -> str:
    """`value` stripped, if it is a language tag; else a ScriptError naming it."""
    tag = value.strip()
    problem = language_problem(tag)
    if problem is not None:
        raise ScriptError(problem, file=file, line=line)
    return tag


def written_language(texts: Iterable[str]) -> str | None:
    """The language `texts` (a script's lines, a conversation's turns) tell by their writing
    alone: `ja` where one writes kana, else `yue` (Cantonese) where one writes a character only
    written Cantonese uses; None where none does."""
    texts = [text for text in texts if not text.isascii()]
    if any(any(map(is_kana, text)) for text in texts):
        return JAPANESE
    if any(writes_cantonese(text) for text in texts):
        return CANTONESE
    return None


def latin_language(texts: Iterable[str]) -> str | None:
    """The language (es, fr, de, it, pt) whose common words most of `texts` are, where at
    least `_MIN_WORDS` words are written and that language's words are a fair share of them,
    several different ones, and at least twice as many as any other's, English included; else
    None."""
    words = [word for text in texts for word in _WORD.findall(text.lower())]
    if len(words) < _MIN_WORDS:
        return None
    counts: Counter[str] = Counter()
    distinct: dict[str, set[str]] = {}
    for word in words:
        for language, common in _LANGUAGE_OF.items():
            if word in common:
                counts[language] += 1
                distinct.setdefault(language, set()).add(word)
    ranked = counts.most_common()
    if (
        not ranked
        or ranked[0][0] == "en"
        or ranked[0][1] < _MIN_SHARE * len(words)
        or len(distinct[ranked[0][0]]) < _MIN_DISTINCT
    ):
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] >= 2 * runner_up else None


def words_language(script: ParsedScript) -> str | None:
    """`latin_language` of a script's dialogue and action together."""
    said = [
        segment.text
        for element in script.elements
        if isinstance(element, RawTurn)
        for segment in element.segments
        if isinstance(segment, SpeechLine)
    ]
    acted = [element.text for element in script.elements if isinstance(element, RawAction)]
    return latin_language([*said, *acted])


def line_language(stated: str | None, text: str, *, written: str | None) -> str | None:
    """The language of one line: the one stated (the line's own, else its script's), else the
    one its script's writing tells (`written_language`, `latin_language`) for a line written
    in it (kana or Chinese characters for Japanese, Chinese characters for Cantonese, Latin
    letters for the others), else None."""
    if stated is not None:
        return stated
    if written in LATIN_LANGUAGES:
        return written if any(char.isalpha() and char.isascii() for char in text) else None
    if text.isascii():
        return None
    if written == JAPANESE and any(is_kana(char) or is_han(char) for char in text):
        return JAPANESE
    if written == CANTONESE and any(map(is_han, text)):
        return CANTONESE
    return None
