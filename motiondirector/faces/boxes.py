"""Tell a truncated MP4 or QuickTime file from one that is no video at all, by the layout of
its top-level boxes.

Most cameras and editors write the index of an MP4 (its `moov` box) after the media data, so a
copy or download that stopped early keeps a valid header and loses the index: FFmpeg then
cannot open it and says only "Invalid data found", as it does for a text file renamed `.mp4`.
Walking the top-level boxes (size and four-letter type, nothing inside them) says which one it
is. This module reads box headers only; it does not decode or validate media.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

_TYPE = re.compile(rb"[a-z0-9 \xa9]{4}", re.IGNORECASE)
# Top-level box types a file of the ISO base media family starts with.
_FIRST = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"}


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def truncation(path: str | Path) -> str | None:
    """Why the MP4/QuickTime file at `path` is truncated, in words, or None when its box
    layout does not show it (complete, not of that family, or unreadable)."""
    try:
        with open(path, "rb") as file:
            size = file.seek(0, 2)
            offset = 0
            types: list[bytes] = []
            while offset + 8 <= size:
                file.seek(offset)
                header = file.read(16)
                length, kind = struct.unpack(">I4s", header[:8])
                if not _TYPE.fullmatch(kind) or (not types and kind not in _FIRST):
                    return None
                if length == 1 and len(header) == 16:
                    length = struct.unpack(">Q", header[8:16])[0]
                elif length == 0:
                    length = size - offset  # the last box runs to the end of the file
                if length < 8:
                    return None
                types.append(kind)
                if offset + length > size:
                    name = kind.decode("latin-1")
                    missing = "" if b"moov" in types else ", and its index ('moov' box) is missing"
                    return (
                        f"truncated: the file stops at {_megabytes(size)}, inside its "
                        f"'{name}' box that runs to {_megabytes(offset + length)}{missing}"
                    )
                offset += length
    except OSError:
        return None
    if types and b"mdat" in types and b"moov" not in types:
        return "truncated: its index ('moov' box) is missing, as when a recording stopped early"
    return None
