"""`plan --visemes` puts the speech track on every utterance of the plan; without it the plan is
what it always was. (`/v1/plan` with `visemes`: tests/server/test_plan_visemes.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.cli.parser import build_parser
from motiondirector.export.formats import PER_CHARACTER_FORMATS
from motiondirector.plan.motion_plan import MotionPlan
from motiondirector.realize import plan_script
from motiondirector.speech import attach_visemes
from tests.conftest import EXAMPLE_SCENE


def test_plan_visemes_attaches_the_track_and_default_output_is_unchanged(
    tmp_path: Path,
) -> None:
    plain, with_track = tmp_path / "plain.json", tmp_path / "visemes.json"
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "-o", str(plain)]) == 0
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "--visemes", "-o", str(with_track)]) == 0
    expected = plan_script(EXAMPLE_SCENE)
    assert plain.read_text(encoding="utf-8") == expected.to_json()
    assert "visemes" not in plain.read_text(encoding="utf-8")
    plan = MotionPlan.model_validate_json(with_track.read_text(encoding="utf-8"))
    assert plan == attach_visemes(expected)
    assert all(u.visemes for u in plan.utterances)
    # bilabials in the track close the lips: the track is speech, not a placeholder
    visemes = {key.viseme for u in plan.utterances for key in u.visemes or ()}
    assert "PP" in visemes


def test_the_character_help_names_every_per_character_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["plan", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--visemes" in help_text
    character = help_text[help_text.index("--character") :]
    assert all(name in character for name in PER_CHARACTER_FORMATS)
