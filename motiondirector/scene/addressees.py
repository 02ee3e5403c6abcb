"""Who a line is spoken to, when the script does not say.

The rule, in order (documented in docs/input-formats.md):
1. characters on stage whom the line names ("Ben, listen", "..., Ana?"), in order of mention;
2. in a beat with one other character on stage, that character;
3. the previous speaker of the beat, when it is someone else;
4. everyone else on stage (nobody, for a monologue to an empty room or to the audience).
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
) -> tuple[str, ...]:
    others = [name for name in on_stage if name != speaker]
    named = [name for name in names.mentions(text) if name in others]
    if named:
        return tuple(named)
    if len(others) == 1:
        return (others[0],)
    if previous_speaker is not None and previous_speaker in others:
        return (previous_speaker,)
    return tuple(others)
