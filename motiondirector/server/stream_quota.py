"""How many frame streams each caller holds open at once, and the quota on it.

An open stream holds its plan and its whole scene's curves and body per character until its
client has read it or left, and a client that stops reading keeps its connection, and that
memory, as long as it likes. `max_stream_frames` bounds one stream; this bounds how many one
key may hold: beyond `max_streams_per_key`, opening one answers 429 `stream-quota`. A slot is
taken before a stream's work starts and given back when the stream ends, however it ends;
then `stream_ended` runs (the server asks for the stream's freed memory to go back to the
system, see `server.memory`). This module knows nothing of HTTP beyond the problem it raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from motiondirector.server.errors import ProblemError

RETRY_AFTER_S = 1
"""A stream ends when its client has read it; most take well under a second."""


class StreamQuota:
    """Open streams per caller, at most `limit` each."""

    def __init__(self, limit: int, stream_ended: Callable[[], None] | None = None) -> None:
        self.limit = limit
        self.stream_ended = stream_ended
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()

    def open(self, caller: str) -> int:
        """The streams `caller` holds open now."""
        with self._lock:
            return self._open.get(caller, 0)

    @contextmanager
    def slot(self, caller: str) -> Iterator[None]:
        """One stream of `caller`'s, held while the block runs; 429 when none is free."""
        self.take(caller)
        try:
            yield
        finally:
            self.give_back(caller)

    def take(self, caller: str) -> None:
        with self._lock:
            held = self._open.get(caller, 0)
            if held >= self.limit:
                raise ProblemError(
                    429,
                    "stream-quota",
                    f"this key holds its quota of {self.limit} open streams "
                    "(max_streams_per_key); read the open ones to their end or close them, "
                    "then retry",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                    retry_after=RETRY_AFTER_S,
                    quota="max_streams_per_key",
                    limit=self.limit,
                )
            self._open[caller] = held + 1

    def give_back(self, caller: str) -> None:
        with self._lock:
            held = self._open.get(caller, 0) - 1
            # Callers with nothing open are forgotten, so the table holds only open streams.
            if held > 0:
                self._open[caller] = held
            else:
                self._open.pop(caller, None)
        if self.stream_ended is not None:
            self.stream_ended()
