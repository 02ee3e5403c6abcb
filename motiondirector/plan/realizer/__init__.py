"""The realizer: Direction + Scene -> MotionPlan.

Planners decide what happens and on which word; the realizer decides exactly when and how
strongly: gesture phases with BML sync points, AU envelopes, head movements, continuous gaze
and posture, blinks and idle behaviour. Same inputs and seed give the same plan, byte for byte.
"""

from __future__ import annotations

import re
from collections import defaultdict

from motiondirector.errors import PlanValidationError
from motiondirector.plan.direction import Direction
from motiondirector.plan.motion_plan import (
    AnyEvent,
    CharacterTrack,
    EmotionLabel,
    MotionPlan,
    PlanAction,
    PlanBeat,
    PlanUtterance,
    SceneInfo,
)
from motiondirector.plan.realizer.face import eyes_open, realize_blinks, realize_face
from motiondirector.plan.realizer.gaze import realize_gaze
from motiondirector.plan.realizer.gestures import realize_gestures, realize_head
from motiondirector.plan.realizer.posture import realize_posture
from motiondirector.plan.realizer.requests import EventIds, Request
from motiondirector.plan.scene import Beat, Scene, on_stage_at, stage_spans

__all__ = ["realize"]

_CHANNEL_ORDER = {"posture": 0, "gaze": 1, "head": 2, "gesture": 3, "face": 4}

SPOKEN_ORIGINS = frozenset({"cue", "beat", "addressee"})
"""What a speaker does in saying the words (a shake on "no", beats on stressed words, looking
at whom the line is for): the speaker of a voice-over, heard and not seen saying it, does
none of it; the line's emotion and its explicit direction stay."""


def _on_stage_beats(scene: Scene, name: str) -> list[Beat]:
    """`name`'s time on stage as beats: each beat they are in, cut to the spans between their
    entrances and exits, with the cast on stage when the span opens."""
    return [
        beat
        if not beat.stage
        else beat.model_copy(
            update={"start": start, "end": end, "characters": on_stage_at(beat, start)}
        )
        for beat in scene.beats
        for start, end in stage_spans(beat, name)
    ]


def _requests(scene: Scene, direction: Direction) -> dict[str, list[Request]]:
    by_character: dict[str, list[Request]] = defaultdict(list)
    utterances = {u.id: u for u in scene.utterances}
    actions = {a.id: a for a in scene.actions}
    for item in direction.utterances:
        planner = direction.planned_by(item)
        utterance = utterances[item.utterance_id]
        for behaviour in item.behaviours:
            if (
                utterance.voice_over
                and behaviour.character == utterance.speaker
                and behaviour.origin in SPOKEN_ORIGINS
            ):
                continue
            request = Request(behaviour, planner, utterance=utterance)
            by_character[behaviour.character].append(request)
    for action_direction in direction.actions:
        action = actions[action_direction.action_id]
        for behaviour in action_direction.behaviours:
            request = Request(
                behaviour, direction.action_planned_by(action_direction), action=action
            )
            by_character[behaviour.character].append(request)
    return by_character


def _id_prefixes(names: tuple[str, ...]) -> dict[str, str]:
    """A distinct event-id prefix per character ("ana"), numbered where names would clash."""
    prefixes: dict[str, str] = {}
    used: set[str] = set()
    for index, name in enumerate(names, start=1):
        prefix = re.sub(r"[\W_]+", "-", name.lower()).strip("-") or "character"
        if prefix in used:
            prefix = f"{prefix}-{index}"
        used.add(prefix)
        prefixes[name] = prefix
    return prefixes


def realize(scene: Scene, direction: Direction, *, fps: int = 30, seed: int = 0) -> MotionPlan:
    """Turn a planner's Direction for `scene` into a timed, validated-shape MotionPlan."""
    directed = {item.utterance_id: item for item in direction.utterances}
    missing = [u.id for u in scene.utterances if u.id not in directed]
    if missing:
        raise PlanValidationError([f"utterance {uid} has no direction" for uid in missing])
    by_character = _requests(scene, direction)
    unknown = sorted(set(by_character) - set(scene.characters))
    if unknown:
        raise PlanValidationError([f"behaviour for unknown character {name!r}" for name in unknown])

    tracks = []
    prefixes = _id_prefixes(scene.characters)
    attending = scene.attending()
    for name in scene.characters:
        requests = by_character.get(name, [])
        by_channel: dict[str, list[Request]] = defaultdict(list)
        for request in requests:
            by_channel[request.behaviour.channel].append(request)
        beats = _on_stage_beats(scene, name)
        present = [(b.start, b.end) for b in beats]
        speaking = [(u.start, u.end) for u in scene.utterances if u.mouthed_by(name)]
        new_id = EventIds(prefixes[name])
        events: list[AnyEvent] = [
            *realize_posture(by_channel["posture"], beats, new_id),
            *realize_gaze(name, by_channel["gaze"], scene, beats, new_id, attending),
            *realize_head(by_channel["head"], scene.duration, new_id),
            *realize_gestures(by_channel["gesture"], scene.duration, new_id),
        ]
        face = realize_face(name, by_channel["face"], scene, new_id, by_channel["gaze"])
        blinks = realize_blinks(name, eyes_open(present, face), speaking, seed, new_id)
        events.extend([*face, *blinks])
        events.sort(
            key=lambda e: (
                e.start,
                _CHANNEL_ORDER[e.channel],
                e.end,
                e.description,
                e.source.rule,
            )
        )
        tracks.append(CharacterTrack(name=name, events=tuple(events)))

    return MotionPlan(
        scene=SceneInfo(
            title=scene.title,
            source=scene.source,
            duration=scene.duration,
            fps=fps,
            planner=direction.planner,
            seed=seed,
        ),
        beats=tuple(
            PlanBeat(
                index=b.index,
                heading=b.heading,
                start=b.start,
                end=b.end,
                characters=b.characters,
                stage=b.stage,
            )
            for b in scene.beats
        ),
        utterances=tuple(
            PlanUtterance(
                id=u.id,
                speaker=u.speaker,
                addressees=u.addressees,
                text=u.text,
                start=u.start,
                end=u.end,
                words=u.words,
                emotion=EmotionLabel(
                    label=directed[u.id].emotion, intensity=directed[u.id].intensity
                ),
                intent=directed[u.id].intent,
                planned_by=direction.planned_by(directed[u.id]),
                fallback=directed[u.id].fallback,
                voice_over=u.voice_over,
                language=u.language,
            )
            for u in scene.utterances
        ),
        actions=tuple(
            PlanAction(id=a.id, text=a.text, start=a.start, end=a.end) for a in scene.actions
        ),
        characters=tuple(tracks),
    )
