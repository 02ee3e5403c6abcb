"""Generation on a real local Ray cluster (CPU workers) with a tiny saved Wan-VACE pipeline:
the same frames as one process with the same seeds (through `generate --ray` and through the
Director's generated segments), a worker that dies mid-scene without a segment lost or made
twice, and every refusal before a model loads."""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import ray

from motiondirector.agent import Director
from motiondirector.cli import main
from motiondirector.errors import BackendUnavailableError, GenerationError, GenerationInputError
from motiondirector.export.scene_folder import SceneFolder
from motiondirector.generators.backends import get_generator
from motiondirector.generators.backends.common import DiffusersBackend
from motiondirector.generators.backends.tiny import tiny_pipeline
from motiondirector.generators.base import BackendOptions, GenerationOutput, GenerationRequest
from motiondirector.generators.distributed import (
    PipelinePool,
    WorkerShape,
    check_requests,
    generate_request,
)
from motiondirector.plan.timeline import Segment, Timeline
from motiondirector.realize import RaySegmentGenerator, VideoSegmentGenerator
from motiondirector.retrieval import ClipLibrary
from tests.conftest import free_port, video_frames

SCRIPT = "ANA: (waves) Hi, Ben.\nBEN: (shrugs) I don't know.\n"
TWO_WORKERS = WorkerShape(count=2, gpus=0.0, cpus=1.0)
CLUSTER_CPUS = 4


