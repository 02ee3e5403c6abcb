"""`python -m motiondirector.cli`: the same command line as `motiondirector`."""

import sys

from motiondirector.cli import main

sys.exit(main())
