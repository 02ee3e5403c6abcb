"""Generation spread over a Ray cluster: one pipeline per worker, segments as the work units.

`connect_ray("auto")` starts a local cluster (or joins the one this machine runs);
`connect_ray("HOST:PORT")` joins a running one. Both refuse, before any model loads, when Ray
is not installed (`pip install 'motiondirector[scale]'`) or nothing answers at the address.

A `PipelinePool` starts Ray actors that each load the named backend from the same
`BackendOptions` (model path, device, dtype, speed options) ONCE and reuse it: one GPU each
when the cluster has GPUs, one CPU each otherwise. `PipelinePool.map(work, items)` runs
`work(backend, item)` for every item on whichever worker is free, shows a progress bar over
the items and returns the results in the items' order. A worker that dies (a crashed process,
a lost node) is restarted by Ray, which loads its pipeline again and runs the unit it was on
again (`max_restarts` and `max_task_retries`); each unit's result is taken once, by its index,
so no unit is lost or counted twice. Seeds travel inside the items, so a worker makes the
frames the same request makes in one process.

`generate_on_ray` is `backends.scene.generate_requests` over a pool: a unit is one
character's request of `generate`, whose chunks stay in order inside the unit, each
conditioned on the frames the previous one carried (the noise of consecutive chunks also comes
from one seeded generator, so a request is never split between workers). The frames come back
to this process, which writes the videos. The realize layer sends plan segments the same way
(`realize/distributed.py`).

Ray is imported inside functions only: it is an optional extra.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from motiondirector.errors import (
    BackendUnavailableError,
    GenerationError,
    GenerationInputError,
    MotionDirectorError,
)
from motiondirector.generators.base import (
    CPU_FLAGS,
    BackendOptions,
    GenerationOutput,
    GenerationRequest,
    require_diffusers,
)

if TYPE_CHECKING:
    from motiondirector.generators.backends.common import DiffusersBackend
    from motiondirector.generators.backends.scene import (
        CharacterRequest,
        DirectedScene,
        GeneratedVideo,
    )

Item = TypeVar("Item")
Result = TypeVar("Result")

SCALE_HINT = "pip install 'motiondirector[scale]'"
DEFAULT_RETRIES = 3
"""Times a dead worker is restarted, and a unit it was running is run again."""
CONNECT_TIMEOUT_S = 5.0
"""How long a cluster address may take to accept a connection before it is refused (Ray
itself keeps retrying for minutes)."""


def require_ray() -> Any:
    """The `ray` module; refuses with the install hint when it is missing."""
    try:
        import ray
    except ImportError as error:
        raise BackendUnavailableError(
            f"generating on a Ray cluster needs ray ({error}); install it with: {SCALE_HINT}"
        ) from None
    return ray


# Connecting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RayConnection:
    """This process's link to a Ray cluster; `started` when this process initialized Ray
    (and so shuts it down on `close`), False when Ray was already initialized here."""

    address: str
    started: bool

    def close(self) -> None:
        if self.started:
            require_ray().shutdown()


def connect_ray(address: str = "auto") -> RayConnection:
    """Join the Ray cluster at `address` ('HOST:PORT' or 'ray://HOST:PORT'), or with 'auto'
    the one this machine runs (`RAY_ADDRESS`, else the latest `ray start`), else start a local
    one. A process where Ray is already initialized keeps that connection (an explicit
    address must still answer). Refuses when Ray is missing or the address does not answer."""
    ray = check_ray(address)
    if ray.is_initialized():
        return RayConnection(address, started=False)
    try:
        ray.init(
            address=None if address == "auto" else address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
    except (ConnectionError, RuntimeError, ValueError, OSError) as error:
        raise BackendUnavailableError(
            f"cannot connect to the Ray cluster at {address}: {type(error).__name__}: {error}"
        ) from None
    return RayConnection(address, started=True)


def check_ray(address: str = "auto") -> Any:
    """Refuse now what `connect_ray(address)` would: Ray missing, a malformed address, or an
    address (given, or `RAY_ADDRESS` for 'auto') where nothing answers. Returns `ray`."""
    ray = require_ray()
    if address != "auto":
        probe_address(address)
    elif ":" in os.environ.get("RAY_ADDRESS", ""):  # not 'auto' or 'local'
        probe_address(os.environ["RAY_ADDRESS"])
    return ray


def probe_address(address: str) -> None:
    """Refuse, naming `address`, a cluster address that is malformed or where nothing
    accepts a connection within `CONNECT_TIMEOUT_S`."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise GenerationInputError(
            "ray", f"a cluster address looks like HOST:PORT (or 'auto'), got {address!r}"
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), CONNECT_TIMEOUT_S):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise BackendUnavailableError(
            f"no Ray cluster reachable at {address} ({reason}): start one there with "
            "`ray start --head`, or pass 'auto' to start one on this machine"
        ) from None


