"""Bad evaluation input fails early with an EvaluationError that names what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from motiondirector.evaluation import (
    SUITES,
    EvaluationError,
    compare,
    compare_reports,
    load_report,
    run_eval,
    run_suite,
    write_report,
)
from motiondirector.evaluation.suites import SUITE_DATA, check_data

from ..conftest import SHARED_DATA


def _data_folder(tmp_path: Path) -> Path:
    """A data folder with the emotion files in place but nothing else."""
    folder = tmp_path / "data"
    for relative in SUITE_DATA["emotion"]:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED_DATA / relative, folder / relative)
    return folder


def test_every_suite_declares_the_data_it_reads() -> None:
    assert set(SUITE_DATA) == set(SUITES)


def test_a_run_names_every_missing_data_path_before_any_suite_runs(tmp_path: Path) -> None:
    folder = _data_folder(tmp_path)
    out = tmp_path / "report"
    # The emotion data is there, so without the check the emotion suite would run first.
    with pytest.raises(EvaluationError) as error:
        run_eval(["all"], "rules", out, data_dir=folder)
    message = str(error.value)
    assert f"{folder / 'video'} (realism)" in message
    assert f"{folder / 'mocap' / 'bandai-namco-1'} (retrieval)" in message
    assert "emotion/meld" not in message
    assert not out.exists()
    assert check_data(["emotion", "behaviours"], folder) == folder


def test_a_missing_data_folder_names_the_cli_option(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="--data-dir"):
        run_suite("behaviours", data_dir=tmp_path / "absent")


def test_an_empty_emotion_data_set_is_refused_by_name(tmp_path: Path) -> None:
    folder = _data_folder(tmp_path)
    meld = folder / "emotion" / "meld" / "dev_sent_emo.csv"
    header = meld.read_text("utf-8").splitlines()[0]
    meld.write_text(header + "\n", "utf-8")
    with pytest.raises(EvaluationError, match=r"dev_sent_emo\.csv holds no rows"):
        run_suite("emotion", data_dir=folder)


def test_a_table_that_is_not_meld_is_refused(tmp_path: Path) -> None:
    folder = _data_folder(tmp_path)
    (folder / "emotion" / "meld" / "dev_sent_emo.csv").write_text("text,label\nhi,joy\n")
    with pytest.raises(EvaluationError, match="not a MELD table, no column Dialogue_ID"):
        run_suite("emotion", data_dir=folder)


def test_goemotions_without_single_label_rows_or_with_a_bad_label_is_refused(
    tmp_path: Path,
) -> None:
    folder = _data_folder(tmp_path)
    meld = folder / "emotion" / "meld" / "dev_sent_emo.csv"
    lines = meld.read_text("utf-8").splitlines()
    meld.write_text("\n".join(lines[:4]) + "\n", "utf-8")
    dev = folder / "emotion" / "goemotions_ekman" / "dev.tsv"
    dev.write_text("only two labels\t1,2\tid\n", "utf-8")
    with pytest.raises(EvaluationError, match=r"dev\.tsv holds no single-label rows"):
        run_suite("emotion", data_dir=folder)
    dev.write_text("fine\t1\tid\nbroken\t99\tid\n", "utf-8")
    with pytest.raises(EvaluationError, match=r"dev\.tsv:2: label '99' is not an index"):
        run_suite("emotion", data_dir=folder)


def test_no_suite_chosen_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no suite chosen"):
        run_eval([], "rules", tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_comparing_runs_without_a_common_metric_is_refused() -> None:
    a = pd.DataFrame({"metric": ["meld.accuracy"], "value": [0.5]})
    b = pd.DataFrame({"metric": ["mrr"], "value": [0.9]})
    with pytest.raises(EvaluationError, match="share no metric"):
        compare(a, b)
    behaviours = run_suite("behaviours", limit=2)
    with pytest.raises(EvaluationError, match="suite 'behaviours'"):
        compare(behaviours, b)


def test_a_suite_of_the_packages_own_cases_names_no_data_folder(tmp_path: Path) -> None:
    run = run_suite("behaviours", limit=2)
    assert run.data_dir == ""
    assert check_data(["behaviours"]) is None
    report = write_report([run], tmp_path / "report").read_text("utf-8")
    assert "- Data folder:" not in report


def test_a_suite_missing_from_the_earlier_report_says_so(tmp_path: Path) -> None:
    first = write_report([run_suite("behaviours", limit=2)], tmp_path / "first")
    later = write_report(
        [run_suite("behaviours", limit=2), run_suite("screenplays", limit=1)],
        tmp_path / "later",
        compare_to=first.parent,
    )
    assert f"Not compared: {first.parent} holds no screenplays run." in later.read_text("utf-8")


def test_a_report_written_over_an_earlier_one_leaves_none_of_its_tables(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report([run_suite("behaviours", limit=2), run_suite("screenplays", limit=1)], out)
    assert (out / "screenplays_latency.csv").is_file()
    # The same folder as the earlier report and as the one compared with.
    write_report([run_suite("behaviours", limit=2)], out, compare_to=out)
    assert not list(out.glob("screenplays_*"))
    tables = load_report(out)
    assert not [stem for stem in tables if stem.startswith("screenplays")]
    assert set(tables["comparison"]["suite"]) == {"behaviours"}
    assert set(compare_reports(out, out)["suite"]) == {"behaviours"}


def test_tables_of_suites_a_report_did_not_run_are_not_read(tmp_path: Path) -> None:
    out = write_report([run_suite("behaviours", limit=2)], tmp_path / "report").parent
    (out / "emotion_summary.csv").write_text("metric,value,n\nmeld.accuracy,0.5,10\n")
    assert "emotion_summary" not in load_report(out)


def test_a_folder_of_other_files_is_not_written_into(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "draft.csv").write_text("keep me\n")
    with pytest.raises(EvaluationError, match=r"holds files and no report\.md"):
        run_eval(["screenplays"], "rules", folder)
    with pytest.raises(EvaluationError, match=r"holds files and no report\.md"):
        write_report([run_suite("behaviours", limit=1)], folder)
    assert [p.name for p in folder.iterdir()] == ["draft.csv"]
    assert (folder / "draft.csv").read_text() == "keep me\n"


def test_a_comparison_with_a_run_on_another_data_folder_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "screenplays").mkdir(parents=True)
    script = sorted((SHARED_DATA / "screenplays").glob("*.fountain"))[0]
    shutil.copyfile(script, folder / "screenplays" / script.name)
    shared = run_eval(["screenplays"], "rules", tmp_path / "shared", data_dir=SHARED_DATA, limit=1)
    same = run_eval(
        ["screenplays"], "rules", tmp_path / "same", data_dir=SHARED_DATA, limit=1,
        compare_to=shared.parent,
    )  # fmt: skip
    assert "different data folders" not in same.read_text("utf-8")
    other = run_eval(
        ["screenplays"], "rules", tmp_path / "other", data_dir=folder, limit=1,
        compare_to=shared.parent,
    )  # fmt: skip
    assert (
        f"The runs read different data folders (earlier: {SHARED_DATA.resolve()}; this run: "
        f"{folder.resolve()})" in other.read_text("utf-8")
    )
