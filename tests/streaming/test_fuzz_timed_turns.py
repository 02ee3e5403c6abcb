"""Whatever word timings a client's TTS sends (words with no length, gaps, several speakers), a
dialogue the reader accepts streams every one of its frames and realizes a body for each
character: the realizer and the streams never fail on what the parser accepts."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motiondirector import plan_text
from motiondirector.errors import ScriptError
from motiondirector.realize import realize_plan
from motiondirector.retrieval import ClipLibrary
from motiondirector.streaming import PlanFrames

WORDS = ["No!", "Hi,", "Ben.", "why", "日本", "안녕", "...", "OK?"]

lengths = st.sampled_from([0.0, 0.0, 0.001, 0.01, 0.02, 0.2, 0.5])
gaps = st.sampled_from([0.0, 0.0, 0.01, 0.3])


@st.composite
def timed_turn(draw: st.DrawFn) -> dict[str, object]:
    said = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
    start = draw(st.sampled_from([0.0, 0.0, 0.5]))
    words = []
    for text in said:
        end = start + draw(lengths)
        words.append({"text": text, "start": round(start, 3), "end": round(end, 3)})
        start = end + draw(gaps)
    speaker = draw(st.sampled_from(["ANA", "BEN"]))
    return {"speaker": speaker, "text": " ".join(said), "words": words}


dialogues = st.lists(timed_turn(), min_size=1, max_size=3).map(lambda turns: {"turns": turns})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialogue=dialogues)
def test_any_timed_dialogue_streams_all_its_frames(
    builtin_clips: ClipLibrary, dialogue: dict[str, object]
) -> None:
    try:
        plan = plan_text(json.dumps(dialogue), format="json")
    except ScriptError:
        return
    frames = PlanFrames(plan, library=builtin_clips)
    assert sum(len(batch) for batch in frames.batches(64)) == frames.frame_count
    realized = realize_plan(plan, builtin_clips, tokens=False)
    assert {name: motion.rotations.shape[0] for name, motion in realized.motions.items()} == {
        track.name: frames.frame_count for track in plan.characters
    }
