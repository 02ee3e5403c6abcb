"""Train the sentence boundary model that reads transcripts written without punctuation.

Multinomial logistic regression (scikit-learn, lbfgs) over `planners.boundaries.gap_features`,
one row per word of MELD train: the mark the writer put after the word ("", ",", ".", "?", "!"),
with the sentence and clause starts taken from the written marks. The line's words are read
with the planner's own tokenizer, so the model sees the words the planner will give it. Scores
are measured on MELD dev with the marks stripped and inferred left to right, as at run time:

- the marks after each word but the last, and the last word's question mark;
- the dialogue cues the rules planner finds in the stripped line, with and without the inferred
  marks, against those it finds in the line as written;
- the emotion classifier's F1 on the line as written, stripped, and stripped with the marks.

    .venv/bin/python scripts/train_boundary_model.py

writes `motiondirector/planners/data/boundary_model.npz` and docs/boundaries.md in under a
minute. The output is deterministic: the same data give a byte-identical .npz.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from motiondirector.evaluation.scenes import spoken_words
from motiondirector.faces.tracker import npz_bytes
from motiondirector.plan.scene import Word
from motiondirector.planners.boundaries import (
    MARKS,
    SENTENCE_ENDS,
    BoundaryModel,
    gap_features,
    rate_buckets,
)
from motiondirector.planners.cues import DialogueMatcher, load_cue_lexicon, tokenize

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data" / "emotion" / "meld"
MIN_COUNT = 3  # features seen fewer times in training are dropped
PRUNE = 0.1  # so are features whose every weight is smaller than this after the fit
C = 0.5  # inverse L2 strength, chosen on MELD dev over {0.5, 1, 2} x min count {1, 2, 3}

Line = tuple[list[str], list[str]]  # normalised words, the mark written after each


def read_lines(path: Path) -> list[str]:
    """The utterances of a MELD csv."""
    return [text for text, _ in read_labelled(path)]


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """The utterances of a MELD csv with their emotion labels."""
    with path.open(encoding="utf-8") as handle:
        return [(row["Utterance"], row["Emotion"]) for row in csv.DictReader(handle)]


def written_marks(text: str) -> Line:
    """The spoken words of `text`, normalised, and the mark written after each (the last word
    ends a sentence whatever was written)."""
    words, marks = [], []
    for token in tokenize(spoken_words(text), infer_punctuation=False):
        if not token.norm:
            continue
        if token.end_mark in ("?", "!"):
            mark = token.end_mark
        elif token.sentence_end:
            mark = "."
        else:
            mark = "," if token.clause_end else ""
        words.append(token.norm)
        marks.append(mark)
    if marks and marks[-1] not in SENTENCE_ENDS:
        marks[-1] = "."
    return words, marks


def word_rates(lines: Iterable[Line]) -> dict[str, tuple[float, float]]:
    """How often each word seen MIN_COUNT times began a clause (or the line), and how often a
    mark followed it."""
    seen: Counter[str] = Counter()
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for words, marks in lines:
        for index, (word, mark) in enumerate(zip(words, marks, strict=True)):
            seen[word] += 1
            starts[word] += index == 0 or bool(marks[index - 1])
            ends[word] += bool(mark)
    return {w: (starts[w] / n, ends[w] / n) for w, n in seen.items() if n >= MIN_COUNT}


def training_rows(
    lines: Iterable[Line], rates: dict[str, tuple[float, float]]
) -> tuple[list[list[str]], list[int]]:
    """Features and mark of every gap, sentence and clause starts taken from the written marks."""
    rows: list[list[str]] = []
    labels: list[int] = []
    for words, marks in lines:
        sentence = clause = 0
        buckets = rate_buckets(words, rates)
        for index, mark in enumerate(marks):
            rows.append(gap_features(words, index, sentence, clause, buckets))
            labels.append(MARKS.index(mark))
            if mark:
                clause = index + 1
            if mark in SENTENCE_ENDS:
                sentence = index + 1
    return rows, labels


def fit(lines: Sequence[Line], metadata: dict[str, Any]) -> BoundaryModel:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    rates = word_rates(lines)
    rows, labels = training_rows(lines, rates)
    counts = Counter(name for row in rows for name in row)
    names = sorted(name for name, count in counts.items() if count >= MIN_COUNT)
    index = {name: column for column, name in enumerate(names)}
    entries = [(r, index[name]) for r, row in enumerate(rows) for name in row if name in index]
    matrix = sparse.csr_matrix(
        (np.ones(len(entries)), ([r for r, _ in entries], [c for _, c in entries])),
        shape=(len(rows), len(names)),
    )
    # BLAS sums in another order with another thread count; one thread gives the same bytes.
    with threadpool_limits(limits=1):
        model = LogisticRegression(C=C, max_iter=3000).fit(matrix, labels)
    weights = model.coef_.T.astype(np.float16).astype(np.float32)
    kept = np.flatnonzero(np.abs(weights).max(axis=1) >= PRUNE)
    return BoundaryModel(
        features={names[column]: row for row, column in enumerate(kept)},
        weights=weights[kept],
        bias=model.intercept_.astype(np.float32),
        vocabulary=frozenset(word for words, _ in lines for word in words),
        rates=rates,
        metadata={
            **metadata,
            "features": len(kept),
            "training_gaps": len(rows),
            "training_marks": {repr(MARKS[k]): v for k, v in sorted(Counter(labels).items())},
        },
    )


def _scores(true_positive: int, predicted: int, gold: int) -> dict[str, float]:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def mark_scores(model: BoundaryModel, lines: Sequence[Line]) -> dict[str, Any]:
    """Precision, recall and F1 of each mark after a line's inner words, of any boundary there,
    and of the question and exclamation marks after its last word."""
    inner: Counter[tuple[str, str]] = Counter()
    last: Counter[tuple[str, str]] = Counter()
    for words, marks in lines:
        found = model.marks(words)
        inner.update(zip(marks[:-1], found[:-1], strict=True))
        last[(marks[-1], found[-1])] += 1

    def score(table: Counter[tuple[str, str]], hit: Any, gold: Any, got: Any) -> dict[str, float]:
        return _scores(
            sum(n for pair, n in table.items() if hit(*pair)),
            sum(n for (_, found), n in table.items() if got(found)),
            sum(n for (written, _), n in table.items() if gold(written)),
        )

    scores: dict[str, Any] = {
        repr(mark): score(
            inner,
            lambda a, b, m=mark: a == b == m,
            lambda a, m=mark: a == m,
            lambda b, m=mark: b == m,
        )
        for mark in MARKS[1:]
    }
    scores["any"] = score(inner, lambda a, b: bool(a and b), bool, bool)
    for mark, name in (("?", "last_question"), ("!", "last_exclamation")):
        scores[name] = score(
            last,
            lambda a, b, m=mark: a == b == m,
            lambda a, m=mark: a == m,
            lambda b, m=mark: b == m,
        )
    scores["inner_gaps"] = sum(inner.values())
    scores["lines"] = len(lines)
    return scores


def read_bare(model: BoundaryModel, written: Sequence[Word]) -> tuple[list[Word], list[Word]]:
    """The words stripped of their marks, and the same with `model`'s marks written after them
    where it reads the line (what `tokenize` does with the shipped model, done with this one)."""
    bare = [w.model_copy(update={"text": _strip(w.text)}) for w in written]
    norms = [t.norm for t in tokenize(bare, infer_punctuation=False)]
    spoken = [i for i, norm in enumerate(norms) if norm]
    if not model.reads(norms):
        return bare, bare
    marks = dict(zip(spoken, model.marks([norms[i] for i in spoken]), strict=True))
    return bare, [
        word.model_copy(update={"text": word.text + marks.get(index, "")})
        for index, word in enumerate(bare)
    ]


def cue_agreement(model: BoundaryModel, texts: Sequence[str]) -> dict[str, Any]:
    """The dialogue cues (category, word) found in each line with its punctuation stripped,
    without and with the inferred marks, against those found in the line as written."""
    matcher = DialogueMatcher(load_cue_lexicon())

    def cues(words: Sequence[Word], inferred: bool = False) -> set[tuple[str, int]]:
        tokens = tokenize(words, infer_punctuation=False)
        if inferred:  # as tokenize marks the marks it infers (an "!" then moves no rule)
            tokens = tuple(dataclasses.replace(t, marks_inferred=True) for t in tokens)
        return {(m.category.name, m.anchor) for m in matcher.find(tokens)}

    totals: Counter[str] = Counter()
    for text in texts:
        written = spoken_words(text)
        if not written:
            continue
        bare, inferred = read_bare(model, written)
        reference = cues(written)
        totals["lines"] += 1
        totals["reference"] += len(reference)
        for name, words in (("bare", bare), ("inferred", inferred)):
            found = cues(words, inferred=words is not bare)
            totals[f"{name}_found"] += len(found)
            totals[f"{name}_hit"] += len(found & reference)
            totals[f"{name}_same"] += found == reference
    return {
        "lines": totals["lines"],
        "reference_cues": totals["reference"],
        **{
            name: {
                **_scores(totals[f"{name}_hit"], totals[f"{name}_found"], totals["reference"]),
                "same_lines": round(totals[f"{name}_same"] / totals["lines"], 3),
            }
            for name in ("bare", "inferred")
        },
    }


def emotion_scores(model: BoundaryModel, labelled: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Macro and weighted F1 of the shipped emotion classifier on each line alone, as written,
    stripped of its punctuation, and stripped with the inferred marks written back."""
    from sklearn.metrics import f1_score

    from motiondirector.planners.emotion import EmotionClassifier

    classifier = EmotionClassifier.from_package()
    gold = [label for _, label in labelled]
    readings: dict[str, list[str]] = {"written": [], "bare": [], "inferred": []}
    for text, _ in labelled:
        bare, inferred = read_bare(model, spoken_words(text))
        readings["written"].append(text)
        readings["bare"].append(" ".join(w.text for w in bare))
        readings["inferred"].append(" ".join(w.text for w in inferred))
    scores: dict[str, Any] = {"lines": len(gold)}
    for name, texts in readings.items():
        found = [p.label for p in classifier.predict(texts)]
        scores[name] = {
            "macro_f1": round(float(f1_score(gold, found, average="macro")), 3),
            "weighted_f1": round(float(f1_score(gold, found, average="weighted")), 3),
            "neutral_share": round(found.count("neutral") / len(found), 3),
        }
    return scores


