"""The animatic's words and mouths as a reader sees them: accented names, long speeches paged
as they are spoken, short lines held long enough to read, listeners' mouths drawn closed, long
headings inside the frame, and a contact sheet for a scene of action alone."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image

from motiondirector import plan_text
from motiondirector.export.arkit import arkit_curves
from motiondirector.generators.preview import (
    ACTION_TEXT,
    FACE_SHAPES,
    LABEL,
    MIN_CAPTION_SECONDS,
    MOUTH_SHAPES,
    SPEAKER,
    _columns,
    _contact_moments,
    _Renderer,
    contact_sheet,
    subtitle_pages,
)

SIZE = (320, 180)
MOUTH = np.array((90, 20, 30))


def _subtitle_rows(renderer: _Renderer, frame: int) -> np.ndarray:
    """The bottom quarter of a frame, where the subtitles are drawn."""
    image = np.asarray(renderer.frame(frame).convert("L"))
    return image[round(SIZE[1] * 0.75) :]


def test_accented_letters_are_drawn_not_boxes() -> None:
    plan = plan_text("ZOË: Hi, René.\nRENÉ: Hello, Zoë.", format="text")
    renderer = _Renderer(plan, {}, SIZE, 30)
    glyphs = [np.asarray(renderer.small.primary.getmask(letter)) for letter in "ËÉÜ"]
    shapes = {(g.shape, g.tobytes()) for g in glyphs}
    # A font without these letters draws the same box for each of them.
    assert len(shapes) == 3
    assert all(g.any() for g in glyphs)


MONOLOGUE = (
    "MÜLLER: I have been thinking about this for a very long time. The soup is cold. The bread "
    "is stale. The coffee tastes like the bottom of a river, and the river tastes like the "
    "bottom of a shoe. And yet every single morning I come back here. Why? Because hope is a "
    "stubborn animal. So here I am again, hoping that today the soup will be warm.\n"
    "ANA: Right."
)


def test_a_long_speech_is_paged_as_it_is_spoken() -> None:
    plan = plan_text(MONOLOGUE, format="text")
    speech = plan.utterances[0]
    renderer = _Renderer(plan, {}, SIZE, 30)
    words = [(word.text, word.start) for word in speech.words]
    pages = subtitle_pages(
        speech.speaker, speech.text, words, renderer.subtitle_font, SIZE[0] * 0.9, 2
    )
    assert len(pages) > 2
    assert all(len(lines) <= 2 for _, lines in pages)
    # Every word is on a page, in order, none cut off with an ellipsis.
    prefix = f"{speech.speaker}: "
    read = " ".join(" ".join(lines).removeprefix(prefix) for _, lines in pages)
    assert read.split() == [word for word, _ in words]
    starts = [start for start, _ in pages]
    assert starts == sorted(starts) and starts[0] == speech.start
    # The screen shows the page of the word being spoken: the last words near the end.
    first = _subtitle_rows(renderer, math.ceil(speech.start * 30) + 1)
    last = _subtitle_rows(renderer, math.floor(speech.words[-1].start * 30) + 1)
    assert not np.array_equal(first, last)
    assert (last > 240).any()


def test_a_short_line_stays_up_long_enough_to_read() -> None:
    plan = plan_text(
        "ANA: Hi.\n\nBen puts his cup down on the table slowly.\n\nBEN: Oh.", format="text"
    )
    hi, oh = plan.utterances
    assert hi.end - hi.start < 0.5 and oh.start > hi.start + MIN_CAPTION_SECONDS
    renderer = _Renderer(plan, {}, SIZE, 30)
    shown = round((hi.start + 0.9 * MIN_CAPTION_SECONDS) * 30)
    assert renderer.captions[shown] == (0,)
    assert renderer.speaking[shown] == ()  # she is silent: only her words stay on screen
    assert (_subtitle_rows(renderer, shown) > 240).any()
    gone = math.ceil((hi.start + MIN_CAPTION_SECONDS) * 30) + 1
    assert renderer.captions[gone] == ()


def test_a_short_line_gives_way_to_the_next() -> None:
    plan = plan_text("ANA: One.\nBEN: Two.\nANA: Three.", format="text")
    one, two, _ = plan.utterances
    assert two.start - one.start < MIN_CAPTION_SECONDS
    renderer = _Renderer(plan, {}, SIZE, 30)
    between = math.ceil(one.end * 30) + 1
    assert between < two.start * 30
    assert renderer.captions[between] == (0,)
    assert renderer.captions[math.ceil(two.start * 30) + 1] == (1,)


SILENT = """INT. HALL - NIGHT

