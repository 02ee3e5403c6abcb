"""Scene jobs run in worker processes, each job under a memory and a time budget, so a job that
runs out of memory, crashes its process or hangs fails alone while the server keeps serving.

A worker is a `spawn`ed process (the server runs threads, and forking a threaded process is
unsafe) that loads the planner and the clip library and plans a tiny scene once, then takes
jobs one at a time over a pipe: the request JSON in; progress, then the artifacts or a problem,
out. Once warm it limits its own address space (`RLIMIT_AS`) to what it holds plus
`memory_bytes`, so the budget is the job's, whatever the loaded libraries have mapped (Linux:
the size is read from /proc; elsewhere only the time budget holds). A worker stays warm
between jobs (starting one costs seconds of imports), at most one per job thread.

The server side stops a worker (SIGKILL) whose job runs past `time_s` or is cancelled, and
starts a fresh one for the next job. A worker that dies (killed by a signal, an allocation
that failed in native code, a MemoryError) takes only its job with it: the job fails with
`…/job-resources-exceeded` naming the limit, and is never run again.

A worker must not touch the jobs database: the server records progress and results. A worker
whose server has gone (killed, say) exits within a second.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from motiondirector.errors import MotionDirectorError
from motiondirector.planners.llm_client import LLMConfig
from motiondirector.scene.limits import SceneLimits
from motiondirector.server.errors import library_problem_body, problem_body
from motiondirector.server.job_store import Artifact, JobRecord
from motiondirector.server.jobs import JobCancelled, JobControl, JobFailed
from motiondirector.server.settings import ServerSettings

log = logging.getLogger("motiondirector.server")

RESOURCES_EXCEEDED = "job-resources-exceeded"
STARTING_STAGE = "starting a worker process"
"""The stage of a job whose worker process is still warming up."""
_POLL_S = 0.1
"""How often a waiting job thread looks at its cancel flag."""
_STOP_WAIT_S = 5.0
_START_S = 300.0
"""How long a new worker may take to warm up (not counted in its first job's time)."""
_PARENT_CHECK_S = 1.0
_WARM_UP_REQUEST = json.dumps(
    {"script": "ANA: Hello, Ben.\nBEN: Hi.", "format": "text", "exports": ["json"], "body": True}
)
_MEBIBYTE = 1024 * 1024

Progress = Callable[[float, str], None]
Run = Callable[[str, Progress], list[Artifact]]


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to run jobs (picklable: it crosses to the new process).

    memory_bytes: address space a job may add to its warm worker.
    time_s: wall time a job may run, from when its worker takes it.
    limits, llm, clip_library, clip_cache_dir, face_library, face_threshold, face_casting:
    as in ServerSettings; face_cast: its `face_cast_pins()`.
    """

    memory_bytes: int
    time_s: float
    limits: SceneLimits
    llm: LLMConfig | None = None
    clip_library: Path | None = None
    clip_cache_dir: Path | None = None
    face_library: Path | None = None
    face_threshold: float = 0.6
    face_casting: bool = True
    face_cast: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> WorkerConfig:
        return cls(
            memory_bytes=settings.job_memory_bytes,
            time_s=settings.job_time_s,
            limits=settings.scene_limits(),
            llm=settings.llm,
            clip_library=settings.clip_library,
            clip_cache_dir=settings.clip_cache_dir,
            face_library=settings.face_library,
            face_threshold=settings.face_threshold,
            face_casting=settings.face_casting,
            face_cast=settings.face_cast_pins(),
        )


class JobProcesses:
    """Runs scene jobs in warm worker processes; `run` is a JobRunner's work."""

    def __init__(self, config: WorkerConfig, *, size: int) -> None:
        self.config = config
        self._size = size
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def prestart(self) -> None:
        """Start one worker now, so the first job finds it warm (it warms in the background)."""
        with self._lock:
            if not self._idle and not self._closed:
                self._idle.append(_Worker(self._context, self.config))

    def run(self, record: JobRecord, control: JobControl) -> list[Artifact]:
        """The job's artifacts, made in a worker process; JobFailed when the job fails or its
        worker dies or runs out of time; JobCancelled when it is cancelled meanwhile."""
        worker = self._take()
        keep = False  # whether the worker is fit for the next job
        try:
            try:
                self._wait_ready(worker, control)
            except JobCancelled:
                keep = True  # cancelled before the worker took it: the worker is still good
                raise
            worker.connection.send(record.request)
            deadline = time.monotonic() + self.config.time_s
            while True:
                message = self._receive(worker, control, deadline)
                kind = message[0]
                if kind == "progress":
                    control.progress(message[1], message[2])
                    continue
                if kind == "memory":
                    raise JobFailed(self._memory_problem())
                keep = True
                if kind == "done":
                    artifacts: list[Artifact] = message[1]
                    return artifacts
                if kind == "failed":
                    raise JobFailed(message[1])
                log.error("scene job %s failed unexpectedly in its worker", record.id)
                raise JobFailed(problem_body(500, "internal", "the job could not be completed"))
        finally:
            self._give_back(worker, keep)

    def close(self) -> None:
        """Stop the idle workers (a clean shutdown: the job threads have finished)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.kill()
        return _Worker(self._context, self.config)

    def _give_back(self, worker: _Worker, keep: bool) -> None:
        with self._lock:
            keep = keep and not self._closed and len(self._idle) < self._size
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.kill()

    def _wait_ready(self, worker: _Worker, control: JobControl) -> None:
        """Wait for a new worker's warm-up (`_START_S` at most)."""
        if worker.ready:
            return
        # Seconds of imports and model loading: the job's stage says so rather than "started".
        control.progress(0.0, STARTING_STAGE)
        deadline = time.monotonic() + _START_S
        try:
            message = self._receive(worker, control, deadline)
        except JobFailed:
            message = ("dead",)
        if message[0] != "ready":
            log.error("a scene job worker did not start (exit code %s)", worker.process.exitcode)
            raise JobFailed(
                problem_body(500, "internal", "the job's worker process could not start")
            )
        worker.ready = True

    def _receive(self, worker: _Worker, control: JobControl, deadline: float) -> tuple[Any, ...]:
        """The worker's next message. JobCancelled once the job is cancelled; JobFailed when
        the worker dies or the deadline passes (the caller stops the worker)."""
        while True:
            if control.cancelled.is_set():
                raise JobCancelled(control.job_id)
            left = deadline - time.monotonic()
            if left <= 0:
                raise JobFailed(self._time_problem())
            wait([worker.connection, worker.process.sentinel], min(left, _POLL_S))
            # A message sent just before the worker exited is still read.
            if worker.connection.poll():
                try:
                    message: tuple[Any, ...] = worker.connection.recv()
                except (EOFError, OSError):
                    worker.process.join(_STOP_WAIT_S)  # the pipe closed: it is exiting
                else:
                    return message
            if not worker.process.is_alive():
                raise JobFailed(self._death_problem(worker.process.exitcode))

    def _memory_problem(self) -> dict[str, Any]:
        limit = self.config.memory_bytes
        return problem_body(
            422,
            RESOURCES_EXCEEDED,
            f"a memory allocation failed: the job went over its memory limit of"
            f" {limit / _MEBIBYTE:,.0f} MiB (job_memory_bytes); it is not run again",
            limit="job_memory_bytes",
            limit_value=limit,
        )

    def _time_problem(self) -> dict[str, Any]:
        limit = self.config.time_s
        return problem_body(
            422,
            RESOURCES_EXCEEDED,
            f"the job ran past its time limit of {limit:g} s (job_time_s) and was stopped;"
            " it is not run again",
            limit="job_time_s",
            limit_value=limit,
        )

    def _death_problem(self, exit_code: int | None) -> dict[str, Any]:
        if exit_code is not None and exit_code < 0:
            how = f"killed by {_signal_name(-exit_code)}"
        else:
            how = f"exit code {exit_code}"
        limit = self.config.memory_bytes
        return problem_body(
            422,
            RESOURCES_EXCEEDED,
            f"the job's worker process ended ({how}) before the job finished: most likely"
            f" the job went over its memory limit of {limit / _MEBIBYTE:,.0f} MiB"
            " (job_memory_bytes); it is not run again",
            limit="job_memory_bytes",
            limit_value=limit,
            exit_code=exit_code,
        )


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, context: SpawnContext, config: WorkerConfig) -> None:
        mine, theirs = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=serve_jobs, args=(theirs, config), name="scene-job-worker", daemon=True
        )
        self.process.start()
        theirs.close()
        self.connection: Connection = mine
        self.ready = False

    def stop(self) -> None:
        """Ask a warm worker to exit, and kill it if it does not (one still warming up is
        killed at once: it holds nothing)."""
        if self.ready:
            with contextlib.suppress(OSError, ValueError):
                self.connection.send(None)
            self.process.join(_STOP_WAIT_S)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(_STOP_WAIT_S)
        self.connection.close()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# The worker side: everything below runs in the worker process.


