"""The backends' speed and memory options over the tiny pipelines: each one takes effect on the
pipeline object, is recorded in the output's metadata and the segment's provenance, keeps the
output's shape and determinism, and is refused before any model loads when it cannot work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from motiondirector.cli import main
from motiondirector.errors import BackendUnavailableError, GenerationInputError
from motiondirector.generators.backends import BACKENDS, DiffusersBackend
from motiondirector.generators.backends.speed import lora_family
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.base import BackendOptions, GenerationRequest, LoraWeights
from motiondirector.motion.library import get_clip
from motiondirector.realize import plan_script

from ..conftest import EXAMPLE_SCENE

CLIP = "wave.right.large.fast.happy"
SIZE = (32, 32)


def backend(name: str, **options: Any) -> DiffusersBackend:
    return BACKENDS[name].from_components(
        tiny_pipeline(name), device="cpu", options=BackendOptions(**options)
    )


def request(name: str, **fields: Any) -> GenerationRequest:
    poses = BACKENDS[name].render_pose(get_clip(CLIP).motion(), size=SIZE)[:9]
    return GenerationRequest(
        pose_frames=poses, prompt="a person waves", seed=3, **({"num_inference_steps": 3} | fields)
    )


@pytest.fixture(scope="module")
def plain() -> dict[str, np.ndarray]:
    """Frames of the plain (no option) tiny backends, by backend name and steps."""
    return {}


def plain_frames(cache: dict[str, np.ndarray], name: str, steps: int = 3) -> np.ndarray:
    key = f"{name}/{steps}"
    if key not in cache:
        cache[key] = backend(name)(request(name, num_inference_steps=steps)).frames
    return cache[key]


def assert_deterministic(generator: DiffusersBackend, asked: GenerationRequest) -> np.ndarray:
    first, second = generator(asked), generator(asked)
    np.testing.assert_array_equal(first.frames, second.frames)
    assert first.frames.shape == (9, SIZE[1], SIZE[0], 3) and first.frames.dtype == np.uint8
    return first.frames


def count_forwards(module: torch.nn.Module) -> list[int]:
    calls = [0]

    def hook(*_: object) -> None:
        calls[0] += 1

    module.register_forward_hook(hook)
    return calls


# Presets: steps, guidance, shift ----------------------------------------------------------


def test_distilled_preset_runs_its_steps_without_the_unconditional_pass() -> None:
    standard = backend("wan-vace")
    distilled = backend("wan-vace", preset="distilled-4")
    assert standard.pipeline.scheduler.config.shift == 7.0
    assert distilled.pipeline.scheduler.config.shift == 5.0
    plain_calls = count_forwards(standard.pipeline.transformer)
    fast_calls = count_forwards(distilled.pipeline.transformer)
    unset = request("wan-vace", num_inference_steps=None)
    standard_meta = standard(request("wan-vace", num_inference_steps=4)).metadata
    frames = assert_deterministic(distilled, unset)
    meta = distilled(unset).metadata
    assert plain_calls[0] == 2 * 4  # guided: a conditional and an unconditional pass per step
    assert fast_calls[0] == 3 * 4  # three calls of 4 steps, one pass each
    assert (meta["steps"], meta["guidance_scale"]) == (4, 1.0)
    assert standard_meta["guidance_scale"] == 5.0
    assert meta["options"] == {"preset": "distilled-4", "shift": 5.0}
    assert frames.shape[0] == 9
    # An explicit request wins over the preset.
    explicit = distilled(request("wan-vace", num_inference_steps=2, guidance_scale=3.0)).metadata
    assert (explicit["steps"], explicit["guidance_scale"]) == (2, 3.0)


def test_without_steps_or_preset_the_backend_takes_thirty() -> None:
    generator = backend("cogvideox-fun", preset="cfg-distilled")
    settings = generator.settings(request("cogvideox-fun", num_inference_steps=None))
    assert (settings.steps, settings.guidance_scale) == (30, 1.0)


def test_shift_is_refused_where_the_scheduler_has_none() -> None:
    with pytest.raises(GenerationInputError, match="shift: animatediff uses a scheduler"):
        backend("animatediff", shift=3.0)


# LoRA -------------------------------------------------------------------------------------


def make_lora(folder: Path, name: str, seed: int = 1) -> Path:
    """A LoRA for the tiny `name` pipeline's denoiser, with random (non-zero) weights, saved
    by diffusers in its own layout."""
    from peft import LoraConfig, get_peft_model_state_dict

    source = tiny_pipeline(name, seed=seed)
    component = BACKENDS[name].denoiser_attr
    denoiser = getattr(source, component)
    torch.manual_seed(seed)
    config = LoraConfig(
        r=2,
        lora_alpha=2,
        target_modules=["to_q", "to_k", "to_v", "to_out.0"],
        init_lora_weights=False,
    )
    denoiser.add_adapter(config)
    layers = get_peft_model_state_dict(denoiser)
    type(source).save_lora_weights(
        folder, **{f"{component}_lora_layers": layers}, weight_name=f"{name}-lora.safetensors"
    )
    return folder / f"{name}-lora.safetensors"


@pytest.fixture(scope="module")
def wan_lora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_lora(tmp_path_factory.mktemp("lora"), "wan-vace")


def test_a_lora_is_loaded_into_the_denoiser_and_changes_the_output(
    wan_lora: Path, plain: dict[str, np.ndarray]
) -> None:
    generator = backend("wan-vace", lora=(LoraWeights(path=wan_lora, scale=1.0),))
    adapters = generator.pipeline.get_list_adapters()
    assert adapters["transformer"] == ["lora0_wan_vace_lora"]
    frames = assert_deterministic(generator, request("wan-vace"))
    assert np.abs(frames.astype(int) - plain_frames(plain, "wan-vace")).mean() > 0.5
    record = generator(request("wan-vace")).metadata["options"]["lora"]
    assert record == [{"path": str(wan_lora), "scale": 1.0, "adapter": "lora0_wan_vace_lora"}]
    # At scale 0 the adapter adds nothing: the plain frames come back.
    silent = backend("wan-vace", lora=(LoraWeights(path=wan_lora.parent, scale=0.0),))
    np.testing.assert_array_equal(
        silent(request("wan-vace")).frames, plain_frames(plain, "wan-vace")
    )


def test_lora_weights_parse_the_command_line_form() -> None:
    assert LoraWeights.parse("a/b.safetensors:0.8") == LoraWeights(
        path=Path("a/b.safetensors"), scale=0.8
    )
    assert LoraWeights.parse("a/b.safetensors").scale == 1.0
    assert LoraWeights.parse("C:/x/b.safetensors").path == Path("C:/x/b.safetensors")


def test_a_lora_scale_that_is_no_number_is_named(tmp_path: Path) -> None:
    lora = tmp_path / "fast.safetensors"
    lora.write_bytes(b"")
    with pytest.raises(GenerationInputError, match=r"scale after .*fast\.safetensors: must be a "):
        LoraWeights.parse(f"{lora}:strong")
    # A file whose own name has the ':' is that file.
    odd = tmp_path / "fast.safetensors:v2"
    odd.write_bytes(b"")
    assert LoraWeights.parse(str(odd)).path == odd


def test_local_model_and_lora_paths_are_recorded_in_full(
    saved: dict[str, Path], wan_lora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(saved["wan-vace"].parent)
    options = BackendOptions(
        model="wan-vace",
        device="cpu",
        lora=(LoraWeights.parse(f"../{wan_lora.parent.name}/{wan_lora.name}:0.5"),),
    )
    # Another process (a Ray worker, a later reader of the metadata) has another folder.
    assert options.model == str(saved["wan-vace"].resolve())
    assert options.lora[0].path == wan_lora.resolve() and options.lora[0].scale == 0.5
    assert BackendOptions(model="studio/pose-model").model == "studio/pose-model"  # a hub id


def test_lora_layouts_are_told_apart_by_their_weight_names() -> None:
    assert lora_family(["blocks.0.attn1.to_q.lora_A.weight"]) == "wan"
    assert lora_family(["diffusion_model.blocks.3.cross_attn.k.lora_down.weight"]) == "wan"
    assert lora_family(["lora_unet_blocks_0_self_attn_q.lora_down.weight"]) == "wan"
    assert lora_family(["transformer_blocks.0.attn1.to_q.lora_A.weight"]) == "cogvideox"
    sd = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight"
    assert lora_family([sd]) == "sd-unet"
    assert lora_family(["lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"]) == (
        "sd-unet"
    )
    assert lora_family(["something.else"]) is None


def save_tensors(path: Path, names: list[str]) -> Path:
    from safetensors.torch import save_file

    save_file({name: torch.zeros(2, 4) for name in names}, str(path))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.safetensors", "no LoRA file at"),
        (lambda d: save_tensors(d / "w.bin", ["blocks.0.attn1.to_q.lora_A.weight"]),
         "is not a .safetensors file"),
        (lambda d: (d / "broken.safetensors").write_bytes(b"not weights") and
         d / "broken.safetensors", "cannot read"),
        (lambda d: save_tensors(d / "sd.safetensors", [
            "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.lora_A.weight"]),
         "is a LoRA for Stable Diffusion 1.5 UNets"),
        (lambda d: save_tensors(d / "odd.safetensors", ["encoder.layer.0.weight"]),
         "no LoRA weights of a known layout"),
    ],
)  # fmt: skip
def test_a_bad_lora_is_refused_before_the_model_loads(
    tmp_path: Path, make: Any, message: str
) -> None:
    path = make(tmp_path)
    options = BackendOptions(
        model=str(tmp_path / "no-such-model"), device="cpu", lora=(LoraWeights(path=path),)
    )
    # The model folder does not exist: the LoRA is what is refused, so it was checked first.
    with pytest.raises(GenerationInputError, match=message) as caught:
        BACKENDS["wan-vace"].from_pretrained(options)
    assert caught.value.argument == "lora"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny wan-vace and cogvideox-fun model folders, as `save_pretrained` writes them."""
    folder = tmp_path_factory.mktemp("models")
    for name in ("wan-vace", "cogvideox-fun"):
        tiny_pipeline(name).save_pretrained(folder / name)
    return {name: folder / name for name in ("wan-vace", "cogvideox-fun")}


