"""Counters a planner reports about its model calls (tokens, calls, cache hits), read without
knowing the planner's type.

A planner may expose `stats` (the LLM planner: calls, prompt_tokens, completion_tokens,
cache_hits, ...) or `usage` (an object or mapping with prompt_tokens and completion_tokens).
Both are cumulative over the planner's life, so a caller reads them before and after a call and
keeps the difference. A planner with neither (the rules planner) reports nothing, and the
evaluation tables then have no token columns. This module only reads; it never resets counters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Read in this order; fields a planner does not have are skipped. `invalid_answers` and
# `fallback_utterances` say how often a model's answer could not be used as it was.
COUNTERS = (
    "calls",
    "prompt_tokens",
    "completion_tokens",
    "cache_hits",
    "invalid_answers",
    "fallback_utterances",
)


def _field(source: Any, name: str) -> float | None:
    value = source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def usage_counters(planner: object) -> dict[str, float]:
    """The planner's cumulative counters by name; empty when it reports none."""
    counters: dict[str, float] = {}
    for attribute in ("stats", "usage"):
        source = getattr(planner, attribute, None)
        if source is None:
            continue
        for name in COUNTERS:
            value = _field(source, name)
            if value is not None and name not in counters:
                counters[name] = value
    return counters


def usage_delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """`after - before` per counter present in `after` (a counter new in `after` counts from 0)."""
    return {name: value - before.get(name, 0.0) for name, value in after.items()}
