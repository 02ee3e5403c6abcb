"""Argument types of the command line: each turns an option's text into its value, or refuses
it as a usage error (argparse prints the usage and exits 2), never with a traceback. A `--size`
is read by the command itself (`parse_size`), so a bad one fails the run (exit 1) as it did."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TypeAlias

from motiondirector.errors import MotionDirectorError
from motiondirector.plan.scene import language_problem

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What `add_subparsers` returns: each command module adds its parsers to it."""


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def non_negative_int(text: str) -> int:
    """An argparse type: 0 or more (a bad value is a usage error, not a traceback)."""
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def language_tag(text: str) -> str:
    """An argparse type: a BCP 47 language tag (ja, zh-Hans, vi)."""
    problem = language_problem(text.strip())
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text.strip()


def positive_int(text: str) -> int:
    """An argparse type: 1 or more."""
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    value = _whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, got {value}")
    return value


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def character_video(text: str) -> tuple[str, str]:
    """An argparse type: `NAME=PERFORMER`, a character and a performer of the face library."""
    name, equals, video = text.partition("=")
    if not equals or not name.strip() or not video.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=PERFORMER, got {text!r}")
    return name.strip(), video.strip()


def output_file(text: str) -> Path:
    """An argparse type: a file name that is not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a file name, got an empty one")
    return Path(text)


def parse_size(text: str) -> tuple[int, int]:
    """`WIDTHxHEIGHT` as (width, height); read by the commands, so a bad one fails the run."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise MotionDirectorError(f"--size must look like 640x360, got {text!r}") from None
    return width, height
