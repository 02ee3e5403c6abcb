"""The contract of video generator backends, in the shape of a diffusers pipeline.

A backend takes a `GenerationRequest` (OpenPose-18 pose frames, optional face frames and
reference image, a prompt or its embeddings, size, steps, seed and chunking) and returns a
`GenerationOutput` (uint8 frames, fps, seed, metadata). `check_inputs` refuses a bad request
before any work, naming the argument. `BackendOptions` say which weights to load, where, and
how to run them faster or in less memory (presets of steps and guidance, LoRA adapters,
diffusion caching, compilation, the attention backend, VAE tiling, offloading, quantization);
`backends/speed.py` checks those before any weights load and applies them after.

This module imports neither torch nor diffusers at import time: `require_diffusers`,
`resolve_device` and `torch_dtype` import them when a backend is built, so
`import motiondirector.generators` stays light.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from motiondirector.errors import BackendUnavailableError, GenerationInputError
from motiondirector.generators.speed_options import (
    CacheName,
    PresetName,
    QuantizeName,
    VaeDtypeName,
)

if TYPE_CHECKING:
    import torch

    from motiondirector.generators.openpose import Camera
    from motiondirector.motion.clip import Motion

DeviceName = Literal["auto", "cpu", "cuda"]
DtypeName = Literal["auto", "bf16", "fp16", "fp32"]
UInt8Array = npt.NDArray[np.uint8]

INSTALL_HINT = "pip install 'motiondirector[video]'"
DEFAULT_STEPS = 30
"""Denoising steps when neither the request nor the preset says."""


@dataclass(frozen=True)
class SpeedPreset:
    """Steps, guidance and flow-matching shift that go with a kind of weights (None: the
    request's or the backend's own)."""

    steps: int | None
    guidance_scale: float | None
    shift: float | None
    description: str


PRESETS: dict[PresetName, SpeedPreset] = {
    "standard": SpeedPreset(
        None, None, None, f"{DEFAULT_STEPS} steps and the backend's classifier-free guidance"
    ),
    "cfg-distilled": SpeedPreset(
        None,
        1.0,
        None,
        "guidance 1: no unconditional pass, for CFG-distilled weights (half the transformer "
        "work per step)",
    ),
    "distilled-4": SpeedPreset(
        4,
        1.0,
        5.0,
        "4 steps, guidance 1, shift 5: step- and CFG-distilled weights or LoRAs (the 4-step "
        "Wan 2.1 distillations)",
    ),
    "distilled-8": SpeedPreset(
        8, 1.0, 5.0, "8 steps, guidance 1, shift 5: 8-step distilled weights or LoRAs"
    ),
}
"""Named settings of steps, guidance and shift; an explicit value always wins over these."""

CACHE_DEFAULTS: dict[str, float] = {"first-block": 0.05, "taylorseer": 2.0}
"""The first-block cache's threshold and TaylorSeer's interval when none is given."""


class LoraWeights(BaseModel):
    """One LoRA adapter: a `.safetensors` file (or a folder holding one) and its scale."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: Path
    scale: float = Field(default=1.0, description="Adapter weight; 1.0 as trained.")

    @classmethod
    def parse(cls, text: str) -> LoraWeights:
        """`PATH` or `PATH:SCALE` (the command line's form)."""
        path, sep, scale = text.rpartition(":")
        if sep and path:
            try:
                return cls(path=Path(path), scale=float(scale))
            except ValueError:
                # A ':' inside the path, not a scale; unless the part before it is the file.
                if Path(path).expanduser().exists() and not Path(text).expanduser().exists():
                    raise GenerationInputError(
                        "lora", f"the scale after {path}: must be a number, got {scale!r}"
                    ) from None
        return cls(path=Path(text))

    @field_validator("path")
    @classmethod
    def _absolute(cls, path: Path) -> Path:
        # Recorded in metadata and sent to Ray workers, whose working folder is not ours.
        found = path.expanduser()
        return found.resolve() if found.exists() else path

    def describe(self) -> str:
        return f"{self.path.name}:{self.scale:g}"


