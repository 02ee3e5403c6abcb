"""The language of lines through the HTTP API (real app, ASGI): stated on `/v1/plan`, on a
session or on one of its turns, or told by what a conversation wrote before; a bad tag is a 422
naming the field."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from fastapi.testclient import TestClient

import motiondirector.server.app as app_module
from motiondirector.errors import MotionDirectorError
from motiondirector.server import create_app
from tests.server.conftest import AUTH, SettingsFactory, assert_problem


def _turn(client: TestClient, session: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/sessions/{session}/turns", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    utterance: dict[str, Any] = response.json()["plan"]["utterances"][0]
    return utterance


def _session(client: TestClient, **body: Any) -> str:
    response = client.post(
        "/v1/sessions", json={"characters": ["YUKI", "KEN"], **body}, headers=AUTH
    )
    assert response.status_code == 201, response.text
    assert response.json()["language"] == body.get("language")
    return str(response.json()["id"])


def test_plan_takes_the_language_of_its_lines(make_settings: SettingsFactory) -> None:
    with TestClient(create_app(make_settings(warm_up=False))) as client:
        body = {"script": "KEN: 無理!", "format": "text"}
        plain = client.post("/v1/plan", json=body, headers=AUTH)
        stated = client.post("/v1/plan", json={**body, "language": "ja"}, headers=AUTH)
        bad = client.post("/v1/plan", json={**body, "language": "ja_JP"}, headers=AUTH)
    assert "language" not in plain.json()["utterances"][0]
    assert stated.json()["utterances"][0]["language"] == "ja"
    assert [e["field"] for e in assert_problem(bad, 422)["errors"]] == ["language"]


def test_a_conversation_in_japanese_reads_a_turn_of_kanji_alone_as_japanese(
    make_settings: SettingsFactory,
) -> None:
    with TestClient(create_app(make_settings(warm_up=False))) as client:
        session = _session(client)
        assert "language" not in _turn(client, session, speaker="KEN", text="無理!")
        assert _turn(client, session, speaker="YUKI", text="どうして?")["language"] == "ja"
        assert _turn(client, session, speaker="KEN", text="無理!")["language"] == "ja"
        assert "language" not in _turn(client, session, speaker="YUKI", text="OK.")
        cantonese = _session(client)
        assert "language" not in _turn(client, cantonese, speaker="KEN", text="多謝你。")
        assert _turn(client, cantonese, speaker="YUKI", text="佢去咗邊?")["language"] == "yue"
        assert _turn(client, cantonese, speaker="KEN", text="多謝你。")["language"] == "yue"
        # A session's language, and a turn's own over it.
        stated = _session(client, language="zh-Hans")
        assert _turn(client, stated, speaker="KEN", text="无理!")["language"] == "zh-Hans"
        turn = _turn(client, stated, speaker="KEN", text="無理!", language="ja")
        assert turn["language"] == "ja"
        refused = client.post(
            f"/v1/sessions/{stated}/turns",
            json={"speaker": "KEN", "text": "Hi.", "language": "x"},
            headers=AUTH,
        )
        bad_session = client.post("/v1/sessions", json={"language": "-"}, headers=AUTH)
    assert [e["field"] for e in assert_problem(refused, 422)["errors"]] == ["language"]
    assert [e["field"] for e in assert_problem(bad_session, 422)["errors"]] == ["language"]


def test_the_warm_up_loads_the_readers_of_the_languages_named(
    make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[str] = []
    monkeypatch.setattr(app_module, "prepare_reading", prepared.append)
    loaded: list[str] = []
    monkeypatch.setattr(app_module, "load_emotion_words", lambda: loaded.append("words"))
    settings = make_settings(warm_languages="ja, yue")
    assert settings.warm_languages == ("ja", "yue")
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
    assert prepared == ["ja", "yue"]
    assert loaded == ["words"]  # every language's emotion words, whatever is named
    with pytest.raises(MotionDirectorError, match=r"warm_languages.*'ja_JP' is not a BCP 47"):
        make_settings(warm_languages="ja_JP")


def test_preparing_a_reading_loads_its_dictionary_once_ahead() -> None:
    # A fresh interpreter: this one has long loaded every dictionary.
    code = (
        "import sys\n"
        "from motiondirector.speech.track import prepare_reading\n"
        "prepare_reading('en'); prepare_reading('ko')\n"
        "assert 'ToJyutping' not in sys.modules and 'pypinyin' not in sys.modules\n"
        "prepare_reading('zh-HK'); prepare_reading('zh-Hans')\n"
        "assert 'ToJyutping' in sys.modules and 'pypinyin' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
