"""The command line, in-process through `main` and once through the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.retrieval import ClipLibrary
from tests.conftest import EXAMPLE_SCENE, free_port


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "plan.json"
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "-o", str(out)]) == 0
    return out


def test_plan_then_validate(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(plan_file)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_lists_every_violation(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(plan_file.read_text())
    data["characters"][0]["events"][0]["start"] = -1
    data["utterances"][0]["emotion"]["label"] = "glee"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    assert main(["validate", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "2 violation(s)" in err and "glee" not in err.split("violation")[0]
    assert "Traceback" not in err


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "MotionPlan"


def test_plan_says_lines_in_the_language_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "ken.txt"
    script.write_text("KEN: 無理!\n", encoding="utf-8")
    out = tmp_path / "plan.json"
    assert main(["plan", str(script), "-q", "-o", str(out)]) == 0
    assert "language" not in json.loads(out.read_text())["utterances"][0]
    assert main(["plan", str(script), "-q", "--language", "ja", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["utterances"][0]["language"] == "ja"
    assert main(["plan", str(script), "-q", "--language", "ja", "--format", "visemes"]) == 0
    assert '"phoneme":"M"' in capsys.readouterr().out  # 無理 said mu-ri: the lips close on m
    assert main(["demo", str(script), "-q", "--language", "ja", "--out", str(tmp_path / "d")]) == 0
    assert "1 line, 1 line in ja, planner rules" in capsys.readouterr().out


def test_bml_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(EXAMPLE_SCENE), "-q", "--format", "bml"]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert root.iter()


def test_demo_writes_exports_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", str(EXAMPLE_SCENE), "-q", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ANA" in out and "BEN" in out and "Lines:" in out
    names = {p.name for p in tmp_path.iterdir()}
    assert {"plan.json", "plan.bml.xml", "plan.vtt"} <= names


def test_user_errors_are_one_line_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(tmp_path / "missing.fountain"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
    big = tmp_path / "big.txt"
    big.write_text("ANA: hello there.\n" * 100)
    assert main(["plan", str(big), "-q", "--max-bytes", "100"]) == 1
    err = capsys.readouterr().err
    assert "over the limit of 100 bytes" in err and err.endswith("--max-bytes N raises the limit\n")
    assert "parse_script" not in err  # the Python names are not the command line's


def test_installed_entry_point(tmp_path: Path) -> None:
    cli = Path(sys.executable).parent / "motiondirector"
    result = subprocess.run(
        [str(cli), "plan", str(EXAMPLE_SCENE), "-q", "--format", "vtt"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("WEBVTT")


def test_index_build_info_and_search(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from .conftest import SHARED_DATA

    bandai = SHARED_DATA / "mocap" / "bandai-namco-1"
    folder = tmp_path / "bandai"
    (folder / "data").mkdir(parents=True)
    shutil.copytree(bandai / "cfg", folder / "cfg")
    for name in ("bye_sad_001", "walk_angry_001", "bow_normal_001"):
        for suffix in (".bvh", ".json"):
            shutil.copy(bandai / "data" / f"dataset-1_{name}{suffix}", folder / "data")
    (folder / "data" / "broken.bvh").write_text("HIERARCHY\nROOT Hips\n{\n")
    library = tmp_path / "lib"
    assert main(["index", "build", str(folder), "--out", str(library), "-q"]) == 0
    captured = capsys.readouterr()
    assert "indexed 3 clips" in captured.out and "broken.bvh:" in captured.err
    assert main(["index", "info", str(library)]) == 0
    assert "3 clips" in capsys.readouterr().out
    assert main(["search", str(library), "waves goodbye sadly", "-k", "2"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "dataset-1_bye_sad_001" in first
    assert main(["index", "build", str(folder), "--out", str(library), "-q"]) == 1
    err = capsys.readouterr().err
    # Refused before reading any file (no skipped lines), naming both ways on.
    assert "--add" in err and "--overwrite" in err and "broken.bvh" not in err
    # `--add` of the same folder after it grew adds only the new file.
    for suffix in (".bvh", ".json"):
        shutil.copy(bandai / "data" / f"dataset-1_run_happy_001{suffix}", folder / "data")
    assert main(["index", "build", str(folder), "--out", str(library), "--add", "-q"]) == 0
    captured = capsys.readouterr()
    assert "kept 3 clips already in" in captured.err and "indexed 4 clips" in captured.out


@pytest.fixture
def builtin_cache(monkeypatch: pytest.MonkeyPatch, builtin_clips: ClipLibrary) -> None:
    """Point the CLI's built-in clip library cache at the one this test run built."""
    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))


