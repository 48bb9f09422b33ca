"""``python -m generator`` is the ``dossier`` command."""

from .cli import run

run()
