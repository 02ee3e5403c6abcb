from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

import motiondirector.export as export
from motiondirector.errors import MotionDirectorError
from motiondirector.export import EXPORT_FORMATS, ExportError, export_plan, write_exports
from motiondirector.export.files import character_file_stems, is_safe_file_name
from motiondirector.plan.motion_plan import MotionPlan


def test_public_surface() -> None:
    assert EXPORT_FORMATS == (
        "json", "bml", "arkit-csv", "arkit-json", "live-link-face", "visemes", "vtt", "srt"
    )  # fmt: skip
    assert export.__all__ == sorted(export.__all__)
    assert issubclass(ExportError, MotionDirectorError)


def test_json_export_is_the_plan(plan: MotionPlan) -> None:
    text = export_plan(plan, "json")
    assert text == plan.to_json()
    assert MotionPlan.model_validate_json(text) == plan


def test_unknown_format_lists_the_formats(plan: MotionPlan) -> None:
    with pytest.raises(MotionDirectorError) as caught:
        export_plan(plan, "fbx")
    assert "'fbx'" in str(caught.value)
    assert all(f in str(caught.value) for f in EXPORT_FORMATS)


def test_character_choice_errors(plan: MotionPlan) -> None:
    for format in ("arkit-csv", "live-link-face", "visemes"):
        with pytest.raises(ExportError, match="pick one of: 'ANA', 'BEN'"):
            export_plan(plan, format)
    with pytest.raises(ExportError, match="no character 'CARL'"):
        export_plan(plan, "vtt", character="CARL")
    with pytest.raises(ExportError, match="whole plan"):
        export_plan(plan, "json", character="ANA")
    with pytest.raises(ExportError, match="30, 60"):
        export_plan(plan, "arkit-json", character="ANA", fps=24)


def test_a_single_character_needs_no_name(plan: MotionPlan) -> None:
    solo = plan.model_copy(
        update={"characters": plan.characters[:1], "utterances": plan.utterances[:1]}
    )
    assert export_plan(solo, "arkit-csv") == export_plan(solo, "arkit-csv", character="ANA")


