"""The emotion classifier of the rules planner: a line, read in its conversation -> one of seven
emotions.

Two small linear stages, trained on MELD by `scripts/train_emotion_classifier.py` (see
docs/emotion-classifier.md). Stage one reads a line alone: its all-MiniLM-L6-v2 sentence
embedding and its character and word n-grams. Stage two reads it in its conversation: the
previous lines and who said them, whether the speaker changed, and the speaker's own last line
and its emotion (`context_features`). Screenplays (`RulesPlanner.plan`) and live sessions
(which pass their earlier turns) go through the same `predict_dialogue`, so a line gets the
same emotion after the same lines either way. The weights ship as package data
(`planners/data/emotion_classifier.npz`) and inference is plain numpy. It knows neutral, joy,
sadness, anger, fear, surprise and disgust; `contempt` is in the vocabulary but not in the
training data, so the classifier never predicts it (explicit cues in the text or a
parenthetical do).

This module only labels text; choosing behaviours from the label is the planner's job.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import numpy as np

from motiondirector.errors import BackendUnavailableError, PlanValidationError
from motiondirector.plan.vocabulary import EMOTIONS

if TYPE_CHECKING:
    from motiondirector.embedding import SentenceEmbedder

_PACKAGE_FILE = "emotion_classifier.npz"
_RETRAIN_HINT = "reinstall motiondirector or rerun scripts/train_emotion_classifier.py"
# Lines whose vectors are kept for reuse as context: far more than a live session reads back.
_RECENT_LINES = 256

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


def unread_script(text: str) -> str | None:
    """The script most of `text`'s letters are in when it is not Latin ("CJK", "ARABIC",
    "HANGUL"), else None. The classifier learnt English: on other scripts its embedding and
    n-grams see noise, and it answered "surprise 0.77" for any line of Chinese."""
    if text.isascii():
        return None
    scripts = Counter(
        unicodedata.name(char, "UNKNOWN").split(" ", 1)[0] for char in text if char.isalpha()
    )
    if not scripts:
        return None
    script = scripts.most_common(1)[0][0]
    latin = scripts.get("LATIN", 0)
    return None if latin * 2 >= sum(scripts.values()) or script == "LATIN" else script


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


class DialogueLine(NamedTuple):
    """One line of a conversation as the classifier reads it: who says what, in which beat.

    Lines of another beat (another scene) are never context for each other.
    """

    speaker: str
    text: str
    beat: int = 0


# --- lexical features ---------------------------------------------------------------------------

_WORD_TOKEN = re.compile(r"\b\w+\b|[!?]")
CHAR_NGRAMS = (2, 4)


def char_ngrams(text: str) -> list[str]:
    """Character 2- to 4-grams inside each lower-cased word padded with one space each side."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        grams += [
            padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)
        ]
    return grams


def word_ngrams(text: str) -> list[str]:
    """Lower-cased words, "!" and "?" as tokens, and every pair of neighbouring tokens."""
    tokens = _WORD_TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


@dataclass(frozen=True)
class LexicalTable:
    """A fixed n-gram vocabulary with inverse document frequencies: text -> tf-idf row."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray

    @classmethod
    def from_arrays(cls, terms: np.ndarray, idf: np.ndarray) -> LexicalTable:
        # A plain dict: it is read once per n-gram of every line on the live path.
        return cls({str(t): i for i, t in enumerate(terms)}, idf)

    def row(self, grams: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of the L2-normalised, sublinear tf-idf row of `grams`."""
        column_of = self.vocabulary.get
        found = [
            (column, n)
            for column, n in ((column_of(g), n) for g, n in Counter(grams).items())
            if column is not None
        ]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        columns = np.array([column for column, _ in found], dtype=np.int64)
        counts = np.array([n for _, n in found], dtype=np.float64)
        values = (1.0 + np.log(counts)) * self.idf[columns]
        return columns, values / np.linalg.norm(values)


