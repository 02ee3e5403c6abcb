"""Writing exports to a folder: fixed file names, safe per-character names, atomic writes.

A reader never sees a half-written file: each file is written to a temporary file in the same
folder and moved over the target with `os.replace`.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from tqdm import tqdm

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

_LEGACY_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
# Windows reserves these device names, with any extension; the superscript digits count too.
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in (*"123456789", "¹", "²", "³")
}
_MAX_STEM = 80
_MAX_STEM_BYTES = 120


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
    progress: bool = False,
) -> list[Path]:
    """Write each format into `out_dir` (created if missing), named as `export_files` names
    them; returns the paths written. Every format is checked before anything is written;
    `progress` shows a bar over the files (a feature's exports take minutes).

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
    per_character = sum(f in PER_CHARACTER_FORMATS for f in dict.fromkeys(formats))
    count = len(dict.fromkeys(formats)) + per_character * (len(plan.characters) - 1)
    bar = tqdm(files, total=count, desc="exports", unit="file", disable=not progress)
    written = [write_text_atomic(out_dir / name, text) for _, name, text in bar]
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
    """Character name -> a file-name stem safe on every common file system, unique per name.

    The stem keeps the name's letters, marks and digits in any script, NFC-normalised
    ("ZOË", "美咲", "أحمد"); anything else (spaces, punctuation, symbols) becomes "_" and
    invisible format characters are dropped. A name with no letter or digit is spelled by its
    characters' Unicode names ("🤖" -> ROBOT_FACE). Windows device names get a "_" ("CON_"),
    a stem is at most 80 characters and 120 UTF-8 bytes (a file name's limit is 255 bytes),
    and names that would meet on a case-insensitive file system get "-2", "-3"."""
    return _unique_stems(names, lambda _, name: _stem(name))


def _unique_stems(names: Sequence[str], stem_of: Callable[[int, str], str]) -> dict[str, str]:
    """Name -> `stem_of(position from 1, name)`, with "-2", "-3" added to stems that would
    meet another on a case-insensitive file system ("Ana" and "ANA")."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(names, start=1):
        if name in stems:
            continue
        stem = stem_of(index, name)
        candidate, n = stem, 2
        while candidate.casefold() in taken:
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate.casefold())
        stems[name] = candidate
    return stems


def _stem(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    stem = _safe(name)
    if not any(c.isalnum() for c in stem):
        # Nothing to read in the name itself: spell out what it is made of.
        spelled = "_".join(unicodedata.name(c, f"U+{ord(c):04X}") for c in name if not c.isspace())
        stem = _safe(spelled or "character")
    stem = _shorten(stem)
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"{stem}_"
    return stem


def _safe(text: str) -> str:
    """Letters, marks and digits of any script kept, "_" and "-" too; format characters
    dropped; every other run of characters one "_"; no "_" or "-" at the ends."""
    out: list[str] = []
    replaced = False  # the last character out stands for a run of others
    for char in text:
        category = unicodedata.category(char)
        if char in "_-" or category[0] in "LMN":
            out.append(char)
            replaced = False
        elif category != "Cf" and not replaced:
            out.append("_")
            replaced = True
    return "".join(out).strip("_-")


def _shorten(stem: str) -> str:
    """At most `_MAX_STEM` characters and `_MAX_STEM_BYTES` bytes of UTF-8, cut before a
    letter rather than between a letter and its marks."""
    end = len(stem)
    while end and (end > _MAX_STEM or len(stem[:end].encode()) > _MAX_STEM_BYTES):
        end -= 1
    while 0 < end < len(stem) and unicodedata.category(stem[end]).startswith("M"):
        end -= 1
    return stem[:end].rstrip("_-") or stem[:1]


def legacy_character_file_stems(names: Sequence[str]) -> dict[str, str]:
    """The stems earlier versions wrote (accents folded to ASCII, "character-N" for names
    without Latin letters), to read scene folders they made."""

    def legacy(index: int, name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        stem = _LEGACY_UNSAFE.sub("_", ascii_name).strip("_-")[:_MAX_STEM]
        if not any(c.isalnum() for c in stem):
            stem = f"character-{index}"
        return f"{stem}_" if stem.upper() in _WINDOWS_RESERVED else stem

    return _unique_stems(names, legacy)


def ascii_file_name(name: str) -> str:
    """An ASCII stand-in for a file name made here, for readers that cannot take another
    (an HTTP `filename=` beside `filename*=`): accents folded ("ZOË.bvh" -> ZOE.bvh), a stem
    with no Latin letter left named "character" ("美咲.bvh" -> character.bvh)."""
    stem, dot, suffix = name.partition(".")
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    folded = _LEGACY_UNSAFE.sub("_", folded).strip("_-")
    if not any(c.isalnum() for c in folded):
        folded = "character"
    return f"{folded}{dot}{_LEGACY_UNSAFE.sub('_', suffix)}"


def is_safe_file_name(name: str) -> bool:
    """Whether `name` is a plain file name as this package makes them: NFC, letters, marks,
    digits, "_", "-" and ".", starting with a letter or digit, no "..", at most 200
    characters."""
    return (
        0 < len(name) <= 200
        and name[0].isalnum()
        and ".." not in name
        and unicodedata.is_normalized("NFC", name)
        and all(c in "_-." or unicodedata.category(c)[0] in "LMN" for c in name)
    )


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
