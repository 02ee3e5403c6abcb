"""Where sentences and clauses end in a transcript written without punctuation.

Speech recognisers that return bare words ("ok great see you") give the cue matcher no sentence
to read: "see you" takes leave only where a sentence starts, "you" at a line's end points, a
question without its mark raises no brows, and the emotion classifier, which learned from
written lines how much "!" and "?" say, hears almost every bare line as neutral.
`BoundaryModel.marks` predicts, after each word, the mark a writer would have put there ("",
",", ".", "?" or "!"): a linear model over the words around the gap and the first words of the
sentence and clause read so far, applied left to right.

The weights (`data/boundary_model.npz`) are fitted on MELD's punctuated lines by
scripts/train_boundary_model.py, which also writes docs/boundaries.md with the model's scores.
The model reads English; a line whose words it mostly never saw is left as written.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from motiondirector.cache import load_once
from motiondirector.errors import BackendUnavailableError

MARKS: tuple[str, ...] = ("", ",", ".", "?", "!")
"""What the model can put after a word: nothing, a clause end, or one of three sentence ends."""
SENTENCE_ENDS = frozenset(".?!")
_SENTENCE_COLUMNS = [MARKS.index(mark) for mark in (".", "?", "!")]

KNOWN_SHARE = 1 / 2
"""The share of a line's words the model must have seen in training for the line to be read as
English."""

_PACKAGE_FILE = "boundary_model.npz"
_RETRAIN_HINT = "reinstall motiondirector, or run scripts/train_boundary_model.py"
_LONGEST_COUNT = 8  # sentences longer than this many words so far share one length feature


def gap_features(
    words: Sequence[str], index: int, sentence: int, clause: int, rates: Sequence[tuple[str, str]]
) -> list[str]:
    """The features of the gap after `words[index]`, the current sentence having begun at word
    `sentence` and the clause at word `clause`; `rates` gives each word's `rate_buckets`.
    Training and inference both read these."""

    def word(at: int) -> str:
        if at < 0:
            return "<s>"
        return words[at] if at < len(words) else "</s>"

    left, right = word(index), word(index + 1)
    opener = words[sentence]
    second = word(sentence + 1) if sentence < index else "-"
    length = str(min(index - sentence, _LONGEST_COUNT))
    ends = rates[index][1]
    starts = rates[index + 1][0] if index + 1 < len(words) else "end"
    return [
        "bias",
        f"L1={left}",
        f"R1={right}",
        f"L2={word(index - 1)}_{left}",
        f"R2={right}_{word(index + 2)}",
        f"LR={left}_{right}",
        f"S1={opener}",
        f"S2={opener}_{second}",
        f"S1R1={opener}_{right}",
        f"S2R1={opener}_{second}_{right}",
        f"N={length}",
        f"NR1={length}_{right}",
        f"C1R1={words[clause]}_{right}",
        f"C2R1={words[clause]}_{word(clause + 1)}_{right}",
        f"LE={ends}",
        f"RS={starts}",
        f"LERS={ends}_{starts}",
    ]


def rate_buckets(
    words: Sequence[str], rates: Mapping[str, tuple[float, float]]
) -> list[tuple[str, str]]:
    """How often each word began a clause and how often one ended after it in training, in
    fifths ("u" for a word seen too rarely): these carry what a word's neighbours taught to
    pairs of words never seen together ("great" ends clauses, "see" begins them)."""
    buckets: list[tuple[str, str]] = []
    for word in words:
        rate = rates.get(word)
        if rate is None:
            buckets.append(("u", "u"))
        else:
            buckets.append((str(min(int(rate[0] * 5), 4)), str(min(int(rate[1] * 5), 4))))
    return buckets


@dataclass(frozen=True)
class BoundaryModel:
    """Weights of the mark after each word, by feature."""

    features: Mapping[str, int]
    weights: npt.NDArray[np.float32]  # (features, marks)
    bias: npt.NDArray[np.float32]  # (marks,)
    vocabulary: frozenset[str]
    rates: Mapping[str, tuple[float, float]]  # how often a word began a clause, ended one
    metadata: Mapping[str, Any]

    @classmethod
    def from_package(cls) -> BoundaryModel:
        """The model shipped with motiondirector."""
        resource = resources.files("motiondirector.planners").joinpath("data", _PACKAGE_FILE)
        if not resource.is_file():
            raise BackendUnavailableError(
                f"the sentence boundary model ({_PACKAGE_FILE}) is missing: {_RETRAIN_HINT}"
            )
        with resource.open("rb") as handle:
            return cls.from_arrays(_load(handle))

    @classmethod
    def from_file(cls, path: str | Path) -> BoundaryModel:
        """A model from an .npz written by scripts/train_boundary_model.py."""
        try:
            with Path(path).open("rb") as handle:
                return cls.from_arrays(_load(handle))
        except FileNotFoundError as exc:
            raise BackendUnavailableError(f"no sentence boundary model at {path}") from exc

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> BoundaryModel:
        """A model from the arrays of its .npz (see `to_arrays`)."""
        names = _lines(arrays["features"])
        vocabulary = _lines(arrays["vocabulary"])
        rates = np.asarray(arrays["rates"], dtype=np.float32)
        return cls(
            features={name: row for row, name in enumerate(names)},
            weights=np.asarray(arrays["weights"], dtype=np.float32),
            bias=np.asarray(arrays["bias"], dtype=np.float32),
            vocabulary=frozenset(vocabulary),
            rates={
                word: (float(rate[0]), float(rate[1]))
                for word, rate in zip(vocabulary, rates, strict=True)
                if not np.isnan(rate[0])
            },
            metadata=json.loads(str(arrays["metadata_json"])),
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The arrays of the model's .npz: names as UTF-8 text, one a line; float16 weights."""
        names = sorted(self.features, key=self.features.__getitem__)
        vocabulary = sorted(self.vocabulary)
        unknown = (float("nan"), float("nan"))
        return {
            "bias": self.bias.astype(np.float32),
            "features": _text(names),
            "metadata_json": np.array(json.dumps(dict(self.metadata), sort_keys=True)),
            "rates": np.array([self.rates.get(w, unknown) for w in vocabulary], dtype=np.float16),
            "vocabulary": _text(vocabulary),
            "weights": self.weights.astype(np.float16),
        }

    def reads(self, words: Sequence[str]) -> bool:
        """Whether `words` (normalised) look English enough for the model."""
        spoken = [w for w in words if w]
        known = sum(w in self.vocabulary for w in spoken)
        return bool(spoken) and known >= KNOWN_SHARE * len(spoken)

    def marks(self, words: Sequence[str]) -> tuple[str, ...]:
        """The mark after each of `words` (normalised, none empty); the last always ends a
        sentence."""
        found: list[str] = []
        sentence = clause = 0
        rates = rate_buckets(words, self.rates)
        for index in range(len(words)):
            rows = [
                self.features[name]
                for name in gap_features(words, index, sentence, clause, rates)
                if name in self.features
            ]
            scores = self.weights[rows].sum(axis=0) + self.bias
            chances = np.exp(scores - scores.max())
            # Whether a sentence ends is decided before how: split three ways, the chance of a
            # sentence end would lose to a comma that each of ". ? !" alone falls short of.
            ends = chances[_SENTENCE_COLUMNS]
            if index == len(words) - 1 or ends.sum() > chances[: _SENTENCE_COLUMNS[0]].max():
                mark = MARKS[_SENTENCE_COLUMNS[int(np.argmax(ends))]]
            else:
                mark = MARKS[int(np.argmax(chances[: _SENTENCE_COLUMNS[0]]))]
            found.append(mark)
            if mark:
                clause = index + 1
            if mark in SENTENCE_ENDS:
                sentence = index + 1
        return tuple(found)


