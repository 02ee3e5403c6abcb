"""Hostile inputs through the CLI entry points: every one ends in success or one error line
(exit 0 or 1), never a traceback, and nothing is written outside the output folder, whatever
the characters are called."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motiondirector.cli import main

HOSTILE_NAMES = ["../../x", "CON", "a/b\\c", "NUL.txt", ".", "..", "ÄNA:", "\u202eANA", "x" * 300]


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err
    if code == 1:
        assert err.startswith("error:") and err.count("\n") <= 2, err
    return code, err


def _script(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"A",
        b"\x00\x01\x02binary",
        b"ANA: hi\x00there",
        "\u200fسارا: سلام\n\u200bBEN: hi\n".encode(),
        b"\xff\xfe\x00garbage",
        ("ANA: " + "la " * 1_700_000).encode()[:5_000_000],
    ],
    ids=["empty", "one-byte", "binary", "nul", "rtl", "bad-utf16", "5mb"],
)
def test_hostile_scripts_fail_cleanly(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script(tmp_path, "scene.txt", content)
    out = tmp_path / "out"
    _run(["demo", str(script), "-q", "--out", str(out)], capsys)
    assert not out.exists() or all(p.is_relative_to(out) for p in _files(tmp_path / "out"))


def test_five_hundred_characters_on_stage_are_refused_by_a_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "\n".join(f"C{i}: Hello." for i in range(500))
    script = _script(tmp_path, "crowd.txt", lines.encode())
    code, err = _run(["plan", str(script), "-q", "-o", str(tmp_path / "p.json")], capsys)
    assert code == 1 and "max_characters" in err


def test_hostile_character_names_become_safe_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turns = [{"speaker": name, "text": f"I am {i}."} for i, name in enumerate(HOSTILE_NAMES)]
    script = _script(tmp_path, "names.json", json.dumps({"turns": turns}).encode())
    out = tmp_path / "deep" / "out"
    before = _files(tmp_path)
    code, _ = _run(["demo", str(script), "-q", "--out", str(out)], capsys)
    assert code == 0
    written = _files(tmp_path) - before
    assert written and all(p.is_relative_to(out) for p in written)
    arkit = sorted(p.name for p in written if p.name.endswith(".arkit.csv"))
    assert len(arkit) == len(HOSTILE_NAMES)
    for name in arkit:
        stem = name.removesuffix(".arkit.csv")
        assert stem and "/" not in stem and "\\" not in stem and not stem.startswith(".")
        assert stem.upper() not in {"CON", "NUL"}


@pytest.mark.parametrize(
    "words",
    [
        [("hi", 0.5, 0.9), ("there", 0.4, 1.2)],  # starts run backwards
        [("hi", -1.0, 0.2), ("there", 0.3, 0.5)],  # negative
        [("hi", 0.0, 0.9), ("there", 0.5, 1.2)],  # overlapping
        [("hi", 0.9, 0.2), ("there", 1.0, 1.2)],  # ends before it starts
    ],
    ids=["backwards", "negative", "overlapping", "inverted"],
)
def test_odd_word_timings_plan_or_fail_cleanly(
    words: list[tuple[str, float, float]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turn = {
        "speaker": "ANA",
        "text": " ".join(w for w, _, _ in words),
        "words": [{"text": w, "start": s, "end": e} for w, s, e in words],
    }
    script = _script(tmp_path, "timed.json", json.dumps({"turns": [turn]}).encode())
    _run(["plan", str(script), "-q", "-o", str(tmp_path / "plan.json")], capsys)


def test_nan_word_timings_fail_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"turns": [{"speaker": "ANA", "words": [{"text": "hi", "start": NaN, "end": 1}]}]}'
    script = _script(tmp_path, "nan.json", text.encode())
    code, err = _run(["plan", str(script), "-q"], capsys)
    assert code == 1 and ":1:" in err


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=300))
def test_arbitrary_text_plans_or_fails_with_one_line(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "any.txt"
    script.write_text(text, encoding="utf-8", errors="surrogatepass")
    _run(["plan", str(script), "-q", "-o", os.devnull], capsys)
