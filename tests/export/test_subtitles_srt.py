"""SRT cues escape markup exactly as WebVTT cues do: `&`, `<` and `>` in text and names."""

from __future__ import annotations

from collections.abc import Callable

from motiondirector.export import export_plan
from motiondirector.plan.motion_plan import MotionPlan

from .test_export_vtt import SRT_CUE, _vtt_cues


def _srt_texts(text: str) -> list[str]:
    texts = []
    for block in text.rstrip("\n").split("\n\n"):
        match = SRT_CUE.match(block)
        assert match, block
        texts.append(match["text"])
    return texts


def test_srt_escapes_markup_in_text(plan: MotionPlan) -> None:
    assert (
        _srt_texts(export_plan(plan, "srt"))[1]
        == "BEN: Wait, you &amp; Ana? That's &lt;unreal&gt;."
    )


def test_srt_escapes_markup_in_names(plan_named: Callable[[str, str], MotionPlan]) -> None:
    texts = _srt_texts(export_plan(plan_named("<i>ANA</i>", "B&B"), "srt"))
    assert texts[0].startswith("&lt;i&gt;ANA&lt;/i&gt;: ")
    assert texts[1].startswith("B&amp;B: ")


def test_srt_and_vtt_cue_text_are_escaped_alike(plan: MotionPlan) -> None:
    srt = _srt_texts(export_plan(plan, "srt"))
    vtt = _vtt_cues(export_plan(plan, "vtt"))
    assert srt == [f"{cue['voice']}: {cue['text']}" for cue in vtt]


def test_an_arrow_in_a_line_cannot_start_a_timing_line(plan: MotionPlan) -> None:
    first = plan.utterances[0].model_copy(update={"text": "Left --> right, 00:00:01,000"})
    arrowed = plan.model_copy(update={"utterances": (first, *plan.utterances[1:])})
    text = export_plan(arrowed, "srt")
    assert text.count("-->") == 2  # the two timing lines only
    assert _srt_texts(text)[0] == "ANA: Left --&gt; right, 00:00:01,000"
