"""`serve`: run the HTTP API under uvicorn, refusing a jobs file it cannot hold before it
starts."""

from __future__ import annotations

import argparse
from pathlib import Path

from motiondirector.cli.arg_types import Subcommands, port, positive_int, positive_seconds


def add_serve(sub: Subcommands) -> None:
    """`serve`: run the HTTP API."""
    serve = sub.add_parser("serve", help="run the HTTP API (keys from MOTIONDIRECTOR_API_KEYS)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)"
    )
    serve.add_argument("--port", type=port, default=8080, help="TCP port to listen on")
    serve.add_argument(
        "--jobs-db", type=Path, help="SQLite file of scene jobs (default: in the user cache dir)"
    )
    serve.add_argument(
        "--job-workers",
        type=positive_int,
        help="scene jobs run at once (default: $MOTIONDIRECTOR_JOB_WORKERS, else 2)",
    )
    serve.add_argument(
        "--session-ttl",
        type=positive_seconds,
        help="seconds an idle session is kept (default: $MOTIONDIRECTOR_SESSION_TTL, else 1800)",
    )
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from motiondirector.server import ServerSettings, create_app
    from motiondirector.server.app import uvicorn_options
    from motiondirector.server.job_store import JobStore

    options = {
        "jobs_db": args.jobs_db,
        "job_workers": args.job_workers,
        "session_ttl_s": args.session_ttl,
    }
    # Options given on the command line win over the environment and `.env`.
    settings = ServerSettings(**{k: v for k, v in options.items() if v is not None})
    app = create_app(settings)  # refuses to start without keys unless anonymous access is set
    # One line and exit 1 for a jobs file another server holds, or one that cannot be opened,
    # rather than uvicorn's traceback of a failed startup.
    JobStore(settings.jobs_db_path()).close()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **uvicorn_options(settings))
    return 0
