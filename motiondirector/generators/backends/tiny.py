"""Tiny random pipelines of each backend, built in code, for tests and CPU benchmarks.

Each is the real diffusers pipeline class over 0.1-0.3 M seeded random parameters (about a
megabyte), with a word-level tokenizer and a one-layer text encoder (so prompts work end to
end) and the real scheduler class. They produce noise, not people: they prove shapes,
conditioning paths, chunking and saving/loading, never quality. Nothing here touches the
network.

Sizes that work with every tiny pipeline: width and height multiples of 16 (32 or 64), any
frame count (Wan pipelines want 4k+1 frames per chunk; the backends pad for them).
"""

from __future__ import annotations

from typing import Any

from motiondirector.generators.base import optional_module, require_diffusers

WAN_VAE_BASE_DIM = 16
"""Channels of the tiny Wan VAE: at 3 its random decoder ignores its input almost entirely."""

TINY_TEXT_LENGTH = 16
"""Tokens per prompt of the tiny tokenizers (and the CogVideoX tiny transformer's text length)."""

_WORDS = (
    "a", "person", "man", "woman", "walks", "talks", "waves", "stands", "sits", "turns", "looks",
    "nods", "shakes", "head", "hand", "hands", "arm", "arms", "left", "right", "up", "down",
    "slowly", "quickly", "angry", "happy", "sad", "calm", "room", "street", "light", "dark",
    "the", "and", "with", "to", "of", "in", "on", "at",
)  # fmt: skip


def tiny_tokenizer(max_length: int = TINY_TEXT_LENGTH) -> Any:
    """A lower-casing word-level tokenizer over a few dozen words (others map to <unk>)."""
    tokenizers = optional_module("tokenizers")
    transformers = optional_module("transformers")

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for word in _WORDS:
        vocab.setdefault(word, len(vocab))
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tokenizer.normalizer = tokenizers.normalizers.Lowercase()
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=max_length,
    )


def _vocab_size() -> int:
    return len(set(_WORDS)) + 3


def _tiny_wan_vae(seed: int) -> Any:
    """The tiny Wan VAE both Wan pipelines share (z_dim 16)."""
    import torch

    diffusers = optional_module("diffusers")
    torch.manual_seed(seed)
    return diffusers.AutoencoderKLWan(
        base_dim=WAN_VAE_BASE_DIM,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
        # The released statistics would drown a random encoder's small latents in offsets.
        latents_mean=[0.0] * 16,
        latents_std=[1.0] * 16,
    )


# The tiny text encoders (T5 for CogVideoX, UMT5 for Wan): 32-wide, one layer.
_TINY_T5: dict[str, Any] = {
    "d_model": 32,
    "d_kv": 8,
    "d_ff": 37,
    "num_layers": 1,
    "num_heads": 4,
    "relative_attention_num_buckets": 8,
    "pad_token_id": 0,
    "eos_token_id": 1,
    "decoder_start_token_id": 0,
}

# What the two tiny Wan transformers share: text dim 32 (the tiny UMT5), 16 latent channels.
_TINY_WAN_TRANSFORMER: dict[str, Any] = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 2,
    "attention_head_dim": 12,
    "out_channels": 16,
    "text_dim": 32,
    "freq_dim": 256,
    "ffn_dim": 32,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "rope_max_seq_len": 32,
}


def tiny_wan_vace(seed: int = 0) -> Any:
    """A WanVACEPipeline of random tiny parts (text dim 32, VAE z_dim 16, 3 layers)."""
    require_diffusers("wan-vace")
    import torch

    diffusers = optional_module("diffusers")
    vae = _tiny_wan_vae(seed)
    torch.manual_seed(seed)
    transformer = diffusers.WanVACETransformer3DModel(
        **_TINY_WAN_TRANSFORMER,
        in_channels=16,
        num_layers=3,
        vace_layers=[0, 2],
        vace_in_channels=96,
    )
    # At its default fan-in scale the control embedding lets a random model all but ignore
    # the pose; a wider one makes conditioning visible in tests.
    torch.nn.init.normal_(transformer.vace_patch_embedding.weight, std=0.1)
    return diffusers.WanVACEPipeline(
        tokenizer=tiny_tokenizer(),
        text_encoder=_tiny_umt5(seed),
        vae=vae,
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(shift=7.0),
        transformer=transformer,
    )


def tiny_wan_animate(seed: int = 0) -> Any:
    """A WanAnimatePipeline of random tiny parts; its face encoder takes 16x16 face crops."""
    require_diffusers("wan-animate")
    import torch

    diffusers = optional_module("diffusers")
    transformers = optional_module("transformers")

    vae = _tiny_wan_vae(seed)
    torch.manual_seed(seed)
    transformer = diffusers.WanAnimateTransformer3DModel(
        **_TINY_WAN_TRANSFORMER,
        in_channels=36,
        latent_channels=16,
        num_layers=2,
        image_dim=4,
        motion_encoder_channel_sizes={"4": 16, "8": 16, "16": 16},
        motion_encoder_size=16,
        motion_style_dim=8,
        motion_dim=4,
        motion_encoder_dim=16,
        face_encoder_hidden_dim=16,
        face_encoder_num_heads=2,
        inject_face_latents_blocks=2,
    )
    torch.manual_seed(seed)
    image_encoder = transformers.CLIPVisionModel(
        transformers.CLIPVisionConfig(
            hidden_size=4,
            projection_dim=4,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=4,
            intermediate_size=16,
            patch_size=1,
        )
    )
    return diffusers.WanAnimatePipeline(
        tokenizer=tiny_tokenizer(),
        text_encoder=_tiny_umt5(seed),
        vae=vae,
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(shift=7.0),
        image_processor=transformers.CLIPImageProcessorPil(crop_size=4, size=4),
        image_encoder=image_encoder,
        transformer=transformer,
    )


