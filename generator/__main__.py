"""``python -m generator`` is the ``dossier`` command."""

import sys

from .cli import main

sys.exit(main())
