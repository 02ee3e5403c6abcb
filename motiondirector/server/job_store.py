"""Scene jobs and their artifacts, persisted in one SQLite file (stdlib sqlite3).

Two tables: `jobs` (id, owner, status, progress, stage, request JSON, error JSON, times) and
`artifacts` (job id, name, media type, content). Artifacts live in the database, not in files,
so a name is only ever a key: there is no path to traverse. A job and its artifacts are
committed in one transaction when it succeeds, so a finished job is complete or absent.

WAL journal with synchronous=NORMAL: a crash of the process loses nothing committed.
One connection, shared by the server's threads behind a lock. One server process at a time
holds the file (an advisory lock on `<file>.lock`, let go when the process ends however it
ends): a second server's start would take the first one's running jobs for interrupted ones.

Space is given back: the file uses incremental auto-vacuum (a file made before that is
converted once, with VACUUM, when it is opened), so after jobs are deleted or expire their
pages are cut from the end of the file and the WAL is checkpointed and truncated. Quotas per
owner (jobs kept, bytes of artifacts kept) are checked in the same transaction as the write
they guard, so two requests cannot both slip under one.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from motiondirector.errors import MotionDirectorError

log = logging.getLogger("motiondirector.server")

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL,
    error TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS artifacts (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (job_id, name)
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner);
"""
INCREMENTAL_VACUUM = 2
"""`PRAGMA auto_vacuum` value of a file whose free pages `PRAGMA incremental_vacuum` gives back."""
WAL_SIZE_LIMIT = 32 * 1024 * 1024
"""Bytes the WAL file is cut back to after a checkpoint: one large job must not keep its size."""
FINISHED = ("succeeded", "failed", "cancelled")
INTERRUPTED_DETAIL = "the server stopped while the job was running; submit it again"
_ID_BYTES = 18


class QuotaExceeded(Exception):
    """A write that would take an owner over a quota; nothing was written.

    quota: the setting's name (`max_jobs_per_key`, `max_storage_bytes_per_key`).
    limit, used: the quota and what the owner holds now (jobs, or bytes).
    needed: what the refused write would add (a job, or its artifacts' bytes).
    """

    def __init__(self, quota: str, limit: int, used: int, needed: int) -> None:
        super().__init__(f"{quota}: {used} + {needed} is over {limit}")
        self.quota = quota
        self.limit = limit
        self.used = used
        self.needed = needed


@dataclass(frozen=True)
class Usage:
    """What one owner holds: jobs of any status, and bytes of artifacts."""

    jobs: int
    artifact_bytes: int


