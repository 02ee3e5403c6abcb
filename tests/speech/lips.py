"""How far a planned line's ARKit curves close the lips on each of its labial consonants."""

from __future__ import annotations

from motiondirector.export.arkit import arkit_curves
from motiondirector.plan.vocabulary import load_arkit_map
from motiondirector.realize.pipeline import plan_text
from motiondirector.speech import character_keys
from motiondirector.speech.visemes import Key

COLUMN = {name: i for i, name in enumerate(load_arkit_map().blendshapes)}
CLOSING = [COLUMN["mouthClose"], COLUMN["mouthPressLeft"], COLUMN["mouthPressRight"]]
LABIALS = ("M", "B", "P")


def labial_closures(line: str, speaker: str) -> list[tuple[Key, float]]:
    """Each key of m, b or p in `speaker`'s `line` (a one-line plain-text script), with the
    most the lips close (mouthClose, mouthPress) between its start and end at 30 fps."""
    plan = plan_text(line, format="text")
    times, weights = arkit_curves(plan, speaker, 30)
    closure = weights[:, CLOSING].max(axis=1)
    found = []
    for key in character_keys(plan, speaker):
        if key.phoneme in LABIALS:
            inside = (times >= key.start) & (times <= key.end)
            found.append((key, float(closure[inside].max()) if inside.any() else 0.0))
    return found
