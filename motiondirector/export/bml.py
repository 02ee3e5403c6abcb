"""BML 1.0 (Behavior Markup Language) export of a MotionPlan.

One `<bml>` block per character and utterance: the speaker's block carries the `<speech>` with
a `<sync id="wN"/>` before every word; a listener's block carries their reactions to that
line; one more block per character holds the events that belong to no utterance. Blocks sit
in a container element of our extension namespace, each with `md:start`: the scene time of its
local time 0 (BML times are relative to their block). Behaviour sync points that fall on a
word start refer to that word (`stroke="s1:w3"`), on the end of speech to `s1:end`; other
times are seconds from the block start.

A `<speech>` whose line's language the plan knows carries it as `xml:lang`, for the realizer's
speech synthesis. BML 1.0 core has no element for locomotion without a target or for idle
behaviour; those postures become `<md:motion>` extension behaviours, which BML realizers may
ignore.
This module only writes XML; it must not judge or change the plan.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from motiondirector.plan.motion_plan import (
    FaceEvent,
    GazeEvent,
    GestureEvent,
    HeadEvent,
    MotionPlan,
    PlanUtterance,
    PostureEvent,
)

BML_NAMESPACE = "http://www.bml-initiative.org/bml/bml-1.0"
EXTENSION_NAMESPACE = "https://motiondirector.dev/bml-export/1.0"
SPEECH_ID = "s1"

AnyEvent = FaceEvent | HeadEvent | GazeEvent | GestureEvent | PostureEvent

_SYNC_TOLERANCE_S = 0.0005
_HAND_MODE = {"left": "LEFT_HAND", "right": "RIGHT_HAND", "both": "BOTH_HANDS"}
# BML 1.0 stance types; the other posture lexemes keep the stance the character is in.
_STANCE = {
    "stand": "STANDING", "sit": "SITTING", "kneel": "CROUCHING", "fall": "LYING", "lie": "LYING",
}  # fmt: skip
_POSE = {"lean_forward": "LEANING_FORWARD", "lean_back": "LEANING_BACKWARD"}
# BML gaze offsets for the plan's non-character targets, in degrees from the base target.
_GAZE_OFFSET = {"down": ("DOWN", 20), "up": ("UP", 15), "away": ("RIGHT", 30)}
_ID_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass
class _Block:
    id: str
    character: str
    utterance: PlanUtterance | None
    speaks: bool
    events: list[AnyEvent] = field(default_factory=list)

    @property
    def origin(self) -> float:
        starts = [e.start for e in self.events]
        if self.utterance is not None:
            starts.append(self.utterance.start)
        return min(starts, default=0.0)


def plan_to_bml(plan: MotionPlan, character: str | None = None) -> str:
    """The plan as BML 1.0 blocks in one XML document; `character` keeps only their blocks."""
    root = ET.Element("md:plan")
    root.set("xmlns", BML_NAMESPACE)
    root.set("xmlns:md", EXTENSION_NAMESPACE)
    root.set("schemaVersion", plan.schema_version)
    if plan.scene.title is not None:
        root.set("title", plan.scene.title)
    root.set("duration", _num(plan.scene.duration))
    stances = _stance_timelines(plan)
    for block in _blocks(plan):
        if character is None or block.character == character:
            root.append(_block_element(block, stances.get(block.character, [])))
    ET.indent(root, space="  ")
    for text in root.iter("text"):
        if len(text):
            text.text = None  # indent() put whitespace before the first <sync>: it is speech
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _blocks(plan: MotionPlan) -> list[_Block]:
    utterances = {u.id: u for u in plan.utterances}
    grouped: dict[tuple[str | None, str], _Block] = {}
    used: set[str] = set()

    def block_for(utterance: PlanUtterance | None, name: str) -> _Block:
        key = (utterance.id if utterance else None, name)
        if key not in grouped:
            stem = f"{utterance.id}-{name}" if utterance else f"{name}-scene"
            speaks = utterance is not None and utterance.speaker == name
            grouped[key] = _Block(_unique_id(stem, used), name, utterance, speaks)
        return grouped[key]

    for utterance in plan.utterances:
        block_for(utterance, utterance.speaker)
    for track in plan.characters:
        for event in track.events:
            owner = utterances.get(event.utterance_id) if event.utterance_id else None
            block_for(owner, track.name).events.append(event)
    order = {track.name: i for i, track in enumerate(plan.characters)}
    return sorted(
        grouped.values(),
        key=lambda b: (b.origin, not b.speaks, order.get(b.character, len(order)), b.id),
    )


def _block_element(block: _Block, stances: Sequence[tuple[float, str]]) -> ET.Element:
    origin = block.origin
    element = ET.Element("bml")
    element.set("id", block.id)
    element.set("characterId", block.character)
    element.set("composition", "MERGE")
    element.set("md:start", _num(origin))
    if block.utterance is not None:
        element.set("md:utterance", block.utterance.id)
    timing = _Timing(origin, block.utterance if block.speaks else None)
    used = {SPEECH_ID}
    if block.speaks and block.utterance is not None:
        element.append(_speech_element(block.utterance, origin))
    for event in sorted(block.events, key=lambda e: (e.start, e.channel, e.id)):
        behaviour_id = _unique_id(event.id, used)
        element.append(_behaviour(event, behaviour_id, timing, _base_gaze_target(block), stances))
    return element


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _speech_element(utterance: PlanUtterance, origin: float) -> ET.Element:
    speech = ET.Element("speech", id=SPEECH_ID, start=_num(utterance.start - origin))
    if utterance.language is not None:
        speech.set(XML_LANG, utterance.language)
    text = ET.SubElement(speech, "text")
    if not utterance.words:
        text.text = utterance.text
        return speech
    previous: ET.Element | None = None
    for index, word in enumerate(utterance.words):
        if previous is not None:
            previous.tail = (previous.tail or "") + " "
        sync = ET.SubElement(text, "sync", id=f"w{index}")
        sync.tail = word.text
        previous = sync
    return speech


class _Timing:
    """Writes a scene time as a word sync reference when it falls on one, else block seconds."""

    def __init__(self, origin: float, utterance: PlanUtterance | None) -> None:
        self.origin = origin
        self.words: list[tuple[float, str]] = []
        self.speech_end: float | None = None
        if utterance is not None and utterance.words:
            self.words = [(w.start, f"{SPEECH_ID}:w{i}") for i, w in enumerate(utterance.words)]
            self.speech_end = utterance.words[-1].end

    def __call__(self, seconds: float) -> str:
        for start, reference in self.words:
            if abs(seconds - start) <= _SYNC_TOLERANCE_S:
                return reference
        if self.speech_end is not None and abs(seconds - self.speech_end) <= _SYNC_TOLERANCE_S:
            return f"{SPEECH_ID}:end"
        return _num(max(0.0, seconds - self.origin))


def _element(tag: str, behaviour_id: str, **attributes: str) -> ET.Element:
    return ET.Element(tag, {"id": behaviour_id, **attributes})


def _behaviour(
    event: AnyEvent,
    behaviour_id: str,
    at: _Timing,
    base_gaze_target: str,
    stances: Sequence[tuple[float, str]],
) -> ET.Element:
    if isinstance(event, FaceEvent):
        return _element(
            "faceFacs",
            behaviour_id,
            au=str(event.au),
            amount=_num(event.intensity),
            side="LEFT" if event.au == 46 else "BOTH",  # AU46 is a one-eyed wink
            start=at(event.start),
            attackPeak=at(event.envelope.apex_start),
            relax=at(event.envelope.apex_end),
            end=at(event.end),
        )
    if isinstance(event, HeadEvent):
        element = _element(
            "head",
            behaviour_id,
            lexeme=event.lexeme.upper(),
            repetition=str(event.repetitions),
            amount=_num(event.amplitude),
        )
        return _with_sync_points(element, event, at)
    if isinstance(event, GestureEvent):
        if event.lexeme == "point" and event.target:
            element = _element(
                "pointing", behaviour_id, target=event.target, mode=_HAND_MODE[event.hand]
            )
        else:
            element = _element(
                "gesture", behaviour_id, lexeme=event.lexeme.upper(), mode=_HAND_MODE[event.hand]
            )
            if event.target:
                element.set("md:target", event.target)
        element.set("md:amplitude", _num(event.amplitude))
        return _with_sync_points(element, event, at)
    if isinstance(event, GazeEvent):
        return _gaze_element(event, behaviour_id, at, base_gaze_target)
    return _posture_element(event, behaviour_id, at, stances)


def _with_sync_points(
    element: ET.Element, event: HeadEvent | GestureEvent, at: _Timing
) -> ET.Element:
    sync = event.sync
    for name, seconds in (
        ("start", sync.start),
        ("ready", sync.ready),
        ("stroke", sync.stroke),
        ("relax", sync.relax),
        ("end", sync.end),
    ):
        element.set(name, at(seconds))
    return element


def _gaze_element(event: GazeEvent, behaviour_id: str, at: _Timing, base_target: str) -> ET.Element:
    element = _element("gaze", behaviour_id)
    offset = _GAZE_OFFSET.get(event.target)
    if offset is not None:
        element.set("target", base_target)
        element.set("offsetDirection", offset[0])
        element.set("offsetAngle", str(offset[1]))
    elif event.target == "camera":
        element.set("target", "CAMERA")
    else:
        element.set("target", event.target)
    element.set("start", at(event.start))
    element.set("end", at(event.end))
    return element


def _posture_element(
    event: PostureEvent, behaviour_id: str, at: _Timing, stances: Sequence[tuple[float, str]]
) -> ET.Element:
    timing = {"start": at(event.start), "end": at(event.end)}
    if event.lexeme in _STANCE:
        element = _element("posture", behaviour_id, **timing)
        ET.SubElement(element, "stance", type=_STANCE[event.lexeme])
        return element
    if event.lexeme in _POSE:
        element = _element("posture", behaviour_id, **timing)
        ET.SubElement(element, "stance", type=_stance_at(stances, event.start))
        ET.SubElement(element, "pose", part="UPPER_BODY", lexeme=_POSE[event.lexeme])
        return element
    return _element("md:motion", behaviour_id, lexeme=event.lexeme.upper(), **timing)


def _stance_timelines(plan: MotionPlan) -> dict[str, list[tuple[float, str]]]:
    """Per character, (start, stance) of each stance-setting posture event, in time order."""
    timelines: dict[str, list[tuple[float, str]]] = {}
    for track in plan.characters:
        timelines[track.name] = sorted(
            (e.start, _STANCE[e.lexeme])
            for e in track.events
            if isinstance(e, PostureEvent) and e.lexeme in _STANCE
        )
    return timelines


def _stance_at(stances: Sequence[tuple[float, str]], seconds: float) -> str:
    current = "STANDING"
    for start, stance in stances:
        if start > seconds + _SYNC_TOLERANCE_S:
            break
        current = stance
    return current


def _base_gaze_target(block: _Block) -> str:
    """Whom `down`, `up` and `away` are offsets from: the other party of the line, or the lens."""
    utterance = block.utterance
    if utterance is None:
        return "CAMERA"
    if block.speaks:
        return utterance.addressees[0] if utterance.addressees else "CAMERA"
    return utterance.speaker


def _unique_id(stem: str, used: set[str]) -> str:
    """An XML-safe id (no ':' so sync references stay unambiguous), unique within `used`."""
    base = _ID_UNSAFE.sub("_", stem).strip("_.-") or "b"
    if not base[0].isalpha():
        base = f"b{base}"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _num(value: float) -> str:
    """Shortest fixed-point form at millisecond precision: 1.25, 0.6, 3."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
