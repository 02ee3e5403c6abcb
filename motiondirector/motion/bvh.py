"""BVH motion files: read any rig, write the canonical skeleton.

`read_bvh` / `parse_bvh` accept any hierarchy (any joint count, any Euler channel order per
joint, optional position channels on any joint) and return the file's own skeleton and channel
values; turning that into a `Motion` on the canonical skeleton is `retarget`'s job.
`write_bvh` / `motion_to_bvh` write a `Motion` as a standard BVH of the canonical skeleton.

Malformed input never escapes as a raw exception: every problem raises `ScriptError` naming the
file and the 1-based line.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from motiondirector.errors import ScriptError
from motiondirector.motion.clip import Motion
from motiondirector.motion.quaternion import quat_apply, quat_multiply
from motiondirector.motion.skeleton import JOINTS, PARENTS, REST_OFFSETS

POSITION_CHANNELS = ("Xposition", "Yposition", "Zposition")
ROTATION_CHANNELS = ("Xrotation", "Yrotation", "Zrotation")
_KNOWN_CHANNELS = {name.lower(): name for name in POSITION_CHANNELS + ROTATION_CHANNELS}

# The canonical skeleton's end sites: where a leaf bone ends (metres, in the leaf's frame).
_END_SITES: dict[str, tuple[float, float, float]] = {
    "head": (0.0, 0.10, 0.0),
    "left_wrist": (0.08, 0.0, 0.0),
    "right_wrist": (-0.08, 0.0, 0.0),
    "left_foot": (0.0, 0.0, 0.05),
    "right_foot": (0.0, 0.0, 0.05),
}
_WRITE_ROTATION_ORDER = ("Zrotation", "Xrotation", "Yrotation")


@dataclass(frozen=True, eq=False)
class BvhSkeleton:
    """A BVH hierarchy. Joints are in file order (parents before children); `parents[0]` is -1.

    `offsets` (joints, 3) are in the file's units; `channels[j]` are joint j's channel names in
    file order (e.g. ("Zrotation", "Xrotation", "Yrotation")); `end_sites` pairs a joint index
    with the offset of its End Site.
    """

    names: tuple[str, ...]
    parents: tuple[int, ...]
    offsets: np.ndarray
    channels: tuple[tuple[str, ...], ...]
    end_sites: tuple[tuple[int, tuple[float, float, float]], ...] = ()

    @property
    def channel_count(self) -> int:
        return sum(len(c) for c in self.channels)

    @property
    def channel_starts(self) -> tuple[int, ...]:
        """Column of each joint's first channel in a frame line."""
        starts, total = [], 0
        for joint_channels in self.channels:
            starts.append(total)
            total += len(joint_channels)
        return tuple(starts)

    @functools.cached_property
    def rotation_layout(self) -> tuple[np.ndarray, np.ndarray]:
        """(columns, axes), each (joints, 3): the frame-line column of each joint's first,
        second and third rotation channel (channel_count, a zero column, where it has fewer)
        and that channel's axis (0 x, 1 y, 2 z)."""
        columns = np.full((len(self.names), 3), self.channel_count)
        axes = np.zeros((len(self.names), 3), dtype=np.int64)
        for joint, (start, names) in enumerate(
            zip(self.channel_starts, self.channels, strict=True)
        ):
            slot = 0
            for k, name in enumerate(names):
                if name in ROTATION_CHANNELS:
                    columns[joint, slot] = start + k
                    axes[joint, slot] = "XYZ".index(name[0])
                    slot += 1
        return columns, axes

    def index(self, name: str) -> int:
        return self.names.index(name)

    def rest_positions(self) -> np.ndarray:
        """Joint positions (joints, 3) with every rotation zero and translations from OFFSET."""
        positions = np.zeros((len(self.names), 3))
        for joint, parent in enumerate(self.parents):
            base = positions[parent] if parent >= 0 else 0.0
            positions[joint] = base + self.offsets[joint]
        return positions


