"""The visemes export: one character's speech tracks as time-coded viseme keys, for engines and
lip-sync components that take visemes (the 15 of Oculus / Meta lip sync) rather than
blendshapes.

    {"format": "motiondirector-visemes", "version": "1.0", "character": "ANA",
     "duration": 6.0, "visemes": ["sil", "PP", ...],
     "utterances": [{"id": "u1", "start": 0.5, "end": 2.5, "keys": [
        {"start": 0.5, "end": 0.555, "viseme": "kk", "phoneme": "HH", "weight": 1.0}, ...]}]}

Keys are in time order, times in seconds from the scene start; a `sil` key marks a pause
between words, and the mouth rests between utterances. The track is the utterance's own when
the plan carries one, else the one derived from its words, the same the ARKit exports use.
A voice-over (V.O.) has no keys: the character does not say it on screen.
"""

from __future__ import annotations

import json

from motiondirector.plan.motion_plan import VISEMES, MotionPlan
from motiondirector.speech.track import utterance_keys

VISEMES_FORMAT = "motiondirector-visemes"
VISEMES_VERSION = "1.0"


def visemes_json(plan: MotionPlan, character: str) -> str:
    """`character`'s speech tracks as JSON, one key per line."""
    head = {
        "format": VISEMES_FORMAT,
        "version": VISEMES_VERSION,
        "character": character,
        "duration": plan.scene.duration,
        "visemes": list(VISEMES),
    }
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    blocks = []
    for utterance in plan.utterances:
        if not utterance.mouthed_by(character):
            continue
        keys = ",\n".join(
            "        "
            + json.dumps(
                {
                    "start": k.start,
                    "end": k.end,
                    "viseme": k.viseme,
                    "phoneme": k.phoneme,
                    "weight": k.weight,
                },
                separators=(",", ":"),
            )
            for k in utterance_keys(utterance)
        )
        opening = json.dumps({"id": utterance.id, "start": utterance.start, "end": utterance.end})
        blocks.append(f'    {opening[:-1]}, "keys": [\n{keys}\n    ]}}')
    body = ",\n".join(blocks)
    utterances = '  "utterances": [\n' + body + "\n  ]" if blocks else '  "utterances": []'
    return "{\n" + "\n".join(lines) + "\n" + utterances + "\n}\n"
