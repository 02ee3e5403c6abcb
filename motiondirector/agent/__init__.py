"""The director: the deterministic Director, the LLM agent over tools, revision by notes.

The names below are this package's promise; its modules are internal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes

if TYPE_CHECKING:
    from motiondirector.agent.director import Director
    from motiondirector.agent.llm_agent import AgentRun, LLMDirector
    from motiondirector.agent.notes import parse_note, parse_note_llm
    from motiondirector.agent.revise import RevisionResult, revise_result

_LAZY = {
    "AgentRun": "motiondirector.agent.llm_agent",
    "Director": "motiondirector.agent.director",
    "LLMDirector": "motiondirector.agent.llm_agent",
    "RevisionResult": "motiondirector.agent.revise",
    "parse_note": "motiondirector.agent.notes",
    "parse_note_llm": "motiondirector.agent.notes",
    "revise_result": "motiondirector.agent.revise",
}

__all__ = [
    "AgentRun",
    "Director",
    "LLMDirector",
    "RevisionResult",
    "parse_note",
    "parse_note_llm",
    "revise_result",
]

__getattr__ = lazy_attributes(__name__, _LAZY)