@dataclass(frozen=True, eq=False)
class BvhMotion:
    """A BVH file's motion: `values` (frames, channel_count) in file order, degrees for
    rotations, file units for positions."""

    skeleton: BvhSkeleton
    frame_time: float
    values: np.ndarray
    file: str | None = None

    @property
    def frames(self) -> int:
        return int(self.values.shape[0])

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time

    def local_rotation(self, joint: int | str) -> Rotation:
        """Joint rotation relative to its parent over all frames (a scipy Rotation of length
        `frames`), composed intrinsically in the joint's own channel order as BVH means."""
        index = self.skeleton.index(joint) if isinstance(joint, str) else joint
        return Rotation.from_quat(self.local_quaternions()[:, index])

    def local_quaternions(self) -> np.ndarray:
        """Local rotations of every joint, (frames, joints, 4) quaternions xyzw.

        "Zrotation Xrotation Yrotation" means R = Rz * Rx * Ry (intrinsic z, x', y''), the
        same as scipy's `Rotation.from_euler("ZXY", ...)`; each joint keeps its own order."""
        columns, axes = self.skeleton.rotation_layout
        joints = len(self.skeleton.names)
        padded = np.concatenate([self.values, np.zeros((self.frames, 1))], axis=1)
        half = np.radians(padded[:, columns]) / 2.0  # (frames, joints, 3); missing slots read 0
        result: np.ndarray | None = None
        rows = np.arange(joints)
        for slot in range(3):
            elementary = np.zeros((self.frames, joints, 4))
            elementary[:, rows, axes[:, slot]] = np.sin(half[:, :, slot])
            elementary[..., 3] = np.cos(half[:, :, slot])
            result = elementary if result is None else quat_multiply(result, elementary)
        assert result is not None
        return result

    def local_translations(self) -> np.ndarray:
        """Each joint's translation from its parent, (frames, joints, 3): the OFFSET, with any
        position channel replacing the matching OFFSET component (as MotionBuilder writes)."""
        skeleton = self.skeleton
        out = np.broadcast_to(skeleton.offsets, (self.frames, *skeleton.offsets.shape)).copy()
        for joint, (start, names) in enumerate(
            zip(skeleton.channel_starts, skeleton.channels, strict=True)
        ):
            for k, name in enumerate(names):
                if name in POSITION_CHANNELS:
                    out[:, joint, "XYZ".index(name[0])] = self.values[:, start + k]
        return out

    def root_positions(self) -> np.ndarray:
        """The root joint's position over time, (frames, 3) in file units."""
        return self.local_translations()[:, 0]

    def forward_kinematics(self) -> tuple[np.ndarray, np.ndarray]:
        """Global rotations (frames, joints, 4) xyzw and positions (frames, joints, 3)."""
        local_rot = self.local_quaternions()
        local_pos = self.local_translations()
        rotations = np.empty_like(local_rot)
        positions = np.empty_like(local_pos)
        for joint, parent in enumerate(self.skeleton.parents):
            if parent < 0:
                rotations[:, joint] = local_rot[:, joint]
                positions[:, joint] = local_pos[:, joint]
            else:
                rotations[:, joint] = quat_multiply(rotations[:, parent], local_rot[:, joint])
                positions[:, joint] = positions[:, parent] + quat_apply(
                    rotations[:, parent], local_pos[:, joint]
                )
        return rotations, positions