@dataclass(frozen=True)
class Artifact:
    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class ArtifactEntry:
    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class JobRecord:
    id: str
    owner: str
    status: str
    progress: float
    stage: str
    request: str
    error: dict[str, Any] | None
    created: float
    updated: float

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class JobStore:
    """The jobs database. Raises MotionDirectorError when the file cannot be opened."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._holder: IO[bytes] | None = None
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._holder = _hold_alone(self.path)
            self._db = sqlite3.connect(
                str(path), check_same_thread=False, isolation_level=None, timeout=30
            )
            # Before anything else: on a new file, auto_vacuum only takes effect if it is set
            # before the first table is made.
            self._db.execute(f"PRAGMA auto_vacuum={INCREMENTAL_VACUUM}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            self._db.executescript(SCHEMA)
            self._convert_to_incremental_vacuum()
            self.reclaim()  # what a stopped server left free, and the WAL of the VACUUM
        except (OSError, sqlite3.Error) as error:
            self._let_go()
            raise MotionDirectorError(f"cannot open the jobs database {path}: {error}") from None
        except BaseException:
            self._let_go()
            raise

    def _convert_to_incremental_vacuum(self) -> None:
        """Turn on incremental vacuum in a file made without it. The mode of an existing file
        changes only when VACUUM rebuilds it, and not in WAL mode; while another process has
        the file open that cannot be done, and the file is used as it is."""
        (mode,) = self._db.execute("PRAGMA auto_vacuum").fetchone()
        if mode == INCREMENTAL_VACUUM:
            return
        try:
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.execute(f"PRAGMA auto_vacuum={INCREMENTAL_VACUUM}")
            self._db.execute("VACUUM")
        except sqlite3.OperationalError as error:
            log.warning("the jobs database %s keeps its free space: %s", self.path, error)
        finally:
            self._db.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._let_go()

    def _let_go(self) -> None:
        if self._holder is not None:
            self._holder.close()  # closing the file ends its lock
            self._holder = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def add(
        self,
        owner: str,
        request: str,
        *,
        max_jobs: int | None = None,
        max_bytes: int | None = None,
    ) -> JobRecord:
        """A new queued job. With `max_jobs`, QuotaExceeded when the owner already holds that
        many jobs (of any status); with `max_bytes`, when its artifacts already fill that
        many bytes."""
        now = time.time()
        job_id = secrets.token_urlsafe(_ID_BYTES)
        with self._transaction() as db:
            usage = _usage(db, owner)
            if max_jobs is not None and usage.jobs >= max_jobs:
                raise QuotaExceeded("max_jobs_per_key", max_jobs, usage.jobs, 1)
            if max_bytes is not None and usage.artifact_bytes >= max_bytes:
                raise QuotaExceeded("max_storage_bytes_per_key", max_bytes, usage.artifact_bytes, 0)
            db.execute(
                "INSERT INTO jobs (id, owner, status, stage, request, created, updated)"
                " VALUES (?, ?, 'queued', 'queued', ?, ?, ?)",
                (job_id, owner, request, now, now),
            )
        found = self.get(job_id)
        assert found is not None
        return found

    def get(self, job_id: str, owner: str | None = None) -> JobRecord | None:
        """The job, or None when there is none (or it is someone else's, with `owner`)."""
        with self._lock:
            row = self._db.execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
            row = row.fetchone()
        if row is None:
            return None
        record = _record(row)
        if owner is not None and not secrets.compare_digest(record.owner, owner):
            return None
        return record

    def owned_by(self, owner: str, status: str | None = None) -> list[JobRecord]:
        """The owner's jobs (of one status, if given), newest first. Their number is bounded by
        the owner's job quota."""
        query = f"SELECT {_JOB_COLUMNS} FROM jobs WHERE owner = ?"
        params: list[str] = [owner]
        if status is not None:
            query += " AND status = ?"
            params.append(status)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY created DESC, rowid DESC", params)
            return [_record(row) for row in rows.fetchall()]

    def update(
        self,
        job_id: str,
        *,
        status: str | None = None,
        progress: float | None = None,
        stage: str | None = None,
        error: dict[str, Any] | None = None,
        only_if: Sequence[str] = (),
    ) -> bool:
        """Change a job's fields; with `only_if`, only while its status is one of those.
        Returns whether a row changed."""
        sets: list[str] = ["updated = ?"]
        values: list[Any] = [time.time()]
        for column, value in (("status", status), ("progress", progress), ("stage", stage)):
            if value is not None:
                sets.append(f"{column} = ?")
                values.append(value)
        if error is not None:
            sets.append("error = ?")
            values.append(json.dumps(error))
        where = "id = ?"
        params: list[Any] = [*values, job_id]
        if only_if:
            where += f" AND status IN ({', '.join('?' for _ in only_if)})"
            params.extend(only_if)
        with self._transaction() as db:
            changed = db.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE {where}", params)
            return changed.rowcount > 0

    def usage(self, owner: str) -> Usage:
        with self._lock:
            return _usage(self._db, owner)

    def succeed(
        self, job_id: str, artifacts: Sequence[Artifact], *, max_bytes: int | None = None
    ) -> bool:
        """Store the artifacts and mark the job succeeded, in one transaction; False (and
        nothing stored) when the job is no longer running (cancelled or deleted). With
        `max_bytes`, QuotaExceeded (and nothing stored) when the artifacts would take the
        job's owner over that many bytes."""
        with self._transaction() as db:
            row = db.execute("SELECT owner FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if max_bytes is not None and row is not None:
                needed = sum(len(a.content) for a in artifacts)
                used = _usage(db, row[0]).artifact_bytes
                if used + needed > max_bytes:
                    raise QuotaExceeded("max_storage_bytes_per_key", max_bytes, used, needed)
            changed = db.execute(
                "UPDATE jobs SET status = 'succeeded', progress = 1, stage = 'done', updated = ?"
                " WHERE id = ? AND status = 'running'",
                (time.time(), job_id),
            )
            if changed.rowcount == 0:
                return False
            db.executemany(
                "INSERT INTO artifacts (job_id, name, media_type, content) VALUES (?, ?, ?, ?)",
                [(job_id, a.name, a.media_type, a.content) for a in artifacts],
            )
            return True

    def artifacts(self, job_id: str) -> list[ArtifactEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT name, media_type, length(content) FROM artifacts WHERE job_id = ?"
                " ORDER BY rowid",
                (job_id,),
            ).fetchall()
        return [ArtifactEntry(*row) for row in rows]

    def artifact(self, job_id: str, name: str) -> Artifact | None:
        with self._lock:
            row = self._db.execute(
                "SELECT name, media_type, content FROM artifacts WHERE job_id = ? AND name = ?",
                (job_id, name),
            ).fetchone()
        return Artifact(row[0], row[1], bytes(row[2])) if row else None

    def delete(self, job_id: str) -> None:
        """Delete the job and its artifacts, and give their space back to the file system."""
        with self._transaction() as db:
            gone = db.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount
        if gone:
            self.reclaim()

    def reclaim(self) -> None:
        """Give free pages back: cut them from the end of the file, then checkpoint the WAL
        into the file and truncate it to nothing."""
        with self._lock:
            # execute() would step the pragma once, freeing one page; a script runs it through.
            self._db.executescript("PRAGMA incremental_vacuum;")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def recover(self) -> list[JobRecord]:
        """At startup: jobs left `running` by a server that stopped are marked failed (their
        work is lost mid-way); jobs still `queued` are returned to be queued again."""
        from motiondirector.server.errors import problem_body

        error = json.dumps(problem_body(500, "interrupted", INTERRUPTED_DETAIL))
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET status = 'failed', stage = 'interrupted', error = ?, updated = ?"
                " WHERE status = 'running'",
                (error, time.time()),
            )
            rows = db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created"
            ).fetchall()
        return [record for (job_id,) in rows if (record := self.get(job_id)) is not None]

    def forget_finished_before(self, cutoff: float) -> int:
        """Delete finished jobs last updated before `cutoff` (Unix time); how many."""
        with self._transaction() as db:
            placeholders = ", ".join("?" for _ in FINISHED)
            gone = db.execute(
                f"DELETE FROM jobs WHERE updated < ? AND status IN ({placeholders})",
                (cutoff, *FINISHED),
            ).rowcount
        if gone:
            self.reclaim()
        return gone


