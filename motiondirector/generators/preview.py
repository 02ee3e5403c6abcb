"""The animatic preview: an H.264 MP4 (and a contact sheet) of a directed scene on the CPU.

The characters on stage in the current beat stand side by side facing the camera as coloured
stick figures (a scene of many beats recasts the line-up at each heading; a seated one sits on
a drawn seat), each with a simple face whose brows, lids, mouth and jaw follow the character's
ARKit curves (its realized face when one is given, else the plan's), a name label (the speaker
highlighted), the current line as a subtitle and each beat's heading as a title card. Joint
positions and projections are computed a window of frames at a time and face curves are kept
for the frames a character is on stage, so memory stays flat however long the scene; each frame
is then only a few Pillow draw calls, so the preview renders faster than real time.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from queue import Empty, Queue

import av
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from motiondirector.errors import ExportError
from motiondirector.export.arkit import arkit_curves, check_frame_rate, frame_times
from motiondirector.export.face_curves import FaceCurves
from motiondirector.export.staging import STAGE_SPACING_M
from motiondirector.export.vtt import ends_sentence
from motiondirector.generators.openpose import Camera, project
from motiondirector.generators.typeface import Typeface, font_files
from motiondirector.motion.clip import Motion, forward_kinematics
from motiondirector.motion.skeleton import JOINT_INDEX, PARENTS
from motiondirector.plan.motion_plan import MotionPlan, PlanUtterance, PostureEvent
from motiondirector.plan.scene import stage_spans
from motiondirector.plan.vocabulary import LEAN_POSTURES, load_arkit_map
from motiondirector.speech.scripts import split_unspaced, written_span

FloatArray = npt.NDArray[np.float64]

TITLE_SECONDS = 1.5
"""How long a beat's heading stays on screen from the beat's start."""

X264_PARAMS = "rc-lookahead=0"
"""libx264 settings on top of the preset: no rate-control lookahead, so that the same frames
always give the same file (the lookahead made it depend on what else the process did)."""

MIN_CAPTION_SECONDS = 1.0
"""A line's subtitle stays at least this long, so that "Hi." can be read, unless another line
starts sooner."""

MOUTH_SHAPES = ("jawOpen", "mouthLowerDownLeft", "mouthLowerDownRight")
"""The shapes that open the drawn mouth: taken from the plan's curves without the idle layer,
whose slow jaw drift in silence would draw a listener's mouth open as if it spoke."""

SLOT_WIDTH_M = STAGE_SPACING_M  # the BVH files' row, so both stage the cast alike
HEAD_RADIUS_M = 0.14
CAMERA_DISTANCE_M = 8.0
LOOK_AT_HEIGHT_M = 0.85
CRF = 23

BACKGROUND = (28, 30, 36)
FLOOR = (60, 64, 74)
SKIN = (214, 190, 170)
INK = (30, 24, 24)
SPEAKER = (255, 214, 64)
LABEL = (170, 174, 184)
ACTION_TEXT = (200, 204, 214)
CHARACTER_COLOURS: tuple[tuple[int, int, int], ...] = (
    (86, 180, 233), (230, 159, 0), (0, 158, 115), (204, 121, 167), (240, 228, 66),
    (213, 94, 0), (0, 114, 178), (180, 180, 180),
)  # fmt: skip

_BONES: tuple[tuple[int, int], ...] = tuple(
    (parent, joint) for joint, parent in enumerate(PARENTS) if parent >= 0
)
_HEAD = JOINT_INDEX["head"]
_FEET = (JOINT_INDEX["left_foot"], JOINT_INDEX["right_foot"])
_HIPS = (JOINT_INDEX["left_hip"], JOINT_INDEX["right_hip"])
_KNEES = (JOINT_INDEX["left_knee"], JOINT_INDEX["right_knee"])

SEAT = (96, 84, 72)
SEAT_TOP = (132, 118, 100)
SEAT_HALF_WIDTH_M = 0.22
SEAT_BEHIND_M = 0.22  # how far the seat reaches behind the pelvis
SEAT_AHEAD_M = 0.14  # and in front of it
SEAT_BELOW_PELVIS_M = 0.08
KNEE_OFF_FLOOR_M = 0.2
"""Seated, both knees are at least this high; kneeling puts one on the floor."""
PELVIS_OVER_KNEES_M = 0.2
"""Seated, the pelvis is at most this far above the higher knee; standing it is twice that."""

# The corners of a seat box (`_seats`) that bound each face, the top last, drawn last.
_SEAT_FACES = ((0, 1, 3, 2), (0, 1, 5, 4), (2, 3, 7, 6), (0, 2, 6, 4), (1, 3, 7, 5), (4, 5, 7, 6))


@dataclass(frozen=True)
class PreviewResult:
    """What `render_preview` wrote: the MP4 `path`, its frame count and duration (seconds)."""

    path: Path
    frames: int
    duration: float


def preview_fonts(plan: MotionPlan) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The font files the preview of `plan` writes its names, lines and headings with (each
    character in the first that has it: `typeface.font_files`), and the characters of them no
    font here has (drawn as boxes)."""
    return font_files(_plan_text(plan))


def _plan_text(plan: MotionPlan) -> str:
    parts = [track.name for track in plan.characters]
    parts += [f"{line.speaker}: {line.text} (V.O.)" for line in plan.utterances]
    parts += [beat.heading for beat in plan.beats if beat.heading]
    return "\n".join(parts)


FACE_SHAPES = (
    "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "eyeBlinkLeft", "eyeBlinkRight", "jawOpen", "mouthFrownLeft", "mouthFrownRight",
    "mouthLowerDownLeft", "mouthLowerDownRight", "mouthPucker", "mouthSmileLeft",
    "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight",
)  # fmt: skip
"""The ARKit shapes the drawn face reads: the only columns of a character's curves kept."""