def read_bvh(path: str | Path) -> BvhMotion:
    """Read a BVH file. Raises `ScriptError` (with file and line) on anything malformed."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise ScriptError("no such BVH file", file=file) from None
    except IsADirectoryError:
        raise ScriptError("is a directory, not a BVH file", file=file) from None
    except OSError as error:
        raise ScriptError(f"cannot read BVH file: {error.strerror}", file=file) from None
    return parse_bvh(text, file=file)


# A library holds many clips of one rig: parse each distinct HIERARCHY once (skeletons are
# immutable, so sharing them is safe).
_SKELETONS: dict[str, BvhSkeleton] = {}


def parse_bvh(text: str, file: str | None = None) -> BvhMotion:
    """Parse BVH text. `file` only labels errors."""
    lines = text.splitlines()
    motion_line = _find_motion_section(lines, file)
    hierarchy = "\n".join(lines[:motion_line])
    skeleton = _SKELETONS.get(hierarchy)
    if skeleton is None:
        skeleton = _parse_hierarchy(lines[:motion_line], file)
        if len(_SKELETONS) >= 64:
            _SKELETONS.pop(next(iter(_SKELETONS)))
        _SKELETONS[hierarchy] = skeleton
    frame_count, frame_time, data_start = _parse_motion_header(lines, motion_line, file)
    values = _parse_frames(lines, data_start, frame_count, skeleton.channel_count, file)
    return BvhMotion(skeleton, frame_time, values, file)


def _find_motion_section(lines: list[str], file: str | None) -> int:
    for number, line in enumerate(lines):
        if line.strip().upper() == "MOTION":
            return number
    # Say what the file is when it is no BVH at all: "ends inside the HIERARCHY" would
    # send the user looking for a HIERARCHY that was never there.
    first = next(((n, line.split()[0]) for n, line in enumerate(lines, 1) if line.split()), None)
    if first is None:
        raise ScriptError("the file is empty (no HIERARCHY, no MOTION)", line=None, file=file)
    if first[1].upper() != "HIERARCHY":
        raise ScriptError(f"not a BVH file: it starts with {first[1][:20]!r}, not HIERARCHY",
                          line=first[0], file=file)  # fmt: skip
    raise ScriptError("no MOTION section (the file ends inside the HIERARCHY)", line=len(lines),
                      file=file)  # fmt: skip


def _tokens(lines: list[str]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for number, line in enumerate(lines, start=1):
        out.extend(
            (token, number) for token in line.replace("{", " { ").replace("}", " } ").split()
        )
    return out


class _Tokens:
    def __init__(self, tokens: list[tuple[str, int]], file: str | None, last_line: int) -> None:
        self.items = tokens
        self.at = 0
        self.file = file
        self.last_line = last_line

    def line(self) -> int:
        if self.at < len(self.items):
            return self.items[self.at][1]
        return self.last_line

    def peek(self) -> str | None:
        return self.items[self.at][0] if self.at < len(self.items) else None

    def next(self, what: str) -> str:
        if self.at >= len(self.items):
            raise ScriptError(f"the HIERARCHY ends early: expected {what}", line=self.last_line,
                              file=self.file)  # fmt: skip
        token = self.items[self.at][0]
        self.at += 1
        return token

    def expect(self, word: str) -> None:
        line = self.line()
        token = self.next(repr(word))
        if token.upper() != word.upper():
            raise ScriptError(f"expected {word!r}, found {token!r}", line=line, file=self.file)

    def number(self, what: str) -> float:
        line = self.line()
        token = self.next(what)
        try:
            value = float(token)
        except ValueError:
            raise ScriptError(f"{what}: {token!r} is not a number", line=line,
                              file=self.file) from None  # fmt: skip
        if not math.isfinite(value):
            raise ScriptError(f"{what} is {token}", line=line, file=self.file)
        return value


def _parse_hierarchy(lines: list[str], file: str | None) -> BvhSkeleton:
    tokens = _Tokens(_tokens(lines), file, max(len(lines), 1))
    tokens.expect("HIERARCHY")
    names: list[str] = []
    parents: list[int] = []
    offsets: list[tuple[float, float, float]] = []
    channels: list[tuple[str, ...]] = []
    end_sites: list[tuple[int, tuple[float, float, float]]] = []

    def offset(what: str) -> tuple[float, float, float]:
        tokens.expect("OFFSET")
        return (tokens.number(what), tokens.number(what), tokens.number(what))

    def joint(parent: int) -> None:
        line = tokens.line()
        name = tokens.next("a joint name")
        if name == "{":
            raise ScriptError("a joint has no name", line=line, file=file)
        if name in names:
            raise ScriptError(f"joint {name!r} is defined twice", line=line, file=file)
        index = len(names)
        names.append(name)
        parents.append(parent)
        tokens.expect("{")
        offsets.append(offset(f"OFFSET of {name}"))
        joint_channels: tuple[str, ...] = ()
        if (tokens.peek() or "").upper() == "CHANNELS":
            tokens.next("CHANNELS")
            count_line = tokens.line()
            count_token = tokens.next("the channel count")
            if not count_token.isdigit():
                raise ScriptError(f"channel count of {name} is {count_token!r}, not a number",
                                  line=count_line, file=file)  # fmt: skip
            found = []
            for _ in range(int(count_token)):
                channel_line = tokens.line()
                channel = tokens.next(f"a channel name of {name}")
                known = _KNOWN_CHANNELS.get(channel.lower())
                if known is None:
                    raise ScriptError(
                        f"{name} declares {count_token} channels but {channel!r} is not a channel"
                        " name (expected Xposition, Yposition, Zposition, Xrotation, Yrotation,"
                        " Zrotation)",
                        line=channel_line,
                        file=file,
                    )
                found.append(known)
            if len(set(found)) != len(found):
                raise ScriptError(f"{name} repeats a channel", line=count_line, file=file)
            joint_channels = tuple(found)
        channels.append(joint_channels)
        while True:
            line = tokens.line()
            token = tokens.next(f"'}}' closing {name}")
            upper = token.upper()
            if token == "}":
                return
            if upper == "JOINT":
                joint(index)
            elif upper == "END":
                tokens.expect("Site")
                tokens.expect("{")
                end_sites.append((index, offset(f"End Site OFFSET of {name}")))
                tokens.expect("}")
            elif upper == "ROOT":
                raise ScriptError(f"ROOT inside joint {name} (unbalanced braces?)", line=line,
                                  file=file)  # fmt: skip
            else:
                raise ScriptError(f"unexpected {token!r} in joint {name}", line=line, file=file)

    tokens.expect("ROOT")
    joint(-1)
    if tokens.peek() is not None:
        line = tokens.line()
        token = tokens.next("")
        if token.upper() == "ROOT":
            raise ScriptError("more than one ROOT is not supported", line=line, file=file)
        raise ScriptError(f"unexpected {token!r} after the root joint closed (unbalanced braces?)",
                          line=line, file=file)  # fmt: skip
    offset_array = np.array(offsets, dtype=np.float64).reshape(-1, 3)
    offset_array.setflags(write=False)
    return BvhSkeleton(
        names=tuple(names),
        parents=tuple(parents),
        offsets=offset_array,
        channels=tuple(channels),
        end_sites=tuple(end_sites),
    )


_HEADER = re.compile(r"^\s*(frames|frame\s+time)\s*:\s*(\S+)\s*$", re.IGNORECASE)


def _parse_motion_header(
    lines: list[str], motion_line: int, file: str | None
) -> tuple[int, float, int]:
    found: dict[str, str] = {}
    found_at: dict[str, int] = {}
    number = motion_line + 1
    while len(found) < 2:
        while number < len(lines) and not lines[number].strip():
            number += 1
        if number >= len(lines):
            missing = "Frames:" if "frames" not in found else "Frame Time:"
            raise ScriptError(f"the file ends before {missing!r}", line=len(lines), file=file)
        match = _HEADER.match(lines[number])
        if match is None:
            expected = "Frames:" if "frames" not in found else "Frame Time:"
            raise ScriptError(f"expected {expected!r}, found {lines[number].strip()[:40]!r}",
                              line=number + 1, file=file)  # fmt: skip
        key = "frames" if match.group(1).lower() == "frames" else "time"
        found[key] = match.group(2)
        found_at[key] = number + 1
        number += 1
    frames_token, time_token = found["frames"], found["time"]
    if not frames_token.isdigit():
        raise ScriptError(
            f"Frames: {frames_token!r} is not a whole number", line=found_at["frames"], file=file
        )
    try:
        frame_time = float(time_token)
    except ValueError:
        raise ScriptError(f"Frame Time: {time_token!r} is not a number", line=found_at["time"],
                          file=file) from None  # fmt: skip
    if not (math.isfinite(frame_time) and frame_time > 0):
        raise ScriptError(
            f"Frame Time must be positive, got {time_token}", line=found_at["time"], file=file
        )
    return int(frames_token), frame_time, number


def _parse_frames(
    lines: list[str], start: int, frame_count: int, channel_count: int, file: str | None
) -> np.ndarray:
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    block = lines[start:end]
    if len(block) == frame_count and frame_count > 0:
        try:
            values = np.loadtxt(block, dtype=np.float64, comments=None, ndmin=2)
        except ValueError:
            values = None
        if values is not None and values.shape == (frame_count, channel_count):
            _check_finite(values, lines, start, file)
            return values
    rows = [line.split() for line in block]
    if len(rows) < frame_count:
        raise ScriptError(
            f"truncated: 'Frames: {frame_count}' but only {len(rows)} frame lines follow",
            line=end,
            file=file,
        )
    if len(rows) > frame_count:
        raise ScriptError(
            f"'Frames: {frame_count}' but {len(rows)} frame lines follow",
            line=start + frame_count + 1,
            file=file,
        )
    counts = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    wrong = np.flatnonzero(counts != channel_count)
    if wrong.size:
        bad = int(wrong[0])
        raise ScriptError(
            f"frame {bad + 1} has {int(counts[bad])} values, the HIERARCHY declares "
            f"{channel_count} channels",
            line=start + bad + 1,
            file=file,
        )
    try:
        flat = np.array(list(chain.from_iterable(rows)), dtype=np.float64)
    except ValueError:
        flat = None
    if flat is None:
        for row_index, row in enumerate(rows):
            for token in row:
                try:
                    float(token)
                except ValueError:
                    raise ScriptError(f"{token!r} is not a number", line=start + row_index + 1,
                                      file=file) from None  # fmt: skip
        raise AssertionError("unreachable: a token failed to convert but none is bad")
    values = flat.reshape(frame_count, channel_count)
    _check_finite(values, lines, start, file)
    return values


def _check_finite(values: np.ndarray, lines: list[str], start: int, file: str | None) -> None:
    finite = np.isfinite(values)
    if not finite.all():
        row, column = (int(i) for i in np.argwhere(~finite)[0])
        raise ScriptError(
            f"frame {row + 1} holds {lines[start + row].split()[column]} in column {column + 1}",
            line=start + row + 1,
            file=file,
        )


def continuous_euler(angles: np.ndarray) -> np.ndarray:
    """The same rotations, (frames, joints, 3) Euler angles in degrees in any Tait-Bryan order
    (three different axes), with each channel continuous from frame to frame.

    `as_euler` keeps the middle angle in [-90, 90] and the others in [-180, 180]: a turn
    through 180 degrees wraps from 179 to -179, where a reader that interpolates, filters or
    key-reduces the channels spins the joint round, and a knee bending past 90 degrees jumps
    from (0, 89, 0) to (-180, 89, 180), a spike in any curve editor. Each frame takes
    whichever of its two equivalent triples, (a, b, c) or
    (a + 180, 180 - b, c + 180), is nearer the previous frame's, then every channel is
    unwrapped by whole turns (an Euler filter)."""
    if angles.shape[0] < 2:
        return angles
    flipped = angles + np.array([180.0, 0.0, 180.0])
    flipped[..., 1] = 180.0 - angles[..., 1]

    def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        wrapped = np.abs((a - b + 180.0) % 360.0 - 180.0)
        return np.asarray(wrapped.sum(axis=-1))

    # The flip maps each triple to its twin and keeps distances, so whether frame t changes
    # branch from frame t-1 depends only on the two frames as `as_euler` gave them.
    changes = distance(flipped[1:], angles[:-1]) < distance(angles[1:], angles[:-1])
    branch = np.concatenate([np.zeros((1, angles.shape[1]), dtype=bool),
                             np.cumsum(changes, axis=0) % 2 == 1])  # fmt: skip
    chosen = np.where(branch[..., None], flipped, angles)
    return unwrap_degrees(chosen)


# Frame lines are made a block of frames at a time: memory stays bounded on a feature-length
# motion (174,600 frames), and a block's arrays stay in cache (512 frames measured fastest).
_FORMAT_BLOCK_FRAMES = 512
# Below this magnitude a value times 1e6 is under 2**52, where `_format_block`'s rounding
# argument holds; a block with a value beyond it (or NaN or inf) is formatted by "%.6f" itself.
_FAST_FORMAT_LIMIT = 1e9


def _digit_words() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lookup tables of 4-byte words (uint32 views of four ASCII bytes; NUL marks a byte to
    drop), each indexed by a group of three digits: the leading group of an integer part,
    right-aligned after NUL padding and a "-" (index group + 1000 for a negative value); an
    inner group, "NUL ddd"; the first three decimals, ".ddd"; the last three, "ddd "."""

    def words(texts: list[bytes]) -> np.ndarray:
        table = np.frombuffer(b"".join(texts), dtype=np.uint8).reshape(-1, 4)
        return np.ascontiguousarray(table).view(np.uint32).ravel()

    leading = [b"%d" % g for g in range(1000)] + [b"-%d" % g for g in range(1000)]
    return (
        words([text.rjust(4, b"\0") for text in leading]),
        words([b"\0%03d" % g for g in range(1000)]),
        words([b".%03d" % g for g in range(1000)]),
        words([b"%03d " % g for g in range(1000)]),
    )