_JOB_COLUMNS = "id, owner, status, progress, stage, request, error, created, updated"


def _hold_alone(path: Path) -> IO[bytes] | None:
    """The open lock file of the database at `path`, locked for this process alone; a
    MotionDirectorError when another process holds it (None where there is no fcntl)."""
    try:
        import fcntl
    except ImportError:
        return None
    holder = open(path.with_name(path.name + ".lock"), "a+b")  # noqa: SIM115 (kept open)
    try:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder.close()
        raise MotionDirectorError(
            f"the jobs database {path} is in use by another running server; give each server "
            "its own file (--jobs-db, MOTIONDIRECTOR_JOBS_DB): a server starting on another's "
            "file would fail that server's running jobs as interrupted"
        ) from None
    except BaseException:
        holder.close()
        raise
    return holder


def _record(row: Sequence[Any]) -> JobRecord:
    return JobRecord(
        id=row[0],
        owner=row[1],
        status=row[2],
        progress=float(row[3]),
        stage=row[4],
        request=row[5],
        error=json.loads(row[6]) if row[6] else None,
        created=float(row[7]),
        updated=float(row[8]),
    )


def _usage(db: sqlite3.Connection, owner: str) -> Usage:
    jobs, size = db.execute(
        "SELECT COUNT(*), COALESCE(SUM((SELECT COALESCE(SUM(length(content)), 0)"
        " FROM artifacts WHERE job_id = jobs.id)), 0) FROM jobs WHERE owner = ?",
        (owner,),
    ).fetchone()
    return Usage(int(jobs), int(size))
