"""A scripted OpenAI-compatible chat server on loopback, for testing the real `openai` client
(the LLM planner, the note parser, the LangChain agent through ChatOpenAI).

Each request takes the next scripted reply (an answer, a whole assistant message such as tool
calls, an HTTP status, a raw body, a delay, a dropped connection); with the script empty it
answers validly from the request's own planner schema (`answer_for`). Every request body and
its headers are recorded, so tests can read what the client sent.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LINE = re.compile(r"^(u\d+) (.+?)(?: to [^:(]+)?(?: \(listeners: [^)]*\))?: ", re.MULTILINE)


@dataclass(frozen=True)
class Reply:
    kind: str  # "answer" | "message" | "status" | "drop" | "auto" | "raw"
    content: str = ""
    message: tuple[tuple[str, Any], ...] = ()
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0

    @staticmethod
    def answer(content: str | dict[str, Any], delay: float = 0.0) -> Reply:
        text = content if isinstance(content, str) else json.dumps(content)
        return Reply("answer", content=text, delay=delay)

    @staticmethod
    def assistant(message: dict[str, Any], delay: float = 0.0) -> Reply:
        """A whole assistant message, e.g. `{"tool_calls": [...]}` or `{"content": "done"}`
        (a `finish_reason` in it goes to the choice, e.g. "length" for a cut answer)."""
        return Reply("message", message=tuple(message.items()), delay=delay)

    @staticmethod
    def status_code(status: int, retry_after_ms: int | None = 10) -> Reply:
        headers = () if retry_after_ms is None else (("retry-after-ms", str(retry_after_ms)),)
        return Reply("status", status=status, headers=headers)

    @staticmethod
    def raw(body: str, content_type: str = "application/json", status: int = 200) -> Reply:
        """A body sent as it is: a web page, a truncated or foreign JSON document."""
        return Reply("raw", content=body, status=status, headers=(("content-type", content_type),))

    @staticmethod
    def drop() -> Reply:
        return Reply("drop")

    @staticmethod
    def auto(delay: float = 0.0) -> Reply:
        return Reply("auto", delay=delay)


def schema_of(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema a request carries, whichever dialect it uses."""
    if "structured_outputs" in body:
        return dict(body["structured_outputs"]["json"])
    response_format = body["response_format"]
    if response_format["type"] == "json_schema":
        return dict(response_format["json_schema"]["schema"])
    return dict(response_format["schema"])


def speakers_of(body: dict[str, Any]) -> dict[str, str]:
    """Line id -> speaker, read from the scene message (the last one naming lines)."""
    users = [m["content"] for m in body["messages"] if m["role"] == "user"]
    user = [u for u in users if "Lines to direct:" in u][-1]
    return dict(LINE.findall(user.split("Lines to direct:")[-1]))


def valid_answer(body: dict[str, Any]) -> dict[str, Any]:
    """A correct answer for the request: every line gets a nod on word 0 by its speaker."""
    schema = schema_of(body)
    ids = schema["properties"]["lines"]["required"]
    speakers = speakers_of(body)
    lines = {}
    for uid in ids:
        lines[uid] = {
            "intent": "state",
            "emotion": "joy",
            "intensity": 0.6,
            "behaviours": [
                {
                    "character": speakers[uid],
                    "channel": "head",
                    "lexeme": "nod",
                    "word": 0,
                    "until_word": None,
                    "intensity": 0.5,
                    "reason": "scripted answer",
                }
            ],
        }
    return {"lines": lines}


@dataclass
class ScriptedServer:
    base_url: str
    script: deque[Reply]
    requests: list[dict[str, Any]]
    headers: list[dict[str, str]] = field(default_factory=list)
    answer_for: Callable[[dict[str, Any]], dict[str, Any]] = valid_answer
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def push(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def received(self, count: int, within_s: float = 5.0) -> int:
        """How many requests arrived, waiting up to `within_s` for `count`: a client that gave
        up early (a timeout under test) may not have been read yet on a loaded machine."""
        deadline = time.monotonic() + within_s
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.requests)


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            with server.lock:
                server.requests.append(body)
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = server.script.popleft() if server.script else Reply.auto()
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                self._reply(body, reply)
            finally:
                with server.lock:
                    server.in_flight -= 1

        def _reply(self, body: dict[str, Any], reply: Reply) -> None:
            time.sleep(reply.delay)
            if reply.kind == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if reply.kind == "raw":
                self._send(reply.status, reply.content, reply.headers)
                return
            if reply.kind == "status":
                payload = json.dumps({"error": {"message": f"scripted {reply.status}"}})
                self._send(reply.status, payload, reply.headers)
                return
            if reply.kind == "message":
                message = {"role": "assistant", "content": None, **dict(reply.message)}
            else:
                content = (
                    json.dumps(server.answer_for(body)) if reply.kind == "auto" else reply.content
                )
                message = {"role": "assistant", "content": content}
            default = "tool_calls" if message.get("tool_calls") else "stop"
            finish = message.pop("finish_reason", None) or default
            completion = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "scripted"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": finish,
                        "message": message,
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
            }
            self._send(200, json.dumps(completion), ())

        def _send(self, status: int, payload: str, headers: tuple[tuple[str, str], ...]) -> None:
            data = payload.encode("utf-8")
            self.send_response(status)
            if not any(name.lower() == "content-type" for name, _ in headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            # A client that gave up waiting (a timeout under test) has nobody to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    return Handler


def serve() -> Iterator[ScriptedServer]:
    """Start a server on a free loopback port; yields it, stops it after."""
    state = ScriptedServer(base_url="", script=deque(), requests=[])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
