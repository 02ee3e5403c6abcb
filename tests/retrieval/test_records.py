"""ClipRecord: the contract round-trips through JSON and refuses what breaks it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from motiondirector.retrieval import ClipRecord, ClipSource, ClipTags, MotionFeatures

from .conftest import CLIP_RECORDS


def full_record() -> ClipRecord:
    return ClipRecord(
        id="wave_01",
        source=ClipSource(file="mocap/wave.bvh", start=1.5, end=3.0),
        duration=1.5,
        fps=30.0,
        descriptions=("waves hello", "a friendly wave"),
        tags=ClipTags(
            lexemes=("wave",),
            emotion="joy",
            style="happy",
            aus=(6, 12),
            hand="right",
            free=("greeting",),
        ),
        features=MotionFeatures(first_pose=(0.0, 1.0, 0.5), last_velocity=(0.1, -0.2, 0.0)),
    )


def test_a_record_round_trips_through_json_to_an_equal_record() -> None:
    record = full_record()
    text = record.to_json()
    assert "\n" not in text
    again = ClipRecord.from_json(text)
    assert again == record
    assert again.to_json() == text
    assert again.features is not None and again.features.first_pose == (0.0, 1.0, 0.5)


def test_every_hand_written_record_round_trips() -> None:
    for record in CLIP_RECORDS:
        assert ClipRecord.from_json(record.to_json()) == record


def test_records_are_frozen() -> None:
    record = full_record()
    with pytest.raises(ValidationError):
        record.duration = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tags": {"lexemes": ["moonwalk"]}}, "controlled vocabulary"),
        ({"tags": {"aus": [99]}}, "Action Units"),
        ({"source": {"file": "a.bvh", "start": 2.0, "end": 1.0}}, "must be after start"),
        ({"descriptions": []}, "at least 1"),
        ({"descriptions": ["  "]}, "blank"),
        ({"duration": 0.0}, "greater than 0"),
        ({"features": {"first_pose": [float("nan")]}}, "NaN"),
        ({"colour": "red"}, "Extra inputs"),
    ],
)
def test_invalid_records_are_refused_with_the_reason(
    change: dict[str, object], message: str
) -> None:
    data = full_record().model_dump()
    data.update(change)
    with pytest.raises(ValidationError, match=message):
        ClipRecord.model_validate(data)
