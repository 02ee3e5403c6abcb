"""Speed and memory options of the diffusers backends: refused before weights load, applied
with diffusers' and torch's own APIs after, and reported for the output's metadata.

`check_speed_options` runs before any model loads and refuses what cannot work here, naming
the option: a LoRA file that is missing, unreadable or made for another architecture; a cache,
attention backend, compilation or quantization that the installed diffusers or torch lacks or
whose package is missing (saying what to install); options that exclude each other.
`apply_speed_options` then, on a built pipeline: sets the scheduler's shift, loads the LoRA
adapters (`load_lora_weights`, `set_adapters`), chooses the attention backend
(`set_attention_backend`), enables the cache hooks (`enable_cache`), VAE tiling and slicing,
casts the VAE to `vae_dtype`, places the pipeline (group offload, model CPU offload, or the
device) and compiles the repeated blocks (`compile_repeated_blocks`). It returns what took
effect. Quantization is a load-time argument: `quantization_argument`.

Nothing here draws, schedules or denoises: it only configures diffusers.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motiondirector.errors import BackendUnavailableError, GenerationInputError
from motiondirector.generators.backends.model_folder import denoiser_config
from motiondirector.generators.base import (
    CACHE_DEFAULTS,
    INSTALL_HINT,
    PRESETS,
    BackendOptions,
    LoraWeights,
    optional_module,
)

if TYPE_CHECKING:
    from motiondirector.generators.backends.common import DiffusersBackend

LoraFamily = str

LORA_FAMILIES: tuple[tuple[LoraFamily, re.Pattern[str]], ...] = (
    # SD UNets hold transformer_blocks inside down/up/mid blocks: test them first.
    ("sd-unet", re.compile(r"(^|[._])(down_blocks|up_blocks|mid_block)[._]|^lora_te\d?_")),
    ("cogvideox", re.compile(r"(^|\.)transformer_blocks\.\d+\.(attn1|ff|norm1|norm2)")),
    (
        "wan",
        re.compile(
            r"(^|\.)(vace_)?blocks\.\d+\.(attn1|attn2|self_attn|cross_attn|ffn)"
            r"|^lora_unet_blocks_\d+_"
        ),
    ),
)
"""Which model family a LoRA's weight names belong to (diffusers and original layouts)."""

FAMILY_NAMES = {"sd-unet": "Stable Diffusion 1.5 UNets", "cogvideox": "CogVideoX", "wan": "Wan"}

_CACHE_CONFIGS = {"first-block": "FirstBlockCacheConfig", "taylorseer": "TaylorSeerCacheConfig"}

_QUANTIZERS: dict[str, tuple[str, str, bool]] = {
    "nf4": ("bitsandbytes", "bitsandbytes", True),
    "int8": ("torchao", "torchao", False),
    "fp8": ("torchao", "torchao", True),
}
"""quantize -> (module, pip package, needs CUDA)."""


# Checks, before any weights load ----------------------------------------------------------


def check_speed_options(
    backend: type[DiffusersBackend],
    options: BackendOptions,
    device: str,
    denoiser: Mapping[str, Any] | None = None,
) -> None:
    """Refuse, naming the option, any speed or memory option that cannot work for `backend`
    on `device` with what is installed (see the module docstring). `denoiser` is the
    denoiser's config (None: read from `options.model` when it is a local folder), against
    which LoRA layer widths and block numbers are checked."""
    diffusers = optional_module("diffusers")
    version = getattr(diffusers, "__version__", "?")
    if options.shift is not None and not backend.flow_matching:
        raise GenerationInputError(
            "shift",
            f"{backend.name} uses a scheduler without a flow-matching shift; leave it out",
        )
    if (options.lora or options.cache != "none") and denoiser is None:
        denoiser = denoiser_config(backend, options.model)
    for item in options.lora:
        check_lora_file(backend, item, denoiser)
    _check_cache(backend, options, diffusers, version, denoiser)
    if options.compile:
        _check_compile(options)
    if options.attention is not None:
        _check_attention(backend, options.attention, version)
    vae_class = getattr(diffusers, backend.vae_class_name)
    for flag, method in (("vae_tiling", "enable_tiling"), ("vae_slicing", "enable_slicing")):
        if getattr(options, flag) and not hasattr(vae_class, method):
            raise BackendUnavailableError(
                f"{flag}: {backend.vae_class_name} has no {method}() in diffusers {version}; "
                "pip install -U diffusers"
            )
    if options.vae_dtype is not None and not backend.vae_dtype_choice:
        raise GenerationInputError(
            "vae_dtype",
            f"{backend.pipeline_class_name} feeds its VAE in the weights' dtype, so "
            f"{backend.name}'s VAE runs in that dtype; choose it with dtype instead",
        )
    if options.group_offload and options.cpu_offload:
        raise GenerationInputError(
            "group_offload", "choose group offload or model CPU offload, not both"
        )
    if options.group_offload and not hasattr(
        getattr(diffusers, backend.pipeline_class_name), "enable_group_offload"
    ):
        raise BackendUnavailableError(
            f"group_offload: diffusers {version} has no group offloading for "
            f"{backend.pipeline_class_name}; pip install -U 'diffusers>=0.35'"
        )
    if options.quantize != "none":
        _check_quantize(options, device, version)


