"""The command line's parser: each command module adds its commands to the subcommands, in the
order `--help` lists them, and sets the function that runs each (`run`, read by `run_command`).
Every parser formats its help with `_HelpFormatter`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, cast

from motiondirector.cli import (
    analyze,
    contract,
    direct,
    evaluate,
    generate,
    index,
    library,
    plan,
    render,
    search,
    serve,
)
from motiondirector.cli.arg_types import Subcommands
from motiondirector.cli.exit_codes import EXIT_CODES


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the description and epilog as written and shows each option's default, except
    where there is none (None, off, empty) or the help already says it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if default is None or default is False or default == [] or "default" in text:
            return text
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every subcommand parser formats help with `_HelpFormatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the whole command line, its commands in the order `--help` lists them."""
    parser = _Parser(
        prog="motiondirector",
        description="Direct digital humans: plan word-timed face, head, gaze, gesture and\n"
        "posture for every character in a script.",
        epilog=EXIT_CODES,
    )
    from motiondirector import __version__

    parser.add_argument("--version", action="version", version=f"motiondirector {__version__}")
    # Typed as the command modules take it; its parsers are `_Parser`s all the same.
    sub = cast(Subcommands, parser.add_subparsers(dest="command", required=True))
    for add in (
        plan.add_plan,
        plan.add_demo,
        direct.add_direct,
        direct.add_revise,
        render.add_render,
        render.add_conditioning,
        generate.add_generate,
        analyze.add_analyze,
        contract.add_validate,
        index.add_index,
        library.add_library,
        search.add_search,
        evaluate.add_eval,
        serve.add_serve,
        contract.add_schema,
        contract.add_vocabulary,
    ):
        add(sub)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run the command `args` were parsed for, with the function its parser set."""
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)