ANA
Hello there. I have been waiting for you all evening, and the dinner is cold.

BEN
Sorry.

ANA
You always say sorry. You said it yesterday, and the day before, and every day this week.
"""


def test_a_silent_characters_mouth_is_drawn_closed() -> None:
    plan = plan_text(SILENT, format="fountain")
    renderer = _Renderer(plan, {}, SIZE, 30)
    ben = next(f for f in renderer.figures if f.name == "BEN")
    _, idle = arkit_curves(plan, "BEN", 30)
    jaw = idle[:, _columns()["jawOpen"]]
    silent = np.ones(len(renderer.times), dtype=bool)
    for line in plan.utterances:
        if line.speaker == "BEN":
            silent &= (renderer.times < line.start - 0.3) | (renderer.times > line.end + 0.3)
    # Ben's idle jaw stirs while he is silent (the exported curves keep it) ...
    stirring = np.flatnonzero(silent & (jaw > 0.1))
    assert stirring.size
    # ... but the animatic draws his mouth shut there, as it is drawn for a still face.
    columns = [FACE_SHAPES.index(shape) for shape in MOUTH_SHAPES]
    assert all(np.all(ben.face(int(frame))[columns] < 0.05) for frame in stirring)
    frame = int(stirring[len(stirring) // 2])
    image = np.asarray(renderer.frame(frame).convert("RGB")).astype(np.int16)
    x, y = ben.window().head[frame]
    r = ben.head_radius
    mouth = image[round(y + 0.2 * r) : round(y + 1.1 * r), round(x - 0.5 * r) : round(x + 0.5 * r)]
    assert not (np.abs(mouth - MOUTH).sum(axis=2) < 40).any()


LONG_HEADING = (
    "INT. EMPTY WAREHOUSE ON THE OUTSKIRTS OF A VERY LARGE AND RAINY CITY, LATE AT NIGHT - "
    "CONTINUOUS\n\nMARY enters and sits down. She is furious.\n\nA DOG barks.\n"
)


def test_a_long_heading_stays_inside_the_frame() -> None:
    plan = plan_text(LONG_HEADING, format="fountain")
    renderer = _Renderer(plan, {}, SIZE, 30)
    image = np.asarray(renderer.frame(1).convert("L"))
    card = image[: SIZE[1] // 2]
    text_columns = np.flatnonzero((card > 200).any(axis=0))
    assert text_columns.size
    margin = round(SIZE[0] * 0.02)
    assert text_columns.min() >= margin and text_columns.max() < SIZE[0] - margin
    rows = np.flatnonzero((card > 200).any(axis=1))
    assert rows.max() - rows.min() > renderer.title_font.primary.size * 1.5  # two rows of text


def test_a_scene_of_action_alone_gets_a_contact_sheet(tmp_path: Path) -> None:
    plan = plan_text(LONG_HEADING, format="fountain")
    assert not plan.utterances and len(plan.actions) == 2
    out = contact_sheet(plan, {}, tmp_path / "sheet.png", columns=4, thumb=SIZE)
    sheet = np.asarray(Image.open(out).convert("RGB"))
    assert sheet.shape == (SIZE[1], 2 * SIZE[0], 3)  # no wider than its tiles
    tiles = [sheet[:, i * SIZE[0] : (i + 1) * SIZE[0]] for i in range(2)]
    assert tiles[0].any() and tiles[1].any()
    assert not np.array_equal(tiles[0], tiles[1])


def test_the_contact_sheet_shows_action_lines_between_the_lines(tmp_path: Path) -> None:
    plan = plan_text(
        "EXT. SQUARE - NOON\n\nKID\nDraw.\n\nThe kid draws. Cole draws faster.\n\n"
        "COLE\nGo home, son.\n",
        format="fountain",
    )
    moments = _contact_moments(plan)
    assert [label for label, *_ in moments] == ["KID", "action", "COLE"]
    assert moments[1][2] == "The kid draws. Cole draws faster."
    out = contact_sheet(plan, {}, tmp_path / "sheet.png", columns=4, thumb=SIZE)
    sheet = np.asarray(Image.open(out).convert("RGB"))
    assert sheet.shape[:2] == (SIZE[1], 3 * SIZE[0])
    # The action tile is captioned with its line, in its own colour, where the subtitles go.
    band = sheet[round(SIZE[1] * 0.75) :]
    tiles = [band[:, i * SIZE[0] : (i + 1) * SIZE[0]] for i in range(3)]
    action_ink = [int((tile == ACTION_TEXT).all(axis=-1).sum()) for tile in tiles]
    assert action_ink[1] > 20 and action_ink[0] == action_ink[2] == 0


def test_the_first_tile_of_each_scene_names_its_heading(tmp_path: Path) -> None:
    plan = plan_text(
        "INT. KITCHEN - NIGHT\n\nANA\nHello.\n\nBEN\nHi.\n\nEXT. GARDEN - DAY\n\nANA\nLook.\n",
        format="fountain",
    )
    out = contact_sheet(plan, {}, tmp_path / "sheet.png", columns=3, thumb=SIZE)
    sheet = np.asarray(Image.open(out).convert("RGB"))
    label = max(10, round(SIZE[1] / 14))
    # Under the speaker and time, where the heading goes: grey text on the first tile of each
    # scene only.
    band = sheet[label + 4 : 2 * label + 10]
    tiles = [band[:, i * SIZE[0] : (i + 1) * SIZE[0]] for i in range(3)]
    heading_ink = [int((tile == LABEL).all(axis=-1).sum()) for tile in tiles]
    assert heading_ink[0] > 20 and heading_ink[2] > 20 and heading_ink[1] == 0


def test_lines_spoken_together_share_one_tile() -> None:
    plan = plan_text(
        "INT. PORCH - DAY\n\nSTEEL\nScrew retirement.\n\nBRICK ^\nScrew retirement.\n\n"
        "STEEL\nTo the car.\n",
        format="fountain",
    )
    assert plan.utterances[0].start == plan.utterances[1].start
    assert [label for label, *_ in _contact_moments(plan)] == ["STEEL, BRICK", "STEEL"]


def test_names_that_share_a_first_word_stay_apart() -> None:
    names = ["CHALF", "NAR", "YOR", "PATRON ONE", "PATRON TWO", "PATRON FIVE", "THE DRAGON"]
    plan = plan_text("\n".join(f"{name}: Shh." for name in names), format="text")
    renderer = _Renderer(plan, {}, SIZE, 30)
    labels = [renderer._label(figure.name) for figure in renderer.figures]
    assert len(set(labels)) == len(names)
    room = 0.9 * 1.9 * renderer.scale
    for label in labels:
        assert all(renderer.small.getlength(row) <= room for row in label.split("\n"))
    assert labels[names.index("PATRON ONE")].endswith("ONE")


VOICES = """INT. ATTIC - NIGHT

