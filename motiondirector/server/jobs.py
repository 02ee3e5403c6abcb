"""Scene jobs: queued in SQLite, run by a bounded pool of worker threads, cancellable.

Life of a job: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`. At most
`workers` run at once and at most `max_pending` are queued or running; beyond that a new job
is refused (503 with Retry-After). Cancelling a queued job ends it at once; a running job stops
at its next stage boundary (planning, body, each export) and keeps no artifacts.

At startup, jobs the database still shows `running` were cut off by a stop of the server: they
are marked `failed` (type `…/interrupted`) and must be submitted again. Jobs still `queued` are
queued again and run. On a clean shutdown, queued jobs stay queued for the next start and
running ones are waited for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from motiondirector.errors import MotionDirectorError
from motiondirector.server.errors import ProblemError, library_problem_body, problem_body
from motiondirector.server.job_store import Artifact, JobRecord, JobStore

log = logging.getLogger("motiondirector.server")

Work = Callable[[JobRecord, "JobControl"], Sequence[Artifact]]


class JobCancelled(Exception):
    """Raised inside a job at a stage boundary after it was cancelled."""


@dataclass
class JobControl:
    """What a running job may do: report progress, and learn that it was cancelled."""

    job_id: str
    store: JobStore
    cancelled: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        if self.cancelled.is_set():
            raise JobCancelled(self.job_id)

    def progress(self, fraction: float, stage: str) -> None:
        self.check()
        self.store.update(self.job_id, progress=round(min(1.0, max(0.0, fraction)), 3), stage=stage)


class JobRunner:
    """Runs `work` for every job in the store, `workers` at a time."""

    def __init__(
        self,
        store: JobStore,
        work: Work,
        *,
        workers: int,
        max_pending: int,
        ttl: float | None = None,
    ) -> None:
        self.store = store
        self._work = work
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scene-job")
        self._max_pending = max_pending
        self._ttl = ttl
        self._active: dict[str, tuple[Future[None], JobControl]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> int:
        """Recover after a restart (see the module docstring); how many jobs were re-queued."""
        if self._ttl is not None:
            self.store.forget_finished_before(time.time() - self._ttl)
        queued = self.store.recover()
        for record in queued:
            self._enqueue(record)
        return len(queued)

    def pending(self) -> int:
        with self._lock:
            return len(self._active)

    def submit(self, owner: str, request: str) -> JobRecord:
        with self._lock:
            if len(self._active) >= self._max_pending:
                raise ProblemError(
                    503,
                    "too-many-jobs",
                    f"{self._max_pending} scene jobs are already queued or running; retry later",
                    headers={"Retry-After": "5"},
                    retry_after=5,
                )
        record = self.store.add(owner, request)
        self._enqueue(record)
        return record

    def cancel(self, job_id: str) -> None:
        """Cancel a queued or running job; a finished one is left as it is."""
        with self._lock:
            active = self._active.get(job_id)
        if active is None:
            return
        future, control = active
        control.cancelled.set()
        if future.cancel():
            self._finish_cancelled(job_id)

    def shutdown(self) -> None:
        """Stop taking jobs; leave queued ones for the next start, wait for running ones."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _enqueue(self, record: JobRecord) -> None:
        control = JobControl(record.id, self.store)
        with self._lock:
            if self._closed:
                return
            future = self._pool.submit(self._run, record, control)
            self._active[record.id] = (future, control)
        future.add_done_callback(lambda _: self._forget(record.id))

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._active.pop(job_id, None)

    def _finish_cancelled(self, job_id: str) -> None:
        self.store.update(
            job_id, status="cancelled", stage="cancelled", only_if=("queued", "running")
        )

    def _run(self, record: JobRecord, control: JobControl) -> None:
        if control.cancelled.is_set():
            self._finish_cancelled(record.id)
            return
        if not self.store.update(record.id, status="running", stage="started", only_if=("queued",)):
            return  # deleted or cancelled meanwhile
        try:
            artifacts = self._work(record, control)
            control.check()
            if not self.store.succeed(record.id, artifacts):
                self._finish_cancelled(record.id)
        except JobCancelled:
            self._finish_cancelled(record.id)
        except MotionDirectorError as error:
            self._fail(record.id, library_problem_body(error))
        except Exception:
            log.exception("scene job %s failed unexpectedly", record.id)
            self._fail(record.id, problem_body(500, "internal", "the job could not be completed"))

    def _fail(self, job_id: str, problem: dict[str, object]) -> None:
        self.store.update(
            job_id, status="failed", stage="failed", error=problem, only_if=("running",)
        )
