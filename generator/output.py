"""Write a rendered site to disk: each file atomically, unchanged bytes left alone, and
files no longer produced removed.

The build renders everything first (in memory, or into a staging folder beside ``output/``),
so a failed build never gets here and the previous site stays exactly as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


BIG = 1 << 18  # files made this big wait in a staging folder, not in memory
# parts of a staged file are gathered this much at a time: a buffer used again, where
# joining a 10 MB export first took fresh memory for all of it (page faults, ~8 ms)
_PARTS_BUFFER = 1 << 20


def write_file(path: Path, data: bytes, trash: str | None = None) -> None:
    """Temp file in the same folder, then rename: readers see the old or the new file.
    With ``trash``, the file replaced is linked there first (see ``write_site``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        if trash is not None:
            _keep_old(path, trash)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def hold_file(
    rel: str,
    data: bytes | list[bytes],
    files: dict[str, bytes],
    staged: dict[str, str],
    staging: str | None,
) -> None:
    """Hold a file just made until the write: in ``files``, or when big (and there is a
    ``staging`` folder) in a file there, named in ``staged``. ``data``: the bytes, or their
    parts in order (an export of many megabytes: staged, it is never joined in memory)."""
    size = len(data) if isinstance(data, bytes) else sum(map(len, data))
    if staging is not None and size >= BIG:
        staged[rel] = stage_file(staging, rel, data)
    else:
        files[rel] = data if isinstance(data, bytes) else b"".join(data)


def stage_file(staging: str, rel: str, data: bytes | list[bytes]) -> str:
    """Leave ``data`` (bytes, or their parts in order) in ``staging`` where ``rel`` goes in
    ``output/`` (for ``move_in`` or ``write_site`` to move into place), so that the bytes
    need not be held until then. Returns the file's name."""
    name = os.path.join(staging, rel)
    os.makedirs(os.path.dirname(name), exist_ok=True)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb", buffering=_PARTS_BUFFER) as fh:
        os.fchmod(fh.fileno(), 0o644)
        if isinstance(data, bytes):
            fh.write(data)
        else:
            fh.writelines(data)
    return name


def _keep_old(path: Path, trash: str) -> None:
    """Link a file about to be replaced into ``trash``: the rename over it then only drops
    a name, and freeing its blocks waits until ``trash`` is removed. On ext4 mounted with
    ``discard`` (as here), freeing a file's blocks took milliseconds a megabyte, and even a
    page of a few kilobytes took one or two: half the time writing an edit's pages."""
    try:
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode):
            os.link(path, os.path.join(trash, str(st.st_ino)))
    except OSError:
        pass  # no such file, or no hard links here: replaced (and freed) right away


def _drop_folder(folder: Path, trash: str | None) -> bool:
    """Take ``folder`` away if it is empty; False if it is not (or cannot go). Moved into
    ``trash`` when there is one, as files are linked there (``_keep_old``): removing an
    emptied folder (a year of the timeline an event left) took about ten milliseconds on
    this disk, freeing its block. (Only the build writes in ``output/``: nothing comes
    into the folder between the look and the move.) Removed at once when it cannot be
    moved there (``output/`` a mount of its own)."""
    if trash is not None:
        try:
            with os.scandir(folder) as entries:
                if next(entries, None) is not None:
                    return False
            os.rename(folder, os.path.join(trash, f"dir-{os.lstat(folder).st_ino}"))
            return True
        except OSError:
            pass
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def is_empty_folder(path: Path) -> bool:
    """No ``path`` yet, or an empty folder (not a link to one)."""
    if not os.path.lexists(path):
        return True
    return path.is_dir() and not path.is_symlink() and not any(path.iterdir())


def move_in(
    staging: str, out: Path, files: Mapping[str, bytes], staged: Mapping[str, str]
) -> WriteStats:
    """A first build: ``staging`` (where the render workers left their pages, laid out as in
    ``output/``) gets the other files and becomes ``out``, in one rename, instead of ten
    thousand. ``out`` must be an empty folder or missing."""
    for rel, source in staged.items():
        if source != os.path.join(staging, rel):
            raise ValueError(f"{source} is not where {rel} goes in {staging}")
    for rel, data in files.items():
        write_file(Path(staging) / rel, data)
    probe = staging + ".mode"  # mkdtemp made it private: give it a new folder's mode
    os.mkdir(probe)
    os.chmod(staging, os.stat(probe).st_mode & 0o777)
    os.rmdir(probe)
    if os.path.lexists(out):
        out.rmdir()
    os.rename(staging, out)
    return WriteStats(written=len(files) + len(staged))


