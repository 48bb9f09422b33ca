"""The build cache: parsed content files, rendered Markdown and the record of what each
output file was built from, kept in memory between rebuilds and on disk in ``.dossier-cache/``.

Everything is keyed by content hash (file bytes, Markdown text) and stamped with a digest of
the generator's own code, so a cache written by another version is simply not used. A cache
that cannot be read is ignored: the cache can only make a build faster, never different.
"""

from __future__ import annotations

import copy
import hashlib
import os
import pickle
import tempfile
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Problem, Problems

FORMAT = 1
RACY_SECONDS = 2.0  # a file modified this recently is re-hashed even if its stat looks known
_CODE_DIGEST: str | None = None


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_digest() -> str:
    """A digest of the generator's Python modules: other code, other cache."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        h = hashlib.blake2b(digest_size=16)
        h.update(str(FORMAT).encode())
        for file in sorted(Path(__file__).parent.glob("*.py")):
            h.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
        _CODE_DIGEST = h.hexdigest()
    return _CODE_DIGEST


@dataclass
class Entry:
    """One content file as last read: how it looked on disk and what it held."""

    stat: tuple
    sha: str
    records: list
    problems: list[Problem]
    graph: str = ""  # digest of what it holds but its Markdown body (see ``graph_digest``)
    body: str = ""  # digest of its Markdown body (dossiers, actors, places)


def graph_digest(records: list, problems: list[Problem]) -> str:
    """Everything a file holds but the body text: what pages other than its own may show."""
    blank = [replace(r, body="") if hasattr(r, "body") else r for r in records]
    return digest(repr((blank, problems)))


def body_digest(records: list) -> str:
    """The records' Markdown bodies, in order, each told apart by its length (a record
    without one: ``-``); hashed as they are, not their ``repr`` (a tenth of the time)."""
    bodies = [getattr(r, "body", None) for r in records]
    return digest("".join("-" if b is None else f"{len(b)}:{b}" for b in bodies))


def stat_key(st: os.stat_result) -> tuple:
    """How a content file looked on disk, as the document cache records it."""
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


_stat_key = stat_key


def _stamp_folder(h, folder: Path, oldest: float, racy: list[Path]) -> None:
    """Feed every file under ``folder`` (path, size, mtime, inode, ctime) to ``h``; list in
    ``racy`` those changed so recently that a later change might leave their stat the same."""
    stack = [str(folder)]
    entries: list[tuple[str, tuple]] = []
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                for entry in it:
                    if entry.is_dir():
                        stack.append(entry.path)
                        continue
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    entries.append((entry.path, _stat_key(st)))
                    if st.st_mtime > oldest:
                        racy.append(Path(entry.path))
        except OSError:
            continue
    entries.sort()
    h.update(repr((str(folder), entries)).encode())


def input_stamp(folders: list[Path], files: list[Path], extra: str) -> tuple[str, list[Path]]:
    """A digest of how every input looks on disk (each file's path, size, mtime, inode and
    ctime under ``folders``, and ``files``) with ``extra`` and the generator's code; and the
    racy inputs: changed within ``RACY_SECONDS``, so a further change in the same clock tick
    could leave their stat as it is (a stamp with racy inputs is not trusted as it is).
    Content changes show in the mtime (ctime also moves on renames and ``touch``)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{code_digest()}\0{extra}\0".encode())
    oldest = time.time() - RACY_SECONDS
    racy: list[Path] = []
    for folder in folders:
        _stamp_folder(h, folder, oldest, racy)
    for file in files:
        try:
            st = file.stat()
        except OSError:
            h.update(f"{file}\0-\0".encode())
            continue
        h.update(f"{file}\0{_stat_key(st)}\0".encode())
        if st.st_mtime > oldest:
            racy.append(file)
    return h.hexdigest(), racy