@contextmanager
def ray_cluster(address: str = "auto") -> Iterator[RayConnection]:
    """`connect_ray(address)` for the duration of a `with` block."""
    connection = connect_ray(address)
    try:
        yield connection
    finally:
        connection.close()


def cluster_device(
    backend: type[DiffusersBackend], options: BackendOptions, *, text_prompt: bool = False
) -> str:
    """`backend.preflight` for workers on the connected cluster instead of this machine:
    the device the workers run on ('cuda' when the cluster has GPUs and the options allow
    them, else 'cpu' where asked), and every option checked against it, before any model
    loads."""
    from motiondirector.generators.backends.model_folder import check_model_folder
    from motiondirector.generators.backends.speed import check_speed_options

    require_diffusers(backend.name)
    gpus = cluster_resources().get("GPU", 0.0)
    if options.device == "cpu":
        device = "cpu"
    elif gpus >= 1:
        device = "cuda"
    else:
        raise BackendUnavailableError(
            f"device {options.device!r} was asked for, but the Ray cluster has no GPU: add "
            f"nodes with GPUs, or pass device 'cpu' ({CPU_FLAGS}) to run the workers on CPUs"
        )
    # The workers load the weights: a folder is checked where this machine has it too.
    check_model_folder(backend, options.model or backend.default_model)
    check_speed_options(backend, options, device)
    if text_prompt:
        backend.require_text_cleaner()
    return device


def cluster_resources() -> dict[str, float]:
    """The connected cluster's total resources ('CPU', 'GPU', ...)."""
    return {str(k): float(v) for k, v in require_ray().cluster_resources().items()}


# The pool of pipelines --------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerShape:
    """How many workers a pool starts and what each one holds."""

    count: int
    gpus: float
    cpus: float


def worker_shape(
    options: BackendOptions, workers: int | None = None, *, units: int | None = None
) -> WorkerShape:
    """One worker per GPU of the cluster (one per CPU when the options run on the CPU or the
    cluster has no GPU), or `workers`; never more than `units`. Refuses more workers than the
    cluster can hold, which would wait for resources forever."""
    if workers is not None and workers < 1:
        raise GenerationInputError("ray_workers", f"must be at least 1, got {workers}")
    resources = cluster_resources()
    on_gpu = options.device != "cpu" and resources.get("GPU", 0.0) >= 1
    kind = "GPU" if on_gpu else "CPU"
    available = int(resources.get(kind, 0.0))
    count = workers or max(1, available)
    if count > available:
        raise GenerationInputError(
            "ray_workers",
            f"the Ray cluster has {available} {kind}(s), one per worker; {count} workers "
            "would wait for resources forever",
        )
    if units is not None:
        count = max(1, min(count, units))
    return WorkerShape(count=count, gpus=1.0 if on_gpu else 0.0, cpus=1.0)


@dataclass(frozen=True)
class WorkerFailure:
    """A `MotionDirectorError` raised on a worker, sent back as data and raised again here:
    errors whose constructor takes more than the message (`GenerationInputError`) do not
    survive Ray's pickling of exceptions."""

    kind: type[MotionDirectorError]
    args: tuple[Any, ...]
    state: dict[str, Any]

    @classmethod
    def of(cls, error: MotionDirectorError) -> WorkerFailure:
        return cls(type(error), error.args, dict(vars(error)))

    def error(self) -> MotionDirectorError:
        """The error as it was raised on the worker (same class, message and fields)."""
        error = self.kind.__new__(self.kind)
        error.args = self.args
        vars(error).update(self.state)
        return error


class PipelineWorker:
    """A Ray actor's state: one backend loaded once, run for every unit it is given. Our own
    errors (a load that fails, a refused request) come back as a `WorkerFailure`, so the
    caller sees the backend's error rather than a dead actor or a mangled exception."""

    def __init__(self, backend: str, options: BackendOptions) -> None:
        from motiondirector.generators.backends import get_generator
        from motiondirector.generators.base import quiet_library_logs

        self.backend: DiffusersBackend | None = None
        self.failure: WorkerFailure | None = None
        try:
            quiet_library_logs()  # a worker's output is forwarded to the driver's terminal
            self.backend = get_generator(backend, options)
        except MotionDirectorError as error:
            self.failure = WorkerFailure.of(error)

    def run(
        self, work: Callable[[DiffusersBackend, Item], Result], item: Item
    ) -> Result | WorkerFailure:
        if self.backend is None:
            assert self.failure is not None
            return self.failure
        try:
            return work(self.backend, item)
        except MotionDirectorError as error:
            return WorkerFailure.of(error)