def wan_lora_tensors(path: Path, shapes: dict[str, tuple[int, int]]) -> Path:
    from safetensors.torch import save_file

    save_file({name: torch.zeros(shape) for name, shape in shapes.items()}, str(path))
    return path


Q = "transformer.blocks.{}.attn1.to_q.lora_{}.weight"


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ({Q.format(0, "A"): (2, 24)}, r"is incomplete: .*lora_A.weight' has no .*lora_B.weight'"),
        ({Q.format(0, "A"): (2, 48), Q.format(0, "B"): (48, 2)},
         "was made for a Wan model 48 wide .*, not for this wan-vace model, 24 wide"),
        ({Q.format(7, "A"): (2, 24), Q.format(7, "B"): (24, 2)},
         r"adapts blocks.7 .*, but this wan-vace model has 3 blocks \(0 to 2\)"),
    ],
)  # fmt: skip
def test_a_lora_for_another_model_size_or_half_made_is_refused_before_loading(
    saved: dict[str, Path], tmp_path: Path, shapes: dict[str, tuple[int, int]], message: str
) -> None:
    path = wan_lora_tensors(tmp_path / "wan.safetensors", shapes)
    options = BackendOptions(
        model=str(saved["wan-vace"]), device="cpu", lora=(LoraWeights(path=path),)
    )
    # preflight loads no weights: the refusal comes from the files alone.
    with pytest.raises(GenerationInputError, match=message) as caught:
        BACKENDS["wan-vace"].preflight(options)
    assert caught.value.argument == "lora"
    with pytest.raises(GenerationInputError, match=message):
        BACKENDS["wan-vace"].from_components(
            tiny_pipeline("wan-vace"), device="cpu", options=options
        )


