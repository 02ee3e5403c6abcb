"""Video generator backends over diffusers pipelines, by name.

| name | pipeline | conditioning |
|---|---|---|
| `wan-animate` | `WanAnimatePipeline` | reference image + pose video + face video |
| `wan-vace` | `WanVACEPipeline` | pose frames as the control `video` with a `mask` |
| `cogvideox-fun` | `CogVideoXFunControlPipeline` | pose frames as the `control_video` |
| `animatediff` | `AnimateDiffControlNetPipeline` | SD 1.5 + OpenPose ControlNet + `MotionAdapter` |

Importing this package does not import diffusers (nor torch): a backend imports them when it is
built, and says what to install when they are missing.
"""

from __future__ import annotations

from motiondirector.errors import GenerationInputError
from motiondirector.generators.backends.animatediff import AnimateDiffBackend
from motiondirector.generators.backends.cogvideox_fun import CogVideoXFunBackend
from motiondirector.generators.backends.common import DiffusersBackend, fit_camera
from motiondirector.generators.backends.wan_animate import WanAnimateBackend
from motiondirector.generators.backends.wan_vace import WanVACEBackend
from motiondirector.generators.base import BackendOptions
from motiondirector.plan.options import BACKEND_NAMES

BACKENDS: dict[str, type[DiffusersBackend]] = {
    backend.name: backend
    for backend in (WanAnimateBackend, WanVACEBackend, CogVideoXFunBackend, AnimateDiffBackend)
}
"""Backend name -> class, in the order of the table above."""

if tuple(BACKENDS) != BACKEND_NAMES:  # the names are declared once, in plan/options.py
    raise ImportError(f"backend registry {tuple(BACKENDS)} differs from {BACKEND_NAMES}")


def backend_class(name: str) -> type[DiffusersBackend]:
    """The backend class called `name`; refuses unknown names, listing the known ones."""
    try:
        return BACKENDS[name]
    except KeyError:
        known = ", ".join(BACKEND_NAMES)
        raise GenerationInputError("backend", f"unknown backend {name!r}; one of {known}") from None


def get_generator(name: str, options: BackendOptions | None = None) -> DiffusersBackend:
    """The backend `name` with the weights of `options` loaded (see `BackendOptions`)."""
    return backend_class(name).from_pretrained(options)


__all__ = [
    "BACKENDS",
    "BACKEND_NAMES",
    "AnimateDiffBackend",
    "CogVideoXFunBackend",
    "DiffusersBackend",
    "WanAnimateBackend",
    "WanVACEBackend",
    "backend_class",
    "fit_camera",
    "get_generator",
]
