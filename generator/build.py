"""The build pipeline, in named and timed stages: load → assemble → plan → render → write.

Everything is rendered (in memory, or into a staging folder beside ``output/``) before
anything is written, so an error anywhere leaves the previous ``output/`` exactly as it was.

Builds are incremental: a ``Builder`` keeps (in memory, and on disk in ``.dossier-cache/``)
the parsed content files, the rendered Markdown, and a fingerprint of what each output file
was built from (see ``deps.py``). A page whose fingerprint is unchanged and whose file on
disk is as the last build left it is neither rendered nor read. Cold builds with many pages
to render use a small process pool (``pool.py``).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import attrgetter, is_, not_, or_
from pathlib import Path

import jinja2

from . import chunks, deps, routes
from .cache import BuildCache, code_digest, digest, input_stamp
from .config import CONFIG_FILE, Config
from .content import is_content_name, line_in_file, load_content, read_file
from .errors import DossierError, Problem, Problems
from .exports import Rows, exports
from .markup import Markup
from .model import Actor
from .names import name_key
from .output import (
    WriteStats,
    existing_files,
    hold_file,
    is_empty_folder,
    move_in,
    write_site,
)
from .pages import Links, Page, dossier_bodies, links_of, plan, tag_page
from .pool import (
    AHEAD_MIN_DOSSIERS,
    FRAGMENT_DEPTH,
    PARALLEL_MIN_PAGES,
    Ahead,
    can_fork,
    convert_ahead,
    fragment_variables,
    prefetch_documents,
    prerender_fragments,
    render_pages,
)
from .render import (
    PACKAGE_TEMPLATES,
    dossier_fragment,
    make_environment,
    render_page,
    shown_fragment,
)
from .search import SEARCH_DIR, index_search
from .site import Site, add_aliases, add_entity_file, assemble, patch_dossier

PACKAGE_STATIC = Path(__file__).parent / "static"


class SiteFiles(Mapping):
    """Output path → bytes. Files rendered in this build are in memory; the others (left
    untouched because nothing they depend on changed) are read from ``output/`` on demand."""

    def __init__(
        self,
        memory: dict[str, bytes],
        on_disk: set[str],
        folder: Path | None,
        staged: Collection[str] = (),
    ):
        self.memory = memory
        self.on_disk = on_disk - set(memory)
        self.folder = folder
        self.made = set(memory) | set(staged)  # the files this build rendered or made

    def __getitem__(self, key: str) -> bytes:
        if key in self.memory:
            return self.memory[key]
        if key in self.on_disk and self.folder is not None:
            return (self.folder / key).read_bytes()
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(set(self.memory) | self.on_disk))

    def __len__(self) -> int:
        return len(self.memory) + len(self.on_disk)

    def __contains__(self, key) -> bool:
        return key in self.memory or key in self.on_disk

    def release(self) -> None:
        """The files are written: read them back from there when asked, keep no copy."""
        self.on_disk |= set(self.memory)
        self.memory = {}


@dataclass
class Rendered:
    """A whole site: output path → bytes."""

    files: Mapping[str, bytes]
    site: Site | None  # None when nothing had to be done (no input changed)
    pages: list[Page]
    warnings: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int = 0  # pages rendered (the others were unchanged since the last build)


@dataclass
class BuildResult:
    rendered: Rendered
    stats: WriteStats
    timings: dict[str, float]
    search: str = ""  # what happened to the search index


@contextlib.contextmanager
def collector_spared() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off what a build keeps for its whole length.

    A build makes about a hundred objects per dossier that live as long as the site does,
    and every full collection walked all of them: over a quarter of the time spent rendering
    the long pages (actors, places, timeline years) at 10,000 dossiers. What exists when
    the build starts, and the site once it is read (``spare``), are frozen (``gc.freeze``):
    collections look only at what came later, and forked render workers leave alone the
    memory they share with the parent (a collection writes to every object it visits).
    Everything is unfrozen when the build ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No collections at all while the site is read, assembled and planned: that makes
    objects to keep, not garbage, and each full collection walked all of them for nothing
    (at 10,000 dossiers, seven of them freed nothing and took a third of the time spent
    reading and assembling). What was made is then spared (``spare``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        spare()
        if enabled:
            gc.enable()


def spare() -> None:
    """Spare what exists now from the collections of the rest of the build."""
    gc.freeze()


def _described(site: Site, rel: str, entry, aliases: bool = False) -> tuple | None:
    """(the site's actor or place, the record read now) when ``rel`` is the file that
    describes it and names it as before (same name and aliases; with ``aliases``, more
    of them may have come: ``add_aliases``); else None."""
    records = entry.records
    if len(records) != 1:
        return None
    record = records[0]
    for entity in (*site.actors, *site.locations):
        if entity.path == rel:
            if type(entity) is not type(record) or entity.name != record.name:
                return None
            if entity.aliases == record.aliases:
                return entity, record
            more = {name_key(n) for n in entity.aliases} <= {name_key(n) for n in record.aliases}
            return (entity, record) if aliases and more else None
    return None


class Timer:
    def __init__(self):
        self.timings: dict[str, float] = {}

    def stage(self, name: str, fn: Callable, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def load_site(
    config: Config, timer: Timer | None = None, cache=None, loaded: Callable | None = None
) -> tuple[Site, Problems]:
    """Read and check all content; raises DossierError when anything is wrong."""
    site, problems = collect(config, timer, cache, loaded)
    problems.raise_if_errors()
    return site, problems


def collect(
    config: Config, timer: Timer | None = None, cache=None, loaded: Callable | None = None
) -> tuple[Site, Problems]:
    """Read and check all content; every problem is collected, none raised. ``loaded``:
    called once every file is read, before the site is assembled from them."""
    timer = timer or Timer()
    problems = Problems()
    content = timer.stage("load", load_content, config.root, config.content, problems, cache)
    if loaded is not None:
        loaded()
    site = timer.stage(
        "assemble",
        assemble,
        content.dossiers,
        content.actors,
        content.locations,
        content.events,
        problems,
        lambda path, keys: line_in_file(config.root, path, *keys),
    )
    return site, problems


def _digests_outside(content: Path, files: list[Path]) -> dict[Path, str | None]:
    """The digest of each of ``files`` not under ``content`` (None: unreadable), as read
    now: the build hashes content files as it reads them, not the others (see
    ``Builder._settled``)."""
    out: dict[Path, str | None] = {}
    for file in files:
        if not file.is_relative_to(content):
            try:
                out[file] = digest(file.read_bytes())
            except OSError:
                out[file] = None
    return out


def static_files(config: Config) -> dict[str, bytes]:
    """Packaged assets, overridden file by file by the site's own ``static/``."""
    files: dict[str, bytes] = {}
    for folder in (PACKAGE_STATIC, config.path("static_dir")):
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    rel = file.relative_to(folder).as_posix()
                    files[routes.asset(rel)] = file.read_bytes()
    return files


# -- template errors as path:line: message ----------------------------------------------------


def template_problem(exc: Exception, config: Config) -> Problem:
    """Where in which template a rendering error happened, as a ``Problem``."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(
            _shorten(exc.filename or exc.name or "template", config), exc.message or "", exc.lineno
        )
    where, line = "template", None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where, line = name, lineno
    return Problem(_shorten(where, config), f"{type(exc).__name__}: {exc}", line)


def _shorten(path: str, config: Config) -> str:
    try:
        return Path(path).resolve().relative_to(config.root).as_posix()
    except ValueError:
        return path


@dataclass
class _State:
    """What a build assembled, kept for the next build of the same builder."""

    site: Site
    pages: list[Page]
    warnings: list[Problem]
    env: jinja2.Environment
    templates: dict[str, str]  # template name -> digest
    common: str  # digest of what every page shows
    values: dict[str, str]  # dependency token -> value
    graphs: dict[str, str]  # content path -> graph digest, as assembled
    packaged: set[str] = field(default_factory=set)  # templates all from the package
    arounds: dict[str, str] = field(default_factory=dict)  # ``deps.around_values``
    touched: set[str] | None = None  # tokens changed since the last build (None: unknown)
    replanned: set[str] = field(default_factory=set)  # pages planned again since then
    gone: set[str] = field(default_factory=set)  # pages of the last build no longer made

    def take_file(self, rel: str, entry) -> None:
        """A content file as read now: the values of its tokens (what it holds, its body)."""
        self.values[rel] = self.graphs[rel] = entry.graph
        self.values[f"body:{rel}"] = entry.body

    def set_value(self, token: str, value: str, changed: set[str]) -> None:
        """A token's value now; added to ``changed`` when it is not what it was."""
        if self.values.get(token) != value:
            self.values[token] = value
            changed.add(token)


# -- the builder --------------------------------------------------------------------------------


def _list_length(page: Page) -> int:
    """How many events and dossiers a packaged page listing them shows (0 for others)."""
    context = page.context
    if page.template in ("actor.html", "location.html"):
        shown = deps.PROFILE_LATEST if context.get("years") else len(context["profile"].events)
        return shown + len(context["dossiers"])
    if page.template == "profile_year.html":
        return len(context["events"]) + len(context["dossiers"])
    if page.template == "timeline.html" and context.get("year"):
        return sum(len(events) for _, months in context["groups"] for _, events in months)
    if page.template == "dossiers.html":
        if context.get("years"):
            return len(context["latest"]) + len(context["undated"])
        return len(context["site"].dossiers)
    if page.template == "dossiers_year.html":
        return len(context["dossiers"])
    return 0


class Builder:
    """Builds one site again and again, rendering only what changed since the last build.

    ``cache_dir``: where the cache lives on disk (default ``config.cache``); ``None`` keeps
    it in memory only. The builder trusts ``output/`` only as far as its record of it goes:
    a file that was changed or removed behind its back is rendered again.
    """

    def __init__(self, config: Config, cache_dir: Path | None | str = "default"):
        self.config = config
        folder = config.cache if cache_dir == "default" else cache_dir
        self.cache = BuildCache(Path(folder) if folder is not None else None)
        self._env: jinja2.Environment | None = None
        self._env_dirs: tuple = ()
        self._markup: Markup | None = None
        self._last: _State | None = None
        self._rows = Rows()  # each event's part of the exports, kept across builds
        # big output files replaced by a build are freed later, by ``free_replaced`` (the
        # watcher's choice: freeing takes milliseconds a megabyte, in the way of an edit)
        self.defer_freeing = False
        self.trash: list[str] = []
        # the cache's big stores written only once many entries changed (``BuildCache.save``;
        # the watcher's choice: it keeps them in memory, and writing them costs ~35 MB)
        self.lazy_cache = False
        self._stores_aside = False  # this build saves the cache in full (``_build``)
        self._unapplied: set[Path] = set()  # see ``_assemble``
        self._primed = True  # False after a build that read the whole site (see ``prime``)
        self._ahead: Ahead | None = None  # Markdown converted ahead (``convert_ahead``)

    @property
    def markup(self) -> Markup:
        if self._markup is None:
            self._markup = Markup(self.cache.markdown)
        return self._markup

    @markup.setter
    def markup(self, value: Markup) -> None:
        self._markup = value
        self._env = None

    def environment(self) -> jinja2.Environment:
        dirs = [self.config.path("templates_dir")]
        key = tuple(d.is_dir() for d in dirs)
        if self._env is None or key != self._env_dirs:
            self._env = make_environment(dirs, self.markup)
            self._env_dirs = key
        return self._env

    def render(
        self,
        trust_output: bool = True,
        parallel: bool = True,
        changed: Collection[Path] = (),
        staging: str | None = None,
    ) -> tuple[Rendered, set[str]]:
        """Render what changed; return the site and the paths left as they are on disk.

        ``changed``: the input files known to have changed since the last build of this
        builder (from the watcher). When they are content files whose edits touch only their
        Markdown bodies, or dossiers edited, added or deleted (``_updates``), the site from
        the last build is patched instead of read again.
        ``staging``: a folder where a process pool may leave the pages it rendered.
        """
        timer = Timer()
        last, self._last = self._last, None  # given back once the output is written
        unapplied, self._unapplied = self._unapplied, set()
        changed = set(changed)
        if last is not None and changed:
            changed |= unapplied  # read by builds that failed, never applied to ``last``
        state = None
        updates = None
        if last is not None and changed and trust_output:
            try:
                updates = self._updates(last, changed, timer)
            except DossierError:  # a changed file is broken: ``last`` stays, as in ``_assemble``
                self._last, self._unapplied = last, changed
                raise
            if updates is not None:
                state = self._patch(last, updates, timer)
        try:
            if state is None:
                # ``last`` untouched (no patch begun): kept should the content be broken
                kept = last if updates is None and changed else None
                state = self._assemble(timer, kept, changed, ahead=parallel)
                self._primed = False
            return self._render(state, timer, trust_output, parallel, staging)
        finally:
            if self._ahead is not None:  # not collected: the build failed before rendering
                self._ahead.cancel()
                self._ahead = None

    def _assemble(
        self,
        timer: Timer,
        kept: _State | None = None,
        changed: Collection[Path] = (),
        ahead: bool = False,
    ) -> _State:
        """Read and assemble the whole site. ``kept``: the last good state, untouched, and
        ``changed`` the inputs changed since: when the content turns out broken, the build
        fails, and ``kept`` stays this builder's (with the parsed-files cache as it was),
        so that the build after the fix patches it (with these changes too) rather than
        reading the site again: seconds at 10,000 dossiers."""
        docs = self.cache.documents
        saved = (dict(docs.entries), docs.digests, docs.graphs, docs.bodies) if kept else None
        try:
            with collector_paused():
                return self._read_and_plan(timer, ahead)
        except DossierError:
            if kept is not None and saved is not None:
                docs.entries, docs.digests, docs.graphs, docs.bodies = saved
                self._last = kept
                self._unapplied = set(changed)
            raise

    def _read_and_plan(self, timer: Timer, ahead: bool = False) -> _State:
        """Read, assemble and plan the whole site; ``ahead``: a first build's Markdown may
        be converted by a forked process meanwhile (``convert_ahead``)."""
        config, cache = self.config, self.cache
        cache.documents.begin()
        timer.stage("load", prefetch_documents, config, cache.documents)

        def loaded() -> None:
            cache.documents.prune()
            if self._stores_aside and can_fork():  # assembling keeps one core only
                cache.save_aside("documents")

        site, problems = load_site(config, timer, cache.documents, loaded)
        if (
            ahead
            and len(site.dossiers) >= AHEAD_MIN_DOSSIERS
            and cache.no_markdown()
            and self.markup.cache is cache.markdown  # (not a Markup of the caller's own)
        ):
            # planning keeps one core only: the other converts the dossiers' Markdown
            self._ahead = convert_ahead(self.markup, lambda: dossier_bodies(site, config))
        pages = timer.stage("plan", plan, site, config)
        env = self.environment()
        try:
            templates, packaged = timer.stage(
                "templates",
                deps.template_digests,
                env,
                self.cache.manifest.template_refs,
                PACKAGE_TEMPLATES,
            )
        except jinja2.TemplateError as exc:
            raise DossierError(template_problem(exc, config)) from None
        docs = cache.documents
        values = deps.token_values(site, docs.digests, docs.graphs, docs.bodies)
        split = len(site.events) > config.timeline_split
        common = digest(repr((code_digest(), config, split)))

        def all_deps() -> None:
            for page in pages:
                page.deps = deps.deps_for(
                    page.template, page.context, site, page.template in packaged
                )

        timer.stage("deps", all_deps)
        return _State(
            site,
            pages,
            list(problems.warnings),
            env,
            templates,
            common,
            values,
            dict(docs.graphs),
            packaged,
            {t: v for t, v in values.items() if t.startswith("around:")},
        )

    def prime(self, stop: Callable[[], bool] = lambda: False) -> None:
        """After a build that read the whole site (not a patch), make now what the next
        edit would otherwise make on its way (``_prime``): the watcher's work when quiet,
        given up when ``stop()`` (an edit has come), checked between steps, the rest left
        to that edit."""
        if self._last is not None and not self._primed:
            self._primed = self._prime(self._last, stop)

    def _prime(self, state: _State, stop: Callable[[], bool] = lambda: False) -> bool:
        """Make what the next build would otherwise make on the way (the templates compiled,
        each event's export rows, the event fragments read from the disk cache, every
        dossier's line), so that a first edit is as quick as the ones after it. False when
        ``stop()`` ended it early (checked between steps)."""
        for name in sorted({p.template for p in state.pages} | {"_macros.html"}):
            state.env.get_template(name)
        # each event's rows, kept by event object: a site read afresh has new ones
        for _ in exports(state.site, self.config, state.pages, self._rows):
            if stop():
                return False
        store = self.cache.fragments(state.templates.get("_macros.html", "?"))
        links = links_of(state.pages)
        if links is not None:  # the dossier lines of actor and place pages
            links.store = store
            size = len(store)
            variables = fragment_variables(links, self.config)
            try:
                for n, dossier in enumerate(state.site.dossiers):
                    for dated in (True, False):
                        dossier_fragment(
                            state.env, links, dossier, dated, FRAGMENT_DEPTH, variables
                        )
                    if n % 500 == 0 and stop():
                        return False
                for n, event in enumerate(state.site.events):  # and as those pages show each
                    shown_fragment(state.env, links, event, FRAGMENT_DEPTH, variables)
                    if n % 1000 == 0 and stop():
                        return False
            finally:
                self.cache.fragments_changed(abs(len(store) - size))
            # the pieces of the longest lists (most edits touch the busiest actors' pages),
            # up to half of what ``Chunks`` keeps
            longest = sorted(
                ((_list_length(p), i) for i, p in enumerate(state.pages)), reverse=True
            )
            for length, i in longest:
                if length < chunks.SHORT or links.chunks.size > chunks.LIMIT // 2:
                    break
                if stop():
                    return False
                page = state.pages[i]
                render_page(state.env, page.template, page.path, page.context)
        return True

    def _updates(self, last: _State, changed: Collection[Path], timer: Timer) -> list | None:
        """The changed content files read again, as (path, entry; None for a file gone),
        when a patch of ``last`` may apply them: files this builder read whose Markdown
        bodies alone changed, and dossiers edited, added or gone (``_patch``); else None.
        Changes nothing; raises ``DossierError`` when one it read has an error.
        (A folder's own change is news of its files' changes, which are listed too.)"""
        config, docs = self.config, self.cache.documents
        updates = []
        errors: list[Problem] = []
        warned = False
        for path in sorted(set(changed)):
            path = Path(path)
            if path.is_dir():
                # a content folder read last time: the news of its files' own changes
                prefix = path.relative_to(config.root).as_posix() + "/"
                if path.parent == config.content and any(g.startswith(prefix) for g in last.graphs):
                    continue
                return None  # a new folder may hold files nobody told us about
            if path.parent.parent != config.content or not path.is_relative_to(config.root):
                return None
            rel = path.relative_to(config.root).as_posix()
            dossier = path.parent.name == "dossiers" and is_content_name(path.name)
            if rel not in last.graphs:
                if not is_content_name(path.name):
                    continue  # a proposal or an editor's file: not read by a full build either
                described = path.parent.name in ("actors", "locations")
                if not (dossier or described) or not path.is_file():
                    return None  # not one a patch can add
            elif not path.is_file():
                before = docs.entries.get(rel)
                if not dossier or path.exists() or before is None or before.problems:
                    return None
                updates.append((rel, None))  # a dossier gone
                continue
            entry = timer.stage("load", docs.parse, path.parent.name, path, rel, read_file)
            if entry is None:
                return None
            if entry.problems:
                # an error fails the build whatever else changed: said at once, not after
                # reading the whole site (the others were fine in the last build)
                errors += [p for p in entry.problems if p.severity == "error"]
                warned = True
                continue
            if rel in last.graphs and entry.graph != last.graphs[rel]:
                before = docs.entries.get(rel)
                if before is None or before.problems:
                    return None
                if not dossier and _described(last.site, rel, entry, aliases=True) is None:
                    return None  # a name or alias changed: who is who may be different
            updates.append((rel, entry))
        if errors:
            raise DossierError(sorted(errors, key=lambda p: (p.path, p.line or 0)))
        return None if warned else updates

    def _patch(self, last: _State, updates: list, timer: Timer) -> _State | None:
        """The last build's state with ``updates`` (from ``_updates``) applied in place;
        None when they prove beyond a patch (an edit that names a new actor or place: see
        ``site.patch_dossier``), ``last`` then being partly changed."""
        config, docs = self.config, self.cache.documents
        site = last.site
        changed_tokens = {deps.EVERYTHING}
        edited = [
            (rel, entry)
            for rel, entry in updates
            if (entry is None or rel not in last.graphs or entry.graph != last.graphs[rel])
            and Path(rel).parent.name == "dossiers"
        ]
        added = [
            (rel, entry)
            for rel, entry in updates
            if rel not in last.graphs and Path(rel).parent.name != "dossiers"
        ]
        entity_pages: set[str] = set()  # pages of actors and places to plan again
        if added:  # actors' and places' files, before the dossiers that may name them
            found = timer.stage("assemble", self._add_entities, site, added)
            if found is None:
                return None
            entity_pages |= found
        aliased = timer.stage("assemble", self._add_aliases, site, updates, edited)
        if aliased is None:
            return None
        entity_pages |= aliased
        replan = bool(edited or added or aliased)
        if replan:
            links = links_of(last.pages)
            patched = timer.stage("assemble", self._patch_dossiers, site, edited, links)
            if patched is None:
                return None
            done, rows, named = patched
            done |= entity_pages
            named = named or bool(added or aliased)
            for rel, entry in added:
                changed_tokens |= {rel, f"body:{rel}"}
                last.take_file(rel, entry)
            if named:  # actors or places came or went: their tokens (``deps.entity_value``)
                values = dict(map(deps.entity_value, (*site.actors, *site.locations)))
                for token in [t for t in last.values if t.startswith(("actor:", "location:"))]:
                    if token not in values:
                        del last.values[token]
                        changed_tokens.add(token)
                for token, value in values.items():
                    last.set_value(token, value, changed_tokens)
            split = links.split if links is not None else None
            if (len(site.events) > config.timeline_split) != split:
                return None  # the timeline is split by year now, or no longer
            changed_tokens.add(deps.GRAPH)
            # a year that gains its first or loses its last event changes what its
            # neighbours' pages link: plan and render those pages again
            arounds = deps.around_values(site)
            for token in last.arounds.keys() | arounds.keys():
                if arounds.get(token) != last.values.get(token):
                    changed_tokens.add(token)
                    done.add(routes.timeline_year(int(token.split(":")[1])))
                    if token in arounds:
                        last.values[token] = arounds[token]
                    else:
                        del last.values[token]
            last.arounds = arounds
            for rel, entry in edited:
                changed_tokens |= {rel, f"body:{rel}"}
                if entry is None:  # gone
                    for held in (last.values, last.graphs):
                        held.pop(rel, None)
                    last.values.pop(f"body:{rel}", None)
                    continue
                last.take_file(rel, entry)
        dossiers = {rel for rel, _ in edited}
        for rel, entry in updates:
            if entry is None or rel in dossiers or entry.graph == last.graphs.get(rel):
                continue
            # an actor's or a place's file, its names as before (``_updates``): shown with
            # what else it says on its own page and in the lists of all of them
            described = _described(site, rel, entry)
            if described is None:
                return None
            entity, record = described
            for name in vars(record):
                if name not in ("name", "aliases", "path", "slug"):
                    setattr(entity, name, getattr(record, name))
            changed_tokens |= {rel, f"body:{rel}", deps.GRAPH}
            last.take_file(rel, entry)
            last.set_value(*deps.entity_value(entity), changed_tokens)
        owners: dict[str, object] | None = None
        for rel, entry in updates:
            if entry is None:
                continue
            if entry.graph == last.graphs[rel] and entry.body != last.values.get(f"body:{rel}"):
                if owners is None:
                    wanted = {rel for rel, _ in updates}
                    owners = {
                        thing.path: thing
                        for thing in (*site.dossiers, *site.actors, *site.locations)
                        if thing.path in wanted
                    }
                bodies = [r.body for r in entry.records if hasattr(r, "body")]
                if rel not in owners or len(bodies) != 1:
                    return None
                owners[rel].body = bodies[0]  # type: ignore[attr-defined]
                changed_tokens.add(f"body:{rel}")
                last.values[f"body:{rel}"] = entry.body
        values = last.values
        for rel, entry in updates:
            values[deps.EVERYTHING] = deps.mapping_digest_changed(
                values[deps.EVERYTHING], rel, docs.digests.get(rel), entry and entry.sha
            )
            values[deps.GRAPH] = deps.mapping_digest_changed(
                values[deps.GRAPH], rel, docs.graphs.get(rel), entry and entry.graph
            )
            if entry is None:
                docs.drop(rel)
            else:
                docs.put(rel, entry)
        if replan:
            # changed only when the list of tags did: every timeline year shows it (its
            # filter), and fingerprinting them all again cost a tenth of an edit
            last.set_value("tags", digest(repr(list(site.tags))), changed_tokens)
            value = deps.dossier_list_changed(last.values[deps.DOSSIER_LIST], site, rows)
            last.set_value(deps.DOSSIER_LIST, value, changed_tokens)
            before = last.pages
            pages = timer.stage("plan", plan, site, config, before, done)
            reused = {id(p) for p in before}
            fresh = [p for p in pages if id(p) not in reused]

            def fresh_deps() -> None:
                wanted = {p.path for p in fresh}
                was = {p.path: p.deps for p in before if p.path in wanted}
                for page in fresh:
                    found = deps.deps_for(
                        page.template, page.context, site, page.template in last.packaged
                    )
                    # the same set as before: keep that object (its tokens are kept sorted)
                    old = was.get(page.path)
                    page.deps = old if old is not None and old == found else found

            timer.stage("deps", fresh_deps)
            last.pages = pages
            last.replanned = {p.path for p in fresh}
            last.gone = {p.path for p in before} - {p.path for p in pages}
        last.touched = changed_tokens
        return last

    def _add_aliases(self, site: Site, updates: list, edited: list) -> set[str] | None:
        """Apply new aliases in actors' and places' files (``add_aliases``), before the
        dossiers: those naming someone an alias merged are added to ``edited`` (as they
        are on disk), to be applied again. The paths of the pages to plan again (the
        dossiers naming each, whose names link differently), or None when the site must
        be assembled."""
        docs = self.cache.documents
        dirty: set[str] = set()
        for rel, entry in updates:
            if entry is None or Path(rel).parent.name == "dossiers":
                continue
            described = _described(site, rel, entry, aliases=True)
            if described is None or described[0].aliases == described[1].aliases:
                continue
            entity, record = described
            again = add_aliases(site, entity, record)
            if again is None:
                return None
            listed = {r for r, _ in edited}
            for path in sorted(again - listed):
                known = docs.entries.get(path)
                if known is None or known.problems:
                    return None
                edited.append((path, known))
            profiles = site.actor_profiles if isinstance(entity, Actor) else site.location_profiles
            dirty.update(routes.dossier(d.slug) for d in profiles[entity.slug].dossiers)
        return dirty

    def _add_entities(self, site: Site, added: list) -> set[str] | None:
        """Apply actors' and places' files added to the site in place (``add_entity_file``);
        the paths of the pages to plan again, or None when the site must be assembled."""
        dirty: set[str] = set()
        for _, entry in added:
            if len(entry.records) != 1:
                return None
            made = add_entity_file(site, entry.records[0])
            if made is None:
                return None
            entity, linked = made
            if isinstance(entity, Actor):
                dirty |= {routes.actor(entity.slug), routes.actor_feed(entity.slug)}
            else:
                dirty.add(routes.location(entity.slug))
            dirty.update(routes.dossier(slug) for slug in linked)
        return dirty

    def _patch_dossiers(
        self, site: Site, edited: list, links: Links | None
    ) -> tuple[set[str], list, bool] | None:
        """Apply edited, added and removed (entry None) dossiers to the site in place; the
        paths of the pages that show what changed (to be planned again), the rows of the
        list of dossiers that changed (``Patched.rows``) and whether actors or places came
        or went; None when the site must be assembled. ``links``: the last build's, whose
        long lists in pieces (``Chunks``) must forget the dossiers changed in place."""
        dirty: set[str] = set()
        rows: list = []
        named = False
        for rel, entry in edited:
            if entry is None:  # the file is gone
                done = patch_dossier(site, None, Problems(), rel)
            elif len(entry.records) != 1:
                return None
            else:
                done = patch_dossier(site, copy.copy(entry.records[0]), Problems())
            if done is None:
                return None
            rows += done.rows
            named = named or done.new or bool(done.gone)
            if links is not None and done.dossier is not None:
                links.chunks.forget(done.dossier)
            for name in done.actors:
                slug = site.actor_by_name[name].slug
                dirty |= {routes.actor(slug), routes.actor_feed(slug)}
            for name in done.places:
                dirty.add(routes.location(site.location_by_name[name].slug))
            dirty.update(routes.dossier(slug) for slug in done.dossiers)
            dirty.update(routes.timeline_year(y) for y in done.years if y is not None)
            dirty.update(tag_page(t) for t in done.tags)
        return dirty, rows, named

    def _render(
        self,
        state: _State,
        timer: Timer,
        trust_output: bool,
        parallel: bool,
        staging: str | None = None,
    ) -> tuple[Rendered, set[str]]:
        config, cache = self.config, self.cache
        site, pages, values, templates = state.site, state.pages, state.values, state.templates
        common = state.common
        out = config.output
        manifest = cache.manifest
        prints: dict[str, str] = {}
        todo: list[Page] = []
        kept: set[str] = set()

        base = str(out) + os.sep

        def unchanged_on_disk(path: str) -> bool:
            try:
                st = os.stat(base + path)
            except OSError:
                return False
            return manifest.stats.get(path) == (st.st_size, st.st_mtime_ns, st.st_ino)

        def fingerprint_all() -> None:
            touched, replanned = state.touched, state.replanned
            old = manifest.fingerprints
            # a patched build: a page none of whose dependencies changed is kept, and
            # its file trusted (the watcher checks them all when quiet: ``Watcher.tidy``)
            again: Iterable[int] = range(len(pages))
            if touched is not None and trust_output:
                # which pages to fingerprint again: one of whose dependencies changed,
                # planned again, or new; the rest (ten thousand) kept, in C-level loops
                paths = list(map(attrgetter("path"), pages))
                known = list(map(old.get, paths))
                changed = map(not_, map(touched.isdisjoint, map(attrgetter("deps"), pages)))
                new = map(is_, known, repeat(None))
                planned = map(replanned.__contains__, paths)
                again = list(compress(count(), map(or_, map(or_, changed, new), planned)))
                prints.update(zip(paths, known, strict=True))  # those made again: replaced
                kept.update(paths)
            for i in again:
                page = pages[i]
                path = page.path
                fp = deps.fingerprint(
                    path, templates.get(page.template, "?"), common, page.deps, values
                )
                prints[path] = fp
                if trust_output and old.get(path) == fp and unchanged_on_disk(path):
                    kept.add(path)
                else:
                    kept.discard(path)
                    todo.append(page)

        timer.stage("fingerprints", fingerprint_all)
        links = links_of(pages)
        if links is not None:
            links.fragments = {}  # keyed by object identity: for one build only
            for path in state.gone:  # pages no longer made show none of the pieces
                links.chunks.release(path)
            links.chunks.next_build()
            store = cache.fragments(templates.get("_macros.html", "?"))
            if pages and len(todo) == len(pages):
                store.clear()  # a full render: keep only what this site shows
                store[None] = templates.get("_macros.html", "?")
            size = len(store)
            links.store = store
            if parallel and len(todo) >= PARALLEL_MIN_PAGES and can_fork():
                timer.stage("fragments", prerender_fragments, state.env, links, config, self._rows)
        if self._ahead is not None:
            ahead, self._ahead = self._ahead, None
            timer.stage("ahead", ahead.collect, cache.markdown)
        cache.markdown.used = set()
        try:
            files, staged = timer.stage(
                "render", render_pages, state.env, todo, cache.markdown, parallel, staging
            )
        except DossierError:
            raise
        except jinja2.TemplateError as exc:
            raise DossierError(template_problem(exc, config)) from None
        if pages and len(todo) == len(pages):
            cache.trim_markdown(cache.markdown.used)
        if links is not None:
            cache.fragments_changed(abs(len(links.store) - size))
        if self._stores_aside and can_fork():
            cache.save_aside("markdown", "fragments")

        export_fp = digest(repr((common, values[deps.GRAPH], sorted(prints))))
        previous = manifest.exports
        if (
            trust_output
            and previous
            and all(fp == export_fp and unchanged_on_disk(p) for p, fp in previous.items())
        ):
            kept.update(previous)
            exported: list[str] = []
        else:
            exported = timer.stage("exports", self._exports, state, files, staged, staging)
        files.update(timer.stage("assets", static_files, config))
        self._pending = (prints, export_fp, set(exported) or set(previous), state, staged)
        rendered = Rendered(
            SiteFiles(files, kept | set(staged), out, staged),
            site,
            pages,
            state.warnings,
            timer.timings,
            len(todo),
        )
        return rendered, kept

    def _exports(
        self, state: _State, files: dict[str, bytes], staged: dict[str, str], staging: str | None
    ) -> list[str]:
        """Make the exports into ``files``, or (big ones) ``staging``; return their paths."""
        paths = []
        for path, data in exports(state.site, self.config, state.pages, self._rows):
            hold_file(path, data, files, staged, staging)
            paths.append(path)
        return paths

    def input_stamp(self) -> tuple[str, list[Path]]:
        """How every input of the build looks on disk (see ``cache.input_stamp``)."""
        config = self.config
        folders = [
            config.content,
            config.path("templates_dir"),
            config.path("static_dir"),
            PACKAGE_TEMPLATES,
            PACKAGE_STATIC,
        ]
        return input_stamp(folders, [config.root / CONFIG_FILE], repr(config))

    def output_intact(self, strays: bool = True) -> bool:
        """``output/`` holds the files the last build wrote, each as it left them, and
        (with ``strays``) no other files."""
        stats = self.cache.manifest.stats
        base = str(self.config.output) + os.sep
        for path, known in stats.items():
            try:
                st = os.stat(base + path)
            except OSError:
                return False
            if known != (st.st_size, st.st_mtime_ns, st.st_ino):
                return False
        if not strays:
            return True
        out = self.config.output
        found = existing_files(out)
        return all(p in stats or p.startswith(SEARCH_DIR + "/") for p in found)

    def build(
        self,
        search: bool | None = None,
        write_cache: bool = True,
        changed: Collection[Path] | None = None,
        warm: bool = False,
    ) -> BuildResult:
        """See ``_build``; with the garbage collector spared the site (``collector_spared``)."""
        with collector_spared():
            return self._build(search, write_cache, changed, warm)

    def _build(
        self,
        search: bool | None,
        write_cache: bool,
        changed: Collection[Path] | None,
        warm: bool,
    ) -> BuildResult:
        """Render what changed and bring ``output/`` up to date; then index it for search.

        When no input changed since the last build (same whole-input stamp) and ``output/``
        is exactly as that build left it, there is nothing to do: the site is not even read.
        ``changed``: the input files the caller knows changed since this builder's last
        build (the watcher does); None when unknown. ``warm``: even with nothing to do, read
        and assemble the site, so that the next build can patch it (the watcher's first).
        """
        timer = Timer()
        self.cache.collect_aside()  # left by a build that failed
        self._stores_aside = write_cache and not self.lazy_cache
        manifest = self.cache.manifest
        stamp, racy = "", []
        read_at_start: dict[Path, str | None] = {}
        if changed is None:
            stamp, racy = timer.stage("stamp", self.input_stamp)
            read_at_start = _digests_outside(self.config.content, racy)
            if not racy and manifest.stamp == stamp and timer.stage("check", self.output_intact):
                if warm:  # output/ is as these inputs make it: their state is the last build's
                    self._last = self._assemble(timer)
                    self._primed = timer.stage("prime", self._prime, self._last)
                return self._nothing_to_do(search, timer)
        out = self.config.output
        # pages rendered by the pool wait beside output/ (same file system: moved, not
        # copied), so a failed build leaves output/ as it was
        staging = tempfile.mkdtemp(prefix=".dossier-staging-", dir=out.parent)
        try:
            rendered, kept = self.render(changed=changed or (), staging=staging)
            timer.timings.update(rendered.timings)
            files = rendered.files.memory  # type: ignore[attr-defined]
            staged = self._pending[4]
            keep = (SEARCH_DIR + "/",)
            # a patched build: only the pages it no longer makes go, nothing else to prune
            patched = self._pending[3]
            prune = patched.touched is None
            gone = patched.gone
            if prune and not kept and is_empty_folder(out):  # a first build: all in one move
                stats = timer.stage("write", move_in, staging, out, files, staged)
            else:
                trash = None
                if self.defer_freeing:
                    trash = tempfile.mkdtemp(prefix=".dossier-trash-", dir=out.parent)
                    self.trash.append(trash)
                exports = self._pending[2]
                fresh = [p for p in staged if p in exports]
                stats = timer.stage(
                    "write", write_site, out, files, keep, prune, kept, staged, gone, trash, fresh
                )
        finally:
            self._discard(staging)
        self._record([*files, *staged], kept)
        del files
        rendered.files.release()  # type: ignore[attr-defined]
        if warm and self._last is not None:  # the watcher's first build: edits come next
            self._primed = timer.stage("prime", self._prime, self._last)
        manifest.stamp = stamp if stamp and self._settled(stamp, racy, read_at_start) else ""
        manifest.warnings = list(rendered.warnings)
        if write_cache:
            timer.stage("cache", self.cache.save, self.lazy_cache)
        want_search = self.config.search if search is None else search
        note = timer.stage("search", index_search, out) if want_search else "off"
        if not want_search:
            shutil.rmtree(out / SEARCH_DIR, ignore_errors=True)
        return BuildResult(rendered, stats, timer.timings, note)

    def _settled(self, stamp: str, racy: list[Path], read_at_start: dict[Path, str | None]) -> bool:
        """May ``stamp`` (taken as this build began) stand for what the build read?

        Racy inputs (changed just before the build) could change again within the same
        clock tick without their stat showing it. Once the build is over, they are settled
        if nothing changed (the same stamp, now with no racy input) and each racy content
        file still holds the bytes the build read, each other one (the config, a template:
        not hashed by the build) those it held as the build began (``read_at_start``).
        Else the next build cannot trust the stamp and reads the whole site: the watcher's
        catch-up build after serving a site copied just before (its config racy) did, for
        seconds at 10,000 dossiers, and left the first edit to make all it had primed."""
        if not racy:
            return True
        again, still = self.input_stamp()
        if again != stamp or still:
            return False
        content = self.config.content
        digests = self.cache.documents.digests
        for file in racy:
            try:
                data = file.read_bytes()
            except OSError:
                return False
            if not file.is_relative_to(content):
                if read_at_start.get(file) != digest(data):
                    return False
                continue
            rel = file.relative_to(self.config.root).as_posix()
            if rel in digests and digests[rel] != digest(data):
                return False
        return True

    def _nothing_to_do(self, search: bool | None, timer: Timer) -> BuildResult:
        manifest = self.cache.manifest
        out = self.config.output
        files = SiteFiles({}, set(manifest.stats), out)
        rendered = Rendered(files, None, [], list(manifest.warnings), timer.timings, 0)
        stats = WriteStats(unchanged=len(manifest.stats))
        want_search = self.config.search if search is None else search
        note = timer.stage("search", index_search, out) if want_search else "off"
        if not want_search:
            shutil.rmtree(out / SEARCH_DIR, ignore_errors=True)
        return BuildResult(rendered, stats, timer.timings, note)

    def _record(self, files: Collection[str], kept: set[str]) -> None:
        """Remember how each output file looks now that it is written."""
        prints, export_fp, export_paths, state, _ = self._pending
        state.touched = None
        state.replanned = set()
        state.gone = set()
        self._last = state
        manifest = self.cache.manifest
        out = self.config.output
        stats = {p: manifest.stats[p] for p in kept if p in manifest.stats}
        for path in files:
            try:
                st = os.stat(out / path)
            except OSError:
                continue
            stats[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
        manifest.stats = stats
        manifest.fingerprints = prints
        manifest.exports = {p: export_fp for p in export_paths}
        self.cache.manifest_dirty = True

    def _discard(self, folder: str) -> None:
        """Remove a folder the build is done with; with ``defer_freeing``, once things are
        quiet (``free_replaced``): removing an edit's emptied staging folders took
        milliseconds."""
        if not self.defer_freeing:
            shutil.rmtree(folder, ignore_errors=True)
            return
        head, name = os.path.split(folder)
        trash = os.path.join(head, name.replace(".dossier-staging-", ".dossier-trash-", 1))
        try:
            os.rename(folder, trash)  # a name ``free_replaced`` finds, should this process end
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return
        self.trash.append(trash)

    def free_replaced(self) -> None:
        """Remove the old files that writes left in trash folders (``defer_freeing``), and
        any trash a process stopped before it could do so left beside ``output/`` (links to
        old bytes only: nothing there is of use to anyone)."""
        while self.trash:
            shutil.rmtree(self.trash.pop(), ignore_errors=True)
        for stale in self.config.output.parent.glob(".dossier-trash-*"):
            shutil.rmtree(stale, ignore_errors=True)

    def forget_output(self) -> None:
        """Trust nothing on disk: the next build renders every page."""
        self.cache.manifest.fingerprints.clear()
        self.cache.manifest.exports.clear()
        self.cache.manifest.stamp = ""


def render_site(config: Config, markup: Markup | None = None) -> Rendered:
    """The whole site in memory (nothing read from or written to disk but the inputs)."""
    builder = Builder(config, cache_dir=None)
    if markup is not None:
        builder.markup = markup
    rendered, _ = builder.render(trust_output=False)
    rendered.files = dict(rendered.files.memory)  # type: ignore[attr-defined]
    return rendered


def build(config: Config, *, search: bool | None = None) -> BuildResult:
    """Render the site and write it to ``output/``; then index it for search."""
    return Builder(config).build(search=search)
