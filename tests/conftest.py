"""Shared fixtures: a copy of the hand-written fixture site, and a way to run the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "tests" / "fixtures" / "site"


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/site (content and config, no output)."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root, ignore=shutil.ignore_patterns("output", ".dossier-cache"))
    return root


def run_dossier(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=600,
    )
