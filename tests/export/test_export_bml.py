from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from motiondirector.export import export_plan
from motiondirector.export.bml import BML_NAMESPACE, EXTENSION_NAMESPACE
from motiondirector.plan.motion_plan import CharacterTrack, MotionPlan, PostureEvent

B = f"{{{BML_NAMESPACE}}}"
MD = f"{{{EXTENSION_NAMESPACE}}}"
TIME_ATTRIBUTES = (
    "start", "ready", "strokeStart", "stroke", "strokeEnd", "relax", "end", "attackPeak",
)  # fmt: skip
STANDARD_SYNCS = set(TIME_ATTRIBUTES)


def _parse(plan: MotionPlan, character: str | None = None) -> ET.Element:
    return ET.fromstring(export_plan(plan, "bml", character=character))


def _blocks(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{B}bml")


def _behaviour(root: ET.Element, id: str) -> tuple[ET.Element, ET.Element]:
    for block in _blocks(root):
        for element in block:
            if element.get("id") == id:
                return block, element
    raise AssertionError(f"no behaviour {id}")


def _resolve(block: ET.Element, value: str, plan: MotionPlan) -> float:
    """A BML time attribute back to scene seconds."""
    if ":" not in value:
        return float(value) + float(block.get(f"{MD}start", "nan"))
    behaviour, sync = value.split(":")
    speech = block.find(f"{B}speech[@id='{behaviour}']")
    assert speech is not None
    utterance = next(u for u in plan.utterances if u.id == block.get(f"{MD}utterance"))
    if sync == "end":
        return utterance.words[-1].end
    return utterance.words[int(sync.removeprefix("w"))].start


def test_output_parses_with_one_speech_per_utterance(plan: MotionPlan) -> None:
    text = export_plan(plan, "bml")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text)
    assert root.tag == f"{MD}plan"
    speeches = [(b, s) for b in _blocks(root) for s in b.findall(f"{B}speech")]
    assert len(speeches) == len(plan.utterances)
    for (block, speech), utterance in zip(speeches, plan.utterances, strict=True):
        assert block.get("characterId") == utterance.speaker
        assert block.get(f"{MD}utterance") == utterance.id
        text_element = speech.find(f"{B}text")
        assert text_element is not None
        syncs = [s.get("id") for s in text_element.findall(f"{B}sync")]
        assert syncs == [f"w{i}" for i in range(len(utterance.words))]
        assert "".join(text_element.itertext()) == utterance.text
    ids = [b.get("id") for b in _blocks(root)]
    assert len(ids) == len(set(ids))


def test_every_sync_reference_resolves(plan: MotionPlan) -> None:
    references = 0
    for block in _blocks(_parse(plan)):
        syncs: dict[str, set[str]] = {}
        for element in block:
            behaviour_id = element.get("id")
            assert behaviour_id and behaviour_id not in syncs
            syncs[behaviour_id] = set(STANDARD_SYNCS)
            syncs[behaviour_id] |= {s.get("id", "") for s in element.iter(f"{B}sync")}
        for element in block:
            for name in TIME_ATTRIBUTES:
                value = element.get(name)
                if value is None:
                    continue
                if ":" in value:
                    behaviour, sync = value.split(":")
                    assert sync in syncs[behaviour], (block.get("id"), name, value)
                    references += 1
                else:
                    assert float(value) >= 0.0
    assert references >= 10


def test_every_time_lands_where_the_plan_says(plan: MotionPlan) -> None:
    root = _parse(plan)
    for track in plan.characters:
        for event in track.events:
            block, element = _behaviour(root, event.id)
            assert block.get("characterId") == track.name
            assert _resolve(block, element.get("start", ""), plan) == pytest.approx(event.start)
            assert _resolve(block, element.get("end", ""), plan) == pytest.approx(event.end)
            sync = getattr(event, "sync", None)
            if sync is not None:
                for name in ("ready", "stroke", "relax"):
                    value = element.get(name, "")
                    assert _resolve(block, value, plan) == pytest.approx(getattr(sync, name))


def test_word_syncs_are_used_where_times_meet_words(plan: MotionPlan) -> None:
    root = _parse(plan)
    _, nod = _behaviour(root, "ana-nod")
    assert nod.tag == f"{B}head"
    assert (nod.get("start"), nod.get("stroke"), nod.get("end")) == ("s1:w2", "s1:w3", "s1:w4")
    assert nod.get("ready") == "0.95"  # 1.35 s in a block that starts at 0.4 s
    assert (nod.get("lexeme"), nod.get("repetition"), nod.get("amount")) == ("NOD", "2", "0.4")
    _, palms = _behaviour(root, "ben-palms")
    assert palms.get("stroke") == "s1:w5"
    assert palms.get("relax") == "s1:end"
    # A listener's block has no speech of its own: plain seconds only.
    block, smile = _behaviour(root, "ben-smile")
    assert block.find(f"{B}speech") is None
    assert (block.get(f"{MD}start"), smile.get("start")) == ("0.5", "0.5")


