"""The exception tree of motiondirector. Every error we raise on purpose derives from
`MotionDirectorError`, so callers can catch one root.

    MotionDirectorError
    ├── ScriptError            a script could not be read; carries file and line
    │   └── InputTooLargeError the script is over the configured size limit
    ├── PlanValidationError    a plan breaks the contract; lists every violation
    ├── ExportError            a plan cannot be exported as asked (format, character, fps)
    └── BackendUnavailableError an optional backend is missing; says what to install
"""

from __future__ import annotations

from collections.abc import Sequence


class MotionDirectorError(Exception):
    """Root of every error motiondirector raises on purpose."""


class ScriptError(MotionDirectorError):
    """A script could not be parsed. `line` is 1-based; `file` is None for in-memory text."""

    def __init__(self, message: str, *, line: int | None = None, file: str | None = None) -> None:
        self.message = message
        self.line = line
        self.file = file
        where = file or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class InputTooLargeError(ScriptError):
    """The script is larger than the configured limit."""


class PlanValidationError(MotionDirectorError):
    """A plan or direction breaks the contract. `violations` lists every problem found."""

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = list(violations)
        listing = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} violation(s):\n{listing}")


class ExportError(MotionDirectorError):
    """A plan could not be exported as asked: unknown format, character or frame rate."""


class BackendUnavailableError(MotionDirectorError):
    """An optional backend cannot be used here; the message says what to install."""
