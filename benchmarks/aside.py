"""Old build outputs are set aside while a benchmark runs, and deleted when it ends.

On this machine's disk (ext4 with no journal) a file or folder made within about a minute
of many being deleted is slow to make: the inode allocator skips each recently freed inode,
one lookup at a time (``recently_deleted`` in the kernel). Deleting the last run's site
(twenty thousand files and folders) right before a cold build made its files cost ten to
thirty times more to create, several seconds of the build, and a fresh clone's first build
follows no such deletion. Renaming a folder frees nothing.

The trash is emptied when a benchmark ends, and written out (``sync``): the kernel then
skips those inodes for a minute more. So that one benchmark's cleanup does not slow the
next one started within that minute, ``set_aside`` first waits for it to pass.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

_TRASH: set[Path] = set()
QUIET_SECONDS = 61  # RECENTCY_MIN in fs/ext4/ialloc.c, for inodes written out since freed
_EMPTIED = Path(tempfile.gettempdir()) / "dossier-benchmark-trash-emptied"


def wait_for_quiet() -> None:
    """Wait until a minute has passed since a benchmark last emptied its trash."""
    try:
        wait = _EMPTIED.stat().st_mtime + QUIET_SECONDS - time.time()
    except FileNotFoundError:
        return
    if wait > 0:
        print(
            f"waiting {wait:.0f} s after the last benchmark's cleanup (see aside.py)",
            file=sys.stderr,
            flush=True,
        )
        time.sleep(wait)


def set_aside(trash: Path, *paths: Path) -> None:
    """Move each of ``paths`` that exists into ``trash`` (same file system), to be deleted
    when the benchmark ends. First waits, if need be, for the last cleanup to settle."""
    wait_for_quiet()
    for path in paths:
        if os.path.lexists(path):
            trash.mkdir(parents=True, exist_ok=True)
            _TRASH.add(trash)
            os.rename(path, Path(tempfile.mkdtemp(dir=trash)) / path.name)


@atexit.register
def empty_trash() -> None:
    if not _TRASH:
        return
    for trash in _TRASH:
        shutil.rmtree(trash, ignore_errors=True)
    _TRASH.clear()
    os.sync()  # the freed inodes' table blocks written out: skipped for a minute, not five
    try:
        _EMPTIED.touch()
    except OSError:  # another user's marker: the next benchmark does not wait
        pass
