"""Ingest video clips as ClipRecords from a folder of videos and a captions JSONL.

Each line of the captions file (`captions.jsonl` in the folder by default) names one clip:

    {"file": "talk.mp4", "in": 1.5, "out": 4.0, "text": "nods while listening",
     "tags": {"lexemes": ["nod"], "emotion": "joy"}}

`file` is relative to the folder (or absolute), `in` defaults to 0, `out` to the end of the
video, `text` is one description or a list of them, `tags` holds optional `ClipTags` fields.
Every video is probed once with PyAV: its duration (from the stream, else the container, else
the end of its last packet) and frame rate, and its packets are read through (not decoded) so a
truncated file is caught, and its first frame is decoded so an undecodable one is too. A bad
line, a missing or unreadable video, or in/out outside the video is skipped and reported with
the captions file, line and reason; the rest is ingested. This module probes and builds
records; it does not embed, index or decode whole videos.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from motiondirector.retrieval.records import (
    ClipRecord,
    ClipSource,
    ClipTags,
    IngestResult,
    LibraryError,
    Skipped,
)

CAPTIONS = "captions.jsonl"
_FIELDS = frozenset({"file", "in", "out", "text", "tags"})
# Header durations and packet timestamps disagree by a frame or so (rounding of time bases,
# the last frame's length); an `out` this many frames past the end is clamped to the end.
_END_SLACK_FRAMES = 1.0
# Stream data ending more than this share of the declared duration early means a cut file.
_TRUNCATION_SHARE = 0.02


class VideoProbeError(LibraryError):
    """A video cannot be opened, has no video stream, or is truncated or undecodable."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")


@dataclass(frozen=True)
class VideoInfo:
    """What probing a video found: seconds, frames per second, frame size and codec."""

    duration: float
    fps: float
    width: int
    height: int
    codec: str


def _import_av() -> Any:
    try:
        import av
    except ImportError as error:  # pragma: no cover - av is a core dependency
        raise LibraryError("video ingest needs PyAV: pip install av") from error
    return av


def _read_through(container: Any, stream: Any) -> tuple[float | None, int, Any]:
    """Demux every packet (decoding only until the first frame comes out): seconds from the
    first packet's start to the last packet's end (None when packets carry no timestamps), the
    number of packets with data, and the first frame (None if none decoded)."""
    first: float | None = None
    end: float | None = None
    count = 0
    frame = None
    for packet in container.demux(stream):
        if frame is None:
            frame = next(iter(packet.decode()), None)  # the empty flush packet drains too
        if packet.size == 0:
            continue
        count += 1
        if packet.pts is None or packet.time_base is None:
            continue
        start = float(packet.pts * packet.time_base)
        stop = float((packet.pts + (packet.duration or 0)) * packet.time_base)
        first = start if first is None else min(first, start)
        end = stop if end is None else max(end, stop)
    span = None if first is None or end is None else end - first
    return span, count, frame


def probe_video(path: str | Path) -> VideoInfo:
    """Duration, frame rate, size and codec of the first video stream of `path`.

    Raises `VideoProbeError` when the file cannot be opened, has no video stream, stops before
    the duration its header declares, or its first frame does not decode.
    """
    av = _import_av()
    name = str(path)
    try:
        container = av.open(name)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise VideoProbeError(name, f"cannot open as a video: {error}") from error
    with container:
        if not container.streams.video:
            raise VideoProbeError(name, "has no video stream")
        stream = container.streams.video[0]
        if stream.duration is not None and stream.time_base is not None:
            declared: float | None = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            declared = container.duration / av.time_base
        else:
            declared = None
        try:
            span, packets, frame = _read_through(container, stream)
        except (av.FFmpegError, OSError) as error:
            raise VideoProbeError(name, f"unreadable video data: {error}") from error
        if frame is None or packets == 0:
            raise VideoProbeError(name, "no decodable video frame")
        # Raw streams carry neither durations nor timestamps, and their average rate is
        # FFmpeg's placeholder; the rate guessed from the bitstream is the better one there.
        rates = (stream.average_rate, stream.guessed_rate)
        rate = next((r for r in (rates if span is not None else rates[::-1]) if r), None)
        fps = float(rate) if rate else 0.0
        if span is None and fps > 0:
            span = packets / fps
        if fps <= 0 and span:
            fps = packets / span
        duration = declared if declared else span
        if not duration or not math.isfinite(duration) or fps <= 0 or not math.isfinite(fps):
            raise VideoProbeError(name, "cannot tell the video's duration or frame rate")
        if declared and span is not None and span < declared * (1 - _TRUNCATION_SHARE):
            raise VideoProbeError(
                name,
                f"truncated: its video data ends at {span:.2f} s of the "
                f"{declared:.2f} s its header declares",
            )
        return VideoInfo(
            duration=duration,
            fps=fps,
            width=int(frame.width),
            height=int(frame.height),
            codec=str(stream.codec_context.name),
        )


