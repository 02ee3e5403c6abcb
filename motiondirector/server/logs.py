"""What the server's log says: lines stamped with time and request id, and no secrets.

`server_log_config` is the logging configuration `motiondirector serve` gives uvicorn: its
access and error lines and the server's own (`motiondirector.*`, e.g. each problem answered)
carry the time and the request's id (`server.request_ids`), so every line of a failed
request can be found by the id its client saw in `X-Request-ID`.

Keeping secrets out: query parameters named like keys are redacted.

A WebSocket may carry its API key in the query string (`/v1/sessions/{id}/ws?api_key=…`), and
any client may put one there by mistake; uvicorn writes the path with its query string to its
access log (`uvicorn.access`) and, for WebSockets, to `uvicorn.error`. `install_log_redaction`
puts a filter on those loggers that rewrites each record's arguments before any handler
formats them. This module must not drop records: it only rewrites what they say.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

REDACTED = "***"
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")
"""The loggers uvicorn writes request paths to."""

# A name is secret when, decoded and lowercased, it ends with one of these words (`api_key`,
# `apiKey`, `X-API-Key`, `access_token`, `client_secret`); over-redacting `monkey=` is cheap.
_SECRET_NAME = re.compile(
    r".*(?:key|token|secret|password|passwd|pwd|auth|authorization|signature|sig|credentials?)",
    re.IGNORECASE | re.DOTALL,
)
# One `name=value` pair of a query string: after `?`, `&` or `;`, up to the next separator,
# space or quote (a logged request line ends the path with a space or a quote).
_PAIR = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#?\s\"']+)=(?P<value>[^&;#\s\"']*)")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter named `name` (percent-encoded or not) may hold a secret."""
    return _SECRET_NAME.fullmatch(unquote_plus(name)) is not None


def redact_query(text: str) -> str:
    """`text` with the value of every key-like query parameter replaced by `***`."""
    if "=" not in text:
        return text
    return _PAIR.sub(_redact_pair, text)


def _redact_pair(match: re.Match[str]) -> str:
    if not is_secret_name(match["name"]):
        return match[0]
    return f"{match['lead']}{match['name']}={REDACTED}"


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message and string arguments with `redact_query`; keeps every
    record. The arguments keep their shape: uvicorn's access formatter unpacks them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {name: _redact_value(arg) for name, arg in record.args.items()}
        return True


def _redact_value(value: object) -> object:
    return redact_query(value) if isinstance(value, str) else value


def install_log_redaction(names: Iterable[str] = SERVER_LOGGERS) -> None:
    """Put one RedactSecretsFilter on each named logger (again is a no-op). Logging
    configuration (uvicorn's `dictConfig`) replaces handlers but keeps logger filters, so this
    may run before or after the server configures logging."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())


LINE_FORMAT = "%(asctime)s %(levelprefix)s [%(request_id)s] %(message)s"
ACCESS_FORMAT = (
    '%(asctime)s %(levelprefix)s [%(request_id)s] %(client_addr)s - "%(request_line)s" '
    "%(status_code)s"
)


def server_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the time and the request id on every line, and a
    handler for the server's own loggers (`motiondirector`, INFO and up), which would
    otherwise go unformatted to Python's last-resort handler and lose their INFO lines."""
    import uvicorn.config

    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"request_id": {"()": "motiondirector.server.request_ids.RequestIdFilter"}}
    config["formatters"]["default"]["fmt"] = LINE_FORMAT
    config["formatters"]["access"]["fmt"] = ACCESS_FORMAT
    for handler in config["handlers"].values():
        handler["filters"] = ["request_id"]
    config["loggers"]["motiondirector"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    return config
