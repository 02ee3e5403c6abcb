"""Idle motion: what a face and head do between directed events.

Real faces never hold still: brows and mouth drift a little, the jaw stirs in silence
and the head sways, more while speaking than while listening. This module makes that motion as
closed-form functions of time: sums of sinusoids whose frequencies and phases are seeded from
the character's name. Any set of sample times gives the same values whichever window they come
in, so a live stream sampled in pieces equals the whole-scene curves, and the same character
always moves the same way.

The amounts are measured on the realism suite's talking-face clips (docs/benchmarks.md,
Realism), read as `motiondirector.faces` reads them: above each face's resting level and below
the level where the event reader sees an expression. This module must not read files or mutate
a plan; its loops run over sinusoids, never over frames.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

NOISE_COMPONENTS = 8
"""Sinusoids per noise signal: enough for the sum to look random, few enough to stay cheap."""

# Face drift, as a mean weight above the resting face in the clips' frames below the event
# reader's threshold (faces.events.AU_ON = 0.3): smile 0.030, brow raise 0.079, brow lower
# 0.038, jaw in silence 0.032 (its mean over all silent frames).
IDLE_SMILE = 0.030
IDLE_BROW_RAISE = 0.079
IDLE_BROW_LOWER = 0.038
IDLE_JAW = 0.032
IDLE_FACE_BAND_HZ = (0.05, 0.4)
"""Facial drift is slow, a few seconds a swing."""
IDLE_JAW_BAND_HZ = (0.02, 0.1)
"""The jaw stirs slower still, so that silence never reads as speech: its deviation over
0.6 s stays under 0.03, the reader's threshold (`faces.events.SPEECH_STD`) being 0.04."""
JAW_SPEECH_RAMP_S = 0.3
"""The idle jaw fades out over this long before a line and back in after it."""
IDLE_FACE_CAP = 0.25
"""Drift stays under the event reader's threshold: it is never an expression of its own."""

RESTING_BROW = 0.049
"""Median resting brow raise of the clips (their 5th percentile, browInnerUp and browOuterUp);
each character holds between half and one and a half times it (`resting_factor`)."""


def character_seed(character: str, channel: str) -> int:
    """A stable seed for one channel of one character's idle motion."""
    return zlib.crc32(f"{character}\x1f{channel}".encode())


