"""Wan2.2-Animate (`WanAnimatePipeline`): a reference image animated by a pose video and a face
video.

Wan-Animate takes the character's image, the body pose as a video (OpenPose-style skeletons on
black) and the face as a video of square face crops, which its motion encoder reads at
`transformer.config.motion_encoder_size` pixels (512 for the released weights). Without face
frames the face video is black, the model's own "no face signal" (it blanks faces that way for
classifier-free guidance). The pipeline generates long videos itself, in segments of
`segment_frame_length` frames, each conditioned on the last `prev_segment_conditioning_frames`
(1 or 5) frames of the one before: `chunk_frames` and `overlap_frames` map onto those two.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from PIL import Image

from motiondirector.errors import GenerationError, GenerationInputError
from motiondirector.generators.backends.common import (
    DiffusersBackend,
    Settings,
    reference_pil,
    to_pil_frames,
)
from motiondirector.generators.base import (
    GenerationOutput,
    GenerationRequest,
    UInt8Array,
)
from motiondirector.generators.chunking import Chunk

if TYPE_CHECKING:
    import torch

CARRIED_FRAME_CHOICES = (1, 5)
"""The numbers of previous-segment frames Wan-Animate was trained to continue from."""


class WanAnimateBackend(DiffusersBackend):
    """Character animation with Wan2.2-Animate; see the module docstring."""

    name: ClassVar[str] = "wan-animate"
    pipeline_class_name: ClassVar[str] = "WanAnimatePipeline"
    default_model: ClassVar[str] = "Wan-AI/Wan2.2-Animate-14B-Diffusers"
    native_fps: ClassVar[int] = 30
    default_size: ClassVar[tuple[int, int]] = (1280, 720)
    default_chunk_frames: ClassVar[int] = 77
    default_overlap_frames: ClassVar[int] = 1
    default_guidance_scale: ClassVar[float] = 1.0
    carries_frames: ClassVar[bool] = True
    text_cleaner: ClassVar[str | None] = "ftfy"
    float32_vae_class: ClassVar[str | None] = "AutoencoderKLWan"
    denoiser_class_name: ClassVar[str] = "WanAnimateTransformer3DModel"
    vae_class_name: ClassVar[str] = "AutoencoderKLWan"
    lora_family: ClassVar[str] = "wan"
    # diffusers registers no first-block cache for Wan-Animate's own block class.
    cache_kinds: ClassVar[tuple[str, ...]] = ("taylorseer",)
    flow_matching: ClassVar[bool] = True
    attention_dispatch: ClassVar[bool] = True
    vae_dtype_choice: ClassVar[bool] = True
    needs_reference: ClassVar[bool] = True
    takes_face_frames: ClassVar[bool] = True

    @property
    def face_size(self) -> int:
        """Side in pixels of the square face crops the motion encoder reads."""
        return int(self.pipeline.transformer.config.motion_encoder_size)

    def check_backend_inputs(self, request: GenerationRequest, settings: Settings) -> None:
        if settings.overlap_frames not in CARRIED_FRAME_CHOICES:
            raise GenerationInputError(
                "overlap_frames",
                f"must be 1 or 5 for {self.name} (the previous-segment frames it was trained "
                f"on), got {settings.overlap_frames}",
            )

    def face_video(self, face_frames: UInt8Array | None, count: int) -> list[Image.Image]:
        """Square face crops at the motion encoder's size: each face frame centre-cropped to a
        square, or black frames when there are none."""
        side = self.face_size
        if face_frames is None:
            return [Image.new("RGB", (side, side), (0, 0, 0))] * count
        height, width = face_frames.shape[1:3]
        crop = min(height, width)
        top, left = (height - crop) // 2, (width - crop) // 2
        squares = face_frames[:, top : top + crop, left : left + crop]
        return to_pil_frames(squares, (side, side))

    def segments(self, settings: Settings) -> list[Chunk]:
        """The segments the pipeline will generate, as chunks (it pads the pose video to a
        whole number of segments and trims the result)."""
        length, carried, total = settings.chunk_frames, settings.overlap_frames, settings.frames
        step = length - carried
        chunks = [Chunk(0, min(length, total), 0)]
        while chunks[-1].start + step + carried < total:
            start = chunks[-1].start + step
            chunks.append(Chunk(start, min(start + length, total), carried))
        return chunks

    def __call__(self, request: GenerationRequest) -> GenerationOutput:
        self.check_inputs(request)
        settings = self.settings(request)
        started = time.perf_counter()
        size = (settings.width, settings.height)
        inputs = self.prompt_inputs(request, settings) | {
            "image": reference_pil(request.reference_image),
            # PIL frames: the pipeline reads the conditioning's size from `frame.size`.
            "pose_video": to_pil_frames(request.pose_frames, size),
            "face_video": self.face_video(request.face_frames, settings.frames),
            "height": settings.height,
            "width": settings.width,
            "segment_frame_length": settings.chunk_frames,
            "prev_segment_conditioning_frames": settings.overlap_frames,
            "num_inference_steps": settings.steps,
            "guidance_scale": settings.guidance_scale,
            "generator": self.torch_generator(request.seed),
            "mode": "animate",
            "output_type": "pt",
        }
        video = self.run_pipeline(inputs)
        if len(video) != settings.frames:
            raise GenerationError(
                f"{self.name} returned {len(video)} frames, not {settings.frames}"
            )
        chunks = self.segments(settings)
        return self.output(request, settings, video, chunks, time.perf_counter() - started)

    def chunk_inputs(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        carried: torch.Tensor | None,
        prepared: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError("WanAnimatePipeline segments the video itself")
