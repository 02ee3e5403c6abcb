"""Scene job artifacts of characters named in any script: listed with a percent-encoded URL,
served by that URL (and by a decomposed spelling of the name), with an RFC 6266
Content-Disposition that carries the UTF-8 name."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote, unquote

from fastapi.testclient import TestClient

from motiondirector.server.routes_scenes import attachment
from tests.server.conftest import AUTH
from tests.server.test_scenes import submit, wait_done

SCRIPT = {
    "dialogue": {
        "turns": [
            {"speaker": "美咲", "text": "こんにちは、元気？"},
            {"speaker": "ZOË", "text": "Ça va, merci."},
        ]
    },
    "exports": ["arkit-csv"],
}


def test_artifacts_of_non_latin_names_download_with_their_names(client: TestClient) -> None:
    job: dict[str, Any] = wait_done(client, submit(client, SCRIPT)["id"])
    assert job["status"] == "succeeded", job
    links = {a["name"]: a["url"] for a in job["artifacts"]}
    assert {"美咲.bvh", "ZOË.bvh", "美咲.arkit.csv", "ZOË.arkit.csv"} <= set(links)
    url = links["美咲.bvh"]
    assert url.isascii() and unquote(url).endswith("/artifacts/美咲.bvh")
    response = client.get(url, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.text.startswith("HIERARCHY")
    disposition = response.headers["content-disposition"]
    assert disposition == (
        "attachment; filename=\"character.bvh\"; filename*=UTF-8''%E7%BE%8E%E5%92%B2.bvh"
    )
    decomposed = quote(unicodedata.normalize("NFD", "ZOË.arkit.csv"))
    base = url.rsplit("/", 1)[0]
    response = client.get(f"{base}/{decomposed}", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="ZOE.arkit')
    # Names outside what the exports make still answer 404, not a path.
    for bad in ("..%2Fplan.json", "%2E%2E", ".plan.json", "a%20b.bvh"):
        assert client.get(f"{base}/{bad}", headers=AUTH).status_code == 404, bad


def test_an_ascii_name_keeps_the_plain_header() -> None:
    assert attachment("ANA.bvh") == 'attachment; filename="ANA.bvh"'
    assert attachment("أحمد.bvh").endswith("filename*=UTF-8''%D8%A3%D8%AD%D9%85%D8%AF.bvh")
