"""The errors of face analysis, under the package's one root `MotionDirectorError`.

MotionDirectorError
└── FaceAnalysisError      a video cannot be analysed as asked
    ├── FaceModelError     the face model file is missing or unreadable; names the setting
    └── FaceVideoError     the video cannot be opened or decoded, or has no video stream
"""

from __future__ import annotations

from motiondirector.errors import MotionDirectorError


class FaceAnalysisError(MotionDirectorError):
    """A video cannot be analysed as asked."""


class FaceModelError(FaceAnalysisError):
    """The face model cannot be found or loaded; the message names the setting to change."""


class FaceVideoError(FaceAnalysisError):
    """A video cannot be opened or decoded, or has no video stream. `file` names it."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")
