"""The fonts the preview writes with, and text drawn with several of them at once.

Pillow draws a string in one font, and no one font draws every script: DejaVu Sans (which
matplotlib, a dependency, ships) has Latin, Greek, Cyrillic, Arabic and Hebrew; Noto Sans
Devanagari has no Latin letter. So a Hindi line under a Latin name, or a Latin heading over a
Thai scene, would show boxes for one of them. `font_files` picks DejaVu Sans and, for each
character it lacks, a font of this machine that has it (through fontconfig); a `Typeface`
draws each character with the first of them that has it, in runs of one font laid on one
baseline. Text one font draws whole is drawn by Pillow directly, exactly as before.

A run keeps the order it is written in: within a run of one font a right-to-left script is
turned around (by Pillow's Raqm layout), but a right-to-left line whose characters need two
fonts reads its runs left to right.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Ink = tuple[int, int, int]
Box = tuple[float, float, float, float]

LINE_SPACING = 4
"""Pixels between the rows of multiline text: Pillow's default, so one-font text keeps its
layout."""

_RUNS_KEPT = 4096  # laid-out strings remembered per typeface (subtitles repeat every frame)


@cache
def default_font_file() -> str | None:
    """DejaVu Sans, which matplotlib ships (Pillow's own default font has only ASCII, so "ZOË"
    would show boxes); found without importing matplotlib. None where it is not installed."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return str(path) if path.is_file() else None


@cache
def characters_of(path: str) -> frozenset[int]:
    """The code points the font file at `path` (its first face) has glyphs for."""
    from fontTools.ttLib import TTFont, TTLibError  # matplotlib's dependency

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap() or ())
    except (OSError, TTLibError):
        return frozenset()


@cache
def system_font_for(char: str) -> str | None:
    """A font file of this machine with a glyph for `char`, by fontconfig, when it has one."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "-f", "%{file}", f":charset={ord(char):x}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found if found and ord(char) in characters_of(found) else None


@cache
def font(size: int, path: str | None = None) -> Font:
    """The font file at `path` (default: `default_font_file`) at `size` pixels; Pillow's
    built-in font where that cannot be loaded."""
    path = path or default_font_file()
    if path is not None:
        try:
            return ImageFont.truetype(path, max(size, 8))
        except OSError:
            pass
    return ImageFont.load_default(size=max(size, 8))


@cache
def _scalable(path: str) -> bool:
    """Whether FreeType draws the file at any size (a colour-bitmap emoji font does not)."""
    try:
        ImageFont.truetype(path, 12)
    except OSError:
        return False
    return True


def font_files(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The font files that write `text`, DejaVu Sans first, then a font of this machine for
    each character the files before it lack; and the characters none of them has (drawn as
    boxes), in code point order. ((), ()) where DejaVu Sans is not installed."""
    base = default_font_file()
    if base is None:
        return (), ()
    files = [base]
    missing = []
    unfound: set[int] = set()  # 256-character blocks where fontconfig found nothing
    for char in sorted({char for char in text if char.isprintable() and not char.isspace()}):
        if any(ord(char) in characters_of(file) for file in files):
            continue
        # Asked once per block where nothing was found: a CJK scene on a machine without a CJK
        # font has hundreds of characters no font draws, and each question takes a process.
        found = None if ord(char) >> 8 in unfound else system_font_for(char)
        if found is not None and _scalable(found):
            files.append(found)
        else:
            unfound.add(ord(char) >> 8)
            missing.append(char)
    return tuple(files), tuple(missing)


