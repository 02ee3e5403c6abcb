"""The animatic preview: MP4 frames, timing, motion, speech, title cards and the contact sheet."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import pytest
from PIL import Image

from motiondirector import plan_text
from motiondirector.errors import ExportError
from motiondirector.export.scene_folder import DirectResult
from motiondirector.generators.preview import (
    FACE_SHAPES,
    LABEL,
    SPEAKER,
    TITLE_SECONDS,
    WINDOW_FRAMES,
    PreviewResult,
    _drawn_ahead,
    _Figure,
    _Renderer,
    contact_sheet,
    render_preview,
)
from motiondirector.realize import direct_scene

if TYPE_CHECKING:
    from motiondirector.retrieval import ClipLibrary

SCRIPT = """INT. KITCHEN - DAY

ANA
Hello, Ben! How are you doing today?

BEN
(smiling)
Fine, thanks. I missed you so much, you know.

ANA
No. I really do not believe that at all.
"""
SIZE = (320, 180)


@pytest.fixture(scope="module")
def directed(builtin_clips: ClipLibrary) -> DirectResult:
    return direct_scene(plan_text(SCRIPT, format="fountain"), library=builtin_clips)


@pytest.fixture(scope="module")
def preview(directed: DirectResult, tmp_path_factory: pytest.TempPathFactory) -> PreviewResult:
    out = tmp_path_factory.mktemp("preview") / "scene.mp4"
    return render_preview(directed.plan, directed.motions, out, size=SIZE, fps=30)


@pytest.fixture(scope="module")
def decoded(preview: PreviewResult) -> np.ndarray:
    with av.open(str(preview.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    return np.stack(frames).astype(np.int16)


def test_video_has_one_frame_per_tick_over_the_scene(
    directed: DirectResult, preview: PreviewResult, decoded: np.ndarray
) -> None:
    expected = math.ceil(directed.plan.scene.duration * 30 - 1e-6) + 1
    assert preview.frames == expected == decoded.shape[0]
    assert preview.duration == pytest.approx(expected / 30)
    assert decoded.shape[1:] == (SIZE[1], SIZE[0], 3)
    with av.open(str(preview.path)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == 30
        assert stream.codec_context.pix_fmt == "yuv420p"


def test_frames_differ_where_the_body_moves(directed: DirectResult, decoded: np.ndarray) -> None:
    # The moment of largest body movement over one second, from the motions themselves.
    best, best_at = 0.0, 0
    for motion in directed.motions.values():
        joints = motion.joint_positions()
        step = round(motion.fps)
        if joints.shape[0] <= step:
            continue
        moved = np.abs(joints[step:] - joints[:-step]).max(axis=(1, 2))
        if moved.max() > best:
            best, best_at = float(moved.max()), int(moved.argmax())
    assert best > 0.05
    a, b = min(best_at, decoded.shape[0] - 31), min(best_at, decoded.shape[0] - 31) + 30
    assert np.abs(decoded[a] - decoded[b]).mean() > 0.05


def test_speakers_mouth_moves_while_speaking(directed: DirectResult, decoded: np.ndarray) -> None:
    renderer = _Renderer(directed.plan, directed.motions, SIZE, 30)
    first = directed.plan.utterances[0]
    figure = next(f for f in renderer.figures if f.name == first.speaker)
    frames = range(math.ceil(first.start * 30), math.floor(first.end * 30))
    crops = []
    r = figure.head_radius
    high, wide = round(1.1 * r), round(1.2 * r)
    head = figure.window().head
    for index in frames:
        x, y = head[index]
        top, left = round(y + 0.1 * r), round(x - 0.6 * r)
        crops.append(decoded[index][top : top + high, left : left + wide])
    assert crops and crops[0].size > 0
    spread = max(float(np.abs(c - crops[0]).mean()) for c in crops)
    assert spread > 2.0


def test_heading_is_a_title_card_at_the_beats_start(decoded: np.ndarray) -> None:
    band = decoded[:, round(SIZE[1] * 0.12), :, :]
    edges = np.concatenate([band[:, :10], band[:, -10:]], axis=1)
    assert (edges[0] < 8).all()  # a black card spans the width
    after = round((TITLE_SECONDS + 0.5) * 30)
    assert (edges[after] > 16).all()


def test_contact_sheet_has_one_tile_per_line(directed: DirectResult, tmp_path: Path) -> None:
    out = contact_sheet(directed.plan, directed.motions, tmp_path / "sheet.png", columns=2)
    sheet = np.asarray(Image.open(out).convert("RGB")).astype(np.int16)
    count = len(directed.plan.utterances)
    assert count == 3
    assert sheet.shape == (2 * 180, 2 * 320, 3)
    tiles = [
        sheet[r * 180 : (r + 1) * 180, c * 320 : (c + 1) * 320] for r in (0, 1) for c in (0, 1)
    ]
    assert all(tile.any() for tile in tiles[:count])
    assert not tiles[count].any()  # the grid's last cell is left empty
    assert not np.array_equal(tiles[0], tiles[1])


def test_bad_sizes_are_refused(directed: DirectResult, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="even"):
        render_preview(directed.plan, directed.motions, tmp_path / "x.mp4", size=(321, 180))
    with pytest.raises(ExportError, match="column"):
        contact_sheet(directed.plan, directed.motions, tmp_path / "x.png", columns=0)
    assert not (tmp_path / "x.mp4").exists()


def test_a_walking_figure_keeps_its_mark_and_size() -> None:
    from motiondirector.generators.preview import LANE_TRAVEL_M, _on_mark
    from motiondirector.motion.library import get_clip

    walk = get_clip("idle.normal.normal.neutral").motion().joint_positions()
    frames = walk.shape[0]
    travel = np.zeros((frames, 1, 3))
    travel[:, 0, 2] = np.linspace(0.0, 5.0, frames)  # five metres toward the camera
    travel[:, 0, 0] = np.linspace(0.0, 3.0, frames)  # and three to the side
    placed = _on_mark(walk + travel)
    pelvis = placed[:, 0]
    assert np.allclose(pelvis[:, 2], walk[:, 0, 2] - walk[0, 0, 2], atol=1e-9)
    assert pelvis[:, 0].max() <= LANE_TRAVEL_M + abs(walk[:, 0, 0] - walk[0, 0, 0]).max() + 1e-9
    # The body keeps its shape: joints relative to the pelvis are unchanged.
    relative = placed - placed[:, :1]
    assert np.allclose(relative, walk - walk[:, :1], atol=1e-9)


DUAL = """INT. KITCHEN - DAY

