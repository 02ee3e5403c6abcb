"""Ingest video clips as ClipRecords: by their faces, and from a captions JSONL.

`ingest_face_folder` analyses every video of a folder for faces (`motiondirector.faces`): each
video with a face becomes a whole-clip record and behaviour-segment records, described in words
from what the face did and carrying a behaviour profile; its face track is returned for the
library to store. A captions file, when present, is merged in: its lines keep their ids, text
and tags, and gain the profile and the description of what was seen in their span. A video
that cannot be read, or shows no face, is skipped with a reason.

`ingest_video_folder` reads the captions file alone, as below.

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
records; it does not embed or index them, and leaves decoding to `faces/`.
"""

from __future__ import annotations

import functools
import json
import math
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from tqdm import tqdm

from motiondirector.faces.boxes import truncation
from motiondirector.faces.errors import FaceVideoError
from motiondirector.faces.events import FaceBehaviour, read_behaviour
from motiondirector.faces.model import FaceModel, find_face_model
from motiondirector.faces.segments import MIN_FACE_SHARE, cut_segments, profile_of, summarize
from motiondirector.faces.tracker import FaceTrack, track_face
from motiondirector.retrieval.records import (
    ClipRecord,
    ClipSource,
    ClipTags,
    IngestResult,
    LibraryError,
    Skipped,
)
from motiondirector.retrieval.sources import KnownSources

T = TypeVar("T")
CAPTIONS = "captions.jsonl"
FACE_TRACKS = "face_tracks.npz"
"""The library attachment that holds the face tracks of a video library, keyed by video path."""
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".flv", ".wmv",
     ".3gp"}
)  # fmt: skip
MIN_FILES_FOR_WORKERS = 4
AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus"})
"""Audio files in a video folder are reported (no video stream), not silently passed over."""
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
    import av  # here, not at import: listing a library need not load FFmpeg

    name = str(path)
    try:
        container = av.open(name)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        if Path(name).is_file() and Path(name).stat().st_size == 0:
            raise VideoProbeError(name, "the file is empty (0 bytes)") from error
        if (truncated := truncation(name)) is not None:
            raise VideoProbeError(name, truncated) from error
        # FFmpeg's text without its errno and the path, which the reason already starts with.
        cause = getattr(error, "strerror", None) or str(error)
        raise VideoProbeError(name, f"cannot open as a video: {cause}") from error
    with container:
        if not container.streams.video:
            # Say what it is instead: a stray recording reads differently from a broken file.
            kinds = sorted({str(stream.type) for stream in container.streams}) or ["no streams"]
            raise VideoProbeError(name, f"has no video stream (it holds {', '.join(kinds)})")
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


def media_files(folder: str | Path) -> list[Path]:
    """Video and audio files under `folder` (hidden ones left out), in path order."""
    root = Path(folder)
    suffixes = VIDEO_SUFFIXES | AUDIO_SUFFIXES
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix.lower() in suffixes
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def is_video_folder(folder: str | Path) -> bool:
    """A folder with a captions file or any video or audio file in it."""
    root = Path(folder)
    return root.is_dir() and ((root / CAPTIONS).is_file() or bool(media_files(root)))


def _face_records(
    root: Path, path: Path, track: FaceTrack, behaviour: FaceBehaviour
) -> list[ClipRecord]:
    stem = path.relative_to(root).with_suffix("").as_posix()
    records = []
    # Segments count from 1 whether or not the whole video is a clip (it is not when the face
    # shows in less than half of it).
    number = 0
    for segment in cut_segments(track, behaviour):
        number += not segment.whole
        suffix = "face" if segment.whole else f"face{number}"
        profile = segment.profile
        records.append(
            ClipRecord(
                id=f"{root.name}/{stem}#{suffix}",
                source=ClipSource(file=str(path), start=segment.start, end=segment.end),
                duration=round(segment.end - segment.start, 3),
                fps=track.fps,
                descriptions=segment.descriptions,
                tags=ClipTags(
                    lexemes=segment.head_lexemes,
                    emotion=profile.emotion,
                    aus=profile.shown_aus(),
                    free=segment.free_tags,
                ),
                profile=profile,
            )
        )
    return records


def _with_faces(record: ClipRecord, track: FaceTrack, behaviour: FaceBehaviour) -> ClipRecord:
    """A caption record with the profile of its span and what was seen added to its text and
    tags (the caption's own emotion and style win)."""
    start, end = record.source.start, record.source.end
    profile = profile_of(track, behaviour, start, end)
    seen = summarize(profile, end - start)
    tags = record.tags
    merged = ClipTags(
        lexemes=tuple(dict.fromkeys((*tags.lexemes, *profile.head))),
        emotion=tags.emotion or profile.emotion,
        style=tags.style,
        aus=tuple(sorted(set(tags.aus) | set(profile.shown_aus()))),
        hand=tags.hand,
        free=tuple(dict.fromkeys((*tags.free, "face"))),
    )
    descriptions = tuple(dict.fromkeys((*record.descriptions, seen)))
    return record.model_copy(
        update={"descriptions": descriptions, "tags": merged, "profile": profile}
    )


def _track_or_reason(
    path: Path, model: FaceModel, frames: Callable[[int], None] | None = None
) -> FaceTrack | str:
    """The face track of the video at `path`, or why it cannot be analysed (`frames` is told
    the count of frames tracked so far). Runs in worker processes, so it returns the reason
    rather than raising it."""
    try:
        probe_video(path)
        return track_face(path, model=model, progress=frames)
    except (VideoProbeError, FaceVideoError) as error:
        return error.reason


