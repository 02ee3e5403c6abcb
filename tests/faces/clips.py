"""Short test videos cut from the shared clips with PyAV, and the kinds of bad input a video
folder holds: no face, audio only, a file that is not a video, a variable frame rate."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ..conftest import SHARED_DATA

VIDEOS = SHARED_DATA / "video"
FACE_MODEL = SHARED_DATA / "models" / "face_landmarker.task"


def cut(name: str, start: float, end: float, target: Path, *, step: int = 1) -> Path:
    """Frames of the shared clip `name` in [start, end) re-encoded (H.264) into `target`;
    `step` keeps every step-th frame at a proportionally lower rate."""
    with av.open(str(VIDEOS / name)) as source:
        stream = source.streams.video[0]
        rate = Fraction(stream.average_rate) / step
        frames = [
            frame.to_ndarray(format="rgb24")
            for frame in source.decode(stream)
            if start <= float(frame.time) < end
        ][::step]
    write_frames(frames, rate, target)
    return target


def write_frames(
    frames: list[np.ndarray], rate: Fraction, target: Path, *, times: list[float] | None = None
) -> None:
    """Encode RGB frames as H.264 at `rate`, or at the given `times` (seconds) when the frame
    rate is to vary."""
    with av.open(str(target), "w") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width = frames[0].shape[1] // 2 * 2
        stream.height = frames[0].shape[0] // 2 * 2
        stream.pix_fmt = "yuv420p"
        if times is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        for index, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(rgb[: stream.height, : stream.width]), format="rgb24"
            )
            if times is not None:
                frame.pts = round(times[index] * 1000)
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def audio_only(target: Path, seconds: float = 1.0) -> Path:
    """A WAV file of a quiet tone: a media file without a video stream."""
    rate = 16000
    with av.open(str(target), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=rate)
        samples = (np.sin(np.arange(int(rate * seconds)) / 8) * 3000).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return target


def not_a_video(target: Path) -> Path:
    target.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    return target
