"""The realize layer's segment generator on a Ray cluster.

`RaySegmentGenerator` is a `BatchSegmentGenerator`: the decider (`realize/decide.py`) hands it
every segment of a timeline that will be generated, in one call, and it sends them to a
`generators.distributed.PipelinePool`, whose workers each hold the named backend loaded once.
A worker renders the segment's pose conditioning, checks and generates it exactly as
`VideoSegmentGenerator` does in one process (same seed per event, so the same frames); the
frames come back here and the videos are written here, under the decider's material folder.
The provenance names the backend and its options as the in-process generator does.

    generator = RaySegmentGenerator("wan-vace", BackendOptions(model="/models/wan"), address="auto")
    result = Director(generator=generator).direct("scene.fountain", "out/scene")
    generator.close()

It connects on construction, so a missing Ray or an unreachable cluster is refused before any
model loads; workers start (and load their pipelines) on the first segments, no more of them
than there are segments to make.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, cast

from motiondirector.generators.backends import backend_class
from motiondirector.generators.base import BackendOptions
from motiondirector.generators.distributed import (
    DEFAULT_RETRIES,
    PipelinePool,
    cluster_device,
    connect_ray,
    worker_shape,
)
from motiondirector.realize.requests import GeneratedMaterial, SegmentRequest
from motiondirector.realize.video import (
    VideoSegmentGenerator,
    check_segment_backend,
    write_material,
)

if TYPE_CHECKING:
    from motiondirector.generators.backends.common import DiffusersBackend
    from motiondirector.generators.base import GenerationOutput, Generator

SegmentJob = tuple[tuple[int, int], int | None, SegmentRequest]
"""What a worker gets for one segment: the video size, the steps and the request."""


class RaySegmentGenerator:
    """Generates segments with the backend `backend` (loaded from `options`) on the Ray
    cluster at `address` ('auto': this machine's, started if none runs). `workers` (default:
    one per GPU of the cluster) hold one pipeline each; `size` and `steps` are as for
    `VideoSegmentGenerator`; `progress` shows a bar over the segments; `retries` is how often
    a dead worker is restarted and its segment made again. `close` stops the workers and
    the Ray instance this generator started."""

    def __init__(
        self,
        backend: str,
        options: BackendOptions | None = None,
        *,
        address: str = "auto",
        workers: int | None = None,
        size: tuple[int, int] | None = None,
        steps: int | None = None,
        progress: bool = False,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        chosen = backend_class(backend)
        check_segment_backend(chosen)
        self.options = options or BackendOptions()
        self.connection = connect_ray(address)
        try:
            cluster_device(chosen, self.options)
            self.shape = worker_shape(self.options, workers)
        except BaseException:
            self.connection.close()
            raise
        self.name = chosen.name
        self.size = size or chosen.default_size
        self.steps = steps
        self.progress = progress
        self.retries = retries
        described = self.options.describe_speed()
        self.label = f"{self.name} ({described})" if described else self.name
        """The backend and its speed options, as the segment's provenance names it."""
        self._pool: PipelinePool | None = None

    def generate_segment(self, request: SegmentRequest) -> GeneratedMaterial:
        return self.generate_segments([request])[0]

    def generate_segments(self, requests: Sequence[SegmentRequest]) -> list[GeneratedMaterial]:
        """Every segment of `requests` made on the workers; the materials in their order."""
        if not requests:
            return []
        # No more pipelines loaded than there are segments to make.
        wanted = min(self.shape.count, len(requests))
        if self._pool is None:
            shape = replace(self.shape, count=wanted)
            self._pool = PipelinePool(self.name, self.options, shape=shape, retries=self.retries)
        self._pool.grow(wanted)
        jobs: list[SegmentJob] = [(self.size, self.steps, request) for request in requests]
        outputs = self._pool.map(generate_segment_frames, jobs, progress=self.progress)
        return [
            write_material(request, output, label=self.label)
            for request, output in zip(requests, outputs, strict=True)
        ]

    def close(self) -> None:
        """Stop the workers, and the Ray instance when this generator started it."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self.connection.close()

    def __enter__(self) -> RaySegmentGenerator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def generate_segment_frames(backend: DiffusersBackend, job: SegmentJob) -> GenerationOutput:
    """One segment's frames made by a worker's loaded backend (see `VideoSegmentGenerator`)."""
    size, steps, request = job
    generator = VideoSegmentGenerator(cast("Generator", backend), size=size, steps=steps)
    return generator.generate_frames(request)