@dataclass(frozen=True)
class LexicalWeights:
    """Stage one's n-gram part: char and word tf-idf rows times their weights."""

    chars: LexicalTable
    char_weights: np.ndarray  # (labels, char vocabulary)
    words: LexicalTable
    word_weights: np.ndarray  # (labels, word vocabulary)

    def logits(self, text: str) -> np.ndarray:
        columns, values = self.chars.row(char_ngrams(text))
        out = self.char_weights[:, columns] @ values
        columns, values = self.words.row(word_ngrams(text))
        return np.asarray(out + self.word_weights[:, columns] @ values)


# --- context --------------------------------------------------------------------------------------

CONTEXT_FEATURES = 38


def context_features(
    line_logits: np.ndarray, speakers: Sequence[str], beats: Sequence[int], window: int
) -> np.ndarray:
    """One row per line: its line-alone reading and what the conversation before it says.

    Blocks of the row: the line's own stage-one logits (7); the line-alone probabilities of the
    previous line (7) and the same again only when the speaker changed (7: a reply, where
    feelings pass between people, against a continuation); the speaker's own last line's
    probabilities (7: their previous emotion); the mean probabilities of the other speakers'
    lines (7); and three flags: a previous line exists, the speaker changed, the speaker spoke.
    Only the previous `window` lines of the same beat count; absent context is zeros, so a line
    read alone has only its own block. Training and inference both build rows here.
    """
    probabilities = softmax(line_logits)
    k = line_logits.shape[1]
    out = np.zeros((len(line_logits), 5 * k + 3), dtype=np.float64)
    out[:, :k] = line_logits
    flags = 5 * k
    for i in range(len(line_logits)):
        previous = [j for j in range(max(0, i - window), i) if beats[j] == beats[i]]
        if not previous:
            continue
        last = previous[-1]
        changed = float(speakers[last] != speakers[i])
        out[i, k : 2 * k] = probabilities[last]
        out[i, 2 * k : 3 * k] = probabilities[last] * changed
        out[i, flags] = 1.0
        out[i, flags + 1] = changed
        own = [j for j in previous if speakers[j] == speakers[i]]
        if own:
            out[i, 3 * k : 4 * k] = probabilities[own[-1]]
            out[i, flags + 2] = 1.0
        others = [j for j in previous if speakers[j] != speakers[i]]
        if others:
            out[i, 4 * k : 5 * k] = probabilities[others].mean(axis=0)
    return out


@dataclass(frozen=True)
class ContextWeights:
    """Stage two: softmax((context_features(...) W^T + b) / temperature).

    `window` is how many previous lines of the same beat are read; `temperature` calibrates
    the probabilities (it never changes the most probable label).
    """

    weights: np.ndarray
    bias: np.ndarray
    window: int
    temperature: float