def _sinusoids(
    seed: int, band_hz: tuple[float, float], exponent: float, components: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(frequencies, phases, amplitudes): frequencies log-uniform over `band_hz`, one per
    stratum jittered by `seed`; amplitudes proportional to frequency ** -`exponent`, scaled
    so that their sum has unit variance."""
    rng = np.random.default_rng(seed)
    low, high = band_hz
    strata = (np.arange(components) + rng.uniform(0.0, 1.0, components)) / components
    frequencies = low * (high / low) ** strata
    phases = rng.uniform(0.0, 2.0 * np.pi, components)
    amplitudes = frequencies**-exponent
    amplitudes = amplitudes * np.sqrt(2.0 / float((amplitudes**2).sum()))
    return frequencies, phases, amplitudes


def band_noise(
    times: FloatArray,
    seed: int,
    band_hz: tuple[float, float],
    *,
    exponent: float = 0.0,
    components: int = NOISE_COMPONENTS,
) -> FloatArray:
    """Zero-mean noise of unit variance at `times`: a sum of `components` sinusoids with
    seeded frequencies in `band_hz` and seeded phases, amplitudes falling with frequency as
    frequency ** -`exponent`."""
    frequencies, phases, amplitudes = _sinusoids(seed, band_hz, exponent, components)
    out = np.zeros(np.shape(times), dtype=np.float64)
    for frequency, phase, amplitude in zip(frequencies, phases, amplitudes, strict=True):
        out += amplitude * np.sin(2.0 * np.pi * frequency * times + phase)
    return out


def band_noise_rate(
    seed: int,
    band_hz: tuple[float, float],
    *,
    exponent: float = 0.0,
    components: int = NOISE_COMPONENTS,
) -> float:
    """Standard deviation of the time derivative of `band_noise` with these arguments (per
    second), to scale noise to a wanted speed."""
    frequencies, _, amplitudes = _sinusoids(seed, band_hz, exponent, components)
    return float(np.sqrt(((2.0 * np.pi * frequencies * amplitudes) ** 2).sum() / 2.0))


@cache
def capped_gain(mean: float, cap: float, half_wave: bool) -> float:
    """The gain g for which min(g * s², cap) has the given mean when s is standard normal
    (only its positive half counted when `half_wave`): the measured mean survives the cap."""
    if mean <= 0.0:
        return 0.0
    grid = np.linspace(-8.0, 8.0, 4001)
    weights = np.exp(-0.5 * grid**2)
    weights /= weights.sum()
    square = np.where(grid > 0.0, grid, 0.0) ** 2 if half_wave else grid**2
    low, high = 0.0, 1.0
    while float(weights @ np.minimum(high * square, cap)) < mean:
        high *= 2.0
        if high > 1e6:
            raise ValueError(f"a mean of {mean} cannot lie under a cap of {cap}")
    for _ in range(60):
        middle = 0.5 * (low + high)
        if float(weights @ np.minimum(middle * square, cap)) < mean:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


def speaking_level(
    times: FloatArray, lines: Sequence[tuple[float, float]], ramp: float
) -> FloatArray:
    """1 within the (start, end) spans of a character's lines, 0 more than `ramp` seconds
    away from them, a smooth ramp between."""
    level = np.zeros(np.shape(times), dtype=np.float64)
    for start, end in lines:
        inside = (times > start - ramp) & (times < end + ramp)
        if not inside.any():
            continue
        t = times[inside]
        x = np.clip(np.minimum(t - (start - ramp), (end + ramp) - t) / max(ramp, 1e-9), 0.0, 1.0)
        level[inside] = np.maximum(level[inside], x * x * (3.0 - 2.0 * x))
    return level


def resting_factor(character: str) -> float:
    """How strongly this character holds the resting expression: 0.5 to 1.5, by name."""
    return 0.5 + (character_seed(character, "rest") % 1001) / 1000.0


def idle_face(
    times: FloatArray,
    character: str,
    names: Sequence[str],
    lines: Sequence[tuple[float, float]] = (),
) -> FloatArray:
    """(n, len(names)) ARKit weights of the resting expression and its drift: brows and smile
    drift slowly around the character's resting face, and the jaw stirs outside the
    character's `lines` ((start, end) spans), as the clips' jaws do in silence; within a line
    speech owns it. Nothing else moves."""
    column = {name: i for i, name in enumerate(names)}
    layer = np.zeros((np.size(times), len(names)), dtype=np.float64)

    def drift(channel: str, band_hz: tuple[float, float] = IDLE_FACE_BAND_HZ) -> FloatArray:
        return band_noise(times, character_seed(character, channel), band_hz)

    # One brow signal: up when positive, down when negative, so the brows never raise and
    # lower at once.
    brow = drift("brow")
    up_gain = capped_gain(IDLE_BROW_RAISE, IDLE_FACE_CAP, True)
    down_gain = capped_gain(IDLE_BROW_LOWER, IDLE_FACE_CAP, True)
    raise_ = np.minimum(up_gain * np.maximum(brow, 0.0) ** 2, IDLE_FACE_CAP)
    lower = np.minimum(down_gain * np.maximum(-brow, 0.0) ** 2, IDLE_FACE_CAP)
    rest = RESTING_BROW * resting_factor(character)
    for name in ("browInnerUp", "browOuterUpLeft", "browOuterUpRight"):
        layer[:, column[name]] = rest + raise_
    for name in ("browDownLeft", "browDownRight"):
        layer[:, column[name]] = lower
    smile_gain = capped_gain(IDLE_SMILE, IDLE_FACE_CAP, False)
    smile = np.minimum(smile_gain * drift("smile") ** 2, IDLE_FACE_CAP)
    for name in ("mouthSmileLeft", "mouthSmileRight"):
        layer[:, column[name]] = smile
    jaw = capped_gain(IDLE_JAW, IDLE_FACE_CAP, False) * drift("jaw", IDLE_JAW_BAND_HZ) ** 2
    silent = 1.0 - speaking_level(times, lines, JAW_SPEECH_RAMP_S)
    layer[:, column["jawOpen"]] = np.minimum(jaw, IDLE_FACE_CAP) * silent
    return layer
