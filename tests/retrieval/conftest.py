"""A small hand-written clip library and the real MiniLM embedder, shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.embedding import SentenceEmbedder, get_embedder
from motiondirector.retrieval import ClipLibrary, ClipRecord, ClipSource, ClipTags

# id, descriptions, lexemes, emotion, style, hand, duration (s)
_CLIPS: list[
    tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None, str | None, float]
] = [
    (
        "wave_right_01",
        ("waves goodbye with the right hand", "a friendly wave farewell"),
        ("wave",),
        "joy",
        None,
        "right",
        1.6,
    ),
    (
        "wave_left_02",
        ("waves hello with the left hand raised high",),
        ("wave",),
        "joy",
        None,
        "left",
        1.2,
    ),
    (
        "wave_both_03",
        ("waves both arms above the head to get attention",),
        ("wave",),
        "surprise",
        "energetic",
        "both",
        2.4,
    ),
    (
        "wave_small_04",
        ("a small shy wave of the fingers",),
        ("wave",),
        "neutral",
        "shy",
        "right",
        0.8,
    ),
    (
        "point_right_01",
        ("points forward with the right index finger",),
        ("point",),
        None,
        None,
        "right",
        1.0,
    ),
    (
        "point_left_02",
        ("points to the left at something far away",),
        ("point",),
        None,
        None,
        "left",
        1.4,
    ),
    (
        "point_angry_03",
        ("jabs a finger accusingly at someone",),
        ("point",),
        "anger",
        None,
        "right",
        0.9,
    ),
    (
        "self_point_01",
        ("points at own chest, meaning me",),
        ("self_point",),
        None,
        None,
        "right",
        1.0,
    ),
    ("nod_01", ("nods once in agreement",), ("nod",), None, None, None, 0.6),
    ("nod_02", ("nods twice slowly, yes",), ("nod",), None, "calm", None, 1.2),
    ("shake_01", ("shakes the head, no",), ("shake",), "sadness", None, None, 1.0),
    ("tilt_01", ("tilts the head to the side, curious",), ("tilt",), None, None, None, 0.8),
    ("walk_01", ("walks forward at a normal pace",), ("walk",), None, None, None, 4.0),
    (
        "walk_tired_02",
        ("walks slowly, tired and dragging the feet",),
        ("walk",),
        "sadness",
        "tired",
        None,
        5.0,
    ),
    (
        "walk_happy_03",
        ("walks briskly with a bounce in the step",),
        ("walk",),
        "joy",
        "happy",
        None,
        3.0,
    ),
    ("run_01", ("runs forward fast",), ("run",), None, None, None, 2.0),
    ("sit_01", ("sits down on a chair", "lowers into a seat"), ("sit",), None, None, None, 2.0),
    ("sit_slump_02", ("sits down heavily and slumps",), ("sit",), "sadness", "tired", None, 2.5),
    ("stand_01", ("stands up from a chair",), ("stand",), None, None, None, 1.8),
    ("kneel_01", ("kneels down on one knee",), ("kneel",), None, None, None, 2.2),
    ("jump_01", ("jumps up in the air with joy",), ("jump",), "joy", None, None, 1.1),
    ("shrug_01", ("shrugs the shoulders, who knows",), ("shrug",), None, None, "both", 1.0),
    (
        "open_palms_01",
        ("opens both palms upward while explaining",),
        ("open_palms",),
        None,
        None,
        "both",
        1.3,
    ),
    ("clap_01", ("claps the hands several times",), ("clap",), "joy", None, "both", 1.5),
    (
        "facepalm_01",
        ("puts a hand over the face in despair",),
        ("facepalm",),
        "contempt",
        None,
        "right",
        1.7,
    ),
    (
        "cross_arms_01",
        ("crosses the arms over the chest",),
        ("cross_arms",),
        "anger",
        None,
        "both",
        2.0,
    ),
    ("thumbs_up_01", ("gives a thumbs up of approval",), ("thumbs_up",), "joy", None, "right", 1.0),
    ("bow_01", ("bows politely from the waist",), ("bow",), None, "formal", None, 1.8),
    ("beckon_01", ("beckons someone to come closer",), ("beckon",), None, None, "right", 1.2),
    (
        "salute_01",
        ("salutes with the right hand at the brow",),
        ("salute",),
        None,
        "formal",
        "right",
        1.2,
    ),
]


def make_record(
    clip_id: str,
    descriptions: tuple[str, ...],
    lexemes: tuple[str, ...] = (),
    emotion: str | None = None,
    style: str | None = None,
    hand: str | None = None,
    duration: float = 1.0,
) -> ClipRecord:
    return ClipRecord.model_validate(
        {
            "id": clip_id,
            "source": ClipSource(file=f"clips/{clip_id}.bvh", start=0.0, end=duration),
            "duration": duration,
            "descriptions": descriptions,
            "tags": ClipTags.model_validate(
                {"lexemes": lexemes, "emotion": emotion, "style": style, "hand": hand}
            ),
        }
    )


CLIP_RECORDS: tuple[ClipRecord, ...] = tuple(make_record(*clip) for clip in _CLIPS)


@pytest.fixture(scope="session")
def embedder() -> SentenceEmbedder:
    return get_embedder()


@pytest.fixture(scope="session")
def built_library(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceEmbedder
) -> ClipLibrary:
    """Read-only: the 30 hand-written clips, built once for the session."""
    return ClipLibrary.create(
        tmp_path_factory.mktemp("library") / "clips", CLIP_RECORDS, embedder=embedder
    )


@pytest.fixture
def library_path(tmp_path: Path, built_library: ClipLibrary) -> Path:
    """A private copy of the built library on disk, for tests that change or break it."""
    import shutil

    copy = tmp_path / "clips"
    shutil.copytree(built_library.path, copy)
    return copy
