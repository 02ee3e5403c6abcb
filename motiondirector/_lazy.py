"""Lazy package attributes: a package lists the names it promises and the module of each, and
a name's module is imported on first use, so importing the package stays cheap."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_attributes(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level `__getattr__` for `package` that imports `name` from `modules[name]`.

    It also gives `package` a `__dir__` that lists the lazy names beside those already loaded,
    so `dir()`, a REPL's completion and `help()` show the promised names before first use."""
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(module), name)

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(modules))

    namespace["__dir__"] = __dir__
    return __getattr__
