"""Wan2.1-VACE (`WanVACEPipeline`): the pose video is VACE's control `video`, with a `mask`.

VACE reads a control video and a mask: white mask pixels are generated following the control
frames (here the OpenPose-18 pose), black ones are kept from the control video. Chunks after the
first start with the previous chunk's last frames, masked black, so the model continues them:
long segments extend rather than restart. The reference image, when given, is VACE's reference
image (the character's look). Wan's VAE packs 4 frames per latent, so chunks are 4k+1 frames.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PIL import Image

from motiondirector.generators.backends.common import (
    DiffusersBackend,
    FloatArray,
    Settings,
    float_to_pil,
    reference_pil,
    to_pil_frames,
)
from motiondirector.generators.base import GenerationRequest
from motiondirector.generators.chunking import Chunk

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

    def control_video(
        self,
        pose: list[Image.Image],
        carried: FloatArray | None,
        size: tuple[int, int],
    ) -> tuple[list[Image.Image], list[Image.Image]]:
        """VACE's (video, mask) for one chunk: carried frames kept, pose frames generated."""
        kept = [] if carried is None else float_to_pil(carried, size)
        video = kept + pose[len(kept) :]
        mask = [Image.new("L", size, KEEP)] * len(kept) + [Image.new("L", size, GENERATE)] * (
            len(video) - len(kept)
        )
        return video, mask

    def chunk_inputs(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        carried: FloatArray | None,
    ) -> dict[str, Any]:
        size = (settings.width, settings.height)
        length = self.chunk_length(chunk.length)
        pose = to_pil_frames(request.pose_frames[chunk.start : chunk.end], size, length=length)
        video, mask = self.control_video(pose, carried, size)
        inputs: dict[str, Any] = {"video": video, "mask": mask, "num_frames": length}
        reference = reference_pil(request.reference_image)
        if reference is not None:
            inputs["reference_images"] = reference
        return inputs
