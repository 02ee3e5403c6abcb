"""The scene folder: saving over an earlier one leaves no file that describes another plan,
and touches nothing it does not own."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector import plan_text
from motiondirector.cli import main
from motiondirector.export.scene_folder import SceneFolder
from motiondirector.realize import direct_scene
from motiondirector.retrieval import ClipLibrary

THREE = "ANA: Hello, Ben.\nBEN: Hello, Ana.\nCARL: And hello to you both.\n"
TWO = "ANA: Hello, Ben.\nBEN: Hello, Ana.\n"


def test_saving_over_an_earlier_scene_removes_what_it_no_longer_has(
    builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    folder = SceneFolder(tmp_path)
    direct_scene(plan_text(THREE, format="text"), library=builtin_clips, out_dir=tmp_path)
    for name in ("CARL.arkit.csv", "CARL.livelinkface.csv", "ANA.arkit.json"):
        (tmp_path / name).write_text("an earlier run's face\n")
    for name in (SceneFolder.REVISION, SceneFolder.PREVIEW, SceneFolder.CONTACT_SHEET):
        folder.save_text(name, "an earlier run's\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / SceneFolder.GENERATED).mkdir()
    (tmp_path / SceneFolder.GENERATED / "ANA-ana-1.mp4").write_text("made earlier\n")

    result = direct_scene(plan_text(TWO, format="text"), library=builtin_clips, out_dir=tmp_path)

    written = {path.name for path in result.paths.values()}
    assert {"ANA.bvh", "BEN.bvh", "plan.json"} <= written
    left = {path.name for path in tmp_path.iterdir()}
    assert left == written | {"notes.txt", SceneFolder.GENERATED}
    assert (tmp_path / SceneFolder.GENERATED / "ANA-ana-1.mp4").exists()
    assert [t.name for t in folder.read_timeline().characters] == ["ANA", "BEN"]


def test_a_folder_that_is_not_a_scene_folder_keeps_every_file(
    builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    (tmp_path / "walk.bvh").write_text("a user's own motion\n")
    (tmp_path / SceneFolder.PREVIEW).write_text("a user's own video\n")
    direct_scene(plan_text(TWO, format="text"), library=builtin_clips, out_dir=tmp_path)
    assert (tmp_path / "walk.bvh").read_text() == "a user's own motion\n"
    assert (tmp_path / SceneFolder.PREVIEW).exists()


def test_an_unusable_out_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file where the folder would go\n")
    empty = tmp_path / "empty.fountain"
    empty.write_text("")  # would be refused as a script, were it read first
    cases = {
        taken: f"error: cannot write into {taken}: it is a file; name a folder",
        taken / "scene": f"error: cannot create the output folder {taken / 'scene'}: "
        f"{taken} is a file",
    }
    for out, message in cases.items():
        assert main(["direct", str(empty), "-q", "--out", str(out)]) == 1
        assert capsys.readouterr().err.strip() == message


def test_realized_faces_are_read_back_from_their_files(
    builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    from dataclasses import replace

    import numpy as np

    from motiondirector.errors import ExportError
    from motiondirector.export.arkit import frame_times
    from motiondirector.export.face_curves import FaceCurves

    result = direct_scene(plan_text(TWO, format="text"), library=builtin_clips)
    duration = result.plan.scene.duration
    times = frame_times(duration, 30)
    rng = np.random.default_rng(7)
    ana = FaceCurves(
        times,
        rng.uniform(0.0, 1.0, (times.size, 52)),
        rng.uniform(-20.0, 20.0, (times.size, 3)),
        rng.uniform(-15.0, 15.0, (times.size, 4)),
        30,
        duration,
    )
    folder = SceneFolder(tmp_path)
    folder.save(replace(result, faces={"ANA": ana}))

    back = folder.load(sources=False, faces=True).faces
    assert list(back) == ["ANA"]  # Ben has no realized face: he keeps the plan's
    assert back["ANA"].fps == 30 and back["ANA"].duration == duration
    assert np.array_equal(back["ANA"].times, times)
    assert np.allclose(back["ANA"].weights, ana.weights, rtol=0.0, atol=5.1e-5)
    assert np.allclose(back["ANA"].head, ana.head, rtol=0.0, atol=3e-4)  # 5 decimals of radians
    assert np.allclose(back["ANA"].eyes, ana.eyes, rtol=0.0, atol=3e-4)
    assert folder.load(sources=False).faces == {}

    (tmp_path / "ANA.livelinkface.csv").unlink()
    with pytest.raises(ExportError, match=r"ANA\.livelinkface\.csv is missing"):
        folder.read_faces(["ANA", "BEN"], ["ANA", "BEN"])
    (tmp_path / "ANA.arkit.json").write_text('{"format": "something else"}')
    with pytest.raises(ExportError, match="cannot read the realized face"):
        folder.read_faces(["ANA"], ["ANA", "BEN"])


def test_characters_of_any_script_get_files_named_for_them_and_old_folders_still_read(
    builtin_clips: ClipLibrary, tmp_path: Path
) -> None:
    script = "美咲: こんにちは。\nZOË: Bonjour.\nأحمد: مرحبا.\n"
    result = direct_scene(plan_text(script, format="text"), library=builtin_clips, out_dir=tmp_path)
    bvh = sorted(p.name for p in tmp_path.glob("*.bvh"))
    assert bvh == sorted(["美咲.bvh", "ZOË.bvh", "أحمد.bvh"])
    folder = SceneFolder(tmp_path)
    names = list(result.motions)
    assert set(folder.read_motions(names, names)) == set(names)
    # A folder saved when names were folded to ASCII ("character-1.bvh", "ZOE.bvh").
    for old, new in (("character-1", "美咲"), ("ZOE", "ZOË"), ("character-3", "أحمد")):
        (tmp_path / f"{new}.bvh").rename(tmp_path / f"{old}.bvh")
    paths = folder.bvh_paths(names, names)
    assert paths["ZOË"].name == "ZOE.bvh" and paths["美咲"].name == "character-1.bvh"
    assert set(folder.read_motions(names, names)) == set(names)