_FACE_COLUMN = {name: i for i, name in enumerate(FACE_SHAPES)}

WINDOW_FRAMES = 256
"""Frames whose joint pixels are computed at once: enough for numpy to work in bulk, few enough
that a feature-length scene of many characters does not hold every joint of every frame."""


@dataclass(frozen=True)
class _Window:
    """One character's pixels for the output frames `first` to `first + len(head)` (exclusive)."""

    first: int
    joints: FloatArray  # (n, 22, 2)
    head: FloatArray  # (n, 2)
    label_at: FloatArray  # (n, 2), whole pixels
    seat: FloatArray  # (n, 8, 2), NaN where the figure is not seated


class _Figure:
    """One character as drawn: its pixels computed a window of output frames at a time, its
    face's `FACE_SHAPES` weights kept for the frames it is on stage."""

    def __init__(
        self,
        renderer: _Renderer,
        name: str,
        slot: int,
        motion: Motion,
        face: FloatArray,
    ) -> None:
        self.name = name
        self.slot = slot  # column of the renderer's line-ups
        self.colour = CHARACTER_COLOURS[slot % len(CHARACTER_COLOURS)]
        self.head_radius = HEAD_RADIUS_M * renderer.scale
        self._renderer = renderer
        self._motion = motion
        on_stage = renderer.on_stage(slot)
        # Row of `face` for each output frame: the face is only drawn on stage.
        self._face_row = np.cumsum(on_stage) - 1
        self._face = face[on_stage]
        self._origin = self._pelvis_origin()
        self._unseated = unseated_frames(renderer.plan, name, renderer.times)
        self._window: _Window | None = None

    def _frame_index(self, times: FloatArray) -> npt.NDArray[np.int64]:
        motion = self._motion
        index: npt.NDArray[np.int64] = np.minimum(
            np.rint(times * motion.fps).astype(np.int64), motion.frames - 1
        )
        return index

    def _pelvis_origin(self) -> FloatArray:
        """The pelvis at the scene's first output frame: `_on_mark`'s reference."""
        first = self._frame_index(self._renderer.times[:1])
        motion = self._motion
        origin: FloatArray = forward_kinematics(
            motion.rotations[first], motion.root_positions[first]
        )[0, 0]
        return origin

    def on_stage(self, index: int) -> bool:
        return bool(self._renderer.seen[index, self.slot])

    def face(self, index: int) -> FloatArray:
        """The `FACE_SHAPES` weights at output frame `index` (NaN where off stage)."""
        if not self.on_stage(index):
            return np.full(len(FACE_SHAPES), np.nan)
        row: FloatArray = self._face[self._face_row[index]]
        return row

    def at(self, index: int) -> _Window:
        """The window of frames holding output frame `index` (computed when not held)."""
        held = self._window
        if held is None or not held.first <= index < held.first + len(held.head):
            held = self._window = self.window(index, index + self._renderer.window_frames)
        return held

    def window(self, first: int = 0, last: int | None = None) -> _Window:
        """Pixels for output frames `first` to `last` (exclusive; None: to the end)."""
        renderer = self._renderer
        times = renderer.times[first:last]
        marks = renderer.marks[renderer.beat_at[first:last], self.slot]
        motion = self._motion
        index = self._frame_index(times)
        positions = forward_kinematics(motion.rotations[index], motion.root_positions[index])
        positions = _turned_in(_on_mark(positions, self._origin), marks)
        positions[..., 0] += marks[:, None]
        frames = len(times)
        joints = project(positions.reshape(-1, 3), renderer.camera).reshape(frames, -1, 2)
        head = project(positions[:, _HEAD] + np.array([0.0, 0.06, 0.0]), renderer.camera)
        ground = np.column_stack([marks, np.zeros(frames), np.zeros(frames)])
        # Whole pixels: text drawn at a fraction of one is shaded by it, so a motion read back
        # from a BVH file (6 decimals) would shade the name differently.
        label_at = np.rint(project(ground, renderer.camera))
        corners = _seats(positions)
        corners[self._unseated[first:last]] = np.nan
        seat = project(corners.reshape(-1, 3), renderer.camera).reshape(frames, 8, 2)
        return _Window(first, joints, head, label_at, seat)


