"""The speech track in the plan (schema 1.2): optional, carried as given, derived the same
way every time, and older plans still load."""

from __future__ import annotations

import itertools
import json

from motiondirector.plan.motion_plan import SCHEMA_VERSION, MotionPlan, motion_plan_json_schema
from motiondirector.plan.validate import load_plan_json
from motiondirector.realize.pipeline import plan_text
from motiondirector.speech import attach_visemes, utterance_visemes

SCRIPT = "ANA: Maybe we should go.\nBEN: Or maybe not, Ana. I'm 42!\n"


def test_a_plan_leaves_the_track_out_unless_asked() -> None:
    plan = plan_text(SCRIPT, format="text")
    assert plan.schema_version == SCHEMA_VERSION == "1.6"
    assert all(u.visemes is None for u in plan.utterances)
    assert '"visemes"' not in plan.to_json() and '"phonemes"' not in plan.to_json()
    assert plan_text(SCRIPT, format="text").to_json() == plan.to_json()


def test_attached_tracks_round_trip_and_are_deterministic() -> None:
    plan = attach_visemes(plan_text(SCRIPT, format="text"))
    text = plan.to_json()
    assert text == attach_visemes(plan_text(SCRIPT, format="text")).to_json()
    loaded = load_plan_json(text)
    assert loaded == plan
    first = loaded.utterances[0].visemes
    assert first is not None
    assert [k.phoneme for k in first[:4]] == ["M", "EY1", "EY1", "B"]
    assert [k.viseme for k in first[:4]] == ["PP", "E", "ih", "PP"]
    assert all(a.start <= b.start for a, b in itertools.pairwise(first))
    assert all(k.end >= k.start for k in first)
    # A track the plan carries is kept as it is.
    assert attach_visemes(loaded) == loaded
    assert utterance_visemes(loaded.utterances[1]) == loaded.utterances[1].visemes


def test_older_plans_still_load() -> None:
    document = json.loads(plan_text(SCRIPT, format="text").to_json())
    for version in ("1.0", "1.1", "1.2", "1.3", "1.4"):
        old = {**document, "schema_version": version}
        plan = MotionPlan.model_validate(old)
        assert plan.schema_version == "1.6"
        assert plan.utterances[0].visemes is None


def test_the_published_schema_has_the_track() -> None:
    schema = motion_plan_json_schema()
    assert str(schema["$id"]).endswith("motion-plan-1.6.json")
    utterance = schema["$defs"]["PlanUtterance"]["properties"]  # type: ignore[index]
    assert "visemes" in utterance
    key = schema["$defs"]["VisemeKey"]["properties"]  # type: ignore[index]
    assert set(key) == {"phoneme", "viseme", "start", "end", "weight"}
    assert len(key["viseme"]["enum"]) == 15
    word = schema["$defs"]["Word"]["properties"]  # type: ignore[index]
    assert "phonemes" in word


def test_a_timed_word_given_no_time_is_not_mouthed() -> None:
    """As docs/speech.md says: a zero-length word gets no keys; the word after it does."""
    turn = {
        "speaker": "ANA",
        "words": [
            {"text": "Hello", "start": 0.0, "end": 0.0},
            {"text": "Ben", "start": 0.35, "end": 0.6},
        ],
    }
    plan = plan_text(json.dumps({"characters": ["ANA"], "turns": [turn]}), format="json")
    keys = utterance_visemes(plan.utterances[0])
    assert keys and all(0.35 <= k.start < k.end <= 0.6 for k in keys)
    assert [k.phoneme for k in keys] == ["B", "EH1", "N"]
