"""`search`: the clips of a clip library that fit a description, as text or JSON."""

from __future__ import annotations

import argparse
import json

from motiondirector.cli.arg_types import Subcommands, positive_int
from motiondirector.cli.clip_libraries import LIBRARY_HELP, open_clip_library
from motiondirector.errors import MotionDirectorError


def add_search(sub: Subcommands) -> None:
    """`search`: find clips in a library by description."""
    search = sub.add_parser("search", help="find clips in a library by description")
    search.add_argument("library", help=LIBRARY_HELP)
    search.add_argument("text", help='what the clip shows, e.g. "waves goodbye sadly"')
    search.add_argument("-k", type=positive_int, default=5, help="number of results")
    search.add_argument("--lexeme", help="vocabulary lexeme to prefer, e.g. wave")
    search.add_argument("--emotion", help="emotion to prefer, e.g. sadness")
    search.add_argument("--hand", choices=("left", "right", "both"), help="hand to prefer")
    search.add_argument("--duration", type=float, help="wanted length in seconds")
    search.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default) or json: one object per hit with rank, id, file, in, out, "
        "score, description, tags and reason",
    )
    search.set_defaults(run=_search)


def _search(args: argparse.Namespace) -> int:
    from motiondirector.retrieval import ClipQuery, search_clips
    from motiondirector.retrieval.query import explain_score

    library = open_clip_library(args.library)
    try:
        # Words that name face behaviour are scored against the profiles of a video library.
        query = ClipQuery.from_text(
            args.text,
            behaviour=library.face_model is not None,
            lexeme=args.lexeme,
            emotion=args.emotion,
            hand=args.hand,
            duration=args.duration,
        )
    except ValueError as error:
        raise MotionDirectorError(str(error)) from None
    candidates = search_clips(library, query, k=args.k)
    if args.format == "json":
        hits = [
            {
                "rank": c.rank,
                "id": c.record.id,
                "file": c.record.source.file,
                "in": c.record.source.start,
                "out": c.record.source.end,
                "score": round(c.score, 4),
                "description": c.record.descriptions[0],
                "tags": c.record.tags.model_dump(mode="json", exclude_defaults=True),
                "reason": c.reason,
                "explained": explain_score(c, query),
            }
            for c in candidates
        ]
        print(json.dumps(hits, indent=2, ensure_ascii=False))
        return 0
    for candidate in candidates:
        record = candidate.record
        print(
            f"{candidate.rank:>3}  {candidate.score:.3f}  {record.id}  "
            f"({record.duration:.1f} s)  {record.descriptions[0]}"
        )
        print(f"     {candidate.reason}")
        print(f"     score {explain_score(candidate, query)}")
    return 0