class _Renderer:
    """Draws frames of one plan at one size and frame rate; `window_frames` of each character's
    pixels are computed at once (1 suits frames drawn far apart, as on a contact sheet)."""

    def __init__(
        self,
        plan: MotionPlan,
        motions: dict[str, Motion],
        size: tuple[int, int],
        fps: int,
        faces: Mapping[str, FaceCurves] | None = None,
        *,
        window_frames: int = WINDOW_FRAMES,
    ) -> None:
        width, height = size
        self.plan, self.size, self.fps = plan, size, fps
        self.faces = dict(faces or {})
        self.window_frames = window_frames
        self.times = frame_times(plan.scene.duration, fps)
        names = _on_screen(plan) or sorted(motions)
        self.beat_at, self.marks, self.present = _lineups(plan, names, self.times)
        self.seen = np.column_stack(
            [on_stage_frames(plan, name, self.times) for name in names]
            or [np.zeros(self.times.shape[0], dtype=bool)]
        )
        shown = self.present[np.unique(self.beat_at)]
        count = max(int(shown.sum(axis=1).max(initial=0)), 1)
        scale = min(0.28 * height, 0.92 * width / (count * SLOT_WIDTH_M))
        self.camera = Camera(
            width,
            height,
            scale * CAMERA_DISTANCE_M,
            (0.0, LOOK_AT_HEIGHT_M, CAMERA_DISTANCE_M),
            (0.0, LOOK_AT_HEIGHT_M, 0.0),
        )
        self.scale = scale
        self.stroke = max(1, round(height / 150))
        self.figures = [
            _Figure(
                self,
                name,
                i,
                motions.get(name) or Motion.rest(),
                self._face_curves(plan, name),
            )
            for i, name in enumerate(names)
        ]
        self.speaking = self._speaking()
        self.captions = self._captions()
        self.titles = self._titles()
        self.background = self._background()
        self.font_files, _ = preview_fonts(plan)
        self.small = Typeface.of(self.font_files, max(10, round(height / 30)))
        self.subtitle_font = Typeface.of(self.font_files, max(10, round(height / 24)))
        self.title_font = Typeface.of(self.font_files, max(12, round(height / 16)))
        self.subtitle_line = max(10, round(height / 24)) + self.stroke * 2
        self._pages: dict[tuple[int, int], list[tuple[float, list[str]]]] = {}
        self._labels: dict[tuple[str, bool], tuple[Image.Image, int, int]] = {}

    def on_stage(self, slot: int) -> npt.NDArray[np.bool_]:
        """Whether the character in line-up column `slot` is on stage, per output frame."""
        on_stage: npt.NDArray[np.bool_] = self.seen[:, slot]
        return on_stage

    def _face_curves(self, plan: MotionPlan, name: str) -> FloatArray:
        """`name`'s `FACE_SHAPES` weights at every output frame."""
        columns = [_columns()[shape] for shape in FACE_SHAPES]
        realized = self.faces.get(name)
        if realized is not None:
            return _sample_weights(realized.weights[:, columns], realized.fps, self.times)
        if not any(track.name == name for track in plan.characters):
            return np.zeros((len(self.times), len(FACE_SHAPES)))
        curve_fps = 60 if self.fps > 30 else 30
        _, weights = arkit_curves(plan, name, curve_fps)
        _, still = arkit_curves(plan, name, curve_fps, idle=False)
        mouth = [_columns()[shape] for shape in MOUTH_SHAPES]
        weights[:, mouth] = still[:, mouth]
        return _sample_weights(weights[:, columns], curve_fps, self.times)

    def _speaking(self) -> list[tuple[int, ...]]:
        """Indices of the utterances being spoken at each frame, in the plan's order: more than
        one where lines overlap (dual dialogue, interruptions)."""
        active: list[tuple[int, ...]] = [()] * len(self.times)
        for i, utterance in enumerate(self.plan.utterances):
            first = int(np.searchsorted(self.times, utterance.start, side="left"))
            last = int(np.searchsorted(self.times, utterance.end, side="left"))
            for frame in range(first, last):
                active[frame] = (*active[frame], i)
        return active

    def _captions(self) -> list[tuple[int, ...]]:
        """Indices of the utterances whose subtitle is on screen at each frame: a line from its
        start to its end, held to `MIN_CAPTION_SECONDS` unless a later line starts first."""
        starts = sorted({utterance.start for utterance in self.plan.utterances})
        shown: list[tuple[int, ...]] = [()] * len(self.times)
        for i, utterance in enumerate(self.plan.utterances):
            end = max(utterance.end, utterance.start + MIN_CAPTION_SECONDS)
            following = starts[int(np.searchsorted(starts, utterance.start, side="right")) :]
            if following:
                end = min(end, max(utterance.end, following[0]))
            first = int(np.searchsorted(self.times, utterance.start, side="left"))
            last = int(np.searchsorted(self.times, end, side="left"))
            for frame in range(first, last):
                shown[frame] = (*shown[frame], i)
        return shown

    def _titles(self) -> npt.NDArray[np.int64]:
        """Index of the beat whose heading is on screen at each frame, -1 for none."""
        shown = np.full(len(self.times), -1, dtype=np.int64)
        for i, beat in enumerate(self.plan.beats):
            if beat.heading:
                window = (self.times >= beat.start) & (self.times < beat.start + TITLE_SECONDS)
                shown[window] = i
        return shown

    def _background(self) -> Image.Image:
        width, height = self.size
        image = Image.new("RGB", self.size, BACKGROUND)
        floor_y = float(project(np.array([[0.0, 0.0, 0.0]]), self.camera)[0, 1])
        ImageDraw.Draw(image).rectangle((0, floor_y, width, height), fill=FLOOR)
        return image

    def frame(self, index: int) -> Image.Image:
        image = self.background.copy()
        draw = ImageDraw.Draw(image)
        utterances = self.speaking[index]
        speakers = {
            line.speaker
            for line in (self.plan.utterances[i] for i in utterances)
            if not line.voice_over
        }
        for figure in self.figures:
            if figure.on_stage(index):
                speaking = figure.name in speakers
                self._draw_figure(draw, figure, index, speaking)
                self._draw_label(image, figure, index, speaking)
        captions = self.captions[index]
        if captions:
            self._draw_subtitles(draw, captions, float(self.times[index]))
        title = int(self.titles[index])
        if title >= 0:
            self._draw_title(draw, self.plan.beats[title].heading or "")
        return image

    def _draw_figure(
        self, draw: ImageDraw.ImageDraw, figure: _Figure, index: int, speaking: bool
    ) -> None:
        window = figure.at(index)
        seat = window.seat[index - window.first]
        if not np.isnan(seat).any():
            for i, face in enumerate(_SEAT_FACES):
                fill = SEAT_TOP if i == len(_SEAT_FACES) - 1 else SEAT
                draw.polygon([tuple(seat[corner]) for corner in face], fill=fill)
        points = window.joints[index - window.first]
        for parent, joint in _BONES:
            a, b = points[parent], points[joint]
            draw.line((a[0], a[1], b[0], b[1]), fill=figure.colour, width=self.stroke + 1)
        self._draw_face(draw, figure, index, speaking)

    def _draw_label(self, image: Image.Image, figure: _Figure, index: int, speaking: bool) -> None:
        """The figure's name under its feet, boxed while it speaks: drawn once per name and
        state and pasted, since laying out text on every frame took a quarter of the time."""
        sprite, left, top = self._label_sprite(figure.name, speaking)
        window = figure.at(index)
        x, y = window.label_at[index - window.first]
        y += self.stroke * 3
        image.paste(sprite, (round(x) + left, round(y) + top), sprite)

    def _label_sprite(self, name: str, speaking: bool) -> tuple[Image.Image, int, int]:
        """(the label as an RGBA image, its offset from the anchor at the middle of its top)."""
        key = (name, speaking)
        found = self._labels.get(key)
        if found is not None:
            return found
        colour = SPEAKER if speaking else LABEL
        label = self._label(name)
        probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
        box = self.small.multiline_textbbox(probe, (0, 0), label, anchor="ma", align="center")
        pad = self.stroke * 2 if speaking else 0
        margin = pad + self.stroke
        left, top = math.floor(box[0]) - margin, math.floor(box[1]) - margin
        width = math.ceil(box[2]) + margin - left
        height = math.ceil(box[3]) + margin - top
        # Transparent in the label's own colour, so that its anti-aliased edges blend as text
        # drawn on the frame would.
        sprite = Image.new("RGBA", (width, height), (*colour, 0))
        draw = ImageDraw.Draw(sprite)
        if speaking:
            draw.rectangle(
                (box[0] - pad - left, box[1] - pad - top, box[2] + pad - left, box[3] + pad - top),
                outline=SPEAKER,
                width=self.stroke,
            )
        self.small.multiline_text(
            draw, (-left, -top), label, fill=colour, anchor="ma", align="center"
        )
        self._labels[key] = (sprite, left, top)
        return sprite, left, top

    def _label(self, name: str) -> str:
        """`name` fitted to its figure's lane, so that neighbouring names never overlap: on
        two rows at a space when it is too wide for one (so PATRON ONE and PATRON TWO stay
        apart), each row cut with "…" when still too wide."""
        room = 0.9 * SLOT_WIDTH_M * self.scale
        if self.small.getlength(name) <= room:
            return name
        words = name.split()
        if len(words) < 2:
            return _cut(name, self.small, room)
        first = 1
        while first < len(words) - 1 and self.small.getlength(" ".join(words[: first + 1])) <= room:
            first += 1
        rows = (" ".join(words[:first]), " ".join(words[first:]))
        return "\n".join(_cut(row, self.small, room) for row in rows)

    def _draw_face(
        self, draw: ImageDraw.ImageDraw, figure: _Figure, index: int, speaking: bool
    ) -> None:
        w = figure.face(index)
        column = _FACE_COLUMN
        r = figure.head_radius
        window = figure.at(index)
        cx, cy = window.head[index - window.first]

        def get(name: str) -> float:
            return float(w[column[name]])

        jaw = min(
            1.0, get("jawOpen") + 0.5 * (get("mouthLowerDownLeft") + get("mouthLowerDownRight")) / 2
        )
        outline = SPEAKER if speaking else figure.colour
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r + jaw * 0.25 * r),
            fill=SKIN,
            outline=outline,
            width=self.stroke + (1 if speaking else 0),
        )
        # The character faces the camera: its left side is on the image's right.
        for side, sign in (("Left", 1.0), ("Right", -1.0)):
            ex, ey = cx + sign * 0.38 * r, cy - 0.08 * r
            open_ = max(0.1, 1.0 - get(f"eyeBlink{side}"))
            eh, ew = 0.16 * r * open_, 0.14 * r
            draw.ellipse((ex - ew, ey - eh, ex + ew, ey + eh), fill=INK)
            inner_up = get("browInnerUp") * 0.3 * r
            outer_up = get(f"browOuterUp{side}") * 0.25 * r
            down = get(f"browDown{side}") * 0.2 * r
            base = cy - 0.42 * r
            inner = (cx + sign * 0.12 * r, base - inner_up + down)
            outer = (cx + sign * 0.62 * r, base - outer_up + 0.3 * down)
            draw.line((inner, outer), fill=INK, width=self.stroke)
        my = cy + 0.45 * r
        stretch = (get("mouthStretchLeft") + get("mouthStretchRight")) / 2
        half = 0.3 * r * (1.0 + 0.4 * stretch - 0.4 * get("mouthPucker"))
        lift_left = (get("mouthSmileLeft") - get("mouthFrownLeft")) * 0.2 * r
        lift_right = (get("mouthSmileRight") - get("mouthFrownRight")) * 0.2 * r
        left = (cx + half, my - lift_left)
        right = (cx - half, my - lift_right)
        opening = jaw * 0.6 * r
        if opening >= 1.0:
            draw.polygon(
                [right, (cx, my - 0.15 * opening), left, (cx, my + opening)], fill=(90, 20, 30)
            )
        else:
            draw.line((right, (cx, my), left), fill=INK, width=self.stroke)

    def _wrap(self, utterance: int, max_lines: int, time: float) -> list[str]:
        """The rows of `utterance`'s subtitle at `time`: the whole line when it fits
        `max_lines` rows, else the page of it whose words are being spoken."""
        pages = self._pages.get((utterance, max_lines))
        if pages is None:
            spoken = self.plan.utterances[utterance]
            pages = subtitle_pages(
                f"{spoken.speaker} (V.O.)" if spoken.voice_over else spoken.speaker,
                spoken.text,
                [(word.text, word.start) for word in spoken.words],
                self.subtitle_font,
                self.size[0] * 0.9,
                max_lines,
            )
            self._pages[(utterance, max_lines)] = pages
        current = pages[0][1]
        for start, lines in pages:
            if start > time:
                break
            current = lines
        return current

    def _draw_subtitles(
        self, draw: ImageDraw.ImageDraw, utterances: tuple[int, ...], time: float
    ) -> None:
        """The lines being spoken, stacked: two rows for one line, one row each for lines
        spoken at once."""
        width, height = self.size
        per_line = 2 if len(utterances) == 1 else 1
        lines = [row for i in utterances for row in self._wrap(i, per_line, time)]
        line_height = self.subtitle_line
        y = height - line_height * len(lines) - self.stroke * 3
        for line in lines:
            self.subtitle_font.text(
                draw,
                (width / 2, y),
                line,
                fill=(255, 255, 255),
                anchor="mt",
                stroke_width=self.stroke,
                stroke_fill=(0, 0, 0),
            )
            y += line_height

    def draw_action(self, image: Image.Image, text: str) -> None:
        """An action line where the subtitles go, in two rows at most, for a contact-sheet tile
        that no line is spoken over."""
        draw = ImageDraw.Draw(image)
        width, height = self.size
        lines = _wrap_text(text, self.subtitle_font, width * 0.9, max_lines=2)
        y = height - self.subtitle_line * len(lines) - self.stroke * 3
        for line in lines:
            self.subtitle_font.text(
                draw,
                (width / 2, y),
                line,
                fill=ACTION_TEXT,
                anchor="mt",
                stroke_width=self.stroke,
                stroke_fill=(0, 0, 0),
            )
            y += self.subtitle_line

    def _draw_title(self, draw: ImageDraw.ImageDraw, heading: str) -> None:
        """The heading on a black card across the frame, wrapped to at most two rows so that a
        long one stays inside the frame."""
        width, height = self.size
        lines = _wrap_text(heading, self.title_font, width * 0.94, max_lines=2)
        text = "\n".join(lines)
        at = (width / 2, height * 0.12 + (len(lines) - 1) * self.stroke * 4)
        box = self.title_font.multiline_textbbox(draw, at, text, anchor="mm", align="center")
        pad = self.stroke * 6
        draw.rectangle((0, box[1] - pad, width, box[3] + pad), fill=(0, 0, 0))
        self.title_font.multiline_text(
            draw, at, text, fill=(255, 255, 255), anchor="mm", align="center"
        )


