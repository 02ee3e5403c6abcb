"""docs/emotion-classifier.md is the page scripts/train_emotion_classifier.py writes from the
shipped model's metadata: an edit made to one alone is caught here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from motiondirector.planners.emotion import EmotionClassifier

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_is_the_one_the_training_script_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "train_emotion_classifier", ROOT / "scripts" / "train_emotion_classifier.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script
    spec.loader.exec_module(script)
    page = script.render_doc(dict(EmotionClassifier.from_package().metadata))
    assert page == (ROOT / "docs" / "emotion-classifier.md").read_text(encoding="utf-8")
