"""Scene jobs: queued in SQLite, run by a bounded pool of worker threads, cancellable.

Life of a job: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`. At most
`workers` run at once and at most `max_pending` are queued or running; beyond that a new job
is refused (503 with Retry-After). Each owner (API key) holds at most `max_jobs_per_owner` jobs
of any status (429 `job-quota` beyond) and `max_bytes_per_owner` bytes of artifacts (507
`storage-quota`: a new job is refused once they are full, and a job whose artifacts would go
over fails with that problem and keeps none). Cancelling sets the job's flag: a queued job ends
at once, a running one when its work sees the flag (the server's work stops the job's worker
process at once).

What a job does is `work`, called in a pool thread; the server's work runs each job in a
worker process under a memory and time budget (`server.job_processes`). Work that fails for a
reason it can state raises JobFailed with the problem to keep. A job that has started is never
started again: whatever stops it, it ends `failed` or `cancelled`.

At startup, jobs the database still shows `running` were cut off by a stop of the server: they
are marked `failed` (type `…/interrupted`) and must be submitted again. Jobs still `queued` are
queued again and run. On a clean shutdown, queued jobs stay queued for the next start and
running ones are waited for. Finished jobs older than `ttl` are deleted at startup and then at
most every `EXPIRY_INTERVAL_S` as jobs are submitted, and their space is given back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from motiondirector.errors import MotionDirectorError
from motiondirector.server.errors import ProblemError, library_problem_body, problem_body
from motiondirector.server.job_store import Artifact, JobRecord, JobStore, QuotaExceeded

log = logging.getLogger("motiondirector.server")
EXPIRY_INTERVAL_S = 600.0
CANCEL_WAIT_S = 10.0
"""How long a cancel request waits for a running job to stop (its worker is killed within a
fraction of a second) before it answers."""

Work = Callable[[JobRecord, "JobControl"], Sequence[Artifact]]


class JobCancelled(Exception):
    """Raised inside a job's work once the job was cancelled (at a stage boundary, or while
    its worker process runs it)."""


class JobFailed(Exception):
    """Raised by work that failed for a reason it can state: `problem` is the job's error."""

    def __init__(self, problem: dict[str, object]) -> None:
        super().__init__(str(problem.get("detail", "the job failed")))
        self.problem = problem


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
        max_jobs_per_owner: int | None = None,
        max_bytes_per_owner: int | None = None,
    ) -> None:
        self.store = store
        self._work = work
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scene-job")
        self._max_pending = max_pending
        self._ttl = ttl
        self._max_jobs = max_jobs_per_owner
        self._max_bytes = max_bytes_per_owner
        self._expired_at = time.monotonic()
        self._active: dict[str, tuple[Future[None], JobControl]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> int:
        """Recover after a restart (see the module docstring); how many jobs were re-queued."""
        self._expire()
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
        if time.monotonic() - self._expired_at >= EXPIRY_INTERVAL_S:
            self._expire()
        try:
            record = self.store.add(
                owner, request, max_jobs=self._max_jobs, max_bytes=self._max_bytes
            )
        except QuotaExceeded as over:
            raise quota_problem(over) from None
        self._enqueue(record)
        return record

    def cancel(self, job_id: str, *, wait_s: float = 0.0) -> None:
        """Cancel a queued or running job; a finished one is left as it is. A running job ends
        when its work sees the flag: wait up to `wait_s` seconds for that, so that an answer
        read after this call tells the job's end rather than `running`."""
        with self._lock:
            active = self._active.get(job_id)
        if active is None:
            return
        future, control = active
        control.cancelled.set()
        if future.cancel():
            self._finish_cancelled(job_id)
        elif wait_s > 0:
            wait([future], timeout=wait_s)

    def shutdown(self) -> None:
        """Stop taking jobs; leave queued ones for the next start, wait for running ones."""
        with self._lock:
            self._closed = True
            running = sum(1 for future, _ in self._active.values() if future.running())
        if running:
            # A stop can wait minutes here; say why, or it looks hung.
            log.warning(
                "waiting for %d running scene job(s) to finish before stopping; queued jobs"
                " stay queued for the next start",
                running,
            )
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _expire(self) -> None:
        self._expired_at = time.monotonic()
        if self._ttl is not None:
            self.store.forget_finished_before(time.time() - self._ttl)

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
            if not self.store.succeed(record.id, artifacts, max_bytes=self._max_bytes):
                self._finish_cancelled(record.id)
        except JobCancelled:
            self._finish_cancelled(record.id)
        except JobFailed as failed:
            self._fail(record.id, failed.problem)
        except QuotaExceeded as over:
            refused = quota_problem(over)
            self._fail(
                record.id,
                problem_body(refused.status, refused.kind, refused.detail, **refused.extra),
            )
        except MotionDirectorError as error:
            self._fail(record.id, library_problem_body(error))
        except Exception:
            log.exception("scene job %s failed unexpectedly", record.id)
            self._fail(record.id, problem_body(500, "internal", "the job could not be completed"))

    def _fail(self, job_id: str, problem: dict[str, object]) -> None:
        self.store.update(
            job_id, status="failed", stage="failed", error=problem, only_if=("running",)
        )


def quota_problem(over: QuotaExceeded) -> ProblemError:
    """The answer to a write over an owner's quota: 429 `job-quota` for jobs (delete finished
    ones to make room), 507 `storage-quota` for bytes of artifacts."""
    if over.quota == "max_jobs_per_key":
        return ProblemError(
            429,
            "job-quota",
            f"this key holds {over.used} scene jobs, its quota ({over.quota}) is {over.limit};"
            " delete finished jobs to submit more",
            quota=over.quota,
            limit=over.limit,
            used=over.used,
        )
    return ProblemError(
        507,
        "storage-quota",
        f"this key's artifacts would take {over.used + over.needed:,} bytes, its quota"
        f" ({over.quota}) is {over.limit:,}; delete finished jobs to make room",
        quota=over.quota,
        limit=over.limit,
        used=over.used,
    )
