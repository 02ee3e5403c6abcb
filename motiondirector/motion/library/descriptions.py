"""Natural-language descriptions of library clips, for people and for text retrieval.

Each clip gets four: a sentence ("waves with the right hand, large and quick, happily"), a
noun phrase ("a cheerful, large, quick right-handed wave"), a plain labelled line that names
the lexeme, hand and every variant in words, and the vocabulary's meaning of the lexeme ("wave:
hand waves; greeting or farewell"). Pure string building; no motion here.
"""

from __future__ import annotations

from motiondirector.motion.library.keyframes import LexemeSpec, LibraryData
from motiondirector.plan.vocabulary import load_vocabulary

_WITH_HAND = {
    "right": "with the right hand",
    "left": "with the left hand",
    "both": "with both hands",
}
_HANDED = {"right": "right-handed ", "left": "left-handed ", "both": "two-handed "}


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def describe(
    spec: LexemeSpec,
    data: LibraryData,
    hand: str | None,
    amplitude: str,
    tempo: str,
    style: str,
) -> tuple[str, ...]:
    """The descriptions of one variant of `spec`."""
    manner = [
        words
        for words in (data.amplitude_words[amplitude], data.tempo_words[tempo])
        if words  # the normal amplitude and tempo go without saying
    ]
    styled = data.styles[style]
    verb = " ".join(spec.verb.format(hand=_WITH_HAND.get(hand or "", ""), side=hand or "").split())
    sentence = verb
    if manner:
        sentence += ", " + " and ".join(manner)
    if styled.adverb:
        sentence += ", " + styled.adverb
    adjectives = ", ".join(word for word in (styled.adjective, *manner) if word)
    noun = f"{_HANDED.get(hand or '', '')}{spec.noun}"
    phrase = f"{adjectives} {noun}" if adjectives else noun
    labels = [f"{hand} hand"] if hand else []
    labels += [f"{amplitude} amplitude", f"{tempo} tempo", f"{style} style ({styled.emotion})"]
    label = f"{spec.lexeme.replace('_', ' ')} ({spec.channel}): {', '.join(labels)}"
    # The vocabulary's own one-line meaning says what the movement is and what it means, which
    # keeps near-opposites (nod/shake, lean forward/back, turn/turn away) apart.
    meaning = f"{spec.noun}: {_meaning(spec)}"
    return (sentence, f"{_article(phrase)} {phrase}", label, meaning)


def _meaning(spec: LexemeSpec) -> str:
    vocabulary = load_vocabulary()
    table = {
        "gesture": vocabulary.gestures,
        "head": vocabulary.head,
        "posture": vocabulary.postures,
    }
    return table[spec.channel][spec.lexeme]
