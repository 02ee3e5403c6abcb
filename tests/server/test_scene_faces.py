"""The server's face library: scene jobs make the timeline's face segments and the realized
face's ARKit files once (an export of the same name is not made again from the plan), in the
job function and in a real worker process; plan streams send the realized faces; a library
that cannot realize faces stops the app from being created."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from motiondirector.errors import MotionDirectorError
from motiondirector.export.formats import export_plan
from motiondirector.faces.model import FACE_MODEL_ENV
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.timeline import Timeline
from motiondirector.realize import open_face_library
from motiondirector.realize.faces import cast_performers, decide_faces, face_curves
from motiondirector.retrieval import ClipLibrary
from motiondirector.retrieval.builtin import builtin_clip_library
from motiondirector.server.app import create_app
from motiondirector.server.job_processes import JobProcesses, WorkerConfig
from motiondirector.server.job_store import Artifact, JobStore
from motiondirector.server.jobs import JobRunner
from motiondirector.server.models import SceneJobRequest
from motiondirector.server.scene_artifacts import make_scene_artifacts
from motiondirector.streaming.frames import CARRY_SECONDS
from tests.faces.clips import FACE_MODEL
from tests.server.conftest import AUTH, SettingsFactory
from tests.server.test_job_processes import wait_for
from tests.server.test_streams import read_sse

SCRIPT = (
    "ANA: (smiling) Hello, Ben! It is so good to see you again after all this time.\n"
    "BEN: (nodding) Yes. I missed you too. Tell me everything about the trip.\n"
)
BODY = {"script": SCRIPT, "format": "text", "body": True, "exports": ["arkit-csv", "vtt"]}
THRESHOLD = 0.45  # three short clips: low enough that some slots take a real face


@pytest.fixture(autouse=True)
def _face_model_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))


@pytest.fixture(scope="module")
def face_library(face_clip_library: ClipLibrary) -> Path:
    return face_clip_library.path


def test_a_scene_job_realizes_faces_from_the_library(face_library: Path, clip_cache: Path) -> None:
    request = SceneJobRequest.model_validate(BODY)
    artifacts = make_scene_artifacts(
        request,
        check=lambda: None,
        progress=lambda fraction, stage: None,
        library=builtin_clip_library(clip_cache),
        face_library=open_face_library(face_library),
        face_threshold=THRESHOLD,
    )
    named = {artifact.name: artifact.content for artifact in artifacts}
    assert len(named) == len(artifacts)  # no file twice
    assert {"ANA.arkit.csv", "ANA.livelinkface.csv", "BEN.arkit.json", "plan.vtt"} <= set(named)
    timeline = Timeline.model_validate_json(named["timeline.json"])
    real = [s for t in timeline.characters for s in t.face_segments if s.kind == "clip"]
    assert real and all(Path(s.source or "").parent.name == "talks" for s in real)
    # The realized face, not the plan's curves, under the export's name.
    plan = MotionPlan.model_validate_json(named["plan.json"])
    planned = export_plan(plan, "arkit-csv", character="ANA")
    assert named["ANA.arkit.csv"].decode() != planned


def test_a_library_that_cannot_realize_faces_stops_the_app(
    make_settings: SettingsFactory, tmp_path: Path, clip_cache: Path
) -> None:
    with pytest.raises(MotionDirectorError, match=str(clip_cache / "builtin")):
        create_app(make_settings(face_library=clip_cache / "builtin"))
    with pytest.raises(MotionDirectorError, match="nowhere"):
        create_app(make_settings(face_library=tmp_path / "nowhere"))


def test_the_face_cast_setting_is_checked_and_reaches_the_workers(
    make_settings: SettingsFactory, face_library: Path
) -> None:
    with pytest.raises(MotionDirectorError, match=r"no video or folder 'nobody\.mp4'"):
        create_app(make_settings(face_library=face_library, face_cast=("ANA=nobody.mp4",)))
    with pytest.raises(MotionDirectorError, match="'ANA' is not NAME=PERFORMER"):
        make_settings(face_library=face_library, face_cast=("ANA",))
    settings = make_settings(
        face_library=face_library, face_cast=("ANA=mouth", " BEN = smile.mp4"), face_casting=False
    )
    config = WorkerConfig.from_settings(settings)
    assert config.face_cast == {"ANA": "mouth", "BEN": "smile.mp4"} and not config.face_casting
    with TestClient(create_app(settings)) as client:
        faces = client.app.state.context.faces  # type: ignore[attr-defined]
    assert not faces.casting
    assert {name: Path(video).name for name, video in faces.cast.items()} == {
        "ANA": "mouth.mp4",
        "BEN": "smile.mp4",
    }


def test_a_worker_process_realizes_faces_with_the_servers_setting(
    make_settings: SettingsFactory, face_library: Path, tmp_path: Path
) -> None:
    settings = make_settings(face_library=face_library, face_threshold=THRESHOLD)
    store = JobStore(tmp_path / "jobs.sqlite3")
    processes = JobProcesses(WorkerConfig.from_settings(settings), size=1)
    jobs = JobRunner(store, processes.run, workers=1, max_pending=10)
    try:
        done = wait_for(store, jobs.submit("owner", json.dumps(BODY)).id, "succeeded", "failed")
        assert done.status == "succeeded", done.error
        timeline = Timeline.model_validate_json(_content(store.artifact(done.id, "timeline.json")))
        assert any(s.kind == "clip" for t in timeline.characters for s in t.face_segments)
    finally:
        jobs.shutdown()
        processes.close()
        store.close()


def _content(artifact: Artifact | None) -> bytes:
    assert artifact is not None
    return artifact.content


def test_a_plan_stream_sends_the_realized_faces(
    make_settings: SettingsFactory, face_library: Path
) -> None:
    settings = make_settings(face_library=face_library, face_threshold=THRESHOLD)
    body = {"script": SCRIPT, "format": "text"}
    with (
        TestClient(create_app(settings)) as client,
        client.stream("POST", "/v1/plan/stream", json=body, headers=AUTH) as response,
    ):
        assert response.status_code == 200
        events = read_sse(response.iter_lines())
    plan = MotionPlan.model_validate(events[1][1])  # without an export, the plan itself
    faces = open_face_library(face_library)
    segments = decide_faces(plan, faces, ["ANA"], threshold=THRESHOLD)["ANA"]
    assert any(segment.kind == "clip" for segment in segments)
    expected = face_curves(plan, "ANA", segments, faces.tracks, 30)
    frames = [f for name, data in events if name == "frames" for f in data["frames"]]
    weights = np.array([f["characters"]["ANA"]["blendshapes"] for f in frames])
    np.testing.assert_allclose(weights, expected.weights, atol=1e-4)


def test_a_session_keeps_each_characters_face_from_turn_to_turn(
    make_settings: SettingsFactory, face_library: Path
) -> None:
    """Each turn was cast on its own: Ana took one person's faces in the first turn and
    another's in the second."""
    settings = make_settings(face_library=face_library, face_threshold=0.35)
    lines = (
        "(smiling) Hello, Ben! It is so good to see you again after all this time.",
        "(angrily) No! I will not do that again, never.",
    )
    with TestClient(create_app(settings)) as client:
        body = {"characters": ["ANA", "BEN"]}
        session = client.post("/v1/sessions", json=body, headers=AUTH).json()["id"]
        turns = []
        for line in lines:
            turn = {"speaker": "ANA", "text": line}
            path = f"/v1/sessions/{session}/turns/stream"
            with client.stream("POST", path, json=turn, headers=AUTH) as response:
                assert response.status_code == 200
                turns.append(read_sse(response.iter_lines()))
    faces = open_face_library(face_library)
    plans = [MotionPlan.model_validate(events[1][1]["plan"]) for events in turns]
    first = cast_performers(plans[0], faces, threshold=0.35)
    assert cast_performers(plans[1], faces, threshold=0.35)["ANA"] != first["ANA"]
    kept = replace(faces, cast={k: v for k, v in first.items() if v is not None})
    segments = decide_faces(plans[1], kept, ["ANA"], threshold=0.35)["ANA"]
    expected = face_curves(plans[1], "ANA", segments, faces.tracks, 30)
    frames = [f for name, data in turns[1] if name == "frames" for f in data["frames"]]
    weights = np.array([f["characters"]["ANA"]["blendshapes"] for f in frames])
    # Past its first moments, where it starts on the first turn's last frame (`after`).
    own = int(np.ceil(CARRY_SECONDS["blendshapes"] * 30))
    np.testing.assert_allclose(weights[own:], expected.weights[own:], atol=1e-4)
