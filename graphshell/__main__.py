"""`python -m graphshell`: the same as the `graphshell` command."""

import sys

from .cli import main

sys.exit(main())
