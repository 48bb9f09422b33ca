"""Whole-site golden test: the fixture site must build to exactly the checked-in output.

After an intended change to templates or rendering, regenerate and review the diff:

    DOSSIER_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.build import build
from generator.config import load_config

GOLDEN = Path(__file__).parent / "golden" / "site"


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_fixture_site_matches_golden_output(site_root):
    build(load_config(site_root), search=False)
    got = files(site_root / "output")
    if os.environ.get("DOSSIER_REGEN_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in got.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = files(GOLDEN)
    assert sorted(got) == sorted(expected), "set of output files changed"
    changed = [rel for rel in got if got[rel] != expected[rel]]
    assert changed == [], f"differ from tests/golden/site: {changed[:10]}"