def _seconds(item: dict[str, Any], key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"`{key}` must be a number of seconds, got {value!r}")
    return float(value)


def _texts(item: dict[str, Any]) -> tuple[str, ...]:
    text = item.get("text")
    texts = [text] if isinstance(text, str) else text
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("`text` must be a description or a non-empty list of them")
    cleaned = tuple(t.strip() for t in texts)
    if not all(cleaned):
        raise ValueError("`text` must not be blank")
    return cleaned


def _in_out(start: float | None, end: float | None, info: VideoInfo) -> tuple[float, float]:
    start = 0.0 if start is None else start
    slack = _END_SLACK_FRAMES / info.fps
    if start < 0 or start >= info.duration:
        raise ValueError(f"`in` {start} s is outside the video (0 to {info.duration:.3f} s)")
    if end is None:
        end = info.duration
    if end > info.duration + slack:
        raise ValueError(f"`out` {end} s is past the end of the video ({info.duration:.3f} s)")
    end = min(end, info.duration)
    if end <= start:
        raise ValueError(f"`out` {end} s must be after `in` {start} s")
    return start, end


def ingest_video_folder(
    folder: str | Path, *, captions: str | Path = CAPTIONS, progress: bool = False
) -> IngestResult:
    """Records for every line of the captions JSONL in `folder` (a name in the folder or a
    path). Clip ids are `<folder name>/<file stem>#<n>`, n counting the lines that name that
    file (skipped ones too, so fixing one line does not rename the others)."""
    root = Path(folder)
    if not root.is_dir():
        raise LibraryError(f"{root}: not a folder of videos")
    captions_path = Path(captions) if Path(captions).is_absolute() else root / captions
    try:
        lines = captions_path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise LibraryError(f"{captions_path}: cannot read the captions file: {error}") from error
    where = str(captions_path)
    records: list[ClipRecord] = []
    skipped: list[Skipped] = []
    probes: dict[Path, VideoInfo | VideoProbeError] = {}
    seen: dict[str, int] = {}
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise LibraryError(f"{captions_path}: no caption lines")
    for number, line in tqdm(numbered, disable=not progress, unit="clip", desc="ingesting"):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            skipped.append(Skipped(where, number, f"not a JSON object: {error.msg}"))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("file"), str) or not item["file"]:
            skipped.append(Skipped(where, number, "a caption line needs a `file` string"))
            continue
        file = item["file"]
        path = Path(file) if Path(file).is_absolute() else root / file
        stem = Path(file).with_suffix("").as_posix()
        seen[stem] = seen.get(stem, 0) + 1
        clip_id = f"{root.name}/{stem}#{seen[stem]}"
        try:
            unknown = sorted(set(item) - _FIELDS)
            if unknown:
                raise ValueError(f"unknown fields {unknown}; a line has {sorted(_FIELDS)}")
            start, end, texts = _seconds(item, "in"), _seconds(item, "out"), _texts(item)
            tags = ClipTags.model_validate(item.get("tags") or {})
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            skipped.append(Skipped(where, number, f"bad tags: {field}: {first['msg']}"))
            continue
        except ValueError as error:
            skipped.append(Skipped(where, number, str(error)))
            continue
        if not path.is_file():
            skipped.append(Skipped(where, number, f"{file}: no such video file"))
            continue
        if path not in probes:
            try:
                probes[path] = probe_video(path)
            except VideoProbeError as error:
                probes[path] = error
        info = probes[path]
        if isinstance(info, VideoProbeError):
            skipped.append(Skipped(where, number, f"{file}: {info.reason}"))
            continue
        try:
            start, end = _in_out(start, end, info)
        except ValueError as error:
            skipped.append(Skipped(where, number, f"{file}: {error}"))
            continue
        records.append(
            ClipRecord(
                id=clip_id,
                source=ClipSource(file=str(path), start=start, end=end),
                duration=end - start,
                fps=info.fps,
                descriptions=texts,
                tags=tags,
            )
        )
    return IngestResult(tuple(records), tuple(skipped))
