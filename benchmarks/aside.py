"""Old build outputs are set aside while a benchmark runs, and deleted when it ends.

On this machine's disk (ext4 with no journal) a file or folder made within about a minute
of many being deleted is slow to make: the inode allocator skips each recently freed inode,
one lookup at a time (``recently_deleted`` in the kernel). Deleting the last run's site
(twenty thousand files and folders) right before a cold build made its files cost ten to
thirty times more to create, several seconds of the build, and a fresh clone's first build
follows no such deletion. Renaming a folder frees nothing.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_TRASH: set[Path] = set()


def set_aside(trash: Path, *paths: Path) -> None:
    """Move each of ``paths`` that exists into ``trash`` (same file system), to be deleted
    when the benchmark ends."""
    for path in paths:
        if os.path.lexists(path):
            trash.mkdir(parents=True, exist_ok=True)
            _TRASH.add(trash)
            os.rename(path, Path(tempfile.mkdtemp(dir=trash)) / path.name)


@atexit.register
def empty_trash() -> None:
    for trash in _TRASH:
        shutil.rmtree(trash, ignore_errors=True)
    _TRASH.clear()
