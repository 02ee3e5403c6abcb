"""What the characters who are not speaking do during a line.

Every listener on stage looks at the speaker, nods at some phrase ends of a longer turn, mirrors
a happy speaker's smile, shows concern at a sad or afraid one, and at one who says they are
angry ("I'm really frustrated", "That's unacceptable") or angry at something else ("This is
ridiculous!"), raises the brows at surprising content and frowns at anger aimed at them: said
with "you", or an order, a threat, a refusal or a dismissal. It only chooses and anchors; the
realizer times it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from motiondirector.plan.direction import Behaviour
from motiondirector.plan.scene import Utterance
from motiondirector.planners.cues import Token, inferred_note

BACKCHANNEL_MIN_WORDS = 8
BACKCHANNEL_MIN_GAP = 5  # words between two nods of one listener
BACKCHANNEL_MAX = 3


def _stable(*parts: object) -> int:
    return zlib.crc32(":".join(str(p) for p in parts).encode("utf-8"))


def _phrase_ends(tokens: Sequence[Token]) -> list[int]:
    """Words that close a clause or sentence inside the turn (not its last word)."""
    return [
        t.index
        for t in tokens[:-1]
        if t.clause_end and t.end_mark != "?" and t.index >= BACKCHANNEL_MIN_GAP - 1
    ]


def backchannel_points(utterance: Utterance, tokens: Sequence[Token], listener: str) -> list[int]:
    """Phrase ends where `listener` nods: spaced out, a few per turn, varied per listener."""
    if len(tokens) < BACKCHANNEL_MIN_WORDS:
        return []
    ends = _phrase_ends(tokens)
    if not ends:
        return []
    limit = min(BACKCHANNEL_MAX, 1 + len(tokens) // 15)
    ordered = sorted(ends, key=lambda i: (_stable(utterance.id, listener, i) % 3 != 0, i))
    chosen: list[int] = []
    for index in ordered:
        if all(abs(index - c) >= BACKCHANNEL_MIN_GAP for c in chosen):
            chosen.append(index)
        if len(chosen) >= limit:
            break
    return sorted(chosen)


def listener_behaviours(
    utterance: Utterance,
    tokens: Sequence[Token],
    listeners: Sequence[str],
    *,
    emotion: str,
    intensity: float,
    addressees: Sequence[str],
    feeling_told: bool = False,
    vented: bool = False,
) -> list[Behaviour]:
    """The behaviours of every listener during `utterance`; `feeling_told`: the line says in words
    how its speaker feels (its emotion words in a stating frame: "I'm so angry"); `vented`: its
    anger is at something, not at whom it is said to ("This is ridiculous!")."""
    behaviours: list[Behaviour] = []
    if not tokens:
        return behaviours
    last = len(tokens) - 1
    speaker = utterance.speaker
    exclaims = [t.index for t in tokens if t.exclaims]
    for listener in listeners:

        def add(
            channel: str, rule: str, reason: str, who: str = listener, **fields: object
        ) -> None:
            behaviours.append(
                Behaviour.model_validate(
                    {"character": who, "channel": channel, "origin": "listener"}
                    | {"rule": rule, "reason": reason}
                    | fields
                )
            )

        add("gaze", "rules.listener.gaze", f"listening to {speaker}", target=speaker, word=0)
        for index in backchannel_points(utterance, tokens, listener):
            add(
                "head",
                "rules.listener.backchannel",
                f'phrase end "{tokens[index].text}"{inferred_note(tokens)}',
                lexeme="nod",
                word=index,
                intensity=0.3,
            )
        if emotion == "joy" and intensity >= 0.3:
            add(
                "face",
                "rules.listener.smile",
                f"{speaker} is happy ({intensity:.2f})",
                au=12,
                word=0,
                until_word=last,
                intensity=round(0.5 * intensity, 3),
            )
        if emotion == "surprise" or exclaims:
            first, until = (0, last) if emotion == "surprise" else (exclaims[0], exclaims[0])
            reason = (
                f"{speaker} is surprised"
                if emotion == "surprise"
                else (f'exclamation "{tokens[first].text}"')
            )
            for au in (1, 2):
                add(
                    "face",
                    "rules.listener.brows",
                    reason,
                    au=au,
                    word=first,
                    until_word=until,
                    intensity=round(0.3 + 0.3 * intensity, 3),
                )
        told_anger = emotion == "anger" and (feeling_told or vented)
        if (emotion in ("sadness", "fear") or told_anger) and intensity >= 0.3:
            # The face of concern: brows raised at the middle and drawn together (AU1 + AU4),
            # lighter than the speaker's own, not a copy of their sorrow or fear. Told "I'm
            # really frustrated", or met with anger at something else, a listener answers the
            # feeling, not as if attacked.
            angry = "says they are angry" if feeling_told else "is angry, not at them"
            feeling = {"sadness": "is sad", "fear": "is afraid", "anger": angry}
            for au, share in ((1, 0.5), (4, 0.3)):
                add(
                    "face",
                    "rules.listener.concern",
                    f"{speaker} {feeling[emotion]} ({intensity:.2f})",
                    au=au,
                    word=0,
                    until_word=last,
                    intensity=round(share * intensity, 3),
                )
        aimed = listener in addressees or (not addressees and len(listeners) == 1)
        if emotion == "anger" and aimed and not told_anger:
            add(
                "face",
                "rules.listener.frown",
                f"{speaker}'s anger is aimed at {listener}",
                au=4,
                word=0,
                until_word=last,
                intensity=round(0.5 * intensity, 3),
            )
    return behaviours
