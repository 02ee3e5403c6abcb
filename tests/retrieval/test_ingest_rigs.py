"""Ingest BVH folders of other rigs: a Mixamo export folder found by its joint names or named
with `rig` / `index build --rig`, a user's own map by path, and files a map does not fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from motiondirector.cli import main
from motiondirector.cli.parser import build_parser
from motiondirector.embedding import SentenceEmbedder
from motiondirector.motion.bvh import parse_bvh
from motiondirector.motion.retargeting import SHIPPED_RIGS, load_rig_map, retarget
from motiondirector.realize import plan_text, realize_plan
from motiondirector.retrieval.ingest import ingest, ingest_bvh_folder, motion_features
from motiondirector.retrieval.store import ClipLibrary
from tests.motion.test_retarget_mixamo import mixamo_bvh_text


@pytest.fixture
def mixamo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixamo"
    (folder / "arms").mkdir(parents=True)
    (folder / "arms" / "Raise Arm.bvh").write_text(mixamo_bvh_text(left_arm_z=90.0, frames=6))
    (folder / "Walking.bvh").write_text(mixamo_bvh_text("", frames=6, stride_cm=3.0))
    return folder


def test_a_mixamo_folder_indexes_with_its_map_found_or_named(mixamo_folder: Path) -> None:
    found = ingest_bvh_folder(mixamo_folder)
    named = ingest_bvh_folder(mixamo_folder, rig="mixamo")
    assert not found.skipped and not named.skipped
    assert [r.id for r in named.records] == ["mixamo/Walking", "mixamo/arms/Raise Arm"]
    assert [r.features for r in found.records] == [r.features for r in named.records]
    raised = named.records[1]
    assert raised.duration == pytest.approx(5 / 30)
    assert raised.features is not None and raised.features.first_pose is not None
    # joint positions relative to the pelvis' ground point: the left wrist (joint 20) is high
    wrist_height = raised.features.first_pose[20 * 3 + 1]
    head_height = raised.features.first_pose[15 * 3 + 1]
    assert wrist_height > head_height


def test_a_map_that_does_not_fit_skips_each_file_with_why(mixamo_folder: Path) -> None:
    result = ingest_bvh_folder(mixamo_folder, rig="bandai")
    assert not result.records
    assert len(result.skipped) == 2
    reasons = {Path(s.file).name: s.reason for s in result.skipped}
    # the prefixed names share nothing with the map; the bare ones share a few (Hips, Spine)
    assert "rig map 'bandai' drives none of this file's joints" in reasons["Raise Arm.bvh"]
    assert "rig map 'bandai' finds only 4 of its 21 joints" in reasons["Walking.bvh"]
    assert "--rig NAME|PATH" in reasons["Walking.bvh"]


def test_a_user_map_by_path_drives_a_renamed_rig(mixamo_folder: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed"
    renamed.mkdir()

    def studio(name: str) -> str:
        return name.replace("Hips", "Pelvis_J").replace("Left", "L_").replace("Right", "R_")

    text = studio(mixamo_bvh_text(""))
    (renamed / "take.bvh").write_text(text)
    # no shipped map fits: the file is skipped, and the reason names the option
    unknown = ingest_bvh_folder(renamed)
    assert not unknown.records and "--rig NAME|PATH" in unknown.skipped[0].reason
    mixamo = load_rig_map("mixamo").joints
    lines = ["name: studio", "scale: 0.01", "ground: true", "joints:"] + [
        f"  {studio(k)}: {v or 'null'}" for k, v in mixamo.items()
    ]
    rig = tmp_path / "studio.yaml"
    rig.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest([str(renamed)], rig=rig)
    assert not result.skipped and [r.id for r in result.records] == ["renamed/take"]
    # the same motion as the Mixamo file it was renamed from
    original = retarget(parse_bvh(mixamo_bvh_text(""))).motion
    assert result.records[0].features == motion_features(original)


def test_index_build_takes_a_rig(
    mixamo_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    args = ["index", "build", str(mixamo_folder), "--rig", "mixamo", "--out", str(library), "-q"]
    assert main(args) == 0
    assert "indexed 2 clips" in capsys.readouterr().out
    bad = ["index", "build", str(mixamo_folder), "--rig", "nonesuch", "--out", str(tmp_path / "x")]
    assert main([*bad, "-q"]) == 1
    assert "shipped maps are bandai, canonical, cmu, mixamo" in capsys.readouterr().err


def test_the_rig_help_names_every_shipped_map(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["index", "build", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--rig NAME|PATH" in help_text
    assert all(name in help_text for name in SHIPPED_RIGS)


def test_an_indexed_mixamo_clip_loads_again_for_assembly(mixamo_folder: Path) -> None:
    from motiondirector.motion.assemble import MotionSourceCache

    record = ingest_bvh_folder(mixamo_folder, rig="mixamo").records[1]
    motion = MotionSourceCache()(record.source.file)
    assert motion.duration == pytest.approx(record.duration)
    assert motion_features(motion) == record.features


def test_a_user_map_is_remembered_from_the_index_to_the_assembly(
    tmp_path: Path, embedder: SentenceEmbedder
) -> None:
    from motiondirector.errors import AssemblyError
    from motiondirector.motion.assemble import assemble_character
    from motiondirector.plan.timeline import CharacterTimeline, Provenance, Segment
    from motiondirector.retrieval.records import ClipRecord

    folder = tmp_path / "studio"
    folder.mkdir()
    text = mixamo_bvh_text("studio_", left_arm_z=90.0, frames=6)
    (folder / "raise.bvh").write_text(text)
    lines = ["name: studio", "prefix: 'studio_'", "scale: 0.01", "ground: true", "joints:"]
    lines += [f"  {k}: {v or 'null'}" for k, v in load_rig_map("mixamo").joints.items()]
    rig = tmp_path / "maps" / "studio.yaml"
    rig.parent.mkdir()
    rig.write_text("\n".join(lines) + "\n", encoding="utf-8")

    (record,) = ingest([str(folder)], rig=rig).records
    assert record.source.rig == str(rig.resolve())
    assert ClipRecord.model_validate_json(record.to_json()) == record
    named = ingest_bvh_folder(folder.parent / "studio", rig="mixamo")
    assert named.skipped  # the shipped map does not fit the renamed joints

    def track(rig_name: str | None) -> CharacterTimeline:
        segment = Segment(
            kind="clip",
            source=record.source.file,
            rig=rig_name,
            source_in=0.0,
            source_out=record.duration,
            target_in=0.0,
            target_out=record.duration,
            provenance=Provenance(reason="test"),
        )
        return CharacterTimeline(name="ANA", segments=(segment,))

    motion = assemble_character(track(record.source.rig), record.duration)
    assert motion_features(motion).first_pose == record.features.first_pose  # type: ignore[union-attr]
    with pytest.raises(AssemblyError, match="unknown rig"):
        assemble_character(track(None), record.duration)
    # a segment without a rig writes no rig field: timelines of other clips are unchanged
    assert '"rig"' not in track(None).model_dump_json()

    # Through a library and the one way from a plan to motion: the clip's segments name the map.
    library = ClipLibrary.create(tmp_path / "lib", (record,), embedder=embedder)
    realization = realize_plan(
        plan_text("ANA: (raises her arm) Hello there."), library, threshold=0
    )
    used = [s for t in realization.timeline.characters for s in t.segments if s.kind == "clip"]
    assert used and all(s.rig == record.source.rig for s in used)
