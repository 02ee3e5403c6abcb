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

Getting up says what came before it: a character on stage when the beat opens whose first
posture cue there rises to their feet ("JAMES jumps up from a plastic chair", "stands up",
"gets out of bed"), before the first line of dialogue or after it ("OWEN: Can I go? He
stands up."), was seated, or lying where a bed is named, and one who sits up was lying; so
does sitting somewhere said after the dialogue began: one who first "leans back in his
chair", or of whom "At her desk, ANA types." is first said, was seated all along.
The scene opens on that posture; the getting up happens when the line says.

Eyes shut in sleep there ("FINN dozes at the next bench, his head on his papers.") are shut
from the beat's start too.

Those postures are directed with the origin `opening` (rule `rules.action.opening`): the
realizer starts them where the beat starts, and the sequencer holds the pose from the first
frame instead of playing the transition into it (`MotionPlan.opens_in`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from motiondirector.plan.motion_plan import STATE_POSTURES
from motiondirector.plan.realizer.face import HELD_SHUT, SHUT
from motiondirector.plan.scene import Scene
from motiondirector.planners.actions import SEATED_AROUND, ActionCue

# Words of getting to one's feet ("stands up", "rises", "jumps to her feet"); straightening up
# is standing taller, from no seat.
_RISING = frozenset(
    {"up", "feet", "rise", "rises", "rose", "risen", "rising", "stand", "stands", "stood"}
)
_STRAIGHTENING = frozenset({"straighten", "straightens", "straightened", "straightening"})
_LANDING = frozenset({"land", "lands", "landed", "landing"})
# A verb of sitting said after the first line is sitting down then ("He sits on the edge of
# the chair"), not where one sat all along.
_SITTING = frozenset({"sit", "sits", "sat", "sitting", "perches", "perch", "plops", "settles"})
# What one gets up from ("gets out of her chair", "climbs out of bed").
_SEATS = frozenset({"chair", "seat", "armchair", "couch", "sofa", "bench", "stool", "bed"})


@dataclass(frozen=True, slots=True)
class Openings:
    """The postures a scene opens on, as cues of its action lines: (action id, index of the cue
    in its line's cues)."""

    states: set[tuple[str, int]] = field(default_factory=set)
    """Cues whose own posture is held from the beat's start ("NORA lies in bed.")."""
    before: dict[tuple[str, int], str] = field(default_factory=dict)
    """Cues of getting up, and the posture their character holds from the beat's start until
    then ("jumps up from a chair": sit)."""
    shut: set[tuple[str, int]] = field(default_factory=set)
    """Cues of eyes shut in sleep the beat opens on ("FINN dozes at the next bench"): shut
    from the beat's start, and held until he wakes (`plan.realizer.face`)."""


def _before(cue: ActionCue) -> str | None:
    """The posture a character's first posture cue of a beat says they were in, if any."""
    words = set(cue.trigger.lower().split())
    if (
        cue.state
        and cue.template.lexeme == "sit"
        and words & SEATED_AROUND
        and not words & _SITTING
    ):
        return "sit"  # "At her desk, ANA types" after the first line: where she sat
    if cue.state or words & _STRAIGHTENING or words & _LANDING:
        return None  # landing on one's feet comes from a jump or a fall, not a seat
    if cue.template.lexeme == "stand" and words & (_RISING | _SEATS):
        return "lie" if "bed" in words else "sit"
    if cue.template.lexeme == "sit" and "up" in words:
        return "lie"  # "sits up in bed"
    return None


def opening_postures(scene: Scene, action_cues: Mapping[str, Sequence[ActionCue]]) -> Openings:
    """Every posture the scene opens on."""
    first_spoken: dict[int, float] = {}
    for utterance in scene.utterances:
        first_spoken.setdefault(utterance.beat, utterance.start)
    placed: set[tuple[int, str]] = set()  # (beat, character) with a posture cue already
    found = Openings()
    for action in sorted(scene.actions, key=lambda a: (a.start, a.line or 0)):
        opening = action.start < first_spoken.get(action.beat, scene.duration + 1)
        beat = scene.beats[action.beat] if action.beat < len(scene.beats) else None
        on_at_start = scene.on_stage(action.beat, beat.start) if beat is not None else ()
        for index, cue in enumerate(action_cues.get(action.id, ())):
            template = cue.template
            if (
                opening
                and template.channel == "face"
                and template.au == SHUT
                and template.intensity >= HELD_SHUT
                and cue.character in on_at_start
            ):
                found.shut.add((action.id, index))
            if template.channel != "posture":
                continue
            key = (action.beat, cue.character)
            if key not in placed and cue.character in on_at_start:
                if opening and template.lexeme in STATE_POSTURES and cue.state:
                    found.states.add((action.id, index))
                elif (before := _before(cue)) is not None:
                    found.before[(action.id, index)] = before
            placed.add(key)
    return found
