from __future__ import annotations

import io
import re

from motiondirector import plan_text
from motiondirector.export import export_plan
from motiondirector.export.vtt import MAX_CUE_SECONDS, plan_cues
from motiondirector.plan.motion_plan import MotionPlan, PlanUtterance
from motiondirector.plan.scene import Word

VTT_CUE = re.compile(
    r"^(?P<id>[^\n]+)\n"
    r"(?P<start>\d{2,}:\d{2}:\d{2}\.\d{3}) --> (?P<end>\d{2,}:\d{2}:\d{2}\.\d{3})\n"
    r"<v (?P<voice>[^>&<]+)>(?P<text>[^\n<>]*)$"
)
SRT_CUE = re.compile(
    r"^(?P<n>\d+)\n"
    r"(?P<start>\d{2}:\d{2}:\d{2},\d{3}) --> (?P<end>\d{2}:\d{2}:\d{2},\d{3})\n"
    r"(?P<text>[^\n]+)$"
)


def _vtt_cues(text: str) -> list[dict[str, str]]:
    header, *blocks = text.rstrip("\n").split("\n\n")
    assert header == "WEBVTT"
    cues = []
    for block in blocks:
        match = VTT_CUE.match(block)
        assert match, block
        cues.append(match.groupdict())
    return cues


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_vtt_has_one_voiced_cue_per_line(plan: MotionPlan) -> None:
    cues = _vtt_cues(export_plan(plan, "vtt"))
    assert [c["id"] for c in cues] == ["u1", "u2"]
    assert [(c["start"], c["end"]) for c in cues] == [
        ("00:00:00.500", "00:00:02.500"),
        ("00:00:03.000", "00:00:05.000"),
    ]
    assert [c["voice"] for c in cues] == ["ANA", "BEN"]
    assert cues[0]["text"] == "Hello Ben, I found the key."


def test_vtt_escapes_markup(plan: MotionPlan) -> None:
    cues = _vtt_cues(export_plan(plan, "vtt"))
    assert cues[1]["text"] == "Wait, you &amp; Ana? That's &lt;unreal&gt;."


def test_srt_numbers_cues_and_names_speakers(plan: MotionPlan) -> None:
    text = export_plan(plan, "srt")
    blocks = text.rstrip("\n").split("\n\n")
    matches = [SRT_CUE.match(block) for block in blocks]
    assert all(matches)
    cues = [m.groupdict() for m in matches if m]
    assert [c["n"] for c in cues] == ["1", "2"]
    assert cues[1]["start"] == "00:00:03,000"
    assert cues[1]["text"] == "BEN: Wait, you &amp; Ana? That's &lt;unreal&gt;."


def test_character_filter_keeps_their_lines(plan: MotionPlan) -> None:
    assert [c["voice"] for c in _vtt_cues(export_plan(plan, "vtt", character="BEN"))] == ["BEN"]
    assert export_plan(plan, "srt", character="ANA").startswith("1\n00:00:00,500 --> ")


def _long_line(plan: MotionPlan, texts: list[str], step: float) -> MotionPlan:
    words = tuple(
        Word(text=text, start=10.0 + i * step, end=10.0 + (i + 1) * step - 0.05)
        for i, text in enumerate(texts)
    )
    utterance = PlanUtterance(
        id="u3",
        speaker="ANA",
        addressees=("BEN",),
        text=" ".join(texts),
        start=words[0].start,
        end=words[-1].end,
        words=words,
        emotion=plan.utterances[0].emotion,
        intent="tell",
    )
    scene = plan.scene.model_copy(update={"duration": 40.0})
    return plan.model_copy(update={"utterances": (*plan.utterances, utterance), "scene": scene})