def _rides_along(char: str) -> bool:
    """Marks and joiners: drawn in the font of the run they stand in whether it has them or
    not, so that a vowel sign stays on its consonant."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf")


class Typeface:
    """Fonts at one size, each character drawn in the first that has it (the first font for a
    character none has). Draws, measures and boxes text like Pillow's calls of the same names
    for the anchors and alignments the preview uses."""

    def __init__(self, fonts: Sequence[Font], coverage: Sequence[frozenset[int] | None]) -> None:
        if not fonts or len(fonts) != len(coverage):
            raise ValueError("a typeface needs at least one font and the coverage of each")
        self.fonts = tuple(fonts)
        self._coverage = tuple(coverage)  # None: the font stands for any character
        self._runs: dict[str, tuple[tuple[Font, str], ...]] = {}

    @classmethod
    def of(cls, files: Sequence[str], size: int) -> Typeface:
        """The typeface of the font `files` (as `font_files` gives them) at `size` pixels;
        Pillow's built-in font alone where there are none."""
        if not files:
            return cls([font(size)], [None])
        return cls([font(size, file) for file in files], [characters_of(file) for file in files])

    @property
    def primary(self) -> Font:
        return self.fonts[0]

    def _has(self, index: int, char: str) -> bool:
        coverage = self._coverage[index]
        return coverage is None or ord(char) in coverage

    def runs(self, text: str) -> tuple[tuple[Font, str], ...]:
        """`text` cut where the font that draws it changes, as (font, part) in written order."""
        found = self._runs.get(text)
        if found is not None:
            return found
        runs: list[tuple[int, str]] = []
        for char in text:
            current = runs[-1][0] if runs else None
            if current is not None and (_rides_along(char) or self._has(current, char)):
                runs[-1] = (current, runs[-1][1] + char)
                continue
            index = next((i for i in range(len(self.fonts)) if self._has(i, char)), current or 0)
            if index == current:
                runs[-1] = (current, runs[-1][1] + char)
            else:
                runs.append((index, char))
        laid = tuple((self.fonts[index], part) for index, part in runs)
        if len(self._runs) >= _RUNS_KEPT:
            self._runs.clear()
        self._runs[text] = laid
        return laid

    def single(self, text: str) -> Font | None:
        """The one font that draws all of `text`, if one does."""
        runs = self.runs(text)
        return runs[0][0] if len(runs) == 1 else (self.primary if not runs else None)

    def getlength(self, text: str) -> float:
        """The advance of `text` in pixels, as `FreeTypeFont.getlength`."""
        return sum(font.getlength(part) for font, part in self.runs(text))

    def _line_spacing(self, stroke_width: float) -> float:
        return self.primary.getbbox("A", stroke_width=stroke_width)[3] + stroke_width + LINE_SPACING

    def _baseline(self, runs: Sequence[tuple[Font, str]], y: float, vertical: str) -> float:
        """The baseline of one row of `runs` whose `vertical` anchor (Pillow's a, t, m, s, b,
        d) is at `y`: ascender and descender are the tallest of the fonts drawing it."""
        metrics = [_metrics(font) for font, _ in runs]
        ascent = max(a for a, _ in metrics)
        descent = max(d for _, d in metrics)
        if vertical == "a":
            return y + ascent
        if vertical == "m":
            return y + _whole_pixels((ascent - descent) / 2)
        if vertical == "d":
            return y - descent
        if vertical in "tb":
            boxes = [font.getbbox(part, anchor="ls") for font, part in runs]
            return (
                y - min(box[1] for box in boxes)
                if vertical == "t"
                else y - max(b[3] for b in boxes)
            )
        return y

    def _placed(
        self, xy: tuple[float, float], text: str, anchor: str
    ) -> list[tuple[tuple[float, float], Font, str]]:
        """Where each run of one row goes: (its left end on the baseline, font, part)."""
        runs = self.runs(text)
        width = sum(font.getlength(part) for font, part in runs)
        left = xy[0] - _whole_pixels({"l": 0.0, "m": width / 2, "r": width}[anchor[0]])
        baseline = self._baseline(runs, xy[1], anchor[1])
        placed = []
        for font, part in runs:
            placed.append(((left, baseline), font, part))
            left += font.getlength(part)
        return placed

    def text(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        *,
        fill: Ink,
        anchor: str = "la",
        stroke_width: float = 0,
        stroke_fill: Ink | None = None,
    ) -> None:
        """One row of `text`, as `ImageDraw.text`."""
        one = self.single(text)
        if one is not None:
            draw.text(
                xy, text, fill=fill, font=one, anchor=anchor, stroke_width=stroke_width,
                stroke_fill=stroke_fill,
            )  # fmt: skip
            return
        placed = self._placed(xy, text, anchor)
        # Every run's outline before any run's letters, as Pillow draws one string: drawn run by
        # run, a comma's outline would cover the edge of the letter before it.
        if stroke_width and stroke_fill is not None:
            for at, font, part in placed:
                draw.text(
                    at, part, fill=stroke_fill, font=font, anchor="ls", stroke_width=stroke_width
                )
        for at, font, part in placed:
            draw.text(at, part, fill=fill, font=font, anchor="ls")

    def _rows(
        self, xy: tuple[float, float], text: str, anchor: str, align: str
    ) -> list[tuple[tuple[float, float], str]]:
        """Where each row of multiline `text` is anchored, laid out as Pillow does."""
        lines = text.split("\n")
        if len(lines) == 1:
            return [(xy, text)]
        spacing = self._line_spacing(0)
        widths = [self.getlength(line) for line in lines]
        widest = max(widths)
        top = xy[1] - {"m": (len(lines) - 1) * spacing / 2, "d": (len(lines) - 1) * spacing}.get(
            anchor[1], 0.0
        )
        rows = []
        for line, width in zip(lines, widths, strict=True):
            slack = widest - width
            left = xy[0] + {"center": slack / 2, "right": slack}.get(align, 0.0)
            left -= {"m": slack / 2, "r": slack}.get(anchor[0], 0.0)
            rows.append(((left, top), line))
            top += spacing
        return rows

    def multiline_text(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        *,
        fill: Ink,
        anchor: str = "la",
        align: str = "left",
    ) -> None:
        """Rows of `text` split at newlines, as `ImageDraw.multiline_text`."""
        one = self.single(text)
        if one is not None:
            draw.multiline_text(xy, text, fill=fill, font=one, anchor=anchor, align=align)
            return
        for at, line in self._rows(xy, text, anchor, align):
            self.text(draw, at, line, fill=fill, anchor=anchor)

    def multiline_textbbox(
        self,
        draw: ImageDraw.ImageDraw,
        xy: tuple[float, float],
        text: str,
        *,
        anchor: str = "la",
        align: str = "left",
    ) -> Box:
        """The box `multiline_text` fills, as `ImageDraw.multiline_textbbox`."""
        one = self.single(text)
        if one is not None:
            return draw.multiline_textbbox(xy, text, font=one, anchor=anchor, align=align)
        boxes = [
            draw.textbbox(at, part, font=font, anchor="ls")
            for row_xy, line in self._rows(xy, text, anchor, align)
            for at, font, part in self._placed(row_xy, line, anchor)
        ]
        return (
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        )


def _whole_pixels(offset: float) -> float:
    """`offset` rounded half up to a whole pixel, as FreeType anchors text in Pillow."""
    return math.floor(offset + 0.5)


@cache
def _metrics(font: Font) -> tuple[float, float]:
    """(ascent, descent) in pixels, both positive."""
    if isinstance(font, ImageFont.FreeTypeFont):
        return font.getmetrics()
    return float(font.getbbox("A")[3]), 0.0
