"""``python -m mscflow.cli``: the same as the ``mscflow`` command."""

import sys

from .main import main

sys.exit(main())
