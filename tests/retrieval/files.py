"""File helpers for the ingest tests."""

from __future__ import annotations

import os
from pathlib import Path


def garble_keeping_stamp(path: Path) -> None:
    """Make `path` unreadable while its size and modification time stay as they were: a file
    that is read again is then skipped as unreadable, one passed over is not."""
    stat = path.stat()
    path.write_bytes(b"\x00" * stat.st_size)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
