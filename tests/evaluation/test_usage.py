"""Reading a planner's model counters without knowing its type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from motiondirector.evaluation import usage_counters
from motiondirector.evaluation.usage import usage_delta


@dataclass
class Stats:
    calls: int = 2
    prompt_tokens: int = 300
    completion_tokens: int = 40
    cache_hits: int = 1
    seconds_waiting: float = 1.5


@dataclass
class Usage:
    prompt_tokens: int = 7
    completion_tokens: int = 3


class StatsPlanner:
    name = "with-stats"
    stats = Stats()


class UsagePlanner:
    name = "with-usage"
    usage = Usage()


class MappingPlanner:
    name = "with-mapping"
    usage: ClassVar[dict[str, object]] = {
        "prompt_tokens": 11,
        "completion_tokens": 5,
        "note": "ignored",
    }


class PlainPlanner:
    name = "plain"


def test_stats_are_read_by_the_known_counter_names() -> None:
    assert usage_counters(StatsPlanner()) == {
        "calls": 2.0,
        "prompt_tokens": 300.0,
        "completion_tokens": 40.0,
        "cache_hits": 1.0,
    }


def test_usage_objects_and_mappings_are_read_too() -> None:
    assert usage_counters(UsagePlanner()) == {"prompt_tokens": 7.0, "completion_tokens": 3.0}
    assert usage_counters(MappingPlanner()) == {"prompt_tokens": 11.0, "completion_tokens": 5.0}


def test_a_planner_without_counters_reports_nothing() -> None:
    assert usage_counters(PlainPlanner()) == {}


def test_the_delta_counts_what_happened_between_two_reads() -> None:
    before = {"calls": 2.0, "prompt_tokens": 300.0}
    after = {"calls": 3.0, "prompt_tokens": 420.0, "cache_hits": 1.0}
    assert usage_delta(before, after) == {"calls": 1.0, "prompt_tokens": 120.0, "cache_hits": 1.0}
