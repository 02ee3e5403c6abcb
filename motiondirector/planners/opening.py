"""Postures a scene opens on: what the description before the first line of dialogue shows.

"NORA (40s) lies in bed. TOM stands at the window." tells how the scene looks when it opens,
not something that happens after it has: Nora is lying from the first frame, she does not lie
down two seconds in. A posture cue of an action line is such a state when

- its line comes before the first line of dialogue of its beat (scene),
- it is the character's first posture cue in the beat, and the character is on stage when
  the beat opens (whoever enters and sits does sit down),
- its verb is one of being in a posture (sits, lies, stands, leans, kneels, perches, ...), not
  of getting into it ("sits down", "lies down", "stands up", "sits up", "slumps"), and no
  "then", "slowly" or "suddenly" comes right before it (`ActionCue.state`). A line in another
  language is read through its glossary, which says getting into a posture as English does:
  "NORA está acostada en la cama" lies from the first frame, "NORA se sienta" sits down.

Those cues are directed with the origin `opening` (rule `rules.action.opening`): the realizer
starts their posture where the beat starts, and the sequencer holds its pose from the first
frame instead of playing the transition into it (`MotionPlan.opens_in`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from motiondirector.plan.motion_plan import STATE_POSTURES
from motiondirector.plan.scene import Scene
from motiondirector.planners.actions import ActionCue


def opening_postures(
    scene: Scene, action_cues: Mapping[str, Sequence[ActionCue]]
) -> set[tuple[str, int]]:
    """(action id, index of the cue in its line's cues) of every posture the scene opens on."""
    first_spoken: dict[int, float] = {}
    for utterance in scene.utterances:
        first_spoken.setdefault(utterance.beat, utterance.start)
    placed: set[tuple[int, str]] = set()  # (beat, character) with a posture cue already
    found: set[tuple[str, int]] = set()
    for action in sorted(scene.actions, key=lambda a: (a.start, a.line or 0)):
        opening = action.start < first_spoken.get(action.beat, scene.duration + 1)
        beat = scene.beats[action.beat] if action.beat < len(scene.beats) else None
        on_at_start = scene.on_stage(action.beat, beat.start) if beat is not None else ()
        for index, cue in enumerate(action_cues.get(action.id, ())):
            if cue.template.channel != "posture":
                continue
            key = (action.beat, cue.character)
            if (
                opening
                and key not in placed
                and cue.character in on_at_start
                and cue.template.lexeme in STATE_POSTURES
                and cue.state
            ):
                found.add((action.id, index))
            placed.add(key)
    return found
