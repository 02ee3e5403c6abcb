"""motiondirector: directs digital humans, from a screenplay or a live dialogue to a
word-timed motion plan for every character on stage."""

from motiondirector.errors import (
    BackendUnavailableError,
    MotionDirectorError,
    PlanValidationError,
    ScriptError,
)

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailableError",
    "MotionDirectorError",
    "PlanValidationError",
    "ScriptError",
    "__version__",
]
