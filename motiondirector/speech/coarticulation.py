"""Coarticulation: a speech track turned into ARKit-52 mouth and jaw weights at any times.

Dominance functions after Cohen and Massaro (1993): every key pulls each shape group (jaw, lip
closure, rounding, spreading, tongue) toward its viseme's target with a dominance that peaks at
the key's centre and falls off as a Gaussian over a width proportional to the key's length.
Each group is the dominance-weighted mean of the targets near it, so neighbours blend and the
mouth never snaps; rounding reaches furthest, so the lips round ahead of a rounded vowel;
bilabials hold lip closure strongly and narrowly, so the lips close on their time. Weak
consonants (t, k, n) barely hold the jaw, so it keeps the shape of the vowels around them.

Silence: spoken keys (not `sil`) less than `RUN_GAP_S` apart form a run. Speech is at full
strength within `FULL_S` of a run and fades to exactly zero `REST_S` after it ends (and before
it starts), so between lines the mouth is back at rest within 150 ms.

Vectorised over the sample times: the loops run over a fixed number of neighbouring keys,
never over frames. Frames far from any speech are not computed at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from motiondirector.plan.motion_plan import VISEMES
from motiondirector.speech.tables import load_speech_tables
from motiondirector.speech.visemes import Key

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

RUN_GAP_S = 0.3
"""Keys further apart than this belong to separate runs of speech; the mouth rests between."""
FULL_S = 0.05
REST_S = 0.15
"""Speech fades out from `FULL_S` to `REST_S` after a run (and in before it)."""
WIDTH_SCALE = 1.5
"""A key's dominance falls to 1/e at this many half-lengths from its centre (times its group's
spread)."""
MIN_HALF_WIDTH_S = 0.02
REST_DOMINANCE = 0.01
"""The rest pose's own small pull, so a lone key never reaches its target fully."""
NEIGHBOURS = 4
"""Keys on each side of a sample that can pull it; a fifth one away weighs less than the rest
pose's own pull by a factor of 50 or more."""
SPEECH_JAW_GAIN = 1.5
"""Every viseme's jawOpen target times this. With the table's targets as they stand (after the
Oculus visemes) the planned jaw opened 0.16 on average while speaking, the people of the shared
talking-face clips 0.24, both read by the same face reader; 1.5 brings the distributions
closest (Wasserstein 0.083 → 0.033; 1.6 as close, 1.3, 1.8 and 2.0 further:
benchmarks/realism.py)."""


@cache
def _matrices(
    names: tuple[str, ...],
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray, IntArray]:
    """Per viseme: targets over the speech shapes (V, S) and dominance per group (V, G); per
    shape its group (S,); per group its spread (G,); per shape its column in `names` (S,)."""
    tables = load_speech_tables()
    shapes = tables.speech_shapes
    group_of = np.array(
        [g for g, group in enumerate(tables.groups) for _ in group.shapes], dtype=np.intp
    )
    targets = np.zeros((len(VISEMES), len(shapes)))
    dominance = np.zeros((len(VISEMES), len(tables.groups)))
    for v, name in enumerate(VISEMES):
        viseme = tables.visemes[name]
        for s, shape in enumerate(shapes):
            targets[v, s] = viseme.shapes.get(shape, 0.0)
        for g, group in enumerate(tables.groups):
            dominance[v, g] = viseme.dominance[group.name]
    spread = np.array([group.spread for group in tables.groups])
    column = {name: i for i, name in enumerate(names)}
    columns = np.array([column[shape] for shape in shapes], dtype=np.intp)
    for array in (targets, dominance, group_of, spread, columns):
        array.setflags(write=False)
    return targets, dominance, group_of, spread, columns


@cache
def _jaw_shape() -> int:
    """The index of jawOpen among the speech shapes."""
    return load_speech_tables().speech_shapes.index("jawOpen")


def speech_shape_columns(names: tuple[str, ...]) -> IntArray:
    """Columns of `names` that speech moves (jaw, lips, rounding, spreading, tongue)."""
    return _matrices(names)[4]


