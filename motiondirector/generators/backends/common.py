"""What every diffusers backend shares: loading, devices, checks, chunking and output.

A backend subclasses `DiffusersBackend`, names its diffusers pipeline class and defaults, and
implements `prepare_chunk` and `chunk_inputs`: the conditioning its model expects for one
chunk (pose video, face video, control video and mask), the first part prepared on a
background thread while the previous chunk denoises. Everything else — resolving the device,
loading weights with `from_pretrained(..., dtype=...)`, the speed and memory options
(`speed.py`), prompts and their embeddings, padding chunks to the lengths the VAE accepts,
seeding, stitching chunks and converting frames to uint8 — is here. Frames stay torch
tensors on the pipeline's device from the pipeline's output to the end (`frames.py`).

diffusers and torch are imported inside functions only.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import numpy.typing as npt
from PIL import Image

from motiondirector.errors import BackendUnavailableError, GenerationError, GenerationInputError
from motiondirector.generators.backends.frames import FrameTensors, Prefetcher, to_uint8
from motiondirector.generators.backends.model_folder import (
    check_model_folder,
    check_model_reference,
)
from motiondirector.generators.backends.speed import (
    apply_speed_options,
    check_speed_options,
    quantization_argument,
)
from motiondirector.generators.base import (
    DEFAULT_STEPS,
    INSTALL_HINT,
    PRESETS,
    BackendOptions,
    DeviceName,
    GenerationOutput,
    GenerationRequest,
    UInt8Array,
    check_request,
    require_diffusers,
    resolve_device,
    torch_dtype,
)
from motiondirector.generators.chunking import Chunk, append_chunk, plan_chunks
from motiondirector.generators.openpose import Camera, coco18_keypoints

if TYPE_CHECKING:
    import torch

    from motiondirector.motion.clip import Motion

FloatArray = npt.NDArray[np.float32]

FIGURE_FILL = 0.85
"""Share of the frame height the framed character's full extent takes."""


@dataclass(frozen=True)
class Settings:
    """A request resolved against a backend's defaults."""

    width: int
    height: int
    frames: int
    steps: int
    guidance_scale: float
    chunk_frames: int
    overlap_frames: int


