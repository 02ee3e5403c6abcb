"""Option sets every layer shares, each declared once as a `Literal` with its tuple of values
(`get_args`), the way `plan/vocabulary.py` declares the vocabulary: the CLI's choices, the HTTP
models, the LangChain tools and the exporters read them from here.

This module must not import anything of ours.
"""

from __future__ import annotations

from typing import Literal, get_args

Fps = Literal[30, 60]
"""Frame rates of plans, ARKit exports, frame streams and previews."""
FPS_CHOICES: tuple[Fps, ...] = get_args(Fps)

ExportFormat = Literal[
    "json", "bml", "arkit-csv", "arkit-json", "live-link-face", "visemes", "vtt", "srt"
]
"""Plan exports (`motiondirector.export`); the ARKit, Live Link Face and visemes ones are per
character."""
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)

ScriptFormat = Literal["auto", "fountain", "fdx", "json", "text"]
"""Script formats the readers take; `auto` detects the format."""
SCRIPT_FORMATS: tuple[ScriptFormat, ...] = get_args(ScriptFormat)

PlannerName = Literal["rules", "llm", "hybrid"]
"""The planners `planners.get_planner` builds by name."""
PLANNER_NAMES: tuple[PlannerName, ...] = get_args(PlannerName)

BaselineName = Literal["neutral", "random"]
"""The baseline planners the evaluation compares against (`evaluation.baselines`)."""
BASELINE_NAMES: tuple[BaselineName, ...] = get_args(BaselineName)

BackendName = Literal["wan-animate", "wan-vace", "cogvideox-fun", "animatediff"]
"""The diffusers video backends (`generators.backends`, whose registry must match)."""
BACKEND_NAMES: tuple[BackendName, ...] = get_args(BackendName)

SuiteName = Literal["emotion", "behaviours", "screenplays", "retrieval", "realism"]
"""The evaluation suites (`evaluation.suites`), in the order a full run takes them."""
SUITE_NAMES: tuple[SuiteName, ...] = get_args(SuiteName)
