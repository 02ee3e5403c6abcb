"""`index build` and `index info`: build a clip library from folders of BVH files or videos or
the built-in clips, add to one (reading only the files that are new or changed), and describe
one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.cli.arg_types import Subcommands
from motiondirector.cli.clip_libraries import LIBRARY_HELP, open_clip_library, speed_bounds
from motiondirector.errors import MotionDirectorError
from motiondirector.summary import count_noun

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary, ClipRecord
    from motiondirector.retrieval.records import IngestResult
    from motiondirector.retrieval.sources import KnownSources


def add_index(sub: Subcommands) -> None:
    """`index build` and `index info`."""
    index = sub.add_parser("index", help="build or inspect a clip library (FAISS index)")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="ingest clips and build a library")
    build.add_argument(
        "sources",
        nargs="+",
        help='"builtin", folders of BVH files, or folders of videos (analysed for faces; a '
        "captions.jsonl beside them is merged in)",
    )
    build.add_argument("--out", type=Path, required=True, help="library directory")
    build.add_argument(
        "--add", action="store_true", help="add to the library at --out instead of creating one"
    )
    build.add_argument("--kind", choices=("flat", "hnsw", "ivf"), help="FAISS index kind")
    build.add_argument(
        "--rig",
        metavar="NAME|PATH",
        help="the joint-name map of the BVH folders: bandai, canonical, cmu, mixamo, or a YAML "
        "map file (default: found from each file's joint names)",
    )
    build.add_argument("--overwrite", action="store_true", help="replace an existing library")
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    info = index_sub.add_parser("info", help="describe a library")
    info.add_argument("library", help=LIBRARY_HELP)
    index.set_defaults(run=_index)


def _print_performers(library: ClipLibrary) -> None:
    """A face library's performers, by the names `--face-cast` takes."""
    from motiondirector.realize.faces import performers_of

    videos = [r.source.file for r in library.records if r.profile is not None]
    if not videos:
        return
    names = sorted({Path(p).name for p in performers_of(videos).values()})
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    print(f"  performers ({len(names)}, for --face-cast NAME=PERFORMER): {shown}")