ANA
You never tell me anything!

BEN ^
I tell you everything!

BEN
Fine. We talk in the morning.
"""


def _speaker_pixels(image: Image.Image, renderer: _Renderer, name: str) -> int:
    """Pixels of the speaker colour around `name`'s label."""
    figure = next(f for f in renderer.figures if f.name == name)
    x, y = figure.window(0, 1).label_at[0]  # one beat: the line-up stands still
    pixels = np.asarray(image.convert("RGB")).astype(np.int16)
    band = pixels[round(y) : round(y) + 24, max(round(x) - 40, 0) : round(x) + 40]
    return int((np.abs(band - np.array(SPEAKER)).sum(axis=2) < 30).sum())


def test_lines_spoken_at_once_are_all_shown() -> None:
    plan = plan_text(DUAL, format="fountain")
    ana, ben, alone = plan.utterances
    assert ana.start == ben.start and alone.start >= max(ana.end, ben.end)
    renderer = _Renderer(plan, {}, SIZE, 30)
    both = renderer.frame(math.ceil(ana.start * 30) + 1)
    assert _speaker_pixels(both, renderer, "ANA") > 0
    assert _speaker_pixels(both, renderer, "BEN") > 0
    later = renderer.frame(math.ceil(alone.start * 30) + 1)
    assert _speaker_pixels(later, renderer, "ANA") == 0
    assert _speaker_pixels(later, renderer, "BEN") > 0
    # Both lines are on screen: the subtitle rows reach higher than one line's two rows would.
    rows = np.asarray(both.convert("L"))[:, SIZE[0] // 2 - 60 : SIZE[0] // 2 + 60]
    white_rows = np.flatnonzero((rows > 240).any(axis=1))
    one = np.asarray(later.convert("L"))[:, SIZE[0] // 2 - 60 : SIZE[0] // 2 + 60]
    assert white_rows.size and white_rows.min() < np.flatnonzero((one > 240).any(axis=1)).min()


def test_long_names_never_overlap_their_neighbours() -> None:
    names = ["COGNITO", "HANDSOME MAN", "MINION", "PATRONS THREE AND FOUR", "THE DRAGON"]
    script = "".join(f"{name}\nHello there, everyone.\n\n" for name in names)
    plan = plan_text(f"INT. BAR - NIGHT\n\n{script}", format="fountain")
    renderer = _Renderer(plan, {}, SIZE, 30)
    image = np.asarray(renderer.frame(0).convert("RGB")).astype(np.int16)
    label = np.abs(image - np.array(LABEL)).sum(axis=2) < 60
    xs = [f.window(0, 1).label_at[0, 0] for f in renderer.figures]
    top = round(renderer.figures[0].window(0, 1).label_at[0, 1])
    band = label[top : top + 20]
    for left, right in itertools.pairwise(xs):
        assert not band[:, round((left + right) / 2)].any()  # the lane between them is clear
    for x in xs:
        assert band[:, round(x) - 3 : round(x) + 3].any()  # every name is drawn


def test_a_realized_face_replaces_the_plans(directed: DirectResult) -> None:
    from motiondirector.export.arkit import frame_times
    from motiondirector.export.face_curves import FaceCurves
    from motiondirector.plan.vocabulary import load_arkit_map

    shapes = load_arkit_map().blendshapes
    times = frame_times(directed.plan.scene.duration, 30)
    weights = np.zeros((times.size, len(shapes)))
    weights[:, shapes.index("jawOpen")] = 1.0  # mouth wide open throughout
    weights[times.size // 2 :, shapes.index("eyeBlinkLeft")] = 1.0  # left eye shut halfway
    still = np.zeros((times.size, 3))
    gaping = FaceCurves(times, weights, still, np.zeros((times.size, 4)), 30, times[-1])
    planned = _Renderer(directed.plan, directed.motions, SIZE, 30)
    realized = _Renderer(directed.plan, directed.motions, SIZE, 30, {"BEN": gaping})
    ana, ben = (planned.figures[0], realized.figures[0]), (planned.figures[1], realized.figures[1])

    def face(figure: _Figure) -> np.ndarray:
        return np.array([figure.face(index) for index in range(times.size)])

    assert np.array_equal(face(ana[0]), face(ana[1]))  # Ana keeps the plan's face
    columns = [shapes.index(shape) for shape in FACE_SHAPES]
    assert np.array_equal(face(ben[1]), weights[:, columns])
    assert not np.array_equal(face(ben[0]), face(ben[1]))
    # Ben's mouth is drawn open before his first line, where the plan's is closed.
    before = min(u.start for u in directed.plan.utterances if u.speaker == "BEN") / 2
    frame = round(before * 30)
    assert not np.array_equal(np.asarray(planned.frame(frame)), np.asarray(realized.frame(frame)))
    open_mouth = np.asarray(realized.frame(frame)).astype(np.int16)
    x, y = ben[1].window().head[frame]
    r = ben[1].head_radius
    mouth = open_mouth[
        round(y + 0.3 * r) : round(y + 0.9 * r), round(x - 0.3 * r) : round(x + 0.3 * r)
    ]
    assert (np.abs(mouth - np.array((90, 20, 30))).sum(axis=2) < 30).any()


def test_the_same_preview_is_the_same_file_every_time(
    directed: DirectResult, tmp_path: Path
) -> None:
    # Small frames, drawn as they are encoded, as `render_preview` does: with x264's
    # rate-control lookahead about one file in four came out different.
    import hashlib

    files = set()
    for run in range(8):
        out = tmp_path / f"run{run}.mp4"
        render_preview(directed.plan, directed.motions, out, size=(64, 48), fps=30)
        files.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(files) == 1


TWO_SCENES = """INT. KITCHEN - DAY

ANA
Where is Ben?

BEN
Right here, in the kitchen.

EXT. GARDEN - NIGHT

CAL
Did you hear something?

DAN
Only the wind, Cal.
"""


def _colour_pixels(image: Image.Image, colour: tuple[int, int, int]) -> int:
    pixels = np.asarray(image.convert("RGB")).astype(np.int16)
    return int((np.abs(pixels - np.array(colour)).sum(axis=2) < 12).sum())


def test_each_beat_shows_only_the_characters_on_stage_in_it() -> None:
    plan = plan_text(TWO_SCENES, format="fountain")
    kitchen, garden = plan.beats
    assert set(kitchen.characters) == {"ANA", "BEN"} and set(garden.characters) == {"CAL", "DAN"}
    renderer = _Renderer(plan, {}, SIZE, 30)
    figures = {figure.name: figure for figure in renderer.figures}
    in_kitchen = round((plan.utterances[0].start + plan.utterances[0].end) / 2 * 30)
    in_garden = round((plan.utterances[2].start + plan.utterances[2].end) / 2 * 30)
    first, second = renderer.frame(in_kitchen), renderer.frame(in_garden)
    for name, there, away in (("ANA", first, second), ("CAL", second, first)):
        assert _colour_pixels(there, figures[name].colour) > 0
        assert _colour_pixels(away, figures[name].colour) == 0
    # Two stand on stage at a time, centred, and as large as in a two-hander: the line-up is
    # recast at the heading, not four lanes with two empty.
    two_hander = _Renderer(plan_text(SCRIPT, format="fountain"), {}, SIZE, 30)
    assert renderer.scale == two_hander.scale
    ana_x = figures["ANA"].window(in_kitchen, in_kitchen + 1).label_at[0, 0]
    assert ana_x == figures["CAL"].window(in_garden, in_garden + 1).label_at[0, 0]
    assert ana_x < SIZE[0] / 2


def test_a_long_scene_is_drawn_a_window_of_frames_at_a_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Joints of every character for every frame, held for the whole render, made a 97-minute
    # screenplay of 36 characters need 5 GB before its first frame.
    from motiondirector.generators import preview as module

    lines = "".join(f"ANA\nThe kettle number {n} is boiling now.\n\n" for n in range(12))
    plan = plan_text(f"{TWO_SCENES}\nINT. KITCHEN - LATER\n\n{lines}", format="fountain")
    batches: list[int] = []
    real = module.forward_kinematics

    def counted(rotations: np.ndarray, root: np.ndarray) -> np.ndarray:
        batches.append(len(rotations))
        return real(rotations, root)

    monkeypatch.setattr(module, "forward_kinematics", counted)
    result = render_preview(plan, {}, tmp_path / "long.mp4", size=(64, 48))
    assert result.frames > 4 * WINDOW_FRAMES
    assert batches and max(batches) <= WINDOW_FRAMES
    # The off-stage frames of a character are never computed: Cal and Dan are on stage only
    # in the garden, a small part of the scene.
    renderer = _Renderer(plan, {}, (64, 48), 30)
    cal = next(figure for figure in renderer.figures if figure.name == "CAL")
    on_stage = renderer.on_stage(cal.slot)
    assert 0 < on_stage.sum() < result.frames / 4
    batches.clear()
    for index in range(result.frames):
        if cal.on_stage(index):
            cal.at(index)
    assert sum(batches) <= on_stage.sum() + WINDOW_FRAMES


def test_figures_off_centre_are_turned_toward_the_centre() -> None:
    from motiondirector.generators.preview import TURN_IN_DEGREES, _turned_in
    from motiondirector.motion.library import get_clip
    from motiondirector.motion.skeleton import JOINT_INDEX

    forward = np.array([[[0.0, 1.0, 1.0]]])  # a point in front of the figure, at chest height
    left, centre, right = (_turned_in(forward, np.array([mark]))[0, 0] for mark in (-1, 0, 1))
    angle = math.radians(TURN_IN_DEGREES)
    assert left == pytest.approx([math.sin(angle), 1.0, math.cos(angle)])  # turned right
    assert right == pytest.approx([-math.sin(angle), 1.0, math.cos(angle)])  # turned left
    assert centre == pytest.approx([0.0, 1.0, 1.0])
    # Seated on the left of a two-hander, the knees point toward the centre, so the seat reads
    # as a seat: seen straight from the front the knees were above the feet, like standing.
    plan = plan_text(SCRIPT, format="fountain")
    seated = get_clip("sit.normal.normal.neutral").motion()
    renderer = _Renderer(plan, {"ANA": seated}, SIZE, 30)
    ana = next(f for f in renderer.figures if f.name == "ANA")
    last = round(seated.frames / seated.fps * 30)
    joints = ana.window().joints
    knee, hip = (
        joints[last, JOINT_INDEX["left_knee"]],
        joints[last, JOINT_INDEX["left_hip"]],
    )
    assert knee[0] - hip[0] > 3  # pixels toward the centre of the frame


@pytest.mark.parametrize(
    ("clip", "seated"),
    [
        ("sit.normal.normal.neutral", True),
        ("kneel.normal.normal.neutral", False),  # low, but a knee is on the floor
        ("idle.normal.normal.neutral", False),
    ],
)
def test_a_seated_figure_is_drawn_on_a_seat(clip: str, seated: bool) -> None:
    # From the front, a stick figure seated reads as a short one standing: a seat under its
    # pelvis says what the pose is, and nothing else gets one.
    from motiondirector.generators.preview import SEAT_TOP
    from motiondirector.motion.library import get_clip

    motion = get_clip(clip).motion()
    plan = plan_text(SCRIPT, format="fountain")
    renderer = _Renderer(plan, {"ANA": motion, "BEN": motion}, SIZE, 30)
    last = round(motion.frames / motion.fps * 30)  # the pose the clip ends in
    ana = next(figure for figure in renderer.figures if figure.name == "ANA")
    window = ana.window()
    assert np.isfinite(window.seat[last]).all() == seated
    assert np.isnan(window.seat[0]).all()  # a sit clip starts standing
    pixels = np.asarray(renderer.frame(last)).reshape(-1, 3)
    assert (pixels == SEAT_TOP).all(axis=1).any() == seated
    if seated:  # under the pelvis, from the floor up
        hip_y = window.joints[last, 0, 1]
        floor_y = window.label_at[last, 1]
        assert hip_y < window.seat[last, :, 1].min() + 0.2 * (floor_y - hip_y)
        assert window.seat[last, :, 1].max() == pytest.approx(floor_y, abs=2)


def test_no_seat_flashes_on_the_way_down_to_the_knees() -> None:
    from motiondirector.generators.preview import _seats, unseated_frames
    from motiondirector.motion.clip import forward_kinematics
    from motiondirector.motion.library import get_clip

    motion = get_clip("kneel.normal.normal.neutral").motion()
    positions = forward_kinematics(motion.rotations, motion.root_positions)
    # Going down, both knees are up and the pelvis low: the pose alone reads as seated.
    assert np.isfinite(_seats(positions)).all(axis=(1, 2)).any()
    plan = plan_text("INT. CHAPEL - DAY\n\nANA kneels.\n\nANA\nAmen.\n", format="fountain")
    renderer = _Renderer(plan, {"ANA": motion}, SIZE, 30)
    assert unseated_frames(plan, "ANA", renderer.times).all()
    assert np.isnan(renderer.figures[0].window().seat).all()
    # Where the plan has her sit, the same pose gets its seat.
    sitting = plan_text("INT. CHAPEL - DAY\n\nANA sits.\n\nANA\nAmen.\n", format="fountain")
    assert not unseated_frames(sitting, "ANA", renderer.times).any()
    seated = _Renderer(sitting, {"ANA": motion}, SIZE, 30).figures[0].window().seat
    assert np.isfinite(seated).all(axis=(1, 2)).any()


def _images(count: int, fail_at: int | None = None) -> Iterator[np.ndarray]:
    for index in range(count):
        if index == fail_at:
            raise ValueError(f"frame {index} cannot be drawn")
        yield np.full((2, 2, 3), index % 256, dtype=np.uint8)


def test_frames_drawn_ahead_come_in_order_and_errors_in_their_place() -> None:
    assert [int(image[0, 0, 0]) for image in _drawn_ahead(_images(100), depth=4)] == list(
        range(100)
    )
    seen = []
    with pytest.raises(ValueError, match="frame 7 cannot be drawn"):
        for image in _drawn_ahead(_images(20, fail_at=7), depth=4):
            seen.append(int(image[0, 0, 0]))
    assert seen == list(range(7))


def test_an_encoder_that_stops_early_stops_the_drawing() -> None:
    """A failed encode leaves the frame generator: its drawing thread must not wait forever
    on a full queue."""
    frames = _drawn_ahead(_images(10_000), depth=2)
    next(frames)
    frames.close()
    assert not [t for t in threading.enumerate() if t.name == "preview-frames"]


def test_a_character_is_drawn_only_between_entrance_and_exit() -> None:
    script = (
        "INT. CORRIDOR - NIGHT\n\nNORA\nAny news?\n\nA DOCTOR enters.\n\nDOCTOR\nHe's awake.\n\n"
        "He leaves.\n\nNORA\nThank God.\n"
    )
    plan = plan_text(script, format="fountain")
    enters, exits = (c.time for c in plan.beats[0].stage)
    renderer = _Renderer(plan, {}, SIZE, 30)
    doctor = next(f for f in renderer.figures if f.name == "DOCTOR")
    seen = renderer.on_stage(doctor.slot)
    assert not seen[renderer.times < enters].any()
    assert seen[(renderer.times >= enters) & (renderer.times < exits)].all()
    assert not seen[renderer.times >= exits].any()
    nora = next(f for f in renderer.figures if f.name == "NORA")
    assert renderer.on_stage(nora.slot).all()  # to the last frame
    assert np.isnan(doctor.face(0)).all()
    labels = [
        np.abs(np.asarray(renderer.frame(i).convert("RGB")).astype(np.int16) - np.array(LABEL)).sum(
            axis=2
        )
        < 60
        for i in (0, int(enters * 30) + 2)
    ]
    assert labels[1].sum() > labels[0].sum()  # the doctor's name appears with him
