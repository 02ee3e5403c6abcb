"""The built-in clip catalog: every variant of every lexeme, as `LibraryClip` records.

Metadata (ids, descriptions, tags, phase times) comes from the keyframes alone and is cheap;
a clip's `Motion` is synthesized the first time `motion()` is asked for, then cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from motiondirector.errors import GestureLibraryError
from motiondirector.motion.clip import Motion
from motiondirector.motion.ground import keep_above_floor
from motiondirector.motion.library.descriptions import describe
from motiondirector.motion.library.keyframes import load_library_data
from motiondirector.motion.library.synthesis import (
    lexeme_track,
    scaled_track,
    synthesize,
    variant_track,
)
from motiondirector.motion.speed import (
    HEAD_TURN,
    HUMAN_SPEED_LIMITS,
    peaks,
    speed_headroom,
)

# The variants every hand of every lexeme gets besides its styled ones: (amplitude, tempo).
_PLAIN_VARIANTS: tuple[tuple[str, str], ...] = (
    ("normal", "normal"),
    ("small", "normal"),
    ("large", "normal"),
    ("normal", "slow"),
    ("normal", "fast"),
)


@dataclass(frozen=True)
class LibraryClip:
    """One clip of the built-in library: a lexeme performed with one hand, amplitude, tempo and
    emotional style. `phases` are the BML sync points (start, ready, stroke, relax, end) in
    seconds from the clip's first frame; `duration` is in seconds at 30 fps."""

    id: str
    lexeme: str
    channel: str
    hand: str | None
    amplitude: str
    tempo: str
    style: str
    descriptions: tuple[str, ...]
    tags: tuple[str, ...]
    duration: float
    phases: dict[str, float] = field(hash=False)
    persistent: bool = False

    @property
    def emotion(self) -> str:
        """The vocabulary emotion of the clip's style."""
        return load_library_data().styles[self.style].emotion

    def motion(self) -> Motion:
        """The clip's motion on the canonical skeleton (synthesized once, then shared; its
        arrays are read-only)."""
        return _clip_motion(
            self.lexeme, self.hand == "left", self.amplitude, self.tempo, self.style
        )


# m/s (°/s for the head turn). Every joint at most as fast as people's in the Bandai gestures
# and walks; runs, jumps, blows and dances as fast as people's in the Bandai runs and dashes
# (their maxima, rounded down; the head turns no faster in a run).
ATHLETIC_LEXEMES = frozenset({"run", "jump", "punch", "kick", "dance"})
ATHLETIC_SPEED_LIMITS = {
    "wrists": 10.7,
    "elbows": 8.3,
    "head": 5.2,
    "pelvis": 5.1,
    HEAD_TURN: 460.0,
}
# m/s² (°/s² for the head turn). Every joint speeding up at most as hard as people's anywhere
# in the Bandai clips (maxima, rounded down): an emphatic gesture is as sharp as a punch (wrists
# 162), a head toss as a kick (9,642); the everyday maxima (`HUMAN_ACCELERATION_LIMITS`) bound
# only how far the sequencer speeds a clip up.
ACTION_ACCELERATION_LIMITS = {
    "wrists": 173.0,
    "elbows": 98.0,
    "head": 37.0,
    "pelvis": 37.0,
    HEAD_TURN: 9600.0,
}


def _amplitude_headroom(motion: Motion, lexeme: str) -> float:
    """How much larger the clip could be, keeping its timing, before a group passes people's
    speed or acceleration: both scale almost linearly with the offsets at a fixed timing."""
    speeds, accelerations = peaks(motion)
    limits = ATHLETIC_SPEED_LIMITS if lexeme in ATHLETIC_LEXEMES else HUMAN_SPEED_LIMITS
    return min(
        speed_headroom(speeds, limits),
        speed_headroom(accelerations, ACTION_ACCELERATION_LIMITS),
    )