class DocumentCache:
    """Parsed content files by path; a file is re-read only when its bytes changed.

    ``read`` hands out shallow copies of the records, because assembling the site reassigns
    some of their fields (canonical names, slugs); the cached originals stay as read.
    """

    def __init__(self, entries: dict[str, Entry] | None = None):
        self.entries: dict[str, Entry] = entries or {}
        self.digests: dict[str, str] = {}  # rel -> sha for the files seen in this load
        self.graphs: dict[str, str] = {}  # rel -> Entry.graph, for the same files
        self.bodies: dict[str, str] = {}  # rel -> Entry.body
        self.changes = 0  # entries put, replaced or dropped since the last write
        self.parsed = 0  # files parsed in this load (not served from the cache)

    def begin(self) -> None:
        self.digests = {}
        self.graphs = {}
        self.bodies = {}
        self.parsed = 0

    def parse(self, kind: str, file: Path, rel: str, reader) -> Entry | None:
        """Read one file again (its bytes are known to have changed); None if unreadable."""
        try:
            st = file.stat()
            data = file.read_bytes()
        except OSError:
            return None
        local = Problems()
        records = reader(kind, file, rel, local)
        problems = list(local.items)
        return Entry(
            _stat_key(st),
            digest(data),
            records,
            problems,
            graph_digest(records, problems),
            body_digest(records),
        )

    def put(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        self.digests[rel] = entry.sha
        self.graphs[rel] = entry.graph
        self.bodies[rel] = entry.body
        self.changes += 1

    def drop(self, rel: str) -> None:
        """A file gone since it was read."""
        for held in (self.entries, self.digests, self.graphs, self.bodies):
            held.pop(rel, None)
        self.changes += 1

    def read(self, kind: str, file: Path, rel: str, problems: Problems, reader) -> list:
        entry = self.entries.get(rel)
        try:
            st = file.stat()
        except OSError:
            st = None
        key = _stat_key(st) if st else None
        fresh = st is not None and time.time() - st.st_mtime < RACY_SECONDS
        if entry is None or key is None or entry.stat != key or fresh:
            try:
                data = file.read_bytes()
            except OSError:
                data = None
            sha = digest(data) if data is not None else ""
            if entry is None or entry.sha != sha or not sha:
                local = Problems()
                records = reader(kind, file, rel, local)
                found = list(local.items)
                graph, body = graph_digest(records, found), body_digest(records)
                entry = Entry(key or (), sha, records, found, graph, body)
                self.parsed += 1
            else:
                entry = replace(entry, stat=key or ())
            self.entries[rel] = entry
            self.changes += 1
        self.digests[rel] = entry.sha
        self.graphs[rel] = entry.graph
        self.bodies[rel] = entry.body
        problems.extend(entry.problems)
        return [copy.copy(r) for r in entry.records]

    def prune(self) -> None:
        """Forget files that were not seen in the last load (deleted or renamed)."""
        gone = set(self.entries) - set(self.digests)
        for rel in gone:
            del self.entries[rel]
        self.changes += len(gone)


class MarkdownCache(dict):
    """Rendered Markdown by hash of the text (and of the name links): ``Markup``'s cache.

    Entries are kept compressed: article HTML shrinks to a third, and a lookup unpacks it in
    tens of microseconds. At 10,000 dossiers a watcher holds ~30 MB less (and loads a
    smaller file)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.changes = 0  # entries made or dropped since the last write
        self.used: set[str] = set()
        self.added: dict[str, bytes] = {}  # entries made since the last reset (for workers)

    def get(self, key, default=None):
        self.used.add(key)
        packed = super().get(key)
        return default if packed is None else zlib.decompress(packed).decode("utf-8")

    def __setitem__(self, key, value: str):
        self.put(key, zlib.compress(value.encode("utf-8"), 1))

    def put(self, key: str, packed: bytes) -> None:
        """An entry as ``added`` holds it (compressed), e.g. from a render worker."""
        self.changes += 1
        self.used.add(key)
        self.added[key] = packed
        super().__setitem__(key, packed)


LAZY_MIN = 64  # see ``BuildCache.save``: changed entries that make a big store worth writing
LAZY_SHARE = 50  # ... or one in this many of its entries


@dataclass
class Manifest:
    """What the last successful build wrote: a fingerprint per output path, and how each
    file looked on disk afterwards, so an unchanged page is neither rendered nor read."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    stats: dict[str, tuple] = field(default_factory=dict)  # path -> (size, mtime_ns, ino)
    exports: dict[str, str] = field(default_factory=dict)  # export path -> fingerprint
    template_refs: dict[str, set[str]] = field(default_factory=dict)  # source digest -> refs
    stamp: str = ""  # input_stamp() of the inputs the last build read ("" when racy)
    warnings: list[Problem] = field(default_factory=list)  # the last build's warnings


_STORES = ("documents", "markdown", "fragments")  # the big ones, each in its own file


def _plain(store: dict) -> dict:
    """A store as written: a plain dict (the Markdown store is a ``MarkdownCache``)."""
    return store if type(store) is dict else dict(store)


class BuildCache:
    """All of the above, loaded from and saved to one folder (``None``: memory only).

    The manifest is read at once; the (large) document and Markdown caches only when a
    build first needs them, so a rebuild with nothing to do never reads them."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._documents: DocumentCache | None = None
        self._markdown: MarkdownCache | None = None
        self._fragments: dict | None = None
        self.fragments_changes = 0  # fragments made (or dropped) since the last write
        self.manifest = Manifest()
        self.manifest_dirty = False
        self._aside: list[tuple[int, dict[str, int]]] = []  # see ``save_aside``
        self.load()

    @property
    def documents(self) -> DocumentCache:
        if self._documents is None:
            entries = self._read("documents")
            self._documents = DocumentCache(entries if isinstance(entries, dict) else None)
        return self._documents

    @documents.setter
    def documents(self, value: DocumentCache) -> None:
        self._documents = value

    @property
    def markdown(self) -> MarkdownCache:
        if self._markdown is None:
            markdown = self._read("markdown")
            self._markdown = MarkdownCache(markdown if isinstance(markdown, dict) else {})
        return self._markdown

    @markdown.setter
    def markdown(self, value: MarkdownCache) -> None:
        self._markdown = value

    def no_markdown(self) -> bool:
        """No rendered Markdown is known: none held, and none on disk (a first build)."""
        if self._markdown is not None:
            return not self._markdown
        return self.folder is None or not self._file("markdown").exists()

    def fragments(self, macros: str) -> dict:
        """Rendered event fragments by what they show (``render.fragment_key``), for the
        ``_macros.html`` whose digest is ``macros``: another macro file, another store."""
        if self._fragments is None:
            stored = self._read("fragments")
            self._fragments = stored if isinstance(stored, dict) else {}
        if self._fragments.get(None) != macros:
            self.fragments_changes += len(self._fragments)
            self._fragments = {None: macros}
        return self._fragments

    def fragments_changed(self, count: int) -> None:
        """``count`` fragments were made or dropped (the store needs writing)."""
        self.fragments_changes += count

    def _file(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{name}.pickle"

    def _read(self, name: str):
        if self.folder is None:
            return None
        try:
            with open(self._file(name), "rb") as fh:
                stamp, value = pickle.load(fh)
        except Exception:  # missing, truncated, from another version: start afresh
            return None
        return value if stamp == code_digest() else None

    def _write(self, name: str, value) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((code_digest(), value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._file(name))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self) -> None:
        self._documents = self._markdown = self._fragments = None
        manifest = self._read("manifest")
        self.manifest = manifest if isinstance(manifest, Manifest) else Manifest()

    def _held(self, name: str) -> tuple[dict, int] | None:
        """A big store (documents, markdown, fragments), and its changes since it was last
        written; None when not loaded."""
        if name == "documents" and self._documents is not None:
            return self._documents.entries, self._documents.changes
        if name == "markdown" and self._markdown is not None:
            return self._markdown, self._markdown.changes  # written as a plain dict
        if name == "fragments" and self._fragments is not None:
            return self._fragments, self.fragments_changes
        return None

    def _saved(self, name: str, changes: int) -> None:
        """``changes`` of a store are written."""
        if name == "documents" and self._documents is not None:
            self._documents.changes = max(0, self._documents.changes - changes)
        elif name == "markdown" and self._markdown is not None:
            self._markdown.changes = max(0, self._markdown.changes - changes)
        elif name == "fragments":
            self.fragments_changes = max(0, self.fragments_changes - changes)

    def save_aside(self, *names: str) -> None:
        """Write big stores in a forked process, while this one goes on with the build: in
        a full build the parsed files are complete once the site is read, and what follows
        first (planning, dependencies, fingerprints) keeps one core only; the Markdown and
        fragments once the pages are rendered, and the exports and the write that follow
        keep one core only too. ``save`` waits for it. Only where forking is safe (the
        caller knows)."""
        held = {name: self._held(name) for name in names}
        todo = {name: h for name, h in held.items() if h is not None and h[1]}
        if self.folder is None or not todo:
            return
        pid = os.fork()
        if pid == 0:  # the child: write, and leave at once (no clean-up of the parent's)
            code = 1
            try:
                for name, (value, _) in todo.items():
                    self._write(name, _plain(value))
                code = 0
            finally:
                os._exit(code)
        self._aside.append((pid, {name: changes for name, (_, changes) in todo.items()}))

    def collect_aside(self) -> None:
        """Wait for the stores written aside (if any); once written, their changes are saved."""
        aside, self._aside = self._aside, []
        for pid, written in aside:
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                continue
            if os.waitstatus_to_exitcode(status) == 0:
                for name, changes in written.items():
                    self._saved(name, changes)

    def save(self, lazy: bool = False) -> None:
        """Write what changed; a cache that cannot be written only costs speed.

        ``lazy`` (the watcher): leave out the big stores (parsed files, Markdown,
        fragments) already on disk while few of their entries changed since written.
        Each holds what a fresh process would otherwise make again, entry by entry, so a
        few missing cost it milliseconds; writing one took half a second and ~35 MB more
        memory at 10,000 dossiers, after every edit."""
        self.collect_aside()
        if self.folder is None:
            return

        def worth(name: str, changes: int, size: int) -> bool:
            if not lazy or not changes or not self._file(name).exists():
                return changes > 0
            return changes >= max(LAZY_MIN, size // LAZY_SHARE)

        try:
            for name in _STORES:
                held = self._held(name)
                if held is not None and worth(name, held[1], len(held[0])):
                    self._write(name, _plain(held[0]))
                    self._saved(name, held[1])
            if self.manifest_dirty:
                self._write("manifest", self.manifest)
                self.manifest_dirty = False
        except OSError:
            pass

    def trim_markdown(self, used: set[str]) -> None:
        """Keep only the entries a full render used, so the cache does not grow forever."""
        stale = set(self.markdown) - used
        for key in stale:
            dict.__delitem__(self.markdown, key)
        self.markdown.changes += len(stale)
