"""The names of the backends' speed and memory choices, declared once.

`BackendOptions` (generators/base.py), the `generate` command line and the documentation read
these. This module imports nothing heavy, so the command line can build its parser from it.
"""

from __future__ import annotations

from typing import Literal, get_args

PresetName = Literal["standard", "cfg-distilled", "distilled-4", "distilled-8"]
CacheName = Literal["none", "first-block", "taylorseer"]
QuantizeName = Literal["none", "nf4", "int8", "fp8"]
VaeDtypeName = Literal["float32", "bfloat16"]

PRESET_NAMES: tuple[str, ...] = get_args(PresetName)
CACHE_NAMES: tuple[str, ...] = get_args(CacheName)
QUANTIZE_NAMES: tuple[str, ...] = get_args(QuantizeName)
VAE_DTYPE_NAMES: tuple[str, ...] = get_args(VaeDtypeName)
