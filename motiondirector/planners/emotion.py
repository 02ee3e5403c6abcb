"""The small emotion classifier of the rules planner: sentence embedding -> one of seven emotions.

A multinomial logistic regression over all-MiniLM-L6-v2 embeddings, trained on MELD and
GoEmotions by `scripts/train_emotion_classifier.py` (see docs/emotion-classifier.md). The
weights ship as package data (`planners/data/emotion_classifier.npz`) and inference is plain
numpy. It knows neutral, joy, sadness, anger, fear, surprise and disgust; `contempt` is in the
vocabulary but not in the training data, so the classifier never predicts it (explicit cues in
the text or a parenthetical do).

This module only labels text; choosing behaviours from the label is the planner's job.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from motiondirector.errors import BackendUnavailableError, PlanValidationError
from motiondirector.plan.vocabulary import EMOTIONS

if TYPE_CHECKING:
    from motiondirector.embedding import SentenceEmbedder

_PACKAGE_FILE = "emotion_classifier.npz"
_RETRAIN_HINT = "reinstall motiondirector or rerun scripts/train_emotion_classifier.py"

# Mojibake left when UTF-8 text was decoded as cp1252 (e.g. "â€™" for "’"): a lead byte of a
# two- or three-byte UTF-8 sequence followed by continuation bytes, all shown as cp1252. The five
# bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) come through as C1 controls.
_UNDEFINED_IN_CP1252 = "\x81\x8d\x8f\x90\x9d"
_CONTINUATION = re.escape(
    bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore") + _UNDEFINED_IN_CP1252
)
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_CONTINUATION}]|[\u00e0-\u00ef][{_CONTINUATION}]{{2}}")
_PUNCTUATION = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "…": "...",
        "—": " - ",
        "–": "-",
    }
)


def normalise_text(text: str) -> str:
    """Repair mojibake, straighten quotes and dashes, and collapse whitespace.

    Training and inference both pass text through here, so the classifier sees the same
    spelling of punctuation in both.
    """
    text = _MOJIBAKE.sub(_repair_mojibake, text)
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    return " ".join(text.split())


def _repair_mojibake(match: re.Match[str]) -> str:
    text = match.group()
    raw = b"".join(
        c.encode("latin-1") if c in _UNDEFINED_IN_CP1252 else c.encode("cp1252") for c in text
    )
    try:
        return raw.decode("utf-8")
    except UnicodeError:
        return text


@dataclass(frozen=True)
class EmotionPrediction:
    """The most probable emotion, its probability, and the probability of every label."""

    label: str
    confidence: float
    probabilities: Mapping[str, float]


class EmotionClassifier:
    """Softmax(x W^T + b) over L2-normalised sentence embeddings."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        labels: Sequence[str],
        *,
        embedding_model_id: str,
        metadata: Mapping[str, Any] | None = None,
        embedder: SentenceEmbedder | None = None,
    ) -> None:
        labels = tuple(labels)
        problems = [
            f"label {label!r} is not in the emotion vocabulary"
            for label in labels
            if label not in EMOTIONS
        ]
        if weights.ndim != 2 or weights.shape[0] != len(labels):
            problems.append(f"weights have shape {weights.shape}, expected ({len(labels)}, d)")
        if bias.shape != (len(labels),):
            problems.append(f"bias has shape {bias.shape}, expected ({len(labels)},)")
        if problems:
            raise BackendUnavailableError(
                "the emotion classifier weights are invalid: "
                + "; ".join(problems)
                + f" ({_RETRAIN_HINT})"
            )
        self._weights = weights.astype(np.float64)
        self._bias = bias.astype(np.float64)
        self._labels = labels
        self._embedding_model_id = embedding_model_id
        self._metadata = MappingProxyType(dict(metadata or {}))
        self._embedder = embedder
        self._embedder_lock = threading.Lock()

    @classmethod
    def from_package(cls, embedder: SentenceEmbedder | None = None) -> EmotionClassifier:
        """The classifier shipped with motiondirector."""
        resource = resources.files("motiondirector.planners").joinpath("data", _PACKAGE_FILE)
        if not resource.is_file():
            raise BackendUnavailableError(
                f"the emotion classifier weights ({_PACKAGE_FILE}) are missing: {_RETRAIN_HINT}"
            )
        with resource.open("rb") as handle:
            return cls._from_stream(handle, str(resource), embedder)

    @classmethod
    def from_file(
        cls, path: str | Path, embedder: SentenceEmbedder | None = None
    ) -> EmotionClassifier:
        """A classifier from an .npz written by scripts/train_emotion_classifier.py."""
        try:
            with Path(path).open("rb") as handle:
                return cls._from_stream(handle, str(path), embedder)
        except FileNotFoundError as exc:
            raise BackendUnavailableError(f"no emotion classifier weights at {path}") from exc

    @classmethod
    def _from_stream(
        cls, handle: IO[bytes], where: str, embedder: SentenceEmbedder | None
    ) -> EmotionClassifier:
        try:
            with np.load(handle, allow_pickle=False) as archive:
                weights = np.array(archive["weights"])
                bias = np.array(archive["bias"])
                metadata = json.loads(str(archive["metadata_json"]))
            labels = metadata["labels"]
            model_id = metadata["embedding_model_id"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackendUnavailableError(
                f"cannot read the emotion classifier weights at {where}: {exc} ({_RETRAIN_HINT})"
            ) from exc
        return cls(
            weights,
            bias,
            labels,
            embedding_model_id=model_id,
            metadata=metadata,
            embedder=embedder,
        )

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def dimension(self) -> int:
        """The embedding length the classifier expects."""
        return int(self._weights.shape[1])

    @property
    def embedding_model_id(self) -> str:
        """The sentence-transformers model whose embeddings the classifier was trained on."""
        return self._embedding_model_id

    @property
    def metadata(self) -> Mapping[str, Any]:
        """Training settings and evaluation metrics recorded by the training script."""
        return self._metadata

    def predict(self, texts: Sequence[str]) -> list[EmotionPrediction]:
        """Classify each text; all texts are embedded in one batched call."""
        if isinstance(texts, str):
            raise TypeError("predict() takes a sequence of strings; wrap a single text in a list")
        if len(texts) == 0:
            return []
        embedder = self._get_embedder()
        return self.predict_embeddings(embedder.embed([normalise_text(t) for t in texts]))

    def predict_embeddings(self, embeddings: np.ndarray) -> list[EmotionPrediction]:
        """Classify precomputed embeddings of shape (n, dimension) from the same model."""
        if embeddings.ndim != 2 or embeddings.shape[1] != self.dimension:
            raise BackendUnavailableError(
                f"embeddings have shape {embeddings.shape}; the emotion classifier needs "
                f"(n, {self.dimension}) from {self._embedding_model_id}"
            )
        logits = embeddings.astype(np.float64) @ self._weights.T + self._bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        predictions = []
        for row in probabilities:
            best = int(np.argmax(row))
            table = dict(zip(self._labels, (float(p) for p in row), strict=True))
            predictions.append(
                EmotionPrediction(
                    label=self._labels[best],
                    confidence=float(row[best]),
                    probabilities=MappingProxyType(table),
                )
            )
        return predictions

    def _get_embedder(self) -> SentenceEmbedder:
        with self._embedder_lock:
            if self._embedder is None:
                from motiondirector.embedding import DEFAULT_MODEL_ID, get_embedder

                if self._embedding_model_id != DEFAULT_MODEL_ID:
                    raise BackendUnavailableError(
                        f"this emotion classifier needs embeddings from "
                        f"{self._embedding_model_id}; pass an embedder for that model"
                    )
                self._embedder = get_embedder()
            if self._embedder.dimension != self.dimension:
                raise BackendUnavailableError(
                    f"the embedder gives {self._embedder.dimension}-d vectors; the emotion "
                    f"classifier needs {self.dimension}-d ones from {self._embedding_model_id}"
                )
            return self._embedder


_classifier: EmotionClassifier | None = None
_classifier_lock = threading.Lock()


def get_emotion_classifier() -> EmotionClassifier:
    """The packaged classifier, loaded once per process."""
    global _classifier
    with _classifier_lock:
        if _classifier is None:
            _classifier = EmotionClassifier.from_package()
        return _classifier


# Display intensity: neutral stays between 0.05 and 0.15 (a calm face, not a blank one); the
# other emotions run from 0.3 at chance-level confidence to 0.9 at certainty, linear in how far
# the confidence is above chance (1/7). The classifier's confidence says how sure it is, not
# how strong the feeling is, so the range is kept away from both 0 and 1; explicit cues
# ("furious", "(screaming)") are what push intensity to the extremes.
_CHANCE = 1.0 / 7.0
_NEUTRAL_RANGE = (0.05, 0.15)
_EMOTION_RANGE = (0.3, 0.9)


def intensity_from_confidence(label: str, confidence: float) -> float:
    """Map a predicted label and its confidence (0-1) to a 0-1 display intensity."""
    if label not in EMOTIONS:
        raise PlanValidationError([f"unknown emotion {label!r}; expected one of {EMOTIONS}"])
    if not np.isfinite(confidence):
        raise PlanValidationError([f"emotion confidence must be a number, got {confidence!r}"])
    above_chance = min(max((confidence - _CHANCE) / (1.0 - _CHANCE), 0.0), 1.0)
    low, high = _NEUTRAL_RANGE if label == "neutral" else _EMOTION_RANGE
    return round(low + (high - low) * above_chance, 3)