_MARK_CHARACTERS = ".,!?;:\u2026\u2014-"


def _strip(text: str) -> str:
    """A written word as a recogniser without punctuation would give it."""
    return text.strip(_MARK_CHARACTERS) or text


def render_doc(metadata: dict[str, Any]) -> str:
    """docs/boundaries.md from the metadata stored in the .npz."""
    marks = metadata["metrics"]["marks"]
    cues = metadata["metrics"]["cues"]
    rows = "\n".join(
        f"| {label} | {marks[key]['precision']:.3f} | {marks[key]['recall']:.3f} | "
        f"{marks[key]['f1']:.3f} |"
        for key, label in (
            ("','", "clause end `,`"),
            ("'.'", "sentence end `.`"),
            ("'?'", "question `?`"),
            ("'!'", "exclamation `!`"),
            ("any", "any boundary"),
            ("last_question", "`?` after the last word"),
            ("last_exclamation", "`!` after the last word"),
        )
    )
    cue_rows = "\n".join(
        f"| {label} | {cues[key]['precision']:.3f} | {cues[key]['recall']:.3f} | "
        f"{cues[key]['f1']:.3f} | {100 * cues[key]['same_lines']:.1f} % |"
        for key, label in (("bare", "as given"), ("inferred", "with inferred marks"))
    )
    emotion = metadata["metrics"]["emotion"]
    emotion_rows = "\n".join(
        f"| {label} | {emotion[key]['macro_f1']:.3f} | {emotion[key]['weighted_f1']:.3f} | "
        f"{100 * emotion[key]['neutral_share']:.1f} % |"
        for key, label in (
            ("written", "as written"),
            ("bare", "stripped"),
            ("inferred", "stripped, with inferred marks"),
        )
    )
    return f"""# Transcripts without punctuation

<!-- Written by scripts/train_boundary_model.py from the model's metadata; edit the script. -->

Speech recognisers often return bare words: `ok great see you`. The rules planner reads
sentences and clauses (a farewell "see you" opens a sentence, a "you" that ends a line points, a
question raises the brows), and its emotion classifier learned from written lines how much "!"
and "?" say, so a line with no punctuation at all is given the marks a writer would have put:
`ok, great. see you.` The words, the line's text and its timing are not changed; only the
planner's reading of it. Every behaviour read from such a line's marks, and its emotion, says so
in its reason (`word "see you" (punctuation inferred)`). An inferred "!" is given to the emotion
classifier, which learned from written ones, but moves no rule on its own (a cue that needs an
"!", such as "yes!", the listeners' raised brows, the `exclaim` intent, the stronger face): the
model is right about fewer than half the lines it gives one.

A line is read this way when none of its words ends in a mark (`. , ! ? ; : … —`) and at least
half its words are among the English words the model saw in training
({metadata["vocabulary"]}). Lines in other languages, and every line with punctuation, are read as
written. Nothing is configured; to keep a line as it is, punctuate it.

## The model

Multinomial logistic regression over the words around each gap (the word before and after,
both neighbouring pairs), the first words of the sentence and clause read so far, the
sentence's length, and how often in training the word before ended a clause and the word after
began one, so pairs never seen together are read from what each word did elsewhere. Marks are
read left to right: "how are you" ends in a question mark because its sentence began with "how".

- Training: the {metadata["training_gaps"]} words of MELD train ({metadata["training_lines"]}
  lines of TV dialogue), L2 strength C = {metadata["C"]}.
- Features: {metadata["features"]}, after dropping those seen fewer than
  {metadata["min_count"]} times and those whose every weight is under {metadata["prune"]};
  weights in float16 in `motiondirector/planners/data/boundary_model.npz`.

## Scores on MELD dev

Lines: {marks["lines"]}, punctuation stripped and inferred. Gaps after a word that is not a
line's last: {marks["inner_gaps"]}.

| mark | precision | recall | F1 |
|---|---:|---:|---:|
{rows}

Dialogue cues (category and word) the rules planner finds in the stripped lines, against those
it finds in the lines as written ({cues["reference_cues"]} cues in {cues["lines"]} lines):

| stripped line read | precision | recall | F1 | lines with the same cues |
|---|---:|---:|---:|---:|
{cue_rows}

The emotion classifier on each line alone ({emotion["lines"]} lines, MELD's labels):

| line read | macro F1 | weighted F1 | heard as neutral |
|---|---:|---:|---:|
{emotion_rows}

Commas are the hardest: writers disagree about them too. Questions asked by word order alone
("You're leaving?") cannot be told from statements without the voice, nor most exclamations:
MELD's "!" was written by people who heard the actors, so part of what the written lines tell
the classifier is in the voice, which a transcript does not carry.

Whole conversations taken turn by turn, and the labelled cue cases stripped of their marks:
[benchmarks.md](benchmarks.md#bare-transcripts) (`benchmarks/bare_transcripts.py`).

## Retraining

    .venv/bin/python scripts/train_boundary_model.py

reads `../shared/data/emotion/meld` (`--meld DIR`), writes the .npz and this page (`--doc`) in
under a minute; the same data give the same bytes.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meld", type=Path, default=DATA)
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "motiondirector" / "planners" / "data" / "boundary_model.npz",
    )
    parser.add_argument("--doc", type=Path, default=REPO / "docs" / "boundaries.md")
    parser.add_argument(
        "--doc-only", action="store_true", help="rewrite the page from the .npz at --out"
    )
    args = parser.parse_args(argv)
    if args.doc_only:
        args.doc.write_text(
            render_doc(dict(BoundaryModel.from_file(args.out).metadata)), encoding="utf-8"
        )
        return 0
    started = time.perf_counter()
    train_texts = read_lines(args.meld / "train_sent_emo.csv")
    dev_labelled = read_labelled(args.meld / "dev_sent_emo.csv")
    dev_texts = [text for text, _ in dev_labelled]
    train = [line for line in map(written_marks, train_texts) if line[0]]
    dev = [line for line in map(written_marks, dev_texts) if line[0]]
    model = fit(
        train, {"C": C, "min_count": MIN_COUNT, "prune": PRUNE, "training_lines": len(train)}
    )
    metadata = {
        **model.metadata,
        "vocabulary": len(model.vocabulary),
        "metrics": {
            "marks": mark_scores(model, dev),
            "cues": cue_agreement(model, dev_texts),
            "emotion": emotion_scores(model, dev_labelled),
        },
    }
    model = dataclasses.replace(model, metadata=metadata)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(npz_bytes(dict(sorted(model.to_arrays().items()))))
    args.doc.write_text(render_doc(metadata), encoding="utf-8")
    print(
        f"{args.out}: {metadata['features']} features, {args.out.stat().st_size // 1024} KiB, "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
