"""Where motiondirector keeps rebuildable caches: exported embedding models, built-in library
indexes, LLM answers, the default jobs database.

`$MOTIONDIRECTOR_CACHE_DIR` when set, else `$XDG_CACHE_HOME/motiondirector`, else
`~/.cache/motiondirector`. Everything under it can be deleted; it is rebuilt on use.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "MOTIONDIRECTOR_CACHE_DIR"


def user_cache_dir() -> Path:
    """The cache directory (not created here)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "motiondirector"
