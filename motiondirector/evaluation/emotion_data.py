"""A caller's own emotion-labelled lines for the emotion suite: file, columns and labels.

from motiondirector.evaluation import EmotionData, run_suite
ours = EmotionData("calls.csv", text="utterance", label="mood", speaker="who",
                   dialogue="call_id", labels={"happy": "joy", "mixed": None})
run_suite("emotion", emotion_data=[ours])

A file is CSV (`.csv`), tab-separated (`.tsv`) or JSON Lines (`.jsonl`, `.ndjson`), one line of
speech a row. `labels` maps the file's labels (compared without case) to the planner's emotions
(`plan.vocabulary.EMOTIONS`); a label mapped to None drops its rows; a label that is neither
mapped nor an emotion is an error, since it could never be predicted. With `dialogue`, rows
sharing its value are planned as one scene in file order (or by `order`), as MELD dialogues
are; without it every row is a scene of its own. Every error names the file and, where one row
is at fault, its line. This module reads and checks; it plans and scores nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from motiondirector.errors import EvaluationError

FORMATS: Mapping[str, str] = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""File suffixes read, and the format each means."""


@dataclass(frozen=True)
class EmotionData:
    """One labelled data set: where it is and which columns hold what.

    `text` and `label` name the columns of the line and its gold label; `speaker`,
    `dialogue` and `order` are optional (`dialogue` needs `speaker`). `labels` maps the file's
    labels to the planner's emotions (None: leave the row out). `name` labels the data set in
    the tables (default: the file's stem).
    """

    path: str | os.PathLike[str]
    text: str = "text"
    label: str = "label"
    speaker: str | None = None
    dialogue: str | None = None
    order: str | None = None
    labels: Mapping[str, str | None] = field(default_factory=dict)
    name: str = ""

    @property
    def dataset(self) -> str:
        """The data set's name in item ids, summary metrics and table names."""
        return self.name or Path(self.path).stem


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) of every data row of `path`."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise EvaluationError(
            f"{path}: cannot read a {path.suffix or 'suffix-less'} file; use {', '.join(FORMATS)}"
        )
    if not path.is_file():
        raise EvaluationError(f"evaluation data missing: {path}")
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvaluationError(f"{path}: not UTF-8 text ({error.reason})") from None
    rows: list[tuple[int, dict[str, Any]]] = []
    if kind == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise EvaluationError(
                    f"{path}:{number}: not a JSON object ({error.msg}); JSON Lines holds one "
                    "object a line"
                ) from None
            if not isinstance(row, dict):
                raise EvaluationError(
                    f"{path}:{number}: a {type(row).__name__}, not a JSON object; JSON Lines "
                    "holds one object a line"
                )
            rows.append((number, row))
        return rows
    # A stream, not split lines: a quoted field may hold a line break of its own.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if kind == "tsv" else ",")
    try:
        header = len(reader.fieldnames or [])
        start = reader.line_num + 1
        for row in reader:
            # A row's own first line (a quoted field may run over several).
            if None in row:
                raise EvaluationError(
                    f"{path}:{start}: {header + len(row[None])} fields where the header has "
                    f"{header}"
                )
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise EvaluationError(f"{path}:{reader.line_num}: {error}") from None
    return rows


def _check_columns(spec: EmotionData, path: Path, rows: list[tuple[int, dict[str, Any]]]) -> None:
    wanted = {
        "text": spec.text,
        "label": spec.label,
        "speaker": spec.speaker,
        "dialogue": spec.dialogue,
        "order": spec.order,
    }
    if spec.dialogue is not None and spec.speaker is None:
        raise EvaluationError(f"{path}: dialogue= needs speaker=, the column naming who speaks")
    number, first = rows[0]
    for role, column in wanted.items():
        if column is not None and column not in first:
            where = "the header" if FORMATS[path.suffix.lower()] != "jsonl" else f"line {number}"
            raise EvaluationError(
                f"{path}: no column {column!r} for the {role} (in {where}: "
                f"{', '.join(map(str, first)) or 'nothing'}); name yours with {role}= "
                f"(--emotion-column {role}=NAME)"
            )


def _gold(spec: EmotionData, path: Path, rows: list[tuple[int, str]]) -> list[str | None]:
    """Each row's emotion (None: left out), once every label is known."""
    from motiondirector.plan.vocabulary import EMOTIONS

    mapping = {str(k).strip().lower(): v for k, v in spec.labels.items()}
    unknown_targets = sorted({v for v in mapping.values() if v is not None} - set(EMOTIONS))
    if unknown_targets:
        raise EvaluationError(
            f"{path}: labels= maps to {', '.join(map(repr, unknown_targets))}, not among the "
            f"planner's emotions ({', '.join(EMOTIONS)})"
        )
    gold: list[str | None] = []
    unknown: dict[str, list[int]] = {}
    for number, raw in rows:
        label = raw.strip().lower()
        if label in mapping:
            gold.append(mapping[label])
        elif label in EMOTIONS:
            gold.append(label)
        else:
            unknown.setdefault(raw.strip(), []).append(number)
            gold.append(None)
    if unknown:
        found = "; ".join(
            f"{label!r} ({len(lines)} rows, first line {lines[0]})"
            for label, lines in sorted(unknown.items())
        )
        raise EvaluationError(
            f"{path}: labels that are not the planner's emotions ({', '.join(EMOTIONS)}): "
            f"{found}; map each to one of them, or to None to leave its rows out "
            "(labels={'happy': 'joy', 'mixed': None}; --emotion-label happy=joy on the CLI)"
        )
    return gold


