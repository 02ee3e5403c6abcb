"""The error every exporter raises: a MotionDirectorError that names what was asked for."""

from __future__ import annotations

from motiondirector.errors import MotionDirectorError


class ExportError(MotionDirectorError):
    """A plan could not be exported as asked: unknown format, character or frame rate."""
