"""A team's own data in the suites: labelled lines in their own columns and labels, their own
cue cases, from the library and the command line; bad files named with their line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from motiondirector.cli import main
from motiondirector.evaluation import (
    EmotionData,
    EvaluationError,
    NeutralPlanner,
    compare_reports,
    load_emotion_data,
    load_report,
    run_eval,
    run_suite,
)

CALLS = """call,turn,who,utterance,mood
c1,2,agent,I am so sorry to hear that.,sad
c1,1,customer,My order never arrived and I am furious!,angry
c2,1,customer,Thank you so much this is wonderful,happy
c2,2,agent,Glad to help.,neutral
c2,3,customer,"Well, I guess.",mixed
"""
ROOT = Path(__file__).resolve().parents[2]
LABELS = {"sad": "sadness", "Angry": "anger", "happy": "joy", "mixed": None}
CASES = """cases:
  - id: my-smile
    kind: explicit
    on_stage: [ANA, BEN]
    speaker: ANA
    parenthetical: smiling
    text: I got the job.
    expect:
      - {character: ANA, channel: face, au: 12}
"""


def _calls(tmp_path: Path, text: str = CALLS, name: str = "calls.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _spec(path: Path, **changes: object) -> EmotionData:
    fields: dict[str, object] = {
        "text": "utterance",
        "label": "mood",
        "speaker": "who",
        "dialogue": "call",
        "order": "turn",
        "labels": LABELS,
    }
    return EmotionData(path, **(fields | changes))  # type: ignore[arg-type]


def test_own_columns_labels_and_dialogue_order_are_read(tmp_path: Path) -> None:
    data = load_emotion_data(_spec(_calls(tmp_path)))
    # c1 in turn order (the file lists turn 2 first); the row mapped to None is left out.
    assert list(data["text"]) == [
        "My order never arrived and I am furious!",
        "I am so sorry to hear that.",
        "Thank you so much this is wonderful",
        "Glad to help.",
    ]
    assert list(data["gold"]) == ["anger", "sadness", "joy", "neutral"]
    assert list(data["speaker"]) == ["CUSTOMER", "AGENT", "CUSTOMER", "AGENT"]
    assert list(data["line"]) == [3, 2, 4, 5]


def test_the_emotion_suite_scores_own_data_and_names_it(tmp_path: Path) -> None:
    path = _calls(tmp_path)
    result = run_suite("emotion", planner=NeutralPlanner(), emotion_data=[_spec(path)])
    summary = result.summary.set_index("metric")
    # The neutral planner is right on the one neutral line of four.
    assert summary.loc["calls.accuracy", "value"] == pytest.approx(0.25)
    assert summary.loc["calls.accuracy", "n"] == 4
    assert set(result.tables) == {"confusion_calls"}
    assert list(result.items["line"]) == [3, 2, 4, 5]
    assert str(path.resolve()) in result.source
    assert result.data_dir == ""


def test_jsonl_lines_are_each_a_scene_of_their_own(tmp_path: Path) -> None:
    rows = [{"sentence": "I love this so much!", "y": "JOY"}, {"sentence": "Okay.", "y": "neutral"}]
    path = tmp_path / "short.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_suite(
        "emotion", planner="rules", emotion_data=[EmotionData(path, text="sentence", label="y")]
    )
    assert list(result.items["gold"]) == ["joy", "neutral"]
    assert result.summary.set_index("metric").loc["short.accuracy", "n"] == 2


@pytest.mark.parametrize(
    ("text", "name", "changes", "expected"),
    [
        (CALLS, "calls.csv", {"labels": {}}, "'angry' (1 rows, first line 3)"),
        (CALLS, "calls.csv", {"text": "line"}, "no column 'line' for the text"),
        (CALLS, "calls.csv", {"labels": LABELS | {"sad": "blue"}}, "maps to 'blue'"),
        (CALLS, "calls.csv", {"speaker": None}, "dialogue= needs speaker="),
        (CALLS.replace("c1,1,", "c1,first,"), "calls.csv", {}, ":3: the 'turn' column holds"),
        (CALLS.replace("neutral\n", "neutral,extra\n"), "calls.csv", {}, ":5: 6 fields"),
        (CALLS.replace("Glad to help.", ""), "calls.csv", {}, ":5: the 'utterance' column"),
        ("call,turn,who,utterance,mood\n", "calls.csv", {}, "holds no rows"),
        ('{"utterance": "Hi", "mood": "neutral"}\n{oops\n', "calls.jsonl", {}, ":2: not a JSON"),
        ("text,label\nHi,neutral\n", "calls.xlsx", {}, "cannot read a .xlsx file"),
    ],
)
def test_a_bad_file_is_named_with_its_line_and_what_is_expected(
    tmp_path: Path, text: str, name: str, changes: dict[str, object], expected: str
) -> None:
    path = _calls(tmp_path, text, name)
    with pytest.raises(EvaluationError, match="calls") as caught:
        load_emotion_data(_spec(path, **changes))
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_bad_row_fails_before_any_suite_runs(tmp_path: Path) -> None:
    path = _calls(tmp_path)
    out = tmp_path / "report"
    with pytest.raises(EvaluationError, match="'happy'"):
        run_eval(
            ["behaviours", "emotion"],
            "rules",
            out,
            emotion_data=[_spec(path, labels={"sad": "sadness", "angry": "anger"})],
        )
    assert not (out / "report.md").exists()


def test_own_data_for_a_suite_not_chosen_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="emotion suite, which is not chosen"):
        run_eval(["behaviours"], "rules", tmp_path / "r", emotion_data=[_spec(_calls(tmp_path))])
    with pytest.raises(EvaluationError, match="read by the behaviours suite"):
        run_suite("emotion", cue_cases=tmp_path / "cases.yaml")


def test_own_cue_cases_are_scored_and_a_broken_one_named(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES, encoding="utf-8")
    result = run_suite("behaviours", cue_cases=cases)
    assert list(result.items[result.items["role"] == "expected"]["case"]) == ["my-smile"]
    assert result.summary.set_index("metric").loc["explicit_honoured", "n"] == 1
    assert str(cases.resolve()) in result.source
    cases.write_text(CASES.replace("kind: explicit", "kind: loud"), encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"cases\.yaml:2: .*kind must be explicit"):
        run_suite("behaviours", cue_cases=cases)


def test_the_cli_scores_own_data_and_compares_two_planners_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _calls(tmp_path)
    options = ["--suite", "emotion", "--emotion-data", str(path), "-q"]
    options += [f"--emotion-column={c}" for c in ("text=utterance", "label=mood", "speaker=who")]
    options += ["--emotion-column=dialogue=call", "--emotion-column=order=turn"]
    options += [f"--emotion-label={k}={v or ''}" for k, v in LABELS.items()]
    assert main(["eval", *options, "--out", str(tmp_path / "a")]) == 0
    compared = ["--out", str(tmp_path / "b"), "--compare", str(tmp_path / "a")]
    assert main(["eval", *options, "--planner", "neutral", *compared]) == 0
    table = compare_reports(tmp_path / "a", tmp_path / "b").set_index("metric")
    assert set(table.index) == {"calls.accuracy", "calls.weighted_f1", "calls.macro_f1"}
    # The neutral baseline is right on the one neutral line, the rules on three of four.
    assert table.loc["calls.accuracy", "delta"] == pytest.approx(-0.5)
    assert load_report(tmp_path / "b")["suites"]["planner"].tolist() == ["neutral"]
    for run in ("c", "d"):
        out = ["--planner", "random", "--seed", "3", "--out", str(tmp_path / run)]
        assert main(["eval", *options, *out]) == 0
    c, d = load_report(tmp_path / "c"), load_report(tmp_path / "d")
    assert c["suites"]["planner"].tolist() == ["random-3"]
    pd.testing.assert_frame_equal(c["emotion_items"], d["emotion_items"])
    capsys.readouterr()
    unnamed = ["--suite", "emotion", "--emotion-data", str(path), "--out", str(tmp_path / "e")]
    assert main(["eval", *unnamed, "-q"]) == 1
    assert "--emotion-column text=NAME" in capsys.readouterr().err


def test_the_planning_notebook_shows_reports_of_own_data(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    spec = _spec(_calls(tmp_path))
    run_eval(["emotion"], "rules", tmp_path / "a", emotion_data=[spec])
    run_eval(["emotion"], NeutralPlanner(), tmp_path / "b", emotion_data=[spec])
    notebook = nbformat.read(ROOT / "notebooks" / "planning_quality.ipynb", as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    first.source = f"REPORT_A = {str(tmp_path / 'a')!r}\nREPORT_B = {str(tmp_path / 'b')!r}\n"
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    shown = [
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    ]
    assert any("neither report holds the screenplays suite" in text for text in shown)
    assert any("run b has no behaviours suite" in text for text in shown)
    assert any("calls.accuracy" in text for text in shown)  # the comparison table


def test_every_mean_and_f1_has_a_seeded_interval_beside_its_item_count(tmp_path: Path) -> None:
    spec = _spec(_calls(tmp_path))
    first, second = (
        run_suite("emotion", planner=NeutralPlanner(), emotion_data=[spec]).summary
        for _ in range(2)
    )
    pd.testing.assert_frame_equal(first, second)  # the same data, the same interval
    rows = first.set_index("metric")
    for metric in ("calls.accuracy", "calls.weighted_f1", "calls.macro_f1"):
        low, value, high = rows.loc[metric, ["ci_low", "value", "ci_high"]]
        assert low <= value <= high and low < high, metric
    assert rows.loc["calls.accuracy", "n"] == 4
    # A mean over lexemes that have no per-item values of their own: no interval.
    lexemes = run_suite("behaviours").summary.set_index("metric")
    assert pd.isna(lexemes.loc["macro_recall", "ci_low"])
    # A share over cases has one (all of them honoured: the interval is that one point).
    low, value, high = lexemes.loc["implicit_honoured", ["ci_low", "value", "ci_high"]]
    assert not pd.isna(low) and low <= value <= high


def test_a_quoted_line_break_stays_in_its_row_and_rows_keep_their_first_line(
    tmp_path: Path,
) -> None:
    path = _calls(tmp_path, 'text,label\n"Two\nlines",joy\nNext\u2028one,NEUTRAL\n', "ml.csv")
    data = load_emotion_data(EmotionData(path))
    assert list(data["text"]) == ["Two lines", "Next one"]
    assert list(data["line"]) == [2, 4]
    assert list(data["gold"]) == ["joy", "neutral"]


def test_own_data_needs_nothing_of_the_shared_data_folder(tmp_path: Path) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    report = run_eval(
        ["emotion", "behaviours"],
        "rules",
        tmp_path / "r",
        data_dir=empty,
        emotion_data=[_spec(_calls(tmp_path))],
    )
    suites = load_report(report.parent)["suites"].set_index("suite")
    assert pd.isna(suites.loc["emotion", "data_dir"])
    assert "calls.csv" in suites.loc["emotion", "source"]
