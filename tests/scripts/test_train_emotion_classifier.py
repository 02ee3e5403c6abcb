"""docs/emotion-classifier.md is the page scripts/train_emotion_classifier.py writes from the
shipped model's metadata: an edit made to one alone is caught here."""

from __future__ import annotations

from motiondirector.planners.emotion import EmotionClassifier
from tests.scripts.conftest import ROOT, load_script


def test_the_page_is_the_one_the_training_script_writes() -> None:
    script = load_script("train_emotion_classifier")
    page = script.render_doc(dict(EmotionClassifier.from_package().metadata))
    assert page == (ROOT / "docs" / "emotion-classifier.md").read_text(encoding="utf-8")
