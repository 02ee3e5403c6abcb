"""Exports of a MotionPlan to the formats users' tools read.

    json        the plan itself (`MotionPlan.to_json()`)
    bml         BML 1.0 behaviour blocks with word sync points
    arkit-csv   per character, ARKit-52 blendshape weights per frame (CSV)
    arkit-json  the same as JSON
    live-link-face  per character, Live Link Face CSV (weights, head and eye rotations)
    visemes     per character, time-coded visemes of the speech tracks (JSON)
    vtt, srt    subtitles of the lines, with speakers

`export_plan` returns one format as text; `write_exports` writes several into a folder.
"""

from motiondirector.errors import ExportError
from motiondirector.export.arkit import arkit_curves
from motiondirector.export.files import write_exports
from motiondirector.export.formats import export_plan
from motiondirector.plan.options import EXPORT_FORMATS

__all__ = [
    "EXPORT_FORMATS",
    "ExportError",
    "arkit_curves",
    "export_plan",
    "write_exports",
]