def tiny_cogvideox_fun(seed: int = 0) -> Any:
    """A CogVideoXFunControlPipeline of random tiny parts (latent 4 channels, 1 layer)."""
    require_diffusers("cogvideox-fun")
    import torch

    diffusers = optional_module("diffusers")
    transformers = optional_module("transformers")

    torch.manual_seed(seed)
    transformer = diffusers.CogVideoXTransformer3DModel(
        # The 3D positional embedding wants heads * head_dim divisible by 16.
        num_attention_heads=4,
        attention_head_dim=8,
        in_channels=8,
        out_channels=4,
        time_embed_dim=2,
        text_embed_dim=32,
        num_layers=1,
        sample_width=2,
        sample_height=2,
        sample_frames=9,
        patch_size=2,
        temporal_compression_ratio=4,
        max_text_seq_length=TINY_TEXT_LENGTH,
    )
    torch.manual_seed(seed)
    vae = diffusers.AutoencoderKLCogVideoX(
        in_channels=3,
        out_channels=3,
        down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4,
        block_out_channels=(8, 8, 8, 8),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=2,
        temporal_compression_ratio=4,
    )
    torch.manual_seed(seed)
    config = transformers.T5Config(vocab_size=_vocab_size(), **_TINY_T5)
    return diffusers.CogVideoXFunControlPipeline(
        tokenizer=tiny_tokenizer(),
        text_encoder=transformers.T5EncoderModel(config),
        vae=vae,
        transformer=transformer,
        scheduler=diffusers.CogVideoXDDIMScheduler(),
    )


def tiny_animatediff(seed: int = 0) -> Any:
    """An AnimateDiffControlNetPipeline of a random tiny UNet, MotionAdapter and ControlNet."""
    require_diffusers("animatediff")
    import torch

    diffusers = optional_module("diffusers")
    transformers = optional_module("transformers")

    cross_attention_dim = 8
    block_out_channels = (8, 8)
    torch.manual_seed(seed)
    unet = diffusers.UNet2DConditionModel(
        block_out_channels=block_out_channels,
        layers_per_block=2,
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=cross_attention_dim,
        norm_num_groups=2,
    )
    torch.manual_seed(seed)
    controlnet = diffusers.ControlNetModel(
        block_out_channels=block_out_channels,
        layers_per_block=2,
        in_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        cross_attention_dim=cross_attention_dim,
        conditioning_embedding_out_channels=(8, 8),
        norm_num_groups=1,
    )
    # ControlNet's output convolutions start at zero (training grows them): give the random
    # ones weights, or the pose could not reach the UNet at all.
    zero_started = [
        *controlnet.controlnet_down_blocks,
        controlnet.controlnet_mid_block,
        controlnet.controlnet_cond_embedding.conv_out,
    ]
    for module in zero_started:
        torch.nn.init.normal_(module.weight)
        torch.nn.init.constant_(module.bias, 1.0)
    torch.manual_seed(seed)
    vae = diffusers.AutoencoderKL(
        block_out_channels=block_out_channels,
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
        norm_num_groups=2,
    )
    torch.manual_seed(seed)
    text_encoder = transformers.CLIPTextModel(
        transformers.CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=0,
            hidden_size=cross_attention_dim,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            vocab_size=_vocab_size(),
            max_position_embeddings=TINY_TEXT_LENGTH,
        )
    )
    torch.manual_seed(seed)
    motion_adapter = diffusers.MotionAdapter(
        block_out_channels=block_out_channels,
        motion_layers_per_block=2,
        motion_norm_num_groups=2,
        motion_num_attention_heads=4,
    )
    scheduler = diffusers.DDIMScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="linear", clip_sample=False
    )
    return diffusers.AnimateDiffControlNetPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tiny_tokenizer(),
        unet=unet,
        motion_adapter=motion_adapter,
        controlnet=controlnet,
        scheduler=scheduler,
    )


def _tiny_umt5(seed: int) -> Any:
    import torch

    transformers = optional_module("transformers")
    torch.manual_seed(seed)
    config = transformers.UMT5Config(vocab_size=_vocab_size(), **_TINY_T5)
    return transformers.UMT5EncoderModel(config)


TINY_BUILDERS = {
    "wan-animate": tiny_wan_animate,
    "wan-vace": tiny_wan_vace,
    "cogvideox-fun": tiny_cogvideox_fun,
    "animatediff": tiny_animatediff,
}
"""Backend name -> builder of its tiny random pipeline."""


def tiny_pipeline(name: str, seed: int = 0) -> Any:
    """The tiny random pipeline of backend `name`, weights seeded with `seed`."""
    return TINY_BUILDERS[name](seed)
