"""Shared fixtures: a copy of the hand-written fixture site, and a way to run the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
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


def add_settings(root: Path, lines: str) -> None:
    """Put settings (TOML lines) at the top of the ``[site]`` table of a site's config."""
    config = root / "dossier.toml"
    config.write_text(config.read_text().replace("[site]\n", "[site]\n" + lines, 1))


def make_site(root: Path, n: int) -> None:
    """A synthetic site of ``n`` dossiers in ``root``: the benchmarks' generator
    (``benchmarks/make_site.py``), so tests run on the sites the benchmarks measure."""
    if str(REPO / "benchmarks") not in sys.path:
        sys.path.insert(0, str(REPO / "benchmarks"))
    from make_site import make_site as generate

    generate(root, n)


def differences(got: Mapping[str, bytes], expected: Mapping[str, bytes]) -> list[str]:
    """The paths of two built sites whose bytes differ, or that only one has: what to assert
    empty when comparing sites (pytest's own diff of two sites' bytes can take gigabytes)."""
    return sorted(p for p in got.keys() | expected.keys() if got.get(p) != expected.get(p))