class BackendOptions(BaseModel):
    """Which weights a backend loads, where it runs, and how it runs faster or in less
    memory. Every speed option is checked before weights load (`backends/speed.py`) and
    recorded in the output's metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = Field(
        default=None,
        description="A local folder in diffusers layout or a Hugging Face hub id; None: the "
        "backend's default hub id.",
    )

    @field_validator("model")
    @classmethod
    def _absolute_folder(cls, model: str | None) -> str | None:
        # A folder is recorded (and sent to Ray workers) by its full path: the run's working
        # folder means nothing to a later reader or to another process. Hub ids stay as given.
        if model is None or not Path(model).expanduser().is_dir():
            return model
        return str(Path(model).expanduser().resolve())

    device: DeviceName = Field(
        default="auto",
        description="'cuda', 'cpu', or 'auto' (cuda when a GPU is visible). Real weights refuse "
        "to run on a CPU unless 'cpu' is asked for explicitly.",
    )
    dtype: DtypeName = Field(
        default="auto", description="Weights dtype; 'auto' is bf16 on cuda and fp32 on cpu."
    )
    components: dict[str, str] = Field(
        default_factory=dict,
        description="Extra components loaded separately, name -> folder or hub id (AnimateDiff: "
        "'motion_adapter', 'controlnet').",
    )
    cpu_offload: bool = Field(
        default=False,
        description="Keep weights in CPU memory and move each model to the GPU only while it "
        "runs (slower, much less GPU memory).",
    )
    preset: PresetName = Field(
        default="standard",
        description="Steps, guidance and shift for the kind of weights (see PRESETS); a "
        "request's own steps or guidance win.",
    )
    shift: float | None = Field(
        default=None,
        gt=0,
        description="Flow-matching timestep shift of the scheduler (Wan backends); None: the "
        "preset's, else the model's.",
    )
    lora: tuple[LoraWeights, ...] = Field(
        default=(), description="LoRA adapters loaded into the denoiser, in order."
    )
    cache: CacheName = Field(
        default="none",
        description="Diffusion caching through diffusers' cache hooks: 'first-block' skips the "
        "other blocks while the first block's residual changes less than `cache_threshold`; "
        "'taylorseer' predicts block outputs between full passes every `cache_interval` steps.",
    )
    cache_threshold: float | None = Field(
        default=None, gt=0, description="First-block cache threshold (default 0.05)."
    )
    cache_interval: int | None = Field(
        default=None, ge=1, description="TaylorSeer steps between full passes (default 2)."
    )
    compile: bool = Field(
        default=False,
        description="torch.compile the denoiser's repeated blocks (the whole denoiser where "
        "diffusers declares none); the first call compiles.",
    )
    compile_backend: str = Field(
        default="inductor", description="torch.compile backend ('inductor'; 'eager' to test)."
    )
    attention: str | None = Field(
        default=None,
        description="diffusers attention backend of the denoiser ('native', 'flash', 'sage', "
        "...), where its package is installed; None: diffusers' default.",
    )
    vae_tiling: bool = Field(default=False, description="Decode the VAE tile by tile.")
    vae_slicing: bool = Field(default=False, description="Decode the VAE one slice at a time.")
    vae_dtype: VaeDtypeName | None = Field(
        default=None,
        description="dtype the VAE encodes and decodes in ('float32', 'bfloat16'); None: as "
        "the backend loads it (float32 for Wan's VAE, else the weights' dtype).",
    )
    group_offload: bool = Field(
        default=False,
        description="Keep weights in CPU memory and move them to the GPU block by block as they "
        "run (diffusers group offloading; less memory than cpu_offload).",
    )
    quantize: QuantizeName = Field(
        default="none",
        description="Weight quantization of the denoiser at load time through diffusers' "
        "quantization configs: 'nf4' (bitsandbytes, CUDA), 'int8' (torchao weight-only), "
        "'fp8' (torchao float8 weight-only, recent GPUs).",
    )

    def describe_speed(self) -> str:
        """The speed and memory options in a few words ('' when none is set)."""
        words = []
        if self.preset != "standard":
            words.append(f"preset {self.preset}")
        if self.shift is not None:
            words.append(f"shift {self.shift:g}")
        words.extend(f"LoRA {item.describe()}" for item in self.lora)
        if self.cache == "first-block":
            threshold = self.cache_threshold or CACHE_DEFAULTS["first-block"]
            words.append(f"first-block cache {threshold:g}")
        elif self.cache == "taylorseer":
            interval = self.cache_interval or int(CACHE_DEFAULTS["taylorseer"])
            words.append(f"TaylorSeer cache every {interval}")
        if self.compile:
            words.append(f"compiled ({self.compile_backend})")
        if self.attention is not None:
            words.append(f"attention {self.attention}")
        if self.vae_dtype is not None:
            words.append(f"VAE in {self.vae_dtype}")
        for flag, word in (
            (self.vae_tiling, "VAE tiling"),
            (self.vae_slicing, "VAE slicing"),
            (self.group_offload, "group offload"),
            (self.cpu_offload, "model CPU offload"),
        ):
            if flag:
                words.append(word)
        if self.quantize != "none":
            words.append(f"{self.quantize} weights")
        return ", ".join(words)


class GenerationRequest(BaseModel):
    """One video to generate. Arrays are checked by the backend's `check_inputs`, which names
    the field at fault; None fields take the backend's defaults."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, extra="forbid")

    pose_frames: np.ndarray = Field(
        description="OpenPose-18 conditioning, uint8 (frames, height, width, 3), RGB."
    )
    face_frames: np.ndarray | None = Field(
        default=None,
        description="Face conditioning, uint8 (frames, h, w, 3), as many frames as the pose.",
    )
    reference_image: np.ndarray | None = Field(
        default=None, description="The character's look, uint8 (height, width, 3) RGB."
    )
    prompt: str | None = None
    prompt_embeds: Any = Field(
        default=None,
        description="Text-encoder output (batch, tokens, dim) as a numpy array or torch tensor, "
        "instead of `prompt`.",
    )
    negative_prompt: str | None = None
    negative_prompt_embeds: Any = None
    num_frames: int | None = Field(
        default=None, description="Frames to generate; None: as many as `pose_frames`."
    )
    height: int | None = Field(default=None, description="None: the pose frames' height.")
    width: int | None = Field(default=None, description="None: the pose frames' width.")
    fps: float = Field(default=30.0, description="Frame rate of the pose frames and the output.")
    num_inference_steps: int | None = Field(
        default=None, description="Denoising steps; None: the preset's, else 30."
    )
    guidance_scale: float | None = Field(
        default=None, description="Classifier-free guidance; None: the backend's default."
    )
    seed: int = 0
    chunk_frames: int | None = Field(
        default=None, description="Frames per generated chunk; None: the backend's default."
    )
    overlap_frames: int | None = Field(
        default=None,
        description="Frames shared by consecutive chunks: carried into the next chunk as "
        "conditioning, or crossfaded where the model cannot take them.",
    )

    @property
    def frame_count(self) -> int:
        """Frames to generate: `num_frames`, else the number of pose frames."""
        return self.num_frames if self.num_frames is not None else int(self.pose_frames.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the output: the request's, else the pose frames'."""
        height = self.height if self.height is not None else int(self.pose_frames.shape[1])
        width = self.width if self.width is not None else int(self.pose_frames.shape[2])
        return width, height


@dataclass(frozen=True)
class GenerationOutput:
    """A generated video: `frames` uint8 (frames, height, width, 3) RGB at `fps`, made with
    `seed`; `metadata` records backend, model, steps, guidance, chunks and the like."""

    frames: UInt8Array
    fps: float
    seed: int
    metadata: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Generator(Protocol):
    """A video generator: renders its own conditioning, checks a request, then generates."""

    name: str
    native_fps: int
    default_size: tuple[int, int]

    def render_pose(
        self,
        motion: Motion,
        camera: Camera,
        *,
        size: tuple[int, int] | None = None,
        fps: float | None = None,
    ) -> UInt8Array:
        """OpenPose-18 frames of `motion` as this backend's model expects them."""
        ...

    def check_inputs(self, request: GenerationRequest) -> None:
        """Raise `GenerationInputError` naming the first bad argument of `request`."""
        ...

    def __call__(self, request: GenerationRequest) -> GenerationOutput:
        """Generate the video of `request`."""
        ...


def check_video_array(name: str, value: object, *, frames: int | None = None) -> None:
    """Refuse anything but a uint8 (frames, height, width, 3) array with at least one frame."""
    if not isinstance(value, np.ndarray):
        raise GenerationInputError(name, f"must be a numpy array, got {type(value).__name__}")
    if value.dtype != np.uint8 or value.ndim != 4 or value.shape[-1] != 3 or value.shape[0] < 1:
        raise GenerationInputError(
            name,
            "must be a uint8 array of shape (frames, height, width, 3), "
            f"got {value.dtype} {tuple(value.shape)}",
        )
    if frames is not None and value.shape[0] != frames:
        raise GenerationInputError(
            name, f"has {value.shape[0]} frames but the pose has {frames}; give one per pose frame"
        )


def check_request(request: GenerationRequest) -> None:
    """The checks every backend shares: array shapes, a prompt or embeddings, positive sizes
    and steps, and an overlap shorter than a chunk (backend defaults are checked by backends)."""
    check_video_array("pose_frames", request.pose_frames)
    poses = int(request.pose_frames.shape[0])
    if request.face_frames is not None:
        check_video_array("face_frames", request.face_frames, frames=poses)
    image = request.reference_image
    if image is not None and (
        not isinstance(image, np.ndarray)
        or image.dtype != np.uint8
        or image.ndim != 3
        or image.shape[-1] != 3
    ):
        described = (
            f"{image.dtype} {tuple(image.shape)}"
            if isinstance(image, np.ndarray)
            else type(image).__name__
        )
        raise GenerationInputError(
            "reference_image", f"must be a uint8 array (height, width, 3), got {described}"
        )
    if request.prompt is not None and request.prompt_embeds is not None:
        raise GenerationInputError("prompt", "give a prompt or prompt_embeds, not both")
    if request.prompt is None and request.prompt_embeds is None:
        raise GenerationInputError("prompt", "give a prompt or prompt_embeds")
    for name in ("prompt_embeds", "negative_prompt_embeds"):
        embeds = getattr(request, name)
        if embeds is not None and len(getattr(embeds, "shape", ())) != 3:
            raise GenerationInputError(
                name, "must be an array or tensor of shape (batch, tokens, dim)"
            )
    if request.num_frames is not None and request.num_frames != poses:
        raise GenerationInputError(
            "num_frames", f"is {request.num_frames} but there are {poses} pose frames"
        )
    for name in ("height", "width", "num_inference_steps", "chunk_frames"):
        value = getattr(request, name)
        if value is not None and value < 1:
            raise GenerationInputError(name, f"must be a positive whole number, got {value}")
    if request.fps <= 0:
        raise GenerationInputError("fps", f"must be positive, got {request.fps}")
    if request.overlap_frames is not None and request.overlap_frames < 0:
        raise GenerationInputError(
            "overlap_frames", f"must be 0 or more, got {request.overlap_frames}"
        )
    if request.guidance_scale is not None and request.guidance_scale < 0:
        raise GenerationInputError(
            "guidance_scale", f"must be 0 or more, got {request.guidance_scale}"
        )
    if request.seed < 0:
        raise GenerationInputError("seed", f"must be 0 or more, got {request.seed}")


def optional_module(name: str) -> Any:
    """Import an optional heavy dependency (diffusers, transformers, tokenizers) by name. Its
    classes are used untyped: diffusers is not annotated throughout."""
    return importlib.import_module(name)


def require_diffusers(backend: str) -> None:
    """Refuse with an install hint when diffusers or transformers cannot be imported."""
    try:
        import diffusers  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as error:
        raise BackendUnavailableError(
            f"the {backend} backend needs diffusers and transformers ({error}); "
            f"install them with: {INSTALL_HINT}"
        ) from None


def quiet_library_logs(*, loading_bars: bool = False) -> None:
    """Keep diffusers' and transformers' own warnings (an optional package missing, a prompt cut
    to the text encoder's length, notes on dtypes) off a command's terminal, where they read as
    problems with the user's run; errors still show. Their bars over the loading of weights
    show only with `loading_bars` (on a terminal: loading large weights takes minutes; in a
    log they are lines of carriage returns). For the command line and the Ray workers it
    starts, not for a library caller, whose logging is its own."""
    import diffusers
    import transformers

    diffusers.utils.logging.set_verbosity_error()
    transformers.utils.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    for logging in (diffusers.utils.logging, transformers.utils.logging):
        if loading_bars:
            logging.enable_progress_bar()
        else:
            logging.disable_progress_bar()


def cuda_status() -> str:
    """What this machine offers for CUDA, in words (for error messages and benchmarks)."""
    import torch

    if torch.version.cuda is None:
        return f"torch {torch.__version__} is a CPU-only build"
    if not torch.cuda.is_available():
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        where = f" (CUDA_VISIBLE_DEVICES={visible!r})" if visible is not None else ""
        return f"torch {torch.__version__} sees no CUDA GPU{where}"
    names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
    return f"{torch.cuda.device_count()} CUDA GPU(s): {names}"


CPU_FLAGS = "--device cpu; --generator-device cpu with direct"
"""The command-line flags that choose the CPU, for messages shared by `generate` and `direct`."""


def resolve_device(asked: DeviceName, *, model: str | None = None) -> str:
    """The torch device to run on. With real weights (`model` given), 'cuda' and 'auto' need
    a GPU: a video model of billions of parameters on a CPU would take hours, so only an
    explicit 'cpu' runs there."""
    import torch

    if asked == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if asked == "cuda" or model is not None:
        what = f"the weights {model!r}" if model is not None else "this backend"
        raise BackendUnavailableError(
            f"device {asked!r} was asked for to run {what}, but no GPU was found: "
            f"{cuda_status()}. Run on a machine with a CUDA GPU (and a CUDA build of torch), "
            f"or pass device 'cpu' ({CPU_FLAGS}) to force the CPU, which takes hours for real "
            "weights."
        )
    return "cpu"


def torch_dtype(asked: DtypeName, device: str) -> torch.dtype:
    """The torch dtype for `asked` on `device` ('auto': bf16 on cuda, fp32 elsewhere)."""
    import torch

    if asked == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[asked]
