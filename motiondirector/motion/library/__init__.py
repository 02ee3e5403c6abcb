"""The built-in procedural gesture library: keyframed motion on the canonical skeleton for
every gesture, head and posture lexeme of the vocabulary, in hand, amplitude, tempo and
emotional-style variants, with descriptions and tags for retrieval.

Keyframes are package data (`data/*.yaml`); clips are synthesized on demand. See
docs/gesture-library.md for the format and conventions.
"""

from motiondirector.errors import GestureLibraryError
from motiondirector.motion.library.catalog import (
    LibraryClip,
    builtin_library,
    clip_peak_accelerations,
    clip_peak_speeds,
    clip_peaks,
    clips_for,
    get_clip,
    looping_lexemes,
    persistent_lexemes,
)
from motiondirector.motion.library.synthesis import neutral_rotations

__all__ = [
    "GestureLibraryError",
    "LibraryClip",
    "builtin_library",
    "clip_peak_accelerations",
    "clip_peak_speeds",
    "clip_peaks",
    "clips_for",
    "get_clip",
    "looping_lexemes",
    "neutral_rotations",
    "persistent_lexemes",
]