def test_behaviour_elements_follow_bml(plan: MotionPlan) -> None:
    root = _parse(plan)
    _, smile = _behaviour(root, "ana-smile")
    assert smile.tag == f"{B}faceFacs"
    assert dict(smile.attrib) == {
        "id": "ana-smile", "au": "12", "amount": "0.6", "side": "BOTH", "start": "s1:w0",
        "attackPeak": "0.6", "relax": "1.6", "end": "s1:end",
    }  # fmt: skip
    _, point = _behaviour(root, "ana-point")
    assert point.tag == f"{B}pointing"
    assert (point.get("target"), point.get("mode")) == ("BEN", "RIGHT_HAND")
    _, palms = _behaviour(root, "ben-palms")
    assert palms.tag == f"{B}gesture"
    assert (palms.get("lexeme"), palms.get("mode")) == ("OPEN_PALMS", "BOTH_HANDS")
    _, gaze = _behaviour(root, "ben-gaze-ana")
    assert (gaze.tag, gaze.get("target"), gaze.get("offsetDirection")) == (f"{B}gaze", "ANA", None)
    _, away = _behaviour(root, "ben-gaze-away")
    assert (away.get("target"), away.get("offsetDirection")) == ("ANA", "RIGHT")
    _, down = _behaviour(root, "ana-gaze-down")
    assert (down.get("target"), down.get("offsetDirection")) == ("BEN", "DOWN")
    _, sit = _behaviour(root, "ben-sit")
    assert [(c.tag, c.get("type")) for c in sit] == [(f"{B}stance", "SITTING")]
    _, lean = _behaviour(root, "ana-lean")
    assert [c.tag for c in lean] == [f"{B}stance", f"{B}pose"]
    assert lean[1].get("lexeme") == "LEANING_FORWARD"


def _with_postures(plan: MotionPlan, *postures: tuple[str, str, float]) -> ET.Element:
    """The BML of `plan` with BEN given posture events (id, lexeme, start), a second each."""
    ben = plan.characters[1]
    added = tuple(
        PostureEvent(
            id=event_id,
            start=start,
            end=start + 1.0,
            source=ben.events[0].source,
            description=lexeme,
            lexeme=lexeme,
        )
        for event_id, lexeme, start in postures
    )
    track = CharacterTrack(name="BEN", events=(*ben.events, *added))
    return _parse(plan.model_copy(update={"characters": (plan.characters[0], track)}))


def test_lean_keeps_the_stance_the_character_is_in(plan: MotionPlan) -> None:
    root = _with_postures(plan, ("ben-lean", "lean_back", 1.0), ("ben-walk", "walk", 5.5))
    _, element = _behaviour(root, "ben-lean")
    assert [(c.tag, c.get("type") or c.get("lexeme")) for c in element] == [
        (f"{B}stance", "SITTING"),
        (f"{B}pose", "LEANING_BACKWARD"),
    ]
    _, motion = _behaviour(root, "ben-walk")
    assert (motion.tag, motion.get("lexeme")) == (f"{MD}motion", "WALK")


def test_lying_down_is_a_lying_stance_and_a_kick_a_motion(plan: MotionPlan) -> None:
    root = _with_postures(plan, ("ben-lie", "lie", 1.0), ("ben-kick", "kick", 5.5))
    _, element = _behaviour(root, "ben-lie")
    assert [(c.tag, c.get("type")) for c in element] == [(f"{B}stance", "LYING")]
    _, motion = _behaviour(root, "ben-kick")
    assert (motion.tag, motion.get("lexeme")) == (f"{MD}motion", "KICK")


def test_events_outside_utterances_get_a_scene_block(plan: MotionPlan) -> None:
    root = _parse(plan)
    block, blink = _behaviour(root, "ben-blink")
    assert block.get("id") == "BEN-scene"
    assert block.get(f"{MD}utterance") is None
    assert block.get(f"{MD}start") == "0"
    assert blink.get("start") == "5.5"


def test_text_and_names_are_escaped(
    plan: MotionPlan, plan_named: Callable[[str, str], MotionPlan]
) -> None:
    text = export_plan(plan, "bml")
    assert '<sync id="w2" />&amp; <sync id="w3" />' in text
    assert '<sync id="w5" />&lt;unreal&gt;.</text>' in text
    odd = plan_named('MRS. "O" & <SON>', "BEN")
    root = ET.fromstring(export_plan(odd, "bml"))
    assert {b.get("characterId") for b in _blocks(root)} == {'MRS. "O" & <SON>', "BEN"}
    assert "u1-MRS._O_SON" in {b.get("id") for b in _blocks(root)}


def test_block_ids_keep_names_in_any_script(
    plan_named: Callable[[str, str], MotionPlan],
) -> None:
    # XML ids take letters of any script: "李明" and "ZOË" were cut to "u1" and "u1-ZO_".
    root = ET.fromstring(export_plan(plan_named("李明", "ZOË"), "bml"))
    ids = {b.get("id") for b in _blocks(root)}
    assert {"李明-scene", "u1-李明", "u1-ZOË", "ZOË-scene"} <= ids


def test_character_filter_keeps_their_blocks(plan: MotionPlan) -> None:
    root = _parse(plan, "BEN")
    assert {b.get("characterId") for b in _blocks(root)} == {"BEN"}
    assert [b.get("id") for b in _blocks(root)] == ["BEN-scene", "u1-BEN", "u2-BEN"]


def test_deterministic(plan: MotionPlan) -> None:
    assert export_plan(plan, "bml") == export_plan(plan, "bml")


def test_a_speech_in_a_known_language_says_it_as_xml_lang() -> None:
    from motiondirector import plan_text

    plan = plan_text("ユキ: ありがとう。\nケン: OK.", format="text")
    root = ET.fromstring(export_plan(plan, "bml"))
    speeches = root.findall(f".//{{{BML_NAMESPACE}}}speech")
    languages = [s.get("{http://www.w3.org/XML/1998/namespace}lang") for s in speeches]
    assert languages == ["ja", None]
