"""Who a line is spoken to, when the script does not say.

The rule, in order (documented in docs/input-formats.md):
1. characters on stage whom the line names ("Ben, listen", "..., Ana?"), in order of mention;
2. in a beat with one other character on stage, that character;
3. the previous speaker of the beat, when it is someone else;
4. everyone else on stage;
5. with nobody else on stage, the last to go off since the beat's previous line ("Fine! Go!"
   after Ben storms out); else nobody, for a monologue to an empty room or to the audience.
"""

from __future__ import annotations

from collections.abc import Sequence

from motiondirector.scene.names import NameMatcher


def infer_addressees(
    speaker: str,
    text: str,
    on_stage: Sequence[str],
    previous_speaker: str | None,
    names: NameMatcher,
    gone: Sequence[str] = (),
) -> tuple[str, ...]:
    """`gone`: who has gone off stage since the beat's previous line, in order."""
    others = [name for name in on_stage if name != speaker]
    named = [name for name in names.mentions(text) if name in others]
    if named:
        return tuple(named)
    if len(others) == 1:
        return (others[0],)
    if previous_speaker is not None and previous_speaker in others:
        return (previous_speaker,)
    if not others and gone and gone[-1] != speaker:
        return (gone[-1],)
    return tuple(others)
