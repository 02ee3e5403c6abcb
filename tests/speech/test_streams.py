"""The live frame stream reads the speech tracks: its blendshapes are the ARKit export's, and an
edited track carried by the plan moves the streamed mouth."""

from __future__ import annotations

import numpy as np

from motiondirector.export.arkit import arkit_curves
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize import plan_text, realize_plan
from motiondirector.retrieval import ClipLibrary
from motiondirector.speech import attach_visemes
from motiondirector.streaming import PlanFrames

COL = {name: i for i, name in enumerate(load_arkit_map().blendshapes)}


def test_the_stream_mouths_the_carried_track(builtin_clips: ClipLibrary) -> None:
    plan = attach_visemes(plan_text("ANA: Hello there, how are you?", format="text"))
    line = plan.utterances[0]
    assert line.visemes is not None
    closed = tuple(k.model_copy(update={"viseme": "PP"}) for k in line.visemes)
    edited = plan.model_copy(update={"utterances": (line.model_copy(update={"visemes": closed}),)})
    body = realize_plan(edited, builtin_clips, tokens=False)
    frames = PlanFrames(edited, fps=30, body=body)
    batch = frames.batch(0, frames.frame_count)
    streamed = batch.characters["ANA"].blendshapes
    assert np.array_equal(streamed, arkit_curves(edited, "ANA", 30)[1])
    inside = (batch.times > line.start + 0.05) & (batch.times < line.end - 0.05)
    assert streamed[inside, COL["mouthPressLeft"]].min() > 0.5
    # The same line with the track it would derive: lips close only on its bilabials (none).
    spoken = PlanFrames(plan, fps=30, body=body).batch(0, frames.frame_count)
    assert spoken.characters["ANA"].blendshapes[inside, COL["mouthPressLeft"]].max() < 0.2