def _text(lines: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\n".join(lines).encode("utf-8"), dtype=np.uint8)


def _lines(text: np.ndarray) -> list[str]:
    return bytes(text).decode("utf-8").split("\n")


def _load(handle: Any) -> dict[str, np.ndarray]:
    try:
        with np.load(handle, allow_pickle=False) as archive:
            return {name: np.array(archive[name]) for name in archive.files}
    except (OSError, ValueError, KeyError) as exc:
        raise BackendUnavailableError(
            f"the sentence boundary model cannot be read ({exc}): {_RETRAIN_HINT}"
        ) from exc


@load_once
def shipped_model() -> BoundaryModel:
    """The packaged model, loaded once a process."""
    return BoundaryModel.from_package()


def inferred_marks(words: Sequence[str]) -> tuple[str, ...] | None:
    """The marks after `words` (normalised; empty ones are not spoken and get none) of a line
    written without punctuation, or None where the model does not read the line's language."""
    if len(words) > _CACHED_WORDS:
        return _marks_of(tuple(words))
    return _cached_marks(tuple(words))


_CACHED_WORDS = 100
"""Lines up to this long are cached (a session reads each turn again as the history of the
next several); a longer one is read anew, so the cache stays small whatever lines it sees."""


@functools.lru_cache(maxsize=1024)
def _cached_marks(words: tuple[str, ...]) -> tuple[str, ...] | None:
    return _marks_of(words)


def _marks_of(words: tuple[str, ...]) -> tuple[str, ...] | None:
    model = shipped_model()
    if not model.reads(words):
        return None
    spoken = [index for index, word in enumerate(words) if word]
    marks = [""] * len(words)
    for index, mark in zip(spoken, model.marks([words[i] for i in spoken]), strict=True):
        marks[index] = mark
    return tuple(marks)