def _check_cache(
    backend: type[DiffusersBackend],
    options: BackendOptions,
    diffusers: Any,
    version: str,
    denoiser_config: Mapping[str, Any] | None,
) -> None:
    if options.cache_threshold is not None and options.cache != "first-block":
        raise GenerationInputError("cache_threshold", "applies to the first-block cache only")
    if options.cache_interval is not None and options.cache != "taylorseer":
        raise GenerationInputError("cache_interval", "applies to the TaylorSeer cache only")
    if options.cache == "none":
        return
    config_name = _CACHE_CONFIGS[options.cache]
    if not hasattr(diffusers, config_name):
        raise BackendUnavailableError(
            f"cache {options.cache!r}: diffusers {version} has no {config_name}; "
            "pip install -U 'diffusers>=0.36'"
        )
    denoiser = getattr(diffusers, backend.denoiser_class_name)
    if not issubclass(denoiser, diffusers.CacheMixin) or options.cache not in backend.cache_kinds:
        works = ", ".join(backend.cache_kinds) or "none"
        raise GenerationInputError(
            "cache",
            f"{options.cache!r} does not run on {backend.name}'s {backend.denoiser_class_name} "
            f"in diffusers {version}; caches that do: {works}",
        )
    layers = (denoiser_config or {}).get("num_layers")
    # The first block's output decides whether the others run: with one block there are none.
    if options.cache == "first-block" and isinstance(layers, int) and layers < 2:
        raise GenerationInputError(
            "cache",
            f"the first-block cache needs a denoiser of at least 2 blocks (the first one "
            f"decides whether the rest run); this {backend.name} model has {layers}",
        )


def _check_compile(options: BackendOptions) -> None:
    import torch

    if not hasattr(torch, "compile"):
        raise BackendUnavailableError(
            f"compile: torch {torch.__version__} has no torch.compile; pip install -U torch"
        )
    backends = set(torch._dynamo.list_backends()) | {"inductor", "eager"}
    if options.compile_backend not in backends:
        raise GenerationInputError(
            "compile_backend",
            f"unknown torch.compile backend {options.compile_backend!r}; one of "
            f"{', '.join(sorted(backends))}",
        )


def _check_attention(backend: type[DiffusersBackend], name: str, version: str) -> None:
    try:
        dispatch = importlib.import_module("diffusers.models.attention_dispatch")
    except ImportError:
        raise BackendUnavailableError(
            f"attention: diffusers {version} has no attention backends; "
            "pip install -U 'diffusers>=0.35'"
        ) from None
    names = [member.value for member in dispatch.AttentionBackendName]
    if name not in names:
        raise GenerationInputError(
            "attention", f"unknown attention backend {name!r}; one of {', '.join(names)}"
        )
    if not backend.attention_dispatch:
        raise GenerationInputError(
            "attention",
            f"{backend.name}'s {backend.denoiser_class_name} does not route attention through "
            f"diffusers' attention backends in diffusers {version}; leave the option out",
        )
    check = getattr(dispatch, "_check_attention_backend_requirements", None)
    if check is not None:
        try:
            check(dispatch.AttentionBackendName(name))
        except (RuntimeError, ImportError) as error:
            raise BackendUnavailableError(f"attention {name!r}: {error}") from None


