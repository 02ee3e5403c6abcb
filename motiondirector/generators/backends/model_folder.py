"""What a local model folder holds, read from its JSON files before any weights load.

`check_model_reference` refuses a path-like model that is no folder, and `check_model_folder`
a folder in diffusers layout saved for another backend (its `model_index.json` names another
backend's pipeline, or its denoiser is another model class), so the mistake is named before
minutes of loading end in a long loader error. `denoiser_config` reads the denoiser's
`config.json`, with which `speed.check_lora_file` compares a LoRA's layer widths and block
numbers. A hub id is read from its snapshot in the Hugging Face cache when there is one:
nothing here touches the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motiondirector.errors import GenerationError, GenerationInputError

if TYPE_CHECKING:
    from motiondirector.generators.backends.common import DiffusersBackend


def local_folder(model: str | None) -> Path | None:
    """The folder `model` names on this machine (None: a hub id, or nothing given)."""
    if model is None:
        return None
    path = Path(model).expanduser()
    return path if path.is_dir() else None


def model_files(model: str | None) -> Path | None:
    """Where this machine holds `model`'s files: the folder it names, or for a hub id the
    snapshot already in the Hugging Face cache (None: neither; nothing is downloaded)."""
    folder = local_folder(model)
    if folder is not None or model is None or model.startswith(("/", ".", "~")):
        return folder
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    try:
        found = try_to_load_from_cache(model, "model_index.json")
    except ValueError:  # not a repository id
        return None
    return Path(found).parent if isinstance(found, str) else None


def check_model_reference(model: str) -> None:
    """Refuse a path-like `model` that is not a folder here (before the loader's long error)."""
    looks_local = model.startswith(("/", "./", "../", "~")) or Path(model).exists()
    if looks_local and local_folder(model) is None:
        raise GenerationError(
            f"no model folder at {model!r}: give a folder in diffusers layout (with "
            "model_index.json) or a Hugging Face hub id"
        )


def check_model_folder(backend: type[DiffusersBackend], model: str) -> None:
    """Refuse a model folder (or a hub id's cached snapshot) made for another backend
    (nothing to check for one this machine does not have)."""
    folder = model_files(model)
    if folder is None:
        return
    others = {
        other.pipeline_class_name: other.name
        for other in known_backends(backend)
        if other.pipeline_class_name != backend.pipeline_class_name
    }
    pipeline = _class_name(folder / "model_index.json")
    if pipeline in others:
        raise GenerationInputError(
            "model",
            f"{model} holds a {pipeline} (the {others[pipeline]} backend's model), not the "
            f"{backend.pipeline_class_name} that {backend.name} loads; pass --backend "
            f"{others[pipeline]} or another model",
        )
    denoiser = _class_name(folder / backend.denoiser_attr / "config.json")
    # AnimateDiff builds its UNetMotionModel from an SD 1.5 UNet folder: any class goes there.
    if backend.denoiser_attr == "transformer" and denoiser not in (
        None,
        backend.denoiser_class_name,
    ):
        raise GenerationInputError(
            "model",
            f"{model}'s {backend.denoiser_attr} is a {denoiser}, not the "
            f"{backend.denoiser_class_name} that {backend.name} needs",
        )


def known_backends(backend: type[DiffusersBackend]) -> list[type[DiffusersBackend]]:
    """Every backend class defined beside `backend` (the subclasses of their common base,
    found without importing the registry, which imports this module's importers)."""
    root = next(k for k in reversed(backend.__mro__) if "denoiser_attr" in vars(k))
    found, stack = [], [root]
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if isinstance(vars(kind).get("name"), str):
            found.append(kind)
    return found


def denoiser_config(backend: type[DiffusersBackend], model: str | None) -> dict[str, Any] | None:
    """The denoiser's `config.json` of a local model folder or cached snapshot (None: none)."""
    folder = model_files(model)
    if folder is None:
        return None
    return _read_json(folder / backend.denoiser_attr / "config.json")


def _class_name(path: Path) -> str | None:
    config = _read_json(path)
    name = config.get("_class_name") if config else None
    return name if isinstance(name, str) else None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
