"""The search index: Pagefind, run over the written site (its binary comes in the
``pagefind[bin]`` wheel; nothing is downloaded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEARCH_DIR = "pagefind"


def pagefind_command() -> list[str] | None:
    """How to run Pagefind, or None when it is not installed."""
    try:
        import pagefind_bin  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "pagefind"]


def index_search(out: Path) -> str:
    command = pagefind_command()
    if command is None:
        return "skipped: Pagefind is not installed (pip install 'pagefind[bin]')"
    result = subprocess.run(
        [*command, "--site", str(out), "--output-subdir", SEARCH_DIR, "--quiet"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return f"failed: {result.stderr.strip() or result.stdout.strip()}"
    return "indexed"
