"""Work spread over a small pool of forked processes: parsing content files, rendering the
events' fragments (and their parts of the exports), rendering pages.

Workers are forked, so they inherit what the build holds (the site, the templates) without
copying it; what they are to work on is left in ``_JOB`` before the pool starts. Only
when forking is safe (no other threads) and there are cores to spare; otherwise the build
does the same work in its own process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import select
import shutil
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from . import routes
from .cache import DocumentCache, Entry, stat_key
from .config import Config
from .content import content_files, read_file, relative_paths
from .exports import Rows
from .markup import Markup
from .output import hold_file, stage_file
from .pages import Links, Page, links_of
from .render import event_fragment, fragment_key, render_page

PARALLEL_MIN_PAGES = 300  # fewer pages than this render faster in one process
PARALLEL_MIN_FILES = 500  # fewer files to parse than this parse faster in one process
AHEAD_MIN_DOSSIERS = 100  # fewer: converting their Markdown ahead saves less than forking costs
FRAGMENT_DEPTH = 2  # timeline years, actor, place and tag pages: where events are shown

_JOB: tuple | None = None  # what the workers are to work on: inherited when they fork


def can_fork() -> bool:
    """More than one core, and forking is safe here."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1  # forking a threaded process is unsafe
    )


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)


def _worker_signals() -> None:
    """A worker leaves Ctrl-C to the build (which ends the pool), and dies quietly when the
    pool ends it: not with the handlers it inherited (the watcher's SIGTERM raised
    KeyboardInterrupt in idle workers, each printing a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _pool(workers: int):
    """A pool of forked workers (see ``_worker_signals``)."""
    return multiprocessing.get_context("fork").Pool(workers, initializer=_worker_signals)


def _render_chunk(indices: list[int]) -> tuple[list[tuple[str, bytes | str]], dict, set]:
    """Render some pages; with a staging folder, each page goes to a file there (at its
    path in ``output/``) and only that file's name comes back, so no process holds the
    whole site."""
    env, pages, markdown, staging = _JOB  # type: ignore[misc]
    env.auto_reload = False  # no template changes while a worker lives: no stat per page
    markdown.added, markdown.used = {}, set()
    links = links_of(pages)
    if links is not None:  # pieces of lists would die with this worker: unused
        links.chunks.keep = False
    out: list[tuple[str, bytes | str]] = []
    for i in indices:
        page = pages[i]
        data = render_page(env, page.template, page.path, page.context)
        if staging is None:
            out.append((page.path, data))
            continue
        out.append((page.path, stage_file(staging, page.path, data)))
    return out, markdown.added, markdown.used


def fragment_variables(links, config) -> dict:
    page = "x/" * FRAGMENT_DEPTH + routes.INDEX
    return {"site": links.site, "config": config, "links": links, "page_path": page}


def _fragment_chunk(indices: list[int]) -> list[tuple[int, str | None, int | None, dict | None]]:
    env, links, config, events, keys, need_html, need_rows = _JOB  # type: ignore[misc]
    env.auto_reload = False  # as in ``_render_chunk``
    variables = fragment_variables(links, config)
    out = []
    for i in indices:
        event = events[i]
        html = opened = None
        if i in need_html:
            html, opened = event_fragment(env, links, event, FRAGMENT_DEPTH, variables, keys[i])
        parts = Rows.make(event, links.site, config) if i in need_rows else None
        out.append((i, html, opened, parts))
    return out


def prerender_fragments(
    env, links: Links, config: Config, rows: Rows | None = None, workers: int = 0
) -> int:
    """Render the events' fragments (as pages at ``FRAGMENT_DEPTH`` show them) into
    ``links.store`` in a process pool, before the pages are: each is then rendered once,
    not once in each worker that renders a page showing it. The same workers make each
    event's part of the exports missing from ``rows``. Returns how many events.

    The fragments are also left in ``links.shown`` by event, with where their
    ``event_open`` part ends, for the pages rendered next (forked from this process)."""
    global _JOB
    site = links.site
    keys = [fragment_key(e, links, FRAGMENT_DEPTH, True) for e in site.events]
    need_html = {i for i, key in enumerate(keys) if key not in links.store}
    need_rows: set[int] = set()
    if rows is not None:
        rows.begin(site, config)
        need_rows = {i for i, e in enumerate(site.events) if not rows.has(e)}
    todo = sorted(need_html | need_rows)
    if not todo:
        return 0
    workers = workers or _workers()
    size = max(16, min(512, len(todo) // (workers * 8)))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    _JOB = (env, links, config, site.events, keys, need_html, need_rows)
    try:
        with _pool(workers) as pool:
            for out in pool.imap_unordered(_fragment_chunk, chunks):
                for i, html, opened, parts in out:
                    event = site.events[i]
                    if html is not None:
                        links.store[keys[i]] = html
                        links.shown[(id(event), FRAGMENT_DEPTH)] = (event, html, opened)
                    if parts is not None and rows is not None:
                        rows.put(event, parts)
    finally:
        _JOB = None
    return len(todo)


def _parse_chunk(items: list[tuple[str, str, str]]) -> list[tuple[str, Entry | None]]:
    docs = DocumentCache()
    return [(rel, docs.parse(kind, Path(file), rel, read_file)) for kind, file, rel in items]


def prefetch_documents(config: Config, docs: DocumentCache, workers: int = 0) -> int:
    """Parse the content files the cache does not know as they are on disk, in a process
    pool, into the cache (so loading finds them there); only when there are many and it
    is safe to fork. Returns how many files were parsed."""
    global _JOB
    root = config.root
    todo: list[tuple[str, str, str]] = []
    for kind, files in content_files(config.content).items():
        for file, rel in zip(files, relative_paths(root, files), strict=True):
            entry = docs.entries.get(rel)
            if entry is not None:
                try:
                    if entry.stat == stat_key(file.stat()):
                        continue
                except OSError:
                    continue
            todo.append((kind, str(file), rel))
    if len(todo) < PARALLEL_MIN_FILES or not can_fork():
        return 0
    workers = workers or _workers()
    size = max(16, min(256, len(todo) // (workers * 8)))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    with _pool(workers) as pool:
        for out in pool.imap_unordered(_parse_chunk, chunks):
            for rel, entry in out:
                if entry is not None:
                    docs.entries[rel] = entry
                    docs.changes += 1
    return len(todo)


def render_pages(
    env, pages: list[Page], markdown, parallel: bool = True, staging: str | None = None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Render pages (in a process pool when there are many and it is safe to fork).

    Returns (path → bytes, path → staged file): with ``staging``, pages rendered by the
    pool, and big ones rendered here, are written to files in that folder rather than kept
    in memory."""
    global _JOB
    files: dict[str, bytes] = {}
    staged: dict[str, str] = {}
    if parallel and len(pages) >= PARALLEL_MIN_PAGES and can_fork():
        links = links_of(pages)
        if links is not None:  # rendered by workers: the pieces this process kept for
            for page in pages:  # their last render are no longer theirs (``Chunks``)
                links.chunks.release(page.path)
        workers = _workers()
        size = max(8, min(64, len(pages) // (workers * 8)))
        chunks = [list(range(i, min(i + size, len(pages)))) for i in range(0, len(pages), size)]
        _JOB = (env, pages, markdown, staging)
        try:
            with _pool(workers) as pool:
                for out, added, used in pool.imap_unordered(_render_chunk, chunks):
                    for path, data in out:
                        if isinstance(data, str):
                            staged[path] = data
                        else:
                            files[path] = data
                    for key, value in added.items():
                        markdown.put(key, value)
                    markdown.used |= used
                return files, staged
        except Exception:
            if staging is not None:  # render again in this process, where the error is raised
                shutil.rmtree(staging)
                os.mkdir(staging)
            files, staged = {}, {}
        finally:
            _JOB = None
    for page in pages:  # in this process: big pages go to ``staging`` as they are made
        data = render_page(env, page.template, page.path, page.context)
        hold_file(page.path, data, files, staged, staging)
    return files, staged


class Ahead:
    """A forked process converting Markdown ahead of the pages that show it (see
    ``convert_ahead``); ``collect`` takes what it made, ``cancel`` ends it. Either leaves
    no process or pipe behind, whatever happens on the way."""

    def __init__(self, pid: int, stop: int, results: int):
        self.pid, self._stop, self._results = pid, stop, results
        self._done = False

    def collect(self, markdown) -> int:
        """Stop the process and put what it converted into ``markdown`` (a
        ``MarkdownCache``); how many entries. Nothing when it failed: it was only ahead."""
        try:
            try:
                os.write(self._stop, b".")
            except OSError:  # it has left already: done (all it made fit in the pipe), or failed
                pass
            chunks = []
            while chunk := os.read(self._results, 1 << 20):
                chunks.append(chunk)
        except BaseException:
            self.cancel()
            raise
        if self._reap() != 0 or not chunks:
            return 0
        made = pickle.loads(b"".join(chunks))
        for key, packed in made.items():
            if key not in markdown:
                markdown.put(key, packed)
        return len(made)

    def cancel(self) -> None:
        """End the process, if ``collect`` has not."""
        if self._done:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap()

    def _reap(self) -> int:
        """Wait for the process to end and close the pipes; its exit status (-1: unknown)."""
        self._done = True
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored)
            status = -1
        finally:
            os.close(self._stop)
            os.close(self._results)
        return status


def convert_ahead(markup: Markup, jobs: Callable[[], Iterable[tuple[str, list]]]) -> Ahead | None:
    """Convert the Markdown of ``jobs()`` (text, name links; blocks numbered) in a forked
    process, until ``collect`` stops it: after the site is read, planning it keeps one
    core only, and the pages' Markdown is most of what rendering them costs. The results
    are entries of the Markdown cache (``markup.cache``), which the render workers find
    there as they would find them from an earlier build. None where forking is unsafe."""
    if not can_fork() or not hasattr(markup.cache, "added"):
        return None
    stop_r, stop_w = os.pipe()
    results_r, results_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: convert until told to stop, send what it made, leave at once
        code = 1
        try:
            _worker_signals()
            os.close(stop_w)
            os.close(results_r)
            markup.cache.added = {}
            for n, (text, links) in enumerate(jobs()):
                if n % 4 == 0 and select.select([stop_r], [], [], 0)[0]:
                    break
                markup.convert(text, links, number_blocks=True)
            with os.fdopen(results_w, "wb") as f:
                f.write(pickle.dumps(markup.cache.added, pickle.HIGHEST_PROTOCOL))
            code = 0
        finally:
            os._exit(code)
    os.close(stop_r)
    os.close(results_w)
    return Ahead(pid, stop_w, results_r)
