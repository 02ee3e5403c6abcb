"""AnimateDiff with an OpenPose ControlNet (`AnimateDiffControlNetPipeline`): Stable Diffusion
1.5, a `MotionAdapter` and `lllyasviel/sd-controlnet-openpose`.

The pose frames are the ControlNet's `conditioning_frames`. The motion module attends over 16
frames (it was trained on 16), so chunks are 16 frames by default with 4 crossfaded; any length
works. There is no reference image input (use an IP-Adapter outside this backend); the prompt
says how the character looks. `BackendOptions.components` may name another `motion_adapter` or
`controlnet`; `model` is the Stable Diffusion 1.5 base.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from motiondirector.generators.backends.common import DiffusersBackend, Settings, dtype_argument
from motiondirector.generators.backends.frames import FrameTensors
from motiondirector.generators.backends.speed import quantization_argument
from motiondirector.generators.base import BackendOptions, GenerationRequest, optional_module
from motiondirector.generators.chunking import Chunk

if TYPE_CHECKING:
    import torch

DEFAULT_MOTION_ADAPTER = "guoyww/animatediff-motion-adapter-v1-5-2"
DEFAULT_CONTROLNET = "lllyasviel/sd-controlnet-openpose"


class AnimateDiffBackend(DiffusersBackend):
    """Pose-driven video with AnimateDiff + OpenPose ControlNet; see the module docstring."""

    name: ClassVar[str] = "animatediff"
    pipeline_class_name: ClassVar[str] = "AnimateDiffControlNetPipeline"
    default_model: ClassVar[str] = "stable-diffusion-v1-5/stable-diffusion-v1-5"
    native_fps: ClassVar[int] = 8
    default_size: ClassVar[tuple[int, int]] = (512, 512)
    size_multiple: ClassVar[int] = 8
    frames_per_latent: ClassVar[int] = 1
    default_chunk_frames: ClassVar[int] = 16
    default_overlap_frames: ClassVar[int] = 4
    takes_reference: ClassVar[bool] = False
    default_guidance_scale: ClassVar[float] = 7.5
    denoiser_attr: ClassVar[str] = "unet"
    denoiser_class_name: ClassVar[str] = "UNetMotionModel"
    vae_class_name: ClassVar[str] = "AutoencoderKL"
    lora_family: ClassVar[str] = "sd-unet"

    @classmethod
    def load_pipeline(cls, model: str, dtype: Any, options: BackendOptions) -> Any:
        diffusers = optional_module("diffusers")

        extra: dict[str, Any] = {}
        for name, loader, default in (
            ("motion_adapter", diffusers.MotionAdapter, DEFAULT_MOTION_ADAPTER),
            ("controlnet", diffusers.ControlNetModel, DEFAULT_CONTROLNET),
        ):
            source = options.components.get(name)
            # A saved AnimateDiff pipeline carries its own; a plain SD 1.5 base does not.
            if source is None and not (Path(model) / name).is_dir():
                source = default
            if source is not None:
                extra[name] = loader.from_pretrained(source, **dtype_argument(dtype))
        pipeline = diffusers.AnimateDiffControlNetPipeline.from_pretrained(
            model, **dtype_argument(dtype), **extra, **quantization_argument(cls, options, dtype)
        )
        # The scheduler AnimateDiff was trained with (linear betas, no sample clipping).
        pipeline.scheduler = diffusers.DDIMScheduler.from_config(
            pipeline.scheduler.config,
            beta_schedule="linear",
            clip_sample=False,
            timestep_spacing="linspace",
            steps_offset=1,
        )
        return pipeline

    def prepare_chunk(
        self, request: GenerationRequest, settings: Settings, chunk: Chunk, pose: FrameTensors
    ) -> dict[str, Any]:
        # The ControlNet conditioning: the OpenPose frames at the output size, as the list of
        # (3, h, w) frames the pipeline checks the length of.
        frames = pose(chunk.start, chunk.end)
        return {"conditioning_frames": list(frames.unbind(0)), "num_frames": chunk.length}

    def chunk_inputs(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        carried: torch.Tensor | None,
        prepared: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.prepared_now(request, settings, chunk, prepared)
