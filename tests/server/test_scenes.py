"""Scene jobs over HTTP: submit, poll, download, cancel, delete; no path traversal; and a
finished job served again after the server process restarts on the same SQLite file."""

from __future__ import annotations

import csv
import http.client
import io
import math
import time
from pathlib import Path
from typing import Any

import av
import httpx
import opentimelineio as otio
import pytest
from fastapi.testclient import TestClient

from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.plan.validate import validate_plan
from motiondirector.server import create_app
from motiondirector.server.job_store import JobStore
from tests.server.conftest import (
    AUTH,
    KEY,
    OTHER_AUTH,
    LiveServer,
    SettingsFactory,
    assert_problem,
    free_port,
    start_subprocess_server,
    stop_subprocess_server,
    wait_ready,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "the_key.fountain"
SHORT = {"script": "ANA: Hi, Ben.\nBEN: Hello, Ana.", "format": "text"}
POLL_S = 120.0


def wait_done(client: TestClient | httpx.Client, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_S
    while time.monotonic() < deadline:
        job = client.get(f"/v1/scenes/{job_id}", headers=AUTH).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish in {POLL_S:.0f} s")


def submit(client: TestClient | httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/scenes", json=body, headers=AUTH)
    assert response.status_code == 202, response.text
    job = dict(response.json())
    assert response.headers["Location"] == f"/v1/scenes/{job['id']}"
    assert job["status"] in ("queued", "running")
    return job


@pytest.fixture(scope="module")
def finished(client: TestClient) -> dict[str, Any]:
    """The example scene, planned with every export and body motion."""
    job = submit(client, {"script": EXAMPLE.read_text(encoding="utf-8")})
    done = wait_done(client, job["id"])
    assert done["status"] == "succeeded", done
    return done


def test_a_job_writes_the_plan_exports_and_body(
    client: TestClient, finished: dict[str, Any]
) -> None:
    names = {a["name"] for a in finished["artifacts"]}
    assert {"plan.json", "plan.bml.xml", "plan.vtt", "plan.srt"} <= names
    assert {"ANA.arkit.csv", "BEN.arkit.json", "timeline.json", "timeline.otio"} <= names
    assert {"ANA.bvh", "BEN.bvh"} <= names
    assert finished["progress"] == 1.0 and finished["error"] is None
    links = {a["name"]: a["url"] for a in finished["artifacts"]}
    plan = client.get(links["plan.json"], headers=AUTH)
    assert plan.headers["content-type"] == "application/json"
    parsed = MotionPlan.model_validate_json(plan.content)
    assert validate_plan(parsed) == []
    assert parsed.character("ANA").tokens is not None  # body realized: codebook tokens
    rows = list(csv.reader(io.StringIO(client.get(links["ANA.arkit.csv"], headers=AUTH).text)))
    assert rows[0][0] == "time" and len(rows[0]) == 53
    assert client.get(links["BEN.bvh"], headers=AUTH).text.startswith("HIERARCHY")
    listed = {a["name"]: a["bytes"] for a in finished["artifacts"]}
    assert listed["plan.json"] == len(plan.content)


@pytest.fixture(scope="module")
def live_job(live_server: LiveServer) -> str:
    """A finished job on a real server, for requests with raw paths."""
    with httpx.Client(base_url=live_server.base, timeout=60) as http:
        job = submit(http, {**SHORT, "exports": ["vtt"], "body": False})
        assert wait_done(http, job["id"])["status"] == "succeeded"
    return str(job["id"])


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "..",
        "%2E%2E",
        ".plan.vtt",
        "plan.vtt%00",
        "plan.vtt/../plan.json",
        "%2Fetc%2Fpasswd",
        "nothing.json",
    ],
)
def test_artifacts_are_found_by_name_only(
    live_server: LiveServer, live_job: str, name: str
) -> None:
    # http.client sends the path as written: no client-side normalising of dot segments.
    connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
    try:
        connection.request("GET", f"/v1/scenes/{live_job}/artifacts/{name}", headers=AUTH)
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    assert response.status == 404, body
    assert "root:" not in body and "MotionPlan" not in body
    ok = httpx.get(f"{live_server.base}/v1/scenes/{live_job}/artifacts/plan.vtt", headers=AUTH)
    assert ok.status_code == 200 and ok.text.startswith("WEBVTT")


def test_large_artifacts_are_gzipped_for_clients_that_accept_it(
    client: TestClient, finished: dict[str, Any]
) -> None:
    links = {a["name"]: a["url"] for a in finished["artifacts"]}
    sizes = {a["name"]: a["bytes"] for a in finished["artifacts"]}
    zipped = client.get(links["ANA.bvh"], headers={**AUTH, "Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    # The client unpacks it: the same bytes as stored, sent in far fewer.
    assert len(zipped.content) == sizes["ANA.bvh"]
    assert int(zipped.headers["content-length"]) < sizes["ANA.bvh"] / 2
    plain = client.get(links["ANA.bvh"], headers={**AUTH, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == zipped.content


def test_jobs_belong_to_their_caller(client: TestClient, finished: dict[str, Any]) -> None:
    job = finished["id"]
    assert_problem(client.get(f"/v1/scenes/{job}", headers=OTHER_AUTH), 404)
    assert_problem(client.get(f"/v1/scenes/{job}/artifacts/plan.json", headers=OTHER_AUTH), 404)
    assert_problem(client.delete(f"/v1/scenes/{job}", headers=OTHER_AUTH), 404)
    assert_problem(client.get(f"/v1/scenes/{job}"), 401)


def test_a_bad_script_fails_the_job_with_a_problem(client: TestClient) -> None:
    script = '{\n  "turns": [\n    {"speaker": "ANA", "text": "Hi"},,\n  ]\n}'
    job = submit(client, {"script": script, "format": "json", "body": False})
    failed = wait_done(client, job["id"])
    assert failed["status"] == "failed" and failed["artifacts"] == []
    assert failed["error"]["type"].endswith("/script-error") and failed["error"]["line"] == 3


def test_cancel_and_delete(client: TestClient) -> None:
    job = submit(client, {**SHORT, "exports": ["vtt"], "body": False})
    done = wait_done(client, job["id"])
    assert done["status"] == "succeeded"
    assert [a["name"] for a in done["artifacts"]] == ["plan.json", "plan.vtt"]
    assert_problem(client.post(f"/v1/scenes/{job['id']}/cancel", headers=AUTH), 409)
    assert client.delete(f"/v1/scenes/{job['id']}", headers=AUTH).status_code == 204
    assert_problem(client.get(f"/v1/scenes/{job['id']}", headers=AUTH), 404)
    assert_problem(client.post(f"/v1/scenes/{job['id']}/cancel", headers=AUTH), 404)


def test_a_queued_job_can_be_cancelled(make_settings: SettingsFactory) -> None:
    settings = make_settings(job_workers=1)
    with TestClient(create_app(settings)) as c:
        # One worker: the long job runs while the short one waits in the queue.
        long = submit(c, {"script": EXAMPLE.read_text(encoding="utf-8")})
        short = submit(c, {**SHORT, "body": False})
        cancelled = c.post(f"/v1/scenes/{short['id']}/cancel", headers=AUTH)
        assert cancelled.status_code == 202
        assert cancelled.json()["status"] == "cancelled"
        final = wait_done(c, short["id"])
        assert final["status"] == "cancelled" and final["artifacts"] == []
        assert wait_done(c, long["id"])["status"] == "succeeded"


def test_cancelling_a_running_job_answers_with_the_job_cancelled(client: TestClient) -> None:
    job = submit(client, {"script": EXAMPLE.read_text(encoding="utf-8")})
    deadline = time.monotonic() + POLL_S
    while job["status"] != "running" and time.monotonic() < deadline:
        job = client.get(f"/v1/scenes/{job['id']}", headers=AUTH).json()
    assert job["status"] == "running", job
    cancelled = client.post(f"/v1/scenes/{job['id']}/cancel", headers=AUTH)
    assert cancelled.status_code == 202
    answer = cancelled.json()
    assert (answer["status"], answer["stage"], answer["artifacts"]) == (
        "cancelled",
        "cancelled",
        [],
    )
    assert "cancel" not in answer["links"]
    again = assert_problem(client.post(f"/v1/scenes/{job['id']}/cancel", headers=AUTH), 409)
    assert again["detail"] == "the job has already finished: cancelled"


def test_a_job_renders_the_preview_on_request(client: TestClient) -> None:
    done = wait_done(client, submit(client, {**SHORT, "exports": ["vtt"], "preview": True})["id"])
    assert done["status"] == "succeeded", done
    listed = {a["name"]: a for a in done["artifacts"]}
    assert listed["preview.mp4"]["media_type"] == "video/mp4"
    assert listed["contact.png"]["media_type"] == "image/png"
    video = client.get(listed["preview.mp4"]["url"], headers=AUTH)
    assert video.headers["content-type"] == "video/mp4"
    assert len(video.content) == listed["preview.mp4"]["bytes"]
    plan = MotionPlan.model_validate_json(
        client.get(listed["plan.json"]["url"], headers=AUTH).content
    )
    with av.open(io.BytesIO(video.content)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 640, 360)
        frames = sum(1 for _ in container.decode(stream))
    assert frames == math.ceil(plan.scene.duration * 30) + 1
    sheet = client.get(listed["contact.png"]["url"], headers=AUTH).content
    assert sheet.startswith(b"\x89PNG\r\n\x1a\n")
    timeline = otio.adapters.read_from_string(
        client.get(listed["timeline.otio"]["url"], headers=AUTH).text, "otio_json"
    )
    (clip,) = timeline.tracks[-1]
    assert clip.media_reference.target_url == "preview.mp4"
    assert clip.duration().to_seconds() == pytest.approx(frames / 30, abs=1 / 30)
    without_body = {**SHORT, "preview": True, "body": False}
    refused = assert_problem(client.post("/v1/scenes", json=without_body, headers=AUTH), 422)
    assert refused["errors"] == [
        {"field": "body", "message": "'preview' draws the body motion: leave 'body' on"}
    ]


def test_a_caller_lists_its_own_jobs_newest_first(make_settings: SettingsFactory) -> None:
    with TestClient(create_app(make_settings(job_workers=1, warm_up=False))) as c:
        assert c.get("/v1/scenes", headers=AUTH).json() == {"jobs": []}
        first = submit(c, {**SHORT, "exports": ["vtt"], "body": False})
        second = submit(c, {"script": '{"turns": [', "format": "json"})
        theirs = c.post("/v1/scenes", json=SHORT, headers=OTHER_AUTH).json()
        done = wait_done(c, first["id"])
        assert wait_done(c, second["id"])["status"] == "failed"
        listed = c.get("/v1/scenes", headers=AUTH)
        assert listed.status_code == 200
        jobs = listed.json()["jobs"]
        assert [job["id"] for job in jobs] == [second["id"], first["id"]]
        assert jobs[1] == done  # each entry is what GET /v1/scenes/{id} answers
        failed = c.get("/v1/scenes", params={"status": "failed"}, headers=AUTH).json()
        assert [job["id"] for job in failed["jobs"]] == [second["id"]]
        others = c.get("/v1/scenes", headers=OTHER_AUTH).json()["jobs"]
        assert [job["id"] for job in others] == [theirs["id"]]
        bad = assert_problem(c.get("/v1/scenes", params={"status": "done"}, headers=AUTH), 422)
        assert [e["field"] for e in bad["errors"]] == ["query.status"]
        assert_problem(c.get("/v1/scenes"), 401)


def test_job_limits(make_settings: SettingsFactory) -> None:
    app = create_app(make_settings(max_script_chars=100, warm_up=False))
    with TestClient(app) as c:
        too_long = c.post("/v1/scenes", json={"script": "ANA: " + "a" * 200}, headers=AUTH)
        assert [e["field"] for e in assert_problem(too_long, 422)["errors"]] == ["script"]
        bad_export = c.post("/v1/scenes", json={**SHORT, "exports": ["mp4"]}, headers=AUTH)
        assert "exports" in assert_problem(bad_export, 422)["errors"][0]["field"]
        assert_problem(c.post("/v1/scenes", json=SHORT), 401)


def test_quotas_per_key(make_settings: SettingsFactory) -> None:
    settings = make_settings(max_jobs_per_key=2, max_storage_bytes_per_key=1, warm_up=False)
    with TestClient(create_app(settings)) as c:
        over = wait_done(c, submit(c, {**SHORT, "exports": ["vtt"], "body": False})["id"])
        assert over["status"] == "failed" and over["artifacts"] == []
        assert over["error"]["status"] == 507 and over["error"]["type"].endswith("/storage-quota")
        assert over["error"]["quota"] == "max_storage_bytes_per_key"
        submit(c, {**SHORT, "body": False})
        refused = c.post("/v1/scenes", json=SHORT, headers=AUTH)
        problem = assert_problem(refused, 429)
        assert problem["type"].endswith("/job-quota") and problem["quota"] == "max_jobs_per_key"
        assert problem["limit"] == 2 and problem["used"] == 2
        assert c.post("/v1/scenes", json=SHORT, headers=OTHER_AUTH).status_code == 202
        assert c.delete(f"/v1/scenes/{over['id']}", headers=AUTH).status_code == 204
        assert c.post("/v1/scenes", json=SHORT, headers=AUTH).status_code == 202


def test_a_finished_job_survives_a_restart(tmp_path: Path, clip_cache: Path) -> None:
    db = tmp_path / "jobs.sqlite3"
    env = {
        "MOTIONDIRECTOR_API_KEYS": KEY,
        "MOTIONDIRECTOR_CACHE_DIR": str(clip_cache),
        "MOTIONDIRECTOR_WARM_UP": "0",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_subprocess_server(port, env, "--jobs-db", str(db), "--job-workers", "1")
    try:
        wait_ready(base, lambda: server.poll() is None)
        with httpx.Client(base_url=base, timeout=60) as http:
            job = submit(http, {**SHORT, "exports": ["srt"], "body": False})
            assert wait_done(http, job["id"])["status"] == "succeeded"
            before = http.get(f"/v1/scenes/{job['id']}/artifacts/plan.srt", headers=AUTH).text
    finally:
        stop_subprocess_server(server)
    # A job left running by a server that died, to be failed at the next start.
    store = JobStore(db)
    stranded = store.add(f"{'0' * 64}", "{}")
    store.update(stranded.id, status="running")
    store.close()

    server = start_subprocess_server(port, env, "--jobs-db", str(db), "--job-workers", "1")
    try:
        wait_ready(base, lambda: server.poll() is None)
        with httpx.Client(base_url=base, timeout=60) as http:
            again = http.get(f"/v1/scenes/{job['id']}", headers=AUTH).json()
            assert again["status"] == "succeeded"
            after = http.get(f"/v1/scenes/{job['id']}/artifacts/plan.srt", headers=AUTH)
            assert after.status_code == 200 and after.text == before and "ANA" in before
    finally:
        stop_subprocess_server(server)
    reopened = JobStore(db)
    failed = reopened.get(stranded.id)
    reopened.close()
    assert failed is not None and failed.status == "failed"
