"""Evaluation suites on real data, each returning pandas tables for reports and notebooks.

from motiondirector.evaluation import run_suite
result = run_suite("emotion")   # SuiteResult: summary, items, values, tables, source, licence

Suites:
- `emotion`: the planner's emotion for each line of MELD dev (each dialogue planned as one
  scene, so lines are read in their conversation, as screenplays and sessions are) and of
  GoEmotions dev (single-label rows, each planned as a one-line scene), against the gold
  labels: weighted F1, macro F1, accuracy and a confusion matrix per data set.
- `behaviours`: the planner against the labelled cue cases: explicit/implicit shares and
  per-lexeme precision and recall.
- `screenplays`: every shared screenplay planned end to end: `plan_metrics` per script, the
  stroke offset of each head/gesture event from the onset of its nearest word, and every line
  planned again as a turn of its own for the per-utterance latency distribution (and tokens,
  when the planner reports them).
- `retrieval`: the Bandai query set against a clip library built from the Bandai clips.
- `realism`: faces of the shared talking-face videos against the planned faces of the shared
  screenplays: per feature (blink rate and length, smile, brow and jaw activity, head speed
  and its spectrum, gaze aversion; overall and split by speaking and silence) the distance with
  a bootstrap interval (`motiondirector.evaluation.realism`).

Every suite also fills `values`, a long table (metric, item, value) of the per-item values
behind the metrics that are means over items; `compare` bootstraps over it.

A planner is a name `motiondirector.planners.get_planner` accepts or any object with a `name`
and a `plan(scene) -> Direction` method; the suites use nothing else of it, except two optional
extras read with getattr: `plan_many(scenes)` (planning many sentences at once) and the
counters of `motiondirector.evaluation.usage`.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from motiondirector.errors import EvaluationError
from motiondirector.evaluation.intervals import summary_intervals
from motiondirector.evaluation.usage import usage_counters, usage_delta
from motiondirector.plan.options import SUITE_NAMES

if TYPE_CHECKING:
    from motiondirector.evaluation.emotion_data import EmotionData
    from motiondirector.plan.direction import Direction
    from motiondirector.plan.scene import Scene
    from motiondirector.planners import Planner

SUITES = SUITE_NAMES
# The folder holding the package (a checkout or site-packages): sources are named from it.
_SITE = Path(__file__).resolve().parents[2]
# Sentences handed to a planner's plan_many at once: enough for an LLM planner's concurrency,
# few enough that a failure does not lose a whole data set's answers.
PLAN_MANY_BATCH = 256
# Package data, so that an installed package scores them as a checkout does.
CUE_CASES = Path(__file__).resolve().parent / "cases" / "cue_cases.yaml"
RETRIEVAL_QUERIES = Path(__file__).resolve().parent / "cases" / "retrieval_queries.yaml"

MELD_LICENCE = "GPL-3.0 (MELD, Poria et al. 2019; research use)"
GOEMOTIONS_LICENCE = "Apache-2.0 (GoEmotions, Demszky et al. 2020)"
MELD_COLUMNS = ("Dialogue_ID", "Utterance_ID", "Speaker", "Utterance", "Emotion")


@dataclass(frozen=True)
class SuiteResult:
    """One suite's outcome.

    `summary`: one row per metric (metric, value, n). `items`: one row per scored item.
    `summary` from `run_suite` also holds `ci_low` and `ci_high`, the 95 % bootstrap interval
    of each metric that is an item mean or an F1 score (NaN for the others).
    `values`: long per-item values (metric, item, value) for the metrics that are item means.
    `quantiles`: the summary metrics that are a quantile of items in `values`: metric ->
    (its metric in `values`, q), for their intervals.
    `tables`: extra tables by name (confusion matrices, per-lexeme scores, timing offsets,
    per-utterance latency). `planner`: the planner's name, empty for suites that use none.
    `data_dir` and `limit`: the data folder read and the `limit` it ran with (None: every item).
    `load_average`: the machine's one-minute load average as the suite ended, and `cpus` the
    CPUs this process could use (None where the system does not say): what its timings ran
    under. `baseline`: the planner timed line by line in turn with this one (screenplays with
    `baseline=`), whose figures and the comparison are in `tables`; empty when none was.
    """

    name: str
    summary: pd.DataFrame
    items: pd.DataFrame
    source: str
    licence: str
    seconds: float
    values: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["metric", "item", "value"])
    )
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    quantiles: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    planner: str = ""
    data_dir: str = ""
    limit: int | None = None
    load_average: float | None = None
    cpus: int | None = None
    baseline: str = ""


def resolve_planner(planner: str | Planner) -> Planner:
    """A planner object: names go through `motiondirector.planners.get_planner`."""
    if isinstance(planner, str):
        from motiondirector.planners import get_planner

        return get_planner(planner)
    if not callable(getattr(planner, "plan", None)) or not isinstance(
        getattr(planner, "name", None), str
    ):
        raise EvaluationError(
            f"planner must be a planner name or an object with `name` and `plan(scene)`; "
            f"got {type(planner).__name__}"
        )
    return planner


def plan_all(planner: Planner, scenes: Sequence[Scene]) -> list[Direction]:
    """Directions for `scenes`, through the planner's `plan_many` when it has one."""
    plan_many = getattr(planner, "plan_many", None)
    if not callable(plan_many):
        return [planner.plan(scene) for scene in scenes]
    directions: list[Direction] = []
    for start in range(0, len(scenes), PLAN_MANY_BATCH):
        batch = scenes[start : start + PLAN_MANY_BATCH]
        answered = list(plan_many(batch))
        if len(answered) != len(batch):
            raise EvaluationError(
                f"{planner.name}.plan_many returned {len(answered)} directions for "
                f"{len(batch)} scenes"
            )
        directions += answered
    return directions