def line_logits(
    vectors: np.ndarray,
    texts: Sequence[str],
    weights: np.ndarray,
    bias: np.ndarray,
    lexical: LexicalWeights | None,
) -> np.ndarray:
    """Stage one: the logits of each line read alone, from its embedding and its n-grams.

    Row by row, so a line's logits are the same bits whichever lines share the call (a matrix
    product may sum in another order for another batch size).
    """
    rows = [vector.astype(np.float64) @ weights.T + bias for vector in vectors]
    if lexical is not None:
        rows = [row + lexical.logits(text) for row, text in zip(rows, texts, strict=True)]
    return np.stack(rows) if rows else np.zeros((0, weights.shape[0]))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float64."""
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def normalise_name(name: str) -> str:
    """Speaker names compared as the script readers keep them: single-spaced, upper case."""
    return " ".join(name.split()).upper()


class EmotionClassifier:
    """Emotion from a line's embedding and words, read alone or in its conversation.

    Stage one reads a line alone: a linear layer over its L2-normalised embedding, plus (when
    the weights carry `lexical`) tf-idf character and word n-grams of its normalised text.
    Stage two (`context`) reads stage one's output for the line and the lines before it
    (`context_features`). Weights without the later parts (format 1: embedding only) classify
    every line alone.
    """

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        labels: Sequence[str],
        *,
        embedding_model_id: str,
        metadata: Mapping[str, Any] | None = None,
        embedder: SentenceEmbedder | None = None,
        lexical: LexicalWeights | None = None,
        context: ContextWeights | None = None,
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
        if lexical is not None:
            for name, table, matrix in (
                ("char", lexical.chars, lexical.char_weights),
                ("word", lexical.words, lexical.word_weights),
            ):
                expected = (len(labels), len(table.vocabulary))
                if matrix.shape != expected or table.idf.shape != (expected[1],):
                    problems.append(f"{name} n-gram weights do not match their vocabulary")
        if context is not None:
            if context.weights.shape != (len(labels), CONTEXT_FEATURES):
                problems.append(
                    f"context weights have shape {context.weights.shape}, "
                    f"expected ({len(labels)}, {CONTEXT_FEATURES})"
                )
            if context.bias.shape != (len(labels),):
                problems.append(f"context bias has shape {context.bias.shape}")
            if context.window < 1 or not context.temperature > 0:
                problems.append("the context window and temperature must be positive")
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
        self._lexical = lexical
        self._context = context
        # Stage-one logits of recent lines: in a live conversation every earlier turn was read
        # when it was spoken, so reading it again as context costs a lookup, not a transformer
        # run. They depend only on the text (each text is embedded alone).
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

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
                arrays = {name: np.array(archive[name]) for name in archive.files}
            metadata = json.loads(str(arrays["metadata_json"]))
            labels = metadata["labels"]
            model_id = metadata["embedding_model_id"]
            lexical = None
            if "char_weights" in arrays:
                lexical = LexicalWeights(
                    LexicalTable.from_arrays(arrays["char_vocabulary"], arrays["char_idf"]),
                    arrays["char_weights"].astype(np.float64),
                    LexicalTable.from_arrays(arrays["word_vocabulary"], arrays["word_idf"]),
                    arrays["word_weights"].astype(np.float64),
                )
            context = None
            if "context_weights" in arrays:
                settings = metadata["context"]
                context = ContextWeights(
                    arrays["context_weights"].astype(np.float64),
                    arrays["context_bias"].astype(np.float64),
                    int(settings["window"]),
                    float(settings["temperature"]),
                )
            weights, bias = arrays["weights"], arrays["bias"]
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
            lexical=lexical,
            context=context,
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

    def reads_language(self, language: str) -> bool:
        """Whether a line said in `language` (a BCP 47 language subtag) can be read: English
        only. The planner reads other languages by their emotion words instead."""
        return language == "en"

    def unread_script(self, text: str) -> str | None:
        """The script of `text` when it is one this classifier cannot read (see the module
        function), else None: the planner then leaves the line neutral."""
        return unread_script(text)

    @property
    def window(self) -> int:
        """How many previous lines `predict_dialogue` reads (0: every line is read alone)."""
        return 0 if self._context is None else self._context.window

    def predict(self, texts: Sequence[str]) -> list[EmotionPrediction]:
        """Classify each text alone (no conversation around it)."""
        if isinstance(texts, str):
            raise TypeError("predict() takes a sequence of strings; wrap a single text in a list")
        if len(texts) == 0:
            return []
        normalised = [normalise_text(t) for t in texts]
        return self.predict_embeddings(self._get_embedder().embed(normalised), normalised)

    def predict_embeddings(
        self, embeddings: np.ndarray, texts: Sequence[str]
    ) -> list[EmotionPrediction]:
        """Classify precomputed embeddings (n, dimension) of `texts` (normalised with
        `normalise_text`, from the same model), each read alone."""
        self._check_embeddings(embeddings)
        if len(texts) != embeddings.shape[0]:
            raise ValueError(f"{embeddings.shape[0]} embeddings for {len(texts)} texts")
        n = len(texts)
        return self._predictions(self.probabilities(embeddings, texts, ("",) * n, range(n)))

    def predict_dialogue(
        self, lines: Sequence[tuple[str, str, int]], *, start: int = 0
    ) -> list[EmotionPrediction]:
        """Classify `lines[start:]`, each read after the lines before it.

        `lines` is a conversation in order, as `DialogueLine`s or (speaker, text, beat) tuples;
        lines before `start` are only context (earlier turns of a live session). A line reads
        the previous `window` lines of its beat: who said them, whether the speaker changed,
        and the speaker's own last line and its emotion.
        """
        if isinstance(lines, str):
            raise TypeError("predict_dialogue() takes a sequence of DialogueLine")
        if not 0 <= start <= len(lines):
            raise ValueError(f"start must be within 0..{len(lines)}, got {start}")
        if start == len(lines):
            return []
        first = max(0, start - self.window)
        read = [DialogueLine(*line) for line in lines[first:]]
        probabilities = self._in_context(
            self._recent_line_logits([normalise_text(line.text) for line in read]),
            [normalise_name(line.speaker) for line in read],
            [line.beat for line in read],
        )
        return self._predictions(probabilities[start - first :])

    def probabilities(
        self,
        vectors: np.ndarray,
        texts: Sequence[str],
        speakers: Sequence[str],
        beats: Sequence[int],
    ) -> np.ndarray:
        """Label probabilities (n, labels) of lines in order from their embeddings and
        normalised texts; a line reads the lines before it with the same beat."""
        self._check_embeddings(vectors)
        return self._in_context(
            line_logits(vectors, texts, self._weights, self._bias, self._lexical), speakers, beats
        )

    def _in_context(
        self, logits: np.ndarray, speakers: Sequence[str], beats: Sequence[int]
    ) -> np.ndarray:
        if self._context is None:
            return softmax(logits)
        features = context_features(logits, speakers, beats, self._context.window)
        context = self._context
        # Row by row, like stage one: a line's result never depends on the batch around it.
        logits = np.stack([row @ context.weights.T + context.bias for row in features])
        return softmax(logits / context.temperature)

    def _predictions(self, probabilities: np.ndarray) -> list[EmotionPrediction]:
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

    def _check_embeddings(self, embeddings: np.ndarray) -> None:
        if embeddings.ndim != 2 or embeddings.shape[1] != self.dimension:
            raise BackendUnavailableError(
                f"embeddings have shape {embeddings.shape}; the emotion classifier needs "
                f"(n, {self.dimension}) from {self._embedding_model_id}"
            )

    def forget_recent_lines(self) -> None:
        """Drop the remembered stage-one results, so the next lines are read from scratch."""
        with self._recent_lock:
            self._recent.clear()

    def _recent_line_logits(self, texts: Sequence[str]) -> np.ndarray:
        """Stage-one logits of `texts`, reusing those of recently read lines."""
        with self._recent_lock:
            known = {text: self._recent[text] for text in texts if text in self._recent}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            vectors = self._get_embedder().embed(missing)
            self._check_embeddings(vectors)
            fresh = line_logits(vectors, missing, self._weights, self._bias, self._lexical)
            known.update(zip(missing, fresh, strict=True))
        with self._recent_lock:
            for text in texts:
                self._recent[text] = known[text]
                self._recent.move_to_end(text)
            while len(self._recent) > _RECENT_LINES:
                self._recent.popitem(last=False)
        return np.stack([known[text] for text in texts])

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


def forget_recent_lines() -> None:
    """Make the process's classifier, when loaded, forget the lines it read (and load nothing).

    A measurement of planning time calls this first: lines read by an earlier run in the same
    process would otherwise be answered from memory and look faster than they are.
    """
    with _classifier_lock:
        classifier = _classifier
    if classifier is not None:
        classifier.forget_recent_lines()


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
