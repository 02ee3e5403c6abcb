"""Hands the memory that finished frame streams freed back to the operating system.

A stream's plan, curves and frame batches are many small and medium allocations, which glibc's
malloc keeps in its heaps once they are freed: after 32 streams of a 50 s turn had been opened,
left unread and closed, the server stayed at 828 MB where it had begun at 295 MB, with none of
the streams' objects alive (`benchmarks/soak.py`). `malloc_trim(0)` gives the free pages back:
57 ms for that heap, under 1 ms when there is nothing to give. Each stream that ends asks for a
trim; a short-lived thread runs it `DELAY_S` later, so that streams ending together share one
trim and neither the event loop nor a stream waits on it. Where the C library has no
`malloc_trim` (it is not glibc), nothing happens.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable

DELAY_S = 1.0


def malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    return trim


class MemoryReleaser:
    """Trims the C heap once, `delay_s` after the first of any number of `request`s."""

    def __init__(self, delay_s: float = DELAY_S) -> None:
        self.delay_s = delay_s
        self.trims = 0
        """Trims done so far."""
        self._trim = malloc_trim()
        self._pending = False
        self._lock = threading.Lock()

    def request(self) -> None:
        """Ask for a trim soon. Never blocks; a request while one is pending joins it."""
        if self._trim is None:
            return
        with self._lock:
            if self._pending:
                return
            self._pending = True
        threading.Thread(target=self._run, name="memory-release", daemon=True).start()

    def _run(self) -> None:
        time.sleep(self.delay_s)
        with self._lock:
            self._pending = False
        assert self._trim is not None
        self._trim(0)
        self.trims += 1