def _check_quantize(options: BackendOptions, device: str, version: str) -> None:
    diffusers = optional_module("diffusers")
    if not hasattr(diffusers, "PipelineQuantizationConfig"):
        raise BackendUnavailableError(
            f"quantize: diffusers {version} has no PipelineQuantizationConfig; "
            "pip install -U 'diffusers>=0.34'"
        )
    module, package, needs_cuda = _QUANTIZERS[options.quantize]
    if importlib.util.find_spec(module) is None:
        raise BackendUnavailableError(
            f"quantize {options.quantize!r} needs {package}, which is not installed: "
            f"pip install {package}"
        )
    if needs_cuda and device != "cuda":
        raise GenerationInputError(
            "quantize", f"{options.quantize!r} weights run on a CUDA GPU only, not the {device}"
        )


def lora_file(item: LoraWeights) -> Path:
    """The `.safetensors` file of a LoRA given as a file or a folder holding one."""
    path = item.path.expanduser()
    if path.is_dir():
        files = sorted(path.glob("*.safetensors"))
        preferred = [f for f in files if f.name == "pytorch_lora_weights.safetensors"]
        if len(preferred) == 1 or len(files) == 1:
            return (preferred or files)[0]
        raise GenerationInputError(
            "lora",
            f"{path} holds {len(files)} .safetensors files; give the file itself",
        )
    if not path.is_file():
        raise GenerationInputError("lora", f"no LoRA file at {path}")
    if path.suffix != ".safetensors":
        raise GenerationInputError(
            "lora", f"{path} is not a .safetensors file (pickled weights are not loaded)"
        )
    return path


def lora_family(keys: list[str]) -> LoraFamily | None:
    """The model family most of a LoRA's weight names belong to (None: none known)."""
    votes: Counter[str] = Counter()
    for key in keys:
        for family, pattern in LORA_FAMILIES:
            if pattern.search(key):
                votes[family] += 1
                break
    return votes.most_common(1)[0][0] if votes else None


def check_lora_file(
    backend: type[DiffusersBackend],
    item: LoraWeights,
    denoiser: Mapping[str, Any] | None = None,
) -> Path:
    """The LoRA file of `item` after checking that it exists, reads, holds whole adapters
    (every down weight with its up weight) and was made for `backend`'s architecture and,
    given the `denoiser` config, for its size; refuses otherwise, naming the option."""
    diffusers = optional_module("diffusers")
    if not hasattr(getattr(diffusers, backend.pipeline_class_name), "load_lora_weights"):
        raise GenerationInputError("lora", f"{backend.pipeline_class_name} takes no LoRA")
    if importlib.util.find_spec("peft") is None:
        raise BackendUnavailableError(
            f"lora: LoRA adapters need peft, which is not installed: pip install peft "
            f"(or {INSTALL_HINT})"
        )
    path = lora_file(item)
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as weights:
            keys = list(weights.keys())
            shapes = {key: tuple(weights.get_slice(key).get_shape()) for key in keys}
    except (OSError, SafetensorError) as error:
        raise GenerationInputError("lora", f"cannot read {path}: {error}") from None
    family = lora_family(keys)
    if family is None:
        raise GenerationInputError(
            "lora", f"{path} holds no LoRA weights of a known layout ({len(keys)} tensors)"
        )
    if family != backend.lora_family:
        raise GenerationInputError(
            "lora",
            f"{path} is a LoRA for {FAMILY_NAMES[family]} (weights like {keys[0]!r}), not "
            f"for {backend.name}'s {FAMILY_NAMES[backend.lora_family]} model",
        )
    _check_lora_pairs(path, keys)
    if denoiser is not None and family in ("wan", "cogvideox"):
        _check_lora_size(path, shapes, denoiser, backend)
    return path


_DOWN_UP = (("lora_A", "lora_B"), ("lora_down", "lora_up"))

_BLOCK = re.compile(r"(?:^|[._])(vace_blocks|blocks|transformer_blocks)[._](\d+)[._]")
"""A transformer block's number in a LoRA weight name (diffusers or original layout)."""

_SELF_ATTENTION_IN = re.compile(
    r"[._](attn1[._]to_[qkv]|self_attn[._][qkv])[._](lora_A|lora_down)[._]weight$"
)
"""Down weights of self-attention projections: their input width is the model's width."""