def _on_screen(plan: MotionPlan) -> list[str]:
    """The characters drawn, in plan order: all but a voice alone, one who only speaks in
    voice-over and is on stage in no beat (a narrator is heard, not seen)."""
    on_stage = {name for beat in plan.beats for name in beat.characters}
    voices = {
        track.name
        for track in plan.characters
        if track.name not in on_stage
        and any(line.speaker == track.name for line in plan.utterances)
        and all(line.voice_over for line in plan.utterances if line.speaker == track.name)
    }
    return [track.name for track in plan.characters if track.name not in voices]


def _lineups(
    plan: MotionPlan, names: list[str], times: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray, npt.NDArray[np.bool_]]:
    """Where each of `names` stands: the line-up in force at each of `times` (an index), and
    per line-up each name's mark (metres along the stage, line-ups x names) and whether it is
    on stage (line-ups x names). The characters of the beat under way stand side by side,
    centred, in cast order; a plan whose beats name nobody has everyone on stage throughout."""
    casts = [set(beat.characters) for beat in plan.beats]
    if not any(casts):
        casts, starts = [set(names)], np.zeros(1)
    else:
        starts = np.array([beat.start for beat in plan.beats])
    beat_at = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(casts) - 1)
    marks = np.zeros((len(casts), len(names)))
    present = np.zeros((len(casts), len(names)), dtype=bool)
    for b, cast in enumerate(casts):
        lineup = [i for i, name in enumerate(names) if name in cast]
        for slot, i in enumerate(lineup):
            marks[b, i] = (slot - (len(lineup) - 1) / 2) * SLOT_WIDTH_M
            present[b, i] = True
    return beat_at, marks, present


