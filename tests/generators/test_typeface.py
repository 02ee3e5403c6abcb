"""Text drawn with several fonts (`generators.typeface`): a line whose scripts no one font
covers is drawn as the one font with every glyph would draw it, and the preview picks a font
for each script it writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from motiondirector import plan_text
from motiondirector.generators import typeface
from motiondirector.generators.preview import _Renderer, preview_fonts
from motiondirector.generators.typeface import Typeface, default_font_file, font_files

MIXED = "ANNA: Γειά σου, Νίκο! Καλημέρα."
GREEK = range(0x370, 0x400)


def _subset(source: str, out: Path, code_points: range) -> str:
    from fontTools import subset

    options = subset.Options()
    options.notdef_outline = True
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=list(code_points))
    subsetter.subset(font)
    subset.save_font(font, str(out), options)
    font.close()
    return str(out)


@pytest.fixture(scope="module")
def split_fonts(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """(DejaVu Sans, its Latin letters alone, its Greek letters alone without a space): two
    fonts that each lack the other's script, as Noto's fonts of one script each do."""
    whole = default_font_file()
    assert whole is not None, "matplotlib, a dependency, ships DejaVu Sans"
    folder = tmp_path_factory.mktemp("fonts")
    latin = _subset(whole, folder / "latin.ttf", range(0x20, 0x250))
    greek = _subset(whole, folder / "greek.ttf", GREEK)
    return whole, latin, greek


def _drawn(face: Typeface, how: str, *args: object, **kwargs: object) -> np.ndarray:
    image = Image.new("RGB", (520, 130))
    getattr(face, how)(ImageDraw.Draw(image), *args, **kwargs)
    return np.asarray(image)


@pytest.mark.parametrize("anchor", ["la", "ls", "lt", "lm", "ld", "ma", "mt", "mm", "ms", "rs"])
@pytest.mark.parametrize("stroke", [0, 2])
def test_a_line_split_across_fonts_is_drawn_as_one_font_with_every_glyph_draws_it(
    split_fonts: tuple[str, str, str], anchor: str, stroke: int
) -> None:
    whole, latin, greek = split_fonts
    one, two = Typeface.of([whole], 24), Typeface.of([latin, greek], 24)
    assert len(two.runs(MIXED)) > 1 and one.single(MIXED) is not None
    kwargs = {"fill": (255, 255, 255), "anchor": anchor, "stroke_width": stroke}
    expected = _drawn(one, "text", (260, 60), MIXED, stroke_fill=(0, 0, 0), **kwargs)
    assert expected.any()
    assert np.array_equal(
        _drawn(two, "text", (260, 60), MIXED, stroke_fill=(0, 0, 0), **kwargs), expected
    )
    assert two.getlength(MIXED) == pytest.approx(one.getlength(MIXED))


@pytest.mark.parametrize("anchor", ["ma", "mm", "la"])
def test_rows_split_across_fonts_are_laid_out_as_pillow_lays_out_one_font(
    split_fonts: tuple[str, str, str], anchor: str
) -> None:
    whole, latin, greek = split_fonts
    one, two = Typeface.of([whole], 20), Typeface.of([latin, greek], 20)
    text = "ANNA\nΓειά σου ANNA\nΝίκο"
    kwargs = {"anchor": anchor, "align": "center"}
    expected = _drawn(one, "multiline_text", (260, 65), text, fill=(255, 214, 64), **kwargs)
    assert np.array_equal(
        _drawn(two, "multiline_text", (260, 65), text, fill=(255, 214, 64), **kwargs), expected
    )
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    box = two.multiline_textbbox(probe, (260, 65), text, **kwargs)
    assert np.allclose(box, one.multiline_textbbox(probe, (260, 65), text, **kwargs), atol=1)


def test_marks_stay_with_their_letter_and_spaces_go_where_a_font_has_them(
    split_fonts: tuple[str, str, str],
) -> None:
    _, latin, greek = split_fonts
    face = Typeface.of([latin, greek], 16)
    parts = [part for _, part in face.runs("Zoe\u0301 Γει\u0301α \U00013000!")]
    # The combining acute rides on its letter in either font; the Greek font has no space,
    # so the spaces are the Latin font's; a hieroglyph no font has stays in the run it is in.
    assert parts == ["Zoe\u0301 ", "Γει\u0301α", " \U00013000!"]
    assert "".join(parts) == "Zoe\u0301 Γει\u0301α \U00013000!"
    assert face.runs("") == () and face.single("") is face.primary


def test_font_files_add_a_font_for_each_script_the_first_lacks(
    split_fonts: tuple[str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, latin, greek = split_fonts
    asked: list[str] = []

    def found_for(char: str) -> str | None:
        asked.append(char)
        return greek if ord(char) in GREEK else None

    monkeypatch.setattr(typeface, "default_font_file", lambda: latin)
    monkeypatch.setattr(typeface, "system_font_for", found_for)
    assert font_files("ANNA: Hi.") == ((latin,), ())
    assert asked == []
    files, missing = font_files(f"{MIXED} \U00013000\U00013001")
    assert files == (latin, greek) and missing == ("\U00013000", "\U00013001")
    # One lookup for the Greek font, one for the block of hieroglyphs no font has.
    assert [char for char in asked if ord(char) in GREEK] == ["Γ"]
    assert [char for char in asked if ord(char) not in GREEK] == ["\U00013000"]


def test_the_preview_draws_a_scene_in_two_scripts_with_a_font_for_each(
    split_fonts: tuple[str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, latin, greek = split_fonts
    plan = plan_text(
        "INT. ΑΘΗΝΑ - DAY\n\nANNA\nΓειά σου, Νίκο!\n\nΝΙΚΟΣ\nHello Anna. Καλημέρα.\n",
        format="fountain",
    )
    size = (320, 180)
    frames = [1, round(plan.utterances[0].start * 30) + 5, round(plan.utterances[1].start * 30) + 5]
    expected = [np.asarray(_Renderer(plan, {}, size, 30).frame(i)) for i in frames]
    assert preview_fonts(plan) == ((whole,), ())
    # Fonts of one script each, as a machine with Noto's fonts has them: the frames are drawn
    # as DejaVu Sans, which has both scripts, draws them; one font of the two drew boxes.
    monkeypatch.setattr(typeface, "default_font_file", lambda: latin)
    monkeypatch.setattr(typeface, "system_font_for", lambda c: greek if ord(c) in GREEK else None)
    assert preview_fonts(plan) == ((latin, greek), ())
    renderer = _Renderer(plan, {}, size, 30)
    for index, frame in zip(frames, expected, strict=True):
        # Equal but where the outlines of two runs meet: one string's outline is one mask,
        # two runs' are blended one after the other (a level or two at an anti-aliased edge).
        difference = np.abs(np.asarray(renderer.frame(index)).astype(int) - frame)
        assert difference.max() <= 4 and np.count_nonzero(difference) <= 6, index