def test_a_lora_of_the_model_size_passes_the_checks(saved: dict[str, Path], wan_lora: Path) -> None:
    options = BackendOptions(
        model=str(saved["wan-vace"]), device="cpu", lora=(LoraWeights(path=wan_lora),)
    )
    assert BACKENDS["wan-vace"].preflight(options) == "cpu"


def test_a_model_folder_of_another_backend_is_refused_before_loading(
    saved: dict[str, Path], tmp_path: Path
) -> None:
    options = BackendOptions(model=str(saved["cogvideox-fun"]), device="cpu")
    message = (
        "holds a CogVideoXFunControlPipeline .the cogvideox-fun backend's model., not the "
        "WanVACEPipeline that wan-vace loads; pass --backend cogvideox-fun"
    )
    with pytest.raises(GenerationInputError, match=message) as caught:
        BACKENDS["wan-vace"].preflight(options)
    assert caught.value.argument == "model"
    # A folder of an unknown pipeline class is judged by its denoiser.
    index = json.loads((saved["cogvideox-fun"] / "model_index.json").read_text())
    other = tmp_path / "other"
    (other / "transformer").mkdir(parents=True)
    (other / "model_index.json").write_text(json.dumps(index | {"_class_name": "SomePipeline"}))
    config = saved["cogvideox-fun"] / "transformer" / "config.json"
    (other / "transformer" / "config.json").write_text(config.read_text())
    with pytest.raises(GenerationInputError, match="transformer is a CogVideoXTransformer3DModel"):
        BACKENDS["wan-vace"].from_pretrained(options.model_copy(update={"model": str(other)}))
    assert (
        BACKENDS["wan-vace"].preflight(options.model_copy(update={"model": str(saved["wan-vace"])}))
        == "cpu"
    )


