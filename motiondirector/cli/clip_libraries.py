"""Clip libraries named on the command line: `builtin` for the built-in gesture library, else a
library folder, opened with a note on stderr for what it lacks (gone source files, clips
indexed before peak speeds were measured)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.summary import count_noun

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

BUILTIN_LIBRARY = "builtin"
"""The name that stands for the built-in gesture library wherever a clip library is asked for
(a folder of that name is `./builtin`)."""
LIBRARY_HELP = f'clip library folder, or "{BUILTIN_LIBRARY}" for the built-in gesture library'


def open_clip_library(location: str) -> ClipLibrary:
    """The clip library at `location`; `BUILTIN_LIBRARY` names the built-in gesture library,
    opened or built the way `direct` does without `--library`."""
    if location == BUILTIN_LIBRARY:
        from motiondirector.retrieval.builtin import builtin_clip_library

        return builtin_clip_library()
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.retrieval.sources import missing_sources

    library = ClipLibrary.open(Path(location))
    gone = missing_sources(library.records)
    if gone:
        named = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
        print(
            f"note: {count_noun(len(gone), 'source file')} of {location} "
            f"{'is' if len(gone) == 1 else 'are'} gone ({named}): "
            "their clips are passed over; `index build FOLDER --out LIBRARY --add` drops the "
            "clips of files gone from FOLDER, reading only what is new",
            file=sys.stderr,
        )
    bodies, bounded = speed_bounds(library)
    if bounded < bodies:
        print(
            f"note: {count_noun(bodies - bounded, 'body clip')} of {location} "
            f"{'was' if bodies - bounded == 1 else 'were'} indexed before peak speeds were "
            "measured and may play up to 2x faster than recorded, past people's speeds; "
            "`index build SOURCES --out LIBRARY --overwrite` bounds them",
            file=sys.stderr,
        )
    return library


def speed_bounds(library: ClipLibrary) -> tuple[int, int]:
    """(body clips of `library`, those that record the peak speeds bounding their speed-up)."""
    bodies = [r.features for r in library.records if r.features is not None]
    return len(bodies), sum(features.peak_speeds is not None for features in bodies)
