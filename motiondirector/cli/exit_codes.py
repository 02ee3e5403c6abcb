"""The command line's exit codes: what each number means, as `--help` shows them under the
commands and docs/cli.md in its table."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # what argparse exits with
EXIT_INTERRUPTED = 130
EXIT_CODES = """\
exit codes:
  0    success
  1    the input or the run failed: a missing, unreadable or invalid file, an invalid plan,
       a backend or server that cannot start (the message says why)
  2    usage: an unknown command or option, or an option value of the wrong form
  130  interrupted (Ctrl-C)
"""
