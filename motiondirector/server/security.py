"""API keys and rate limits: who may call, and how often.

Keys are kept only as sha256 digests and compared in constant time; the limiter is a token
bucket per caller with an injectable clock, so tests never sleep. This module knows nothing of
HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Clock = Callable[[], float]
_MAX_IDLE_BUCKETS = 10_000


def hash_key(key: str) -> str:
    """The sha256 hex digest under which a plain API key is stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyChecker:
    """Says which stored key (by digest) a presented key is, or None."""

    def __init__(self, key_hashes: Iterable[str]) -> None:
        self._hashes = tuple(sorted(key_hashes))

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def identify(self, presented: str | None) -> str | None:
        if not presented:
            return None
        digest = hash_key(presented)
        found: str | None = None
        # Compare against every stored digest so the time taken does not say which matched.
        for stored in self._hashes:
            if hmac.compare_digest(digest, stored):
                found = stored
        return found


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per caller: `rate` tokens a second, holding at most `burst`."""

    def __init__(self, rate: float, burst: int, clock: Clock = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, caller: str, cost: float = 1.0) -> float:
        """Take `cost` tokens for `caller`, all or none: 0.0 when allowed, else the seconds
        until the bucket holds them."""
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(caller)
            if bucket is None:
                if len(self._buckets) >= _MAX_IDLE_BUCKETS:
                    self._forget_full(now)
                bucket = self._buckets[caller] = _Bucket(float(self.burst), now)
            self._refill(bucket, now)
            if bucket.tokens >= cost:
                bucket.tokens -= cost
                return 0.0
            return (cost - bucket.tokens) / self.rate

    def wait(self, caller: str) -> float:
        """The seconds until `caller` has a token (0.0: one is there now), taking none."""
        with self._lock:
            bucket = self._buckets.get(caller)
            if bucket is None:
                return 0.0
            self._refill(bucket, self._clock())
            return max(0.0, (1.0 - bucket.tokens) / self.rate)

    def _refill(self, bucket: _Bucket, now: float) -> None:
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.updated = now

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled holds no state worth keeping; dropping it bounds memory
        # when callers are told apart by address (anonymous ones, failed authentications).
        refill = self.burst / self.rate
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < refill}


def retry_after_seconds(wait: float) -> int:
    """A Retry-After value: whole seconds, at least 1."""
    return max(1, math.ceil(wait))
