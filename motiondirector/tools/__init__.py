"""Tools for agents: plain functions with pydantic arguments and small results over the parts of
motiondirector (rendering, planning, retrieval), and LangChain tools built on them.

The names below are this package's promise; its modules are internal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes

if TYPE_CHECKING:
    from motiondirector.tools.langchain_tools import (
        TOOL_NAMES,
        DirectorLike,
        DirectorSession,
        build_tools,
    )
    from motiondirector.tools.rendering import (
        ConditioningArgs,
        RenderPreviewArgs,
        render_conditioning_tool,
        render_preview_tool,
    )

_LAZY = {
    "ConditioningArgs": "motiondirector.tools.rendering",
    "DirectorLike": "motiondirector.tools.langchain_tools",
    "DirectorSession": "motiondirector.tools.langchain_tools",
    "RenderPreviewArgs": "motiondirector.tools.rendering",
    "TOOL_NAMES": "motiondirector.tools.langchain_tools",
    "build_tools": "motiondirector.tools.langchain_tools",
    "render_conditioning_tool": "motiondirector.tools.rendering",
    "render_preview_tool": "motiondirector.tools.rendering",
}

__all__ = [
    "TOOL_NAMES",
    "ConditioningArgs",
    "DirectorLike",
    "DirectorSession",
    "RenderPreviewArgs",
    "build_tools",
    "render_conditioning_tool",
    "render_preview_tool",
]

__getattr__ = lazy_attributes(__name__, _LAZY)