class DiffusersBackend:
    """A video generator wrapping one diffusers pipeline (see the module docstring)."""

    name: ClassVar[str]
    pipeline_class_name: ClassVar[str]
    default_model: ClassVar[str]
    native_fps: ClassVar[int]
    default_size: ClassVar[tuple[int, int]]
    size_multiple: ClassVar[int] = 16
    frames_per_latent: ClassVar[int] = 4
    """Chunk lengths must be k * frames_per_latent + 1 (1: any length)."""
    default_chunk_frames: ClassVar[int]
    default_overlap_frames: ClassVar[int]
    default_guidance_scale: ClassVar[float]
    carries_frames: ClassVar[bool] = False
    """Whether a chunk is conditioned on the previous chunk's last frames."""
    takes_reference: ClassVar[bool] = True
    needs_reference: ClassVar[bool] = False
    takes_face_frames: ClassVar[bool] = False
    text_cleaner: ClassVar[str | None] = None
    """A module the pipeline needs to encode prompt text (None: nothing beyond diffusers)."""
    float32_vae_class: ClassVar[str | None] = None
    """A diffusers VAE class loaded in float32 whatever the pipeline's dtype (Wan's VAE is
    numerically fragile in half precision), unless `BackendOptions.vae_dtype` says otherwise."""
    denoiser_attr: ClassVar[str] = "transformer"
    """The pipeline component that denoises (LoRA, caches, compilation and attention go there)."""
    denoiser_class_name: ClassVar[str]
    vae_class_name: ClassVar[str]
    lora_family: ClassVar[str]
    """Which LoRA layout fits (see `speed.LORA_FAMILIES`)."""
    cache_kinds: ClassVar[tuple[str, ...]] = ()
    """diffusers caches that run on this backend's denoiser (checked on the tiny pipelines)."""
    flow_matching: ClassVar[bool] = False
    """Whether the scheduler is flow matching, with a timestep `shift`."""
    attention_dispatch: ClassVar[bool] = False
    """Whether the denoiser's attention goes through diffusers' attention backends."""
    vae_dtype_choice: ClassVar[bool] = False
    """Whether the pipeline casts what the VAE reads to the VAE's own dtype, so the VAE may
    run in another dtype than the denoiser (`BackendOptions.vae_dtype`)."""

    def __init__(
        self,
        pipeline: Any,
        *,
        model: str,
        device: str,
        options: BackendOptions | None = None,
        applied: dict[str, Any] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.model = model
        self.device = device
        self.options = options or BackendOptions()
        self.applied = applied if applied is not None else {"preset": self.options.preset}
        """The speed and memory options that took effect (recorded in every output)."""
        self.show_progress(False)

    def describe_options(self) -> str:
        """The speed and memory options in use, in a few words ('' when none is set)."""
        return self.options.describe_speed()

    def show_progress(self, enabled: bool) -> None:
        """Show progress (off by default): a bar over a request's chunks when it has several,
        and the pipeline's denoising steps of the chunk being made."""
        self.progress = enabled
        self.pipeline.set_progress_bar_config(disable=not enabled, leave=False)

    # Loading ------------------------------------------------------------------------------

    @classmethod
    def from_components(
        cls,
        pipeline: Any,
        *,
        device: DeviceName = "auto",
        model: str = "components",
        options: BackendOptions | None = None,
    ) -> Self:
        """Wrap an already built pipeline (e.g. tiny random parts made in code), applying the
        speed and memory options of `options` (its model, device and dtype are not used:
        the pipeline is built, and `device` says where it runs)."""
        require_diffusers(cls.name)
        expected = cls.pipeline_class_name
        if not isinstance(pipeline, getattr(importlib.import_module("diffusers"), expected)):
            got = type(pipeline).__name__
            raise GenerationInputError(
                "pipeline", f"the {cls.name} backend wraps a {expected}, got {got}"
            )
        options = options or BackendOptions()
        if options.quantize != "none":
            raise GenerationInputError(
                "quantize", "quantizes weights as they load: use from_pretrained"
            )
        resolved = resolve_device(device)
        denoiser = dict(getattr(pipeline, cls.denoiser_attr).config)
        check_speed_options(cls, options, resolved, denoiser)
        # Modules built in code start in training mode (dropout on); generation is inference.
        for component in pipeline.components.values():
            if hasattr(component, "eval") and hasattr(component, "training"):
                component.eval()
        applied = apply_speed_options(pipeline, cls, options, resolved)
        return cls(pipeline, model=model, device=resolved, options=options, applied=applied)

    @classmethod
    def from_pretrained(cls, options: BackendOptions | None = None) -> Self:
        """Load the weights `options.model` (a folder or hub id; None: the default) onto the
        device asked for. Refuses before loading when diffusers is missing or when real
        weights would land on a CPU that was not asked for explicitly."""
        options = options or BackendOptions()
        device = cls.preflight(options)
        model = options.model or cls.default_model
        dtype = torch_dtype(options.dtype, device)
        check_model_reference(model)
        try:
            pipeline = cls.load_pipeline(model, dtype, options)
        except (OSError, ValueError, KeyError, TypeError, ImportError, RuntimeError) as error:
            raise GenerationError(
                f"cannot load the {cls.name} model {model!r}: {type(error).__name__}: {error}"
            ) from error
        applied = apply_speed_options(pipeline, cls, options, device)
        return cls(pipeline, model=model, device=device, options=options, applied=applied)

    @classmethod
    def preflight(cls, options: BackendOptions, *, text_prompt: bool = False) -> str:
        """Refuse now what would fail later, cheapest first: diffusers missing, real weights
        without a GPU, a model folder of another backend (`model_folder.py`), a speed or memory
        option that cannot work here (`speed.py`), and (for
        `text_prompt`) a missing prompt-text cleaner. Returns the device the weights would
        run on."""
        require_diffusers(cls.name)
        model = options.model or cls.default_model
        device = resolve_device(options.device, model=model)
        check_model_folder(cls, model)
        check_speed_options(cls, options, device)
        if text_prompt:
            cls.require_text_cleaner()
        return device

    @classmethod
    def load_pipeline(cls, model: str, dtype: torch.dtype, options: BackendOptions) -> Any:
        """The pipeline of `model` with weights in `dtype` (subclasses add components)."""
        import diffusers
        import torch

        components: dict[str, Any] = {}
        if cls.float32_vae_class is not None:
            vae_class = getattr(diffusers, cls.float32_vae_class)
            vae_dtype = getattr(torch, options.vae_dtype or "float32")
            components["vae"] = vae_class.from_pretrained(
                model, subfolder="vae", **dtype_argument(vae_dtype)
            )
        pipeline_class = getattr(diffusers, cls.pipeline_class_name)
        return pipeline_class.from_pretrained(
            model,
            **components,
            **dtype_argument(dtype),
            **quantization_argument(cls, options, dtype),
        )

    # Conditioning ---------------------------------------------------------------------------

    @classmethod
    def render_pose(
        cls,
        motion: Motion,
        camera: Camera | None = None,
        *,
        size: tuple[int, int] | None = None,
        fps: float | None = None,
    ) -> UInt8Array:
        """OpenPose-18 frames of `motion` at `fps` (default: the model's native rate) and `size`
        (default: the model's), seen by `camera` (default: `fit_camera`)."""
        width, height = size or cls.default_size
        chosen = camera or fit_camera(motion, (width, height))
        return render_pose_frames(motion, chosen, (width, height), fps or cls.native_fps)

    # Checks ---------------------------------------------------------------------------------

    def settings(self, request: GenerationRequest) -> Settings:
        """The request with this backend's defaults filled in (not checked)."""
        width, height = request.size
        chunk = request.chunk_frames or self.default_chunk_frames
        overlap = request.overlap_frames
        if overlap is None:
            overlap = min(self.default_overlap_frames, chunk // 2)
        preset = PRESETS[self.options.preset]
        steps = request.num_inference_steps or preset.steps or DEFAULT_STEPS
        guidance = request.guidance_scale
        if guidance is None:
            guidance = preset.guidance_scale
        return Settings(
            width=width,
            height=height,
            frames=request.frame_count,
            steps=steps,
            guidance_scale=self.default_guidance_scale if guidance is None else guidance,
            chunk_frames=chunk,
            overlap_frames=overlap,
        )

    @classmethod
    def check_size(cls, width: int, height: int) -> None:
        """Raise `GenerationInputError` for a frame size this model cannot take: it is checked
        before any conditioning is drawn or weights load."""
        for name, value in (("width", width), ("height", height)):
            if value % cls.size_multiple:
                raise GenerationInputError(
                    name, f"must be a multiple of {cls.size_multiple} for {cls.name}, got {value}"
                )

    @classmethod
    def check_chunks(cls, chunk_frames: int | None, overlap_frames: int | None) -> None:
        """Raise `GenerationInputError` for chunk lengths this model cannot take (None: the
        backend's default)."""
        chunk = chunk_frames or cls.default_chunk_frames
        step = cls.frames_per_latent
        if step > 1 and (chunk - 1) % step:
            raise GenerationInputError(
                "chunk_frames",
                f"must be {step}k+1 for {cls.name} (its VAE packs {step} frames per latent), "
                f"got {chunk}",
            )
        if overlap_frames is not None and overlap_frames >= chunk:
            raise GenerationInputError(
                "overlap_frames",
                f"must be smaller than chunk_frames ({chunk}), got {overlap_frames}",
            )

    def check_inputs(self, request: GenerationRequest) -> None:
        """Raise `GenerationInputError` naming the first argument this backend cannot take."""
        check_request(request)
        settings = self.settings(request)
        self.check_size(settings.width, settings.height)
        self.check_chunks(settings.chunk_frames, settings.overlap_frames)
        if self.needs_reference and request.reference_image is None:
            raise GenerationInputError(
                "reference_image", f"{self.name} animates a reference image; give one"
            )
        if not self.takes_reference and request.reference_image is not None:
            raise GenerationInputError(
                "reference_image",
                f"{self.name} takes no reference image; describe the character in the prompt",
            )
        if not self.takes_face_frames and request.face_frames is not None:
            raise GenerationInputError(
                "face_frames", f"{self.name} takes no face video; leave face_frames out"
            )
        self.check_backend_inputs(request, settings)

    def check_backend_inputs(self, request: GenerationRequest, settings: Settings) -> None:
        """Checks of one backend beyond the shared ones (none by default)."""

    # Generation -----------------------------------------------------------------------------

    def __call__(self, request: GenerationRequest) -> GenerationOutput:
        """Generate `request` chunk by chunk (see `chunking`), seeded by `request.seed`."""
        self.check_inputs(request)
        settings = self.settings(request)
        started = time.perf_counter()
        chunks = plan_chunks(settings.frames, settings.chunk_frames, settings.overlap_frames)
        generator = self.torch_generator(request.seed)
        shared = self.prompt_inputs(request, settings) | {
            "height": settings.height,
            "width": settings.width,
            "num_inference_steps": settings.steps,
            "guidance_scale": settings.guidance_scale,
            "generator": generator,
            "output_type": "pt",
        }
        pose = self.pose_tensors(request, settings)
        video: torch.Tensor | None = None
        from tqdm import tqdm

        with (
            Prefetcher(
                lambda index: self.prepare_chunk(request, settings, chunks[index], pose),
                len(chunks),
            ) as prepared,
            tqdm(
                total=len(chunks),
                desc=f"{self.name} chunks",
                unit="chunk",
                disable=not self.progress or len(chunks) < 2,
            ) as bar,
        ):
            for index, chunk in enumerate(chunks):
                carried = None
                if self.carries_frames and chunk.overlap and video is not None:
                    carried = video[chunk.start : chunk.start + chunk.overlap]
                inputs = self.chunk_inputs(request, settings, chunk, carried, prepared.get(index))
                piece = self.run_pipeline(shared | inputs)[: chunk.length]
                if len(piece) != chunk.length:
                    raise GenerationError(
                        f"{self.name} returned {len(piece)} frames for a chunk of {chunk.length}"
                    )
                video = append_chunk(video, piece, chunk.overlap)
                bar.update()
        assert video is not None
        return self.output(request, settings, video, chunks, time.perf_counter() - started)

    def pose_tensors(self, request: GenerationRequest, settings: Settings) -> FrameTensors:
        """The request's pose frames, converted range by range as chunks ask for them."""
        return FrameTensors(request.pose_frames, (settings.width, settings.height), self.device)

    def prepare_chunk(
        self, request: GenerationRequest, settings: Settings, chunk: Chunk, pose: FrameTensors
    ) -> dict[str, Any]:
        """The part of one chunk's conditioning that does not depend on earlier chunks'
        frames; it runs on a background thread while the previous chunk denoises (one at a
        time, in chunk order)."""
        return {}

    def chunk_inputs(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        carried: torch.Tensor | None,
        prepared: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The pipeline's conditioning arguments for one chunk, from `prepared` (None: prepare
        it now). `carried` holds the previous chunk's shared frames (float (frames, 3, h, w)
        in 0..1 on the device) for backends that carry frames, else None."""
        raise NotImplementedError

    def prepared_now(
        self,
        request: GenerationRequest,
        settings: Settings,
        chunk: Chunk,
        prepared: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """`prepared`, or the chunk prepared now when there is none."""
        if prepared is not None:
            return prepared
        return self.prepare_chunk(request, settings, chunk, self.pose_tensors(request, settings))

    def chunk_length(self, frames: int) -> int:
        """The length a chunk of `frames` is padded to for the VAE (k * frames_per_latent + 1)."""
        step = self.frames_per_latent
        if step <= 1:
            return frames
        return ((frames - 1 + step - 1) // step) * step + 1

    def run_pipeline(self, kwargs: dict[str, Any]) -> torch.Tensor:
        """Call the pipeline (with `output_type="pt"`); its frames as a float32 tensor
        (frames, 3, height, width) in 0..1, where the VAE decoded them."""
        try:
            result = self.pipeline(**kwargs)
        except (ValueError, RuntimeError) as error:
            raise GenerationError(f"{self.name} failed: {type(error).__name__}: {error}") from error
        frames: torch.Tensor = result.frames[0].float()
        if frames.ndim != 4 or frames.shape[1] != 3:
            raise GenerationError(f"{self.name} returned frames of shape {tuple(frames.shape)}")
        return frames

    def prompt_inputs(self, request: GenerationRequest, settings: Settings) -> dict[str, Any]:
        """prompt / prompt_embeds and their negatives as the pipeline takes them."""
        if request.prompt is not None:
            self.require_text_cleaner()
            inputs: dict[str, Any] = {"prompt": request.prompt}
            if request.negative_prompt is not None:
                inputs["negative_prompt"] = request.negative_prompt
            return inputs
        import torch

        embeds = torch.as_tensor(request.prompt_embeds).to(self.device)
        inputs = {"prompt_embeds": embeds}
        if settings.guidance_scale <= 1.0:
            return inputs
        if request.negative_prompt_embeds is not None:
            inputs["negative_prompt_embeds"] = torch.as_tensor(request.negative_prompt_embeds).to(
                self.device
            )
        elif getattr(self.pipeline, "text_encoder", None) is None:
            # Without a text encoder the unconditional branch gets empty (zero) embeddings.
            inputs["negative_prompt_embeds"] = torch.zeros_like(embeds)
        else:
            self.require_text_cleaner()
            if request.negative_prompt is not None:
                inputs["negative_prompt"] = request.negative_prompt
        return inputs

    @classmethod
    def require_text_cleaner(cls) -> None:
        """Refuse with an install hint when the pipeline cleans prompt text with a package
        that is missing (Wan pipelines use ftfy but diffusers does not depend on it)."""
        if cls.text_cleaner is None:
            return
        try:
            importlib.import_module(cls.text_cleaner)
        except ImportError:
            raise BackendUnavailableError(
                f"{cls.name} cleans prompt text with {cls.text_cleaner}, which is not "
                f"installed: pip install {cls.text_cleaner} (or {INSTALL_HINT}), or pass "
                "prompt_embeds and negative_prompt_embeds instead of text"
            ) from None

    def torch_generator(self, seed: int) -> torch.Generator:
        import torch

        # A CPU generator gives the same noise on every device; diffusers moves it over.
        return torch.Generator(device="cpu").manual_seed(seed)

    def output(
        self,
        request: GenerationRequest,
        settings: Settings,
        video: torch.Tensor,
        chunks: list[Chunk],
        seconds: float,
    ) -> GenerationOutput:
        frames = to_uint8(video)
        metadata = {
            "backend": self.name,
            "pipeline": self.pipeline_class_name,
            "model": self.model,
            "device": self.device,
            "dtype": str(getattr(self.pipeline, "dtype", "")).removeprefix("torch."),
            "width": settings.width,
            "height": settings.height,
            "frames": int(frames.shape[0]),
            "steps": settings.steps,
            "guidance_scale": settings.guidance_scale,
            "chunks": len(chunks),
            "chunk_frames": settings.chunk_frames,
            "overlap_frames": settings.overlap_frames,
            "chunk_starts": [chunk.start for chunk in chunks],
            "carries_frames": self.carries_frames,
            "options": self.applied,
            "seconds": round(seconds, 3),
        }
        return GenerationOutput(
            frames=frames, fps=request.fps, seed=request.seed, metadata=metadata
        )


# Helpers shared by the backends ---------------------------------------------------------


def to_pil_frames(
    frames: npt.NDArray[Any], size: tuple[int, int], *, length: int | None = None
) -> list[Image.Image]:
    """uint8 (frames, h, w, 3) as RGB images of `size` (width, height); `length` pads by
    repeating the last frame."""
    images = []
    for frame in frames:
        image = Image.fromarray(np.ascontiguousarray(frame), "RGB")
        if image.size != size:
            image = image.resize(size, Image.Resampling.BILINEAR)
        images.append(image)
    if length is not None:
        images.extend(images[-1:] * (length - len(images)))
    return images


def float_to_pil(frames: FloatArray, size: tuple[int, int]) -> list[Image.Image]:
    """float 0..1 frames (frames, h, w, 3) as RGB images of `size`."""
    as_bytes = np.clip(np.rint(frames * 255.0), 0, 255).astype(np.uint8)
    return to_pil_frames(as_bytes, size)


def reference_pil(image: UInt8Array | None) -> Image.Image | None:
    return None if image is None else Image.fromarray(np.ascontiguousarray(image), "RGB")


def fit_camera(motion: Motion, size: tuple[int, int], *, fill: float = FIGURE_FILL) -> Camera:
    """A front camera (the character faces +Z) framing everything `motion` does: its whole
    extent over all frames takes `fill` of the frame height (or width, if wider)."""
    keypoints = coco18_keypoints(motion).reshape(-1, 3)
    low, high = keypoints.min(axis=0), keypoints.max(axis=0)
    centre = (low + high) / 2.0
    width, height = size
    distance = 6.0
    extent_y = max(high[1] - low[1], 0.1)
    extent_x = max(high[0] - low[0], 0.1)
    focal = fill * min(height / extent_y, width / extent_x) * distance
    front = float(high[2]) + distance
    return Camera(
        width,
        height,
        focal,
        (float(centre[0]), float(centre[1]), front),
        (float(centre[0]), float(centre[1]), float(high[2])),
    )


def render_pose_frames(
    motion: Motion, camera: Camera, size: tuple[int, int], fps: float
) -> UInt8Array:
    """OpenPose-18 frames (frames, height, width, 3) of `motion` resampled to `fps`."""
    from motiondirector.generators.openpose import openpose_frames

    resampled = motion.resample(fps)
    return np.stack(list(openpose_frames(resampled, camera, size)))


def dtype_argument(dtype: torch.dtype) -> dict[str, Any]:
    """The dtype keyword of `from_pretrained`: diffusers 0.36+ takes `dtype` and warns that
    `torch_dtype` is deprecated; older versions take only `torch_dtype`."""
    import diffusers.utils

    keyword = "dtype" if hasattr(diffusers.utils, "_resolve_dtype") else "torch_dtype"
    return {keyword: dtype}
