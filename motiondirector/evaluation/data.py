"""Where the evaluation data lives: the shared data folder next to the repository.

The real data sets (MELD, GoEmotions, screenplays, Bandai-Namco clips) are not part of the
repository; they sit in `../shared/data` relative to the repository root. Notebooks and
scripts call `shared_data_dir()` so that a missing folder fails with one clear message.
An installed package (a wheel in site-packages) has no repository of its own: it looks next
to the project of the working directory only.
"""

from __future__ import annotations

import os
from pathlib import Path

from motiondirector.errors import EvaluationError


def checkout_of(package: Path) -> Path | None:
    """The repository holding the `package` folder (the folder with `pyproject.toml` above
    it); None when the package is installed, as in site-packages."""
    root = package.parent
    return root if (root / "pyproject.toml").is_file() else None


PACKAGE_REPOSITORY = checkout_of(Path(__file__).resolve().parents[1])
"""The checkout this package was imported from; None when it runs installed."""


def repository_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest folder at or above `start` (default: the working directory) holding
    `pyproject.toml`; else the checkout this package was imported from; else `start` itself
    (an installed package used in a folder that is no project)."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return PACKAGE_REPOSITORY or here


def shared_data_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """`../shared/data` relative to the repository root found from `start`; with no `start`,
    from the working directory, else next to the checkout this package was imported from
    (where the suites look by default), so a notebook in a project of its own finds it too.

    Raises EvaluationError naming the folders it looked for when it is missing.
    """
    roots = [repository_root(start)]
    if start is None and PACKAGE_REPOSITORY is not None and PACKAGE_REPOSITORY not in roots:
        roots.append(PACKAGE_REPOSITORY)
    for root in roots:
        folder = root.parent / "shared" / "data"
        if folder.is_dir():
            return folder
    looked = " or ".join(str(root.parent / "shared" / "data") for root in roots)
    raise EvaluationError(
        f"the shared evaluation data is missing: expected {looked} (../shared/data next to the "
        "repository root); put the data sets there or pass data_dir= to the suites "
        "(--data-dir on the command line)"
    )
