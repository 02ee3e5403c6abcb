"""`python -m motiondirector`: the same command line as `motiondirector`."""

import sys

from motiondirector.cli import main

sys.exit(main())