def test_write_exports_writes_every_format(plan: MotionPlan, tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    paths = write_exports(plan, out, EXPORT_FORMATS, fps=60)
    assert [p.name for p in paths] == [
        "plan.json", "plan.bml.xml", "ANA.arkit.csv", "BEN.arkit.csv", "ANA.arkit.json",
        "BEN.arkit.json", "ANA.livelinkface.csv", "BEN.livelinkface.csv", "ANA.visemes.json",
        "BEN.visemes.json", "plan.vtt", "plan.srt",
    ]  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    assert (out / "plan.vtt").read_text("utf-8") == export_plan(plan, "vtt")
    assert (out / "BEN.arkit.csv").read_bytes() == export_plan(
        plan, "arkit-csv", fps=60, character="BEN"
    ).encode("utf-8")
    assert (out / "plan.json").stat().st_mode & 0o777 == 0o644
    assert (out / "ANA.livelinkface.csv").read_bytes() == export_plan(
        plan, "live-link-face", fps=60, character="ANA"
    ).encode("utf-8")


def test_no_speech_reaches_every_frame_format(plan: MotionPlan, tmp_path: Path) -> None:
    formats = ["arkit-csv", "live-link-face"]
    spoken = write_exports(plan, tmp_path / "a", formats)
    silent = write_exports(plan, tmp_path / "b", formats, speech=False)
    assert [p.name for p in spoken] == [p.name for p in silent]
    for with_speech, without in zip(spoken, silent, strict=True):
        assert with_speech.read_bytes() != without.read_bytes()
    expected = export_plan(plan, "live-link-face", character="BEN", speech=False)
    assert (tmp_path / "b" / "BEN.livelinkface.csv").read_bytes() == expected.encode("utf-8")


def test_write_exports_replaces_and_repeats_byte_identically(
    plan: MotionPlan, tmp_path: Path
) -> None:
    (tmp_path / "plan.srt").write_text("old", "utf-8")
    first = [p.read_bytes() for p in write_exports(plan, tmp_path, ["srt", "bml", "srt"])]
    second = [p.read_bytes() for p in write_exports(plan, tmp_path, ["srt", "bml"])]
    assert first == second
    assert (tmp_path / "plan.srt").read_text("utf-8").startswith("1\n")


def test_unknown_format_writes_nothing(plan: MotionPlan, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="'mp4'"):
        write_exports(plan, tmp_path / "out", ["vtt", "mp4"])
    assert not (tmp_path / "out").exists()


def test_failed_write_is_an_export_error_and_leaves_no_temp_file(
    plan: MotionPlan, tmp_path: Path
) -> None:
    (tmp_path / "plan.vtt").mkdir()  # a folder where the file should go: replace fails
    with pytest.raises(ExportError, match=r"plan\.vtt"):
        write_exports(plan, tmp_path, ["vtt"])
    assert [p.name for p in tmp_path.iterdir()] == ["plan.vtt"]
    blocked = tmp_path / "a-file"
    blocked.write_text("x", "utf-8")
    with pytest.raises(ExportError, match="output folder"):
        write_exports(plan, blocked / "sub", ["vtt"])


def test_file_names_are_safe_for_any_character_name(
    plan_named: Callable[[str, str], MotionPlan], tmp_path: Path
) -> None:
    paths = write_exports(plan_named("../ÉVE/X", "CON"), tmp_path, ["arkit-csv"])
    assert [p.name for p in paths] == ["ÉVE_X.arkit.csv", "CON_.arkit.csv"]
    assert all(p.parent == tmp_path for p in paths)
    assert character_file_stems(["Ana", "ANA", "李", "...", "a" * 300]) == {
        "Ana": "Ana",
        "ANA": "ANA-2",
        "李": "李",
        "...": "FULL_STOP_FULL_STOP_FULL_STOP",
        "a" * 300: "a" * 80,
    }


def test_file_names_keep_the_letters_of_every_script(
    plan_named: Callable[[str, str], MotionPlan], tmp_path: Path
) -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë")
    names = ["美咲", "김민준", "أحمد", "राम", "ZOË", decomposed, "Zoë", "🤖", "A\u202eB:C", "COM¹"]
    stems = character_file_stems([*names, "李" * 100])
    assert stems["美咲"] == "美咲" and stems["김민준"] == "김민준" and stems["أحمد"] == "أحمد"
    assert stems["राम"] == "राम"  # the vowel sign (a mark) stays with its letter
    # NFC, and one file per name on a case-insensitive file system.
    assert (stems["ZOË"], stems[decomposed], stems["Zoë"]) == ("ZOË", "Zoë-2", "Zoë-3")
    assert unicodedata.is_normalized("NFC", stems[decomposed])
    assert stems["🤖"] == "ROBOT_FACE"  # no "character-N": the name is spelled out
    assert stems["A\u202eB:C"] == "AB_C"  # no bidi override, no reserved character
    assert stems["COM¹"] == "COM¹_"  # a Windows device name
    assert len(stems["李" * 100].encode()) <= 120
    assert all(is_safe_file_name(f"{stem}.livelinkface.csv") for stem in stems.values())
    paths = write_exports(plan_named("美咲", "김민준"), tmp_path, ["arkit-csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["美咲.arkit.csv", "김민준.arkit.csv"]
    assert paths[0].name == "美咲.arkit.csv" and paths[0].read_text("utf-8").strip()


def test_safe_file_names_are_plain_names_of_any_script() -> None:
    assert is_safe_file_name("美咲.bvh") and is_safe_file_name("ZOË.arkit.csv")
    for bad in ("../x.bvh", "a/b.bvh", ".hidden", "a b.bvh", unicodedata.normalize("NFD", "Ë.bvh")):
        assert not is_safe_file_name(bad), bad


def test_exporting_over_an_earlier_plan_removes_characters_it_no_longer_has(
    tmp_path: Path,
) -> None:
    from motiondirector import plan_text

    three = plan_text("ANA: Hi, Ben.\nBEN: Hi, Ana.\nCARL: Hi, both.\n", format="text")
    two = plan_text("ANA: Hi, Ben.\nBEN: Hi, Ana.\n", format="text")
    write_exports(three, tmp_path, EXPORT_FORMATS)
    (tmp_path / "notes.arkit.txt").write_text("mine\n")
    written = write_exports(two, tmp_path, EXPORT_FORMATS)
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in written} | {"notes.arkit.txt"}
    assert not any(p.name.startswith("CARL") for p in tmp_path.iterdir())
    # Writing one format leaves the others' files alone.
    write_exports(three, tmp_path, ["vtt"])
    assert (tmp_path / "BEN.arkit.csv").exists()


def test_exports_into_a_file_are_refused(plan: MotionPlan, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file\n")
    with pytest.raises(ExportError, match="it is a file; name a folder"):
        write_exports(plan, taken, ["vtt"])


def test_write_exports_shows_a_bar_over_its_files_when_asked(
    plan: MotionPlan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A feature's exports take ten minutes: with progress a bar counts the files."""
    paths = write_exports(plan, tmp_path, EXPORT_FORMATS, progress=True)
    bar = capsys.readouterr().err
    assert f"{len(paths)}/{len(paths)}" in bar and "exports" in bar
    write_exports(plan, tmp_path / "quiet", EXPORT_FORMATS)
    assert capsys.readouterr().err == ""