@cache
def _clip_motion(lexeme: str, mirror: bool, amplitude: str, tempo: str, style: str) -> Motion:
    track = variant_track(lexeme, mirror, amplitude, tempo)
    motion = keep_above_floor(synthesize(track, style))
    # On the floor (`keep_above_floor`), and a variant faster or jerkier than people move (a
    # large, fast fist pump reached 10 m/s at the wrist, a fast head toss 13,700 °/s²) is made
    # smaller, keeping its timing.
    for _ in range(8):
        headroom = _amplitude_headroom(motion, lexeme)
        if headroom >= 1.0:
            break
        track = scaled_track(track, headroom * 0.98)
        motion = keep_above_floor(synthesize(track, style))
    motion.rotations.setflags(write=False)
    motion.root_positions.setflags(write=False)
    return motion


@cache
def clip_peaks(clip_id: str) -> tuple[dict[str, float], dict[str, float]]:
    """(each group's highest speed, its highest acceleration) in the clip `clip_id` as the
    library plays it: m/s and m/s², °/s and °/s² for the head turn (`motion.speed.peaks`)."""
    return peaks(get_clip(clip_id).motion())


def clip_peak_speeds(clip_id: str) -> dict[str, float]:
    """The peak speeds of `clip_peaks`."""
    return clip_peaks(clip_id)[0]


def clip_peak_accelerations(clip_id: str) -> dict[str, float]:
    """The peak accelerations of `clip_peaks`."""
    return clip_peaks(clip_id)[1]


def _clip_id(lexeme: str, hand: str | None, amplitude: str, tempo: str, style: str) -> str:
    return ".".join([lexeme, *([hand] if hand else []), amplitude, tempo, style])


def _variants() -> list[tuple[str, str, str]]:
    styles = load_library_data().styles
    styled = [(s.amplitude, s.tempo, s.name) for s in styles.values() if s.name != "neutral"]
    return [(a, t, "neutral") for a, t in _PLAIN_VARIANTS] + styled


@cache
def looping_lexemes() -> frozenset[str]:
    """Posture lexemes that go on for as long as they are kept up (walk, run, dance): a loop
    that ends where it began, not a move into a new posture."""
    return frozenset(
        spec.lexeme
        for spec in load_library_data().lexemes.values()
        if spec.channel == "posture" and spec.cycle is not None and not spec.persistent
    )


@cache
def persistent_lexemes() -> frozenset[str]:
    """Posture lexemes whose clips end in a new posture that lasts (sit, kneel, ...)."""
    return frozenset(
        spec.lexeme for spec in load_library_data().lexemes.values() if spec.persistent
    )


@cache
def builtin_library() -> tuple[LibraryClip, ...]:
    """Every clip of the built-in library, sorted by id."""
    data = load_library_data()
    clips: list[LibraryClip] = []
    for spec in data.lexemes.values():
        hands = ("right", "left") if spec.hand == "right" else (spec.hand,)
        for hand in hands:
            for amplitude, tempo, style in _variants():
                track = lexeme_track(spec.lexeme, tempo)
                emotion = data.styles[style].emotion
                tags = (spec.lexeme, spec.channel, hand, amplitude, tempo, style, emotion)
                clips.append(
                    LibraryClip(
                        id=_clip_id(spec.lexeme, hand, amplitude, tempo, style),
                        lexeme=spec.lexeme,
                        channel=spec.channel,
                        hand=hand,
                        amplitude=amplitude,
                        tempo=tempo,
                        style=style,
                        descriptions=describe(spec, data, hand, amplitude, tempo, style),
                        tags=tuple(dict.fromkeys(tag for tag in tags if tag)),
                        duration=track.duration,
                        phases=dict(track.phases),
                        persistent=spec.persistent,
                    )
                )
    return tuple(sorted(clips, key=lambda clip: clip.id))


@cache
def _index() -> dict[str, LibraryClip]:
    return {clip.id: clip for clip in builtin_library()}


def get_clip(clip_id: str) -> LibraryClip:
    """The clip with this id; `GestureLibraryError` if there is none."""
    try:
        return _index()[clip_id]
    except KeyError:
        raise GestureLibraryError(
            f"the gesture library has no clip {clip_id!r}; ids look like "
            "'wave.right.large.fast.happy' or 'nod.normal.normal.neutral'"
        ) from None


def clips_for(lexeme: str) -> tuple[LibraryClip, ...]:
    """Every clip of one lexeme (sorted by id); empty for a lexeme the library lacks."""
    return tuple(clip for clip in builtin_library() if clip.lexeme == lexeme)
