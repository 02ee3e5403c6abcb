"""Reads action lines ("Ana crosses her arms. He sits down heavily.") into who does what.

Finds the verbs of the action lexicon (every form: crosses, crossed, crossing), works out each
verb's subject -- a character name (first or full name, any case), a group ("they": the last
list of names while it is still the group in view, else, like "the men", everyone on stage, but
whoever the sentence names doing something alone; "both", "the three of them": the last list of
that many names), a pronoun resolved to the character last mentioned of that gender -- and the
character or place it is aimed at. A verb whose subject is not a known
character produces nothing: it never guesses. Asides in brackets ("Charya (the Librarian) walks
over") are skipped. Asked to, it also gives the face of an emotion the line describes ("MARY,
furious, sits") to the character it describes. It returns templates with characters; building
Behaviours is `rules.py`'s job.

The reader's parts, each importing only those listed before it: `words` (shared word sets),
`tokens`, `names` (who a word names), `references` (whom a pronoun or group means), `syntax`
(what the words around a verb say), `results` (the cues it returns), `seats`, `parser`.
"""

from motiondirector.planners.actions.names import NameIndex, role_names
from motiondirector.planners.actions.parser import CEASING, NEGATIONS, ActionParser
from motiondirector.planners.actions.references import ReferenceTracker
from motiondirector.planners.actions.results import ActionCue, FeelingCue, StageCue
from motiondirector.planners.actions.seats import SEATED_AROUND

__all__ = [
    "CEASING",
    "NEGATIONS",
    "SEATED_AROUND",
    "ActionCue",
    "ActionParser",
    "FeelingCue",
    "NameIndex",
    "ReferenceTracker",
    "StageCue",
    "role_names",
]
