"""Whatever the script, the whole pipeline returns a valid plan or raises a ScriptError with a
line: the planner and realizer never crash on what the parser accepts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motiondirector import plan_text
from motiondirector.errors import ScriptError
from motiondirector.plan.validate import validate_plan

from ..scene.test_fuzz import FRAGMENTS

CUES = [
    "ANA",
    "BEN",
    "(angrily)",
    "(to BEN)",
    "(beat)",
    "No, no, no! I don't know, maybe.",
    "You, me, this, that one over there: first, second, third.",
    "Thank you. Great job! We did it!",
    "Ana crosses her arms and sits down.",
    "She shakes her head. He points at the door.",
    "They hug.",
    "Hmm... let me think.",
    "?",
    "!!!",
]

scripts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS + CUES), st.text(max_size=30)), max_size=25
).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts)
def test_any_script_plans_or_fails_with_a_line(text: str) -> None:
    try:
        plan = plan_text(text)
    except ScriptError as error:
        assert error.line is not None and error.line >= 1
        return
    assert validate_plan(plan) == []
