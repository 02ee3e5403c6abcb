"""OpenTimelineIO export of a Timeline, read back with OpenTimelineIO itself."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from motiondirector.export.otio import (
    METADATA_KEY,
    PREVIEW_TRACK,
    PreviewMedia,
    media_url,
    timeline_to_otio_json,
)
from motiondirector.plan.timeline import CharacterTimeline, Provenance, Segment, Timeline


def _segment(kind: str, lexeme: str, source: str, s_in: float, s_out: float, t_in: float,
             t_out: float) -> Segment:  # fmt: skip
    return Segment(
        kind=kind,
        clip_id=f"lib/{lexeme}",
        source=source,
        source_in=s_in,
        source_out=s_out,
        target_in=t_in,
        target_out=t_out,
        blend_in=0.2 if t_in else 0.0,
        lexeme=lexeme,
        event_ids=(f"ana-{lexeme}",),
        provenance=Provenance(
            reason=f"best match for '{lexeme}'",
            score=0.8,
            rank=1,
            scores={"semantic": 0.7},
            candidates=10,
        ),
    )


TIMELINE = Timeline(
    duration=4.0,
    characters=(
        CharacterTimeline(
            name="ANA",
            segments=(
                _segment("procedural", "idle", "builtin:idle", 0.0, 1.0, 0.0, 1.0),
                # Source 2 s squeezed into 1.5 s of target.
                _segment("clip", "wave", "/data/wave.bvh", 3.0, 5.0, 1.0, 2.5),
                _segment("clip", "point", "builtin:point", 0.0, 1.0, 3.0, 4.0),
            ),
        ),
        CharacterTimeline(
            name="BEN",
            segments=(_segment("procedural", "idle", "builtin:idle", 0.0, 4.0, 0.0, 4.0),),
        ),
    ),
)


def test_round_trip_keeps_tracks_clips_names_and_ranges() -> None:
    back = otio.adapters.read_from_string(timeline_to_otio_json(TIMELINE), "otio_json")
    assert [track.name for track in back.tracks] == ["ANA", "BEN"]
    ana = back.tracks[0]
    clips = list(ana.find_clips())
    assert [c.name for c in clips] == ["idle", "wave", "point"]
    assert [c.media_reference.target_url for c in clips] == [
        "builtin:idle",
        "file:///data/wave.bvh",
        "builtin:point",
    ]
    wave = clips[1]
    assert wave.source_range.start_time.to_seconds() == pytest.approx(3.0)
    assert wave.source_range.duration.to_seconds() == pytest.approx(1.5)
    assert wave.effects[0].time_scalar == pytest.approx(2.0 / 1.5)
    # Placed at its target in, after the gap that the timeline leaves from 2.5 s to 3 s.
    assert ana.range_of_child(clips[2]).start_time.to_seconds() == pytest.approx(3.0)
    assert sum(isinstance(item, otio.schema.Gap) for item in ana) == 1
    assert ana.duration().to_seconds() == pytest.approx(4.0)
    meta = wave.metadata[METADATA_KEY]
    assert meta["source_out"] == 5.0 and meta["target_in"] == 1.0
    assert meta["provenance"]["reason"] == "best match for 'wave'"
    assert list(meta["event_ids"]) == ["ana-wave"]
    assert len(list(back.tracks[1].find_clips())) == 1


def test_export_is_deterministic() -> None:
    assert timeline_to_otio_json(TIMELINE) == timeline_to_otio_json(TIMELINE)


def test_each_line_of_dialogue_is_a_marker_over_its_time() -> None:
    from motiondirector.realize.pipeline import plan_text

    plan = plan_text("ANA: Where were you?\nBEN (V.O.): Nowhere you would know.", format="text")
    document = timeline_to_otio_json(TIMELINE, dialogue=plan.utterances)
    markers = list(otio.adapters.read_from_string(document, "otio_json").tracks.markers)
    asked, thought = plan.utterances
    assert [m.name for m in markers] == [
        "ANA: Where were you?",
        "BEN (V.O.): Nowhere you would know.",
    ]
    assert [m.color for m in markers] == ["YELLOW", "ORANGE"]
    first = markers[0].marked_range
    assert first.start_time.to_seconds() == pytest.approx(asked.start, abs=1 / 30)
    assert first.end_time_exclusive().to_seconds() == pytest.approx(asked.end, abs=1 / 30)
    meta = markers[1].metadata[METADATA_KEY]
    assert (meta["utterance_id"], meta["voice_over"]) == (thought.id, True)
    assert [w[0] for w in meta["words"]] == [w.text for w in thought.words]
    assert timeline_to_otio_json(TIMELINE) == timeline_to_otio_json(TIMELINE, dialogue=())


def test_files_are_linked_as_file_urls(tmp_path: Path) -> None:
    """Editors read a plain path with a space or an accent in it as a broken link."""
    take = tmp_path / "Zoë take 1.mp4"
    assert media_url(str(take)) == take.as_uri()
    assert media_url(str(take)).endswith("/Zo%C3%AB%20take%201.mp4")
    assert media_url("builtin:wave") == "builtin:wave"
    assert media_url("https://example.org/a.mp4") == "https://example.org/a.mp4"
    assert media_url(None) == ""


def test_the_animatic_plays_on_a_track_above_the_characters() -> None:
    assert PREVIEW_TRACK not in timeline_to_otio_json(TIMELINE)
    document = timeline_to_otio_json(TIMELINE, preview=PreviewMedia("preview.mp4", 4.0333))
    back = otio.adapters.read_from_string(document, "otio_json")
    assert [track.name for track in back.tracks] == ["ANA", "BEN", PREVIEW_TRACK]
    (clip,) = back.tracks[-1]
    # Relative to the .otio file, so the folder can move; the whole video, in timeline frames.
    assert clip.media_reference.target_url == "preview.mp4"
    assert clip.source_range.start_time.value == 0
    assert clip.source_range.duration.value == round(4.0333 * TIMELINE.fps)
    assert clip.media_reference.available_range == clip.source_range
    assert back.tracks[-1].kind == otio.schema.TrackKind.Video