def _check_lora_pairs(path: Path, keys: list[str]) -> None:
    """Refuse a LoRA with a down weight and no up weight (or the reverse): diffusers would
    fail deep inside peft on it."""
    names = set(keys)
    for key in keys:
        for down, up in _DOWN_UP:
            for have, want in ((down, up), (up, down)):
                if f".{have}." in key and key.replace(f".{have}.", f".{want}.") not in names:
                    raise GenerationInputError(
                        "lora",
                        f"{path} is incomplete: {key!r} has no "
                        f"{key.replace(f'.{have}.', f'.{want}.')!r}",
                    )


def _check_lora_size(
    path: Path,
    shapes: dict[str, tuple[int, ...]],
    denoiser: Mapping[str, Any],
    backend: type[DiffusersBackend],
) -> None:
    """Refuse a LoRA made for another size of the same family (a Wan 14B LoRA on the 1.3B
    model: 5120 against 1536 wide, 40 against 30 blocks) before the weights load."""
    heads, head_dim = denoiser.get("num_attention_heads"), denoiser.get("attention_head_dim")
    layers = denoiser.get("num_layers")
    width = heads * head_dim if isinstance(heads, int) and isinstance(head_dim, int) else None
    for key, shape in shapes.items():
        if width is not None and _SELF_ATTENTION_IN.search(key) and shape[-1] != width:
            raise GenerationInputError(
                "lora",
                f"{path} was made for a {FAMILY_NAMES[backend.lora_family]} model "
                f"{shape[-1]} wide ({key!r}), not for this {backend.name} model, "
                f"{width} wide",
            )
        match = _BLOCK.search(key)
        limit = layers
        if match and match.group(1) == "vace_blocks":
            vace = denoiser.get("vace_layers")
            limit = len(vace) if isinstance(vace, list) else None
        if match and isinstance(limit, int) and int(match.group(2)) >= limit:
            raise GenerationInputError(
                "lora",
                f"{path} adapts {match.group(1)}.{match.group(2)} ({key!r}), but this "
                f"{backend.name} model has {limit} {match.group(1)} (0 to {limit - 1})",
            )


def quantization_argument(
    backend: type[DiffusersBackend], options: BackendOptions, dtype: Any
) -> dict[str, Any]:
    """The `quantization_config` keyword of `from_pretrained` for `options.quantize` (the
    denoiser only; empty when not quantizing)."""
    if options.quantize == "none":
        return {}
    diffusers = optional_module("diffusers")
    component = backend.denoiser_attr
    if options.quantize == "nf4":
        config = diffusers.PipelineQuantizationConfig(
            quant_backend="bitsandbytes_4bit",
            quant_kwargs={
                "load_in_4bit": True,
                "bnb_4bit_quant_type": "nf4",
                "bnb_4bit_compute_dtype": dtype,
            },
            components_to_quantize=[component],
        )
    else:
        quantization = optional_module("torchao.quantization")
        weights = (
            quantization.Int8WeightOnlyConfig()
            if options.quantize == "int8"
            else quantization.Float8WeightOnlyConfig()
        )
        config = diffusers.PipelineQuantizationConfig(
            quant_mapping={component: diffusers.TorchAoConfig(weights)}
        )
    return {"quantization_config": config}


# Application, after the weights are built --------------------------------------------------


def apply_speed_options(
    pipeline: Any, backend: type[DiffusersBackend], options: BackendOptions, device: str
) -> dict[str, Any]:
    """Apply `options` to `pipeline` and place it on `device` (see the module docstring);
    returns what took effect, as JSON values."""
    applied: dict[str, Any] = {"preset": options.preset}
    denoiser = getattr(pipeline, backend.denoiser_attr)
    shift = options.shift if options.shift is not None else PRESETS[options.preset].shift
    if shift is not None and backend.flow_matching:
        scheduler = pipeline.scheduler
        # Flow-matching Euler calls it `shift`; UniPC (the released Wan scheduler) `flow_shift`.
        key = "flow_shift" if "flow_shift" in scheduler.config else "shift"
        pipeline.scheduler = type(scheduler).from_config(scheduler.config, **{key: shift})
        applied["shift"] = shift
    if options.lora:
        applied["lora"] = _load_loras(pipeline, backend, options.lora)
    if options.attention is not None:
        _set_attention(denoiser, backend, options.attention)
        applied["attention"] = options.attention
    if options.cache != "none":
        applied["cache"] = _enable_cache(denoiser, options)
    if options.vae_tiling:
        pipeline.vae.enable_tiling()
        applied["vae_tiling"] = True
    if options.vae_slicing:
        pipeline.vae.enable_slicing()
        applied["vae_slicing"] = True
    if options.vae_dtype is not None:
        import torch

        # Before placement: group offload keeps each weight's dtype as it finds it.
        pipeline.vae.to(dtype=getattr(torch, options.vae_dtype))
        applied["vae_dtype"] = options.vae_dtype
    applied.update(_place(pipeline, options, device))
    if options.compile:
        applied["compile"] = _compile(denoiser, options.compile_backend)
    if options.quantize != "none":
        applied["quantize"] = options.quantize
    return applied


