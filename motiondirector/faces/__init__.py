"""Faces of real video: track a face with MediaPipe's Face Landmarker, read behaviour events in
the plan's vocabulary from the tracks, cut and profile behaviour segments for the clip library.

    from motiondirector.faces import analyze_video, track_face, read_behaviour
    result = analyze_video("talk.mp4", "out/talk")      # ARKit curves, head, events, summary
    track = track_face("talk.mp4")                       # FaceTrack: per-frame arrays
    behaviour = read_behaviour(track)                    # FaceEvent / HeadEvent / GazeEvent

The model file is found through `$MOTIONDIRECTOR_FACE_MODEL` (docs/faces.md); nothing is
downloaded. MediaPipe is imported only when a video is tracked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from motiondirector._lazy import lazy_attributes

if TYPE_CHECKING:
    from motiondirector.faces.analyze import AnalysisResult, analyze_video
    from motiondirector.faces.errors import FaceAnalysisError, FaceModelError, FaceVideoError
    from motiondirector.faces.events import FaceBehaviour, StateSpan, read_behaviour
    from motiondirector.faces.model import FACE_MODEL_ENV, FaceModel, find_face_model
    from motiondirector.faces.profile import (
        BehaviourProfile,
        BehaviourTarget,
        behaviour_match,
        target_from_events,
        target_from_text,
    )
    from motiondirector.faces.segments import FaceSegment, cut_segments
    from motiondirector.faces.stats import FaceStatistics, face_statistics, track_statistics
    from motiondirector.faces.tracker import FaceTrack, pack_tracks, track_face, unpack_tracks

_MODULES = {
    "AnalysisResult": "motiondirector.faces.analyze",
    "analyze_video": "motiondirector.faces.analyze",
    "FaceAnalysisError": "motiondirector.faces.errors",
    "FaceModelError": "motiondirector.faces.errors",
    "FaceVideoError": "motiondirector.faces.errors",
    "FaceBehaviour": "motiondirector.faces.events",
    "StateSpan": "motiondirector.faces.events",
    "read_behaviour": "motiondirector.faces.events",
    "FACE_MODEL_ENV": "motiondirector.faces.model",
    "FaceModel": "motiondirector.faces.model",
    "find_face_model": "motiondirector.faces.model",
    "BehaviourProfile": "motiondirector.faces.profile",
    "BehaviourTarget": "motiondirector.faces.profile",
    "behaviour_match": "motiondirector.faces.profile",
    "target_from_events": "motiondirector.faces.profile",
    "target_from_text": "motiondirector.faces.profile",
    "FaceSegment": "motiondirector.faces.segments",
    "cut_segments": "motiondirector.faces.segments",
    "FaceStatistics": "motiondirector.faces.stats",
    "face_statistics": "motiondirector.faces.stats",
    "track_statistics": "motiondirector.faces.stats",
    "FaceTrack": "motiondirector.faces.tracker",
    "track_face": "motiondirector.faces.tracker",
    "pack_tracks": "motiondirector.faces.tracker",
    "unpack_tracks": "motiondirector.faces.tracker",
}
__all__ = [
    "FACE_MODEL_ENV",
    "AnalysisResult",
    "BehaviourProfile",
    "BehaviourTarget",
    "FaceAnalysisError",
    "FaceBehaviour",
    "FaceModel",
    "FaceModelError",
    "FaceSegment",
    "FaceStatistics",
    "FaceTrack",
    "FaceVideoError",
    "StateSpan",
    "analyze_video",
    "behaviour_match",
    "cut_segments",
    "face_statistics",
    "find_face_model",
    "pack_tracks",
    "read_behaviour",
    "target_from_events",
    "target_from_text",
    "track_face",
    "track_statistics",
    "unpack_tracks",
]
__getattr__ = lazy_attributes(__name__, _MODULES)
