"""The exception tree of motiondirector. Every error we raise on purpose derives from
`MotionDirectorError`, so callers can catch one root.

    MotionDirectorError
    ├── ScriptError            a script could not be read; carries file and line
    │   ├── InputTooLargeError the script is over the configured size limit
    │   └── SceneLimitError    the scene asks for more than its limits (duration, gaps, cast)
    ├── PlanValidationError    a plan breaks the contract; lists every violation
    │   └── plan.validate.NotAPlanError  another document of ours (a timeline…) as a plan
    ├── ExportError            a plan cannot be exported as asked (format, character, fps)
    ├── LibraryError           a clip library cannot be created, opened or changed as asked
    │   ├── LibraryNotFoundError   no library at the path
    │   ├── CorruptLibraryError    a file is missing, unreadable or fails its checksum
    │   ├── LibraryMismatchError   built with another embedding model or dimension
    │   ├── LibraryConflictError   changed on disk since this handle opened it
    │   └── retrieval.video.VideoProbeError  a video cannot be opened or is truncated
    ├── faces.errors.FaceAnalysisError  a video's face cannot be analysed
    │   ├── FaceModelError     the face model is missing or unreadable; names the setting
    │   └── FaceVideoError     a video has no face, no picture, or cannot be decoded
    ├── GestureLibraryError    the built-in gesture library lacks a clip or its data is bad
    ├── CodebookError          a motion codebook cannot be trained, read or applied
    ├── AssemblyError          a timeline segment's material cannot be loaded or placed
    ├── EvaluationError        an evaluation suite cannot run (unknown name, missing data)
    ├── QuerySetError          a retrieval query set cannot be read or is malformed
    ├── TurnError              a live dialogue turn cannot be taken; names the field at fault
    ├── RevisionError          a director's note cannot be read or applied to a direction
    ├── AgentError             the LLM director agent ended without a usable plan
    ├── BackendUnavailableError an optional backend is missing; says what to install
    ├── GenerationError        a video generator backend failed to load or run
    │   └── GenerationInputError  a generation request is invalid; names the argument
    └── LLMError               an LLM call failed after retries (status, timeout, bad answers);
                               carries the attempts
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


class SceneLimitError(ScriptError):
    """The scene asks for more than `scene.limits.SceneLimits` allows. `field` names where
    (`turns[0].words[2].start`, `characters`, ...); `limit` names the limit
    (`max_gap_s`, ...); `reason` is the message without the field."""

    def __init__(
        self,
        message: str,
        *,
        field: str,
        limit: str,
        line: int | None = None,
        file: str | None = None,
    ) -> None:
        self.field = field
        self.limit = limit
        self.reason = f"{message} ({limit})"
        super().__init__(f"{field}: {self.reason}", line=line, file=file)


class PlanValidationError(MotionDirectorError):
    """A plan or direction breaks the contract. `violations` lists every problem found."""

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = list(violations)
        listing = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} violation(s):\n{listing}")


class ExportError(MotionDirectorError):
    """A plan could not be exported as asked: unknown format, character or frame rate."""


class LibraryError(MotionDirectorError):
    """A clip library cannot be created, opened or changed as asked."""


class LibraryNotFoundError(LibraryError):
    """No clip library at the given path."""


class CorruptLibraryError(LibraryError):
    """A library file is missing, unreadable or does not match its checksum."""


class LibraryMismatchError(LibraryError):
    """The library was built with another embedding model or dimension than the one in use."""


class LibraryConflictError(LibraryError):
    """The library changed on disk since this handle opened it; reopen and try again."""


class GestureLibraryError(MotionDirectorError):
    """The built-in gesture library's data is malformed, or a clip was asked for that it lacks."""


class CodebookError(MotionDirectorError):
    """A codebook could not be trained, read or applied as asked."""


class AssemblyError(MotionDirectorError):
    """A timeline segment's material cannot be loaded or placed."""


class EvaluationError(MotionDirectorError):
    """A suite cannot run: unknown name, missing data, or unreadable data."""


class QuerySetError(MotionDirectorError):
    """A retrieval query set cannot be read or is malformed."""


class TurnError(MotionDirectorError):
    """A live dialogue turn cannot be taken as given. `field` names the request field at fault
    (e.g. "words[2]", "addressee")."""

    def __init__(self, message: str, *, field: str) -> None:
        self.message = message
        self.field = field
        super().__init__(f"{field}: {message}")


class RevisionError(MotionDirectorError):
    """A director's note cannot be turned into constraints, or they cannot be applied (unknown
    character or line, no Direction to revise)."""


class AgentError(MotionDirectorError):
    """The LLM director agent ended without a usable plan (step limit, no plan made)."""


class BackendUnavailableError(MotionDirectorError):
    """An optional backend cannot be used here; the message says what to install."""


class GenerationError(MotionDirectorError):
    """A video generator backend could not load its model or failed while generating."""


class GenerationInputError(GenerationError):
    """A generation request is invalid for the backend; `argument` names the bad field."""

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")


class LLMError(MotionDirectorError):
    """An LLM could not give a usable answer; `attempts` says what each try returned."""

    def __init__(self, message: str, attempts: Sequence[str] = ()) -> None:
        self.attempts = tuple(attempts)
        detail = "".join(f"\n  attempt {i}: {a}" for i, a in enumerate(self.attempts, 1))
        super().__init__(message + detail)
