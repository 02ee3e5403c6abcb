"""The video generator options of `generate` and `direct --generator`: the backends' speed and
memory flags (BackendOptions), Ray, and the segment generator `direct --generator` makes of
them. Everything that can be refused is refused before a model loads; the backends themselves
are imported only when a generator is asked for (most of a second)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from motiondirector.cli.arg_types import parse_size, positive_int
from motiondirector.errors import MotionDirectorError
from motiondirector.plan.options import BACKEND_NAMES


def backend_options(options_class: Any, **fields: Any) -> Any:
    """`options_class(**fields)`, a refused value as one error naming its option."""
    import pydantic

    from motiondirector.errors import GenerationInputError

    try:
        return options_class(**fields)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        name = "--" + str(first["loc"][0]).replace("_", "-")
        raise GenerationInputError(name, f"{first['msg']}, got {first['input']!r}") from None


def speed_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The BackendOptions fields of the `add_speed_options` flags."""
    from motiondirector.generators.base import LoraWeights

    return {
        "preset": args.preset,
        "shift": args.shift,
        "lora": tuple(LoraWeights.parse(text) for text in args.lora),
        "cache": args.cache,
        "cache_threshold": args.cache_threshold,
        "cache_interval": args.cache_interval,
        "compile": args.compile,
        "compile_backend": args.compile_backend,
        "attention": args.attention,
        "vae_tiling": args.vae_tiling,
        "vae_slicing": args.vae_slicing,
        "vae_dtype": args.vae_dtype,
        "group_offload": args.group_offload,
        "quantize": args.quantize,
    }


def add_speed_options(generate: argparse.ArgumentParser) -> None:
    """The flags of the backends' speed and memory options (BackendOptions), for `generate`
    and `direct --generator`."""
    from motiondirector.generators.speed_options import (
        CACHE_NAMES,
        PRESET_NAMES,
        QUANTIZE_NAMES,
        VAE_DTYPE_NAMES,
    )

    speed = generate.add_argument_group("speed and memory (checked before the model loads)")
    speed.add_argument(
        "--preset",
        default="standard",
        choices=PRESET_NAMES,
        help="steps, guidance and shift for the weights: cfg-distilled is guidance 1 (no "
        "unconditional pass); distilled-4/8 are 4/8 steps, guidance 1, shift 5 for step-"
        "distilled weights or LoRAs; --steps and --guidance win over it",
    )
    speed.add_argument("--shift", type=float, help="flow-matching scheduler shift (Wan)")
    speed.add_argument(
        "--lora",
        action="append",
        default=[],
        metavar="PATH[:SCALE]",
        help="LoRA adapter (.safetensors) loaded into the denoiser at SCALE (default 1) "
        "(repeatable)",
    )
    speed.add_argument(
        "--cache",
        default="none",
        choices=CACHE_NAMES,
        help="diffusers cache hooks: first-block (skip blocks while the first block's "
        "residual changes little) or taylorseer (predict between full passes)",
    )
    speed.add_argument("--cache-threshold", type=float, help="first-block threshold (0.05)")
    speed.add_argument("--cache-interval", type=int, help="TaylorSeer steps per full pass (2)")
    speed.add_argument(
        "--compile", action="store_true", help="torch.compile the repeated transformer blocks"
    )
    speed.add_argument("--compile-backend", default="inductor", help="torch.compile backend")
    speed.add_argument("--attention", help="diffusers attention backend: native, flash, sage...")
    speed.add_argument("--vae-tiling", action="store_true", help="decode the VAE in tiles")
    speed.add_argument("--vae-slicing", action="store_true", help="decode the VAE in slices")
    speed.add_argument(
        "--vae-dtype",
        choices=VAE_DTYPE_NAMES,
        help="dtype of the VAE (default: as loaded, float32 for Wan's); bfloat16 decodes faster",
    )
    speed.add_argument(
        "--group-offload", action="store_true", help="stream weights to the GPU block by block"
    )
    speed.add_argument(
        "--quantize",
        default="none",
        choices=QUANTIZE_NAMES,
        help="quantize the denoiser's weights as they load (bitsandbytes nf4; torchao int8, fp8)",
    )


def add_ray_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--ray",
        metavar="auto|ADDRESS",
        help=f"{what} on a Ray cluster, one pipeline per GPU ('auto': this machine's cluster, "
        "started if none runs; or HOST:PORT of a running one); needs pip install "
        "'motiondirector[scale]'",
    )
    parser.add_argument(
        "--ray-workers",
        type=positive_int,
        metavar="N",
        help="Ray workers, one pipeline each (default: one per GPU of the cluster)",
    )


def check_ray_workers(args: argparse.Namespace) -> None:
    if args.ray is None and args.ray_workers is not None:
        raise MotionDirectorError("--ray-workers needs --ray auto|ADDRESS")


def add_segment_generator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--generator",
        choices=BACKEND_NAMES,
        help="generate the slots no library clip fits with this diffusers video backend "
        "(its pose conditioning rendered from the slot's motion) instead of procedural motion",
    )
    parser.add_argument("--generator-model", metavar="MODEL", help="its model folder or hub id")
    parser.add_argument(
        "--generator-device",
        default="auto",
        choices=("auto", "cuda", "cpu"),
        help="where it runs (auto: cuda when a GPU is visible)",
    )
    parser.add_argument("--generator-size", metavar="WxH", help="video size (default: backend's)")
    parser.add_argument("--generator-steps", type=positive_int, metavar="N", help="denoising steps")
    add_speed_options(parser)
    add_ray_options(parser, "with --generator: make the generated segments all at once")


def segment_generator(args: argparse.Namespace) -> Any:
    """`direct --generator`: the backend as the realize layer's segment generator, in this
    process or on a Ray cluster; everything that can be refused is refused before a model
    loads."""
    if args.generator is None:
        if args.ray is not None or args.ray_workers is not None:
            raise MotionDirectorError("--ray and --ray-workers need --generator BACKEND")
        return None
    # Only here: the backends import diffusers' dependencies (most of a second).
    from motiondirector.generators.backends import backend_class
    from motiondirector.generators.base import BackendOptions, quiet_library_logs

    check_ray_workers(args)
    options = backend_options(
        BackendOptions,
        model=args.generator_model,
        device=args.generator_device,
        **speed_fields(args),
    )
    size = parse_size(args.generator_size) if args.generator_size else None
    if args.ray is not None:
        from motiondirector.realize import RaySegmentGenerator

        return RaySegmentGenerator(
            args.generator,
            options,
            address=args.ray,
            workers=args.ray_workers,
            size=size,
            steps=args.generator_steps,
            progress=not args.quiet and sys.stderr.isatty(),
        )
    from motiondirector.realize.video import generator_from_registry

    backend_class(args.generator).preflight(options)
    quiet_library_logs(loading_bars=not args.quiet and sys.stderr.isatty())
    return generator_from_registry(
        args.generator,
        options,
        size=size,
        steps=args.generator_steps,
        progress=not args.quiet and sys.stderr.isatty(),
    )
