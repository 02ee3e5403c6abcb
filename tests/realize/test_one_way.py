"""One way from a plan to motion: `direct` (the Director and `direct_scene`), `render
--library`, a scene job and a stream body realize the same plan with the same library into the
same timeline and motion, including the retrieve / procedural decisions a library whose clips
score below the threshold forces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

import motiondirector.realize as realize_package
from motiondirector.agent.director import Director
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.realize import Realization, direct_scene, plan_text
from motiondirector.retrieval import ClipLibrary
from motiondirector.server import ServerSettings, create_app
from motiondirector.tools.rendering import render_plan_preview
from tests.server.conftest import AUTH, KEY
from tests.server.test_scenes import submit, wait_done
from tests.server.test_streams import read_sse

SCRIPT = (
    "ANA: Hello, Ben! Look at this, I found the old key in your jacket.\n"
    "BEN: (shrugs) I don't know. Maybe it is nothing, maybe it is the studio key.\n"
)
KEPT_LEXEMES = ("beat", "idle", "nod")


@pytest.fixture(scope="module")
def small_library(builtin_clips: ClipLibrary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of beats, nods and idles only: the shrug's best candidate scores below the
    retrieval threshold, so the decision is not always `retrieval`."""
    records = [r for r in builtin_clips.records if set(r.tags.lexemes) <= set(KEPT_LEXEMES)]
    root = tmp_path_factory.mktemp("small-library") / "library"
    ClipLibrary.create(root, records)
    return root


@pytest.fixture(scope="module")
def plan() -> MotionPlan:
    return plan_text(SCRIPT, format="text")


@pytest.fixture(scope="module")
def directed(plan: MotionPlan, small_library: Path) -> Realization:
    result = Director(library=small_library).realize(plan)
    return Realization(plan=result.plan, timeline=result.timeline, motions=result.motions)


@pytest.fixture(scope="module")
def server(small_library: Path) -> Iterator[TestClient]:
    settings = ServerSettings(
        api_keys=[KEY], jobs_db=Path(":memory:"), clip_library=small_library, burst=100
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_library_forces_procedural_decisions(directed: Realization) -> None:
    kinds = {s.kind for t in directed.timeline.characters for s in t.segments if s.event_ids}
    assert {"clip", "procedural"} <= kinds
    shrug = [s for s in directed.timeline.character("BEN").segments if s.lexeme == "shrug"]
    assert shrug and shrug[0].kind == "procedural"
    assert shrug[0].provenance.reason.startswith("procedural: best library candidate")


def test_direct_scene_decides_as_the_director(
    plan: MotionPlan, small_library: Path, directed: Realization
) -> None:
    result = direct_scene(plan, library=ClipLibrary.open(small_library))
    assert result.timeline.to_json() == directed.timeline.to_json()
    assert result.plan.to_json() == directed.plan.to_json()


def test_render_with_a_library_decides_as_direct(
    plan: MotionPlan,
    small_library: Path,
    directed: Realization,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Realization] = []
    real = realize_package.realize_plan

    def recording(*args: object, **kwargs: object) -> Realization:
        realization = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(realization)
        return realization

    monkeypatch.setattr(realize_package, "realize_plan", recording)
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(plan.to_json())
    library = ClipLibrary.open(small_library)
    render_plan_preview(plan_path, tmp_path / "preview.mp4", size=(64, 48), library=library)
    assert [r.timeline.to_json() for r in made] == [directed.timeline.to_json()]


def test_a_scene_job_decides_as_direct(server: TestClient, directed: Realization) -> None:
    job = submit(server, {"script": SCRIPT, "format": "text", "exports": ["vtt"]})
    done = wait_done(server, job["id"])
    assert done["status"] == "succeeded", done
    timeline = server.get(f"/v1/scenes/{job['id']}/artifacts/timeline.json", headers=AUTH)
    assert timeline.text == directed.timeline.to_json()
    plan = server.get(f"/v1/scenes/{job['id']}/artifacts/plan.json", headers=AUTH)
    assert plan.text == directed.plan.to_json()


def test_a_stream_body_moves_as_direct(server: TestClient, directed: Realization) -> None:
    body = {"script": SCRIPT, "format": "text"}
    with server.stream("POST", "/v1/plan/stream", json=body, headers=AUTH) as response:
        assert response.status_code == 200
        events = read_sse(response.iter_lines())
    frames = [f for name, data in events if name == "frames" for f in data["frames"]]
    times = np.array([f["t"] for f in frames])
    for name in ("ANA", "BEN"):
        streamed = np.array([f["characters"][name]["joints"] for f in frames])
        expected = directed.sample(name, times).rotations
        # The stream rounds quaternions to 4 decimals; a different clip would differ by far more.
        assert np.abs(streamed - expected).max() <= 1e-4 + 1e-9