def _load_loras(
    pipeline: Any, backend: type[DiffusersBackend], loras: tuple[LoraWeights, ...]
) -> list[dict[str, Any]]:
    names, scales, record = [], [], []
    denoiser = dict(getattr(pipeline, backend.denoiser_attr).config)
    for index, item in enumerate(loras):
        path = check_lora_file(backend, item, denoiser)
        name = f"lora{index}_" + re.sub(r"\W", "_", path.stem)
        try:
            pipeline.load_lora_weights(str(path.parent), weight_name=path.name, adapter_name=name)
        except (ValueError, RuntimeError, KeyError, IndexError, OSError) as error:
            # diffusers' messages run over lines (one per tensor): the first says what.
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise GenerationInputError(
                "lora", f"{path} does not fit the {backend.name} model: {first}"
            ) from None
        loaded = pipeline.get_list_adapters().get(backend.denoiser_attr, [])
        if name not in loaded:
            raise GenerationInputError(
                "lora", f"{path} matched no layer of the {backend.name} model's denoiser"
            )
        names.append(name)
        scales.append(item.scale)
        record.append({"path": str(path), "scale": item.scale, "adapter": name})
    pipeline.set_adapters(names, adapter_weights=scales)
    return record


def _set_attention(denoiser: Any, backend: type[DiffusersBackend], name: str) -> None:
    denoiser.set_attention_backend(name)
    processors = [m.processor for m in denoiser.modules() if hasattr(m, "processor")]
    if not any(getattr(p, "_attention_backend", None) is not None for p in processors):
        raise GenerationInputError(
            "attention", f"no attention layer of {backend.name}'s denoiser took {name!r}"
        )


def _enable_cache(denoiser: Any, options: BackendOptions) -> dict[str, Any]:
    diffusers = optional_module("diffusers")
    if options.cache == "first-block":
        threshold = options.cache_threshold or CACHE_DEFAULTS["first-block"]
        denoiser.enable_cache(diffusers.FirstBlockCacheConfig(threshold=threshold))
        return {"kind": "first-block", "threshold": threshold}
    interval = options.cache_interval or int(CACHE_DEFAULTS["taylorseer"])
    # Lite mode caches the blocks' projections; the default patterns miss Wan and CogVideoX.
    config = diffusers.TaylorSeerCacheConfig(
        cache_interval=interval, use_lite_mode=True, taylor_factors_dtype=denoiser.dtype
    )
    denoiser.enable_cache(config)
    return {"kind": "taylorseer", "interval": interval}


def _place(pipeline: Any, options: BackendOptions, device: str) -> dict[str, Any]:
    import torch

    if options.group_offload:
        pipeline.enable_group_offload(
            onload_device=torch.device(device),
            offload_device=torch.device("cpu"),
            offload_type="block_level",
            num_blocks_per_group=1,
            use_stream=device == "cuda",
        )
        return {"group_offload": True}
    if options.cpu_offload and device == "cuda":
        pipeline.enable_model_cpu_offload()
        return {"cpu_offload": True}
    pipeline.to(device)
    return {"cpu_offload": "no effect on the cpu"} if options.cpu_offload else {}


def _compile(denoiser: Any, backend: str) -> str:
    blocks = getattr(denoiser, "_repeated_blocks", None)
    if blocks:
        denoiser.compile_repeated_blocks(backend=backend)
        return f"repeated blocks ({', '.join(blocks)}), {backend}"
    denoiser.compile(backend=backend)
    return f"whole {type(denoiser).__name__}, {backend}"
