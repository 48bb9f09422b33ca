"""Rebuild on every change: watchdog events → filtered, coalesced, debounced change sets →
ingest (for new articles) → incremental build.

Watched: ``seeds/``, ``content/``, ``templates/``, ``static/`` and ``dossier.toml``. Never
``output/`` or the cache, so nothing the build writes can start another build. The watcher
tells the builder which files changed, so it need not look at the others; the build cache
is saved once things are quiet, not after every save. Editors'
backup, swap and temp files are ignored; an atomic save (temp file renamed over the real
one) arrives as a move whose destination counts. A burst of events (git checkout, a
search-and-replace over many files) becomes one rebuild once things are quiet for
``QUIET`` seconds.

A failed build leaves ``output/`` as it was and reports ``path:line: message``; the next
save tries again. Pagefind, when enabled and installed, runs in the background a while
after the last successful rebuild, never in the way of one.
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Imported up front, not when watching starts: a Ctrl-C that landed inside this import,
# just after `serve` came up, killed the process by SIGINT instead of a clean exit.
from watchdog.observers import Observer

from .build import Builder, BuildResult, template_problem
from .config import CONFIG_FILE, Config, load_config
from .errors import DossierError, Problem
from .search import index_search, pagefind_command

QUIET = 0.1  # seconds without events that end a burst (the issue: about 100-300 ms)
LONGEST = 2.0  # a burst that never goes quiet is still built after this long
SEARCH_DELAY = 3.0  # Pagefind runs this long after the last successful rebuild
SAVE_DELAY = 1.0  # the build cache is saved once things are quiet this long

Log = Callable[[str], None]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def is_editor_noise(name: str) -> bool:
    """Backup, swap and lock files editors write beside the real one."""
    return (
        name.endswith(("~", ".swp", ".swo", ".swx", ".swn", ".tmp", ".bak", ".part", ".crdownload"))
        or name.startswith((".#", "#", "."))
        or name == "4913"  # vim probes whether it may write in a folder
        or name in ("__pycache__", "Thumbs.db")
    )


class Paths:
    """Which paths are inputs of the site."""

    def __init__(self, config: Config):
        self.root = config.root
        self.folders = {
            config.seeds_dir: "seeds",
            config.content_dir: "content",
            config.templates_dir: "templates",
            config.static_dir: "static",
        }
        self.excluded = [config.output.resolve(), config.cache.resolve()]

    def kind(self, path: str | Path) -> str | None:
        """'seeds', 'content', 'templates', 'static', 'config', or None for not an input."""
        path = Path(path)
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return None
        if not rel.parts or any(is_editor_noise(part) for part in rel.parts):
            return None
        for ex in self.excluded:
            if path == ex or ex in path.parents:
                return None
        if rel.parts == (CONFIG_FILE,):
            return "config"
        top = rel.parts[0]
        for folder, kind in self.folders.items():
            if Path(folder).parts and Path(folder).parts[0] == top:
                if rel.parts[: len(Path(folder).parts)] == Path(folder).parts:
                    return kind
        return None


@dataclass
class Changes:
    paths: set[Path] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)


class _Handler:
    """watchdog handler: pass every input path of every event to the queue."""

    def __init__(self, paths: Paths, events: queue.Queue, on_new_folder: Callable[[Path], None]):
        self.paths = paths
        self.events = events
        self.on_new_folder = on_new_folder

    def dispatch(self, event) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for attr in ("src_path", "dest_path"):
            raw = getattr(event, attr, "")
            if not raw:
                continue
            path = Path(raw.decode() if isinstance(raw, bytes) else raw)
            kind = self.paths.kind(path)
            if kind is None:
                continue
            if event.is_directory and path.parent == self.paths.root:
                self.on_new_folder(path)  # e.g. templates/ created after the watch began
            self.events.put((path, kind))


class Watcher:
    """Runs builds for one site as its inputs change; ``serve`` listens to it."""

    def __init__(
        self,
        config: Config,
        ingest: bool = True,
        log: Log = _log,
        on_build: Callable[[BuildResult], None] | None = None,
        on_error: Callable[[list[Problem]], None] | None = None,
        quiet: float = QUIET,
    ):
        self.config = config
        self.ingest = ingest
        self.log = log
        self.on_build = on_build
        self.on_error = on_error
        self.quiet = quiet
        self.events: queue.Queue = queue.Queue()
        self.builder = self._new_builder(config)
        self.paths = Paths(config)
        self.observer = None
        self.watched: set[Path] = set()
        self.errors: list[Problem] = []
        self.builds = 0  # completed build attempts, good or bad (tests wait on this)
        self.done = threading.Condition()
        self._unsaved: float | None = None  # when a build last left the disk cache behind
        self._built: float | None = None  # when the last build ended, until ``tidy``
        self._search = _SearchIndexer(config, log) if config.search else None

    # -- watching --------------------------------------------------------------------------

    def start(self) -> None:
        self.observer = Observer()
        handler = _Handler(self.paths, self.events, self._schedule)
        self._handler = handler
        self.observer.schedule(handler, str(self.config.root), recursive=False)
        for folder in self.paths.folders:
            self._schedule(self.config.root / folder)
        self.observer.daemon = True
        self.observer.start()

    def _schedule(self, folder: Path) -> None:
        if self.observer is None or folder in self.watched or not folder.is_dir():
            return
        if self.paths.kind(folder) is None:
            return
        self.observer.schedule(self._handler, str(folder), recursive=True)
        self.watched.add(folder)

    def save_cache(self) -> None:
        """Write the build cache left unsaved by rebuilds (it only makes builds faster;
        lazily: see ``BuildCache.save``)."""
        if self._unsaved is not None:
            self._unsaved = None
            self.builder.cache.save(lazy=self.builder.lazy_cache)

    @staticmethod
    def _new_builder(config: Config) -> Builder:
        builder = Builder(config)
        builder.defer_freeing = True  # replaced files are freed when quiet (``tidy``)
        builder.lazy_cache = True  # and the cache's big stores saved when worth it
        return builder

    def tidy(self, stop: threading.Event | None = None) -> bool:
        """What is left for when nothing happens: save the build cache, free the files
        builds replaced (``Builder.defer_freeing``), check the trust edits put in output/
        (each rewrites only the pages it touches), and after a build that read the whole
        site (an actor's file renamed, a template changed), make what the next edit
        needs (``Builder.prime``; seconds at 10,000 dossiers, given up if an edit comes).
        False when a file in output/ was changed by something else: a full build puts
        it right. ``stop``: the watcher's; set, priming is given up too (Ctrl-C)."""
        self.save_cache()
        self.builder.free_replaced()
        if self.errors:
            return True  # the last good state is kept as it is until the fix
        if not self.builder.output_intact(strays=False):
            return False
        try:
            self.builder.prime(
                stop=lambda: not self.events.empty() or (stop is not None and stop.is_set())
            )
        except Exception:  # noqa: BLE001 - only speed is at stake: the next build reports it
            pass
        return True

    def stop(self) -> None:
        self.save_cache()
        self.builder.free_replaced()
        if self.observer is not None:
            self.observer.stop()
            if self.observer.is_alive():  # Ctrl-C may come while it is being started
                self.observer.join(timeout=5)
        if self._search:
            self._search.stop()

    def next_changes(self, stop: threading.Event) -> Changes | None:
        """Block until something changes, then until it is quiet; None once stopped."""
        changes = Changes()
        while not stop.is_set():
            try:
                path, kind = self.events.get(timeout=0.2)
            except queue.Empty:
                if self._built is not None and time.monotonic() - self._built > SAVE_DELAY:
                    self._built = None
                    if not self.tidy(stop):
                        self.log("output/ was changed by something else: rebuilding it")
                        return Changes()
                continue
            changes.paths.add(path)
            changes.kinds.add(kind)
            break
        else:
            return None
        started = time.monotonic()
        while time.monotonic() - started < LONGEST:
            try:
                path, kind = self.events.get(timeout=self.quiet)
            except queue.Empty:
                break
            changes.paths.add(path)
            changes.kinds.add(kind)
        return changes

    # -- building --------------------------------------------------------------------------

    def run_ingest(self, paths: list[Path] | None) -> set[Path] | None:
        """Ingest the seeds at ``paths`` (all: None); the files it wrote in ``content/``, or
        None when that is not known (no ingest, or it failed)."""
        if not self.ingest or not self.config.seeds.is_dir():
            return None
        try:
            from .ingest import ingest
        except ImportError as exc:
            self.log(f"ingest unavailable ({exc}); building from content/ only")
            self.ingest = False
            return None
        try:
            report = ingest(self.config, paths, log=self.log, progress=False)
        except DossierError as exc:
            for problem in exc.problems:
                self.log(str(problem))
            return None
        except Exception as exc:  # a broken article must not stop the watcher
            self.log(f"{self.config.seeds}: error: ingest failed: {type(exc).__name__}: {exc}")
            return None
        for problem in report.problems:
            self.log(str(problem))
        return {*report.written, *report.beside, *report.stubs}

    def rebuild(self, changes: Changes | None = None) -> bool:
        """Build once (ingesting changed seeds first); True when the build succeeded."""
        kinds = changes.kinds if changes else set()
        wrote: set[Path] | None = None  # what ingest wrote, when it ran and said
        if changes is None:
            self.run_ingest(None)
        elif "seeds" in kinds:
            seeds = sorted(
                p for p in changes.paths if p.is_file() and self.paths.kind(p) == "seeds"
            )
            if seeds:
                wrote = self.run_ingest(seeds)
        started = time.perf_counter()
        try:
            if "config" in kinds:
                self.config = load_config(self.config.root)
                self.builder.free_replaced()
                self.builder = self._new_builder(self.config)
                self.paths = Paths(self.config)
            # the changed paths spare the builder a look at every file, unless ingest
            # (seeds) or the config may have changed more than the watcher saw; the
            # files ingest says it wrote are those it changed (a seed itself is not read)
            paths: set[Path] = set()
            if changes is not None and "config" not in kinds:
                if "seeds" not in kinds or wrote is not None:
                    seeds = {p for p in changes.paths if self.paths.kind(p) == "seeds"}
                    paths = (changes.paths - seeds) | (wrote or set())
            known = bool(paths)
            result = self.builder.build(
                search=False,
                changed=paths if known else None,
                write_cache=not known,
                warm=changes is None,  # the first build: later ones patch what it read
            )
            if known:
                self._unsaved = time.monotonic()
        except DossierError as exc:
            return self._failed(exc.problems)
        except Exception as exc:  # a template or code error: report it, keep watching
            return self._failed([template_problem(exc, self.config)])
        finally:
            self._built = time.monotonic()
            with self.done:
                self.builds += 1
                self.done.notify_all()
        seconds = time.perf_counter() - started
        for warning in result.rendered.warnings:
            self.log(str(warning))
        if self.errors:
            self.log("fixed: build succeeded again")
        self.errors = []
        s = result.stats
        self.log(
            f"rebuilt in {seconds * 1000:.0f} ms: {result.rendered.rendered} page(s) rendered, "
            f"{s.written} written, {s.removed} removed"
        )
        if self._search:
            self._search.request()
        if self.on_build:
            self.on_build(result)
        return True

    def _failed(self, problems: list[Problem]) -> bool:
        self.errors = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        for problem in self.errors:
            self.log(str(problem))
        self.log("build failed; output/ is unchanged (fix the file and save again)")
        if self.on_error:
            self.on_error(self.errors)
        return False

    def run(self, stop: threading.Event, started: Callable[[], None] | None = None) -> None:
        """Initial build, then a rebuild per change set until ``stop`` is set.

        ``started`` is called after the first build (``serve`` starts its server there).
        """
        # The first build runs before any thread starts, so a cold build may use a process
        # pool; a second, cheap build then catches what was saved while it ran.
        self.rebuild(None)
        if started:
            started()
        self.start()
        try:
            self.rebuild(Changes())
            while not stop.is_set():
                changes = self.next_changes(stop)
                if changes is None:
                    break
                self.rebuild(changes)
        finally:
            self.stop()

    def wait_builds(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` builds have completed (for tests)."""
        with self.done:
            return self.done.wait_for(lambda: self.builds >= count, timeout)


class _SearchIndexer:
    """Runs Pagefind in the background, once things have been quiet for a while."""

    def __init__(self, config: Config, log: Log):
        self.config = config
        self.log = log
        self.wanted = threading.Event()
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self.available = pagefind_command() is not None
        self.last = 0.0
        if not self.available:
            log("search: Pagefind is not installed; the search page stays empty while watching")

    def request(self) -> None:
        if not self.available:
            return
        self.last = time.monotonic()
        self.wanted.set()
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, daemon=True, name="pagefind")
            self.thread.start()

    def _loop(self) -> None:
        while not self.stopped.is_set():
            if not self.wanted.wait(0.5):
                continue
            if time.monotonic() - self.last < SEARCH_DELAY:
                self.stopped.wait(0.2)
                continue
            self.wanted.clear()
            note = index_search(self.config.output)
            self.log(f"search: {note}")

    def stop(self) -> None:
        self.stopped.set()


def stop_on_terminate() -> None:
    """SIGTERM stops like Ctrl-C does (only possible from the main thread)."""
    if threading.current_thread() is threading.main_thread():

        def interrupt(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, interrupt)


def watch(config: Config, ingest: bool = True, stop: threading.Event | None = None) -> int:
    """``dossier watch``: rebuild on every change until Ctrl-C (or ``stop`` is set)."""
    stop = stop or threading.Event()
    stop_on_terminate()
    watcher = Watcher(config, ingest=ingest)
    _log(f"watching {config.root} (Ctrl-C to stop)")
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        stop.set()
        watcher.stop()
    return 0
