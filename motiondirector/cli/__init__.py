"""The `motiondirector` command line: a thin shell over the pipeline and the exporters.

Errors the user can fix are printed as one line starting with `error:`, never as a traceback.
The exit code says which kind of failure it was (`EXIT_CODES`, also shown by `--help`):

    0    success
    1    the input or the run failed: a missing, unreadable or invalid file, an invalid plan,
         a backend or server that cannot start (the message says why)
    2    usage: an unknown command or option, or an option value of the wrong form
    130  interrupted (Ctrl-C)

This package parses options and prints; it must not plan, realize or export by itself. `main`
is the console script; each command lives in a module of its own:

    plan.py               plan, demo
    contract.py           validate, schema, vocabulary
    direct.py             direct, revise (and the clip, face library and Director options)
    render.py             render, conditioning
    generate.py           generate (in this process or on Ray)
    analyze.py            analyze
    index.py              index build, index info
    library.py            library list, library export
    search.py             search
    evaluate.py           eval
    serve.py              serve

and what several commands share: `parser.py` (the parser, its help format, which command runs),
`arg_types.py` (option value types), `options.py` (planning and LLM options),
`generator_options.py` (video backend speed, memory and Ray options), `clip_libraries.py`
(opening a clip library by name), `output.py` (writing files, notes on stderr) and
`exit_codes.py`. Heavy imports stay inside the functions that run a command, so `--help` and
every parse start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from motiondirector.cli.exit_codes import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)
from motiondirector.cli.parser import build_parser, run_command
from motiondirector.errors import (
    InputTooLargeError,
    MotionDirectorError,
    PlanValidationError,
)

__all__ = ["EXIT_CODES", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (`EXIT_CODES`). A usage error exits from
    argparse with `EXIT_USAGE` after printing the usage."""
    args = build_parser().parse_args(argv)
    try:
        return run_command(args)
    except PlanValidationError as error:
        print(f"error: invalid plan: {error}", file=sys.stderr)
        return EXIT_FAILED
    except InputTooLargeError as error:
        print(f"error: {error}; --max-bytes N raises the limit", file=sys.stderr)
        return EXIT_FAILED
    except MotionDirectorError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (`| head`) has what it wanted. Point stdout at /dev/null so that the
        # interpreter's last flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
