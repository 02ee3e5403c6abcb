"""What the commands write and print: a text to stdout or to a file replaced in one step, the
one-line summary of the files a command wrote, and the notes on stderr that several commands
share (fallbacks to the rules planner, glyphs the preview lacks)."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from motiondirector.errors import ExportError, MotionDirectorError
from motiondirector.summary import count_noun

if TYPE_CHECKING:
    from motiondirector.plan.motion_plan import MotionPlan


def write_output(text: str, output: Path | None) -> None:
    """Write to stdout, or replace `output` in one step: a failed write (a full disk) leaves an
    existing file as it was. A file the user may not write is refused, as an editor would."""
    if output is None:
        sys.stdout.write(text)
        return
    from motiondirector.export.files import write_text_atomic

    if output.is_dir():
        raise MotionDirectorError(f"cannot write {output}: it is a folder; name a file")
    if output.exists() and not output.is_file():
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO): write into it. Replacing it by a
        # rename, as a file is replaced, would put a plain file where the device was.
        try:
            with output.open("w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise MotionDirectorError(f"cannot write {output}: {error.strerror or error}") from None
        return
    # The mode bits, not access(): the file is replaced by a rename, which its own permissions
    # would not stop, and root's access() says yes to every file.
    if output.exists() and not output.stat().st_mode & 0o222:
        raise MotionDirectorError(f"cannot write {output}: the file is read-only")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise MotionDirectorError(f"cannot create the folder {output.parent}: {reason}") from None
    if not os.access(output.parent, os.W_OK):
        raise MotionDirectorError(f"cannot write {output}: the folder is read-only")
    try:
        write_text_atomic(output, text)
    except ExportError as error:
        # The reason alone ("No space left on device"), not the temporary file's name.
        cause = error.__cause__
        why = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(error)
        raise MotionDirectorError(f"cannot write {output}: {why}") from None
    print(f"wrote {output}", file=sys.stderr)


def wrote_summary(paths: Sequence[Path], folder: Path) -> str:
    """`Wrote N files to FOLDER/: names`, each name relative to the folder where it is in it."""
    names = ", ".join(
        path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
        for path in paths
    )
    return f"Wrote {count_noun(len(paths), 'file')} to {folder}/: {names}"


def note_missing_glyphs(missing: list[str]) -> None:
    if missing:
        shown = " ".join(missing[:12]) + (" ..." if len(missing) > 12 else "")
        print(
            f"note: the preview draws {count_noun(len(missing), 'character')} as boxes "
            f"({shown}): no font here has them; install one that does (Debian: "
            f"{font_packages(missing)}) and render again",
            file=sys.stderr,
        )


def font_packages(missing: list[str]) -> str:
    """The Debian font packages that draw `missing`: Noto CJK for Chinese, Japanese and
    Korean, Noto's core (then extra) fonts for the other scripts (Devanagari, Thai, ...)."""
    wide = [char for char in missing if unicodedata.east_asian_width(char) in "WF"]
    packages = []
    if wide:
        packages.append("fonts-noto-cjk for Chinese, Japanese and Korean")
    if len(wide) < len(missing):
        packages.append("fonts-noto-core, else fonts-noto-extra, for Devanagari, Thai and others")
    return "; ".join(packages)


def report_fallbacks(planner: object, plan: MotionPlan | None = None) -> None:
    """Say on stderr when the rules had to stand in for the LLM (the plan still completes):
    for one plan, which lines and why (`MotionPlan.fallback_summary`); else how many."""
    if plan is not None:
        summary = plan.fallback_summary()
        if summary is not None:
            print(f"note: {summary}", file=sys.stderr)
        return
    stats = getattr(planner, "stats", None)
    count = getattr(stats, "fallback_utterances", 0)
    if count:
        print(
            f"note: the LLM could not direct {count_noun(count, 'line')}; the rules planner did "
            "(each event's source.reason says why)",
            file=sys.stderr,
        )
