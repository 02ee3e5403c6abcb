"""The realism suite on a small slice: a short cut of a shared talking-face clip and an excerpt of
a shared screenplay, tracked with the real face model and planned with the rules planner."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motiondirector.cache import user_cache_dir
from motiondirector.evaluation import (
    FEATURES,
    SUITES,
    FaceSample,
    SuiteResult,
    compare_faces,
    real_samples,
    run_suite,
    write_report,
)
from motiondirector.evaluation.plots import realism_figure
from motiondirector.evaluation.realism import (
    CHUNK_S,
    MIN_CHUNK_S,
    ChunkResampler,
    feature_distance,
    feature_values,
    planned_samples,
    realism_model,
)
from motiondirector.faces.model import FACE_MODEL_ENV

from ..conftest import SHARED_DATA
from ..faces.clips import FACE_MODEL, cut

EXCERPT = """EXT. BRICK'S PATIO - DAY

BRICK sits quietly on the patio. STEEL emerges with two cold beers.

STEEL
Beer's ready!

BRICK
Are they cold?

STEEL
Does a bear crap in the woods? I have been chilling them since the morning, partner.

BRICK
To retirement, then. May it be long and quiet and never, ever boring.

STEEL
To retirement.
"""


@pytest.fixture(scope="module")
def slice_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder: 11 s of talking faces (two clips) and one screenplay excerpt."""
    root = tmp_path_factory.mktemp("realism")
    (root / "video").mkdir()
    (root / "screenplays").mkdir()
    cut("lp_d12.mp4", 0.0, 5.5, root / "video" / "talking.mp4")
    cut("lp_d18.mp4", 0.0, 5.5, root / "video" / "still.mp4")
    (root / "screenplays" / "patio.fountain").write_text(EXCERPT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache folder for the tracks; the exported embedding models stay shared."""
    cache = tmp_path_factory.mktemp("cache")
    shared = user_cache_dir() / "onnx"
    shared.mkdir(parents=True, exist_ok=True)
    (cache / "onnx").symlink_to(shared, target_is_directory=True)
    return cache


@pytest.fixture(scope="module")
def realism(slice_dir: Path, cache_dir: Path) -> SuiteResult:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(FACE_MODEL_ENV, str(FACE_MODEL))
        patch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(cache_dir))
        return run_suite("realism", data_dir=slice_dir)


@pytest.fixture(scope="module")
def realism_samples(
    slice_dir: Path, cache_dir: Path, realism: SuiteResult
) -> tuple[list[FaceSample], list[FaceSample]]:
    """The suite's faces again; the tracks come from the cache the suite filled."""
    from motiondirector.scene import read_script

    tracks = cache_dir / "realism" / "tracks"
    model = realism_model(SHARED_DATA)
    real, _ = real_samples(sorted((slice_dir / "video").glob("*.mp4")), model, cache_dir=tracks)
    script = slice_dir / "screenplays" / "patio.fountain"
    return real, planned_samples([(script.name, read_script(script))])


def test_realism_is_a_registered_suite() -> None:
    assert "realism" in SUITES


def test_real_and_planned_statistics_are_plausible(
    realism: SuiteResult, realism_samples: tuple[list[FaceSample], list[FaceSample]]
) -> None:
    features = realism.tables["features"].set_index("feature")
    assert list(features.index) == [f.key for f in FEATURES]
    items = realism.items.set_index("item")
    assert set(items.loc[["talking.mp4", "still.mp4"], "origin"]) == {"real"}
    planned = items[items["origin"] == "planned"]
    assert set(planned.index) == {"patio.fountain:BRICK", "patio.fountain:STEEL"}
    assert items.loc["talking.mp4", "speaking_share"] > 0.5  # he talks all through the cut
    # Faces blink a few to a few dozen times a minute, for a tenth to half a second.
    for side in ("real", "planned"):
        assert 2.0 <= features.loc["blink_rate", side] <= 60.0
        assert 0.05 <= features.loc["blink_duration", side] <= 0.5
        for weight in ("smile", "brow_raise", "brow_lower", "jaw.speaking"):
            assert 0.0 <= features.loc[weight, side] <= 1.0
        assert 0.0 <= features.loc["gaze_aversion", side] <= 1.0
    # The mouth opens wider while speaking, on video and in plans. On video this is read on
    # the talking clip: the other one holds its mouth open for a while without a word, which
    # outweighs a few seconds of speech when the two are pooled.
    talking = next(sample for sample in realism_samples[0] if sample.name == "talking.mp4")
    jaw = {f.part: feature_values(f, talking.chunks).mean() for f in FEATURES if f.name == "jaw"}
    assert jaw["speaking"] > jaw["silent"]
    assert features.loc["jaw.speaking", "planned"] > features.loc["jaw.silent", "planned"]
    assert 0.5 <= features.loc["head_speed", "real"] <= 100.0
    assert 0.0 < features.loc["head_spectrum", "real"] < 10.0
    summary = realism.summary.set_index("metric")
    assert summary.loc["smile.distance", "value"] == pytest.approx(
        features.loc["smile", "distance"]
    )


def test_distances_have_intervals_around_them(realism: SuiteResult) -> None:
    features = realism.tables["features"]
    scored = features[np.isfinite(features["ci_low"])]
    assert len(scored) >= len(FEATURES) // 2
    assert (scored["distance"] >= 0).all()
    # A distance near 0 is biased upward by resampling; far apart, the interval holds it.
    far = scored[scored["distance"] > scored["ci_high"] - scored["ci_low"]]
    assert len(far)
    assert ((far["ci_low"] <= far["distance"]) & (far["distance"] <= far["ci_high"])).all()
    distributions = features[features["kind"] == "distribution"]
    assert ((distributions["ks"] >= 0) & (distributions["ks"] <= 1)).all()


def _shifted(sample: FaceSample, field: str, by: float) -> FaceSample:
    chunks = tuple(
        {
            part: dataclasses.replace(stats, **{field: getattr(stats, field) + by})
            for part, stats in chunk.items()
        }
        for chunk in sample.chunks
    )
    return dataclasses.replace(sample, chunks=chunks)


def test_distance_is_zero_for_the_same_faces_and_grows_with_a_shift(
    slice_dir: Path, tmp_path: Path
) -> None:
    model = realism_model(SHARED_DATA)
    real, videos = real_samples([slice_dir / "video" / "talking.mp4"], model, cache_dir=tmp_path)
    assert bool(videos["used"].all()) and len(real[0].chunks) == 2
    (cached,) = tmp_path.glob("talking-*.npz")
    stamp = os.stat(cached).st_mtime_ns
    again, _ = real_samples([slice_dir / "video" / "talking.mp4"], model, cache_dir=tmp_path)
    assert os.stat(cached).st_mtime_ns == stamp  # read back, not tracked again
    assert again[0].seconds == real[0].seconds
    # The cache stores curves as float32: what is read back is the same face to 1e-4.
    reread = compare_faces(real, again, n_boot=10)["distance"].dropna()
    assert (reread < 1e-4).all()

    same = compare_faces(real, real, n_boot=50).set_index("feature")
    finite = same["distance"].dropna()
    assert len(finite) >= len(FEATURES) - 2
    assert (finite == 0).all()
    distances = [
        compare_faces(real, [_shifted(real[0], "smile", by)], n_boot=50).set_index("feature")
        for by in (0.05, 0.2)
    ]
    assert distances[0].loc["smile", "distance"] == pytest.approx(0.05)
    assert distances[1].loc["smile", "distance"] == pytest.approx(0.2)
    assert feature_distance("rate", np.array([12.0]), np.array([20.0])) == 8.0


def test_chunks_are_windows_of_face_time(realism: SuiteResult) -> None:
    items = realism.items
    real = items[items["origin"] == "real"]
    # 5.5 s of face: one full window and a last one of 1.5 s.
    assert (real["seconds"] > CHUNK_S + MIN_CHUNK_S).all() and (real["chunks"] == 2).all()


def test_realism_figure_draws_every_distribution(realism: SuiteResult) -> None:
    quantiles = realism.tables["quantiles"]
    figure = realism_figure(quantiles, realism.tables["spectrum"])
    shown = [a for a in figure.axes if a.get_visible()]
    assert len(shown) == quantiles["feature"].nunique() + 1
    assert isinstance(realism.tables["spectrum"], pd.DataFrame)
    assert {line.get_label() for line in shown[0].get_lines()} == {"real", "planned"}
    # Each distribution's axis names its unit.
    units = {f.key: f.unit for f in FEATURES}
    for axes in shown[:-1]:
        assert axes.get_xlabel() == units[axes.get_title()]


def test_resampling_by_weights_gives_the_distance_of_the_pooled_chunks(
    realism_samples: tuple[list[FaceSample], list[FaceSample]],
) -> None:
    real, planned = realism_samples
    real_chunks = [c for s in real for c in s.chunks]
    planned_chunks = [c for s in planned for c in s.chunks]
    ones = np.ones(len(real_chunks)), np.ones(len(planned_chunks))
    rng = np.random.default_rng(1)
    drawn = rng.integers(0, len(planned_chunks), len(planned_chunks))
    for feature in FEATURES:
        exact = feature_distance(
            feature.kind,
            feature_values(feature, real_chunks),
            feature_values(feature, planned_chunks),
        )
        fast = ChunkResampler(feature, real_chunks, planned_chunks).distance(*ones)
        assert fast == pytest.approx(exact, rel=1e-9, abs=1e-12, nan_ok=True), feature.key
        # A chunk drawn twice counts twice, one not drawn not at all.
        resampled = [planned_chunks[i] for i in drawn]
        counts = np.bincount(drawn, minlength=len(planned_chunks)).astype(float)
        assert ChunkResampler(feature, real_chunks, planned_chunks).distance(
            ones[0], counts
        ) == pytest.approx(
            feature_distance(
                feature.kind,
                feature_values(feature, real_chunks),
                feature_values(feature, resampled),
            ),
            rel=1e-9,
            abs=1e-12,
            nan_ok=True,
        ), feature.key


def test_the_report_draws_the_realism_distributions(realism: SuiteResult, tmp_path: Path) -> None:
    report = write_report([realism], tmp_path / "report")
    assert (tmp_path / "report" / "realism_distributions.png").stat().st_size > 0
    assert "realism_distributions.png" in report.read_text()


def test_planned_faces_keep_moving_between_events(
    realism_samples: tuple[list[FaceSample], list[FaceSample]],
) -> None:
    """The idle layers: a planned face drifts and its head sways, faster while speaking,
    where a plan without them holds still between events (a median head speed of 0)."""
    _, planned = realism_samples
    chunks = [c for sample in planned for c in sample.chunks]
    values = {f.key: feature_values(f, chunks) for f in FEATURES if f.kind == "distribution"}
    assert 1.0 < float(np.median(values["head_speed.silent"])) < 6.0
    assert np.median(values["head_speed.speaking"]) > np.median(values["head_speed.silent"])
    for key in ("smile", "brow_raise", "brow_lower", "jaw.silent"):
        assert 0.005 < float(values[key].mean()) < 0.3, key


def test_a_limit_counts_talking_faces_not_files(
    slice_dir: Path, cache_dir: Path, tmp_path: Path
) -> None:
    """`eval --suite realism --limit 1` took the first video in name order, a treadmill walker
    whose face is too small to track, and stopped with 'no talking face'."""
    cut("dme_27_Tennage_Hooligan.mp4", 0.0, 2.0, tmp_path / "a_walker.mp4")
    videos = [tmp_path / "a_walker.mp4", *sorted((slice_dir / "video").glob("*.mp4"))]
    tracks = cache_dir / "realism" / "tracks"
    real, table = real_samples(videos, realism_model(SHARED_DATA), cache_dir=tracks, wanted=1)
    assert [sample.name for sample in real] == ["still.mp4"]
    assert list(table["item"]) == ["a_walker.mp4", "still.mp4"]
    assert list(table["used"]) == [False, True]
