"""Where motiondirector keeps rebuildable caches: exported embedding models, built-in library
indexes, LLM answers, the default jobs database; `load_once`, for the tables a process loads
once and keeps in memory; and `entry_lock`, so that processes starting together on an empty
cache make an entry once.

`$MOTIONDIRECTOR_CACHE_DIR` when set, else `$XDG_CACHE_HOME/motiondirector`, else
`~/.cache/motiondirector`. Everything under it can be deleted; it is rebuilt on use.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, TypeVar, cast

CACHE_ENV = "MOTIONDIRECTOR_CACHE_DIR"

Value = TypeVar("Value")


def user_cache_dir() -> Path:
    """The cache directory (not created here)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "motiondirector"


class LoadOnce(Generic[Value]):
    """`load()` run once per process, however many threads ask for it first.

    `functools.cache` lets every thread that misses run the function: a server's first
    requests or a thread pool's first tasks each loaded their own copy of a large table.
    Here the first caller loads while the others wait for its value; later calls take no lock.
    """

    def __init__(self, load: Callable[[], Value]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: Value | None = None
        self._loaded = False
        functools.update_wrapper(self, load)

    def __call__(self) -> Value:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._value = self._load()
                    self._loaded = True
        return cast(Value, self._value)

    def cache_clear(self) -> None:
        """Forget the value; the next call loads it again."""
        with self._lock:
            self._loaded = False
            self._value = None


def load_once(load: Callable[[], Value]) -> LoadOnce[Value]:
    """A decorator: `load` as a `LoadOnce`."""
    return LoadOnce(load)


def entry_lock_path(entry: Path) -> Path:
    """The lock file held while the cache entry `entry` is being made."""
    return entry.parent / f".{entry.name}.lock"


@contextlib.contextmanager
def entry_lock(entry: Path, waiting: str) -> Iterator[None]:
    """Hold the lock of the cache entry `entry` while making it: processes (server workers,
    parallel CLI runs) and threads that start together on an empty cache would each spend
    seconds making the same entry. A POSIX advisory lock on a file opened here, so it also
    excludes other threads of this process; none where there is no fcntl (concurrent makers
    stay correct, only slower). A caller that has to wait prints `waiting` on stderr.

    Raises OSError when the lock file cannot be made (an unwritable cache).
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    lock_path = entry_lock_path(entry)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(waiting, file=sys.stderr)
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
