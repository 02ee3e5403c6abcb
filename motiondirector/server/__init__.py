"""The HTTP API: a FastAPI app over the deterministic pipeline — stateless planning, live
conversation sessions, frame streams (SSE and WebSocket) and scene jobs kept in SQLite — with
keys, limits and problem-details errors. See docs/api.md.

    from motiondirector.server import ServerSettings, create_app
    app = create_app(ServerSettings.from_env())

`uvicorn_options(settings)` is what `motiondirector serve` gives uvicorn besides the app: the
WebSocket protocol and message bound, the log format with request ids, the shutdown grace.
"""

from motiondirector.server.app import create_app, uvicorn_options
from motiondirector.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app", "uvicorn_options"]
