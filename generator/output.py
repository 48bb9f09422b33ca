"""Write a rendered site to disk: each file atomically, unchanged bytes left alone, and
files no longer produced removed.

The build renders everything in memory first, so a failed build never gets here and the
previous site stays exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


def write_file(path: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def existing_files(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def write_site(
    out: Path, files: dict[str, bytes], keep: tuple[str, ...] = (), prune: bool = True
) -> WriteStats:
    """Make ``out`` hold exactly ``files`` (plus paths under the ``keep`` prefixes)."""
    stats = WriteStats()
    out.mkdir(parents=True, exist_ok=True)
    for rel in sorted(files):
        target = out / rel
        data = files[rel]
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                stats.unchanged += 1
                continue
        except OSError:
            pass
        write_file(target, data)
        stats.written += 1
    if prune:
        for rel in sorted(existing_files(out) - set(files)):
            if not rel.startswith(keep):
                (out / rel).unlink(missing_ok=True)
                stats.removed += 1
        _remove_empty_dirs(out)
    return stats


def _remove_empty_dirs(out: Path) -> None:
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass
