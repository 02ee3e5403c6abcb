"""A video folder without captions becomes a searchable library of face segments: analysed,
described, profiled, stored with its tracks, and searched by words and by planned behaviour."""

from __future__ import annotations

import json
import os
import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from motiondirector.cli import main
from motiondirector.embedding import SentenceEmbedder
from motiondirector.faces.model import FACE_MODEL_ENV, find_face_model
from motiondirector.faces.tracker import unpack_tracks
from motiondirector.plan.motion_plan import Envelope, FaceEvent, HeadEvent, Source, SyncPoints
from motiondirector.retrieval import (
    ClipLibrary,
    ClipQuery,
    CorruptLibraryError,
    LibraryMismatchError,
    search_clips,
)
from motiondirector.retrieval.records import IngestResult
from motiondirector.retrieval.video import FACE_TRACKS, in_order, ingest_face_folder

from ..faces.clips import FACE_MODEL, VIDEOS, audio_only, cut, not_a_video, write_frames
from .files import garble_keeping_stamp


@pytest.fixture(autouse=True)
def _face_model_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a user brings it: three talking-face cuts, a video without a face, a voice
    recording and a file that is not a video."""
    folder = tmp_path_factory.mktemp("videos") / "talks"
    folder.mkdir()
    cut("lp_d12.mp4", 0.0, 4.0, folder / "animated.mp4")
    cut("lp_d19.mp4", 6.0, 8.4, folder / "smile.mp4")
    cut("lp_d18.mp4", 2.0, 5.6, folder / "mouth.mp4")
    cut("maa_kps2.mp4", 0.0, 1.0, folder / "skeleton.mp4")
    audio_only(folder / "voice.wav")
    not_a_video(folder / "broken.mp4")
    return folder


@pytest.fixture(scope="module")
def ingested(talks: Path) -> IngestResult:
    return ingest_face_folder(talks, model=find_face_model(FACE_MODEL), workers=1)


@pytest.fixture(scope="module")
def library(
    ingested: IngestResult, tmp_path_factory: pytest.TempPathFactory, embedder: SentenceEmbedder
) -> ClipLibrary:
    from motiondirector.faces.tracker import pack_tracks

    return ClipLibrary.create(
        tmp_path_factory.mktemp("libraries") / "faces",
        ingested.records,
        embedder=embedder,
        attachments={FACE_TRACKS: pack_tracks(dict(ingested.tracks))},
    )


def test_every_face_video_becomes_segments_and_the_rest_is_skipped_with_a_reason(
    ingested: IngestResult, talks: Path
) -> None:
    reasons = {Path(s.file).name: s.reason for s in ingested.skipped}
    assert reasons == {
        "skeleton.mp4": "no face found in any of its 30 frames",
        "voice.wav": "has no video stream (it holds audio)",
        "broken.mp4": reasons["broken.mp4"],
    }
    assert reasons["broken.mp4"].startswith("cannot open as a video")
    ids = [r.id for r in ingested.records]
    for stem in ("animated", "smile", "mouth"):
        assert f"talks/{stem}#face" in ids
    # The 4 s talker has segments beside its whole clip; no video holds one span twice (a short
    # take of one piece was its whole clip and a segment of the same span: two equal hits).
    assert any(i.startswith("talks/animated#face") and i != "talks/animated#face" for i in ids)
    spans = [(r.source.file, r.source.start, r.source.end) for r in ingested.records]
    assert len(spans) == len(set(spans))
    assert sorted(Path(k).name for k in ingested.tracks) == [
        "animated.mp4",
        "mouth.mp4",
        "smile.mp4",
    ]
    assert ingested.face_model == "face_landmarker@64184e229b26"
    for record in ingested.records:
        assert record.profile is not None and "face" in record.tags.free
        assert record.source.file in ingested.tracks
        assert record.source.end <= ingested.tracks[record.source.file].duration + 1e-6


def test_the_tracks_are_stored_and_checked_with_the_library(
    library: ClipLibrary, ingested: IngestResult, embedder: SentenceEmbedder
) -> None:
    reopened = ClipLibrary.open(library.path, embedder=embedder)
    assert reopened.face_model == ingested.face_model
    tracks = unpack_tracks(reopened.attachment(FACE_TRACKS) or b"")
    assert sorted(tracks) == sorted(ingested.tracks)
    manifest = json.loads((library.path / library.version / "manifest.json").read_text())
    assert manifest["format_version"] == 2 and FACE_TRACKS in manifest["files"]
    assert manifest["face_model"] == ingested.face_model


def test_words_find_the_segment_that_shows_them(library: ClipLibrary) -> None:
    def top(text: str) -> str:
        return search_clips(library, ClipQuery.from_text(text), k=1)[0].record.id

    assert top("smiles broadly in silence").startswith("talks/smile#")
    assert top("talks with wide mouth movements").startswith(("talks/mouth#", "talks/animated#"))
    assert top("turns the head").startswith("talks/animated#")


def test_a_plan_slot_is_a_query_of_its_own(library: ClipLibrary) -> None:
    source = Source(planner="rules", rule="test", reason="test")
    smile = FaceEvent(
        id="f1",
        start=1.0,
        end=3.0,
        source=source,
        description="lip corner puller (AU12) at 0.90: listening warmly",
        au=12,
        intensity=0.9,
        envelope=Envelope(apex_start=1.5, apex_end=2.5),
    )
    query = ClipQuery.from_face_events([smile], emotion="joy", speaking=False)
    assert query.behaviour is not None and query.duration == 2.0
    best = search_clips(library, query, k=1)[0]
    assert best.record.id.startswith("talks/smile#")
    assert "behaviour" in best.reason and best.behaviour > 0.8
    turn = HeadEvent(
        id="h1",
        start=0.0,
        end=1.0,
        source=source,
        description="turns the head away on “no”",
        lexeme="turn_away",
        sync=SyncPoints(start=0.0, ready=0.2, stroke=0.5, relax=0.8, end=1.0),
    )
    moving = search_clips(library, ClipQuery.from_face_events([turn], speaking=True), k=1)[0]
    assert moving.record.id.startswith("talks/animated#")


def test_a_profile_of_another_face_model_is_refused_and_nothing_is_lost(
    library: ClipLibrary, ingested: IngestResult, embedder: SentenceEmbedder, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(library.path, copy)
    opened = ClipLibrary.open(copy, embedder=embedder)
    version, count = opened.version, len(opened)
    record = ingested.records[0]
    assert record.profile is not None
    other = record.model_copy(
        update={
            "id": "talks/other#face",
            "profile": record.profile.model_copy(update={"face_model": "face_landmarker@0000"}),
        }
    )
    with pytest.raises(LibraryMismatchError, match="face model 'face_landmarker@64184e229b26'"):
        opened.add([other])
    again = ClipLibrary.open(copy, embedder=embedder)
    assert (again.version, len(again)) == (version, count)
    assert again.attachment(FACE_TRACKS) == library.attachment(FACE_TRACKS)


def test_a_damaged_track_file_is_caught_on_open(
    library: ClipLibrary, embedder: SentenceEmbedder, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(library.path, copy)
    tracks = copy / library.version / FACE_TRACKS
    data = bytearray(tracks.read_bytes())
    data[100] ^= 0xFF
    tracks.write_bytes(bytes(data))
    with pytest.raises(CorruptLibraryError, match=FACE_TRACKS):
        ClipLibrary.open(copy, embedder=embedder)


def test_captions_are_merged_with_what_was_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "captioned"
    folder.mkdir()
    cut("lp_d19.mp4", 6.0, 8.4, folder / "smile.mp4")
    line = {"file": "smile.mp4", "in": 0.5, "text": "grins at a joke", "tags": {"style": "warm"}}
    (folder / "captions.jsonl").write_text(json.dumps(line) + "\n")
    monkeypatch.chdir(tmp_path)  # the folder given as `index build captioned/` gives it
    result = ingest_face_folder(Path("captioned"), model=find_face_model(FACE_MODEL))
    captioned = next(r for r in result.records if r.id == "captioned/smile#1")
    assert captioned.descriptions[0] == "grins at a joke" and len(captioned.descriptions) == 2
    assert "smiles" in captioned.descriptions[1]
    assert captioned.tags.style == "warm" and 12 in captioned.tags.aus
    assert captioned.profile is not None and captioned.source.start == 0.5


def test_index_build_and_search_from_the_command_line(
    talks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("smile.mp4", "voice.wav"):
        shutil.copy(talks / name, folder / name)
    library = tmp_path / "lib"
    assert main(["index", "build", str(folder), "--out", str(library), "-q"]) == 0
    out = capsys.readouterr()
    assert "skipped 1" in out.out and "voice.wav: has no video stream" in out.err
    assert main(["search", str(library), "smiles broadly", "--format", "json", "-k", "2"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 1  # a 2.3 s take of one piece: its whole clip, not the same span twice
    assert set(hits[0]) >= {"file", "in", "out", "score", "description", "tags"}
    assert hits[0]["file"] == str(folder / "smile.mp4") and hits[0]["out"] > hits[0]["in"]
    assert "smiles" in hits[0]["description"]
    # The score is written out as its sum, behaviour included.
    assert hits[0]["explained"].startswith(f"{hits[0]['score']:.3f} = 0.50 × (0.50 × text ")
    assert "(none asked)" in hits[0]["explained"] and "× behaviour" in hits[0]["explained"]
    # Adding the same videos again adds nothing and says so: the library stays as it was. The
    # known video is not analysed again (garbled, it would be skipped as unreadable).
    smile = folder / "smile.mp4"
    original, stat = smile.read_bytes(), smile.stat()
    garble_keeping_stamp(smile)
    assert main(["index", "build", str(folder), "--out", str(library), "--add", "-q"]) == 0
    out = capsys.readouterr()
    assert "nothing new to add" in out.out and "already in" in out.err
    assert "smile.mp4" not in out.err
    smile.write_bytes(original)
    os.utime(smile, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ClipLibrary.open(library).version == "v000001"
    # A folder that grew is added again: only its new video goes in.
    shutil.copy(talks / "mouth.mp4", folder / "mouth.mp4")
    before = len(ClipLibrary.open(library))
    assert main(["index", "build", str(folder), "--out", str(library), "--add", "-q"]) == 0
    assert before == 1 and "kept 1 clip already in" in capsys.readouterr().err
    grew = ClipLibrary.open(library)
    assert grew.version == "v000002" and len(grew) > before
    assert {r.id.split("#")[0] for r in grew.records} == {"two/smile", "two/mouth"}
    (folder / "mouth.mp4").unlink()
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(talks / "mouth.mp4", more / "mouth.mp4")
    assert main(["index", "build", str(more), "--out", str(library), "--add", "-q"]) == 0
    grown = ClipLibrary.open(library)
    assert grown.version == "v000003"
    assert {r.id.split("#")[0] for r in grown.records} == {"two/smile", "two/mouth", "more/mouth"}
    stored = unpack_tracks(grown.attachment(FACE_TRACKS) or b"")
    assert sorted(Path(k).name for k in stored) == ["mouth.mp4", "mouth.mp4", "smile.mp4"]


def test_add_passes_over_faceless_videos_and_reads_changed_ones_again(
    talks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cast"
    folder.mkdir()
    smile, empty = folder / "smile.mp4", folder / "empty.mp4"
    shutil.copy(talks / "smile.mp4", smile)
    shutil.copy(talks / "skeleton.mp4", empty)
    library = tmp_path / "lib"
    add = ["index", "build", str(folder), "--out", str(library), "-q", "--add"]
    assert main(["index", "build", str(folder), "--out", str(library), "-q"]) == 0
    assert f"{empty}: no face found" in capsys.readouterr().err
    # The video without a face was read: it is passed over now (garbled, it would be skipped).
    original, stat = empty.read_bytes(), empty.stat()
    garble_keeping_stamp(empty)
    assert main(add) == 0
    out = capsys.readouterr()
    assert "nothing new to add" in out.out and "empty.mp4" not in out.err
    empty.write_bytes(original)
    os.utime(empty, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    def durations(opened: ClipLibrary) -> dict[str, float]:
        return {r.id: r.duration for r in opened.records if r.id.endswith("#face")}

    # Both change: the smile becomes another talk, the empty video gets a face.
    shutil.copy(talks / "mouth.mp4", smile)
    shutil.copy(talks / "animated.mp4", empty)
    assert main(add) == 0
    assert "read 2 changed files again" in capsys.readouterr().err
    changed = ClipLibrary.open(library)
    assert durations(changed) == {
        "cast/smile#face": pytest.approx(3.6, abs=0.1),
        "cast/empty#face": pytest.approx(4.0, abs=0.1),
    }
    tracks = unpack_tracks(changed.attachment(FACE_TRACKS) or b"")
    assert {Path(v).name: t.duration for v, t in tracks.items()} == {
        "smile.mp4": pytest.approx(3.6, abs=0.1),
        "empty.mp4": pytest.approx(4.0, abs=0.1),
    }
    # A video that lost its face loses its clips and its track.
    shutil.copy(talks / "skeleton.mp4", smile)
    assert main(add) == 0
    assert "read 1 changed file again" in capsys.readouterr().err
    left = ClipLibrary.open(library)
    assert {r.id.split("#")[0] for r in left.records} == {"cast/empty"}
    assert list(unpack_tracks(left.attachment(FACE_TRACKS) or b"")) == [str(empty)]


def test_without_the_model_a_captioned_folder_is_still_ingested_from_its_captions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, talks: Path
) -> None:
    from motiondirector.faces.errors import FaceModelError
    from motiondirector.retrieval.ingest import ingest

    folder = tmp_path / "captioned"
    folder.mkdir()
    shutil.copy(talks / "smile.mp4", folder / "smile.mp4")
    monkeypatch.setenv(FACE_MODEL_ENV, str(tmp_path / "missing.task"))
    with pytest.raises(FaceModelError, match=FACE_MODEL_ENV):
        ingest([str(folder)])
    (folder / "captions.jsonl").write_text('{"file": "smile.mp4", "text": "grins"}\n')
    result = ingest([str(folder)])
    assert [r.id for r in result.records] == ["captioned/smile#1"]
    assert result.skipped[0].reason.startswith("faces not analysed, captions only:")


def test_the_records_do_not_depend_on_the_number_of_worker_processes(tmp_path: Path) -> None:
    folder = tmp_path / "pair"
    folder.mkdir()
    cut("lp_d19.mp4", 7.4, 8.0, folder / "a.mp4")
    cut("lp_d20.mp4", 2.0, 2.6, folder / "b.mp4")
    model = find_face_model(FACE_MODEL)
    alone = ingest_face_folder(folder, model=model, workers=1)
    shared = ingest_face_folder(folder, model=model, workers=2)
    assert alone.records and [r.to_json() for r in alone.records] == [
        r.to_json() for r in shared.records
    ]
    assert sorted(alone.tracks) == sorted(shared.tracks)


def test_a_folder_of_motion_with_videos_among_it_ingests_both(
    tmp_path: Path, talks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motiondirector.retrieval.ingest import ingest

    from ..conftest import SHARED_DATA

    folder = tmp_path / "shoot"
    folder.mkdir()
    bvh = SHARED_DATA / "mocap" / "bandai-namco-1" / "data" / "dataset-1_bye_sad_001.bvh"
    shutil.copy(bvh, folder / "take.bvh")
    shutil.copy(talks / "smile.mp4", folder / "reference.mp4")
    result = ingest([str(folder)])
    ids = {r.id for r in result.records}
    assert "shoot/take" in ids and "shoot/reference#face" in ids and not result.skipped
    assert list(result.tracks) == [str(folder / "reference.mp4")]
    # Without the face model the motion still goes in, and the video says why it did not.
    monkeypatch.setenv(FACE_MODEL_ENV, str(tmp_path / "missing.task"))
    result = ingest([str(folder)])
    assert [r.id for r in result.records] == ["shoot/take"]
    (skipped,) = result.skipped
    assert skipped.file == str(folder / "reference.mp4")
    assert skipped.reason.startswith("not analysed for faces: no face model")


def test_known_motion_and_videos_of_a_mixed_folder_are_passed_over_unread(
    tmp_path: Path, talks: Path
) -> None:
    from motiondirector.retrieval.ingest import ingest
    from motiondirector.retrieval.sources import KnownSources, pack_stamps

    from ..conftest import SHARED_DATA

    folder = tmp_path / "shoot"
    folder.mkdir()
    data = SHARED_DATA / "mocap" / "bandai-namco-1" / "data"
    shutil.copy(data / "dataset-1_bye_sad_001.bvh", folder / "take.bvh")
    shutil.copy(talks / "smile.mp4", folder / "reference.mp4")
    first = ingest([str(folder)])
    known = KnownSources.of(first.records, pack_stamps(first.records))
    # Read again, both would now be skipped as unreadable.
    garble_keeping_stamp(folder / "take.bvh")
    garble_keeping_stamp(folder / "reference.mp4")
    shutil.copy(data / "dataset-1_walk_angry_001.bvh", folder / "walk.bvh")
    shutil.copy(talks / "mouth.mp4", folder / "mouth.mp4")
    result = ingest([str(folder)], known=known)
    assert not result.skipped
    assert sorted(result.kept) == [str(folder / "reference.mp4"), str(folder / "take.bvh")]
    assert {r.id.split("#")[0] for r in result.records} == {"shoot/walk", "shoot/mouth"}
    assert list(result.tracks) == [str(folder / "mouth.mp4")]


def test_ctrl_c_stops_a_folder_analysis_with_one_line(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from ..conftest import SHARED_DATA

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(8):
        shutil.copy(SHARED_DATA / "video" / "lp_d18.mp4", folder / f"take{number}.mp4")
    # As a terminal does: Ctrl-C goes to the whole process group, workers included. The
    # handler is set explicitly, since a child of a background job starts with it ignored.
    code = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from motiondirector.cli import main\n"
        f"sys.exit(main(['index', 'build', {str(folder)!r}, '--out', {str(tmp_path / 'lib')!r}]))"
    )
    env = {**os.environ, FACE_MODEL_ENV: str(FACE_MODEL)}
    with subprocess.Popen(
        [sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    ) as process:  # fmt: skip
        time.sleep(8)  # into the analysis: the workers are started and tracking
        os.killpg(process.pid, signal.SIGINT)
        _, errors = process.communicate(timeout=300)
    assert process.returncode == 130, errors
    assert errors.strip() == "interrupted"
    assert not (tmp_path / "lib").exists()


def _frames(name: str, count: int) -> list[np.ndarray]:
    with av.open(str(VIDEOS / name)) as source:
        frames = [frame.to_ndarray(format="rgb24") for frame in source.decode(video=0)]
    return [np.ascontiguousarray(frame[:480, :480]) for frame in frames[:count]]


def test_a_video_with_too_little_face_is_skipped_with_why_not_passed_over_in_silence(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    face, body = _frames("lp_d19.mp4", 45), _frames("maa_kps2.mp4", 90)
    # Someone walks into the shot, shows the face for 1.5 s of 4.5 and walks out: no whole-video
    # clip (a face in a third of it), but the stretch with the face is one.
    write_frames(body[:60] + face + body[60:], Fraction(30), folder / "walk in.mp4")
    # A face in one frame of three all through: no stretch shows it in half its frames.
    flicker = [frame for triple in zip(face, body[:45], body[45:], strict=True) for frame in triple]
    write_frames(flicker, Fraction(30), folder / "flicker.mp4")
    result = ingest_face_folder(folder, model=find_face_model(FACE_MODEL), workers=1)
    (skipped,) = result.skipped
    assert skipped.file == str(folder / "flicker.mp4")
    assert skipped.reason.startswith("a face in only ") and skipped.reason.endswith(
        "% of its 135 frames: too few for a clip (one needs a face in 50% of its frames)"
    )
    # Nothing kept of it, and it counts as read, like a video without a face.
    assert result.empty == (str(folder / "flicker.mp4"),)
    assert list(result.tracks) == [str(folder / "walk in.mp4")]
    # Segments count from 1 also when the whole video is no clip.
    ids = [record.id for record in result.records]
    assert ids and ids == [f"takes/walk in#face{n}" for n in range(1, len(ids) + 1)]


def test_one_video_being_analysed_shows_its_frames_beside_the_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "take"
    folder.mkdir()
    cut("lp_d19.mp4", 0.0, 1.0, folder / "one long take.mp4")
    ingest_face_folder(folder, model=find_face_model(FACE_MODEL), workers=1, progress=True)
    # A bar of videos alone sits at 0/1 for the whole of a long take.
    assert "one long take.mp4: frame 1" in capsys.readouterr().err


def test_add_drops_the_clips_and_track_of_a_video_removed_from_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "talks"
    folder.mkdir()
    cut("lp_d19.mp4", 6.0, 7.0, folder / "smile.mp4")
    cut("lp_d12.mp4", 0.0, 1.0, folder / "retake.mp4")
    library = tmp_path / "lib"
    assert main(["index", "build", str(folder), "--out", str(library), "-q"]) == 0
    (folder / "retake.mp4").unlink()
    capsys.readouterr()
    assert main(["index", "build", str(folder), "--out", str(library), "--add", "-q"]) == 0
    assert "gone from the folders read" in capsys.readouterr().err
    after = ClipLibrary.open(library)
    assert {r.id.split("#")[0] for r in after.records} == {"talks/smile"}
    assert list(unpack_tracks(after.attachment(FACE_TRACKS) or b"")) == [str(folder / "smile.mp4")]


def test_workers_results_are_counted_as_they_come_and_given_in_file_order() -> None:
    seen: list[str] = []
    arrivals = [(2, "c"), (1, "b"), (3, "d"), (0, "a")]  # a long first video finishes last
    given = in_order(iter(arrivals), lambda: seen.append("arrived"))
    assert next(given) == "a" and seen == ["arrived"] * 4  # all four counted before the first
    assert list(given) == ["b", "c", "d"]