ANA climbs the ladder.

NARRATOR (V.O.)
She had not been up here in twenty years.

ANA
Dusty.

ANA (V.O.)
I remember this box.
"""


def test_a_voice_over_is_heard_not_seen() -> None:
    plan = plan_text(VOICES, format="fountain")
    narration, said, thought = plan.utterances
    assert narration.voice_over and thought.voice_over and not said.voice_over
    renderer = _Renderer(plan, {}, SIZE, 30)
    # The narrator is on stage nowhere and only heard: no figure stands for it.
    assert [figure.name for figure in renderer.figures] == ["ANA"]
    middle = round((narration.start + narration.end) / 2 * 30)
    assert renderer._wrap(0, 2, narration.start)[0].startswith("NARRATOR (V.O.): ")
    # Ana's own voice-over does not light her up as if she spoke on screen; her line does.
    thinking = round((thought.start + thought.end) / 2 * 30)
    saying = round((said.start + said.end) / 2 * 30)
    assert renderer._wrap(2, 2, thought.start)[0].startswith("ANA (V.O.): ")
    assert _speaker_pixels(renderer, thinking, "ANA") == 0
    assert _speaker_pixels(renderer, middle, "ANA") == 0
    assert _speaker_pixels(renderer, saying, "ANA") > 0


def _speaker_pixels(renderer: _Renderer, frame: int, name: str) -> int:
    """Pixels of the speaker colour around `name`'s label."""
    figure = next(f for f in renderer.figures if f.name == name)
    x, y = figure.window(frame, frame + 1).label_at[0]
    pixels = np.asarray(renderer.frame(frame).convert("RGB")).astype(np.int16)
    band = pixels[round(y) : round(y) + 24, max(round(x) - 40, 0) : round(x) + 40]
    return int((np.abs(band - np.array(SPEAKER)).sum(axis=2) < 30).sum())


