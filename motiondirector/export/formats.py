"""Which export formats exist and how one is produced: a MotionPlan in, text out."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from motiondirector.errors import ExportError
from motiondirector.export.arkit import arkit_csv, arkit_json, check_fps
from motiondirector.export.bml import plan_to_bml
from motiondirector.export.live_link_face import live_link_face_csv
from motiondirector.export.visemes import visemes_json
from motiondirector.export.vtt import plan_to_srt, plan_to_vtt
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.options import EXPORT_FORMATS, ExportFormat

PER_CHARACTER_FORMATS: tuple[ExportFormat, ...] = (
    "arkit-csv",
    "arkit-json",
    "live-link-face",
    "visemes",
)
SCENE_FILE_NAMES: dict[ExportFormat, str] = {
    "json": "plan.json",
    "bml": "plan.bml.xml",
    "vtt": "plan.vtt",
    "srt": "plan.srt",
}
"""The file each scene format is written to."""
CHARACTER_FILE_SUFFIXES: dict[ExportFormat, str] = {
    "arkit-csv": ".arkit.csv",
    "arkit-json": ".arkit.json",
    "live-link-face": ".livelinkface.csv",
    "visemes": ".visemes.json",
}
"""The suffix of each per-character format's files, after the character's file stem."""

_FRAMES: dict[str, Callable[..., str]] = {
    "arkit-csv": arkit_csv,
    "arkit-json": arkit_json,
    "live-link-face": live_link_face_csv,
}
"""Per-character formats sampled on the frame grid: (plan, character, fps, speech=...)."""
_SCENE: dict[str, Callable[[MotionPlan, str | None], str]] = {
    "bml": plan_to_bml,
    "vtt": plan_to_vtt,
    "srt": plan_to_srt,
}


def check_format(format: str) -> None:
    if format not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {format!r}; formats: {', '.join(EXPORT_FORMATS)}")


def export_plan(
    plan: MotionPlan,
    format: str,
    *,
    fps: int = 30,
    character: str | None = None,
    speech: bool = True,
) -> str:
    """The plan in one export format, as text.

    `fps` is the frame rate of the ARKit and Live Link Face formats (30 or 60). `character`
    picks the character of a per-character export (needed when the plan has several) and
    keeps only that character's blocks (bml) or lines (vtt, srt); the json export is always
    the whole plan. `speech=False` leaves the speech layer out of the ARKit and Live Link
    Face curves (the mouth follows the face events only).
    """
    check_format(format)
    if format == "json":
        if character is not None:
            raise ExportError("the json export is the whole plan; leave character out")
        return plan.to_json()
    if format in _FRAMES:
        check_fps(fps)
        return _FRAMES[format](plan, _arkit_character(plan, character), fps, speech=speech)
    if format == "visemes":
        return visemes_json(plan, _arkit_character(plan, character))
    if character is not None:
        character = resolve_character(plan, character)
    return _SCENE[format](plan, character)


def character_names(plan: MotionPlan) -> list[str]:
    """Every character of the plan in export order: its tracks, then speakers without one."""
    names = [track.name for track in plan.characters]
    names += [u.speaker for u in plan.utterances if u.speaker not in names]
    return list(dict.fromkeys(names))


def resolve_character(plan: MotionPlan, character: str) -> str:
    """The plan's name for `character`: the name itself, else the one name it matches with
    case and accents ignored (`ana` and `ZOE` find ANA and ZOË, as typed on a command line);
    `ExportError` listing the characters when none or several match."""
    names = character_names(plan)
    if character in names:
        return character
    for fold in (str.casefold, _unaccented):
        matches = [name for name in names if fold(name) == fold(character)]
        if len(matches) == 1:
            return matches[0]
    raise ExportError(_unknown_character(plan, character))


def _unaccented(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unknown_character(plan: MotionPlan, character: str) -> str:
    known = ", ".join(repr(n) for n in character_names(plan)) or "none"
    return f"no character {character!r} in the plan; characters: {known}"


def _arkit_character(plan: MotionPlan, character: str | None) -> str:
    names = character_names(plan)
    if character is None:
        if len(names) == 1:
            return names[0]
        known = ", ".join(repr(n) for n in names) or "none"
        raise ExportError(f"a per-character export is for one character; pick one of: {known}")
    return resolve_character(plan, character)