def _index(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipLibrary

    if args.index_command == "info":
        opened = open_clip_library(args.library)
        info = opened.info()
        print(
            f"{info.path}: {count_noun(info.records, 'clip')}, {count_noun(info.vectors, 'vector')}"
        )
        print(f"  index {info.kind} {info.index_params}, version {info.version}")
        print(f"  model {info.model_id} ({info.dimension}-d), {info.bytes_on_disk / 1e6:.1f} MB")
        # The face model's id (name@sha256 prefix) as the manifest stores it: face profiles
        # from another model version are refused, so users need to see which one this is.
        print(f"  face model {opened.face_model or 'none (no face profiles)'}")
        _print_performers(opened)
        bodies, bounded = speed_bounds(opened)
        if bodies:
            print(f"  peak speeds recorded by {bounded} of {count_noun(bodies, 'body clip')}")
        return 0
    from motiondirector.faces.tracker import pack_tracks
    from motiondirector.retrieval.ingest import ingest
    from motiondirector.retrieval.sources import SOURCE_STAMPS, KnownSources, pack_stamps
    from motiondirector.retrieval.video import FACE_TRACKS

    existing = ClipLibrary.open(args.out) if args.add else None
    if existing is None and not args.overwrite and ClipLibrary.exists(args.out):
        # Say so before the ingest, which can take minutes for a folder of videos.
        raise MotionDirectorError(
            f"there is already a clip library at {args.out}: add to it with --add, "
            "or replace it with --overwrite"
        )
    # `--add` passes over the files the library holds before reading or analysing them, so a
    # folder that grew can be added again at the cost of its new files only.
    known = (
        KnownSources.of(existing.records, existing.attachment(SOURCE_STAMPS))
        if existing is not None
        else None
    )
    progress = not args.quiet and sys.stderr.isatty()
    result = ingest(args.sources, progress=progress, rig=args.rig, known=known)
    for skipped in result.skipped:
        print(f"skipped {skipped}", file=sys.stderr)
    if not result.records and not result.kept:
        raise MotionDirectorError("nothing to index: every source was empty or unreadable")
    if existing is not None:
        added = _add_to_library(existing, result, args, progress)
        if added is None:
            print(f"nothing new to add to {args.out}; skipped {len(result.skipped)}")
            return 0
        library = added
    else:
        attachments = {FACE_TRACKS: pack_tracks(dict(result.tracks))} if result.tracks else {}
        attachments[SOURCE_STAMPS] = pack_stamps(result.records, None, also=result.empty)
        library = ClipLibrary.create(
            args.out,
            result.records,
            kind=args.kind,
            overwrite=args.overwrite,
            attachments=attachments,
            progress=progress,
        )
    info = library.info()
    print(
        f"indexed {count_noun(info.records, 'clip')} ({count_noun(info.vectors, 'description')}, "
        f"{info.kind}) into {args.out}; skipped {len(result.skipped)}"
    )
    return 0


_ADD_ATTEMPTS = 3


def _add_to_library(
    library: ClipLibrary, result: IngestResult, args: argparse.Namespace, progress: bool
) -> ClipLibrary | None:
    """`index build --add`: what `result` brings put into `library` in a new version (None when
    there is nothing to change). When another writer made a version while this one ingested,
    it is worked out again against the newest one: the ingest, minutes for videos, is kept."""
    from motiondirector.faces.tracker import pack_tracks, unpack_tracks
    from motiondirector.retrieval import ClipLibrary, LibraryConflictError
    from motiondirector.retrieval.sources import (
        SOURCE_STAMPS,
        KnownSources,
        pack_stamps,
        source_key,
    )
    from motiondirector.retrieval.video import FACE_TRACKS

    for attempt in range(_ADD_ATTEMPTS):
        known = KnownSources.of(library.records, library.attachment(SOURCE_STAMPS))
        records, replaced, gone = _added_to(library, result, known, args)
        if not records and not replaced and not result.empty:
            return None
        stored = library.attachment(FACE_TRACKS)
        # A video read again leaves its old track; one without a face now leaves no track.
        read_now = {
            source_key(file) for file in (*(r.source.file for r in records), *result.empty, *gone)
        }
        tracks = {
            **{
                video: track
                for video, track in (unpack_tracks(stored) if stored else {}).items()
                if source_key(video) not in read_now
            },
            **{
                video: track
                for video, track in result.tracks.items()
                if source_key(video) in read_now
            },
        }
        attachments = {FACE_TRACKS: pack_tracks(tracks)} if tracks else {}
        previous = library.attachment(SOURCE_STAMPS)
        attachments[SOURCE_STAMPS] = pack_stamps(
            records, previous, also=result.empty, dropping=gone
        )
        try:
            library.add(records, removing=replaced, attachments=attachments, progress=progress)
            return library
        except LibraryConflictError:
            if attempt == _ADD_ATTEMPTS - 1:
                raise
            print(
                f"{args.out} changed while its files were read: adding to its newest version",
                file=sys.stderr,
            )
            library = ClipLibrary.open(args.out)
    return None


def _added_to(
    library: ClipLibrary, result: IngestResult, known: KnownSources, args: argparse.Namespace
) -> tuple[tuple[ClipRecord, ...], tuple[str, ...], tuple[str, ...]]:
    """What `index build --add` puts into `library` from `result`: the records it does not
    hold, the ids of the clips it drops because their source file changed and was read again
    (its clips are replaced by what it gives now) or is gone from a folder read again, and
    those gone files. Says on stderr what it keeps and drops."""
    from motiondirector.retrieval.sources import gone_from, source_key

    out: Path = args.out
    gone = tuple(gone_from(library.records, [s for s in args.sources if s != "builtin"]))
    if gone:
        shown = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
        dropped = sum(record.source.file in gone for record in library.records)
        print(
            f"dropped {count_noun(dropped, 'clip')} of {count_noun(len(gone), 'file')} "
            f"gone from the folders read ({shown})",
            file=sys.stderr,
        )
    passed = {source_key(file) for file in result.kept}
    # Caption lines come for every video of a folder, read again or not.
    reread = {
        source_key(file)
        for file in (*(record.source.file for record in result.records), *result.empty)
        if known.holds(file) and source_key(file) not in passed
    }
    replaced = tuple(
        record.id
        for record in library.records
        if source_key(record.source.file) in reread or record.source.file in gone
    )
    held = {record.id for record in library.records} - set(replaced)
    # Clips whose ids the library holds (a file known by another path) are kept too.
    records = tuple(record for record in result.records if record.id not in held)
    kept = len(result.records) - len(records)
    kept += sum(source_key(record.source.file) in passed for record in library.records)
    if kept:
        print(
            f"kept {count_noun(kept, 'clip')} already in {out} as they are "
            "(`--overwrite` re-reads every file)",
            file=sys.stderr,
        )
    if reread:
        print(
            f"read {count_noun(len(reread), 'changed file')} again: "
            f"{count_noun(len(replaced), 'clip')} from before replaced",
            file=sys.stderr,
        )
    unread = sorted(
        {s.file for s in result.skipped if known.holds(s.file) and source_key(s.file) not in reread}
    )
    if unread:
        print(
            f"kept the clips read before from {count_noun(len(unread), 'changed file')} "
            "that could not be read again (see above)",
            file=sys.stderr,
        )
    return records, replaced, gone
