"""Where the evaluation data lives: the shared data folder next to the repository.

The real data sets (MELD, GoEmotions, screenplays, Bandai-Namco clips) are not part of the
repository; they sit in `../shared/data` relative to the repository root. Notebooks and
scripts call `shared_data_dir()` so that a missing folder fails with one clear message.
"""

from __future__ import annotations

import os
from pathlib import Path

from motiondirector.errors import EvaluationError

PACKAGE_REPOSITORY = Path(__file__).resolve().parents[2]


def repository_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) holding
    `pyproject.toml`; the checkout this package was imported from when there is none."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return PACKAGE_REPOSITORY


def shared_data_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """`../shared/data` relative to the repository root found from `start`; with no `start`,
    from the working directory, else next to the checkout this package was imported from
    (where the suites look by default), so a notebook in a project of its own finds it too.

    Raises EvaluationError naming the folders it looked for when it is missing.
    """
    roots = [repository_root(start)]
    if start is None and PACKAGE_REPOSITORY not in roots:
        roots.append(PACKAGE_REPOSITORY)
    for root in roots:
        folder = root.parent / "shared" / "data"
        if folder.is_dir():
            return folder
    looked = " or ".join(str(root.parent / "shared" / "data") for root in roots)
    raise EvaluationError(
        f"the shared evaluation data is missing: expected {looked} (../shared/data next to the "
        "repository root); put the data sets there or pass data_dir= to the suites"
    )