def _usage_rows(delta: Mapping[str, float], count: int) -> list[tuple[str, float, int]]:
    """`<counter>_per_utterance` summary rows from counters summed over `count` utterances."""
    return [
        (f"{name}_per_utterance", value / max(count, 1), count) for name, value in delta.items()
    ]


def _summary(rows: Iterable[tuple[str, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["metric", "value", "n"])


def _data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    if data_dir is None:
        from motiondirector.evaluation.data import PACKAGE_REPOSITORY, shared_data_dir

        return shared_data_dir(PACKAGE_REPOSITORY)
    root = Path(data_dir)
    if not root.is_dir():
        raise EvaluationError(
            f"data folder {root} does not exist; pass data_dir= (--data-dir on the command line)"
        )
    return root


SUITE_DATA: Mapping[str, tuple[str, ...]] = {
    "emotion": (
        "emotion/meld/dev_sent_emo.csv",
        "emotion/goemotions_ekman/labels.txt",
        "emotion/goemotions_ekman/dev.tsv",
    ),
    "behaviours": (),
    "screenplays": ("screenplays",),
    "retrieval": ("mocap/bandai-namco-1",),
    "realism": ("video", "screenplays"),
}
"""What each suite reads from the data folder, checked before the first suite runs."""


def check_data(
    names: Iterable[str],
    data_dir: str | os.PathLike[str] | None = None,
    own: Iterable[str] = (),
) -> Path | None:
    """The data folder, once every path the suites `names` read from it is there (None when
    none of them reads the data folder and none was named). `own`: suites given the caller's
    own data instead (`emotion_data=`, `cue_cases=`), which read nothing of the folder.

    A run of several suites fails here, naming every missing path and the suite that reads
    it, rather than after the suites before it have run."""
    skipped = set(own)
    needed = [
        (name, relative)
        for name in resolve_suites(names)
        if name not in skipped
        for relative in SUITE_DATA[name]
    ]
    if not needed and data_dir is None:
        return None
    folder = _data_dir(data_dir)
    missing = [
        f"{folder / relative} ({name})"
        for name, relative in needed
        if not (folder / relative).exists()
    ]
    if missing:
        raise EvaluationError(f"evaluation data missing: {'; '.join(missing)}")
    return folder


def _need(path: Path) -> Path:
    if not path.exists():
        raise EvaluationError(f"evaluation data missing: {path}")
    return path


def _need_rows(path: Path, count: int, what: str = "rows") -> None:
    """An empty data set has no score: say so rather than fail deep inside a metric."""
    if count == 0:
        raise EvaluationError(f"{path} holds no {what}: nothing to score")


# --- emotion ----------------------------------------------------------------------------------


def load_meld_dev(data_dir: Path, limit: int | None = None) -> pd.DataFrame:
    """MELD dev as (dialogue, speaker, text, gold), lines in the order they were spoken."""
    path = _need(data_dir / "emotion" / "meld" / "dev_sent_emo.csv")
    frame = pd.read_csv(path, encoding="utf-8")
    missing = [c for c in MELD_COLUMNS if c not in frame.columns]
    if missing:
        raise EvaluationError(f"{path}: not a MELD table, no column {', '.join(missing)}")
    _need_rows(path, len(frame))
    frame = frame.sort_values(["Dialogue_ID", "Utterance_ID"], kind="stable")
    out = pd.DataFrame(
        {
            "dialogue": frame["Dialogue_ID"].astype(int),
            "speaker": [" ".join(str(s).split()).upper() for s in frame["Speaker"]],
            "text": frame["Utterance"].astype(str),
            "gold": frame["Emotion"],
        }
    ).reset_index(drop=True)
    return out.head(limit) if limit is not None else out


def dialogue_scenes(data: pd.DataFrame) -> list[Scene]:
    """One scene per dialogue of `data` (dialogue, speaker, text), its lines in order."""
    import json

    from motiondirector.scene import parse_script

    scenes = []
    for _, lines in data.groupby("dialogue", sort=False):
        document = {
            "characters": sorted(set(lines["speaker"])),
            "turns": [
                {"speaker": speaker, "text": text}
                for speaker, text in zip(lines["speaker"], lines["text"], strict=True)
            ],
        }
        scenes.append(parse_script(json.dumps(document), format="json"))
    return scenes


def _planned_lines(planner: Planner, data: pd.DataFrame) -> list[Any]:
    """The planner's direction of each row of `data`: MELD rows in their dialogue's scene,
    other rows each as a scene of its own."""
    from motiondirector.evaluation.scenes import sentence_scene

    if "dialogue" not in data.columns:
        directions = plan_all(planner, [sentence_scene(t) for t in data["text"]])
        return [d.utterances[0] if d.utterances else None for d in directions]
    lines: list[Any] = []
    sizes = data.groupby("dialogue", sort=False).size()
    for direction, size in zip(plan_all(planner, dialogue_scenes(data)), sizes, strict=True):
        if len(direction.utterances) != size:
            raise EvaluationError(
                f"{planner.name} directed {len(direction.utterances)} of a dialogue's {size} lines"
            )
        lines += direction.utterances
    return lines


def load_goemotions_dev(data_dir: Path, limit: int | None = None) -> pd.DataFrame:
    """GoEmotions (Ekman mapping) dev rows with exactly one label, as (text, gold)."""
    folder = data_dir / "emotion" / "goemotions_ekman"
    labels = _need(folder / "labels.txt").read_text("utf-8").split()
    path = _need(folder / "dev.tsv")
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        parts = line.split("\t")
        if len(parts) < 2 or "," in parts[1]:
            continue
        try:
            rows.append((parts[0], labels[int(parts[1])]))
        except (ValueError, IndexError):
            raise EvaluationError(
                f"{path}:{number}: label {parts[1]!r} is not an index into labels.txt "
                f"(0 to {len(labels) - 1})"
            ) from None
    _need_rows(path, len(rows), "single-label rows")
    out = pd.DataFrame(rows, columns=["text", "gold"])
    return out.head(limit) if limit is not None else out


def f1_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Weighted F1, macro F1 (over the gold labels) and accuracy."""
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return {
        "weighted_f1": float(
            f1_score(gold, pred, labels=labels, average="weighted", zero_division=0)
        ),
        "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, pred)),
    }


def emotion_labels(*columns: Iterable[str]) -> list[str]:
    """The labels that occur in `columns`, in vocabulary order (unknown ones last, sorted)."""
    from motiondirector.plan.vocabulary import EMOTIONS

    seen = {str(label) for column in columns for label in column}
    return [e for e in EMOTIONS if e in seen] + sorted(seen - set(EMOTIONS))


def confusion_table(items: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Counts with gold labels as rows and predicted labels as columns."""
    table = pd.crosstab(items["gold"], items["pred"])
    return table.reindex(index=list(labels), columns=list(labels), fill_value=0).astype(int)


def _emotion_suite(
    data_dir: Path,
    planner: Planner,
    limit: int | None,
    emotion_data: Sequence[EmotionData] | None = None,
) -> SuiteResult:
    from motiondirector.evaluation.emotion_data import load_emotion_data

    frames = []
    summary: list[tuple[str, float, int]] = []
    tables: dict[str, pd.DataFrame] = {}
    before = usage_counters(planner)
    datasets: list[tuple[str, Callable[[], pd.DataFrame]]] = [
        ("meld", lambda: load_meld_dev(data_dir, limit)),
        ("goemotions", lambda: load_goemotions_dev(data_dir, limit)),
    ]
    if emotion_data is not None:
        datasets = [
            (spec.dataset, partial(load_emotion_data, spec, limit)) for spec in emotion_data
        ]
    for dataset, loader in datasets:
        data = loader()
        lines = _planned_lines(planner, data)
        data = data.assign(
            dataset=dataset,
            item=[f"{dataset}:{i}" for i in range(len(data))],
            pred=[line.emotion if line else "neutral" for line in lines],
            intensity=[line.intensity if line else 0.0 for line in lines],
            emotion_reason=[line.emotion_reason if line else "no direction" for line in lines],
        )
        data["correct"] = (data["gold"] == data["pred"]).astype(float)
        frames.append(data)
        for name, value in f1_scores(list(data["gold"]), list(data["pred"])).items():
            summary.append((f"{dataset}.{name}", value, len(data)))
        labels = emotion_labels(data["gold"], data["pred"])
        tables[f"confusion_{dataset}"] = confusion_table(data, labels)
    columns = ["dataset", "item", "text", "gold", "pred", "intensity", "emotion_reason", "correct"]
    if emotion_data is not None:
        columns.insert(2, "line")  # where in the caller's file each item is
    items = pd.concat(frames, ignore_index=True)[columns]
    summary += _usage_rows(usage_delta(before, usage_counters(planner)), len(items))
    values = pd.DataFrame(
        {
            "metric": items["dataset"] + ".accuracy",
            "item": items["item"],
            "value": items["correct"],
        }
    )
    source = (
        "MELD dev (emotion/meld/dev_sent_emo.csv), each dialogue planned as one scene; "
        "GoEmotions Ekman dev, single-label rows (emotion/goemotions_ekman/dev.tsv), each "
        f"sentence planned alone; by planner {planner.name!r}"
    )
    licence = f"{MELD_LICENCE}; {GOEMOTIONS_LICENCE}"
    if emotion_data is not None:
        source = (
            "; ".join(
                f"{spec.dataset} ({Path(spec.path).resolve()}), "
                + ("each dialogue planned as one scene" if spec.dialogue else "each line alone")
                for spec in emotion_data
            )
            + f"; by planner {planner.name!r}"
        )
        licence = "the caller's data (licence not recorded)"
    return SuiteResult(
        name="emotion",
        summary=_summary(summary),
        items=items,
        source=source,
        licence=licence,
        seconds=0.0,
        values=values,
        tables=tables,
        planner=planner.name,
    )


# --- behaviours -------------------------------------------------------------------------------


def behaviour_key(fields: Mapping[str, Any]) -> str | None:
    """The lexeme an expectation or behaviour names: `face:AU12`, `gaze:down`, `head:nod`."""
    channel = fields.get("channel")
    if channel is None:
        return None
    if channel == "face" and fields.get("au") is not None:
        return f"face:AU{fields['au']}"
    if channel == "gaze" and fields.get("target") is not None:
        return f"gaze:{fields['target']}"
    if fields.get("lexeme") is not None:
        return f"{channel}:{fields['lexeme']}"
    return None


def _behaviours_suite(
    data_dir: Path, planner: Planner, limit: int | None, cue_cases: Path = CUE_CASES
) -> SuiteResult:
    from motiondirector.planners.cue_eval import honoured

    cases = _cue_cases(cue_cases)
    if limit is not None:
        cases = cases[:limit]
    rows: list[dict[str, Any]] = []
    before = usage_counters(planner)
    directions = plan_all(planner, [case.scene for case in cases])
    utterances = sum(len(case.scene.utterances) for case in cases)
    for case, direction in zip(cases, directions, strict=True):
        expected: set[tuple[str, str]] = set()
        for number, expectation in enumerate(case.expectations):
            key = behaviour_key(expectation.fields)
            if key is None:
                key = ";".join(f"{k}:{v}" for k, v in expectation.fields.items())
            elif expectation.absent:
                key = f"not {key}"  # scored apart from the lexeme's recall
            else:
                expected.add((expectation.character, key))
            rows.append(
                {
                    "role": "expected",
                    "case": case.id,
                    "item": f"{case.id}#{number}",
                    "kind": expectation.kind,
                    "character": expectation.character,
                    "key": key,
                    "hit": float(honoured(expectation, case.scene, direction)),
                }
            )
        produced: set[tuple[str, str]] = set()
        behaviours = [b for u in direction.utterances for b in u.behaviours]
        behaviours += [b for a in direction.actions for b in a.behaviours]
        for behaviour in behaviours:
            key = behaviour_key(
                {n: getattr(behaviour, n, None) for n in ("channel", "au", "target", "lexeme")}
            )
            if key is not None:
                produced.add((behaviour.character, key))
        for character, key in sorted(produced):
            rows.append(
                {
                    "role": "produced",
                    "case": case.id,
                    "item": f"{case.id}:{character}:{key}",
                    "kind": case.kind,
                    "character": character,
                    "key": key,
                    "hit": float((character, key) in expected),
                }
            )
    items = pd.DataFrame(rows, columns=["role", "case", "item", "kind", "character", "key", "hit"])
    lexemes = per_lexeme_scores(items)
    expected_rows = items[items["role"] == "expected"]
    produced_rows = items[items["role"] == "produced"]
    summary: list[tuple[str, float, int]] = []
    value_frames = []
    for kind in ("explicit", "implicit"):
        part = expected_rows[expected_rows["kind"] == kind]
        summary.append((f"{kind}_honoured", float(part["hit"].mean()), len(part)))
        value_frames.append(part.assign(metric=f"{kind}_honoured"))
    summary.append(("micro_precision", float(produced_rows["hit"].mean()), len(produced_rows)))
    value_frames.append(produced_rows.assign(metric="micro_precision"))
    scored = lexemes[lexemes["expected"] > 0]
    summary.append(("macro_recall", float(scored["recall"].mean()), len(scored)))
    summary += _usage_rows(usage_delta(before, usage_counters(planner)), utterances)
    values = pd.concat(value_frames, ignore_index=True)[["metric", "item", "hit"]].rename(
        columns={"hit": "value"}
    )
    return SuiteResult(
        name="behaviours",
        summary=_summary(summary),
        items=items,
        source=f"labelled cue cases ({_named(cue_cases)}), planner {planner.name!r}",
        licence="part of motiondirector (same licence as the package)"
        if cue_cases == CUE_CASES
        else "the caller's cue cases (licence not recorded)",
        seconds=0.0,
        values=values,
        tables={"lexemes": lexemes},
        planner=planner.name,
    )


def _named(path: Path) -> str:
    """The package's files relative to the checkout or site-packages, others in full."""
    return str(path.relative_to(_SITE)) if path.is_relative_to(_SITE) else str(path.resolve())


def _cue_cases(path: Path) -> list[Any]:
    """The cases of a cue-case file; reading errors become EvaluationErrors with file and line,
    and a file of no cases is named as such."""
    from motiondirector.errors import ScriptError
    from motiondirector.planners.cue_eval import load_cue_cases

    try:
        cases = load_cue_cases(_need(path))
    except ScriptError as error:
        raise EvaluationError(f"cue cases: {error}") from None
    _need_rows(path, len(cases), "cue cases")
    return cases


def per_lexeme_scores(items: pd.DataFrame) -> pd.DataFrame:
    """Recall and precision per lexeme key from the behaviours items.

    Recall: share of expectations naming the key that the planner honoured (channel, lexeme and
    anchor word). Precision: share of (case, character, key) the planner produced that the case
    expects; the cases are not labelled exhaustively, so it is a lower bound.
    """
    expected = items[items["role"] == "expected"].groupby("key")["hit"].agg(["sum", "count"])
    produced = items[items["role"] == "produced"].groupby("key")["hit"].agg(["sum", "count"])
    keys = sorted(set(expected.index) | set(produced.index))
    rows = []
    for key in keys:
        if ":" not in key or "emotion:" in key or "intent:" in key or key.startswith("not "):
            continue
        e_hit, e_n = expected.loc[key] if key in expected.index else (0.0, 0)
        p_hit, p_n = produced.loc[key] if key in produced.index else (0.0, 0)
        rows.append(
            {
                "key": key,
                "expected": int(e_n),
                "produced": int(p_n),
                "recall": float(e_hit / e_n) if e_n else float("nan"),
                "precision": float(p_hit / p_n) if p_n else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=["key", "expected", "produced", "recall", "precision"])


# --- screenplays ------------------------------------------------------------------------------


def stroke_offsets(plan: Any) -> list[dict[str, Any]]:
    """Signed seconds from each head/gesture stroke to the onset of the nearest word.

    The plan does not name the anchor word, so the word whose onset is nearest the stroke
    stands for it: a stroke on its anchor's onset reads 0, a late one positive.
    """
    from motiondirector.plan.motion_plan import GestureEvent, HeadEvent

    utterances = {u.id: u for u in plan.utterances}
    rows = []
    for track in plan.characters:
        for event in track.events:
            if not isinstance(event, HeadEvent | GestureEvent) or event.utterance_id is None:
                continue
            utterance = utterances.get(event.utterance_id)
            if utterance is None or not utterance.words:
                continue
            onsets = np.array([w.start for w in utterance.words])
            nearest = int(np.argmin(np.abs(onsets - event.sync.stroke)))
            rows.append(
                {
                    "character": track.name,
                    "event": event.id,
                    "channel": event.channel,
                    "lexeme": event.lexeme,
                    "offset_s": float(event.sync.stroke - onsets[nearest]),
                }
            )
    return rows


WARM_UP_LINE = "Hello there, it is good to see you again."
LATENCY_COLUMNS = ["item", "script", "utterance", "speaker", "words", "plan_ms", "turn_ms"]


def latency_summary(latency: pd.DataFrame) -> list[tuple[str, float, int]]:
    """Summary rows of the per-turn latency table: mean and p50/p90/p99 of the planner's own
    time (`turn_plan_latency_*`) and of plan + realize + validate (`turn_latency_*`), in ms;
    `<counter>_per_utterance` for every model counter the planner reported."""
    from motiondirector.evaluation.latency import percentiles

    rows: list[tuple[str, float, int]] = []
    n = len(latency)
    for column, prefix in (("plan_ms", "turn_plan_latency"), ("turn_ms", "turn_latency")):
        # No line timed: no mean, as no percentile (NaN), rather than a latency of 0 ms.
        rows.append((f"{prefix}_mean_ms", float(latency[column].mean()) if n else float("nan"), n))
        rows += [(f"{prefix}_{k}_ms", v, n) for k, v in percentiles(latency[column]).items()]
    counters = [c for c in latency.columns if c not in LATENCY_COLUMNS]
    rows += _usage_rows({c: float(latency[c].sum()) for c in counters}, n)
    return rows


def latency_quantiles() -> dict[str, tuple[str, float]]:
    """The percentile rows of `latency_summary`, each with the per-turn values behind it in
    `latency_values` and its quantile."""
    from motiondirector.evaluation.latency import PERCENTILES

    return {
        f"{prefix}_p{p}_ms": (f"{prefix}_mean_ms", p / 100)
        for prefix in ("turn_plan_latency", "turn_latency")
        for p in PERCENTILES
    }


def latency_values(latency: pd.DataFrame) -> pd.DataFrame:
    """Per-turn values (metric, item, value) behind the mean rows of `latency_summary`."""
    columns = {"plan_ms": "turn_plan_latency_mean_ms", "turn_ms": "turn_latency_mean_ms"}
    columns |= {c: f"{c}_per_utterance" for c in latency.columns if c not in LATENCY_COLUMNS}
    frames = [
        pd.DataFrame({"metric": metric, "item": latency["item"], "value": latency[c]})
        for c, metric in columns.items()
    ]
    return pd.concat(frames, ignore_index=True).astype({"value": float})


def _screenplays_suite(
    data_dir: Path, planner: Planner, limit: int | None, baseline: Planner | None = None
) -> SuiteResult:
    from motiondirector.evaluation.latency import compare_turns, interleaved_turns, plan_turns
    from motiondirector.evaluation.metrics import plan_metrics
    from motiondirector.evaluation.scenes import sentence_scene
    from motiondirector.planners.emotion import forget_recent_lines
    from motiondirector.realize import plan_scene
    from motiondirector.scene import read_script

    folder = _need(data_dir / "screenplays")
    scripts = sorted(folder.glob("*.fountain"))
    if limit is not None:
        scripts = scripts[:limit]
    if not scripts:
        raise EvaluationError(f"no .fountain screenplays in {folder}")
    # The emotion classifier remembers recent lines: a run earlier in this process (another
    # planner, or the emotion suite) must not answer the timed lines from memory.
    forget_recent_lines()
    # Models load and connections open on the first call: plan an unrelated line first so
    # that no timed figure includes it (and no cache can answer a scored line from it).
    plan_scene(sentence_scene(WARM_UP_LINE), planner=planner)
    if baseline is not None:
        plan_scene(sentence_scene(WARM_UP_LINE), planner=baseline)
    rows = []
    offsets = []
    turns: list[dict[str, Any]] = []
    baseline_turns: list[dict[str, Any]] = []
    for path in scripts:
        scene = read_script(path)
        if baseline is None:
            turns += plan_turns(scene, planner, script=path.name)
        else:
            ours, theirs = interleaved_turns(scene, [planner, baseline], script=path.name)
            turns += ours
            baseline_turns += theirs
        before = usage_counters(planner)
        began = time.perf_counter()
        plan = plan_scene(scene, planner=planner)
        seconds = time.perf_counter() - began
        utterances = max(len(scene.utterances), 1)
        row: dict[str, Any] = {
            "item": path.name,
            "utterances": len(scene.utterances),
            "plan_seconds": seconds,
            "latency_per_utterance_s": seconds / utterances,
        }
        row.update(plan_metrics(plan))
        # Whole-script counters stay in the items table; the summary's come from the turns.
        delta = usage_delta(before, usage_counters(planner))
        row.update({f"script_{name}": value for name, value in delta.items()})
        rows.append(row)
        offsets += [{"script": path.name, **o} for o in stroke_offsets(plan)]
    items = pd.DataFrame(rows)
    latency = pd.DataFrame(turns)
    if latency.empty:
        latency = pd.DataFrame(columns=LATENCY_COLUMNS)
    timing = pd.DataFrame(
        offsets, columns=["script", "character", "event", "channel", "lexeme", "offset_s"]
    )
    metric_columns = [
        c for c in items.columns if c not in ("item", "utterances") and not c.startswith("script_")
    ]
    summary = [(c, float(items[c].mean()), len(items)) for c in metric_columns]
    if len(timing):
        summary.append(
            ("stroke_offset_abs_mean_s", float(timing["offset_s"].abs().mean()), len(timing))
        )
    summary += latency_summary(latency)
    values = items.melt(id_vars="item", value_vars=metric_columns, var_name="metric")
    values = values[["metric", "item", "value"]].astype({"value": float})
    frames = [values]
    if len(timing):
        frames.append(
            pd.DataFrame(
                {
                    "metric": "stroke_offset_abs_mean_s",
                    "item": timing["script"] + ":" + timing["event"],
                    "value": timing["offset_s"].abs(),
                }
            )
        )
    if len(latency):
        frames.append(latency_values(latency))
    values = pd.concat(frames, ignore_index=True)
    licence_file = folder / "LICENSE-ebScreenplays.txt"
    licence = "public domain (Unlicense; see screenplays/LICENSE-ebScreenplays.txt)"
    if not licence_file.exists():
        licence = "unknown: no licence file next to the screenplays"
    tables = {"timing": timing, "latency": latency}
    timed_with = ""
    if baseline is not None:
        base = pd.DataFrame(baseline_turns, columns=None if baseline_turns else LATENCY_COLUMNS)
        tables["baseline_latency"] = base
        tables["interleaved"] = compare_turns(base, latency)
        timed_with = f", interleaved line by line with baseline planner {baseline.name!r}"
    return SuiteResult(
        name="screenplays",
        summary=_summary(summary),
        items=items,
        source=f"{len(scripts)} Fountain screenplays in screenplays/ (ebScreenplays), "
        f"planner {planner.name!r}; latency: each of {len(latency)} lines also planned as a "
        f"turn of its own{timed_with}",
        licence=licence,
        seconds=0.0,
        values=values,
        tables=tables,
        quantiles=latency_quantiles(),
        planner=planner.name,
        baseline=baseline.name if baseline is not None else "",
    )


# --- retrieval --------------------------------------------------------------------------------


def _retrieval_suite(data_dir: Path, planner: Planner, limit: int | None) -> SuiteResult:
    from motiondirector.evaluation.retrieval_quality import evaluate_bandai, load_queries
    from motiondirector.retrieval import ClipLibrary
    from motiondirector.retrieval.ingest import ingest_bvh_folder

    bandai = _need(data_dir / "mocap" / "bandai-namco-1")
    queries = load_queries(_need(RETRIEVAL_QUERIES))
    if limit is not None:
        queries = queries[:limit]
    records = ingest_bvh_folder(bandai).records
    with tempfile.TemporaryDirectory() as folder:
        library = ClipLibrary.create(Path(folder) / "bandai", records)
        report = evaluate_bandai(library, queries)
    items = pd.DataFrame(
        [
            {
                "item": o.query.text,
                "content": ",".join(o.query.content),
                "style": ",".join(o.query.style),
                "rank": o.rank,
                "content_rank": o.content_rank,
                "style_rank": o.style_rank,
                "top_id": o.top_id,
                "top_content": o.top_content,
                "top_style": o.top_style,
                "reciprocal_rank": 1.0 / o.rank if o.rank else 0.0,
                "top1": float(o.rank == 1),
                "content_top1": float(o.content_rank == 1),
                "content_top5": float(o.content_rank is not None and o.content_rank <= 5),
            }
            for o in report.per_query
        ]
    )
    summary = [
        ("top1_content", report.top1_content, report.queries),
        ("r5_content", report.r5_content, report.queries),
        ("top1_style", report.top1_style, report.styled_queries),
        ("r5_style", report.r5_style, report.styled_queries),
        ("top1_both", report.top1_both, report.styled_queries),
        ("r5_both", report.r5_both, report.styled_queries),
        ("mrr", report.mrr, report.queries),
        ("median_rank", report.median_rank, report.queries),
    ]
    values = pd.concat(
        [
            pd.DataFrame({"metric": metric, "item": items["item"], "value": items[column]})
            for metric, column in (
                ("top1_content", "content_top1"),
                ("r5_content", "content_top5"),
                ("mrr", "reciprocal_rank"),
            )
        ],
        ignore_index=True,
    )
    return SuiteResult(
        name="retrieval",
        summary=_summary(summary),
        items=items,
        source=f"{len(records)} Bandai-Namco motion clips (mocap/bandai-namco-1), "
        f"{len(queries)} queries ({RETRIEVAL_QUERIES.relative_to(_SITE)})",
        licence="CC BY-NC 4.0 (Bandai Namco Research Motion Dataset)",
        seconds=0.0,
        values=values,
    )


# --- realism ----------------------------------------------------------------------------------


def _realism_suite(data_dir: Path, planner: Planner, limit: int | None) -> SuiteResult:
    from motiondirector.evaluation.realism import run_realism

    features, items, tables, source = run_realism(data_dir, planner, limit)
    summary: list[tuple[str, float, int]] = []
    for row in features.to_dict("records"):
        name, real_n, planned_n = row["feature"], int(row["real_n"]), int(row["planned_n"])
        summary += [
            (f"{name}.distance", float(row["distance"]), real_n + planned_n),
            (f"{name}.real", float(row["real"]), real_n),
            (f"{name}.planned", float(row["planned"]), planned_n),
        ]
    licence_file = data_dir / "video" / "README.md"
    licence = (
        "video clips: example assets of their projects, test use only (video/README.md); "
        "screenplays: public domain (Unlicense)"
    )
    if not licence_file.exists():
        licence = "unknown: no README next to the videos"
    return SuiteResult(
        name="realism",
        summary=_summary(summary),
        items=items,
        source=f"{source}, planner {planner.name!r}",
        licence=licence,
        seconds=0.0,
        tables=tables,
        planner=planner.name,
    )


TIMED_SUITES = ("screenplays",)
"""The suites that can time a baseline planner in turn with the evaluated one."""

_RUNNERS: Mapping[str, Callable[[Path, Planner, int | None], SuiteResult]] = {
    "emotion": _emotion_suite,
    "behaviours": _behaviours_suite,
    "screenplays": _screenplays_suite,
    "retrieval": _retrieval_suite,
    "realism": _realism_suite,
}


def resolve_suites(names: Iterable[str]) -> tuple[str, ...]:
    """Suite names with `all` expanded, in SUITES order; unknown names raise EvaluationError."""
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted |= set(SUITES)
        elif name in SUITES:
            wanted.add(name)
        else:
            raise EvaluationError(f"unknown suite {name!r}; choose from all, {', '.join(SUITES)}")
    if not wanted:
        raise EvaluationError(f"no suite chosen; name one or more of all, {', '.join(SUITES)}")
    return tuple(s for s in SUITES if s in wanted)


def run_suite(
    name: str,
    *,
    planner: str | Planner = "rules",
    data_dir: str | os.PathLike[str] | None = None,
    limit: int | None = None,
    baseline: str | Planner | None = None,
    emotion_data: Sequence[EmotionData] | None = None,
    cue_cases: str | os.PathLike[str] | None = None,
) -> SuiteResult:
    """Run one suite with `planner` (a name or a planner object). `limit` keeps the first items
    of each data set (for quick checks). `baseline` (screenplays only): a second planner whose
    per-turn latency is measured line by line in turn with `planner`'s, in the tables
    `baseline_latency` and `interleaved` (the comparison, baseline = a). `emotion_data`
    (emotion only): the caller's labelled files (`EmotionData`) in place of MELD and
    GoEmotions. `cue_cases` (behaviours only): a cue-case YAML file in place of the package's."""
    if name not in _RUNNERS:
        raise EvaluationError(f"unknown suite {name!r}; choose from {', '.join(SUITES)}")
    check_own_data(name, emotion_data, cue_cases)
    if limit is not None and limit < 1:
        raise EvaluationError(f"limit must be at least 1, got {limit}")
    if baseline is not None and name not in TIMED_SUITES:
        raise EvaluationError(
            f"a baseline is timed beside the planner in the {', '.join(TIMED_SUITES)} suite, "
            f"not in {name!r}"
        )
    chosen = resolve_planner(planner)
    own = (name == "emotion" and emotion_data is not None) or (
        name == "behaviours" and cue_cases is not None
    )
    reads_data = bool(SUITE_DATA[name]) and not own
    # A suite of the package's own cases runs on a checkout without the shared data.
    folder = _data_dir(data_dir) if reads_data or data_dir is not None else Path()
    began = time.perf_counter()
    if baseline is not None:
        result = _screenplays_suite(folder, chosen, limit, resolve_planner(baseline))
    elif name == "emotion" and emotion_data is not None:
        result = _emotion_suite(folder, chosen, limit, emotion_data)
    elif name == "behaviours" and cue_cases is not None:
        result = _behaviours_suite(folder, chosen, limit, Path(cue_cases))
    else:
        result = _RUNNERS[name](folder, chosen, limit)
    seconds = time.perf_counter() - began
    return replace(
        result,
        summary=summary_intervals(result.summary, result.values, result.items, result.quantiles),
        seconds=seconds,
        data_dir=str(folder.resolve()) if reads_data else "",
        limit=limit,
        load_average=_load_average(),
        cpus=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    )


def check_own_data(
    name: str,
    emotion_data: Sequence[EmotionData] | None,
    cue_cases: str | os.PathLike[str] | None,
) -> None:
    """The caller's data goes to the suite that reads it: emotion data to `emotion`, cue cases
    to `behaviours`; an empty list of emotion data is no data set to score."""
    if emotion_data is not None and name != "emotion":
        raise EvaluationError(f"emotion_data is read by the emotion suite, not by {name!r}")
    if cue_cases is not None and name != "behaviours":
        raise EvaluationError(f"cue_cases are read by the behaviours suite, not by {name!r}")
    if emotion_data is not None:
        if not emotion_data:
            raise EvaluationError("emotion_data is empty: give one EmotionData or more")
        names = [spec.dataset for spec in emotion_data]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise EvaluationError(
                f"two emotion data sets are named {', '.join(twice)}; give each a name="
            )


def _load_average() -> float | None:
    """The one-minute load average, None where the system keeps none."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None
