"""ServerSettings from arguments, MOTIONDIRECTOR_* variables and a `.env` file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from motiondirector.errors import MotionDirectorError
from motiondirector.server import ServerSettings
from motiondirector.server.security import hash_key


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, with no MOTIONDIRECTOR_* variable in the environment."""
    for name in list(os.environ):
        if name.upper().startswith("MOTIONDIRECTOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_dotenv(folder: Path, *lines: str) -> None:
    (folder / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_dotenv_file_in_the_working_directory_is_read(workdir: Path) -> None:
    keys_file = workdir / "keys"
    keys_file.write_text(f"sha256:{hash_key('from-file')}\n", encoding="utf-8")
    write_dotenv(
        workdir,
        "# the server's settings",
        "MOTIONDIRECTOR_API_KEYS=a-key, b-key",
        f"MOTIONDIRECTOR_API_KEYS_FILE={keys_file}",
        "MOTIONDIRECTOR_RATE=2.5",
        "MOTIONDIRECTOR_BURST=7",
        "MOTIONDIRECTOR_SESSION_TTL=60",
        "MOTIONDIRECTOR_CORS_ORIGINS=https://a.example, https://b.example",
        "MOTIONDIRECTOR_WARM_UP=false",
        "MOTIONDIRECTOR_JOBS_DB=",
        "MOTIONDIRECTOR_LLM_MODEL=Qwen/Qwen3-8B",
        "MOTIONDIRECTOR_LLM_MODE=structured_outputs",
        # Other programs' variables, and ours that are not server settings, are left alone.
        "OPENAI_API_KEY=sk-not-ours",
        "MOTIONDIRECTOR_CACHE_DIR=/elsewhere",
    )
    for loaded in (ServerSettings(), ServerSettings.from_env()):
        assert loaded.key_hashes == {hash_key(k) for k in ("a-key", "b-key", "from-file")}
        assert (loaded.rate_per_second, loaded.burst, loaded.session_ttl_s) == (2.5, 7, 60.0)
        assert loaded.cors_origins == ("https://a.example", "https://b.example")
        assert loaded.warm_up is False
        assert loaded.jobs_db is None  # empty counts as unset
        assert loaded.llm is not None and loaded.llm.model == "Qwen/Qwen3-8B"
        assert loaded.llm.mode == "structured_outputs"


def test_plain_keys_are_never_kept(workdir: Path) -> None:
    write_dotenv(workdir, "MOTIONDIRECTOR_API_KEYS=env-secret")
    for loaded in (ServerSettings(), ServerSettings(api_keys=["code-secret"])):
        for shown in (repr(loaded), str(loaded.model_dump()), loaded.model_dump_json()):
            assert "env-secret" not in shown and "code-secret" not in shown
    assert ServerSettings(api_keys=["code-secret"]).key_hashes == {hash_key("code-secret")}


def test_arguments_win_over_the_environment_which_wins_over_dotenv(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dotenv(workdir, "MOTIONDIRECTOR_BURST=7", "MOTIONDIRECTOR_MAX_BODY_BYTES=5000")
    monkeypatch.setenv("MOTIONDIRECTOR_BURST", "9")
    from_files = ServerSettings()
    assert (from_files.burst, from_files.max_body_bytes) == (9, 5000)
    assert ServerSettings(burst=11, max_body_bytes=6000).burst == 11
    assert ServerSettings(_env_file=None).max_body_bytes == 1_000_000


def test_from_env_with_a_mapping_reads_that_mapping_alone(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dotenv(workdir, "MOTIONDIRECTOR_BURST=7")
    monkeypatch.setenv("MOTIONDIRECTOR_RATE", "3")
    loaded = ServerSettings.from_env({"MOTIONDIRECTOR_MAX_CHARACTERS": "4"})
    assert (loaded.burst, loaded.rate_per_second, loaded.max_characters) == (20, 10.0, 4)
    assert loaded.scene_limits().max_characters == 4


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("MOTIONDIRECTOR_JOB_TIME", "soon", "job_time_s"),
        ("MOTIONDIRECTOR_MAX_BODY_BYTES", "0", "max_body_bytes"),
        ("MOTIONDIRECTOR_MAX_SCENE_SECONDS", "inf", "max_scene_seconds"),
        ("MOTIONDIRECTOR_WARM_UP", "maybe", "warm_up"),
        ("MOTIONDIRECTOR_LLM_MODE", "xml", "llm_mode"),
    ],
)
def test_a_bad_value_in_dotenv_names_its_variable(
    workdir: Path, variable: str, value: str, field: str
) -> None:
    write_dotenv(workdir, "MOTIONDIRECTOR_LLM_MODEL=m", f"{variable}={value}")
    with pytest.raises(MotionDirectorError) as raised:
        ServerSettings()
    message = str(raised.value)
    assert variable in message and field in message and repr(value) in message


def test_a_bad_value_in_code_names_its_field_and_variable(workdir: Path) -> None:
    with pytest.raises(MotionDirectorError, match=r"burst \(MOTIONDIRECTOR_BURST\).*got 0"):
        ServerSettings(burst=0)
    with pytest.raises(MotionDirectorError, match=r"rate_per_second \(MOTIONDIRECTOR_RATE\)"):
        ServerSettings(rate_per_second=-1)
    with pytest.raises(MotionDirectorError, match=r"unknown server setting.*max_body_byte"):
        ServerSettings(max_body_byte=10)


def test_keys_from_code_may_be_a_list_or_one_comma_separated_string(workdir: Path) -> None:
    digests = {hash_key("one"), hash_key("two")}
    assert ServerSettings(api_keys=["one", "two"]).key_hashes == digests
    assert ServerSettings(api_keys="one, two").key_hashes == digests


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (
            {"max_stream_frames": 500_000},
            "max_stream_frames_per_key (MOTIONDIRECTOR_MAX_STREAM_FRAMES_PER_KEY): must be at "
            "least max_stream_frames (500000), got 250000",
        ),
        (
            {"max_stream_frames_per_key": 2_000_000},
            "max_open_stream_frames (MOTIONDIRECTOR_MAX_OPEN_STREAM_FRAMES): must be at least "
            "max_stream_frames_per_key (2000000), got 1000000",
        ),
    ],
)
def test_stream_frame_budgets_leave_room_for_one_stream_and_one_key(
    workdir: Path, values: dict[str, int], says: str
) -> None:
    with pytest.raises(MotionDirectorError) as raised:
        ServerSettings(api_keys=["k"], **values)
    assert str(raised.value) == says


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://localhost:3000/", "http://localhost:3000"),
        ("https://App.Example", "https://app.example"),
        ("https://app.example:443", "https://app.example"),
        ("https://app.example/avatar", "https://app.example"),
        ("app.example", "https://app.example"),
    ],
)
def test_a_cors_origin_a_browser_never_sends_is_refused_with_the_right_one(
    given: str, expected: str
) -> None:
    """CORS matches the Origin header exactly: such an entry would never match, and the page
    would see only a network error."""
    environ = {"MOTIONDIRECTOR_API_KEYS": "k", "MOTIONDIRECTOR_CORS_ORIGINS": given}
    with pytest.raises(MotionDirectorError, match="MOTIONDIRECTOR_CORS_ORIGINS") as caught:
        ServerSettings.from_env(environ)
    assert f"e.g. {expected!r}" in str(caught.value)


def test_cors_origins_as_browsers_send_them_are_kept() -> None:
    origins = ("http://localhost:3000", "https://app.example", "http://[::1]:8080", "*")
    assert ServerSettings(api_keys=["k"], cors_origins=origins).cors_origins == origins