CHINESE = "你知道火车站在哪里吗？我找了一整个上午，现在真的非常非常累了，我只想坐下来喝一杯热茶。"


def test_chinese_wraps_between_characters_without_spaces() -> None:
    from motiondirector.generators.preview import _wrap_text
    from motiondirector.generators.typeface import Typeface, default_font_file

    font = Typeface.of([path for path in [default_font_file()] if path], 14)
    rows = _wrap_text(f"李明: {CHINESE}", font, 200, None)
    # One row of 40 characters ran 100 px past the frame: a line without spaces never broke.
    assert len(rows) > 1
    assert all(font.getlength(row) <= 200 for row in rows)
    assert "".join(rows) == f"李明: {CHINESE}"  # broken between characters, no space added
    assert _wrap_text("A short line", font, 200, None) == ["A short line"]


def test_the_preview_font_draws_what_it_can_and_names_the_rest() -> None:
    from motiondirector.generators.preview import preview_fonts
    from motiondirector.generators.typeface import characters_of

    english = plan_text("ZOË: Hi, René.\nRENÉ: Hello, Zoë.", format="text")
    assert preview_fonts(english)[1] == ()
    plan = plan_text(f"李明: {CHINESE}\nZOË: No idea. \U00013000\n", format="text")
    files, missing = preview_fonts(plan)
    assert files
    drawn = set().union(*(characters_of(file) for file in files))
    needed = set(f"李明{CHINESE}ZOË:Noidea.\U00013000") - {" "}
    # Every character is either in one of the fonts or named as missing, never both.
    assert {c for c in needed if ord(c) not in drawn} == set(missing)
    assert "\U00013000" in missing or ord("\U00013000") in drawn


def test_a_right_to_left_name_keeps_the_time_after_it_on_the_contact_sheet(
    tmp_path: Path,
) -> None:
    from PIL import ImageDraw

    from motiondirector.generators.preview import preview_fonts
    from motiondirector.generators.typeface import font

    plan = plan_text("أحمد: مرحبا، كيف حالك اليوم؟\nليلى: بخير، شكرا لك.\n", format="text")
    sheet = contact_sheet(plan, {}, tmp_path / "sheet.png", columns=2)
    drawn_with = font(round(180 / 14), preview_fonts(plan)[0][0])
    name = plan.utterances[0].speaker
    alone = Image.new("RGB", (320, 40))
    ImageDraw.Draw(alone).text((4, 4), name, fill=SPEAKER, font=drawn_with)
    span = round(4 + drawn_with.getlength(name))

    def yellow(image: Image.Image) -> np.ndarray:
        pixels = np.asarray(image.convert("RGB"))[:24, :span].astype(np.int16)
        return (np.abs(pixels - np.array(SPEAKER)).sum(axis=2) < 60).any(axis=0)

    # As one string the name turned the label around: "s 1.4" stood where the name begins.
    with Image.open(sheet) as image:
        assert np.array_equal(yellow(image.crop((0, 0, 320, 40))), yellow(alone))
