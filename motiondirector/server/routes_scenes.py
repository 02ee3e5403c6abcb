"""Scene jobs over HTTP.

    POST   /v1/scenes                          submit a scene (202, Location: the job)
    GET    /v1/scenes                          the caller's jobs, newest first
    GET    /v1/scenes/{id}                     status, progress, artifact links
    GET    /v1/scenes/{id}/artifacts/{name}    one artifact's bytes
    POST   /v1/scenes/{id}/cancel              cancel a queued or running job (202)
    DELETE /v1/scenes/{id}                     cancel if needed and forget the job (204)

The handlers are plain functions, so FastAPI runs them in worker threads: database calls
never hold up the event loop. Jobs belong to the caller that submitted them: another caller's
id answers 404. Artifacts are addressed by job id and name only; a name is a key in the
database, never a path. A submission takes rate-limit tokens by its body's size
(`server.body_cost`) and is refused beyond the key's quotas (429 `job-quota`, 507
`storage-quota`).
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations at runtime.
import unicodedata
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from motiondirector.export.files import ascii_file_name, is_safe_file_name
from motiondirector.server.body_cost import body_cost
from motiondirector.server.context import ServerContext
from motiondirector.server.errors import ProblemError
from motiondirector.server.job_store import JobRecord
from motiondirector.server.jobs import CANCEL_WAIT_S
from motiondirector.server.models import (
    ArtifactInfo,
    JobStatus,
    SceneJob,
    SceneJobList,
    SceneJobRequest,
)
from motiondirector.server.routes_plan import BODY_ERRORS, GUARDED, PROBLEM

NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"description": "The jobs database is not open yet", **PROBLEM}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such job or artifact", **PROBLEM},
    422: {"description": "Invalid request", **PROBLEM},
    **NOT_READY,
}


def scene_router(ctx: ServerContext) -> APIRouter:
    router = APIRouter(tags=["scenes"])
    Caller = Annotated[str, Depends(ctx.caller)]
    charge_body = Depends(body_cost(ctx.guard, ctx.caller))

    def job_document(record: JobRecord) -> SceneJob:
        base = f"/v1/scenes/{record.id}"
        entries = ctx.jobs().store.artifacts(record.id) if record.status == "succeeded" else []
        links = {"self": base}
        if not record.finished:
            links["cancel"] = f"{base}/cancel"
        return SceneJob(
            id=record.id,
            status=record.status,
            progress=record.progress,
            stage=record.stage,
            created=record.created,
            updated=record.updated,
            error=record.error,
            artifacts=[
                ArtifactInfo(
                    name=e.name,
                    media_type=e.media_type,
                    bytes=e.size,
                    url=f"{base}/artifacts/{quote(e.name)}",
                )
                for e in entries
            ],
            links=links,
        )

    def owned(caller: str, job_id: str) -> JobRecord:
        record = ctx.jobs().store.get(job_id, owner=caller)
        if record is None:
            raise ProblemError(404, "job-not-found", f"no scene job {job_id!r}")
        return record

    @router.post(
        "/v1/scenes",
        status_code=202,
        response_model=SceneJob,
        dependencies=[charge_body],
        responses={
            **GUARDED,
            **BODY_ERRORS,
            429: {
                "description": "Rate limited (see Retry-After), or the key's job quota is full",
                **PROBLEM,
            },
            503: {
                "description": "Too many jobs pending (see Retry-After), or the jobs database"
                " is not open yet",
                **PROBLEM,
            },
            507: {"description": "The key's storage quota is full", **PROBLEM},
        },
    )
    def submit_scene(body: SceneJobRequest, caller: Caller) -> JSONResponse:
        """Submit a scene: it is planned and exported in the background. Poll the job."""
        ctx.script_text(body)  # length limits, before anything is stored
        ctx.planner(body.planner)  # an LLM planner this server cannot run is refused now
        record = ctx.jobs().submit(caller, body.model_dump_json())
        document = job_document(record)
        return JSONResponse(
            document.model_dump(mode="json"),
            status_code=202,
            headers={"Location": document.links["self"]},
        )

    @router.get(
        "/v1/scenes",
        response_model=SceneJobList,
        responses={**GUARDED, 422: {"description": "Invalid request", **PROBLEM}, **NOT_READY},
    )
    def list_scenes(
        caller: Caller,
        status: Annotated[
            JobStatus | None, Query(description="Only the jobs of this status.")
        ] = None,
    ) -> SceneJobList:
        """The caller's scene jobs (at most `max_jobs_per_key`), newest first, each as
        `GET /v1/scenes/{id}` answers it."""
        records = ctx.jobs().store.owned_by(caller, status)
        return SceneJobList(jobs=[job_document(record) for record in records])

    @router.get("/v1/scenes/{job_id}", response_model=SceneJob, responses={**GUARDED, **NOT_FOUND})
    def get_scene(job_id: str, caller: Caller) -> SceneJob:
        """The job: status, progress, stage, the error when it failed, its artifacts."""
        return job_document(owned(caller, job_id))

    @router.get(
        "/v1/scenes/{job_id}/artifacts/{name}",
        responses={
            200: {"description": "The artifact's bytes", "content": {"*/*": {}}},
            **GUARDED,
            **NOT_FOUND,
        },
    )
    def get_artifact(job_id: str, name: str, caller: Caller) -> Response:
        """One artifact of a finished job, by name (as listed in the job)."""
        record = owned(caller, job_id)
        artifact = None
        name = unicodedata.normalize("NFC", name)  # a macOS client may send "ZOË" decomposed
        if is_safe_file_name(name):
            artifact = ctx.jobs().store.artifact(record.id, name)
        if artifact is None:
            raise ProblemError(
                404, "artifact-not-found", f"job {job_id!r} has no artifact {name!r}"
            )
        return Response(
            artifact.content,
            media_type=artifact.media_type,
            headers={"Content-Disposition": attachment(artifact.name)},
        )

    @router.post(
        "/v1/scenes/{job_id}/cancel",
        status_code=202,
        response_model=SceneJob,
        responses={
            **GUARDED,
            **NOT_FOUND,
            409: {"description": "The job has already finished", **PROBLEM},
        },
    )
    def cancel_scene(job_id: str, caller: Caller) -> SceneJob:
        """Cancel a queued job, or stop a running one (its worker process is stopped)."""
        record = owned(caller, job_id)
        if record.finished:
            raise ProblemError(
                409, "job-finished", f"the job has already finished: {record.status}"
            )
        ctx.jobs().cancel(record.id, wait_s=CANCEL_WAIT_S)
        return job_document(owned(caller, job_id))

    @router.delete("/v1/scenes/{job_id}", status_code=204, responses={**GUARDED, **NOT_FOUND})
    def delete_scene(job_id: str, caller: Caller) -> Response:
        """Cancel the job if it has not finished, and delete it with its artifacts."""
        record = owned(caller, job_id)
        ctx.jobs().cancel(record.id, wait_s=CANCEL_WAIT_S)
        ctx.jobs().store.delete(record.id)
        return Response(status_code=204)

    return router


def attachment(name: str) -> str:
    """Content-Disposition of an artifact (RFC 6266): the name as is when it is ASCII, else an
    ASCII `filename` for old clients and the UTF-8 name in `filename*` (RFC 5987), which
    clients that know it prefer ("美咲.bvh" is saved as 美咲.bvh)."""
    if name.isascii():
        return f'attachment; filename="{name}"'
    return (
        f"attachment; filename=\"{ascii_file_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