@pytest.fixture(scope="module", autouse=True)
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A local Ray cluster for this module; its session files go under the test's temporary
    folder, never the working directory, and its authentication token comes from the
    environment, so Ray writes none into the home folder. Four logical CPUs (one per worker)
    let this module's shared pool and a test's own pool of two run side by side on two cores."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
        ray.init(
            num_cpus=CLUSTER_CPUS,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            _temp_dir=str(tmp_path_factory.mktemp("ray")),
        )
        yield
        ray.shutdown()


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Wan-VACE pipeline saved in diffusers layout (workers load it by path)."""
    folder = tmp_path_factory.mktemp("models") / "wan-vace"
    tiny_pipeline("wan-vace").save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def options(model: Path) -> BackendOptions:
    return BackendOptions(model=str(model), device="cpu")


@pytest.fixture(scope="module")
def backend(options: BackendOptions) -> DiffusersBackend:
    """The same pipeline loaded in this process."""
    return get_generator("wan-vace", options)


@pytest.fixture(scope="module")
def pool(options: BackendOptions) -> Iterator[PipelinePool]:
    with PipelinePool("wan-vace", options, shape=TWO_WORKERS, retries=2) as started:
        yield started


def requests(count: int) -> list[GenerationRequest]:
    """`count` requests of two chunks each (the second conditioned on frames the first
    carries), each with its own seed."""
    rng = np.random.default_rng(7)
    poses = rng.integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    return [
        GenerationRequest(
            pose_frames=poses,
            prompt="a person waves",
            num_inference_steps=2,
            seed=seed,
            chunk_frames=5,
            overlap_frames=2,
        )
        for seed in range(count)
    ]


def generate_or_die_once(
    backend: DiffusersBackend, job: tuple[Path | None, GenerationRequest]
) -> tuple[int, GenerationOutput]:
    """A unit of work whose worker process dies the first time it meets the marker file's
    path (before making anything), as a crashed GPU worker would."""
    marker, request = job
    if marker is not None and not marker.exists():
        marker.write_text(str(os.getpid()))
        os._exit(1)
    return os.getpid(), generate_request(backend, request)


def test_workers_dying_mid_scene_lose_no_segment_and_make_the_frames_of_one_process(
    pool: PipelinePool, backend: DiffusersBackend, tmp_path: Path
) -> None:
    marker = tmp_path / "died"
    asked = requests(4)
    # Units 0 and 1 keep both workers busy; whichever finishes first takes unit 2 and dies.
    jobs = [(marker if index == 2 else None, request) for index, request in enumerate(asked)]
    made = pool.map(generate_or_die_once, jobs)
    assert marker.exists(), "no worker died"
    died = int(marker.read_text())
    assert len(made) == 4
    assert made[2][0] != died  # a restarted worker made the unit again
    for request, (_, output) in zip(asked, made, strict=True):
        # Each unit's chunks ran in order on one worker, the second on the first's frames.
        assert output.metadata["chunks"] == 2 and output.metadata["carries_frames"]
        assert output.seed == request.seed
        np.testing.assert_array_equal(output.frames, backend(request).frames)
    assert not np.array_equal(made[0][1].frames, made[1][1].frames)  # seeds tell units apart


def test_a_worker_that_stays_dead_is_an_error_naming_the_unit(
    options: BackendOptions, tmp_path: Path
) -> None:
    jobs = [(tmp_path / "died", requests(1)[0])]
    shape = WorkerShape(count=1, gpus=0.0, cpus=1.0)
    with (
        PipelinePool("wan-vace", options, shape=shape, retries=0) as fragile,
        pytest.raises(GenerationError, match="worker running segment 0 of wan-vace died"),
    ):
        fragile.map(generate_or_die_once, jobs)


def test_a_bad_request_is_refused_by_the_workers_as_in_one_process(pool: PipelinePool) -> None:
    bad = requests(1)[0].model_copy(update={"chunk_frames": 8})
    with pytest.raises(GenerationInputError, match="chunk_frames: must be 4k\\+1 for wan-vace"):
        pool.run_once(check_requests, [bad])


def generate_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["generate", *args])
    return code, capsys.readouterr().err


def tiny_args(direction: Path, model: Path, out: Path) -> list[str]:
    return [
        str(direction), "--backend", "wan-vace", "--model", str(model), "--device", "cpu",
        "--size", "32x32", "--steps", "2", "--end", "1", "--chunk-frames", "9",
        "--overlap-frames", "1", "--seed", "3", "--prompt", "a person waves", "--out", str(out),
    ]  # fmt: skip


def test_generate_on_ray_writes_what_one_process_writes(
    direction: Path, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone, spread = tmp_path / "alone", tmp_path / "spread"
    code, err = generate_cli(tiny_args(direction, model, alone), capsys)
    assert code == 0, err
    ray_args = [*tiny_args(direction, model, spread), "--ray", "auto", "--ray-workers", "2"]
    code, err = generate_cli(ray_args, capsys)
    assert code == 0, err
    assert ray.is_initialized()  # the cluster it joined is left running
    names = sorted(path.name for path in alone.iterdir())
    assert names == sorted(path.name for path in spread.iterdir()) == [
        "ANA.json", "ANA.mp4", "BEN.json", "BEN.mp4",
    ]  # fmt: skip
    for stem in ("ANA", "BEN"):
        frames = video_frames(spread / f"{stem}.mp4")
        assert frames.shape == (17, 32, 32, 3)  # 0..1 s at 16 fps, two chunks
        np.testing.assert_array_equal(frames, video_frames(alone / f"{stem}.mp4"))
        records = [json.loads((folder / f"{stem}.json").read_text()) for folder in (alone, spread)]
        for record in records:
            del record["metadata"]["seconds"]
        assert records[0] == records[1] and records[0]["metadata"]["chunks"] == 2


def generated_segments(timeline: Timeline) -> list[tuple[str, Segment]]:
    return [
        (track.name, segment)
        for track in timeline.characters
        for segment in track.segments
        if segment.kind == "generated"
    ]


def test_the_directors_segments_are_generated_on_ray_as_in_one_process(
    builtin_clips: ClipLibrary, backend: DiffusersBackend, options: BackendOptions, tmp_path: Path
) -> None:
    local = VideoSegmentGenerator(backend, size=(32, 32), steps=2)
    alone = Director(library=builtin_clips, generator=local, retrieve_threshold=1.0)
    expected = alone.direct(SCRIPT, tmp_path / "alone")
    with RaySegmentGenerator("wan-vace", options, workers=2, size=(32, 32), steps=2) as generator:
        spread = Director(library=builtin_clips, generator=generator, retrieve_threshold=1.0)
        result = spread.direct(SCRIPT, tmp_path / "spread")
    made, wanted = generated_segments(result.timeline), generated_segments(expected.timeline)
    assert [(name, s.lexeme) for name, s in made] == [("ANA", "wave"), ("BEN", "shrug")]
    assert len(made) == len(wanted)
    for (_, segment), (_, reference) in zip(made, wanted, strict=True):
        source, other = Path(segment.source or ""), Path(reference.source or "")
        assert source.parent == tmp_path / "spread" / "generated" and source.name == other.name
        assert segment.model_copy(update={"source": None}) == reference.model_copy(
            update={"source": None}
        )
        np.testing.assert_array_equal(video_frames(source), video_frames(other))
    assert result.motions.keys() == expected.motions.keys()
    for name, motion in result.motions.items():
        np.testing.assert_array_equal(motion.rotations, expected.motions[name].rotations)


def test_direct_generates_its_slots_in_process_or_on_ray_alike(
    builtin_clips: ClipLibrary,
    model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MOTIONDIRECTOR_CACHE_DIR", str(builtin_clips.path.parent))
    script = tmp_path / "scene.txt"
    script.write_text(SCRIPT)
    argv = ["direct", str(script), "-q", "--retrieve-threshold", "1.0", "--generator", "wan-vace"]
    argv += ["--generator-model", str(model), "--generator-device", "cpu"]
    argv += ["--generator-size", "32x32", "--generator-steps", "2"]
    assert main([*argv, "--out", str(tmp_path / "alone")]) == 0
    assert "(1 generated, " in capsys.readouterr().out
    assert main([*argv, "--out", str(tmp_path / "spread"), "--ray", "auto"]) == 0
    timelines = [
        SceneFolder(tmp_path / name).read_timeline().characters for name in ("alone", "spread")
    ]
    made = [generated_segments(Timeline(duration=1.0, characters=t)) for t in timelines]
    assert [(name, s.lexeme) for name, s in made[0]] == [("ANA", "wave"), ("BEN", "shrug")]
    for (_, alone), (_, spread) in zip(*made, strict=True):
        assert "generated by wan-vace" in alone.provenance.reason
        assert Path(spread.source or "").name == Path(alone.source or "").name
        np.testing.assert_array_equal(
            video_frames(Path(spread.source or "")), video_frames(Path(alone.source or ""))
        )
    assert main(["direct", str(script), "-q", "--out", str(tmp_path / "x"), "--ray", "auto"]) == 1
    assert "--ray and --ray-workers need --generator BACKEND" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


# Refusals, before any model loads ----------------------------------------------------------


def test_without_ray_installed_generate_says_what_to_install(
    direction: Path,
    model: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # importing it now fails
    out = tmp_path / "o"
    code, err = generate_cli([*tiny_args(direction, model, out), "--ray", "auto"], capsys)
    assert code == 1 and "Traceback" not in err
    assert err.startswith("error: generating on a Ray cluster needs ray")
    assert "pip install 'motiondirector[scale]'" in err
    assert not out.exists()
    with pytest.raises(BackendUnavailableError, match=r"motiondirector\[scale\]"):
        RaySegmentGenerator("wan-vace")


def test_no_cluster_at_the_address_is_an_error_naming_it(
    direction: Path, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    out = tmp_path / "o"
    code, err = generate_cli([*tiny_args(direction, model, out), "--ray", address], capsys)
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"error: no Ray cluster reachable at {address}")
    assert not out.exists()
    with pytest.raises(
        BackendUnavailableError, match=f"no Ray cluster reachable at ray://{address}"
    ):
        RaySegmentGenerator("wan-vace", address=f"ray://{address}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ray", "nowhere"], "ray: a cluster address looks like HOST:PORT"),
        (["--ray-workers", "2"], "--ray-workers needs --ray"),
        (["--ray", "auto", "--ray-workers", "5"], "the Ray cluster has 4 CPU(s), one per worker"),
        (["--ray", "auto", "--device", "cuda"], "the Ray cluster has no GPU"),
    ],
)
def test_bad_ray_settings_fail_with_one_line(
    direction: Path,
    model: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "o"
    code, err = generate_cli([*tiny_args(direction, model, out), *extra], capsys)
    assert code == 1 and "Traceback" not in err
    assert err.startswith("error: ") and message in err
    assert not out.exists()
