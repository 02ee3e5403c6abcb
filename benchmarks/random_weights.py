"""Real-size video pipelines with random weights, built from their published configurations,
so speed and memory can be measured with nothing to download (`generators.py
--random-weights SIZE`).

The denoisers and VAEs are the released architectures: the configuration values below are
those of each model's published `config.json` (Wan2.1-VACE 1.3B and 14B, CogVideoX-Fun V1.1
5B, Stable Diffusion 1.5 with the AnimateDiff v1.5.2 motion adapter and the OpenPose
ControlNet). The text encoders keep their width but are cut to ONE layer (UMT5-XXL and T5-XXL:
d_model 4096; CLIP ViT-L: 768), and the tokenizer is the tiny word-level one padded to the
model's prompt length, so cross-attention sees as many tokens as with the real encoder. So
every figure is the real denoiser's and VAE's arithmetic; the text encoder's share is
understated (it runs once per prompt). The frames are noise.

`layers` cuts the denoiser's depth, only to check the script on a small machine; figures
made with it are not the model's.
"""

from __future__ import annotations

from typing import Any

import torch

from motiondirector.generators.backends.tiny import tiny_tokenizer
from motiondirector.generators.base import optional_module

SIZES: dict[str, str] = {
    "wan-1.3b": "wan-vace",
    "wan-14b": "wan-vace",
    "cogvideox-5b": "cogvideox-fun",
    "animatediff-sd15": "animatediff",
}
"""--random-weights SIZE -> the backend that runs it."""

# Wan2.1-VACE transformer (diffusers config.json). 1.3B: dim 1536 = 12 heads x 128.
WAN_VACE_1_3B: dict[str, Any] = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 12,
    "attention_head_dim": 128,
    "in_channels": 16,
    "out_channels": 16,
    "text_dim": 4096,
    "freq_dim": 256,
    "ffn_dim": 8960,
    "num_layers": 30,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "eps": 1e-6,
    "rope_max_seq_len": 1024,
    "vace_layers": list(range(0, 30, 2)),
    "vace_in_channels": 96,
}
# 14B: dim 5120 = 40 heads x 128, 40 layers, a VACE block every 5 layers.
WAN_VACE_14B: dict[str, Any] = WAN_VACE_1_3B | {
    "num_attention_heads": 40,
    "ffn_dim": 13824,
    "num_layers": 40,
    "vace_layers": list(range(0, 40, 5)),
}
# Wan's VAE (AutoencoderKLWan, base_dim 96, z 16, the released latent statistics) is the
# class's default configuration; its scheduler is UniPC in flow-prediction mode.
WAN_SCHEDULER: dict[str, Any] = {
    "prediction_type": "flow_prediction",
    "use_flow_sigmas": True,
    "num_train_timesteps": 1000,
    "flow_shift": 3.0,
}
UMT5_XXL_ONE_LAYER: dict[str, Any] = {
    "d_model": 4096,
    "d_kv": 64,
    "d_ff": 10240,
    "num_layers": 1,
    "num_heads": 64,
    "relative_attention_num_buckets": 32,
    "feed_forward_proj": "gated-gelu",
    "pad_token_id": 0,
    "eos_token_id": 1,
    "decoder_start_token_id": 0,
}
WAN_TEXT_TOKENS = 512

# CogVideoX-Fun-V1.1-5b-Pose: CogVideoX-5B's transformer with the control latents
# concatenated to the noise (in_channels 32).
COGVIDEOX_FUN_5B: dict[str, Any] = {
    "num_attention_heads": 48,
    "attention_head_dim": 64,
    "in_channels": 32,
    "out_channels": 16,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
    "time_embed_dim": 512,
    "text_embed_dim": 4096,
    "num_layers": 42,
    "dropout": 0.0,
    "attention_bias": True,
    "sample_width": 90,
    "sample_height": 60,
    "sample_frames": 49,
    "patch_size": 2,
    "temporal_compression_ratio": 4,
    "max_text_seq_length": 226,
    "activation_fn": "gelu-approximate",
    "timestep_activation_fn": "silu",
    "norm_elementwise_affine": True,
    "norm_eps": 1e-5,
    "spatial_interpolation_scale": 1.875,
    "temporal_interpolation_scale": 1.0,
    "use_rotary_positional_embeddings": True,
    "use_learned_positional_embeddings": False,
}
COGVIDEOX_VAE: dict[str, Any] = {"scaling_factor": 0.7}  # the rest: the class defaults
COGVIDEOX_SCHEDULER: dict[str, Any] = {
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "prediction_type": "v_prediction",
    "rescale_betas_zero_snr": True,
    "snr_shift_scale": 1.0,
    "timestep_spacing": "trailing",
    "clip_sample": False,
    "set_alpha_to_one": True,
    "steps_offset": 0,
}
T5_XXL_ONE_LAYER: dict[str, Any] = UMT5_XXL_ONE_LAYER
COGVIDEOX_TEXT_TOKENS = 226