@pytest.mark.usefixtures("builtin_cache")
def test_search_and_info_take_builtin_as_index_build_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from motiondirector.motion.library import builtin_library

    assert main(["search", "builtin", "waves hello happily", "-k", "2", "--lexeme", "wave"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "builtin/wave." in first
    assert main(["index", "info", "builtin"]) == 0
    assert f"{len(builtin_library())} clips" in capsys.readouterr().out


@pytest.mark.usefixtures("builtin_cache")
def test_direct_writes_timeline_and_motion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scene"
    assert main(["direct", str(EXAMPLE_SCENE), "-q", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "ANA" in printed and "clip" in printed
    names = {p.name for p in out.iterdir()}
    assert names == {
        "plan.json",
        "scene.json",
        "direction.json",
        "timeline.json",
        "timeline.otio",
        "ANA.bvh",
        "BEN.bvh",
    }
    assert main(["validate", str(out / "plan.json")]) == 0


@pytest.mark.usefixtures("builtin_cache")
def test_commands_taking_a_plan_name_the_folders_other_files_and_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scene"
    assert main(["direct", str(EXAMPLE_SCENE), "-q", "--out", str(out)]) == 0
    capsys.readouterr()
    for name, what in [
        ("timeline.json", "a timeline"),
        ("direction.json", "a direction"),
        ("scene.json", "a parsed scene"),
        ("timeline.otio", "an OpenTimelineIO timeline"),
    ]:
        assert main(["validate", str(out / name)]) == 1
        err = capsys.readouterr().err
        assert f"{out / name} is {what}" in err and "violation" not in err
        assert f"not a motion plan; give {out / 'plan.json'} instead" in err
    assert main(["render", str(out / "timeline.json"), "--out", str(tmp_path / "x.mp4")]) == 1
    err = capsys.readouterr().err
    assert "is a timeline" in err and "not a motion plan" in err and "violation" not in err
    assert not (tmp_path / "x.mp4").exists()
    assert main(["validate", str(out)]) == 0  # the folder's plan.json
    assert capsys.readouterr().out.startswith(f"{out / 'plan.json'}: valid")
    assert main(["validate", str(tmp_path)]) == 1
    assert f"{tmp_path} is a folder without a plan.json" in capsys.readouterr().err


def test_library_list_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from motiondirector.motion.bvh import read_bvh

    assert main(["library", "list", "--lexeme", "shrug"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed and all(line.startswith("shrug.") for line in listed)
    out = tmp_path / "shrug.bvh"
    assert main(["library", "export", listed[0].split()[0], "-o", str(out)]) == 0
    assert read_bvh(out).frames > 10
    assert main(["library", "export", "moonwalk.left", "-o", str(out)]) == 1
    assert "no clip" in capsys.readouterr().err


@pytest.mark.usefixtures("builtin_cache")
def test_direct_with_preview(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import av

    script = tmp_path / "two.txt"
    script.write_text("ANA: Hello, Ben! Look at this.\nBEN: (smiling) Wow. Thank you.\n")
    out = tmp_path / "scene"
    argv = ["direct", str(script), "-q", "--out", str(out), "--preview", "--size", "320x180"]
    assert main(argv) == 0
    assert "preview.mp4" in capsys.readouterr().out
    with av.open(str(out / "preview.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 180)
    assert (out / "contact.png").stat().st_size > 0
    # The editor's timeline plays the animatic over the whole scene, on top of the motion.
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    (clip,) = timeline.tracks[-1]
    assert (timeline.tracks[-1].name, clip.media_reference.target_url) == ("preview", "preview.mp4")
    with av.open(str(out / "preview.mp4")) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert clip.duration().to_seconds() == pytest.approx(frames / 30, abs=1 / 30)
    assert main(["direct", str(script), "-q", "--out", str(out), "--size", "big", "--preview"]) == 1
    assert main(["direct", str(script), "-q", "--out", str(out)]) == 0
    names = [
        track.name for track in otio.adapters.read_from_file(str(out / "timeline.otio")).tracks
    ]
    assert "preview" not in names and not (out / "preview.mp4").exists()


def test_serve_runs_a_real_server_on_loopback(tmp_path: Path) -> None:
    import os
    import time

    import httpx

    cli = Path(sys.executable).parent / "motiondirector"
    port = free_port()
    env = {**os.environ, "MOTIONDIRECTOR_API_KEYS": "test-key"}
    # Its own jobs file: one server at a time holds one, and the default is the user's.
    server = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--jobs-db", str(tmp_path / "jobs.sqlite3")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        else:
            pytest.fail("the server did not become ready within 60 s")
        body = {"script": "ANA: Hello, Ben!\nBEN: Hi, Ana.", "format": "text"}
        ok = httpx.post(f"{base}/v1/plan", json=body, headers={"X-API-Key": "test-key"})
        assert ok.status_code == 200 and ok.json()["utterances"][0]["speaker"] == "ANA"
        refused = httpx.post(f"{base}/v1/plan", json=body)
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_on_a_jobs_file_another_server_holds_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from motiondirector.server.job_store import JobStore

    monkeypatch.setenv("MOTIONDIRECTOR_API_KEYS", "test-key")
    db = tmp_path / "jobs.sqlite3"
    running = JobStore(db)  # the server already serving from this file
    try:
        assert main(["serve", "--port", "1", "--jobs-db", str(db)]) == 1
    finally:
        running.close()
    err = capsys.readouterr().err
    assert err.startswith("error: the jobs database") and "--jobs-db" in err
    assert "Traceback" not in err


def test_serve_without_keys_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTIONDIRECTOR_API_KEYS", raising=False)
    monkeypatch.delenv("MOTIONDIRECTOR_API_KEYS_FILE", raising=False)
    monkeypatch.delenv("MOTIONDIRECTOR_ALLOW_ANONYMOUS", raising=False)
    assert main(["serve", "--port", "1"]) == 1


def test_eval_writes_a_report_and_compares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["eval", "--suite", "screenplays", "--out", str(first), "-q"]) == 0
    assert (first / "report.md").is_file() and "screenplays" in (first / "report.md").read_text()
    argv = ["eval", "--suite", "screenplays", "--out", str(second), "--compare", str(first), "-q"]
    assert main(argv) == 0
    assert (second / "comparison.csv").is_file()
    # A suite that does not exist is a usage error, as a planner that does not exist is.
    with pytest.raises(SystemExit) as stopped:
        main(["eval", "--suite", "nope", "--out", str(second), "-q"])
    assert stopped.value.code == 2
    assert "argument --suite: invalid choice: 'nope'" in capsys.readouterr().err


def test_eval_reads_the_data_folder_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import SHARED_DATA

    missing = tmp_path / "no-data"
    argv = ["eval", "--suite", "screenplays", "--limit", "1", "-q", "--data-dir"]
    assert main([*argv, str(missing), "--out", str(tmp_path / "a")]) == 1
    assert str(missing) in capsys.readouterr().err
    assert main([*argv, str(SHARED_DATA), "--out", str(tmp_path / "b")]) == 0
    assert f"- Data folder: {SHARED_DATA.resolve()}" in (tmp_path / "b" / "report.md").read_text()