# Caches -----------------------------------------------------------------------------------


def test_first_block_cache_registers_its_hooks_and_skips_blocks(
    plain: dict[str, np.ndarray],
) -> None:
    from diffusers.hooks import HookRegistry

    generator = backend("wan-vace", cache="first-block", cache_threshold=0.5)
    transformer = generator.pipeline.transformer
    assert transformer.is_cache_enabled
    hooks = {
        name
        for module in transformer.modules()
        for name in getattr(getattr(module, "_diffusers_hook", None), "hooks", {})
    }
    assert any(name.startswith("fbc") for name in hooks), hooks
    assert isinstance(HookRegistry.check_if_exists_or_initialize(transformer), HookRegistry)
    frames = assert_deterministic(generator, request("wan-vace"))
    assert not np.array_equal(frames, plain_frames(plain, "wan-vace"))
    meta = generator(request("wan-vace")).metadata["options"]
    assert meta["cache"] == {"kind": "first-block", "threshold": 0.5}


def test_taylorseer_cache_predicts_between_full_passes(plain: dict[str, np.ndarray]) -> None:
    generator = backend("cogvideox-fun", cache="taylorseer", cache_interval=2)
    assert generator.pipeline.transformer.is_cache_enabled
    asked = request("cogvideox-fun", num_inference_steps=6)
    frames = assert_deterministic(generator, asked)
    assert not np.array_equal(frames, plain_frames(plain, "cogvideox-fun", steps=6))
    assert generator(asked).metadata["options"]["cache"] == {"kind": "taylorseer", "interval": 2}


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("cogvideox-fun", {"cache": "first-block"}, "caches that do: taylorseer"),
        ("animatediff", {"cache": "taylorseer"}, "caches that do: none"),
        ("wan-vace", {"cache_threshold": 0.1}, "cache_threshold: applies to the first-block"),
        ("wan-vace", {"cache": "first-block", "cache_interval": 3}, "cache_interval: applies"),
    ],
)
def test_a_cache_that_cannot_run_is_refused(
    name: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(GenerationInputError, match=message):
        BACKENDS[name].preflight(BackendOptions(model="unused", device="cpu", **options))


def test_the_first_block_cache_is_refused_on_a_one_block_denoiser() -> None:
    pipeline = tiny_pipeline("wan-vace")
    config = dict(pipeline.transformer.config) | {"num_layers": 1, "vace_layers": [0]}
    pipeline.transformer = type(pipeline.transformer).from_config(config)
    message = (
        "the first-block cache needs a denoiser of at least 2 blocks.*this wan-vace model has 1"
    )
    options = BackendOptions(device="cpu", cache="first-block")
    # diffusers itself fails deep in its hook code (an empty list popped) on such a model.
    with pytest.raises(GenerationInputError, match=message):
        BACKENDS["wan-vace"].from_components(pipeline, device="cpu", options=options)
    # TaylorSeer has no first block to compare: it runs.
    taylor = BackendOptions(device="cpu", cache="taylorseer")
    generator = BACKENDS["wan-vace"].from_components(pipeline, device="cpu", options=taylor)
    assert generator(request("wan-vace", num_inference_steps=2)).frames.shape[0] == 9


# Compilation and attention ----------------------------------------------------------------


def test_compile_wraps_the_repeated_blocks_and_keeps_the_output(
    plain: dict[str, np.ndarray],
) -> None:
    generator = backend("wan-vace", compile=True, compile_backend="eager")
    compiled = [
        type(module).__name__
        for module in generator.pipeline.transformer.modules()
        if getattr(module, "_compiled_call_impl", None) is not None
    ]
    assert sorted(set(compiled)) == ["WanTransformerBlock", "WanVACETransformerBlock"]
    assert len(compiled) == 3 + 2  # every block, and nothing else
    frames = generator(request("wan-vace")).frames
    np.testing.assert_array_equal(frames, plain_frames(plain, "wan-vace"))
    record = generator(request("wan-vace")).metadata["options"]["compile"]
    assert record.startswith("repeated blocks (WanTransformerBlock") and record.endswith("eager")


def test_an_unknown_compile_backend_is_refused() -> None:
    with pytest.raises(GenerationInputError, match=r"compile_backend: unknown torch\.compile"):
        backend("wan-vace", compile=True, compile_backend="warp-drive")


def test_the_attention_backend_is_set_on_every_attention_layer(
    plain: dict[str, np.ndarray],
) -> None:
    generator = backend("wan-vace", attention="native")
    processors = [
        module.processor
        for module in generator.pipeline.transformer.modules()
        if hasattr(module, "processor")
    ]
    assert processors and all(p._attention_backend.value == "native" for p in processors)
    np.testing.assert_array_equal(
        generator(request("wan-vace")).frames, plain_frames(plain, "wan-vace")
    )
    assert generator(request("wan-vace")).metadata["options"]["attention"] == "native"


def test_attention_backends_that_cannot_run_are_refused() -> None:
    with pytest.raises(GenerationInputError, match="unknown attention backend 'warp'"):
        BACKENDS["wan-vace"].preflight(BackendOptions(device="cpu", attention="warp"))
    with pytest.raises(GenerationInputError, match="does not route attention"):
        BACKENDS["cogvideox-fun"].preflight(BackendOptions(device="cpu", attention="native"))
    import importlib.util

    if importlib.util.find_spec("flash_attn") is None:
        with pytest.raises(BackendUnavailableError, match=r"attention 'flash'.*flash-attn"):
            BACKENDS["wan-vace"].preflight(BackendOptions(device="cpu", attention="flash"))


# Memory -----------------------------------------------------------------------------------


def test_vae_tiling_and_slicing_are_switched_on(plain: dict[str, np.ndarray]) -> None:
    generator = backend("animatediff", vae_tiling=True, vae_slicing=True)
    assert generator.pipeline.vae.use_tiling and generator.pipeline.vae.use_slicing
    output = generator(request("animatediff"))
    # Frames smaller than a tile decode in one piece: the same pixels, but for float rounding
    # of the sliced (one frame at a time) decode, which can move a value across a level.
    plain_pixels = plain_frames(plain, "animatediff").astype(np.int16)
    difference = np.abs(output.frames.astype(np.int16) - plain_pixels)
    assert difference.max() <= 1 and (difference > 0).mean() < 0.001
    assert output.metadata["options"] == {
        "preset": "standard", "vae_tiling": True, "vae_slicing": True,
    }  # fmt: skip


@pytest.mark.parametrize("name", ["wan-vace", "wan-animate"])
def test_the_vae_runs_in_the_dtype_asked(name: str) -> None:
    generator = backend(name, vae_dtype="bfloat16")
    vae = generator.pipeline.vae
    assert {p.dtype for p in vae.parameters()} == {torch.bfloat16}
    assert generator.pipeline.transformer.dtype == torch.float32
    asked = request(name)
    if name == "wan-animate":
        asked = asked.model_copy(update={"reference_image": np.zeros((32, 32, 3), np.uint8)})
    first, second = generator(asked), generator(asked)
    np.testing.assert_array_equal(first.frames, second.frames)
    assert first.frames.shape == (9, SIZE[1], SIZE[0], 3)
    assert first.metadata["options"] == {"preset": "standard", "vae_dtype": "bfloat16"}
    plain = backend(name)(asked).frames.astype(int)
    difference = np.abs(first.frames.astype(int) - plain)
    # Rounding to bfloat16 shows in the pixels, by a few levels only.
    assert 0 < difference.max() <= 16


def test_a_vae_dtype_the_pipeline_cannot_feed_is_refused() -> None:
    for name in ("cogvideox-fun", "animatediff"):
        with pytest.raises(GenerationInputError, match=r"vae_dtype: .* feeds its VAE"):
            backend(name, vae_dtype="bfloat16")


def test_group_offload_hooks_every_component(plain: dict[str, np.ndarray]) -> None:
    from diffusers.hooks import HookRegistry

    generator = backend("wan-vace", group_offload=True)
    registry = HookRegistry.check_if_exists_or_initialize(generator.pipeline.transformer)
    assert "group_offloading" in registry.hooks
    frames = assert_deterministic(generator, request("wan-vace"))
    np.testing.assert_array_equal(frames, plain_frames(plain, "wan-vace"))
    assert generator(request("wan-vace")).metadata["options"]["group_offload"] is True


def test_offloads_and_quantization_that_cannot_run_are_refused() -> None:
    import importlib.util

    with pytest.raises(GenerationInputError, match="group offload or model CPU offload"):
        backend("wan-vace", group_offload=True, cpu_offload=True)
    with pytest.raises(GenerationInputError, match="quantize: quantizes weights as they load"):
        backend("wan-vace", quantize="int8")
    missing = [
        (name, package)
        for name, package in (("nf4", "bitsandbytes"), ("int8", "torchao"))
        if importlib.util.find_spec(package) is None
    ]
    for name, package in missing:
        with pytest.raises(BackendUnavailableError, match=f"needs {package}.*pip install"):
            BACKENDS["wan-vace"].preflight(BackendOptions(device="cpu", quantize=name))


# Provenance -------------------------------------------------------------------------------


def test_the_options_are_named_in_the_segment_provenance(wan_lora: Path, tmp_path: Path) -> None:
    from motiondirector.plan.motion_plan import GestureEvent, HeadEvent, PostureEvent
    from motiondirector.realize.requests import SegmentRequest
    from motiondirector.realize.video import VideoSegmentGenerator

    generator = backend(
        "wan-vace", preset="distilled-4", lora=(LoraWeights(path=wan_lora, scale=0.7),),
        cache="first-block", vae_tiling=True,
    )  # fmt: skip
    segment = VideoSegmentGenerator(generator, size=SIZE)
    assert segment.label == (
        "wan-vace (preset distilled-4, LoRA wan-vace-lora.safetensors:0.7, "
        "first-block cache 0.05, VAE tiling)"
    )
    plan = plan_script(EXAMPLE_SCENE)
    event = next(
        event
        for track in plan.characters
        for event in track.events
        if isinstance(event, GestureEvent | HeadEvent | PostureEvent)
    )
    motion = get_clip(CLIP).motion()
    material = segment.generate_segment(
        SegmentRequest("ANA", event, 0.0, 0.5, motion, "a person waves", 1, tmp_path / "a.mp4")
    )
    assert material.backend == segment.label
    # The same options, typed, as the segment's provenance records them.
    assert material.options["preset"] == "distilled-4"
    assert material.options["vae_tiling"] is True
    assert material.options["lora"] and material.options["cache"]
    json.dumps(dict(material.options))  # JSON values, as a timeline stores them
    assert VideoSegmentGenerator(backend("wan-vace")).label == "wan-vace"


# The command line -------------------------------------------------------------------------


def test_generate_applies_and_records_the_speed_flags(
    direction: Path, wan_lora: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "wan-vace"
    tiny_pipeline("wan-vace").save_pretrained(model)
    out = tmp_path / "out"
    code = main([
        "generate", str(direction), "--backend", "wan-vace", "--model", str(model),
        "--device", "cpu", "--size", "32x32", "--character", "ANA", "--end", "0.5",
        "--preset", "distilled-4", "--lora", f"{wan_lora}:0.5", "--cache", "first-block",
        "--cache-threshold", "0.2", "--vae-slicing", "--vae-dtype", "bfloat16",
        "--out", str(out),
    ])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    meta = json.loads((out / "ANA.json").read_text())["metadata"]
    assert (meta["steps"], meta["guidance_scale"]) == (4, 1.0)
    options = meta["options"]
    assert options["preset"] == "distilled-4" and options["shift"] == 5.0
    assert options["lora"][0]["scale"] == 0.5
    assert options["cache"] == {"kind": "first-block", "threshold": 0.2}
    assert options["vae_slicing"] is True
    assert options["vae_dtype"] == "bfloat16"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--lora", "nowhere.safetensors"], "error: lora: no LoRA file at nowhere.safetensors"),
        (["--cache", "first-block"], "error: cache: 'first-block' does not run on cogvideox-fun"),
        (["--attention", "native"], "error: attention: cogvideox-fun's"),
        (["--shift", "5"], "error: shift: cogvideox-fun uses a scheduler"),
        (["--vae-dtype", "bfloat16"], "error: vae_dtype: CogVideoXFunControlPipeline feeds"),
        (["--cache-threshold", "-1"], "error: --cache-threshold: Input should be greater than 0"),
    ],
)
def test_generate_refuses_an_option_before_loading(
    direction: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    message: str,
) -> None:
    # No model exists at --model: the refusal comes before anything is loaded.
    args = [
        "generate", str(direction), "--backend", "cogvideox-fun", "--device", "cpu",
        "--model", str(tmp_path / "none"), "--out", str(tmp_path / "o"), *flags,
    ]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith(message) and "Traceback" not in err


def test_a_hub_id_is_checked_against_its_cached_snapshot(
    saved: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import huggingface_hub.constants

    # The Hugging Face cache's layout: refs/main names the snapshot folder.
    repo = tmp_path / "models--studio--pose-model"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0123abcd")
    shutil.copytree(saved["cogvideox-fun"], repo / "snapshots" / "0123abcd")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    options = BackendOptions(model="studio/pose-model", device="cpu")
    with pytest.raises(GenerationInputError, match="studio/pose-model holds a CogVideoX"):
        BACKENDS["wan-vace"].preflight(options)
    assert BACKENDS["cogvideox-fun"].preflight(options) == "cpu"
    # Not in the cache: nothing to check here, and nothing is downloaded.
    assert BACKENDS["wan-vace"].preflight(options.model_copy(update={"model": "a/b"})) == "cpu"
