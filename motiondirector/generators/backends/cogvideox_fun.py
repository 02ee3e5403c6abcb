"""CogVideoX-Fun pose control (`CogVideoXFunControlPipeline`): the pose video is the control
video.

CogVideoX-Fun-V1.1-*-Pose was trained on OpenPose renderings as `control_video`. The pipeline
cannot take frames to continue from, so consecutive chunks share `overlap_frames` frames that
are crossfaded. Its VAE packs 4 frames per latent: chunks are 4k+1 frames (49 by default, at
8 fps). There is no reference image input; the prompt says how the character looks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from motiondirector.generators.backends.common import DiffusersBackend, Settings
from motiondirector.generators.backends.frames import FrameTensors
from motiondirector.generators.base import GenerationRequest
from motiondirector.generators.chunking import Chunk

if TYPE_CHECKING:
    import torch


class CogVideoXFunBackend(DiffusersBackend):
    """Pose-driven video with CogVideoX-Fun; see the module docstring."""

    name: ClassVar[str] = "cogvideox-fun"
    pipeline_class_name: ClassVar[str] = "CogVideoXFunControlPipeline"
    default_model: ClassVar[str] = "alibaba-pai/CogVideoX-Fun-V1.1-2b-Pose"
    native_fps: ClassVar[int] = 8
    default_size: ClassVar[tuple[int, int]] = (672, 384)
    default_chunk_frames: ClassVar[int] = 49
    default_overlap_frames: ClassVar[int] = 8
    takes_reference: ClassVar[bool] = False
    default_guidance_scale: ClassVar[float] = 6.0
    denoiser_class_name: ClassVar[str] = "CogVideoXTransformer3DModel"
    vae_class_name: ClassVar[str] = "AutoencoderKLCogVideoX"
    lora_family: ClassVar[str] = "cogvideox"
    # The first-block cache fails inside diffusers on CogVideoX's two-stream blocks.
    cache_kinds: ClassVar[tuple[str, ...]] = ("taylorseer",)

    def prepare_chunk(
        self, request: GenerationRequest, settings: Settings, chunk: Chunk, pose: FrameTensors
    ) -> dict[str, Any]:
        # The control video, padded to a length the VAE takes, as (1, frames, 3, h, w).
        control = pose(chunk.start, chunk.end, length=self.chunk_length(chunk.length))
        return {
            "control_video": control[None],
            # The transformer's text positions are fixed: encode prompts to exactly that length.
            "max_sequence_length": int(self.pipeline.transformer.config.max_text_seq_length),
        }

    def chunk_inputs(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        carried: torch.Tensor | None,
        prepared: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.prepared_now(request, settings, chunk, prepared)
