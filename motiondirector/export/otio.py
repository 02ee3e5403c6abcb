"""Export of a Timeline as OpenTimelineIO JSON (`.otio`), for editorial tools.

One video track per character, named after the character; one Clip per segment, named after
its lexeme (or kind), with an ExternalReference to its source (a `file://` URL, or `builtin:<clip
id>` for the built-in library) and a source range starting at the segment's source in. A clip
occupies its target length on the track; when the source was time-warped to fit, the clip
carries a LinearTimeWarp effect with the rate (source seconds per target second). Gaps fill any
time a track leaves empty. Each clip's metadata (`motiondirector`) keeps the exact seconds,
kind, clip id, blend, event ids and the provenance of the choice.

A character whose face was realized from a video library (`face_segments`) gets a second
video track, `<name> face`, after its body track: a clip per utterance slot, the real ones
referencing the source video with their in and out points (and the time warp), the
procedural ones with an empty reference, as procedural body segments have.

Given the plan's utterances (`dialogue`), the timeline's stack carries one Marker per line of
dialogue over its time, named `SPEAKER: text` (yellow; a voice-over's is orange and says
`(V.O.)`), with the utterance id, speaker, voice-over flag and each word's times in its
metadata, so an editor sees the script on the timeline.

Motion clips are no media an editor can play, so their clips show as offline there. Given the
animatic written beside the timeline (`preview`), a last video track, `preview`, holds one
clip of it over the whole scene, referenced by its file name relative to the `.otio` file:
on top of the character tracks, it is what an editor plays.

opentimelineio is imported when an export is made, not on import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motiondirector.errors import BackendUnavailableError
from motiondirector.plan.motion_plan import PlanUtterance
from motiondirector.plan.timeline import FaceSegment, Segment, Timeline

METADATA_KEY = "motiondirector"
PREVIEW_TRACK = "preview"


@dataclass(frozen=True)
class PreviewMedia:
    """The animatic beside a timeline: its URL (a file name is relative to the `.otio` file)
    and its length in seconds."""

    url: str
    duration: float


def _otio() -> Any:
    try:
        import opentimelineio
    except ImportError as error:  # pragma: no cover - it is a core dependency
        raise BackendUnavailableError(
            "OpenTimelineIO export needs opentimelineio: pip install opentimelineio"
        ) from error
    return opentimelineio


def _segment_metadata(segment: Segment | FaceSegment) -> dict[str, Any]:
    named = (
        {"utterance_id": segment.utterance_id}
        if isinstance(segment, FaceSegment)
        else {"lexeme": segment.lexeme}
    )
    return {
        "kind": segment.kind,
        "clip_id": segment.clip_id,
        **named,
        "source_in": segment.source_in,
        "source_out": segment.source_out,
        "target_in": segment.target_in,
        "target_out": segment.target_out,
        "blend_in": segment.blend_in,
        "event_ids": list(segment.event_ids),
        "provenance": segment.provenance.model_dump(),
    }


def timeline_to_otio(
    timeline: Timeline,
    *,
    name: str = "motiondirector",
    dialogue: Sequence[PlanUtterance] = (),
    preview: PreviewMedia | None = None,
) -> Any:
    """The Timeline as an `opentimelineio.schema.Timeline` object, with a marker per line of
    `dialogue` (the plan's utterances) and a track of the animatic (`preview`) when given."""
    otio = _otio()
    fps = float(timeline.fps)
    result = otio.schema.Timeline(name=name)
    result.metadata[METADATA_KEY] = {
        "schema_version": timeline.schema_version,
        "duration": timeline.duration,
        "fps": timeline.fps,
    }
    for character in timeline.characters:
        result.tracks.append(_track(otio, character.name, character.segments, fps))
        if character.face_segments:
            name = f"{character.name} face"
            result.tracks.append(_track(otio, name, character.face_segments, fps))
    if preview is not None:
        result.tracks.append(_preview_track(otio, preview, fps))
    for utterance in dialogue:
        result.tracks.markers.append(_line_marker(otio, utterance, fps))
    return result


def _preview_track(otio: Any, preview: PreviewMedia, fps: float) -> Any:
    """The animatic as one clip over its whole length, on a track of its own."""
    whole = otio.opentime.TimeRange(
        start_time=otio.opentime.RationalTime(0, fps),
        duration=otio.opentime.RationalTime(max(1, round(preview.duration * fps)), fps),
    )
    track = otio.schema.Track(name=PREVIEW_TRACK, kind=otio.schema.TrackKind.Video)
    track.append(
        otio.schema.Clip(
            name="animatic",
            media_reference=otio.schema.ExternalReference(
                target_url=preview.url, available_range=whole
            ),
            source_range=whole,
        )
    )
    return track


def _line_marker(otio: Any, utterance: PlanUtterance, fps: float) -> Any:
    start = round(utterance.start * fps)
    end = max(round(utterance.end * fps), start + 1)
    voice_over = " (V.O.)" if utterance.voice_over else ""
    return otio.schema.Marker(
        name=f"{utterance.speaker}{voice_over}: {utterance.text}",
        marked_range=otio.opentime.TimeRange(
            start_time=otio.opentime.RationalTime(start, fps),
            duration=otio.opentime.RationalTime(end - start, fps),
        ),
        color=otio.schema.MarkerColor.ORANGE if voice_over else otio.schema.MarkerColor.YELLOW,
        metadata={
            METADATA_KEY: {
                "utterance_id": utterance.id,
                "speaker": utterance.speaker,
                "voice_over": utterance.voice_over,
                "start": utterance.start,
                "end": utterance.end,
                "words": [[w.text, w.start, w.end] for w in utterance.words],
            }
        },
    )


def media_url(source: str | None) -> str:
    """A segment's source as the URL an ExternalReference names: a file as a `file://` URL
    (editors read a plain path with a space or an accent in it as a broken link), a URL or a
    `builtin:` clip as it is, nothing as ""."""
    if not source:
        return ""
    if "://" in source or source.startswith("builtin:"):
        return source
    return Path(source).absolute().as_uri()


def _track(
    otio: Any, name: str, segments: tuple[Segment, ...] | tuple[FaceSegment, ...], fps: float
) -> Any:
    """One video track of `segments`, gaps filling the time they leave empty."""

    def frames(seconds: float) -> Any:
        return otio.opentime.RationalTime(round(seconds * fps), fps)

    track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Video)
    cursor = 0
    for segment in segments:
        start = round(segment.target_in * fps)
        end = round(segment.target_out * fps)
        if start > cursor:
            track.append(otio.schema.Gap(duration=otio.opentime.RationalTime(start - cursor, fps)))
        if end <= start:
            continue
        if isinstance(segment, FaceSegment):
            label = "face" if segment.kind == "clip" else "procedural face"
        else:
            label = segment.lexeme or segment.kind
        clip = otio.schema.Clip(
            name=label,
            media_reference=otio.schema.ExternalReference(target_url=media_url(segment.source)),
            source_range=otio.opentime.TimeRange(
                start_time=frames(segment.source_in),
                duration=otio.opentime.RationalTime(end - start, fps),
            ),
        )
        target = segment.target_out - segment.target_in
        rate = (segment.source_out - segment.source_in) / target if target > 0 else 1.0
        if abs(rate - 1.0) > 1e-6:
            clip.effects.append(otio.schema.LinearTimeWarp(name="fit", time_scalar=rate))
        clip.metadata[METADATA_KEY] = _segment_metadata(segment)
        track.append(clip)
        cursor = end
    return track


def timeline_to_otio_json(
    timeline: Timeline,
    *,
    name: str = "motiondirector",
    dialogue: Sequence[PlanUtterance] = (),
    preview: PreviewMedia | None = None,
) -> str:
    """The Timeline as OpenTimelineIO JSON text (the `.otio` file format)."""
    otio = _otio()
    document = timeline_to_otio(timeline, name=name, dialogue=dialogue, preview=preview)
    text: str = otio.adapters.write_to_string(document, "otio_json")
    return text if text.endswith("\n") else text + "\n"
