"""Who is calling, and may they call now: API keys, the per-caller rate limit and the limit on
failed authentications, for HTTP requests and WebSocket connections alike.

HTTP callers send the key in the `X-API-Key` header. Browsers cannot set headers on a
WebSocket, so a WebSocket may also carry it in the `api_key` query parameter. Failures are
ProblemErrors (401 with WWW-Authenticate, 429 with Retry-After); the HTTP error handlers and
the WebSocket route turn them into problem documents. No key, right or wrong, ever appears in
a message.

The rate limit counts cost, not only requests: a request takes one token, plus one for every
`cost_bytes_per_token` bytes of its body, at most `burst` in all (`Guard.cost`). A body's
size is what its work grows with (planning, body motion and frames grow with the script), so a
caller may send many small requests a second or a few large ones, not many large ones. The
first token is taken when the caller is admitted; `server.body_cost` takes the rest once the
body is read, and a WebSocket turn takes its whole cost by its message's size.
"""

from __future__ import annotations

from motiondirector.errors import MotionDirectorError
from motiondirector.server.errors import ProblemError
from motiondirector.server.security import KeyChecker, RateLimiter, retry_after_seconds
from motiondirector.server.settings import ServerSettings

API_KEY_HEADER = "X-API-Key"
API_KEY_QUERY = "api_key"
AUTH_CHALLENGE = f'ApiKey header="{API_KEY_HEADER}"'
"""The WWW-Authenticate value of a 401: the scheme, and the header the key goes in."""


class Guard:
    """Identifies callers by key (or by address when anonymous access is on) and rate-limits
    them. Refuses (MotionDirectorError) to exist without keys unless anonymous access is set,
    so a server is never open by accident.

    Failed authentications are limited per client address by a bucket of their own: once it
    is empty, every request from that address that sends a key or needs one gets 429 before
    its key is looked at, so guessing cannot go on, and a right key is no way around it.
    """

    def __init__(self, settings: ServerSettings) -> None:
        self._keys = KeyChecker(settings.key_hashes)
        if not self._keys and not settings.allow_anonymous:
            raise MotionDirectorError(
                "no API keys configured: set MOTIONDIRECTOR_API_KEYS or "
                "MOTIONDIRECTOR_API_KEYS_FILE, or allow anonymous access explicitly "
                "(MOTIONDIRECTOR_ALLOW_ANONYMOUS=1)"
            )
        if settings.failed_auth_rate_per_second <= 0 or settings.failed_auth_burst < 1:
            raise MotionDirectorError(
                "failed_auth_rate_per_second must be > 0 and failed_auth_burst >= 1, got "
                f"{settings.failed_auth_rate_per_second} and {settings.failed_auth_burst}"
            )
        self._anonymous = settings.allow_anonymous
        self._burst = settings.burst
        self._bytes_per_token = settings.cost_bytes_per_token
        self._limiter = RateLimiter(settings.rate_per_second, settings.burst, settings.clock)
        self._failures = RateLimiter(
            settings.failed_auth_rate_per_second, settings.failed_auth_burst, settings.clock
        )

    def identify(self, key: str | None, client_host: str | None, *, where: str) -> str:
        """The caller's identity (a key digest, or `anonymous:<address>`); 401 if the key is
        missing or wrong, 429 while the address has failed too often. `where` names where the
        key is expected, for the message."""
        address = client_host or "unknown"
        if not key and self._anonymous:
            return "anonymous:" + address
        _refuse_while_empty(
            self._failures.wait(address), "too many failed authentications from this address"
        )
        who = self._keys.identify(key)
        if who is not None:
            return who
        _refuse_while_empty(
            self._failures.acquire(address), "too many failed authentications from this address"
        )
        raise ProblemError(
            401,
            "unauthorized",
            f"a valid API key is required in {where}",
            headers={"WWW-Authenticate": AUTH_CHALLENGE},
        )

    def cost(self, body_bytes: int) -> int:
        """Tokens a request with a body of `body_bytes` takes: one, plus one for every
        `cost_bytes_per_token` bytes, at most `burst` (so every request can pass once)."""
        return min(self._burst, 1 + max(0, body_bytes) // self._bytes_per_token)

    def throttle(self, who: str, tokens: int = 1) -> None:
        """Take `tokens` from `who`'s bucket, all or none; 429 with Retry-After when it does
        not hold that many."""
        if tokens > 0:
            _refuse_while_empty(self._limiter.acquire(who, tokens), "too many requests")

    def admit(self, key: str | None, client_host: str | None, *, where: str) -> str:
        """identify() then throttle(): the caller, allowed one more request now."""
        who = self.identify(key, client_host, where=where)
        self.throttle(who)
        return who


def _refuse_while_empty(wait: float, reason: str) -> None:
    """429 with Retry-After when a bucket said to wait `wait` seconds (0: go ahead)."""
    if wait > 0:
        seconds = retry_after_seconds(wait)
        raise ProblemError(
            429,
            "rate-limited",
            f"{reason}; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )
