"""The built distribution: the wheel holds every file of the package (its data tables included)
and nothing else, and the package installed from it runs away from the repository: it finds
its own data, writes nothing into the installed folder, and names `--data-dir` when the shared
data is not where it looks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import motiondirector
from motiondirector.evaluation import data as evaluation_data
from motiondirector.evaluation.suites import CUE_CASES, RETRIEVAL_QUERIES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "motiondirector"
# What .gitignore keeps out of the package folder: byte code and the leftovers of ONNX exports.
NOT_SOURCE = ("__pycache__", "*.pyc", "*.onnx", "*.onnx.data")
BUILD_FILES = ("pyproject.toml", "README.md", "MANIFEST.in", "LICENSE")
EVAL = (sys.executable, "-m", "motiondirector", "eval")


def _package_files() -> set[str]:
    ignored = shutil.ignore_patterns(*NOT_SOURCE)
    found: set[str] = set()
    for folder, names, files in os.walk(PACKAGE):
        skip = ignored(folder, [*names, *files])
        names[:] = [name for name in names if name not in skip]
        for name in files:
            if name not in skip:
                path = Path(folder, name).relative_to(ROOT)
                found.add(path.as_posix())
    return found


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and sdist built from a copy of the sources: a build writes `build/` and
    `*.egg-info` beside the sources, which must not land in the checkout."""
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(PACKAGE, source / PACKAGE.name, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    for name in BUILD_FILES:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, source / name)
    # setuptools' sdist picks tests/test*.py up by default, without their conftest and data.
    (source / "tests").mkdir()
    for test in (ROOT / "tests").glob("test*.py"):
        shutil.copy2(test, source / "tests" / test.name)
    out = tmp_path_factory.mktemp("dist")
    # setuptools rewrites sys.argv as it builds: the folder is read first.
    build = (
        "import sys\nfrom setuptools import build_meta\nout = sys.argv[1]\n"
        "build_meta.build_wheel(out)\nbuild_meta.build_sdist(out)\n"
    )
    subprocess.run(
        [sys.executable, "-c", build, str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return out


def _wheel(dist: Path) -> Path:
    return next(dist.glob("motiondirector-*.whl"))


def test_the_wheel_holds_every_file_of_the_package_and_nothing_else(dist: Path) -> None:
    names = zipfile.ZipFile(_wheel(dist)).namelist()
    shipped = {name for name in names if not name.split("/")[0].endswith(".dist-info")}
    missing = sorted(_package_files() - shipped)
    extra = sorted(shipped - _package_files())
    assert not missing, f"package files the wheel lacks (package-data globs?): {missing}"
    assert not extra, f"files in the wheel that are not the package's: {extra}"


def test_the_wheel_and_sdist_carry_the_licence_text(dist: Path) -> None:
    names = zipfile.ZipFile(_wheel(dist)).namelist()
    assert [n for n in names if n.endswith(".dist-info/licenses/LICENSE")], names
    sdist = next(dist.glob("motiondirector-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        assert any(name.endswith("/LICENSE") for name in archive.getnames())


def test_the_wheel_carries_the_version_the_package_reports(dist: Path) -> None:
    # pyproject.toml and motiondirector.__version__ each state it: --version must not drift.
    assert _wheel(dist).name.split("-")[1] == motiondirector.__version__


def test_the_sdist_holds_the_package_data_and_no_partial_test_suite(dist: Path) -> None:
    sdist = next(dist.glob("motiondirector-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert _package_files() <= names
    assert not [name for name in names if name.startswith("tests/")]


def test_the_data_the_evaluation_reads_is_package_data() -> None:
    for table in (CUE_CASES, RETRIEVAL_QUERIES):
        assert table.is_file()
        assert table.is_relative_to(PACKAGE), f"{table} is outside the package"


def test_an_installed_package_is_no_checkout() -> None:
    assert evaluation_data.checkout_of(PACKAGE) == ROOT
    # A wheel's files sit in site-packages, with no pyproject.toml above the package.
    site = Path(sys.prefix, "lib", "site-packages", "motiondirector")
    assert evaluation_data.checkout_of(site) is None


def _installed(dist: Path, site: Path) -> dict[str, str]:
    """The wheel unpacked into `site`, and the environment that imports the package from there
    (dependencies from this interpreter's site-packages, which come after it), with a user
    cache of its own beside `site` that shares only the exported embedding models."""
    from motiondirector.cache import user_cache_dir

    zipfile.ZipFile(_wheel(dist)).extractall(site)
    cache = site.parent / "cache"
    cache.mkdir()
    shared = user_cache_dir() / "onnx"
    shared.mkdir(parents=True, exist_ok=True)
    (cache / "onnx").symlink_to(shared, target_is_directory=True)
    return {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHONSAFEPATH": "1",
        "MOTIONDIRECTOR_CACHE_DIR": str(cache),
    }


def test_the_installed_package_runs_an_evaluation_away_from_the_repository(
    dist: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    env = _installed(dist, site)
    shipped = set(zipfile.ZipFile(_wheel(dist)).namelist())
    project = tmp_path / "project"
    project.mkdir()
    where = subprocess.run(
        [sys.executable, "-c", "import motiondirector; print(motiondirector.__file__)"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site)
    run = subprocess.run(
        [*EVAL, "--suite", "behaviours", "--limit", "2", "--out", "report", "-q"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert (project / "report" / "suites.csv").is_file()
    assert [path.name for path in project.iterdir()] == ["report"]
    assert "motiondirector/evaluation/" in (project / "report" / "suites.csv").read_text("utf-8")
    written = {
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert written <= shipped, f"written into the installed package: {sorted(written - shipped)}"


def test_the_installed_package_names_the_data_dir_option_when_data_is_missing(
    dist: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    env = _installed(dist, site)
    project = tmp_path / "work" / "project"
    project.mkdir(parents=True)
    run = subprocess.run(
        [*EVAL, "--suite", "emotion", "--limit", "1", "--out", "report", "-q"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    assert "--data-dir" in run.stderr
    # It looked next to the user's folder, not inside the installed package's.
    assert str(tmp_path / "work" / "shared" / "data") in run.stderr
    assert str(site) not in run.stderr
