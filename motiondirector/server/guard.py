"""Who is calling, and may they call now: API keys and the per-caller rate limit, for HTTP
requests and WebSocket connections alike.

HTTP callers send the key in the `X-API-Key` header. Browsers cannot set headers on a
WebSocket, so a WebSocket may also carry it in the `api_key` query parameter. Failures are
ProblemErrors (401, 429 with Retry-After); the HTTP error handlers and the WebSocket route turn
them into problem documents.
"""

from __future__ import annotations

from motiondirector.errors import MotionDirectorError
from motiondirector.server.errors import ProblemError
from motiondirector.server.security import KeyChecker, RateLimiter, retry_after_seconds
from motiondirector.server.settings import ServerSettings

API_KEY_HEADER = "X-API-Key"
API_KEY_QUERY = "api_key"


class Guard:
    """Identifies callers by key (or by address when anonymous access is on) and rate-limits
    them. Refuses (MotionDirectorError) to exist without keys unless anonymous access is set,
    so a server is never open by accident."""

    def __init__(self, settings: ServerSettings) -> None:
        self._keys = KeyChecker(settings.key_hashes)
        if not self._keys and not settings.allow_anonymous:
            raise MotionDirectorError(
                "no API keys configured: set MOTIONDIRECTOR_API_KEYS or "
                "MOTIONDIRECTOR_API_KEYS_FILE, or allow anonymous access explicitly "
                "(MOTIONDIRECTOR_ALLOW_ANONYMOUS=1)"
            )
        self._anonymous = settings.allow_anonymous
        self._limiter = RateLimiter(settings.rate_per_second, settings.burst, settings.clock)

    def identify(self, key: str | None, client_host: str | None, *, where: str) -> str:
        """The caller's identity (a key digest, or `anonymous:<address>`); 401 if the key is
        missing or wrong. `where` names where the key is expected, for the message."""
        who = self._keys.identify(key)
        if who is not None:
            return who
        if key or not self._anonymous:
            raise ProblemError(401, "unauthorized", f"a valid API key is required in {where}")
        return "anonymous:" + (client_host or "unknown")

    def throttle(self, who: str) -> None:
        """Take one request from `who`'s bucket; 429 with Retry-After when it is empty."""
        wait = self._limiter.acquire(who)
        if wait > 0:
            seconds = retry_after_seconds(wait)
            raise ProblemError(
                429,
                "rate-limited",
                f"too many requests; retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
                retry_after=seconds,
            )

    def admit(self, key: str | None, client_host: str | None, *, where: str) -> str:
        """identify() then throttle(): the caller, allowed one more request now."""
        who = self.identify(key, client_host, where=where)
        self.throttle(who)
        return who
