"""Which browser pages may open a WebSocket: CORS does not cover WebSockets, so the server
checks a handshake's `Origin` itself, by the rule CORS applies to its HTTP answers.

A handshake without `Origin` is no browser's (a command-line or server client) and passes; a
browser's passes when its page is on the server's own origin (the `Origin` host is the
handshake's `Host`) or listed in `cors_origins` (`*` admits any page). Keys still decide who
the caller is; this only keeps pages the server's operator never listed from using a key a
user pasted into them.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit


def websocket_origin_allowed(
    origin: str | None, host: str | None, cors_origins: Sequence[str]
) -> bool:
    """Whether a WebSocket handshake with these `Origin` and `Host` headers is admitted."""
    if origin is None:
        return True
    if "*" in cors_origins or origin in cors_origins:
        return True
    netloc = urlsplit(origin).netloc.lower()
    return bool(host) and netloc == str(host).lower()


def origin_refusal(origin: str) -> str:
    """The detail of a refused handshake: what the operator adds to admit the page."""
    return (
        f"WebSockets from pages on {origin} are not admitted: a page may connect from the "
        "server's own origin or from one listed in cors_origins (MOTIONDIRECTOR_CORS_ORIGINS)"
    )
