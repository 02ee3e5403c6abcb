"""A readable, plain-text summary of a MotionPlan: per character, events by channel and the
emotion of each line. Used by `motiondirector demo` and handy in notebooks."""

from __future__ import annotations

import textwrap
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motiondirector.plan.motion_plan import MotionPlan

_CHANNELS = ("face", "head", "gaze", "gesture", "posture")


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide characters (Chinese, Japanese, Korean) two,
    marks drawn on the letter before them (Thai tone marks, Hindi's candrabindu) and
    invisible joiners none."""
    return sum(_columns(char) for char in text)


def _columns(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def padded(text: str, width: int) -> str:
    """`text` followed by spaces to `width` terminal columns (as `f"{text:<width}"` does for
    narrow characters only)."""
    return text + " " * max(0, width - display_width(text))


def name_column(names: Iterable[str], minimum: int = 16) -> int:
    """The width of a column of character names: the widest, and at least `minimum`."""
    return max([minimum, *(display_width(name) for name in names)])


def count_noun(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and the noun in the right number: "1 segment", "2 segments"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def summarize_plan(plan: MotionPlan, *, width: int = 88) -> str:
    info = plan.scene
    names = name_column(track.name for track in plan.characters)
    languages = Counter(u.language for u in plan.utterances if u.language is not None)
    said_in = "".join(
        f", {count_noun(count, 'line')} in {language}" for language, count in languages.items()
    )
    lines = [
        f"{info.title or info.source or 'Untitled scene'}: {info.duration:.1f} s, "
        f"{count_noun(len(plan.beats), 'beat')}, {count_noun(len(plan.utterances), 'line')}"
        f"{said_in}, planner {info.planner}",
        "",
        "Events per character and channel:",
        f"  {padded('character', names)}"
        + "".join(f"{c:>9}" for c in _CHANNELS)
        + f"{'blinks':>9}",
    ]
    for track in plan.characters:
        counts: Counter[str] = Counter(e.channel for e in track.events)
        blinks = sum(1 for e in track.events if e.channel == "face" and e.au == 45)
        counts["face"] -= blinks
        row = "".join(f"{counts[c]:>9}" for c in _CHANNELS)
        lines.append(f"  {padded(track.name, names)}{row}{blinks:>9}")
    lines += ["", "Lines:"]
    for utterance in plan.utterances:
        emotion = f"{utterance.emotion.label} {utterance.emotion.intensity:.2f}"
        head = f"  {utterance.start:6.1f}s {padded(utterance.speaker, 10)} [{emotion:<13}] "
        text = textwrap.shorten(utterance.text, width=max(20, width - len(head)), placeholder="…")
        lines.append(head + text)
        gestures = [
            e.lexeme
            for track in plan.characters
            if track.name == utterance.speaker
            for e in track.events
            if e.utterance_id == utterance.id and e.channel in ("gesture", "head")
        ]
        if gestures:
            lines.append(" " * len(head) + "↳ " + ", ".join(gestures))
    return "\n".join(lines) + "\n"
