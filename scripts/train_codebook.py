"""Train a motion codebook and write it as `.npz` with its legend as JSON beside it.

Sources are "builtin" (the procedural gesture library) and/or folders of `.bvh` files (any
shipped rig, retargeted to the canonical skeleton). With no `--out`, the result replaces the
codebook shipped with the package:

    .venv/bin/python scripts/train_codebook.py builtin
    .venv/bin/python scripts/train_codebook.py builtin ../shared/data/mocap/bandai-namco-1/data \\
        --out /tmp/mixed.npz --k 512

`--holdout N` trains on all but every N-th clip of each source and reports the reconstruction
error on those held out; `--evaluate FOLDER` also reports it on the BVH clips of FOLDER. The
numbers go to stdout (see docs/codebook.md). Same sources and seed give the same codebook id.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from motiondirector.errors import MotionDirectorError, ScriptError
from motiondirector.motion.bvh import read_bvh
from motiondirector.motion.clip import Motion
from motiondirector.motion.codebook import (
    DEFAULT_CODEBOOK,
    DEFAULT_K,
    WINDOW,
    Codebook,
    reconstruction_error,
    train_codebook,
    usage,
)
from motiondirector.motion.library import builtin_library
from motiondirector.motion.retargeting import retarget
from motiondirector.retrieval.ingest import bvh_files

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "motiondirector" / "motion" / "codebook_data" / DEFAULT_CODEBOOK


def load_source(source: str) -> list[tuple[str, Motion]]:
    """(name, motion) for every clip of "builtin" or of a BVH folder, in a stable order."""
    if source == "builtin":
        return [(clip.id, clip.motion()) for clip in builtin_library()]
    folder = Path(source)
    if not folder.is_dir():
        raise SystemExit(f"{source}: neither 'builtin' nor a folder")
    paths = bvh_files(folder)
    if not paths:
        raise SystemExit(f"{source}: no .bvh files")
    clips = []
    for path in paths:
        try:
            clips.append((path.stem, retarget(read_bvh(path)).motion))
        except ScriptError as error:  # one broken take does not stop a folder's training
            print(f"skipped {error}", file=sys.stderr)
    return clips


def report(label: str, clips: list[tuple[str, Motion]], codebook: Codebook) -> None:
    errors = np.array([reconstruction_error(motion, codebook) for _name, motion in clips])
    ids = np.concatenate([codebook.encode(motion) for _name, motion in clips])
    used, perplexity = usage(ids, codebook.size)
    print(
        f"{label}: {len(clips)} clips, {len(ids)} tokens; reconstruction error "
        f"mean {np.nanmean(errors) * 1000:.1f} mm, median {np.nanmedian(errors) * 1000:.1f} mm; "
        f"{used}/{codebook.size} tokens used, perplexity {perplexity:.1f}"
    )


def encode_speed(clips: list[tuple[str, Motion]], codebook: Codebook) -> float:
    """Windows per second for encode (features included), one thread."""
    windows, started = 0, time.perf_counter()
    for _name, motion in clips:
        windows += len(codebook.encode(motion))
    return windows / max(time.perf_counter() - started, 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help='"builtin" and/or folders of .bvh files')
    parser.add_argument("--out", type=Path, default=SHIPPED, help="the .npz to write")
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="number of tokens")
    parser.add_argument("--window", type=int, default=WINDOW, help="frames per token")
    parser.add_argument("--hop", type=int, default=2, help="frames between training windows")
    parser.add_argument("--niter", type=int, default=25, help="k-means iterations")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads for training")
    parser.add_argument("--holdout", type=int, default=0, help="hold out every N-th clip")
    parser.add_argument("--evaluate", action="append", default=[], help="BVH folder to score")
    args = parser.parse_args(argv)

    train: list[tuple[str, Motion]] = []
    held: list[tuple[str, Motion]] = []
    for source in args.sources:
        clips = load_source(source)
        for number, clip in enumerate(clips):
            is_held = args.holdout > 0 and number % args.holdout == 0
            (held if is_held else train).append(clip)
    started = time.perf_counter()
    try:
        codebook = train_codebook(
            [motion for _name, motion in train],
            names=[name for name, _motion in train],
            k=args.k,
            window=args.window,
            hop=args.hop,
            niter=args.niter,
            seed=args.seed,
            threads=args.threads,
        )
    except MotionDirectorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"trained {codebook.id}: K={codebook.size}, window {codebook.window} frames "
        f"({codebook.rate:.2f} tokens/s), {len(train)} clips, "
        f"{time.perf_counter() - started:.1f} s"
    )
    report("training clips", train, codebook)
    if held:
        report("held-out clips", held, codebook)
    for folder in args.evaluate:
        clips = load_source(folder)
        report(f"evaluation {folder}", clips, codebook)
        print(f"encode speed: {encode_speed(clips, codebook):.0f} windows/s")
    print(f"encode speed (training clips): {encode_speed(train, codebook):.0f} windows/s")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    codebook.save(args.out)
    legend = args.out.with_suffix(".legend.json")
    legend.write_text(codebook.legend_json() + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB) and {legend}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