def test_long_lines_split_at_sentence_ends(plan: MotionPlan) -> None:
    # Sentences of 8, 4 and 4 words at 0.5 s a word (8 s in all): the first two fill a cue
    # of under 7 s, the third starts the next.
    texts = "One two three four five six seven eight. Nine ten eleven twelve! Yes we can go?"
    long_plan = _long_line(plan, texts.split(), 0.5)
    cues = [c for c in plan_cues(long_plan) if c.id.startswith("u3")]
    assert [c.id for c in cues] == ["u3-1", "u3-2"]
    assert [c.text for c in cues] == [
        "One two three four five six seven eight. Nine ten eleven twelve!",
        "Yes we can go?",
    ]
    assert all(c.end - c.start <= MAX_CUE_SECONDS for c in cues)
    assert cues[0].start == 10.0 and cues[1].end == long_plan.utterances[-1].end
    vtt = _vtt_cues(export_plan(long_plan, "vtt"))
    starts = [_seconds(c["start"]) for c in vtt]
    assert starts == sorted(starts)
    assert [c["id"] for c in vtt][-2:] == ["u3-1", "u3-2"]


def test_one_long_sentence_stays_one_cue(plan: MotionPlan) -> None:
    long_plan = _long_line(plan, [f"w{i}" for i in range(20)], 0.5)
    cues = [c for c in plan_cues(long_plan) if c.id.startswith("u3")]
    assert [c.id for c in cues] == ["u3"]
    assert cues[0].end - cues[0].start > MAX_CUE_SECONDS


def test_timestamps_past_an_hour(plan: MotionPlan) -> None:
    utterance = plan.utterances[0].model_copy(update={"start": 3725.5, "end": 3727.25})
    late = plan.model_copy(update={"utterances": (utterance,)})
    assert "01:02:05.500 --> 01:02:07.250" in export_plan(late, "vtt")
    assert "01:02:05,500 --> 01:02:07,250" in export_plan(late, "srt")


VOICE_OVER = """INT. ATTIC - NIGHT

NARRATOR (V.O.)
She had not been up here in years.

ANA
Dusty & <old>.
"""


def test_a_voice_over_is_in_italics_in_both_formats() -> None:
    import srt
    import webvtt

    plan = plan_text(VOICE_OVER, format="fountain")
    assert [u.voice_over for u in plan.utterances] == [True, False]
    vtt = export_plan(plan, "vtt")
    assert "<v NARRATOR><i>She had not been up here in years.</i>" in vtt
    assert "<v ANA>Dusty &amp; &lt;old&gt;." in vtt
    captions = webvtt.from_buffer(io.StringIO(vtt))
    # The reader takes the tags away: only the words are left (entities stay escaped).
    assert [c.text for c in captions] == [
        "She had not been up here in years.",
        "Dusty &amp; &lt;old&gt;.",
    ]
    subtitles = list(srt.parse(export_plan(plan, "srt")))
    assert subtitles[0].content == "NARRATOR: <i>She had not been up here in years.</i>"
    assert subtitles[1].content == "ANA: Dusty &amp; &lt;old&gt;."


def test_long_chinese_and_japanese_lines_split_at_their_sentence_ends() -> None:
    line = "今天天气很好，我们去公园散步吧！你觉得怎么样？我们可以带上午饭，在湖边坐一会儿。"
    japanese = "「本当に？」彼女は笑った。それから、ゆっくり歩き始めた。ずっと遠くまで。"
    script = f"李明: {line}\n美咲: {japanese}\n"
    plan = plan_text(script, format="text")
    cues = [c for c in plan_cues(plan) if c.speaker == "李明"]
    assert len(cues) > 1 and all(c.end - c.start <= MAX_CUE_SECONDS for c in cues)
    # Cut at "！" "？" "。", and written as in the script: no spaces between the characters.
    assert "".join(c.text for c in cues) == line
    assert all(c.text.endswith(("！", "？", "。")) for c in cues)
    cues = [c for c in plan_cues(plan) if c.speaker == "美咲"]
    assert "".join(c.text for c in cues) == plan.utterances[1].text == japanese
    assert " " not in export_plan(plan, "srt").split("李明: ", 1)[1].split("\n")[0]


def test_a_line_in_a_known_language_is_in_a_lang_span_in_webvtt_only() -> None:
    plan = plan_text("ユキ: ありがとう。\nケン: OK.", format="text")
    vtt = export_plan(plan, "vtt")
    assert "<v ユキ><lang ja>ありがとう。</lang>\n" in vtt
    assert "<v ケン>OK.\n" in vtt  # a line of no known language: no span
    srt = export_plan(plan, "srt")
    assert "ユキ: ありがとう。" in srt and "<lang" not in srt