def on_stage_frames(plan: MotionPlan, name: str, times: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether `name` is on stage at each of `times`: in a beat that lists them, between their
    entrances and exits (`PlanBeat.stage`); everyone throughout in a plan whose beats name
    nobody. The last beat holds to the last frame."""
    if not any(beat.characters for beat in plan.beats):
        return np.ones(times.shape[0], dtype=bool)
    seen = np.zeros(times.shape[0], dtype=bool)
    last = len(plan.beats) - 1
    for index, beat in enumerate(plan.beats):
        for start, end in stage_spans(beat, name):
            until = np.inf if index == last and end == beat.end else end
            seen |= (times >= start) & (times < until)
    return seen


TURN_IN_DEGREES = 30.0
"""How far a figure off centre is turned toward the centre of the line-up (theatre's "cheat
out"): the characters half face each other, and a seated or leaning pose shows its depth
instead of reading as standing from straight in front."""


def _turned_in(positions: FloatArray, marks: FloatArray) -> FloatArray:
    """Joint positions (frames, joints, 3) on their mark at x = z = 0, each frame turned about
    the vertical toward the centre of the stage by `TURN_IN_DEGREES` (left of centre to the
    right, right of centre to the left; the centre one not at all)."""
    angle = -np.sign(np.round(marks, 6)) * math.radians(TURN_IN_DEGREES)
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    x, z = positions[..., 0], positions[..., 2]
    turned = positions.copy()
    turned[..., 0] = cos * x + sin * z
    turned[..., 2] = -sin * x + cos * z
    return turned


_NO_SEAT = frozenset({"kneel", "lie", "fall"})
"""Postures a body goes low in without a seat: getting into one passes through a pose that
reads as seated (both knees up, the pelvis low), which must not flash a chair."""


def unseated_frames(plan: MotionPlan, name: str, times: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether, at each of `times`, the plan has `name` in (or going into) a posture of
    `_NO_SEAT`: the posture of its latest posture event that is not a lean (a lean is done
    from the posture under it). False for a name the plan does not have."""
    if not any(track.name == name for track in plan.characters):
        return np.zeros(len(times), dtype=bool)
    postures = [
        e
        for e in plan.character(name).events
        if isinstance(e, PostureEvent) and e.lexeme not in LEAN_POSTURES
    ]
    starts = np.array([e.start for e in postures])
    lowered = np.array([e.lexeme in _NO_SEAT for e in postures] + [False])
    latest = np.searchsorted(starts, times, side="right") - 1  # -1: before any (index -1: False)
    unseated: npt.NDArray[np.bool_] = lowered[latest]
    return unseated


def _seats(positions: FloatArray) -> FloatArray:
    """The corners (frames, 8, 3) of a box under the pelvis of each frame whose pose is seated,
    NaN where it is not: a stick figure seated seen from the front reads as a short one
    standing, and a chair says what the pose is. Seated means the pelvis nearly level with
    knees that are both off the floor (kneeling puts one down, lying the pelvis too). The box
    follows the hips' facing; corners are ordered bottom then top, behind then ahead, right
    then left (`_SEAT_FACES`)."""
    pelvis = positions[:, 0]
    knees = positions[:, _KNEES, 1]
    seated = (knees.min(axis=1) > KNEE_OFF_FLOOR_M) & (
        pelvis[:, 1] < knees.max(axis=1) + PELVIS_OVER_KNEES_M
    )
    left = positions[:, _HIPS[0]] - positions[:, _HIPS[1]]
    left[:, 1] = 0.0
    left /= np.maximum(np.linalg.norm(left, axis=1, keepdims=True), 1e-9)
    ahead = np.cross(left, np.array([0.0, 1.0, 0.0]))
    ground = pelvis * np.array([1.0, 0.0, 1.0])
    top = np.maximum(pelvis[:, 1] - SEAT_BELOW_PELVIS_M, 0.0)
    corners = np.full((len(positions), 8, 3), np.nan)
    i = 0
    for height in (np.zeros_like(top), top):
        for reach in (-SEAT_BEHIND_M, SEAT_AHEAD_M):
            for side in (-SEAT_HALF_WIDTH_M, SEAT_HALF_WIDTH_M):
                corner = ground + reach * ahead + side * left
                corner[:, 1] = height
                corners[seated, i] = corner[seated]
                i += 1
    return corners


LANE_TRAVEL_M = 0.35 * SLOT_WIDTH_M
"""How far a figure may move sideways from its mark: a walk crosses its own lane, no more."""


def _on_mark(positions: FloatArray, origin: FloatArray | None = None) -> FloatArray:
    """Joint positions (frames, joints, 3) with the pelvis' ground travel from `origin` (its
    position where the motion starts; None: the first of `positions`) taken out, so the
    figure stays on its stage mark (x = z = 0) at its size: a walk never leaves its lane or
    comes toward the lens. Sideways travel is kept up to `LANE_TRAVEL_M`."""
    first = positions[0, 0] if origin is None else origin
    travel = positions[:, :1, :] - first
    travel[..., 1] = 0.0
    sideways = np.clip(travel[..., 0], -LANE_TRAVEL_M, LANE_TRAVEL_M)
    start = first * np.array([1.0, 0.0, 1.0])
    placed: FloatArray = positions - travel - start
    placed[..., 0] += sideways
    return placed


def _sample_weights(weights: FloatArray, fps: int, times: FloatArray) -> FloatArray:
    """The rows of `weights` (one per 1 / fps) at `times`; the last row holds past the end."""
    index = np.minimum(np.rint(times * fps).astype(int), len(weights) - 1)
    sampled: FloatArray = weights[index]
    return sampled


@cache
def _columns() -> dict[str, int]:
    return {name: i for i, name in enumerate(load_arkit_map().blendshapes)}


def subtitle_pages(
    speaker: str,
    text: str,
    words: list[tuple[str, float]],
    font: Typeface,
    width: float,
    max_lines: int,
) -> list[tuple[float, list[str]]]:
    """A line's subtitle as pages of at most `max_lines` rows of `width` pixels, each with the
    time its first word starts: one page when `SPEAKER: text` fits, else the timed `words`
    (text, start) filled in page by page, a page ending after a sentence where one does, so a
    long speech is read as it is spoken instead of being cut after two rows. Pages show the
    words as `text` writes them (`written_span`: a Thai line keeps its phrase spaces)."""
    prefix = f"{speaker}: "
    whole = _wrap_text(prefix + text, font, width, max_lines=None)
    start = words[0][1] if words else 0.0
    if len(whole) <= max_lines or not words:
        return [(start, _wrap_text(prefix + text, font, width, max_lines))]
    spoken = [word for word, _ in words]

    def rows(first: int, last: int) -> list[str]:
        return _wrap_text(prefix + written_span(text, spoken, first, last), font, width, None)

    pages: list[tuple[int, int]] = []
    first = 0
    for index in range(len(words)):
        while index > first and len(rows(first, index)) > max_lines:
            # Cut after the page's last sentence end when it leaves the page at least half
            # full, else before the word that overflowed.
            full = index - first
            ends = [k + 1 for k in range(full) if ends_sentence(spoken[first + k])]
            cut = ends[-1] if ends and 2 * ends[-1] >= full else full
            pages.append((first, first + cut - 1))
            first += cut
    pages.append((first, len(words) - 1))
    return [(words[first][1], rows(first, last)) for first, last in pages]


def _cut(text: str, font: Typeface, room: float) -> str:
    """`text` cut with an ellipsis to fit `room` pixels in `font`."""
    if font.getlength(text) <= room:
        return text
    while len(text) > 1 and font.getlength(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap_text(text: str, font: Typeface, width: float, max_lines: int | None) -> list[str]:
    """`text` in rows of at most `width` pixels, broken between words: at spaces, and between
    the characters of Chinese and Japanese and the syllables of Thai, Lao, Khmer and Burmese,
    which are written without them. A row keeps the text's own spaces and no others."""
    lines: list[str] = []
    current = ""
    for token in text.split():
        for index, piece in enumerate(split_unspaced(token)):
            candidate = (current + (" " if index == 0 else "") + piece) if current else piece
            if current and font.getlength(candidate) > width:
                lines.append(current)
                current = piece
            else:
                current = candidate
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + " ..."
    return lines


def _check_size(size: tuple[int, int], *, even: bool, what: str = "preview") -> None:
    width, height = size
    if width < 16 or height < 16:
        raise ExportError(f"{what} size must be at least 16x16 pixels, got {width}x{height}")
    if even and (width % 2 or height % 2):
        raise ExportError(f"H.264 {what} needs even width and height, got {width}x{height}")


def _progress(indices: range, enabled: bool) -> Iterable[int]:
    if not enabled:
        return indices
    from tqdm import tqdm

    return tqdm(indices, desc="preview", unit="frame")


def render_preview(
    plan: MotionPlan,
    motions: dict[str, Motion],
    out: Path,
    *,
    size: tuple[int, int] = (640, 360),
    fps: int = 30,
    progress: bool = False,
    faces: Mapping[str, FaceCurves] | None = None,
) -> PreviewResult:
    """Render the animatic preview of `plan` with each character's body `motions` to an H.264
    MP4 at `out` (libx264, yuv420p, CRF 23). Frame i is at i / fps; the last frame is the first
    at or after the scene's end, so there are ceil(duration * fps) + 1 frames. A character in
    `faces` (a realized face, `DirectResult.faces`) shows that face; the others the plan's."""
    _check_size(size, even=True)
    check_frame_rate(fps)
    renderer = _Renderer(plan, motions, size, fps, faces)
    images = (
        np.asarray(renderer.frame(index))
        for index in _progress(range(len(renderer.times)), progress)
    )
    frames = write_video(_drawn_ahead(images), out, size=size, fps=fps, what="the preview")
    return PreviewResult(path=Path(out), frames=frames, duration=frames / fps)


def _drawn_ahead(
    images: Iterator[npt.NDArray[np.uint8]], depth: int = 16
) -> Iterator[npt.NDArray[np.uint8]]:
    """`images`, drawn on a thread of their own up to `depth` frames ahead of the encoder, which
    releases the interpreter while it encodes: drawing and encoding each took about half of
    the time, one after the other. An error while drawing is raised here, in order."""
    queue: Queue[tuple[npt.NDArray[np.uint8] | None, BaseException | None]] = Queue(depth)
    stop = threading.Event()

    def draw() -> None:
        try:
            for image in images:
                if stop.is_set():
                    return
                queue.put((image, None))
            queue.put((None, None))
        except BaseException as error:  # handed to the consumer, which raises it
            queue.put((None, error))

    worker = threading.Thread(target=draw, name="preview-frames", daemon=True)
    worker.start()
    try:
        while True:
            image, error = queue.get()
            if error is not None:
                raise error
            if image is None:
                return
            yield image
    finally:
        stop.set()
        while worker.is_alive():  # unblock a drawer waiting on a full queue
            with contextlib.suppress(Empty):
                queue.get_nowait()
            worker.join(timeout=0.01)


def check_video_settings(size: tuple[int, int], fps: int) -> None:
    """Raise `ExportError` unless `size` (width, height) and `fps` suit an H.264 video."""
    _check_size(size, even=True, what="video")
    check_frame_rate(fps)


def write_video(
    frames: Iterable[npt.NDArray[np.uint8]],
    out: Path,
    *,
    size: tuple[int, int],
    fps: int,
    crf: int = CRF,
    what: str = "the video",
) -> int:
    """Encode RGB `frames` ((height, width, 3) uint8, `size` = (width, height), both even) as
    an H.264 MP4 (libx264, yuv420p, preset veryfast, `X264_PARAMS`) at `out` and return the
    frame count: the same frames always give the same file. The file appears at `out` only
    when complete; `what` names it in error messages."""
    check_video_settings(size, fps)
    width, height = size
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(suffix=".mp4", dir=out.parent, prefix=".video-")
        os.close(handle)
    except OSError as error:
        raise ExportError(f"cannot write {what} to {out}: {error}") from error
    count = 0
    try:
        with av.open(scratch, "w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            # Without x264's rate-control lookahead, which made the same frames give another
            # file now and then (one run in four at 64x48); files are about a third larger.
            stream.options = {"crf": str(crf), "preset": "veryfast", "x264-params": X264_PARAMS}
            for image in frames:
                if image.shape != (height, width, 3):
                    raise ExportError(
                        f"frame {count} of {what} is {image.shape}, expected ({height}, {width}, 3)"
                    )
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
                count += 1
            for packet in stream.encode():
                container.mux(packet)
        os.chmod(scratch, 0o644)  # mkstemp makes it owner-only; videos are for sharing
        os.replace(scratch, out)
    except (OSError, av.FFmpegError) as error:
        Path(scratch).unlink(missing_ok=True)
        raise ExportError(f"cannot write {what} to {out}: {error}") from error
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return count


def contact_sheet(
    plan: MotionPlan,
    motions: dict[str, Motion],
    out_png: Path,
    *,
    columns: int = 4,
    thumb: tuple[int, int] = (320, 180),
    faces: Mapping[str, FaceCurves] | None = None,
) -> Path:
    """Write a PNG grid of one preview frame per utterance and per action line, in the order
    they play (each at its midpoint), each tile labelled with the speaker, or "action", and the
    time, and an action tile captioned with its line where no one speaks over it; the first
    tile of each scene under a heading names it under the label; up to `columns` tiles of
    `thumb` (width, height) per row; `faces` as in `render_preview`. A plan with neither gets a
    tile at its middle."""
    _check_size(thumb, even=False)
    if columns < 1:
        raise ExportError(f"a contact sheet needs at least one column, got {columns}")
    renderer = _Renderer(plan, motions, thumb, 30, faces, window_frames=1)
    moments = _contact_moments(plan)
    columns = min(columns, len(moments))
    rows = math.ceil(len(moments) / columns)
    width, height = thumb
    sheet = Image.new("RGB", (columns * width, rows * height), (0, 0, 0))
    label_size = max(10, round(height / 14))
    label_font = Typeface.of(renderer.font_files, label_size)
    last = len(renderer.times) - 1
    headed: set[int] = set()
    for i, (label, middle, action) in enumerate(moments):
        index = min(round(middle * renderer.fps), last)
        tile = renderer.frame(index)
        if action and not renderer.captions[index]:
            renderer.draw_action(tile, action)
        draw = ImageDraw.Draw(tile)
        # Name and time drawn apart: as one string, a right-to-left name ("أحمد") would turn
        # the whole label around and put "s 1.4" before it.
        x = 4.0
        for text in (label, f"{middle:.1f} s"):
            label_font.text(draw, (x, 4), text, fill=SPEAKER, stroke_width=1, stroke_fill=(0, 0, 0))
            x += label_font.getlength(f"{text}  ")
        beat = next((b for b in reversed(plan.beats) if b.start <= middle), None)
        if beat is not None and beat.heading and beat.index not in headed:
            headed.add(beat.index)
            heading = _cut(beat.heading, label_font, width - 8)
            below = 6 + label_size
            label_font.text(
                draw, (4, below), heading, fill=LABEL, stroke_width=1, stroke_fill=(0, 0, 0)
            )
        sheet.paste(tile, ((i % columns) * width, (i // columns) * height))
    out_png = Path(out_png)
    try:
        out_png.parent.mkdir(parents=True, exist_ok=True)
        sheet.save(out_png, format="PNG")
    except OSError as error:
        raise ExportError(f"cannot write the contact sheet to {out_png}: {error}") from error
    return out_png


def _contact_moments(plan: MotionPlan) -> list[tuple[str, float, str | None]]:
    """(label, time, action text) of each contact-sheet tile: every line's and every action
    line's midpoint in time order (the draw and the shot of a duel are action), else the
    scene's middle. Lines that start together (dual dialogue) share one tile, its label naming
    each speaker once."""
    together: dict[float, list[PlanUtterance]] = {}
    for utterance in plan.utterances:
        together.setdefault(utterance.start, []).append(utterance)
    moments: list[tuple[str, float, str | None]] = [
        (
            ", ".join(dict.fromkeys(u.speaker for u in lines)),
            (start + max(u.end for u in lines)) / 2,
            None,
        )
        for start, lines in together.items()
    ]
    moments += [("action", (a.start + a.end) / 2, a.text) for a in plan.actions]
    return sorted(moments, key=lambda moment: moment[1]) or [
        ("scene", plan.scene.duration / 2, None)
    ]
