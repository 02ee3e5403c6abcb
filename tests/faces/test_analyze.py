"""`analyze`: a video's face as the plan exports' ARKit CSV and JSON, head rotation, events and a
summary, from the library and from the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from motiondirector.cli import main
from motiondirector.export.arkit import arkit_csv
from motiondirector.faces.analyze import FILES, HEAD_COLUMNS, analyze_video
from motiondirector.faces.model import FACE_MODEL_ENV, FaceModel
from motiondirector.faces.tracker import FaceTrack
from motiondirector.plan.motion_plan import Event
from motiondirector.realize.pipeline import plan_text


def test_analysis_writes_the_plan_export_formats(
    tmp_path: Path, talking_clip: Path, face_model: FaceModel
) -> None:
    result = analyze_video(talking_clip, tmp_path / "out", model=face_model)
    assert [p.name for p in result.files] == list(FILES)
    plan = plan_text("ANA: Hello there.")
    plan_header = arkit_csv(plan, "ANA").splitlines()[0]
    rows = (tmp_path / "out" / "arkit.csv").read_text().splitlines()
    assert rows[0] == plan_header
    assert len(rows) == 1 + result.track.frames
    data = json.loads((tmp_path / "out" / "arkit.json").read_text())
    assert data["format"] == "motiondirector-arkit-52" and len(data["frames"]) == 100
    assert len(data["frames"][0]) == 53
    with open(tmp_path / "out" / "head.csv", newline="") as handle:
        head = list(csv.DictReader(handle))
    assert tuple(head[0]) == HEAD_COLUMNS and head[0]["face"] == "1"
    events = json.loads((tmp_path / "out" / "events.json").read_text())
    adapter: TypeAdapter[Event] = TypeAdapter(Event)
    assert [adapter.validate_python(e).id for e in events["events"]] == [
        e.id for e in result.behaviour.events
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["face_share"] == 1.0 and summary["frames"] == 100
    assert summary["description"] and summary["missing"] == []
    assert FaceTrack.load(tmp_path / "out" / "track.npz").frames == 100


def test_a_video_without_a_face_is_analysed_as_such(
    tmp_path: Path, faceless_clip: Path, face_model: FaceModel
) -> None:
    result = analyze_video(faceless_clip, tmp_path, model=face_model)
    assert result.summary["face_share"] == 0.0
    assert result.summary["description"] == "no face found"
    assert result.summary["missing"] == [[0.0, 1.0]]
    assert result.behaviour.events == ()
    row = (tmp_path / "arkit.csv").read_text().splitlines()[1]
    assert row == "0.0000" + "," * 52  # marked empty, not filled in
    assert json.loads((tmp_path / "arkit.json").read_text())["frames"][0][1] is None


def test_the_command_line_analyses_a_video(
    tmp_path: Path, talking_clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(talking_clip), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "a face in 100% of 100 frames" in printed
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)


def test_the_command_line_names_the_setting_of_a_missing_model(
    tmp_path: Path,
    talking_clip: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(tmp_path / "missing.task"))
    assert main(["analyze", str(talking_clip)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: no face model at") and FACE_MODEL_ENV in error


def test_a_long_take_shows_its_frames_tracked(
    faceless_clip: Path, face_model: FaceModel, capsys: pytest.CaptureFixture[str]
) -> None:
    # Minutes of tracking showed nothing at all before the summary.
    result = analyze_video(faceless_clip, model=face_model, progress=True)
    err = capsys.readouterr().err
    assert "tracking the face" in err
    assert f"/{result.track.frames} [" in err  # of the frames its header declares
    analyze_video(faceless_clip, model=face_model)
    assert capsys.readouterr().err == ""
