"""Tracking real video: per-frame ARKit blendshapes, head and eye rotation and landmarks, with
frames without a face marked and never filled in."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from motiondirector.faces.errors import FaceVideoError
from motiondirector.faces.model import FaceModel
from motiondirector.faces.tracker import (
    FaceTrack,
    eye_angles,
    head_angles,
    npz_bytes,
    pack_tracks,
    track_face,
    unpack_tracks,
)
from motiondirector.plan.vocabulary import load_arkit_map

from .clips import VIDEOS, audio_only, cut, not_a_video, write_frames


def test_a_talking_face_is_tracked_in_every_frame(talking_track: FaceTrack) -> None:
    track = talking_track
    assert track.frames == 100  # 4 s at 25 fps
    assert track.fps == 25.0
    assert (track.width, track.height) == (512, 512)
    assert track.present.all()
    assert np.allclose(np.diff(track.times), 0.04, atol=1e-6)
    assert track.blendshapes.shape == (100, 52)
    assert track.blendshapes.min() >= 0.0 and track.blendshapes.max() <= 1.0
    names = load_arkit_map().blendshapes
    # MediaPipe does not score the tongue: it stays 0, the others move.
    assert (track.blendshapes[:, names.index("tongueOut")] == 0).all()
    assert track.blendshapes[:, names.index("jawOpen")].max() > 0.3
    assert track.landmarks.shape == (100, 478, 3)
    assert np.isfinite(track.head).all() and np.isfinite(track.eyes).all()
    # He turns his head during these seconds.
    assert np.ptp(track.head[:, 0]) > 10.0


def test_smoothing_removes_frame_to_frame_flicker(
    talking_clip: Path, face_model: FaceModel, talking_track: FaceTrack
) -> None:
    raw = track_face(talking_clip, model=face_model, smooth=False)
    assert np.allclose(raw.times, talking_track.times)

    def flicker(values: np.ndarray) -> float:
        return float(np.abs(np.diff(values, n=2, axis=0)).mean())

    assert flicker(talking_track.head) < 0.8 * flicker(raw.head)
    assert flicker(talking_track.blendshapes) < flicker(raw.blendshapes)


def test_frames_without_a_face_are_marked_not_invented(
    faceless_clip: Path, face_model: FaceModel
) -> None:
    track = track_face(faceless_clip, model=face_model)
    assert track.frames == 30
    assert not track.present.any()
    assert np.isnan(track.blendshapes).all() and np.isnan(track.head).all()
    assert np.isnan(track.landmarks).all()


def test_a_gap_in_the_face_stays_a_gap(tmp_path: Path, face_model: FaceModel) -> None:
    with av.open(str(VIDEOS / "lp_d18.mp4")) as source:
        faces = [f.to_ndarray(format="rgb24") for f in source.decode(video=0)][:20]
    frames = faces[:8] + [np.zeros_like(faces[0])] * 4 + faces[8:16]
    write_frames(frames, Fraction(30), tmp_path / "gap.mp4")
    track = track_face(tmp_path / "gap.mp4", model=face_model)
    assert track.present.tolist() == [True] * 8 + [False] * 4 + [True] * 8
    assert np.isnan(track.blendshapes[8:12]).all()
    assert np.isfinite(track.blendshapes[12:]).all()


def test_a_portrait_video_is_tracked(tmp_path: Path, face_model: FaceModel) -> None:
    clip = cut("lp_d13.mp4", 0.0, 0.5, tmp_path / "portrait.mp4")
    track = track_face(clip, model=face_model)
    assert (track.width, track.height) == (720, 1280)
    assert track.present.all()


def test_a_variable_frame_rate_keeps_its_frame_times(tmp_path: Path, face_model: FaceModel) -> None:
    with av.open(str(VIDEOS / "lp_d18.mp4")) as source:
        frames = [f.to_ndarray(format="rgb24") for f in source.decode(video=0)][:12]
    times = [0.0, 0.033, 0.067, 0.1, 0.133, 0.167, 0.4, 0.6, 0.8, 1.0, 1.1, 1.2]
    write_frames(frames, Fraction(30), tmp_path / "vfr.mp4", times=times)
    track = track_face(tmp_path / "vfr.mp4", model=face_model)
    assert np.allclose(track.times, times, atol=0.002)
    assert track.present.all()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: audio_only(folder / "voice.wav"), "has no video stream"),
        (lambda folder: not_a_video(folder / "broken.mp4"), "cannot open as a video"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    tmp_path: Path, face_model: FaceModel, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(FaceVideoError, match=message) as caught:
        track_face(path, model=face_model)
    assert caught.value.file == str(path)


def test_empty_missing_and_foreign_files_say_what_they_are(
    tmp_path: Path, face_model: FaceModel
) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "notes.mov").write_text("shot list for Tuesday")
    expected = {
        "empty.mp4": "the file is empty (0 bytes)",
        "missing.mp4": "no such file",
        # FFmpeg's reason, without its errno or a second copy of the path.
        "notes.mov": "cannot open as a video: Invalid data found when processing input",
    }
    for name, reason in expected.items():
        with pytest.raises(FaceVideoError) as caught:
            track_face(tmp_path / name, model=face_model)
        assert str(caught.value) == f"{tmp_path / name}: {reason}"


def test_head_angles_name_turns_from_the_persons_side() -> None:
    # A turn about the vertical axis by +20 degrees in the mesh's frame is the person's right.
    angle = np.radians(20.0)
    turn = np.eye(4)
    turn[0, 0] = turn[2, 2] = np.cos(angle)
    turn[0, 2], turn[2, 0] = np.sin(angle), -np.sin(angle)
    yaw, pitch, roll = head_angles(turn[None])[0]
    assert yaw == pytest.approx(-20.0) and pitch == pytest.approx(0.0)
    assert roll == pytest.approx(0.0)


def test_eye_angles_read_the_eye_look_blendshapes() -> None:
    names = load_arkit_map().blendshapes
    scores = np.zeros((1, 52))
    scores[0, names.index("eyeLookOutLeft")] = 0.5
    scores[0, names.index("eyeLookInRight")] = 0.5
    scores[0, names.index("eyeLookDownLeft")] = 1.0
    left_yaw, left_pitch, right_yaw, right_pitch = eye_angles(scores)[0]
    assert left_yaw == right_yaw == pytest.approx(15.0)  # both to the person's left
    assert left_pitch == pytest.approx(-25.0) and right_pitch == pytest.approx(0.0)


def test_tracks_pack_and_unpack_byte_for_byte(talking_track: FaceTrack) -> None:
    packed = pack_tracks({"b.mp4": talking_track, "a.mp4": talking_track.window(0.0, 1.0)})
    assert packed == pack_tracks({"a.mp4": talking_track.window(0.0, 1.0), "b.mp4": talking_track})
    back = unpack_tracks(packed)
    assert sorted(back) == ["a.mp4", "b.mp4"]
    assert back["a.mp4"].frames == 25
    assert np.allclose(back["b.mp4"].blendshapes, talking_track.blendshapes, atol=1e-6)
    assert back["b.mp4"].model_id == talking_track.model_id
    assert npz_bytes({"x": np.arange(3)}) == npz_bytes({"x": np.arange(3)})


def test_a_track_saves_and_loads(tmp_path: Path, talking_track: FaceTrack) -> None:
    talking_track.save(tmp_path / "track.npz")
    loaded = FaceTrack.load(tmp_path / "track.npz")
    assert loaded.frames == talking_track.frames and loaded.fps == talking_track.fps
    assert np.allclose(loaded.head, talking_track.head, atol=1e-3)


def test_a_cut_short_mp4_says_truncated_not_that_it_is_no_video(
    tmp_path: Path, face_model: FaceModel
) -> None:
    # Its index (the 'moov' box) comes after the media data, as most cameras write it: a copy
    # that stopped early cannot be opened, and FFmpeg says only "Invalid data found".
    data = (VIDEOS / "lp_d12.mp4").read_bytes()
    cut_short = tmp_path / "copy stopped early.mp4"
    cut_short.write_bytes(data[: len(data) * 2 // 5])
    with pytest.raises(FaceVideoError) as caught:
        track_face(cut_short, model=face_model)
    assert str(caught.value) == (
        f"{cut_short}: truncated: the file stops at 0.24 MB, inside its 'mdat' box that runs "
        "to 0.59 MB, and its index ('moov' box) is missing"
    )


def test_damage_in_the_middle_says_where_decoding_stopped(
    tmp_path: Path, face_model: FaceModel
) -> None:
    data = bytearray((VIDEOS / "lp_d18.mp4").read_bytes())
    middle = len(data) // 3
    data[middle : middle + 60000] = (
        np.random.default_rng(1).integers(0, 256, 60000).astype(np.uint8).tobytes()
    )
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    with pytest.raises(FaceVideoError) as caught:
        track_face(damaged, model=face_model)
    # Where it stopped, in frames and seconds, and FFmpeg's reason without its errno.
    message = str(caught.value)
    assert message.startswith(f"{damaged}: video data stops decoding after ")
    assert " frames (" in message and "Errno" not in message and "avcodec" not in message


def test_a_phone_clip_flagged_as_rotated_is_turned_upright(
    tmp_path: Path, face_model: FaceModel
) -> None:
    with av.open(str(VIDEOS / "lp_d13.mp4")) as source:
        frames = itertools.islice(source.decode(video=0), 15)
        upright = [frame.to_ndarray(format="rgb24") for frame in frames]
    # As a phone stores a portrait shot: landscape pixels and a display matrix that turns them.
    flagged = tmp_path / "phone.mp4"
    with av.open(str(flagged), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.set_display_rotation(90)
        for rgb in upright:
            lying = np.ascontiguousarray(np.rot90(rgb, k=-1))
            for packet in stream.encode(av.VideoFrame.from_ndarray(lying, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    write_frames(upright, Fraction(30), tmp_path / "upright.mp4")
    track = track_face(flagged, model=face_model)
    reference = track_face(tmp_path / "upright.mp4", model=face_model)
    assert (track.width, track.height) == (720, 1280) and track.present.all()
    assert np.abs(track.blendshapes - reference.blendshapes).mean() < 0.02
    assert np.abs(track.head - reference.head).max() < 3.0


@pytest.mark.parametrize("width", [540, 404])
def test_a_face_is_found_at_frame_widths_whose_rows_are_padded(
    tmp_path: Path, face_model: FaceModel, width: int
) -> None:
    # PyAV pads rows to an aligned size: at these widths (and 1080, a phone's portrait width)
    # a decoded frame is a strided view, which MediaPipe read as a sheared picture: no face.
    with av.open(str(VIDEOS / "lp_d13.mp4")) as source:
        frames = [
            np.asarray(frame.to_image().resize((width, width * 16 // 9)))
            for frame in itertools.islice(source.decode(video=0), 10)
        ]
    write_frames(frames, Fraction(30), tmp_path / "portrait.mp4")
    with av.open(str(tmp_path / "portrait.mp4")) as check:
        decoded = next(check.decode(video=0)).to_ndarray(format="rgb24")
    assert not decoded.flags["C_CONTIGUOUS"]  # the case this test is about
    track = track_face(tmp_path / "portrait.mp4", model=face_model)
    assert (track.width, track.height) == (width, width * 16 // 9 // 2 * 2)
    assert track.present.all()
