"""Ingest from a folder of real videos and a captions JSONL, skipping what cannot be used."""

from __future__ import annotations

import json
import os
from pathlib import Path

import av
import pytest

from motiondirector.retrieval.records import LibraryError
from motiondirector.retrieval.video import (
    CAPTIONS,
    VideoProbeError,
    ingest_video_folder,
    probe_video,
)

from ..conftest import SHARED_DATA

VIDEOS = SHARED_DATA / "video"


def _link(folder: Path, name: str) -> Path:
    target = folder / name
    os.symlink(VIDEOS / name, target)
    return target


def _remux(source: Path, target: Path, fmt: str, options: dict[str, str]) -> None:
    with av.open(str(source)) as src, av.open(str(target), "w", format=fmt, options=options) as dst:
        stream = src.streams.video[0]
        out = dst.add_stream_from_template(stream)
        for packet in src.demux(stream):
            if packet.dts is None:
                continue
            packet.stream = out
            dst.mux(packet)


def _write_captions(folder: Path, lines: list[object]) -> None:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    (folder / CAPTIONS).write_text(text + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "duration", "fps", "size"),
    [
        ("lp_d12.mp4", 7.32, 25.0, (512, 512)),
        ("lp_d13.mp4", 11.733, 30.0, (720, 1280)),
        ("dme_27_Tennage_Hooligan.mp4", 3.754, 24000 / 1001, (720, 720)),
    ],
)
def test_probe_reads_duration_rate_and_size(
    name: str, duration: float, fps: float, size: tuple[int, int]
) -> None:
    info = probe_video(VIDEOS / name)
    assert info.duration == pytest.approx(duration, abs=0.01)
    assert info.fps == pytest.approx(fps, rel=1e-6)
    assert (info.width, info.height) == size and info.codec == "h264"


def test_probe_without_a_declared_duration_uses_packet_timestamps(tmp_path: Path) -> None:
    # A live Matroska stream declares no duration in the stream or the container.
    live = tmp_path / "live.mkv"
    _remux(VIDEOS / "lp_d18.mp4", live, "matroska", {"live": "1"})
    with av.open(str(live)) as container:
        assert container.duration is None and container.streams.video[0].duration is None
    info = probe_video(live)
    assert info.duration == pytest.approx(7.2, abs=0.05) and info.fps == 30.0


def test_empty_and_foreign_files_say_what_they_are(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoProbeError) as caught:
        probe_video(empty)
    assert str(caught.value) == f"{empty}: the file is empty (0 bytes)"
    notes = tmp_path / "notes.mov"
    notes.write_text("shot list for Tuesday")
    with pytest.raises(VideoProbeError) as caught:
        probe_video(notes)
    # FFmpeg's reason, without its errno or a second copy of the path.
    assert str(caught.value) == (
        f"{notes}: cannot open as a video: Invalid data found when processing input"
    )


def test_truncated_videos_are_refused(tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"  # index at the end: the cut loses it
    data = (VIDEOS / "lp_d18.mp4").read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoProbeError) as caught:
        probe_video(cut)
    # Not "cannot open as a video", which a text file renamed .mp4 gets too.
    assert caught.value.reason == (
        "truncated: the file stops at 0.09 MB, inside its 'mdat' box that runs to 0.18 MB, "
        "and its index ('moov' box) is missing"
    )
    # Index at the front: the file opens, but its data stops halfway through.
    fast = tmp_path / "fast.mp4"
    _remux(VIDEOS / "lp_d18.mp4", fast, "mp4", {"movflags": "faststart"})
    assert probe_video(fast).duration == pytest.approx(7.2, abs=0.05)
    data = fast.read_bytes()
    (tmp_path / "fast_cut.mp4").write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoProbeError, match="truncated"):
        probe_video(tmp_path / "fast_cut.mp4")


def test_caption_lines_become_records_and_bad_ones_are_skipped(tmp_path: Path) -> None:
    _link(tmp_path, "lp_d12.mp4")
    _link(tmp_path, "dme_27_Tennage_Hooligan.mp4")
    data = (VIDEOS / "lp_d18.mp4").read_bytes()
    (tmp_path / "broken.mp4").write_bytes(data[: len(data) // 3])
    _write_captions(
        tmp_path,
        [
            {
                "file": "lp_d12.mp4",
                "in": 0.5,
                "out": 3.0,
                "text": "a man talks to the camera, nodding",
                "tags": {"lexemes": ["nod"], "emotion": "joy"},
            },
            {"file": "lp_d12.mp4", "in": 3.0, "text": ["keeps talking", "looks at the camera"]},
            "",
            {"file": "dme_27_Tennage_Hooligan.mp4", "text": "walks in a swaggering style"},
            "{not json",
            {"file": "missing.mp4", "text": "nothing here"},
            {"file": "broken.mp4", "text": "cut short"},
            {"file": "lp_d12.mp4", "in": 2.0, "out": 30.0, "text": "runs past the end"},
            {"file": "lp_d12.mp4", "in": 9.0, "text": "starts after the end"},
            {"file": "lp_d12.mp4", "in": 2.0, "out": 1.0, "text": "out before in"},
            {"file": "lp_d12.mp4", "text": "   "},
            {"file": "lp_d12.mp4", "text": "waves", "tags": {"lexemes": ["moonwalk"]}},
            {"text": "no file"},
            {"file": "lp_d12.mp4", "text": "typo", "ot": 2.0},
        ],
    )
    result = ingest_video_folder(tmp_path)

    folder = tmp_path.name
    ids = [r.id for r in result.records]
    assert ids == [
        f"{folder}/lp_d12#1",
        f"{folder}/lp_d12#2",
        f"{folder}/dme_27_Tennage_Hooligan#1",
    ]
    first, second, walk = result.records
    assert (first.source.start, first.source.end, first.duration) == (0.5, 3.0, 2.5)
    assert first.source.file == str(tmp_path / "lp_d12.mp4")
    assert first.fps == 25.0 and first.tags.lexemes == ("nod",) and first.tags.emotion == "joy"
    # `out` defaults to the end of the video.
    assert second.source.end == pytest.approx(7.32, abs=0.01)
    assert second.descriptions == ("keeps talking", "looks at the camera")
    assert walk.fps == pytest.approx(23.976, abs=0.001) and walk.duration == pytest.approx(
        3.754, abs=0.01
    )

    skipped = {s.line: s for s in result.skipped}
    assert all(s.file == str(tmp_path / CAPTIONS) for s in result.skipped)
    assert sorted(skipped) == [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    assert "JSON" in skipped[5].reason
    assert "missing.mp4: no such video file" in skipped[6].reason
    assert skipped[7].reason.startswith("broken.mp4: truncated: the file stops at 0.06 MB, inside")
    assert "past the end" in skipped[8].reason
    assert "outside the video" in skipped[9].reason
    assert "must be after" in skipped[10].reason
    assert "blank" in skipped[11].reason
    assert "lexemes" in skipped[12].reason and "moonwalk" in skipped[12].reason
    assert "`file`" in skipped[13].reason
    assert "unknown fields ['ot']" in skipped[14].reason
    assert str(skipped[6]).startswith(f"{tmp_path / CAPTIONS}:6: ")


def test_a_missing_folder_or_captions_file_is_a_library_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="not a folder"):
        ingest_video_folder(tmp_path / "nowhere")
    with pytest.raises(LibraryError, match="captions"):
        ingest_video_folder(tmp_path)
    (tmp_path / "mine.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="no caption lines"):
        ingest_video_folder(tmp_path, captions="mine.jsonl")