def load_emotion_data(spec: EmotionData, limit: int | None = None) -> pd.DataFrame:
    """The rows of `spec` as the emotion suite reads them: (text, gold, line), with dialogue and
    speaker when `spec.dialogue` is set, each dialogue's lines together and in order."""
    path = Path(spec.path)
    rows = _rows(path)
    if not rows:
        raise EvaluationError(f"{path} holds no rows: nothing to score")
    _check_columns(spec, path, rows)
    texts = []
    for number, row in rows:
        text = row.get(spec.text)
        if not isinstance(text, str) or not text.strip():
            raise EvaluationError(f"{path}:{number}: the {spec.text!r} column holds no text")
        texts.append(" ".join(text.split()))
    labels = [(number, str(row.get(spec.label) or "")) for number, row in rows]
    gold = _gold(spec, path, labels)
    frame = pd.DataFrame(
        {"text": texts, "gold": gold, "line": [number for number, _ in rows]},
    )
    if spec.dialogue is not None and spec.speaker is not None:
        speakers = []
        for number, row in rows:
            speaker = " ".join(str(row.get(spec.speaker) or "").split()).upper()
            if not speaker:
                raise EvaluationError(f"{path}:{number}: the {spec.speaker!r} column is empty")
            speakers.append(speaker)
        frame["speaker"] = speakers
        frame["dialogue"] = [str(row.get(spec.dialogue)) for _, row in rows]
        keys: list[Any] = [pd.Series(frame["dialogue"]).map(_first_seen(frame["dialogue"]))]
        if spec.order is not None:
            keys.append(_order_keys(spec.order, path, rows))
        keys.append(frame["line"])
        frame = frame.assign(**{f"_k{i}": k for i, k in enumerate(keys)})
        # Lines of one dialogue must be neighbours: they are planned as one scene and read back
        # in that scene's order.
        frame = frame.sort_values([f"_k{i}" for i in range(len(keys))], kind="stable")
        frame = frame.drop(columns=[f"_k{i}" for i in range(len(keys))])
        frame = frame[["dialogue", "speaker", "text", "gold", "line"]]
    # Rows mapped to None are left out after ordering, so the dialogue keeps its other lines.
    frame = frame[frame["gold"].notna()].reset_index(drop=True)
    if frame.empty:
        raise EvaluationError(f"{path}: every row's label is mapped to None: nothing to score")
    return frame.head(limit) if limit is not None else frame


def _first_seen(values: pd.Series) -> dict[str, int]:
    return {value: rank for rank, value in enumerate(dict.fromkeys(values))}


def _order_keys(column: str, path: Path, rows: list[tuple[int, dict[str, Any]]]) -> list[float]:
    keys = []
    for number, row in rows:
        value = row.get(column)
        try:
            keys.append(float(value))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise EvaluationError(
                f"{path}:{number}: the {column!r} column holds {value!r}, not a number"
            ) from None
    return keys


ROLES = ("text", "label", "speaker", "dialogue", "order")
"""The columns an `EmotionData` names, as `--emotion-column ROLE=NAME` spells them."""


def _pairs(options: Sequence[str], flag: str) -> list[tuple[str, str]]:
    pairs = []
    for option in options:
        key, equals, value = option.partition("=")
        if not equals or not key.strip():
            raise EvaluationError(f"{flag} takes KEY=VALUE, got {option!r}")
        pairs.append((key.strip(), value.strip()))
    return pairs


def emotion_data_from_options(
    paths: Sequence[str | os.PathLike[str]],
    columns: Sequence[str] = (),
    labels: Sequence[str] = (),
) -> list[EmotionData]:
    """`EmotionData` for each file of `paths`, from the command line's `ROLE=COLUMN` and
    `THEIRS=EMOTION` pairs (`THEIRS=` leaves those rows out), shared by every file."""
    named: dict[str, str] = {}
    for role, column in _pairs(columns, "--emotion-column"):
        if role not in ROLES:
            raise EvaluationError(f"--emotion-column {role}=...: the roles are {', '.join(ROLES)}")
        named[role] = column
    mapping: dict[str, str | None] = {k: v or None for k, v in _pairs(labels, "--emotion-label")}
    return [
        EmotionData(
            path,
            text=named.get("text", "text"),
            label=named.get("label", "label"),
            speaker=named.get("speaker"),
            dialogue=named.get("dialogue"),
            order=named.get("order"),
            labels=mapping,
        )
        for path in paths
    ]
