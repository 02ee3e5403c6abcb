"""How many frame streams each caller holds open at once, how many frames they hold, per
caller and all together, and the quotas on them.

An open stream holds its plan and its whole scene's curves and body per character until its
client has read it or left, and a client that stops reading keeps its connection, and that
memory, as long as it likes. `max_stream_frames` bounds one stream; this bounds how many one
key may hold (beyond `max_streams_per_key`, opening one answers 429 `stream-quota`), how many
frames (times characters) one key's open streams hold (beyond `max_stream_frames_per_key`,
429 `stream-quota` too), and how many all open streams of every key hold together (beyond
`max_open_stream_frames`, 503 `too-many-streams`); the frame checks come before a stream's
first frame, and a turn refused by one is not taken. So keys that each stay within their
quota still cannot fill the server's memory, and one key cannot take all of it from the
others. A slot is taken before a stream's work starts, its frames once its plan is known, and
both are given back when the stream ends, however it ends; then `stream_ended` runs (the
server asks for the stream's freed memory to go back to the system, see `server.memory`).
This module knows nothing of HTTP beyond the problems it raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from motiondirector.server.errors import ProblemError

RETRY_AFTER_S = 1
"""A stream ends when its client has read it; most take well under a second."""


class StreamSlot:
    """One open stream of a caller's, and the frames it holds of the server's budget."""

    def __init__(self, quota: StreamQuota, caller: str) -> None:
        self.caller = caller
        self.frames = 0
        self._quota = quota

    def hold(self, frames: int) -> None:
        """Take `frames` (frames times characters) from the server's budget for this stream,
        until the slot is given back; 503 `too-many-streams` when they do not fit."""
        self._quota.hold_frames(self, frames)


class StreamQuota:
    """Open streams per caller, at most `limit` each."""

    def __init__(
        self,
        limit: int,
        stream_ended: Callable[[], None] | None = None,
        *,
        max_frames: int | None = None,
        max_frames_per_caller: int | None = None,
    ) -> None:
        self.limit = limit
        self.max_frames = max_frames
        self.max_frames_per_caller = max_frames_per_caller
        self.stream_ended = stream_ended
        self._open: dict[str, int] = {}
        self._frames = 0
        self._frames_of: dict[str, int] = {}
        self._lock = threading.Lock()

    def held_frames(self) -> int:
        """Frames times characters that all open streams hold now."""
        with self._lock:
            return self._frames

    def open(self, caller: str) -> int:
        """The streams `caller` holds open now."""
        with self._lock:
            return self._open.get(caller, 0)

    @contextmanager
    def slot(self, caller: str) -> Iterator[StreamSlot]:
        """One stream of `caller`'s, held while the block runs (with the frames it comes to
        hold); 429 when none is free."""
        self.take(caller)
        held = StreamSlot(self, caller)
        try:
            yield held
        finally:
            self.give_back(caller, held.frames)

    def hold_frames(self, slot: StreamSlot, frames: int) -> None:
        with self._lock:
            mine = self._frames_of.get(slot.caller, 0)
            share = self.max_frames_per_caller
            if share is not None and mine + frames > share:
                # Checked first: a key over its share is told so, not that the server is full.
                raise ProblemError(
                    429,
                    "stream-quota",
                    f"this key's open frame streams hold {mine:,} of the {share:,} frames "
                    f"one key may hold (max_stream_frames_per_key); this stream's {frames:,} "
                    "do not fit: read the open ones to their end or close them, then retry",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                    retry_after=RETRY_AFTER_S,
                    quota="max_stream_frames_per_key",
                    limit=share,
                    used=mine,
                )
            if self.max_frames is not None and self._frames + frames > self.max_frames:
                raise ProblemError(
                    503,
                    "too-many-streams",
                    f"the open frame streams of this server hold {self._frames:,} of its "
                    f"{self.max_frames:,} frames (max_open_stream_frames); this stream's "
                    f"{frames:,} do not fit: retry shortly, or take the turn without frames",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                    retry_after=RETRY_AFTER_S,
                    limit="max_open_stream_frames",
                    limit_value=self.max_frames,
                    frames=frames,
                )
            self._frames += frames
            self._frames_of[slot.caller] = mine + frames
            slot.frames += frames

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

    def give_back(self, caller: str, frames: int = 0) -> None:
        with self._lock:
            self._frames -= frames
            left = self._frames_of.pop(caller, 0) - frames
            if left > 0:
                self._frames_of[caller] = left
            held = self._open.get(caller, 0) - 1
            # Callers with nothing open are forgotten, so the table holds only open streams.
            if held > 0:
                self._open[caller] = held
            else:
                self._open.pop(caller, None)
        if self.stream_ended is not None:
            self.stream_ended()