_LEADING_WORDS, _INNER_WORDS, _POINT_WORDS, _TAIL_WORDS = _digit_words()


def frame_blocks(values: np.ndarray) -> Iterator[str]:
    """The frame lines of a BVH MOTION section, a block of frames at a time: each row of
    `values` (frames, channels) as its values in "%.6f" separated by single spaces, every line
    ending in "\\n". Byte for byte the text `"%.6f" % value` gives, for every float64 (NaN and
    inf included), at a fraction of its cost (benchmarks/bvh_io.py)."""
    values = np.asarray(values, dtype=np.float64)
    row_format = " ".join(["%.6f"] * values.shape[1]) + "\n"
    for start in range(0, values.shape[0], _FORMAT_BLOCK_FRAMES):
        block = values[start : start + _FORMAT_BLOCK_FRAMES]
        if block.shape[1] and np.all(np.abs(block) < _FAST_FORMAT_LIMIT):  # NaN compares False
            yield _format_block(block)
        else:
            yield "".join(row_format % tuple(row) for row in block)


def _format_block(block: np.ndarray) -> str:
    """`frame_blocks` of one block of finite values under `_FAST_FORMAT_LIMIT`: each value
    becomes fixed-width words of digits, NUL-padded, and the NULs are dropped at the end.

    "%.6f" rounds the exact binary value half to even. Here x = |v| * 1e6 is computed as
    p = fl(x); below 2**52 the fractional part of p is a multiple of ulp(p), so p and x lie on
    the same side of every half-integer unless p is exactly one (x may then sit just either
    side of it). `rint(p)` is therefore x correctly rounded except where p is halfway, and
    those values, rare (v = 0.0078125 is one), take their digits from "%.6f" itself. The digit
    groups are split off in float64, exact for integers this small, as numpy divides floats
    faster than integers."""
    frames = block.shape[0]
    flat = block.ravel()
    micros = np.abs(flat)
    micros *= 1e6
    scaled = micros.copy()
    np.rint(micros, out=micros)
    scaled -= micros
    for index in np.flatnonzero(np.abs(scaled, out=scaled) == 0.5):
        micros[index] = int(f"{abs(float(flat[index])):.6f}".replace(".", ""))
    whole = np.floor(micros / 1e6)
    micros -= whole * 1e6
    upper = np.floor(micros / 1e3)
    micros -= upper * 1e3
    sign = np.signbit(flat) * 1000
    # One word per group of three integer digits, most significant first: groups above a
    # value's leading one are all NUL, and the leading one carries the sign.
    groups = 1
    while whole.max() >= 1000.0**groups:
        groups += 1
    words = np.empty((flat.size, groups + 2), dtype=np.uint32)
    if groups == 1:  # |v| < 1000, nearly every block of a motion
        words[:, 0] = _LEADING_WORDS[whole.astype(np.intp) + sign]
    else:
        rest = whole
        for column in range(groups - 1, -1, -1):
            above = np.floor(rest / 1e3)
            group = (rest - above * 1e3).astype(np.intp)
            word = np.where(above > 0, _INNER_WORDS[group], _LEADING_WORDS[group + sign])
            words[:, column] = word if column == groups - 1 else np.where(rest > 0, word, 0)
            rest = above
    words[:, groups] = _POINT_WORDS[upper.astype(np.intp)]
    words[:, groups + 1] = _TAIL_WORDS[micros.astype(np.intp)]
    text = words.view(np.uint8).reshape(frames, -1)
    text[:, -1] = ord("\n")
    return text.tobytes().translate(None, b"\0").decode("ascii")