class PipelinePool:
    """Ray actors that each hold the backend `backend` loaded with `options` (see the module
    docstring); `shape` says how many and on what (default: `worker_shape(options)`), and
    `retries` how often a dead worker is restarted and its unit run again. Ray must be
    connected (`connect_ray`). Actors start now and load their pipelines in the background;
    `close` (or leaving a `with` block) stops them."""

    def __init__(
        self,
        backend: str,
        options: BackendOptions | None = None,
        *,
        shape: WorkerShape | None = None,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        ray = require_ray()
        self.backend = backend
        self.options = options or BackendOptions()
        self.shape = shape or worker_shape(self.options)
        self._remote = ray.remote(PipelineWorker).options(
            num_cpus=self.shape.cpus,
            num_gpus=self.shape.gpus,
            max_restarts=retries,
            max_task_retries=retries,
        )
        self.actors: list[Any] = []
        """The Ray actor handles, one per worker."""
        self.grow(self.shape.count)

    def grow(self, count: int) -> None:
        """Start workers until there are `count` (more work than workers, within the shape
        the caller chose)."""
        while len(self.actors) < count:
            self.actors.append(self._remote.remote(self.backend, self.options))

    def map(
        self,
        work: Callable[[DiffusersBackend, Item], Result],
        items: Sequence[Item],
        *,
        progress: bool = False,
        unit: str = "segment",
    ) -> list[Result]:
        """`work(backend, item)` for every item, each on the next free worker; the results in
        the order of `items`. `work` must be importable by name on the workers (a function
        of an installed module). A failure in `work` is raised here as it was raised there."""
        from tqdm import tqdm

        ray = require_ray()
        waiting = deque(enumerate(items))
        idle = list(self.actors)
        running: dict[Any, tuple[int, Any]] = {}
        results: dict[int, Result] = {}
        with tqdm(total=len(items), disable=not progress, unit=unit, desc=self.backend) as bar:
            while waiting or running:
                while idle and waiting:
                    actor = idle.pop(0)
                    index, item = waiting.popleft()
                    running[actor.run.remote(work, item)] = (index, actor)
                (ready, *_), _ = ray.wait(list(running), num_returns=1)
                index, actor = running.pop(ready)
                if index in results:
                    raise GenerationError(f"{unit} {index} came back twice")
                results[index] = self._result(ready, index, unit)
                idle.append(actor)
                bar.update(1)
        return [results[index] for index in range(len(items))]

    def run_once(self, work: Callable[[DiffusersBackend, Item], Result], item: Item) -> Result:
        """`work(backend, item)` on the first worker (checks before the first unit runs)."""
        result: Result = self._result(self.actors[0].run.remote(work, item), 0, "check")
        return result

    def _result(self, ref: Any, index: int, unit: str) -> Any:
        ray = require_ray()
        try:
            value = ray.get(ref)
        except ray.exceptions.RayActorError as error:
            raise GenerationError(
                f"the Ray worker running {unit} {index} of {self.backend} died and was not "
                f"brought back: {_last_line(error)}"
            ) from None
        except ray.exceptions.RayError as error:
            cause = getattr(error, "cause", None) or error
            raise GenerationError(
                f"{self.backend} failed on {unit} {index} on a Ray worker: {_last_line(cause)}"
            ) from None
        if isinstance(value, WorkerFailure):
            raise value.error() from None
        return value

    def close(self) -> None:
        """Stop the workers (their pipelines are freed)."""
        ray = require_ray()
        for actor in self.actors:
            ray.kill(actor, no_restart=True)
        self.actors = []

    def __enter__(self) -> PipelinePool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _last_line(error: BaseException) -> str:
    """The line of a remote error that says what happened (a traceback's last line)."""
    text = str(error).strip()
    return text.splitlines()[-1] if text else type(error).__name__


# `generate` over a pool -------------------------------------------------------------------


def check_requests(backend: DiffusersBackend, requests: list[GenerationRequest]) -> None:
    """Every request checked by a loaded backend (on a worker)."""
    for request in requests:
        backend.check_inputs(request)


def generate_request(backend: DiffusersBackend, request: GenerationRequest) -> GenerationOutput:
    """One request generated by a loaded backend (on a worker), chunk after chunk."""
    return backend(request)


def generate_on_ray(
    direction: DirectedScene,
    backend: str,
    options: BackendOptions,
    requests: list[CharacterRequest],
    out_dir: Path,
    *,
    workers: int | None = None,
    retries: int = DEFAULT_RETRIES,
    progress: bool = False,
) -> list[GeneratedVideo]:
    """`generate_requests` on the connected Ray cluster: every request checked, then one
    unit per character request on `workers` workers (default: one per GPU, at most one per
    request); the videos are written into `out_dir` here, in the order of `requests`."""
    from motiondirector.generators.backends.scene import make_output_folder, write_generated

    shape = worker_shape(options, workers, units=len(requests))
    with PipelinePool(backend, options, shape=shape, retries=retries) as pool:
        pool.run_once(check_requests, [item.request for item in requests])
        make_output_folder(out_dir)
        outputs = pool.map(generate_request, [item.request for item in requests], progress=progress)
    return [
        write_generated(direction, item, output, out_dir)
        for item, output in zip(requests, outputs, strict=True)
    ]