def speech_curves(
    keys: Sequence[Key], times: FloatArray, names: tuple[str, ...]
) -> tuple[FloatArray, FloatArray]:
    """Mouth and jaw weights of a speech track at `times`.

    Returns (weights (n, len(names)), activity (n,)): weights are zero outside the speech
    shapes; activity is 1 while speaking, 0 at rest, and ramps between (the fade of the module
    docstring), for layering expressions over speech.
    """
    times = np.asarray(times, dtype=np.float64)
    weights = np.zeros((times.size, len(names)))
    activity = np.zeros(times.size)
    if not keys or times.size == 0:
        return weights, activity
    start = np.array([k.start for k in keys])
    end = np.maximum(np.array([k.end for k in keys]), start)
    viseme_index = {name: i for i, name in enumerate(VISEMES)}
    visemes = np.array([viseme_index[k.viseme] for k in keys], dtype=np.intp)
    amount = np.array([k.weight for k in keys])

    spoken = visemes != viseme_index["sil"]
    if not spoken.any():
        return weights, activity
    # Runs are made of spoken keys: a `sil` key over a long pause does not bridge it.
    activity = _activity(times, start[spoken], end[spoken])
    active = np.flatnonzero(activity > 0.0)
    if active.size == 0:
        return weights, activity
    t = times[active]
    targets, dominance, group_of, spread, columns = _matrices(names)
    centre = (start + end) / 2.0
    order = np.argsort(centre, kind="stable")
    centre, visemes, amount = centre[order], visemes[order], amount[order]
    half = np.maximum((end - start)[order] / 2.0, MIN_HALF_WIDTH_S)
    count = centre.size
    # Per key: its targets scaled by its weight, and its dominance per group.
    pulled_to = targets[visemes] * amount[:, None]
    pulled_to[:, _jaw_shape()] *= SPEECH_JAW_GAIN
    holds = dominance[visemes]
    inverse_reach = 1.0 / (WIDTH_SCALE * spread)  # (G,)
    base = np.searchsorted(centre, t)
    numerator = np.zeros((t.size, columns.size))
    denominator = np.full((t.size, spread.size), REST_DOMINANCE)
    for offset in range(-NEIGHBOURS, NEIGHBOURS):
        index = base + offset
        valid = index >= 0 if offset < 0 else index < count
        if not valid.any():
            continue
        np.clip(index, 0, count - 1, out=index)
        distance = (t - centre[index]) / half[index]
        pull = holds[index] * np.exp(-np.square(distance[:, None] * inverse_reach))
        pull *= valid[:, None]
        denominator += pull
        numerator += pull[:, group_of] * pulled_to[index]
    mouth = numerator / denominator[:, group_of]
    weights[np.ix_(active, columns)] = mouth * activity[active, None]
    return weights, activity


def _activity(times: FloatArray, start: FloatArray, end: FloatArray) -> FloatArray:
    """1 within `FULL_S` of a run of speech, 0 from `REST_S` on, a smooth ramp between."""
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    breaks = np.flatnonzero(start[1:] - reach[:-1] > RUN_GAP_S)
    run_start = start[np.concatenate(([0], breaks + 1))]
    run_end = reach[np.concatenate((breaks, [start.size - 1]))]
    previous = np.searchsorted(run_start, times, side="right") - 1
    after = np.where(previous >= 0, times - run_end[np.maximum(previous, 0)], np.inf)
    following = previous + 1
    before = np.where(
        following < run_start.size,
        run_start[np.minimum(following, run_start.size - 1)] - times,
        np.inf,
    )
    distance = np.maximum(np.minimum(after, before), 0.0)
    x = np.clip((REST_S - distance) / (REST_S - FULL_S), 0.0, 1.0)
    # Frame times are i / fps: let one that is REST_S away up to rounding be at rest exactly.
    x[distance >= REST_S - 1e-9] = 0.0
    return x * x * (3.0 - 2.0 * x)
