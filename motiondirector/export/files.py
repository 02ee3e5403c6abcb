"""Writing exports to a folder: fixed file names, safe per-character names, atomic writes.

A reader never sees a half-written file: each file is written to a temporary file in the same
folder and moved over the target with `os.replace`.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from motiondirector.errors import ExportError
from motiondirector.export.arkit import check_fps
from motiondirector.export.formats import (
    CHARACTER_FILE_SUFFIXES,
    PER_CHARACTER_FORMATS,
    SCENE_FILE_NAMES,
    check_format,
    export_plan,
)
from motiondirector.plan.motion_plan import MotionPlan

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)
}
_MAX_STEM = 80


def export_files(
    plan: MotionPlan, formats: Sequence[str], *, fps: int = 30, speech: bool = True
) -> Iterator[tuple[str, str, str]]:
    """(format, file name, text) of every file the formats make, made one at a time.

    Scene formats are named `plan.json`, `plan.bml.xml`, `plan.vtt`, `plan.srt`; per-character
    formats make one `<character>.arkit.csv` / `.arkit.json` / `.livelinkface.csv` /
    `.visemes.json` per character, the name made safe for any file system. Every format (and
    the frame rate) is checked before the first file is made. `speech=False` leaves the speech
    layer out of the ARKit and Live Link Face curves.
    """
    wanted = list(dict.fromkeys(formats))
    for format in wanted:
        check_format(format)
    if any(f in PER_CHARACTER_FORMATS for f in wanted):
        check_fps(fps)
    return _export_files(plan, wanted, fps, speech)


def _export_files(
    plan: MotionPlan, formats: Sequence[str], fps: int, speech: bool
) -> Iterator[tuple[str, str, str]]:
    stems = character_file_stems([track.name for track in plan.characters])
    for format in formats:
        if format in PER_CHARACTER_FORMATS:
            suffix = CHARACTER_FILE_SUFFIXES[format]
            for name, stem in stems.items():
                text = export_plan(plan, format, fps=fps, character=name, speech=speech)
                yield format, f"{stem}{suffix}", text
        else:
            yield format, SCENE_FILE_NAMES[format], export_plan(plan, format)  # type: ignore[index]


def write_exports(
    plan: MotionPlan,
    out_dir: Path,
    formats: Sequence[str],
    *,
    fps: int = 30,
    speech: bool = True,
) -> list[Path]:
    """Write each format into `out_dir` (created if missing), named as `export_files` names
    them; returns the paths written. Every format is checked before anything is written.

    Over an earlier export (a folder with a plan.json), the files of these per-character
    formats that this plan does not make (characters the script no longer has) are removed, so
    that every character file in the folder belongs to the plan beside it."""
    files = export_files(plan, formats, fps=fps, speech=speech)
    out_dir = make_folder(Path(out_dir))
    suffixes = tuple(CHARACTER_FILE_SUFFIXES[f] for f in formats if f in PER_CHARACTER_FORMATS)
    earlier = (
        {path for path in out_dir.iterdir() if path.is_file() and path.name.endswith(suffixes)}
        if suffixes and (out_dir / SCENE_FILE_NAMES["json"]).is_file()
        else set()
    )
    written = [write_text_atomic(out_dir / name, text) for _, name, text in files]
    remove_outdated(earlier - set(written))
    return written


def make_folder(folder: Path) -> Path:
    """`folder`, created with its parents if missing; an `ExportError` naming the folder when
    a file stands in its place or it cannot be made."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write into {folder}: it is a file; name a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        why = error.strerror or str(error)
        raise ExportError(f"cannot create the output folder {folder}: {why}") from error
    return folder


def remove_outdated(paths: Iterable[Path]) -> None:
    """Remove files an earlier export left that the new one did not write again."""
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise ExportError(f"cannot remove the outdated {path}: {error.strerror}") from None


def character_file_stems(names: Sequence[str]) -> dict[str, str]:
    """Character name -> a file-name stem safe on every common file system, unique per name."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(names, start=1):
        if name in stems:
            continue
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        stem = _UNSAFE.sub("_", ascii_name).strip("_-")[:_MAX_STEM]
        if not any(c.isalnum() for c in stem):
            stem = f"character-{index}"
        if stem.upper() in _WINDOWS_RESERVED:
            stem = f"{stem}_"
        candidate, n = stem, 2
        # Case-insensitive file systems would merge "Ana" and "ANA".
        while candidate.lower() in taken:
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate.lower())
        stems[name] = candidate
    return stems


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text with LF line ends via a temporary file and `os.replace`."""
    try:
        _replace_with(path, text)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error}") from error
    return path


def _replace_with(path: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it owner-only; exports are for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
