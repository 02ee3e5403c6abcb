"""A video generator backend as the realize layer's segment generator.

`VideoSegmentGenerator` wraps anything with the `motiondirector.generators.base.Generator`
shape: it renders the backend's own pose conditioning of the segment's motion, checks the
request, generates, and writes the frames as an MP4. `generator_from_registry` builds one from
the backend registry (`motiondirector.generators.backends.get_generator`) by name.

It only adapts; conditioning, generation and encoding live in `generators`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from motiondirector.errors import BackendUnavailableError, GenerationError, MotionDirectorError
from motiondirector.realize.requests import GeneratedMaterial, SegmentGenerator, SegmentRequest

if TYPE_CHECKING:
    from motiondirector.generators.base import BackendOptions, Generator

DEFAULT_STEPS = 30


class VideoSegmentGenerator:
    """Generates a segment's video with a pose-conditioned video backend.

    `size` is the video's (width, height) (default: the backend's), `steps` the denoising
    steps; the backend's `render_pose` draws the conditioning from a camera facing the
    character.
    """

    def __init__(
        self,
        generator: Generator,
        *,
        size: tuple[int, int] | None = None,
        steps: int = DEFAULT_STEPS,
    ) -> None:
        self.generator = generator
        self.name = generator.name
        self.size = size or tuple(generator.default_size)
        self.steps = steps

    def generate_segment(self, request: SegmentRequest) -> GeneratedMaterial:
        from motiondirector.generators.base import GenerationRequest
        from motiondirector.generators.openpose import conditioning_camera
        from motiondirector.generators.preview import write_video

        width, height = self.size
        fps = float(request.motion.fps)
        camera = conditioning_camera(request.motion, (width, height))
        poses = self.generator.render_pose(request.motion, camera, size=(width, height), fps=fps)
        asked = GenerationRequest(
            pose_frames=poses,
            prompt=request.prompt,
            fps=fps,
            num_inference_steps=self.steps,
            seed=request.seed,
        )
        self.generator.check_inputs(asked)
        output = self.generator(asked)
        frames = int(output.frames.shape[0])
        if frames < 1:
            raise GenerationError(f"{self.name} returned no frames for {request.event.id}")
        out_height, out_width = (int(n) for n in output.frames.shape[1:3])
        written = write_video(
            iter(output.frames),
            Path(request.out),
            size=(out_width, out_height),
            fps=round(output.fps),
            what=f"the generated segment {request.event.id}",
        )
        return GeneratedMaterial(
            source=str(request.out), duration=written / output.fps, backend=self.name
        )


def generator_from_registry(
    name: str,
    options: BackendOptions | None = None,
    *,
    size: tuple[int, int] | None = None,
    steps: int = DEFAULT_STEPS,
) -> VideoSegmentGenerator:
    """A segment generator over the named video backend of the registry."""
    try:
        from motiondirector.generators.backends import get_generator
    except ImportError as error:
        raise BackendUnavailableError(
            f"no video generator backends here ({error}); install them with: "
            "pip install 'motiondirector[video]'"
        ) from None
    backend = cast("Generator", get_generator(name, options))
    return VideoSegmentGenerator(backend, size=size, steps=steps)


def as_segment_generator(generator: object) -> SegmentGenerator:
    """`generator` as a SegmentGenerator: one already is; a video backend with the
    `motiondirector.generators.base.Generator` shape is wrapped to render its pose
    conditioning and write the video it generates."""
    if isinstance(generator, SegmentGenerator):
        return generator
    from motiondirector.generators.base import Generator

    if isinstance(generator, Generator):
        return VideoSegmentGenerator(generator)
    raise MotionDirectorError(
        f"{type(generator).__name__} is not a generator: give an object with "
        "generate_segment(request) or a video backend from motiondirector.generators"
    )
