"""Plans against real faces: each realism feature's distance before and after the realizer's
defaults were tuned toward the shared talking-face clips.

Writes docs/benchmarks.md between the `realism` markers. Real faces: the talking-face clips of
../shared/data/video, tracked with the shared face model (tracks cached, so a second run skips
tracking). Planned faces: every speaking character of the shared screenplays, planned by the
rules planner three times in the same run: with the defaults as they were before any tuning
(`BEFORE`, set on the modules for that run), as they were after the first tuning of blinks and
head amplitude (`PREVIOUS`: without the idle layers and the speech jaw's gain), and as they are
now. Per feature the
distance to the real faces with its 95 % chunk-bootstrap interval
(`motiondirector.evaluation.realism`); the table compares `BEFORE` with now, a line below it
`PREVIOUS` with now.

    .venv/bin/python benchmarks/realism.py               # about two minutes on 2 cores
    .venv/bin/python benchmarks/realism.py --plots out/  # also the CDF figures, before and after
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from report import write_section  # benchmarks/report.py

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
os.environ.setdefault("MOTIONDIRECTOR_FACE_MODEL", str(SHARED / "models" / "face_landmarker.task"))

# The first tuning: blink timing and head-movement amplitude.
FIRST_TUNING: Mapping[tuple[str, str], Any] = {
    ("motiondirector.plan.realizer.face", "BLINK_MEAN_INTERVAL"): {"speaking": 2.6, "silent": 3.6},
    ("motiondirector.plan.realizer.face", "BLINK_DURATION"): 0.2,
    ("motiondirector.plan.realizer.gestures", "HEAD_AMPLITUDE_FLOOR"): 0.3,
    ("motiondirector.plan.realizer.gestures", "HEAD_AMPLITUDE_SPAN"): 0.7,
}
# The second: no idle layers (a face held still between events, a head still between
# movements) and the head taking half of a glance away.
IDLE_LAYERS: Mapping[tuple[str, str], Any] = {
    ("motiondirector.export.idle", "IDLE_SMILE"): 0.0,
    ("motiondirector.export.idle", "IDLE_BROW_RAISE"): 0.0,
    ("motiondirector.export.idle", "IDLE_BROW_LOWER"): 0.0,
    ("motiondirector.export.idle", "IDLE_JAW"): 0.0,
    ("motiondirector.export.idle", "RESTING_BROW"): 0.0,
    ("motiondirector.export.head_eyes", "AVERSION_HEAD_SHARE"): 0.5,
    ("motiondirector.export.head_eyes", "IDLE_HEAD_VELOCITY"): {
        "speaking": (0.0, 0.0, 0.0),
        "silent": (0.0, 0.0, 0.0),
    },
}
# The third: the speech layer's jaw as the viseme table gives it.
SPEECH_JAW: Mapping[tuple[str, str], Any] = {
    ("motiondirector.speech.coarticulation", "SPEECH_JAW_GAIN"): 1.0,
}
# The realizer's defaults before they were tuned to the measured faces, and after the first
# tuning only.
BEFORE: Mapping[tuple[str, str], Any] = {**FIRST_TUNING, **IDLE_LAYERS, **SPEECH_JAW}
PREVIOUS: Mapping[tuple[str, str], Any] = {**IDLE_LAYERS, **SPEECH_JAW}


@contextmanager
def defaults(values: Mapping[tuple[str, str], Any]) -> Iterator[dict[str, Any]]:
    """Set module constants for the length of the block; yields {name: (was, set)}."""
    saved = {}
    for (module_name, attribute), value in values.items():
        module = importlib.import_module(module_name)
        saved[(module_name, attribute)] = getattr(module, attribute)
        setattr(module, attribute, value)
    try:
        yield {f"{m.rsplit('.', 1)[1]}.{a}": (values[(m, a)], v) for (m, a), v in saved.items()}
    finally:
        for (module_name, attribute), value in saved.items():
            setattr(importlib.import_module(module_name), attribute, value)


def _interval(row: Any) -> str:
    if row.ci_low != row.ci_low:  # NaN: no interval
        return f"{row.distance:.3g}"
    return f"{row.distance:.3g} [{row.ci_low:.3g}, {row.ci_high:.3g}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=Path, help="write the CDF figures into this folder")
    parser.add_argument("--n-boot", type=int, default=999)
    args = parser.parse_args()

    from motiondirector.evaluation.realism import (
        compare_faces,
        face_videos,
        planned_samples,
        quantile_table,
        real_samples,
        realism_model,
        spectrum_table,
    )
    from motiondirector.scene import read_script

    began = time.perf_counter()
    model = realism_model(SHARED)
    real, videos = real_samples(face_videos(SHARED / "video"), model)
    scripts = sorted((SHARED / "screenplays").glob("*.fountain"))
    scenes = [(p.name, read_script(p)) for p in scripts]
    with defaults(BEFORE) as changed:
        before = planned_samples(scenes, "rules")
    with defaults(PREVIOUS):
        previous = planned_samples(scenes, "rules")
    after = planned_samples(scenes, "rules")
    table_before = compare_faces(real, before, n_boot=args.n_boot)
    table_previous = compare_faces(real, previous, n_boot=args.n_boot)
    table_after = compare_faces(real, after, n_boot=args.n_boot)
    seconds = time.perf_counter() - began

    if args.plots is not None:
        from motiondirector.evaluation.plots import realism_figure

        args.plots.mkdir(parents=True, exist_ok=True)
        for name, planned in (("before", before), ("after", after)):
            figure = realism_figure(quantile_table(real, planned), spectrum_table(real, planned))
            figure.savefig(args.plots / f"realism_{name}.png", dpi=100)

    rows = []
    counts = _verdicts(table_before, table_after)
    since = _verdicts(table_previous, table_after)
    for old, new, verdict, recent in zip(
        table_before.itertuples(index=False),
        table_after.itertuples(index=False),
        counts.pop("verdicts"),
        since.pop("verdicts"),
        strict=True,
    ):
        rows.append(
            f"| {old.feature} | {old.unit} | {old.real:.3g} | {old.planned:.3g} | "
            f"{_interval(old)} | {new.planned:.3g} | {_interval(new)} | {verdict} | {recent} |"
        )
    used = videos[videos["used"]]
    real_seconds = sum(s.seconds for s in real)
    planned_seconds = sum(s.seconds for s in after)
    now = table_after.set_index("feature")
    was = table_before.set_index("feature")
    rate, length = was.loc["blink_rate"], was.loc["blink_duration"]
    jaw_before = was.loc["jaw.speaking"]
    smile = now.loc["smile"]
    gaze = now.loc["gaze_aversion.speaking"]
    tuned = ", ".join(f"`{name}` {old} → {value}" for name, (old, value) in changed.items())
    lines = [
        "## Realism: plans against real faces (issue 14)",
        "",
        f"Measured by `benchmarks/realism.py` ({platform.machine()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs shared with other work; "
        f"{seconds:.0f} s with cached tracks). Real: {len(used)} talking-face clips of "
        f"`../shared/data/video` ({', '.join(used['item'])}; {real_seconds:.0f} s of face), "
        f"tracked with `{model.model_id}`. Planned: {len(after)} speaking characters of the "
        f"{len(scripts)} shared screenplays ({planned_seconds / 60:.0f} min of face), rules "
        "planner, seed 0, read back through the same face readers. Distance: Wasserstein for "
        "distributions, absolute difference for rates, shares and the spectral centroid; "
        f"95 % percentile bootstrap over {args.n_boot} resamples of 4 s chunks on both sides. "
        "`eval --suite realism` gives the same table for the current defaults; "
        "`.venv/bin/python benchmarks/realism.py` writes this section again.",
        "",
        f"Tuned defaults (before → now): {tuned}. A zero idle amount is the plans as they were, "
        "still between events.",
        "",
        "| feature | unit | real | planned before | distance before [95 % CI] | planned after | "
        "distance after [95 % CI] | against before | against the first tuning |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"**{counts['closer']} of {len(rows)} features closer, {counts['same']} unchanged "
        f"(within 1 %), {counts['further']} further** than before any tuning; against the first "
        f"tuning alone (blink timing and head amplitude, without the idle layers and the "
        "speech jaw's gain) "
        f"{since['closer']} closer, {since['same']} unchanged, {since['further']} further. "
        f"Blink rate and length were far from the clips ({rate.planned:.0f} blinks a minute of "
        f"{length.planned:.2f} s against {rate.real:.0f} of {length.real:.2f} s, as the video "
        "reader measures both). Planned faces held still between events where real faces keep "
        "moving; the idle layers (`export.idle`) now give each character a resting brow and a "
        "slow drift of brows, smile and the silent jaw with the clips' mean activity below the "
        "event reader's threshold, and the head a sway at the clips' median speeds while "
        "speaking and in silence, the eyes counter-rotating; a glance away turns the head by a "
        "fifth of the angle, as in the clips, not half. What is left: the clips' people smile "
        f"and raise their brows broadly far more often than the screenplays direct (smile "
        f"{smile.real:.2f} against {smile.planned:.2f} above rest), which drift under the "
        "event threshold does not make up; the directed head movements (turns to another "
        "character, nods) are faster than those of people talking to a camera and hold most "
        "of the head's power at low frequencies, so the head-speed spectrum stays far although "
        "the sway alone is centred where the clips' calm stretches are (2.7 Hz). The jaw while "
        f"speaking opened {jaw_before.planned:.2f} on average against the clips' "
        f"{jaw_before.real:.2f}: every viseme's jawOpen target is now scaled by "
        "`SPEECH_JAW_GAIN` (1.6 measured as close, 1.3, 1.8 and 2.0 further; the blink rates "
        "split by speaking move with it, as the reader's speaking time does). Gaze aversion "
        "was not retuned"
        f": the clips' speakers talk to a camera and look away {gaze.real * 100:.0f} % of "
        f"the time, the planned speakers {gaze.planned * 100:.0f} % at turn starts and phrase "
        "breaks, "
        "already far below the 60 % of conversation (Argyle & Cook 1976), and the interval of "
        "that distance reaches near zero. Its small move, and those of the blink rates split by "
        "speaking and silence against the first tuning, are side effects of what the reader "
        "counts as speaking time (from the jaw), not of gaze or blinks. The clips are a small "
        "and one-sided sample "
        f"({length.real_n} blinks in all): the intervals say how little is known.",
    ]
    write_section("realism", "\n".join(lines))
    print("\n".join(lines))
    return 0


def _verdicts(old_table: Any, new_table: Any) -> dict[str, Any]:
    """Per feature "closer", "same" (within 1 %: no interval could tell them apart) or
    "further", and how many of each."""
    verdicts = []
    for old, new in zip(
        old_table.itertuples(index=False), new_table.itertuples(index=False), strict=True
    ):
        if abs(new.distance - old.distance) < 0.01 * max(abs(old.distance), 1e-9):
            verdicts.append("same")
        elif new.distance < old.distance:
            verdicts.append("closer")
        else:
            verdicts.append("further")
    return {
        "verdicts": verdicts,
        **{name: verdicts.count(name) for name in ("closer", "same", "further")},
    }


if __name__ == "__main__":
    sys.exit(main())