def _frame_counter(bar: Any, path: Path) -> Callable[[int], None]:
    """A `track_face` progress callback that shows the video's frames tracked beside the bar
    of videos, redrawn a few times a second: one long take is minutes of a bar that does not
    move otherwise."""
    shown = [0.0]

    def tracked(count: int) -> None:
        now = time.monotonic()
        if now - shown[0] >= _REDRAW_S:
            shown[0] = now
            bar.set_postfix_str(f"{path.name}: frame {count}")

    return tracked


_REDRAW_S = 0.5


def _analysed(
    files: list[Path], model: FaceModel, workers: int, progress: bool
) -> Iterator[tuple[Path, FaceTrack | str]]:
    """Each file with its track or reason, in file order; across `workers` processes when
    there is more than one (tracking is single-threaded native work, one video per core)."""
    bar = tqdm(total=len(files), disable=not progress, unit="video", desc="analysing faces")
    with bar:
        if workers <= 1 or len(files) <= 1:
            for path in files:
                frames = _frame_counter(bar, path) if progress else None
                yield path, _track_or_reason(path, model, frames)
                bar.set_postfix_str("", refresh=False)
                bar.update()
            return
        # A fresh interpreter per worker: the landmarker's native threads do not survive fork.
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(workers, initializer=_ignore_interrupts)
        try:
            track = functools.partial(_numbered_track, model=model)
            # Counted as each video is done, not as it comes next in line: a long first take
            # held the bar at 0 while the short ones after it were already analysed.
            done = in_order(pool.imap_unordered(track, enumerate(files)), bar.update)
            yield from zip(files, done, strict=True)
        except BaseException:
            # Ctrl-C (or a caller that stops early): stop the workers now, not after every
            # queued video has been analysed, as waiting for the pool would.
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()


def _numbered_track(item: tuple[int, Path], model: FaceModel) -> tuple[int, FaceTrack | str]:
    number, path = item
    return number, _track_or_reason(path, model)


def in_order(arrivals: Iterable[tuple[int, T]], arrived: Callable[[], object]) -> Iterator[T]:
    """Items numbered 0, 1, 2, ... that arrive in any order, yielded in number order as soon
    as every one before them is in; `arrived` is called as each arrives."""
    pending: dict[int, T] = {}
    following = 0
    for number, item in arrivals:
        arrived()
        pending[number] = item
        while following in pending:
            yield pending.pop(following)
            following += 1


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops them: a terminal sends it to
    the whole process group, and a traceback from each worker would bury the one line."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ingest_face_folder(
    folder: str | Path,
    *,
    captions: str | Path | None = None,
    model: FaceModel | None = None,
    workers: int | None = None,
    progress: bool = False,
    known: KnownSources | None = None,
) -> IngestResult:
    """Records for every video of `folder` with a face (see the module docstring), merged with
    the captions file when there is one (`captions`, default `captions.jsonl` in the folder).

    The face model is `model`, else the configured one (`FaceModelError` naming the setting
    when it is missing). Videos are analysed in `workers` processes (default: one per CPU
    this process may use when there are `MIN_FILES_FOR_WORKERS` videos or more, else one);
    the records are the same for any number.
    Clip ids are `<folder name>/<file stem>#face` for the whole video and `#face<n>` for its
    segments; caption lines keep their `#<n>` ids. Videos in `known` (a library's) are not
    analysed unless they changed: unchanged ones are listed as kept, and their caption lines
    go in without a face profile. Videos in which no face was found are listed as empty.
    """
    root = Path(folder)
    if not root.is_dir():
        raise LibraryError(f"{root}: not a folder of videos")
    face_model = model or find_face_model()
    # Absolute: `ingest_video_folder` takes a relative path to be inside the folder.
    captions_path = (Path(captions) if captions is not None else root / CAPTIONS).absolute()
    captioned = (
        ingest_video_folder(root, captions=captions_path, progress=progress)
        if captions is not None or captions_path.is_file()
        else IngestResult((), ())
    )
    files = media_files(root)
    if not files and not captioned.records:
        raise LibraryError(f"{root}: no video files found")
    skipped = list(captioned.skipped)
    kept: list[Path] = []
    if known is not None:
        files, kept = known.split(files)
    if workers is None:
        # Starting a worker costs about a second of imports: worth it from a few videos on.
        cpus = len(os.sched_getaffinity(0))
        workers = min(len(files), cpus) if len(files) >= MIN_FILES_FOR_WORKERS else 1
    records: list[ClipRecord] = []
    tracks: dict[str, FaceTrack] = {}
    seen: dict[str, FaceBehaviour] = {}
    empty: list[str] = []
    for path, outcome in _analysed(files, face_model, workers, progress):
        if isinstance(outcome, str):
            skipped.append(Skipped(str(path), None, outcome))
            continue
        if not outcome.present.any():
            skipped.append(
                Skipped(str(path), None, f"no face found in any of its {outcome.frames} frames")
            )
            empty.append(str(path))
            continue
        behaviour = read_behaviour(outcome)
        clips = _face_records(root, path, outcome, behaviour)
        if not clips:
            skipped.append(
                Skipped(
                    str(path),
                    None,
                    f"a face in only {outcome.face_share:.0%} of its {outcome.frames} frames: "
                    f"too few for a clip (one needs a face in {MIN_FACE_SHARE:.0%} of its frames)",
                )
            )
            empty.append(str(path))
            continue
        tracks[str(path)] = outcome
        seen[str(path)] = behaviour
        records.extend(clips)
    for record in captioned.records:
        file = record.source.file
        if file in tracks:
            records.append(_with_faces(record, tracks[file], seen[file]))
        else:
            records.append(record)
    return IngestResult(
        tuple(records),
        tuple(skipped),
        tracks,
        face_model.model_id,
        tuple(str(path) for path in kept),
        tuple(empty),
    )
