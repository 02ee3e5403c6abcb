"""`analyze`: a video's face as ARKit curves, head and eye rotation, events and a summary.

`analyze_video(path, out)` tracks the face (`tracker.py`), reads its behaviour (`events.py`) and
writes, into `out`:

    arkit.csv      time + the 52 ARKit blendshapes per frame, the plan export's columns and
                   4-decimal format; a frame without a face has empty cells
    arkit.json     the plan export's JSON (format motiondirector-arkit-52), one frame per line;
                   a frame without a face has null weights
    head.csv       time, face (1/0), yaw, pitch, roll, and left/right eye yaw and pitch, degrees
    events.json    the behaviour events (plan event JSON) and the speaking/silent and emotion spans
    summary.json   what was seen, in numbers, and one line in words
    track.npz      the smoothed per-frame arrays, landmarks included (`FaceTrack.load`)

Frames are written at the video's own times (a variable frame rate keeps its times). This
module writes files; the analysis itself lives in the modules it calls.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from motiondirector.export.arkit import ARKIT_JSON_FORMAT, ARKIT_JSON_VERSION
from motiondirector.faces.events import FaceBehaviour, read_behaviour
from motiondirector.faces.model import FaceModel
from motiondirector.faces.segments import profile_of, summarize
from motiondirector.faces.tracker import FaceTrack, expected_frames, track_face
from motiondirector.plan.motion_plan import FaceEvent, HeadEvent
from motiondirector.plan.vocabulary import load_arkit_map

FILES = ("arkit.csv", "arkit.json", "head.csv", "events.json", "summary.json", "track.npz")
HEAD_COLUMNS = (
    "time", "face", "yaw", "pitch", "roll",
    "left_eye_yaw", "left_eye_pitch", "right_eye_yaw", "right_eye_pitch",
)  # fmt: skip


@dataclass(frozen=True)
class AnalysisResult:
    """The track, what it showed, the summary and the files written (empty without `out`)."""

    track: FaceTrack
    behaviour: FaceBehaviour
    summary: dict[str, Any]
    files: tuple[Path, ...]


def _missing_spans(track: FaceTrack) -> list[list[float]]:
    spans: list[list[float]] = []
    for i, here in enumerate(track.present):
        if here:
            continue
        end = float(track.times[i]) + 1.0 / track.fps
        if spans and abs(spans[-1][1] - float(track.times[i])) < 0.5 / track.fps:
            spans[-1][1] = round(end, 3)
        else:
            spans.append([round(float(track.times[i]), 3), round(end, 3)])
    return spans


def summarize_analysis(track: FaceTrack, behaviour: FaceBehaviour) -> dict[str, Any]:
    """Numbers and one line in words about the whole video."""
    counts: dict[str, int] = {}
    for event in behaviour.events:
        if isinstance(event, FaceEvent):
            key = f"AU{event.au}"
        elif isinstance(event, HeadEvent):
            key = f"head {event.lexeme}"
        else:
            key = f"gaze {event.target}"
        counts[key] = counts.get(key, 0) + 1
    summary: dict[str, Any] = {
        "source": track.source,
        "face_model": track.model_id,
        "frames": track.frames,
        "fps": round(track.fps, 3),
        "duration": round(track.duration, 3),
        "width": track.width,
        "height": track.height,
        "face_frames": int(track.present.sum()),
        "face_share": round(track.face_share, 4),
        "missing": _missing_spans(track),
        "events": dict(sorted(counts.items())),
    }
    if track.present.any():
        start = float(track.times[0])
        profile = profile_of(track, behaviour, start, start + track.duration)
        summary["profile"] = profile.model_dump(mode="json")
        summary["description"] = summarize(profile, track.duration)
    else:
        summary["description"] = "no face found"
    return summary


def _csv(times: np.ndarray, values: np.ndarray, header: tuple[str, ...], fmt: str) -> str:
    buffer = io.StringIO()
    buffer.write(",".join(header) + "\n")
    for time, row in zip(times, values, strict=True):
        cells = ["" if not np.isfinite(v) else fmt % v for v in row]
        buffer.write(f"{time:.4f}," + ",".join(cells) + "\n")
    return buffer.getvalue().replace("-0.0000", "0.0000")


def arkit_csv_text(track: FaceTrack) -> str:
    """The plan export's CSV columns for the tracked face; empty cells where there is none."""
    return _csv(track.times, track.blendshapes, ("time", *load_arkit_map().blendshapes), "%.4f")


def arkit_json_text(track: FaceTrack, character: str) -> str:
    """The plan export's JSON layout for the tracked face; null weights where there is none."""
    head = {
        "format": ARKIT_JSON_FORMAT,
        "version": ARKIT_JSON_VERSION,
        "character": character,
        "fps": round(track.fps, 3),
        "duration": round(track.duration, 4),
        "blendshapes": list(load_arkit_map().blendshapes),
        "source": track.source,
        "face_model": track.model_id,
    }
    rows = []
    for time, row, here in zip(track.times, track.blendshapes, track.present, strict=True):
        weights = [round(float(v), 4) + 0.0 for v in row] if here else [None] * len(row)
        rows.append([round(float(time), 4), *weights])
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    frames = ",\n".join("    " + json.dumps(row, separators=(",", ":")) for row in rows)
    return "{\n" + "\n".join(lines) + '\n  "frames": [\n' + frames + "\n  ]\n}\n"


def head_csv_text(track: FaceTrack) -> str:
    """Head and eye rotation per frame, degrees; empty cells where there is no face."""
    buffer = io.StringIO()
    buffer.write(",".join(HEAD_COLUMNS) + "\n")
    angles = np.column_stack([track.head, track.eyes])
    for time, here, row in zip(track.times, track.present, angles, strict=True):
        cells = [f"{v:.3f}" if here and np.isfinite(v) else "" for v in row]
        buffer.write(f"{time:.4f},{int(here)}," + ",".join(cells) + "\n")
    return buffer.getvalue().replace("-0.000,", "0.000,")


def events_json_text(behaviour: FaceBehaviour) -> str:
    data = {
        "events": [event.model_dump(mode="json") for event in behaviour.events],
        "states": [
            {
                "kind": s.kind,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "intensity": s.intensity,
                "description": s.description,
            }
            for s in behaviour.states
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o644)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def analyze_video(
    path: str | Path,
    out: str | Path | None = None,
    *,
    model: FaceModel | None = None,
    progress: bool = False,
) -> AnalysisResult:
    """Track and read the face of the video at `path`; write the files of `FILES` into `out`
    when given. A video without a face is analysed too: its summary says so. `progress`
    shows a bar of frames on stderr (a long take is minutes of tracking)."""
    with tqdm(
        total=expected_frames(path) if progress else None,
        disable=not progress,
        unit="frame",
        desc="tracking the face",
        leave=False,
    ) as bar:

        def tracked(_: int) -> None:
            bar.update()

        track = track_face(path, model=model, progress=tracked)
    behaviour = read_behaviour(track)
    summary = summarize_analysis(track, behaviour)
    written: list[Path] = []
    if out is not None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        contents = {
            "arkit.csv": arkit_csv_text(track).encode(),
            "arkit.json": arkit_json_text(track, Path(path).stem).encode(),
            "head.csv": head_csv_text(track).encode(),
            "events.json": events_json_text(behaviour).encode(),
            "summary.json": (json.dumps(summary, indent=2) + "\n").encode(),
            "track.npz": track.to_bytes(),
        }
        for name in FILES:
            _write_atomic(folder / name, contents[name])
            written.append(folder / name)
    return AnalysisResult(track, behaviour, summary, tuple(written))