def unwrap_degrees(angles: np.ndarray) -> np.ndarray:
    """`np.unwrap(angles, period=360.0, axis=0)`, bit for bit, in a third of its time: the
    wrap correction is worked out only where a frame-to-frame step reaches 180 degrees (rare
    in motion), where `np.unwrap` works it out for every value and then zeroes it."""
    steps = np.diff(angles, axis=0)
    jumps = np.abs(steps) >= 180.0
    correction = np.zeros_like(steps)
    jumped = steps[jumps]
    wrapped = np.mod(jumped + 180.0, 360.0) - 180.0
    wrapped[(wrapped == -180.0) & (jumped > 0)] = 180.0
    correction[jumps] = wrapped - jumped
    unwrapped = np.array(angles, dtype=np.float64, copy=True)
    unwrapped[1:] = angles[1:] + np.cumsum(correction, axis=0)
    return unwrapped


def motion_to_bvh(motion: Motion) -> str:
    """The motion as BVH text on the canonical skeleton: metres, ZXY rotation channels on every
    joint, position channels on the root, six decimals."""
    children: dict[int, list[int]] = {j: [] for j in range(len(JOINTS))}
    for joint, parent in enumerate(PARENTS):
        if parent >= 0:
            children[parent].append(joint)
    order: list[int] = []
    out = ["HIERARCHY"]

    def fmt(values: np.ndarray | tuple[float, ...]) -> str:
        return " ".join(f"{float(v):.6f}" for v in values)

    def write(joint: int, depth: int) -> None:
        pad = "\t" * depth
        keyword = "ROOT" if PARENTS[joint] < 0 else "JOINT"
        out.append(f"{pad}{keyword} {JOINTS[joint]}")
        out.append(f"{pad}{{")
        offset = np.zeros(3) if PARENTS[joint] < 0 else REST_OFFSETS[joint]
        out.append(f"{pad}\tOFFSET {fmt(offset)}")
        channels: tuple[str, ...] = _WRITE_ROTATION_ORDER
        if PARENTS[joint] < 0:
            channels = POSITION_CHANNELS + channels
        out.append(f"{pad}\tCHANNELS {len(channels)} {' '.join(channels)}")
        order.append(joint)
        for child in children[joint]:
            write(child, depth + 1)
        if not children[joint]:
            site = _END_SITES.get(JOINTS[joint], (0.0, 0.0, 0.0))
            out.extend([f"{pad}\tEnd Site", f"{pad}\t{{", f"{pad}\t\tOFFSET {fmt(site)}",
                        f"{pad}\t}}"])  # fmt: skip
        out.append(f"{pad}}}")

    write(0, 0)
    frames = motion.frames
    rotations = Rotation.from_quat(motion.rotations[:, order].reshape(-1, 4))
    with warnings.catch_warnings():
        # At X = +-90 degrees Z and Y share an axis; scipy warns but returns a valid split,
        # and any valid split composes back to the same rotation.
        warnings.filterwarnings("ignore", message="Gimbal lock detected", category=UserWarning)
        angles = rotations.as_euler("ZXY", degrees=True).reshape(frames, len(order), 3)
    angles = continuous_euler(angles)
    columns = np.concatenate(
        [motion.root_positions, angles.reshape(frames, len(order) * 3)], axis=1
    )
    columns[np.abs(columns) < 5e-7] = 0.0  # no "-0.000000" in the file
    out.append("MOTION")
    out.append(f"Frames: {frames}")
    # Ten decimals: importers take the rate as 1 / Frame Time, and Blender keeps the remainder
    # as a 32-bit fps_base; eight decimals made 30 fps a custom 29.999996 fps there.
    out.append(f"Frame Time: {1.0 / motion.fps:.10f}")
    return "".join(chain(["\n".join(out) + "\n"], frame_blocks(columns)))


def write_bvh(motion: Motion, path: str | Path) -> None:
    """Write `motion_to_bvh(motion)` to `path` (UTF-8, LF line ends)."""
    Path(path).write_text(motion_to_bvh(motion), encoding="utf-8", newline="\n")
