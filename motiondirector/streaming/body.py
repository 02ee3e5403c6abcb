"""Body poses for a frame stream, assembled only as far as the stream has got.

A stream's first frames should not wait for the whole scene's body. `WindowedBody` takes a
plan's decided timeline (`realize.decide_timeline`, the first half of `realize_plan`, so every
path picks the same clips) and assembles each character with `motion.assemble.assemble_character`:
for the first window, from only the segments that reach into it; from the first window that
needs more, the character's whole motion, once. A segment's frames depend only on the segments
before it, so the frames of the short assembly are the frames of the whole one
(tests/streaming check that frame for frame).

This module must not choose clips or build motion itself: it only decides how much of the
timeline to hand to the assembler.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from motiondirector.errors import AssemblyError
from motiondirector.motion.assemble import assemble_character, sample_motion
from motiondirector.motion.clip import Motion
from motiondirector.realize.body import BodyPose, DecidedTimeline, MaterialLoader, Realization

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Prefix:
    """One character's motion assembled from its first segments: exact below frame `stop`."""

    motion: Motion
    stop: int


class WindowedBody:
    """Every character's body pose at any sample times, assembling no more than needed."""

    def __init__(self, decided: DecidedTimeline) -> None:
        self._decided = decided
        # One loader for every character, as `realize.assemble_realization` shares one.
        self._loader = MaterialLoader(decided.generated)
        self._tracks = {track.name: track for track in decided.timeline.characters}
        self._prefixes: dict[str, _Prefix | None] = {}
        self._motions: dict[str, Motion] = {}

    @property
    def assembled(self) -> tuple[str, ...]:
        """The characters whose whole motion has been assembled so far."""
        return tuple(self._motions)

    @property
    def whole(self) -> Realization:
        """The whole scene's body, as `realize_plan(plan, library, tokens=False)` gives it."""
        decided = self._decided
        motions = {name: self._motion(name) for name in self._tracks}
        return Realization(plan=decided.plan, timeline=decided.timeline, motions=motions)

    def sample(self, character: str, times: FloatArray) -> BodyPose:
        """The character's pose at `times` (seconds), as `Realization.sample` gives it."""
        times = np.asarray(times, dtype=np.float64)
        if character not in self._tracks:
            motion = Motion.rest()
        elif character in self._motions or not times.size:
            motion = self._motion(character)
        else:
            prefix = self._prefix(character, float(times.max()))
            motion = prefix.motion if prefix is not None else self._motion(character)
        rotations, root = sample_motion(motion, times)
        return BodyPose(rotations=rotations, root=root)

    def _motion(self, character: str) -> Motion:
        """The character's whole motion, assembled once (as `assemble_timeline` does)."""
        found = self._motions.get(character)
        if found is None:
            timeline = self._decided.timeline
            found = assemble_character(
                self._tracks[character], timeline.duration, fps=timeline.fps, loader=self._loader
            )
            self._motions[character] = found
            self._prefixes.pop(character, None)
        return found

    def _prefix(self, character: str, until: float) -> _Prefix | None:
        """The character's first segments reaching past `until`, assembled once; None when
        that would not be exact there."""
        if character not in self._prefixes:
            self._prefixes[character] = self._assemble_prefix(character, until)
        prefix = self._prefixes[character]
        fps = self._decided.timeline.fps
        # sample_motion reads frames floor(t * fps) and the one after it.
        if prefix is None or int(np.floor(until * fps)) + 1 >= prefix.stop:
            return None
        return prefix

    def _assemble_prefix(self, character: str, until: float) -> _Prefix | None:
        track = self._tracks[character]
        timeline = self._decided.timeline
        fps = timeline.fps
        count = math.ceil(timeline.duration * fps - 1e-6) + 1  # as `assemble_character`
        segments = track.segments
        # Segments up to the first one that starts past the window, that one included, so
        # the window ends inside the short assembly rather than on its closing frame.
        taken = next((k + 1 for k, s in enumerate(segments) if s.target_in > until), len(segments))
        if taken >= len(segments):
            return None
        head = track.model_copy(update={"segments": segments[:taken]})
        # Frames from the first left-out segment on may differ (the short assembly's last
        # segment also owns its closing frame; a left-out segment may start earlier).
        stop = min(min(count - 1, round(s.target_in * fps)) for s in segments[taken:])
        try:
            motion = assemble_character(
                head, segments[taken - 1].target_out, fps=fps, loader=self._loader
            )
        except AssemblyError:
            return None  # the whole assembly says what is wrong, or succeeds
        return _Prefix(motion, min(stop, motion.frames))