def serve_jobs(connection: Connection, config: WorkerConfig) -> None:
    """A worker's life: warm up, limit its address space, then run jobs until told to stop
    (None) or the server goes away."""
    # Ctrl-C in the server's terminal reaches the whole process group: the server decides
    # when a worker stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(os.getppid())
    # tqdm's default lock is a multiprocessing semaphore, which a killed worker would leave to
    # the resource tracker (and its warning); a thread lock is all one process needs.
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())
    run = _warm_up(config)
    base = _address_space()
    if base is not None:
        _limit_address_space(base + config.memory_bytes)
    connection.send(("ready",))

    def progress(fraction: float, stage: str) -> None:
        connection.send(("progress", fraction, stage))

    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            connection.send(("done", run(request, progress)))
        except MemoryError:
            # The job's memory is freed as the error unwinds; a worker that ran out may be in
            # a broken state all the same, so it reports and exits.
            connection.send(("memory",))
            return
        except MotionDirectorError as error:
            connection.send(("failed", library_problem_body(error)))
        except Exception:
            log.exception("a scene job failed unexpectedly")
            connection.send(("internal",))


def _warm_up(config: WorkerConfig) -> Run:
    from motiondirector.realize import open_face_library
    from motiondirector.retrieval.builtin import builtin_clip_library, open_library
    from motiondirector.server.models import SceneJobRequest
    from motiondirector.server.scene_artifacts import make_scene_artifacts

    if config.clip_library is not None:
        library = open_library(config.clip_library)
    else:
        library = builtin_clip_library(config.clip_cache_dir)
    faces = None
    if config.face_library is not None:
        faces = open_face_library(
            config.face_library, casting=config.face_casting, cast=config.face_cast
        )

    def run(request_json: str, progress: Progress) -> list[Artifact]:
        request = SceneJobRequest.model_validate_json(request_json)
        return make_scene_artifacts(
            request,
            check=_never_cancelled,
            progress=progress,
            library=library,
            llm=config.llm,
            limits=config.limits,
            face_library=faces,
            face_threshold=config.face_threshold,
        )

    run(_WARM_UP_REQUEST, lambda fraction, stage: None)
    return run


def _never_cancelled() -> None:
    """Cancelling a job stops its worker process; there is nothing to check in it."""


def _address_space() -> int | None:
    """The process's virtual memory size in bytes (None where /proc cannot tell)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _limit_address_space(limit: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _exit_with_parent(parent: int) -> None:
    """Exit as soon as the server that started this worker is gone (a job may be running)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
