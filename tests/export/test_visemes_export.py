"""The visemes export: one character's speech tracks as time-coded keys of the 15 visemes."""

from __future__ import annotations

import itertools
import json

from motiondirector.export import export_plan
from motiondirector.plan.motion_plan import VISEMES, MotionPlan
from motiondirector.speech import attach_visemes


def test_keys_are_time_coded_visemes_of_that_character(plan: MotionPlan) -> None:
    data = json.loads(export_plan(plan, "visemes", character="ANA"))
    assert data["format"] == "motiondirector-visemes" and data["version"] == "1.0"
    assert data["character"] == "ANA" and data["duration"] == 6.0
    assert data["visemes"] == list(VISEMES) and len(VISEMES) == 15
    assert [u["id"] for u in data["utterances"]] == ["u1"]
    keys = data["utterances"][0]["keys"]
    assert keys[0]["start"] == 0.5 and keys[-1]["end"] == 2.5
    assert all(set(k) == {"start", "end", "viseme", "phoneme", "weight"} for k in keys)
    assert all(k["viseme"] in VISEMES for k in keys)
    assert all(a["end"] <= b["start"] + 1e-9 for a, b in itertools.pairwise(keys))
    ben = [k for k in keys if 0.9 <= k["start"] < 1.2]
    assert [k["viseme"] for k in ben] == ["PP", "E", "nn"]  # "Ben,"
    assert [k["phoneme"] for k in keys if k["viseme"] == "sil"] == ["sil"]  # "Ben, | I"


def test_the_export_is_the_track_the_plan_would_carry(plan: MotionPlan) -> None:
    carried = attach_visemes(plan)
    assert export_plan(carried, "visemes", character="BEN") == export_plan(
        plan, "visemes", character="BEN"
    )
    data = json.loads(export_plan(carried, "visemes", character="BEN"))
    track = carried.utterances[1].visemes
    assert track is not None
    assert [k["viseme"] for k in data["utterances"][0]["keys"]] == [k.viseme for k in track]
    # "&" is spoken as "and", "<unreal>." as "unreal".
    words = [k["phoneme"] for k in data["utterances"][0]["keys"]]
    assert words[words.index("UW1") + 1 :][:3] == ["AH0", "N", "D"]