_BLOCK = 1 << 16


def _same_bytes(path: Path, data: bytes) -> bool:
    """Does the file at ``path`` hold ``data`` (of its size)? Read a block at a time, up to
    the first difference: a page made again after an edit is most often as long as before
    (a year or a name of the same length changed), and differs well before its end."""
    view = memoryview(data)
    with open(path, "rb", buffering=0) as fh:
        at = 0
        while block := fh.read(_BLOCK):
            if view[at : at + len(block)] != block:
                return False
            at += len(block)
    return at == len(data)


def _same_files(a: Path, b: str) -> bool:
    """Do two files of one size hold the same bytes (see ``_same_bytes``)?"""
    with open(a, "rb", buffering=0) as fa, open(b, "rb", buffering=0) as fb:
        while block := fa.read(_BLOCK):
            if fb.read(_BLOCK) != block:
                return False
        return not fb.read(1)


def _walk(folder: str, prefix: str, out: set[str], dirs: list[str]) -> None:
    with os.scandir(folder) as it:
        for entry in it:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                dirs.append(entry.path)
                _walk(entry.path, rel + "/", out, dirs)
            else:
                out.add(rel)


def existing_files(out: Path) -> set[str]:
    """Every file (and symlink) under ``out``, as ``/``-separated relative paths."""
    found: set[str] = set()
    if out.is_dir():
        _walk(str(out), "", found, [])
    return found


def write_site(
    out: Path,
    files: Mapping[str, bytes],
    keep: tuple[str, ...] = (),
    prune: bool = True,
    unchanged: Collection[str] = (),
    staged: Mapping[str, str] | None = None,
    remove: Collection[str] = (),
    trash: str | None = None,
    fresh: Collection[str] = (),
) -> WriteStats:
    """Make ``out`` hold exactly ``files`` plus ``unchanged`` (paths known to be on disk
    already with the right bytes; not read) plus ``staged`` (path -> a finished file on the
    same file system, moved into place) plus paths under the ``keep`` prefixes.

    Without ``prune``, only the files in ``remove`` (pages no longer made) are taken away,
    with the folders they leave empty; nothing else is looked at. ``trash``: a folder on
    the same file system where the files replaced or taken away are left (linked), for the
    caller to remove when it has time (the watcher does while nothing happens). ``fresh``:
    staged paths moved in without comparing them to the file they replace (the exports:
    an edit makes them again when the front matter changed, they differ almost always
    then, and comparing their tens of megabytes cost more than the rename it could save;
    made again for other reasons, the same bytes are moved in, counted as written)."""
    stats = WriteStats(unchanged=len(unchanged))
    staged = staged or {}
    out.mkdir(parents=True, exist_ok=True)
    made: set[Path] = set()
    for rel in sorted(staged):
        target = out / rel
        source = staged[rel]
        try:
            if (
                rel not in fresh
                and target.stat().st_size == os.stat(source).st_size
                and _same_files(target, source)
            ):
                stats.unchanged += 1
                continue
        except OSError:
            pass
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if trash is not None:
            _keep_old(target, trash)
        os.replace(source, target)
        stats.written += 1
    for rel in sorted(files):
        target = out / rel
        data = files[rel]
        try:
            if target.stat().st_size == len(data) and _same_bytes(target, data):
                stats.unchanged += 1
                continue
        except OSError:
            pass
        write_file(target, data, trash)
        stats.written += 1
    for rel in sorted(remove):
        target = out / rel
        if prune or not (target.is_file() or target.is_symlink()):
            continue
        if trash is not None:
            _keep_old(target, trash)
        target.unlink()
        stats.removed += 1
        folder = target.parent
        while folder != out and _drop_folder(folder, trash):
            folder = folder.parent
    if prune:
        wanted = set(files) | set(unchanged) | set(staged)
        found: set[str] = set()
        dirs: list[str] = []
        _walk(str(out), "", found, dirs)
        for rel in sorted(found - wanted):
            if not rel.startswith(keep):
                if trash is not None:
                    _keep_old(out / rel, trash)
                (out / rel).unlink(missing_ok=True)
                stats.removed += 1
        for folder in sorted(dirs, reverse=True):  # (the deepest first)
            _drop_folder(Path(folder), trash)
    return stats