# Stable Diffusion 1.5: UNet, VAE and CLIP ViT-L/14 text width; AnimateDiff's motion adapter
# v1.5.2 and the OpenPose ControlNet are their classes' defaults with SD 1.5's widths.
SD15_UNET: dict[str, Any] = {
    "sample_size": 64,
    "in_channels": 4,
    "out_channels": 4,
    "down_block_types": (
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "DownBlock2D",
    ),
    "up_block_types": (
        "UpBlock2D",
        "CrossAttnUpBlock2D",
        "CrossAttnUpBlock2D",
        "CrossAttnUpBlock2D",
    ),
    "block_out_channels": (320, 640, 1280, 1280),
    "layers_per_block": 2,
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
}
SD15_CONTROLNET: dict[str, Any] = {
    "in_channels": 4,
    "block_out_channels": (320, 640, 1280, 1280),
    "layers_per_block": 2,
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
}
SD15_MOTION_ADAPTER: dict[str, Any] = {
    "block_out_channels": (320, 640, 1280, 1280),
    "motion_layers_per_block": 2,
    "motion_mid_block_layers_per_block": 1,
    "motion_num_attention_heads": 8,
    "motion_norm_num_groups": 32,
    "motion_max_seq_length": 32,
    "use_motion_mid_block": True,
}
SD15_VAE: dict[str, Any] = {
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ("DownEncoderBlock2D",) * 4,
    "up_block_types": ("UpDecoderBlock2D",) * 4,
    "block_out_channels": (128, 256, 512, 512),
    "layers_per_block": 2,
    "latent_channels": 4,
    "sample_size": 512,
    "scaling_factor": 0.18215,
}
CLIP_L_ONE_LAYER: dict[str, Any] = {
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_attention_heads": 12,
    "num_hidden_layers": 1,
    "projection_dim": 768,
    "bos_token_id": 0,
    "eos_token_id": 1,
    "pad_token_id": 0,
}
CLIP_TEXT_TOKENS = 77
SD15_SCHEDULER: dict[str, Any] = {
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "linear",
    "clip_sample": False,
    "timestep_spacing": "linspace",
    "steps_offset": 1,
}


def _vocab(tokenizer: Any) -> int:
    return len(tokenizer.get_vocab())


def _cut(config: dict[str, Any], layers: int | None) -> dict[str, Any]:
    if layers is None:
        return config
    cut = config | {"num_layers": min(layers, config["num_layers"])}
    if "vace_layers" in config:
        cut["vace_layers"] = [i for i in config["vace_layers"] if i < cut["num_layers"]] or [0]
    return cut


def build_pipeline(
    size: str, *, layers: int | None = None, seed: int = 0, device: str = "cpu"
) -> Any:
    """The real-size pipeline of `size` (see SIZES) with random float32 weights, created on
    `device` (on a GPU, random initialisation of billions of weights takes seconds, not
    minutes); see the module docstring."""
    with torch.device(device):
        return _build(size, layers, seed)


def _build(size: str, layers: int | None, seed: int) -> Any:
    diffusers = optional_module("diffusers")
    transformers = optional_module("transformers")
    torch.manual_seed(seed)
    if size in ("wan-1.3b", "wan-14b"):
        config = WAN_VACE_1_3B if size == "wan-1.3b" else WAN_VACE_14B
        tokenizer = tiny_tokenizer(WAN_TEXT_TOKENS)
        umt5 = transformers.UMT5Config(vocab_size=_vocab(tokenizer), **UMT5_XXL_ONE_LAYER)
        return diffusers.WanVACEPipeline(
            tokenizer=tokenizer,
            text_encoder=transformers.UMT5EncoderModel(umt5),
            vae=diffusers.AutoencoderKLWan(),
            scheduler=diffusers.UniPCMultistepScheduler(**WAN_SCHEDULER),
            transformer=diffusers.WanVACETransformer3DModel(**_cut(config, layers)),
        )
    if size == "cogvideox-5b":
        tokenizer = tiny_tokenizer(COGVIDEOX_TEXT_TOKENS)
        t5 = transformers.T5Config(vocab_size=_vocab(tokenizer), **T5_XXL_ONE_LAYER)
        return diffusers.CogVideoXFunControlPipeline(
            tokenizer=tokenizer,
            text_encoder=transformers.T5EncoderModel(t5),
            vae=diffusers.AutoencoderKLCogVideoX(**COGVIDEOX_VAE),
            transformer=diffusers.CogVideoXTransformer3DModel(**_cut(COGVIDEOX_FUN_5B, layers)),
            scheduler=diffusers.CogVideoXDDIMScheduler(**COGVIDEOX_SCHEDULER),
        )
    if size == "animatediff-sd15":
        tokenizer = tiny_tokenizer(CLIP_TEXT_TOKENS)
        clip = transformers.CLIPTextConfig(
            vocab_size=_vocab(tokenizer),
            max_position_embeddings=CLIP_TEXT_TOKENS,
            **CLIP_L_ONE_LAYER,
        )
        return diffusers.AnimateDiffControlNetPipeline(
            vae=diffusers.AutoencoderKL(**SD15_VAE),
            text_encoder=transformers.CLIPTextModel(clip),
            tokenizer=tokenizer,
            unet=diffusers.UNet2DConditionModel(**SD15_UNET),
            motion_adapter=diffusers.MotionAdapter(**SD15_MOTION_ADAPTER),
            controlnet=diffusers.ControlNetModel(**SD15_CONTROLNET),
            scheduler=diffusers.DDIMScheduler(**SD15_SCHEDULER),
        )
    raise SystemExit(f"unknown --random-weights size {size!r}; one of {', '.join(SIZES)}")


def parameter_count(pipeline: Any) -> dict[str, int]:
    """Parameters per torch component of `pipeline`."""
    return {
        name: sum(p.numel() for p in component.parameters())
        for name, component in pipeline.components.items()
        if isinstance(component, torch.nn.Module)
    }
