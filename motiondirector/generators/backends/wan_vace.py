"""Wan2.1-VACE (`WanVACEPipeline`): the pose video is VACE's control `video`, with a `mask`.

VACE reads a control video and a mask: white mask pixels are generated following the control
frames (here the OpenPose-18 pose), black ones are kept from the control video. Chunks after the
first start with the previous chunk's last frames, masked black, so the model continues them:
long segments extend rather than restart. The reference image, when given, is VACE's reference
image (the character's look). Wan's VAE packs 4 frames per latent, so chunks are 4k+1 frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from motiondirector.generators.backends.common import DiffusersBackend, Settings, reference_pil
from motiondirector.generators.backends.frames import FrameTensors, quantized
from motiondirector.generators.base import GenerationRequest
from motiondirector.generators.chunking import Chunk

if TYPE_CHECKING:
    import torch

KEEP = 0
"""Mask value of control frames kept as they are (carried frames)."""
GENERATE = 255
"""Mask value of frames generated under the pose."""


class WanVACEBackend(DiffusersBackend):
    """Pose-driven video with Wan2.1-VACE; see the module docstring."""

    name: ClassVar[str] = "wan-vace"
    pipeline_class_name: ClassVar[str] = "WanVACEPipeline"
    default_model: ClassVar[str] = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
    native_fps: ClassVar[int] = 16
    default_size: ClassVar[tuple[int, int]] = (832, 480)
    default_chunk_frames: ClassVar[int] = 81
    default_overlap_frames: ClassVar[int] = 5
    default_guidance_scale: ClassVar[float] = 5.0
    carries_frames: ClassVar[bool] = True
    text_cleaner: ClassVar[str | None] = "ftfy"
    float32_vae_class: ClassVar[str | None] = "AutoencoderKLWan"
    denoiser_class_name: ClassVar[str] = "WanVACETransformer3DModel"
    vae_class_name: ClassVar[str] = "AutoencoderKLWan"
    lora_family: ClassVar[str] = "wan"
    cache_kinds: ClassVar[tuple[str, ...]] = ("first-block", "taylorseer")
    flow_matching: ClassVar[bool] = True
    attention_dispatch: ClassVar[bool] = True
    vae_dtype_choice: ClassVar[bool] = True

    def control_video(
        self, pose: torch.Tensor, carried: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """VACE's (video, mask) for one chunk, as (1, frames, channels, h, w) tensors in 0..1:
        carried frames kept (rounded to 8 bits, as the model saw them), pose frames
        generated."""
        import torch

        kept = 0 if carried is None else len(carried)
        frames = [pose[kept:]] if carried is None else [quantized(carried), pose[kept:]]
        video = torch.cat(frames) if len(frames) > 1 else frames[0]
        mask = torch.full((len(video), 1, *video.shape[2:]), GENERATE / 255, device=video.device)
        mask[:kept] = KEEP / 255
        return video[None], mask[None]

    def prepare_chunk(
        self, request: GenerationRequest, settings: Settings, chunk: Chunk, pose: FrameTensors
    ) -> dict[str, Any]:
        inputs: dict[str, Any] = {
            "pose": pose(chunk.start, chunk.end, length=self.chunk_length(chunk.length)),
            "num_frames": self.chunk_length(chunk.length),
        }
        reference = reference_pil(request.reference_image)
        if reference is not None:
            inputs["reference_images"] = reference
        return inputs

    def chunk_inputs(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        carried: torch.Tensor | None,
        prepared: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        inputs = dict(self.prepared_now(request, settings, chunk, prepared))
        inputs["video"], inputs["mask"] = self.control_video(inputs.pop("pose"), carried)
        return inputs
